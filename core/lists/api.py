"""JSON API for public notices, objections, list publication, the public lists, the province's
national recommendation (signed JSON / xlsx) and its import by a national instance.

Reading notices and lists and filing an objection need no token (they are public, like the
pages); everything else takes a bearer token and a permission (:mod:`core.review.access`).
"""
from __future__ import annotations

import functools
import json
import operator
from collections.abc import Callable, Sequence
from typing import Any

from flask import Flask, Response, request
from flask_babel import lazy_gettext as _l
from flask_smorest import Api
from marshmallow import fields, validate

from core.accounts import api_user
from core.api import BINARY, Blueprint, authed, documents, limited, optional_auth, public, report_or_error
from core.api.errors import abort_json
from core.api.paging import Paged, answer, page_of, paged_query, seek, window
from core.api.resource import Resource
from core.api.schema import Query, dumped_answer, text
from core.errors import AccessDenied, InvalidInput, NotFound
from core.extensions import csrf, db
from core.jobs.api import JobSchema, job_accepted
from core.clock import aware
from core.kernel import paging
from core.kernel.permissions import may, require
from core.kernel.uow import commit
from core.lists import cultivation, decisions, history, keys, notices, recommend, stage_members
from core.lists.access import ListsPerm, publish_perm, stage_publisher
from core.lists.schemas import (
    ProvinceKeyCreateSchema,
    ProvinceKeyListSchema,
    ProvinceKeySchema,
    ConsultedDepartmentsSchema,
    DecisionListSchema,
    DecisionPublishedSchema,
    DecisionSchema,
    ExportQuerySchema,
    HistoryReportSchema,
    HistoryUploadSchema,
    ListDecisionCreateSchema,
    ListPageSchema,
    ListPublishSchema,
    ListQuerySchema,
    NoticeListSchema,
    NoticeSchema,
    ObjectionCreateSchema,
    ObjectionFiledSchema,
    RecognitionCreateSchema,
    StageAddSchema,
    StageCompletionSchema,
    StageEntrySchema,
    StageWithdrawSchema,
    ObjectionListSchema,
    ObjectionResolveSchema,
    ObjectionSchema,
    PublicationSchema,
    PublicNoticeCreateSchema,
    RecommendationAddSchema,
    RecommendationDocumentSchema,
    RecommendationImportListSchema,
    RecommendationImportReportSchema,
    RecommendationSchema,
    RecommendationStateSchema,
)
from core.models import PublicNotice, RecommendationItem
from core.review.access import ReviewPerm, staff_application
from core.web.downloads import attachment
from core.web.pagecache import kept

API_PREFIX = "/api/v1"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_JSON_ONLY = _l("Send the signed document as JSON (Content-Type: application/json).")


def notice_json(n: PublicNotice, staff: bool = False) -> dict[str, Any]:
    out = {"id": n.id, "region": n.region, "level": n.level, "year": n.year, "title": n.title,
           "starts_on": n.starts_on.isoformat(), "ends_on": n.ends_on.isoformat(),
           "period": {"days": n.period_days, "count": n.period_count, "source": n.period_source,
                      "cite": n.period_cite},
           "running": notices.is_running(n), "status": n.status, "document_no": n.document_no,
           "published_on": n.published_on.isoformat() if n.published_on else None,
           "admin_unit_id": n.admin_unit_id, "start_reason": n.start_reason,
           "items": [{"id": i.id, "application_id": i.application_id, "name": i.organization.name,
                      "uscc": i.organization.uscc, "unit_type": i.unit_type, "tier": i.tier,
                      "score": None if i.score is None else float(i.score), "status": i.status} for i in n.items]}
    if staff:
        counts = {i.id: notices.open_objections(i) for i in n.items}
        for item in out["items"]:
            item["open_objections"] = counts[item["id"]]
    return out


def objection_json(o) -> dict[str, Any]:
    return {"id": o.id, "notice_id": o.notice_id, "item_id": o.item_id, "unit": o.item.organization.name,
            "name": o.name, "contact": o.contact, "objector_unit": o.objector_unit, "grounds": o.grounds,
            "evidence": o.evidence, "filed_at": aware(o.filed_at), "status": o.status,
            "resolution": o.resolution, "resolved_by": o.resolved_by}


