"""The test kit greenmfg ships for region-plugin authors (not only for its own tests).

* :mod:`core.testing.pytest_plugin`: fixtures (``greenmfg_make_app``, ``greenmfg_app``,
  ``greenmfg_client``, ``greenmfg_rules``) and the ``greenmfg_region`` marker. Installed
  as the ``pytest11`` entry point ``greenmfg``, so any project with greenmfg installed
  has them without a ``conftest.py``.
* :mod:`core.testing.contract`: :class:`~core.testing.contract.RegionContract`, the
  conformance suite a region plugin runs by subclassing it in one line.

See docs/writing-a-region-plugin.md.
"""
