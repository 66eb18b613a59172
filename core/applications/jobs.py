"""Background jobs of the applications package: the upload's PDF check, large summary-table exports
and imports (:mod:`core.applications.summary`), the summary table printed to PDF, and the stored-file clean-up.

A summary export of more than ``GREENMFG_JOBS_INLINE_ROWS`` applications, and an import of a file
larger than ``GREENMFG_JOBS_INLINE_BYTES``, run as jobs: the city's user is sent to the job's page,
which follows the progress and then offers the file or shows the import's row-by-row report. Smaller
ones answer at once, as before. The summary table as PDF is always a job (LibreOffice prints it: seconds, not a
request's time): the user starts it, follows it and downloads the PDF from the job's page. A job runs as the user
who started it, in the language of the page they started it from (the file's name, the report's text): their
account must still be active and bound to the city.
"""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from flask import current_app, url_for
from flask_babel import get_locale, gettext, lazy_gettext as _l

from core.errors import NotFound, Refused
from core.extensions import db
from core.jobs import enqueue, job
from core.models import AdminUnit, Campaign, User

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
_BUILDING = _l("Building the table")
_PRINTING = _l("Printing the table to PDF with LibreOffice")
_IMPORTING = _l("Reading and checking the rows")


# ---------------------------------------------------------------- PDF check --


@job("evidence.check_pdf", _l("PDF check"), max_attempts=1, timeout=60)
def check_pdf_job(ctx, data: bytes) -> dict[str, Any]:
    from core.applications.evidence import check_in_worker

    return check_in_worker(data)


# ------------------------------------------------------------ file clean-up --


@job("storage.sweep", _l("Clean-up of stored files"))
def sweep_job(ctx, grace_minutes: int = 60) -> dict[str, Any]:
    from core.applications.orphans import sweep

    report = sweep(ctx.actor if ctx else "scheduler", dt.timedelta(minutes=grace_minutes))
    return {k: len(v) for k, v in report.items()}


# ------------------------------------------------------------ summary table --


def _as_city_user(ctx, city_id: int, campaign_id: int) -> tuple[User, AdminUnit, Campaign]:
    """The job runs as the user who started it: still active, still bound to the city, may still export."""
    from core.accounts.permissions import Perm
    from core.kernel.permissions import require

    user = db.session.get(User, ctx.user_id) if ctx.user_id else None
    city, campaign = db.session.get(AdminUnit, city_id), db.session.get(Campaign, campaign_id)
    if city is None or campaign is None:
        raise NotFound("No such campaign.")
    if user is None or not user.active or user.admin_unit_id != city.id:
        raise Refused("The account that started this job may no longer act for this city.")
    require(user, Perm.SUMMARY)
    return user, city, campaign


def _describe_export(result: dict[str, Any]) -> list[str]:
    return [gettext("The table lists %(n)d applications.", n=result.get("applications", 0))]


def _back_to_city(job_row) -> tuple[str, str]:
    campaign_id = (job_row.args or [None, None])[1]
    return url_for("applications.city_ranked", campaign=campaign_id), gettext("Recommendations")


@job("summary.export", _l("Summary table export"), describe=_describe_export, back=_back_to_city)
def export_summary_job(ctx, city_id: int, campaign_id: int, include_drafts: bool = False) -> dict[str, Any]:
    from core.applications import summary

    user, city, campaign = _as_city_user(ctx, city_id, campaign_id)
    ctx.progress(0, stage=_BUILDING)
    written = {"rows": 0}

    def progress(done: int, total: int) -> None:
        written["rows"] = done
        ctx.progress(done, total, stage=_BUILDING)

    data = summary.export_xlsx(city, campaign, user.username, include_drafts=include_drafts, progress=progress)
    ctx.save_file(summary.download_name(city, campaign, include_drafts=include_drafts), data, XLSX)
    return {"applications": written["rows"], "bytes": len(data)}


def export_in_background(city: AdminUnit, campaign: Campaign, *, include_drafts: bool = False) -> bool:
    from core.applications import summary

    return summary.row_count(city, campaign, include_drafts=include_drafts) > int(
        current_app.config["GREENMFG_JOBS_INLINE_ROWS"])


def start_export(city: AdminUnit, campaign: Campaign, user: User, *, include_drafts: bool = False):
    row = enqueue("summary.export", city.id, campaign.id, include_drafts, user=user)
    db.session.commit()
    return row


@job("summary.pdf", _l("Summary table as PDF"), describe=_describe_export, back=_back_to_city, timeout=900)
def export_pdf_job(ctx, city_id: int, campaign_id: int) -> dict[str, Any]:
    """The city's summary table printed to PDF: the table is written (the first half of the progress), then
    LibreOffice prints it. A LibreOffice that is missing or fails fails the job with its message in both
    languages, and nothing is stored or audited."""
    from core.applications import summary

    user, city, campaign = _as_city_user(ctx, city_id, campaign_id)
    ctx.progress(0, stage=_BUILDING)
    written = {"rows": 0}

    def progress(done: int, total: int) -> None:
        written["rows"] = done
        ctx.progress(50.0 * done / total if total else 50, stage=_BUILDING)

    printed = summary.export_pdf(city, campaign, user.username, progress=progress,
                                 printing=lambda: ctx.progress(50, stage=_PRINTING))
    ctx.save_file(summary.download_name(city, campaign, suffix=".pdf"), printed.data, PDF)
    return {"applications": written["rows"], "bytes": len(printed.data), "printed_by": printed.by}


def start_pdf(city: AdminUnit, campaign: Campaign, user: User):
    row = enqueue("summary.pdf", city.id, campaign.id, user=user)
    db.session.commit()
    return row


def _describe_import(result: dict[str, Any]) -> list[str]:
    if result.get("ok"):
        return [gettext("Imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.",
                        created=result.get("created", 0), updated=result.get("updated", 0),
                        unchanged=result.get("unchanged", 0))]
    return [gettext("%(n)d rows were rejected. Nothing was written; correct the file and import it again.",
                    n=result.get("rejected", 0))]


@job("summary.import", _l("Summary table import"), describe=_describe_import, back=_back_to_city,
     result_template="applications/_import_job.html")
def import_summary_job(ctx, city_id: int, campaign_id: int, input_key: str) -> dict[str, Any]:
    from core.applications import summary
    from core.storage import staging

    user, city, campaign = _as_city_user(ctx, city_id, campaign_id)
    ctx.progress(5, stage=_IMPORTING)
    data = staging.read(input_key)
    report = summary.import_xlsx(city, campaign, data, user.username, locale=str(get_locale()),  # the starter's
                                 progress=lambda done, total: ctx.progress(done, total, stage=_IMPORTING))
    if not report["ok"]:
        db.session.rollback()  # nothing written; the report is the job's result
    staging.delete_after_commit(input_key)
    return report


def import_in_background(data: bytes) -> bool:
    return len(data) > int(current_app.config["GREENMFG_JOBS_INLINE_BYTES"])


def start_import(city: AdminUnit, campaign: Campaign, data: bytes, user: User):
    from core.storage import staging

    key = f"jobs/{uuid.uuid4().hex}/summary.xlsx"
    staging.stage(key, data)
    row = enqueue("summary.import", city.id, campaign.id, key, user=user, _input_keys=[key])
    db.session.commit()
    return row
