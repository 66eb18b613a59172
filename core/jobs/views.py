"""The pages where a user follows the jobs they started: ``/jobs`` and ``/jobs/<id>`` (progress,
then the download or the report, or why it failed). Only the user who started a job sees it."""
from __future__ import annotations

from flask import Blueprint, Flask, Response, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from core.accounts.web import login_required
from core.clock import now
from core.jobs import service
from core.jobs.registry import spec
from core.models import JobStatus

bp = Blueprint("jobs", __name__, template_folder="templates")
STATUS_LABELS = {
    JobStatus.QUEUED: _l("Waiting for a worker"),
    JobStatus.RUNNING: _l("Running"),
    JobStatus.RETRYING: _l("Interrupted; will run again shortly"),
    JobStatus.DONE: _l("Done"),
    JobStatus.FAILED: _l("Failed"),
}


def _user():
    return current_user._get_current_object()


def describe(job) -> list[str]:
    try:
        job_spec = spec(job.name)
    except LookupError:
        return []
    if job.status != JobStatus.DONE or job_spec.describe is None or job.result is None:
        return []
    return job_spec.describe(job.result)


def view_model(job) -> dict:
    try:
        job_spec = spec(job.name)
    except LookupError:
        job_spec = None
    return {"job": job, "title": service.title(job), "status": str(STATUS_LABELS.get(job.status, job.status)),
            "stage": service.stage_text(job), "error": service.error_text(job), "lines": describe(job),
            "open": job.status in JobStatus.OPEN,
            "result_template": job_spec.result_template if job_spec and job.status == JobStatus.DONE else None,
            "back": job_spec.back(job) if job_spec and job_spec.back else None}


@bp.get("/jobs")
@login_required()
def mine():
    return render_template("jobs/list.html", jobs=[view_model(j) for j in service.jobs_of(_user())])


@bp.get("/jobs/<public_id>")
@login_required()
def detail(public_id: str):
    job = service.job_for(_user(), public_id)
    response = Response(render_template("jobs/detail.html", **view_model(job)))
    if job.status in JobStatus.OPEN:  # the page follows the job until it ends (no script needed)
        response.headers["Refresh"] = str(refresh_seconds(job))
    return response


#: a job younger than this is followed every second: most end within seconds (a summary PDF prints in 0.2-1.5 s,
#: a small import), and the user saw them done only at the next reload (2 s); older ones every 2 s
QUICK_SECONDS = 20


def refresh_seconds(job) -> int:
    """How soon the job's page reloads itself: 1 s while the job is young, then 2 s."""
    created = job.created_at
    young = created is not None and (now() - created).total_seconds() < QUICK_SECONDS
    return 1 if young else 2


@bp.get("/jobs/<public_id>/download")
@login_required()
def download(public_id: str):
    job = service.job_for(_user(), public_id)
    data = service.read_result(job)
    from urllib.parse import quote

    return Response(data, mimetype=job.result_type or "application/octet-stream", headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(job.result_name or 'result')}",
        "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"})


NAV = ()


def init_app(app: Flask) -> None:
    from core.web.nav import NavLink, register

    app.register_blueprint(bp)
    register(app, NavLink(endpoint="jobs.mine", label=_l("My jobs"), order=90, element_id="nav-jobs"))