def decision_json(d, with_entries: bool = True) -> dict[str, Any]:
    out = {"id": d.id, "level": d.level, "year": d.year, "title": d.title, "document_no": d.document_no,
           "published_on": d.published_on.isoformat(), "admin_unit_id": d.admin_unit_id,
           "rule": {"source": d.rule_source, "cite": d.rule_cite}}
    if with_entries:
        out["entries"] = [{"list_entry": e.id, "application_id": e.application_id, "name": e.organization.name,
                           "uscc": e.organization.uscc, "unit_type": e.unit_type, "status": e.status}
                          for e in decisions.entries_of(d)]
    return out


_ENTRY_COLUMNS = ("year", "level", "unit_type", "name", "uscc", "region", "city", "notice_no", "listed_on")


@functools.lru_cache(maxsize=8)
def _entry_getter(columns: tuple[str, ...]) -> Callable[[Any], tuple]:
    return operator.itemgetter(*(columns.index(name) for name in _ENTRY_COLUMNS))


def list_entries(rows: Sequence[Any]) -> list[dict[str, Any]]:
    """The entries of a page of :func:`notices.browse` as :class:`ListEntrySchema` dumps them (texts, the year, the
    day listed as ISO text), answered without dumping them again (:func:`core.api.schema.dumped_answer`)."""
    if not rows:
        return []
    return [{"year": year, "level": level, "unit_type": unit_type, "name": name, "uscc": uscc, "region": region,
             "city": city, "notice_no": notice_no, "listed_on": listed_on.isoformat() if listed_on else None}
            for year, level, unit_type, name, uscc, region, city, notice_no, listed_on
            in map(_entry_getter(rows[0]._fields), rows)]


def _publisher_unit(level: str, year: int) -> int | None:
    """The caller must act for the level's publisher: a city bureau for its own city, province staff
    (or an administrator) for the province, ministry staff for the ministry (403 otherwise)."""
    user = api_user()
    how = notices.publication(level, year)
    if not may(user, publish_perm(how.publisher)):
        raise AccessDenied("Your role may not publish this list: the %(publisher)s publishes it.",
                           publisher=how.publisher)
    if how.publisher != "city":
        require(user, ReviewPerm.NOTICE_MANAGE)
    return user.admin_unit_id if how.publisher == "city" else None


def _maybe_staff() -> bool:
    user = api_user()
    return user is not None and may(user, ReviewPerm.NOTICE_MANAGE)


blp = Blueprint("lists_api", __name__, url_prefix=API_PREFIX,
                description="Public notices, objections, lists, national recommendation and its import")


class NoticeQuery(Query):
    after = text(30, load_default=None, metadata={
        "description": "the page after this cursor: next_after of the page before (the first page: leave out)"})


NoticePageQuery = paged_query("NoticePageQuery", NoticeQuery)


class _StageQuery(Query):
    year = fields.Integer(load_default=None, validate=validate.Range(min=2000, max=2100),
                          metadata={"description": "only the stage's entries of this year"})


StageQuery = paged_query("StageQuery", _StageQuery)


@blp.route("/notices")
class Notices(Resource):
    @optional_auth
    @blp.arguments(NoticePageQuery, location="query")
    @blp.response(200, NoticeListSchema)
    def get(self, args):
        """Public notices of this instance, newest first (public: those that have started; staff see all)."""
        staff = _maybe_staff()
        rows = notices.notices(args["limit"] + 1, public=not staff, after=args["after"])
        shown = paging.page(rows, args["limit"], "first", notices.notice_cursor)
        return answer([notice_json(n, staff=staff) for n in shown.rows], shown.next)

    @authed(ReviewPerm.NOTICE_MANAGE)
    @blp.arguments(PublicNoticeCreateSchema)
    @blp.response(201, NoticeSchema)
    def post(self, args):
        """Open a notice where the level's list is published after one; the end date follows the
        region's period on the working-day calendar (409 when a year lacks holiday data). A start
        before today needs ``start_reason``."""
        unit = _publisher_unit(args["level"], args["year"])
        notice = notices.open_notice(self.user.username, admin_unit_id=unit, **args)
        return self.done(notice_json, notice, staff=True)


@blp.route("/list-decisions")
class ListDecisions(Resource):
    @public
    @blp.arguments(Paged, location="query")
    @blp.response(200, DecisionListSchema)
    def get(self, args):
        """Lists published by decision (public): document number, date, level, year, units."""
        return window(decisions.decisions(limit=10_000), args, decision_json)

    @authed(lambda user: user)
    @blp.arguments(ListDecisionCreateSchema)
    @blp.response(201, DecisionPublishedSchema)
    def post(self, args):
        """Publish a list by decision where the level's document names no notice: the province's, or a
        city bureau's own city list. Units banned or already listed are reported, not listed."""
        unit = _publisher_unit(args["level"], args["year"])
        outcome = decisions.publish_decision(self.user.username, admin_unit_id=unit, **args)
        commit()
        return {**decision_json(outcome["decision"]), "blocked": outcome["blocked"]}


