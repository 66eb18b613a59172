"""Background job of the lists package: importing a large list history (:mod:`core.lists.history`).

A file larger than ``GREENMFG_JOBS_INLINE_BYTES`` is imported by a job: the province's user follows it
on the job's page, which then shows the counts and every row with a problem (all or nothing, as the
page does for small files)."""
from __future__ import annotations

import uuid
from typing import Any

from flask import url_for
from flask_babel import gettext, lazy_gettext as _l

from core.errors import Refused
from core.extensions import db
from core.jobs import enqueue, job
from core.kernel.permissions import may
from core.lists.access import ListsPerm
from core.models import User

#: rows of the report kept with the job (every row with a problem comes first)
REPORT_ROWS = 1000


def _describe(result: dict[str, Any]) -> list[str]:
    lines = []
    if result.get("ok"):
        lines.append(gettext("%(created)d created, %(updated)d updated, %(unchanged)d unchanged, %(orgs)d "
                             "organizations created.", created=result.get("created", 0),
                             updated=result.get("updated", 0), unchanged=result.get("unchanged", 0),
                             orgs=result.get("organizations_created", 0)))
        if result.get("dry_run"):
            lines.append(gettext("(check only: nothing was written)"))
    else:
        lines.append(gettext("Nothing was imported: %(n)d rows have problems (listed below).",
                             n=result.get("rejected", 0)))
    return lines


def _back(job_row) -> tuple[str, str]:
    return url_for("lists.list_history"), gettext("List history")


@job("lists.import_history", _l("List history import"), describe=_describe, back=_back,
     result_template="lists/_history_job.html")
def import_history_job(ctx, input_key: str, filename: str, dry_run: bool = False) -> dict[str, Any]:
    from core.lists import history
    from core.storage import staging

    user = db.session.get(User, ctx.user_id) if ctx.user_id else None
    if user is not None and not may(user, ListsPerm.HISTORY):
        raise Refused("The account that started this job may no longer import the list history.")
    ctx.progress(5, stage=_l("Reading and checking the rows"))
    report = history.import_history(ctx.actor, staging.read(input_key), filename, dry_run=dry_run)
    if not report["ok"] or report["dry_run"]:
        db.session.rollback()
    staging.delete_after_commit(input_key)
    rows = report.get("rows") or []
    report["rows"] = ([r for r in rows if not r["ok"]] + [r for r in rows if r["ok"] and r.get("action") == "updated"]
                      )[:REPORT_ROWS]
    return report


def import_in_background(raw: bytes) -> bool:
    from flask import current_app

    return len(raw) > int(current_app.config["GREENMFG_JOBS_INLINE_BYTES"])


def start_import(user: User, raw: bytes, filename: str, dry_run: bool):
    from core.storage import staging

    key = f"jobs/{uuid.uuid4().hex}/history"
    staging.stage(key, raw)
    row = enqueue("lists.import_history", key, filename[:200], dry_run, user=user, _input_keys=[key])
    db.session.commit()
    return row
