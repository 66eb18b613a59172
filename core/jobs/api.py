"""JSON API of one's own jobs: ``GET /api/v1/jobs``, ``GET /api/v1/jobs/{id}``, the result file, and
``POST /api/v1/jobs`` to start a job a role may start by name (a score recompute)."""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Response, jsonify, url_for
from flask_smorest import Api
from marshmallow import fields
from sqlalchemy import select

from core.api import BINARY, Blueprint, authed
from core.api.paging import Paged, page_of, seek
from core.api.resource import Resource
from core.api.schema import In, Out, one_of, text
from core.errors import AccessDenied, InvalidInput
from core.extensions import csrf, db
from core.jobs import service
from core.jobs.access import start_perm
from core.jobs.registry import spec
from core.kernel.permissions import may
from core.models import Job as JobRow, JobStatus


def _signed_in(user) -> None:
    """Any signed-in account: each sees only its own jobs."""


class JobErrorSchema(Out):
    message_zh = fields.String(required=True)
    message_en = fields.String(required=True)


class JobSchema(Out):
    id = fields.String(required=True, metadata={"description": "the job's id (what the URLs carry)"})
    name = fields.String(required=True, metadata={"description": "the registered job name"})
    title = fields.String(required=True, metadata={"description": "what the job does, in the request's language"})
    status = one_of([JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.RETRYING, JobStatus.DONE, JobStatus.FAILED],
                    required=True)
    progress = fields.Integer(required=True, metadata={"description": "0 to 100"})
    stage = fields.String(required=True, allow_none=True, metadata={"description": "what the job is doing now"})
    attempts = fields.Integer(required=True)
    max_attempts = fields.Integer(required=True)
    created_at = fields.DateTime(required=True)
    started_at = fields.DateTime(required=True, allow_none=True)
    finished_at = fields.DateTime(required=True, allow_none=True)
    result = fields.Dict(required=True, allow_none=True,
                         metadata={"description": "the job's report (an import's rows, counts), once done"})
    summary = fields.List(fields.String(), required=True,
                          metadata={"description": "the result in the request's language"})
    download_url = fields.String(required=True, allow_none=True,
                                 metadata={"description": "the result file, once done"})
    error = fields.Nested(JobErrorSchema, required=True, allow_none=True, metadata={"description": "why it failed"})


class JobStartSchema(In):
    name = text(80, 1, required=True, metadata={"description": "a job your role may start (e.g. scores.recompute)"})
    arguments = fields.Dict(load_default=dict, metadata={"description": "the job's arguments"})


def job_json(job) -> dict[str, Any]:
    from core.jobs.views import describe

    error = job.error or None
    return {"id": job.public_id, "name": job.name, "title": service.title(job), "status": job.status,
            "progress": job.progress, "stage": service.stage_text(job) or None, "attempts": job.attempts,
            "max_attempts": job.max_attempts, "created_at": job.created_at, "started_at": job.started_at,
            "finished_at": job.finished_at, "result": job.result if job.status == JobStatus.DONE else None,
            "summary": describe(job),
            "download_url": url_for("jobs_api.JobResult", public_id=job.public_id)
            if job.status == JobStatus.DONE and job.result_key else None,
            "error": None if error is None else {"message_zh": error.get("zh", ""), "message_en": error.get("en", "")}}


def job_accepted(job):
    """The 202 answer of an endpoint whose work became a background job: the job (:class:`JobSchema`) and
    ``Location`` to follow it. A finished response, so an operation documenting a file or another body for
    200 does not pass the job through that schema."""
    response = jsonify(JobSchema().dump(job_json(job)))
    response.status_code = 202
    response.headers["Location"] = url_for("jobs_api.Job", public_id=job.public_id)
    return response


blp = Blueprint("jobs_api", __name__, url_prefix="/api/v1", description="Background jobs one started")


@blp.route("/jobs")
class Jobs(Resource):
    @authed(_signed_in)
    @blp.arguments(Paged, location="query")
    @blp.response(200, page_of(JobSchema))
    def get(self, args):
        """The jobs the token's account started, newest first."""
        return seek(select(JobRow).where(JobRow.user_id == self.user.id), JobRow.id, args=args, descending=True,
                    json=job_json)

    @authed(_signed_in)
    @blp.arguments(JobStartSchema)
    @blp.response(202, JobSchema)
    def post(self, args):
        """Start a job your role may start by name; follow it at its URL (Location)."""
        user = self.user
        try:
            job_spec = spec(args["name"])
        except LookupError:
            raise InvalidInput("Unknown job: %(name)s.", field="name", name=str(args["name"])[:80]) from None
        if not may(user, start_perm(job_spec.name)):
            raise AccessDenied("Your role may not do this.")
        kwargs = job_spec.arguments(args["arguments"]) if job_spec.arguments else {}
        job = service.enqueue(job_spec.name, user=user, **kwargs)
        db.session.commit()
        return job_json(job), 202, {"Location": url_for("jobs_api.Job", public_id=job.public_id)}


@blp.route("/jobs/<string(maxlength=64):public_id>")
class Job(Resource):
    @authed(_signed_in)
    @blp.response(200, JobSchema)
    def get(self, public_id):
        """One of your jobs: status, progress, then its report and file, or why it failed."""
        return job_json(service.job_for(self.user, public_id))


@blp.route("/jobs/<string(maxlength=64):public_id>/result")
class JobResult(Resource):
    @authed(_signed_in)
    @blp.response(200, BINARY, content_type="application/octet-stream")
    def get(self, public_id):
        """The job's result file (once done)."""
        job = service.job_for(self.user, public_id)
        return Response(service.read_result(job), mimetype=job.result_type or "application/octet-stream",
                        headers={"Content-Disposition":
                                 f"attachment; filename*=UTF-8''{quote(job.result_name or 'result')}",
                                 "X-Content-Type-Options": "nosniff"})


def register_api(api: Api) -> None:
    api.register_blueprint(blp)
    csrf.exempt(blp)