def stage_json(row: Any) -> dict[str, Any]:
    e, stage, done = row.entry, row.stage, row.recognized
    due = stage_members.completion(e, stage, recognized=done is not None)
    return {"complete_by": due.day.isoformat() if due.day else None, "complete_by_source": due.by,
            "overdue": due.overdue,"list_entry": e.id, "year": e.year, "level": e.level, "stage": stage.name if stage else None,
            "member": stage.member if stage else None, "cite": stage.cite if stage else None,
            "unit_type": e.unit_type, "name": e.organization.name, "uscc": e.organization.uscc,
            "document_no": e.notice_no, "published_on": e.listed_on.isoformat() if e.listed_on else None,
            "recognized": None if done is None else {"list_entry": done.id, "year": done.year,
                                                     "document_no": done.notice_no}}


@blp.route("/list-stage")
class ListStage(Resource):
    @public
    @blp.arguments(StageQuery, location="query")
    @blp.response(200, page_of(StageEntrySchema))
    def get(self, args):
        """The units in a stage before a list (public): Hunan's 创建计划 (000 二.4), Shanxi's 培育库 (004 第七条),
        Hubei's 培育库 (002 三(一)); not listed, each with the listing that followed the province's 认定, if any."""
        return window(cultivation.stage_rows(year=args.get("year")), args, stage_json)


@blp.route("/list-stage/recognitions")
class StageRecognitions(Resource):
    @authed(ReviewPerm.NOTICE_MANAGE)
    @blp.arguments(RecognitionCreateSchema)
    @blp.response(201, DecisionPublishedSchema)
    def post(self, args):
        """The province's 认定: units of the stage move onto the list of its level by a decision; units banned or
        already listed are reported, not listed."""
        outcome = cultivation.recognize(self.user.username, **args)
        commit()
        return {**decision_json(outcome["decision"]), "blocked": outcome["blocked"]}


def _stage_city() -> int | None:
    """The city a stage's publisher acts for (None: the province); 403 for anyone who fills no stage."""
    who = stage_publisher(api_user())
    if who is None:
        raise AccessDenied("Only the stage's publisher (the province, or a city bureau for its city) puts units into "
                           "it.")
    return who[1]


def _stage_entry_json(entry: Any) -> dict[str, Any]:
    return stage_json(cultivation.StageRow(entry, cultivation.stage_of(entry.level, entry.year), None))


@blp.route("/list-stage/entries")
class StageEntries(Resource):
    @authed(lambda user: user)
    @blp.arguments(StageAddSchema)
    @blp.response(201, StageEntrySchema)
    def post(self, args):
        """Put one unit into the stage before a list (Shanxi 004 第七条: the province lists 培育对象; Hubei 002 三(一):
        each city bureau its 培育库), by the stage's publisher; refused (409) where the region has no stage for that
        level and year, or the unit is banned, already listed or already in it."""
        entry = stage_members.add_to_stage(self.user.username, admin_unit_id=_stage_city(), **args)
        return self.done(_stage_entry_json, entry)


@blp.route("/list-stage/entries/<int:entry_id>/withdrawal")
class StageWithdrawal(Resource):
    @authed(lambda user: user)
    @blp.arguments(StageWithdrawSchema)
    @blp.response(200, StageEntrySchema)
    def post(self, args, entry_id):
        """Take a unit out of the stage, with the reason (its publisher); the entry stays, marked withdrawn."""
        entry = stage_members.withdraw(self.user.username, entry_id=entry_id, admin_unit_id=_stage_city(), **args)
        return self.done(_stage_entry_json, entry)


@blp.route("/list-stage/entries/<int:entry_id>/completion")
class StageCompletion(Resource):
    @authed(lambda user: user)
    @blp.arguments(StageCompletionSchema)
    @blp.response(200, StageEntrySchema)
    def post(self, args, entry_id):
        """Enter the day the unit completes its creation by, as its decision set it (Hunan 000 二.4)."""
        entry = stage_members.set_completion(self.user.username, entry_id=entry_id, admin_unit_id=_stage_city(),
                                             **args)
        return self.done(_stage_entry_json, entry)


