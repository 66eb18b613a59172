"""The job system's own job: pruning finished jobs (features register theirs beside their services)."""
from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from core.jobs.registry import job


@job("jobs.prune", _l("Removal of old finished jobs"))
def prune_jobs(ctx) -> dict[str, int]:
    from core.jobs.service import prune

    return {"removed": prune(int(current_app.config["GREENMFG_JOBS_KEEP_DAYS"]))}
