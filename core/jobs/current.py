"""The running app's job back end, for the modules that hand it work: the service after a commit and the
scheduler's recovery (:mod:`core.jobs.service`), the runner for a retry (:mod:`core.jobs.runner`). It lives apart
from :mod:`core.jobs.backends`, whose in-process back end runs jobs with the runner, so no import runs in a circle.
"""
from __future__ import annotations

from flask import current_app


def backend():
    """The app's back end (:func:`core.jobs.backends.make_backend`, set by :func:`core.jobs.init_app`)."""
    return current_app.extensions["greenmfg_jobs"]