@blp.route("/list-history")
class ListHistory(Resource):
    @authed(ReviewPerm.NOTICE_MANAGE)
    @blp.arguments(HistoryUploadSchema, location="form_and_files")
    @blp.response(200, HistoryReportSchema)
    @blp.alt_response(202, schema=JobSchema, description="a large file: the background job that imports it")
    @blp.alt_response(422, schema=report_or_error("HistoryReport"),
                      description="rows have problems (the report), or the file cannot be read (Error); nothing "
                                  "was written")
    def post(self, form):
        """Import the province's existing list entries from an xlsx or CSV file (multipart ``file``;
        ``dry_run`` checks only): all or nothing, idempotent, audited. 200 with the report when imported
        (or checked), 422 with the report when a row has problems; a large file is imported by a
        background job: 202 with the job (follow ``Location``, GET /api/v1/jobs/{id})."""
        if not may(self.user, ListsPerm.HISTORY):
            raise AccessDenied("Your role may not do this.")
        upload, dry_run = form["file"], form["dry_run"]
        if not hasattr(upload, "read"):
            raise InvalidInput("Attach the file (multipart field 'file').", field="file")
        raw = upload.read()
        from core.lists import jobs as list_jobs  # issue 22: a large file is imported by a job

        if list_jobs.import_in_background(raw):
            job = list_jobs.start_import(self.user, raw, upload.filename or "", dry_run)
            return job_accepted(job)
        report = history.import_history(self.user.username, raw, upload.filename or "", dry_run=dry_run)
        if report["ok"] and not dry_run:
            commit()
        else:
            db.session.rollback()
        return report, (200 if report["ok"] else 422)


@blp.route("/list-decisions/<int:decision_id>")
class OneListDecision(Resource):
    @public
    @blp.response(200, DecisionSchema)
    def get(self, decision_id):
        """One published decision with its units (public)."""
        return decision_json(decisions.decision_or_404(decision_id))


@blp.route("/notices/<int:notice_id>")
class Notice(Resource):
    @optional_auth
    @blp.response(200, NoticeSchema)
    def get(self, notice_id):
        """One notice with its units (public once it has started; staff also see open objection counts)."""
        staff = _maybe_staff()
        return notice_json(notices.notice_or_404(notice_id, public=not staff), staff=staff)


@blp.route("/notices/<int:notice_id>/objections")
class NoticeObjections(Resource):
    @authed(ReviewPerm.NOTICE_MANAGE)
    @blp.arguments(Paged, location="query")
    @blp.response(200, ObjectionListSchema)
    def get(self, args, notice_id):
        """The objections to a notice, with the objectors' contact details (staff)."""
        from sqlalchemy import select

        from core.models import Objection

        notice = notices.notice_or_404(notice_id)
        return seek(select(Objection).where(Objection.notice_id == notice.id), Objection.id, args=args,
                    json=objection_json)

    @public
    @limited("public_report")
    @blp.arguments(ObjectionCreateSchema)
    @blp.response(201, ObjectionFiledSchema)
    def post(self, args, notice_id):
        """File a real-name objection to one unit while the notice runs (public; no token)."""
        notice = notices.notice_or_404(notice_id, public=True)
        row = notices.file_objection(notice, **args)
        commit()
        return {"id": row.id, "notice_id": notice.id, "item_id": row.item_id, "status": row.status}


@blp.route("/objections/<int:objection_id>/resolve")
class ObjectionResolution(Resource):
    @authed(ReviewPerm.NOTICE_MANAGE)
    @blp.arguments(ObjectionResolveSchema)
    @blp.response(200, ObjectionSchema)
    def post(self, args, objection_id):
        """Resolve an objection: dismissed (the unit stays) or upheld (the unit leaves the notice)."""
        objection = notices.objection_or_404(objection_id)
        notices.resolve_objection(self.user.username, objection, args["outcome"], args["resolution"])
        return self.done(objection_json, objection)


@blp.route("/notices/<int:notice_id>/publish")
class NoticePublication(Resource):
    @authed(ReviewPerm.NOTICE_MANAGE)
    @blp.arguments(ListPublishSchema)
    @blp.response(200, PublicationSchema)
    def post(self, args, notice_id):
        """After the notice, list every unit without an open objection (list entries with the document
        number and date); the others are reported as blocked."""
        notice = notices.notice_or_404(notice_id)
        outcome = notices.publish(self.user.username, notice, **args)
        commit()
        return outcome


