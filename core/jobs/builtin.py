"""The job system's own jobs: pruning finished jobs, anchoring the audit log's chain (features register theirs
beside their services)."""
from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from core.jobs.registry import job


@job("jobs.prune", _l("Removal of old finished jobs"))
def prune_jobs(ctx) -> dict[str, int]:
    from core.jobs.service import prune

    return {"removed": prune(int(current_app.config["GREENMFG_JOBS_KEEP_DAYS"]))}


@job("audit.anchor", _l("Signed anchor of the audit log"))
def anchor_audit_log(ctx) -> dict[str, int | None]:
    from core.services import audit_chain

    anchored = audit_chain.anchor()
    return {"anchored": anchored["id"] if anchored else None}
