"""The kernel: what every feature package shares, below all of them.

One clock (:mod:`core.clock`), one unit of work (:mod:`core.kernel.uow`), one region-rules
accessor (:mod:`core.kernel.rules`) and one permission registry (:mod:`core.kernel.permissions`) that the
features fill at start-up. The kernel imports no feature package; ``tests/core/test_layers.py`` holds the
allowed directions of every import.
"""