@blp.route("/lists")
class Lists(Resource):
    @kept()
    @public
    @blp.arguments(ListQuerySchema, location="query")
    @blp.response(200, ListPageSchema)
    def get(self, args):
        """Published lists, filtered by level, year, region and unit type (public)."""
        per_page = args.pop("limit")
        page = notices.browse(**args, per_page=per_page)
        return dumped_answer(ListPageSchema, answer(list_entries(page.rows), page.next_after,
                                                    None if page.capped else page.total))

# ----------------------------------------------------- recommendation --


def _rec_json(rec) -> dict[str, Any]:
    found = recommend.deadline(rec.year)
    return {"year": rec.year, "status": rec.status, "version": rec.version, "digest": rec.digest,
            "deadline": found.day.isoformat() if found else None, "deadline_at": found.instant if found else None,
            "deadline_source": found.source if found else None,
            "consulted_departments": rec.consulted_departments or [],
            "items": [{"id": i.id, "application_id": i.application_id, "name": i.application.organization.name,
                       "score": None if i.score is None else float(i.score), "tier": i.tier, "gates": i.gates}
                      for i in rec.items]}


@blp.route("/recommendations/<int:year>")
class Recommendation(Resource):
    @authed(ReviewPerm.RECOMMEND)
    @blp.response(200, RecommendationStateSchema)
    def get(self, year):
        """The recommendation of ``year`` and the candidates with their gates."""
        rec = recommend.recommendation_for(year)
        chosen = {i.application_id for i in rec.items} if rec else set()
        consulted = rec.consulted_departments if rec else []
        return {"recommendation": _rec_json(rec) if rec else None,
                "candidates": [{"application_id": a.id, "name": a.organization.name, "unit_type": a.unit_type,
                                "gates": recommend.gates(a, year, consulted)}
                               for a in recommend.candidates(year) if a.id not in chosen]}


@blp.route("/recommendations/<int:year>/consulted")
class ConsultedDepartments(Resource):
    @authed(ReviewPerm.RECOMMEND)
    @blp.arguments(ConsultedDepartmentsSchema)
    @blp.response(200, RecommendationSchema)
    def put(self, args, year):
        """Record the departments consulted before recommending: codes of the region's rule and, where it
        allows others ("等"), other departments by name."""
        user = self.user
        rec = recommend.recommendation_for(year, user.username, create=True)
        recommend.set_consulted(user.username, rec, args["consulted_departments"])
        return self.done(_rec_json, rec)


@blp.route("/recommendations/<int:year>/items")
class RecommendationItems(Resource):
    @authed(ReviewPerm.RECOMMEND)
    @documents(404)
    @blp.arguments(RecommendationAddSchema)
    @blp.response(201, RecommendationSchema)
    def post(self, args, year):
        """Add a unit through the gates (409 naming the blocking ones; warnings need acknowledging)."""
        user = self.user
        application = staff_application(user, args["application_id"], ReviewPerm.RECOMMEND)
        rec = recommend.recommendation_for(year, user.username, create=True)
        recommend.add(user.username, rec, application, acknowledge_warnings=args["acknowledge_warnings"])
        return self.done(_rec_json, rec)


@blp.route("/recommendations/<int:year>/items/<int:item_id>")
class RecommendedUnit(Resource):
    @authed(ReviewPerm.RECOMMEND)
    @blp.response(200, RecommendationSchema)
    def delete(self, year, item_id):
        """Take a unit out of the recommendation (before the deadline)."""
        rec = recommend.recommendation_for(year)
        item = db.session.get(RecommendationItem, item_id) if rec else None
        if item is None or item.recommendation_id != rec.id:
            raise NotFound("No such recommended unit.")
        recommend.remove(self.user.username, rec, item)
        return self.done(_rec_json, rec)


@blp.route("/recommendations/<int:year>/export")
class RecommendationExport(Resource):
    @authed(ReviewPerm.RECOMMEND)
    @blp.response(200, RecommendationDocumentSchema)
    def post(self, year):
        """Sign and store a new version; returns the signed JSON document (the file for the ministry)."""
        rec = recommend.recommendation_for(year)
        if rec is None:
            raise NotFound("No recommendation for this year yet.")
        recommend.export(self.user.username, rec)
        commit()
        # the signed document byte for byte as stored and as GET answers it: nothing of an answer's own
        # conventions (core.api.cites) may touch what the signature covers
        return Response(rec.document, mimetype="application/json")

    @authed(ReviewPerm.RECOMMEND)
    @blp.arguments(ExportQuerySchema, location="query")
    @blp.response(200, RecommendationDocumentSchema, description="the signed document (format=json)")
    @blp.alt_response(200, schema=BINARY, content_type=XLSX, success=True,
                      description="the same as a table for people (format=xlsx)")
    def get(self, args, year):
        """The last exported document: JSON, or xlsx with ``?format=xlsx``."""
        rec = recommend.recommendation_for(year)
        if rec is None or not rec.document:
            raise NotFound("No recommendation for this year yet.")
        if args["format"] == "xlsx":
            return attachment(recommend.xlsx(json.loads(rec.document)), recommend.download_name(rec, year, ".xlsx"),
                              XLSX)
        return Response(rec.document, mimetype="application/json")


@blp.route("/recommendation-imports")
class RecommendationImports(Resource):
    @authed(ReviewPerm.RECOMMENDATION_IMPORT)
    @blp.arguments(Paged, location="query")
    @blp.response(200, RecommendationImportListSchema)
    def get(self, args):
        """Provincial recommendations imported by this (national) instance."""
        return window(recommend.imports(), args, lambda i: {
            "id": i.id, "province": i.province, "province_name": i.province_name, "year": i.year,
            "version": i.version, "digest": i.digest, "application_ids": i.application_ids})

    @authed(ReviewPerm.RECOMMENDATION_IMPORT)
    @documents(415)
    @blp.doc(requestBody={"required": True, "description": "the signed document exactly as exported",
                          "content": {"application/json": {"schema": {
                              "$ref": "#/components/schemas/RecommendationDocument"}}}})
    @blp.response(201, RecommendationImportReportSchema)
    @blp.alt_response(422, schema=report_or_error("RecommendationImportReport"),
                      description="rows were rejected (the report), or the document cannot be read (Error); "
                                  "nothing was imported")
    def post(self):
        """Import a province's signed recommendation (the JSON document as the request body): all or
        nothing; 422 with the problems per row when any row is rejected."""
        if not request.is_json:
            abort_json(415, _JSON_ONLY)
        raw = request.get_data(cache=False)
        if len(raw) > recommend.MAX_BYTES:
            raise InvalidInput("The file is larger than %(mb)d MB.", field="file",
                               mb=recommend.MAX_BYTES // (1024 * 1024))
        report = recommend.import_document(self.user.username, raw)
        if not report["ok"]:
            db.session.rollback()
            return report, 422
        commit()
        return report, 201


@blp.route("/province-keys")
class ProvinceKeys(Resource):
    @authed(ReviewPerm.RECOMMENDATION_IMPORT)
    @blp.arguments(Paged, location="query")
    @blp.response(200, ProvinceKeyListSchema)
    def get(self, args):
        """The register of provinces' public signing keys (national instance), revoked ones included."""
        names = keys.province_names()
        return window(keys.listing(), args, lambda row: _key_json(row, names))

    @authed(ReviewPerm.RECOMMENDATION_IMPORT)
    @blp.arguments(ProvinceKeyCreateSchema)
    @blp.response(201, ProvinceKeySchema)
    def post(self, args):
        """Register the public key a province sent: its recommendation files signed with the key are then
        imported. 409 on a province instance or for a key already registered."""
        row = keys.register(self.user.username, args["province"], args["public_key"], args["note"])
        return self.done(_key_json, row, keys.province_names())


@blp.route("/province-keys/<key_id>/revoke")
class ProvinceKeyRevocation(Resource):
    @authed(ReviewPerm.RECOMMENDATION_IMPORT)
    @blp.response(200, ProvinceKeySchema)
    def post(self, key_id):
        """Revoke a key the province replaced or lost: files signed with it are refused from now on."""
        row = keys.revoke(self.user.username, key_id)
        return self.done(_key_json, row, keys.province_names())


def _key_json(row, names: dict[str, str]) -> dict[str, Any]:
    return {**keys.key_json(row), "province_name": names.get(row.province, row.province)}


def register_api(api: Api, app: Flask) -> None:
    """Called by :func:`core.api.init_api`."""
    api.later(lambda spec: spec.components.schema("RecommendationDocument", schema=RecommendationDocumentSchema))
    api.register_blueprint(blp)
    csrf.exempt(blp)
    from core.lists import overview_api  # issue 54: the province's signing key, the national overview

    overview_api.register(api)
