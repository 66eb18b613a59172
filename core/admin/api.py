"""JSON API of what an administrator keeps for the instance: administrative units and the working-day
calendar (holidays and make-up working days). Reading both is public (registration lists the units; notice
periods are counted on the calendar); changing them is for administrators, audited, through the same
services as the command line (``greenmfg calendar``)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from flask_smorest import Api
from marshmallow import fields
from sqlalchemy import select

from core.api.blueprint import Blueprint, authed, public
from core.api.paging import page_of, paged_query, window
from core.api.etags import form_tag, if_match, version_tag
from core.api.resource import Resource
from core.api.schema import In, Out, Query, date_text, one_of, text, year
from core.admin.access import AdminPerm
from core.errors import AccessDenied, NotFound
from core.extensions import csrf, db
from core.kernel.permissions import may
from core.kernel.rules import region_rules
from core.models import AdminUnit, CalendarDay, CalendarYear
from core.plugins.types import UnitKind
from core.services import admin_units, calendar, training_clock

API_PREFIX = "/api/v1"
KINDS = [k.value for k in UnitKind]


def _keeper(perm: AdminPerm) -> Callable[[Any], None]:
    """The check of an administrator's change to the units (``AdminPerm.UNITS``) or the calendar (``HOLIDAYS``)."""
    def check(user: Any) -> None:
        if not may(user, perm):
            raise AccessDenied("Only an administrator keeps the administrative units and the calendar.")
    return check


_units_keeper, _calendar_keeper = _keeper(AdminPerm.UNITS), _keeper(AdminPerm.HOLIDAYS)

# ------------------------------------------------------------------ schemas --


class AdminUnitSchema(Out):
    id = fields.Integer(required=True, metadata={"description": "what an account's admin_unit_id names"})
    code = fields.String(required=True)
    name = fields.String(required=True)
    kind = one_of(KINDS, required=True)
    source = fields.String(required=True, metadata={"description": "the plugin, or admin for units added here"})
    active = fields.Boolean(required=True)


class AdminUnitQuerySchema(Query):
    include_inactive = fields.Boolean(load_default=False)


class AdminUnitCreateSchema(In):
    code = text(80, 3, required=True, metadata={"description": "starting with the region code and a dot"})
    name = text(100, 2, required=True)
    kind = one_of(KINDS, required=True, metadata={"description": "a kind the region lets administrators add "
                                                                 "(e.g. 省直管试点县)"})


class AdminUnitUpdateSchema(In):
    name = text(100, 2)
    active = fields.Boolean()


class CalendarDaySchema(Out):
    day = date_text(required=True)
    is_workday = fields.Boolean(required=True)
    name = fields.String(required=True)
    source = one_of(["admin", "chinese-calendar"], required=True)
    entered_by = fields.String(required=True, allow_none=True)


class CalendarYearSchema(Out):
    year = fields.Integer(required=True)
    complete = fields.Boolean(required=True, metadata={
        "description": "working days can be counted: the library covers the year or an administrator declared "
                       "its holidays entered"})
    library = fields.Boolean(required=True, metadata={"description": "the chinese-calendar package covers it"})
    declared_by = fields.String(required=True, allow_none=True)
    days = fields.List(fields.Nested(CalendarDaySchema), required=True, metadata={
        "description": "weekdays off and weekend days worked (all of them when complete; else the rulings "
                       "entered so far)"})


class HolidayQuerySchema(Query):
    year = year(required=True)


class CalendarDayUpdateSchema(In):
    is_workday = fields.Boolean(required=True, metadata={"description": "true: a make-up working day (调休)"})
    name = text(100, load_default="", metadata={"description": "e.g. 春节"})


class YearCompleteSchema(In):
    note = text(300, load_default="")

# ------------------------------------------------------------------- output --


def unit_json(unit: AdminUnit) -> dict[str, Any]:
    return {"id": unit.id, "code": unit.code, "name": unit.name, "kind": unit.kind, "source": unit.source, "active": unit.active}


def calendar_json(year: int) -> dict[str, Any]:
    library = calendar.library_covers(year)
    declared = db.session.get(CalendarYear, year)
    rows = {r.day: r for r in db.session.scalars(select(CalendarDay).where(
        CalendarDay.day.between(dt.date(year, 1, 1), dt.date(year, 12, 31))))}
    complete = library or declared is not None
    days = []
    if complete:
        cal, day = calendar.WorkCalendar(), dt.date(year, 1, 1)
        while day.year == year:
            workday = cal.is_workday(day)
            if workday != (day.weekday() < 5) or day in rows:
                row = rows.get(day)
                days.append({"day": day.isoformat(), "is_workday": workday, "name": row.name if row else "",
                             "source": "admin" if row else "chinese-calendar",
                             "entered_by": row.entered_by if row else None})
            day += dt.timedelta(days=1)
    else:
        days = [{"day": d.isoformat(), "is_workday": r.is_workday, "name": r.name, "source": "admin",
                 "entered_by": r.entered_by} for d, r in sorted(rows.items())]
    return {"year": year, "complete": complete, "library": library,
            "declared_by": declared.entered_by if declared else None, "days": days}


def _unit(code: str) -> AdminUnit:
    region = region_rules().region_code
    unit = db.session.scalar(select(AdminUnit).where(AdminUnit.region == region, AdminUnit.code == code))
    if unit is None:
        raise NotFound("No such administrative unit.")
    return unit


blp = Blueprint("instance_api", __name__, url_prefix=API_PREFIX,
                description="Administrative units and the working-day calendar")


@blp.route("/admin-units")
class AdminUnits(Resource):
    @public
    @blp.arguments(paged_query("AdminUnitPageQuery", AdminUnitQuerySchema, default=200), location="query")
    @blp.response(200, page_of(AdminUnitSchema))
    def get(self, args):
        """The administrative units of this region (cities and their peers) with their codes, by code."""
        region = region_rules().region_code
        query = select(AdminUnit).where(AdminUnit.region == region)
        if not args["include_inactive"]:
            query = query.where(AdminUnit.active)
        return window(db.session.scalars(query.order_by(AdminUnit.code)).all(), args, unit_json)

    @authed(_units_keeper)
    @blp.arguments(AdminUnitCreateSchema)
    @blp.response(201, AdminUnitSchema)
    def post(self, args):
        """Add a unit of a kind the region lets administrators add (a pilot county). Audited."""
        region = region_rules().region_code
        if db.session.scalar(select(AdminUnit.id).where(AdminUnit.region == region,
                                                        AdminUnit.code == args["code"])):
            from core.errors import Refused

            raise Refused("An administrative unit with this code already exists.")
        unit = admin_units.add_configurable_unit(args["code"], args["name"].strip(), args["kind"],
                                                 self.user.username)
        db.session.commit()
        return unit_json(unit)


@blp.route("/admin-units/<string(maxlength=80):code>")
class OneAdminUnit(Resource):

    def guarded(self, code):
        """The unit a change guards (core.api.etags.if_match: its version is the tag)."""
        return _unit(code)
    @public
    @blp.response(200, AdminUnitSchema)
    def get(self, code):
        """One administrative unit."""
        return unit_json(_unit(code))

    @authed(_units_keeper)
    @blp.arguments(AdminUnitUpdateSchema)
    @if_match(answers_as_get=True)
    @blp.response(200, AdminUnitSchema)
    def patch(self, args, code):
        """Rename, close or reopen a unit an administrator added (only the fields sent change). Audited."""
        unit = _unit(code)
        admin_units.change_unit(unit, self.user.username, **args)
        db.session.commit()
        return unit_json(unit)


@blp.route("/holidays")
class Holidays(Resource):
    @public
    @blp.arguments(HolidayQuerySchema, location="query")
    @blp.response(200, CalendarYearSchema)
    def get(self, args):
        """A year's holidays and make-up working days, and whether working days can be counted in it."""
        return calendar_json(args["year"])


@blp.route("/holidays/<date:day>")
class Holiday(Resource):
    @authed(_calendar_keeper)
    @blp.arguments(CalendarDayUpdateSchema)
    @blp.response(200, CalendarYearSchema)
    def put(self, args, day):
        """Rule on one day: a holiday or a make-up working day (administrators; audited). Answers the
        day's year."""
        calendar.set_day(day, args["is_workday"], args["name"].strip(), self.user.username)
        db.session.commit()
        return calendar_json(day.year)

    @authed(_calendar_keeper)
    @blp.response(200, CalendarYearSchema)
    def delete(self, day):
        """Remove the ruling on one day; the library's answer (or the weekday) applies again. Audited."""
        if not calendar.clear_day(day, self.user.username):
            raise NotFound("No ruling on this day.")
        db.session.commit()
        return calendar_json(day.year)


@blp.route("/holidays/years/<int:year>/complete")
class HolidayYearComplete(Resource):
    @authed(_calendar_keeper)
    @blp.arguments(YearCompleteSchema)
    @blp.response(200, CalendarYearSchema)
    def post(self, args, year):
        """Declare a year's holidays and make-up working days completely entered, so working days can be
        counted in a year the library does not cover. Audited."""
        calendar.declare_year_entered(year, self.user.username, args["note"].strip())
        db.session.commit()
        return calendar_json(year)


class ClockSchema(Out):
    training = fields.Boolean(required=True, metadata={"description": "a training instance (its date may move)"})
    today = fields.Date(required=True, metadata={"description": "the instance's date (Beijing)"})
    now = fields.AwareDateTime(required=True, metadata={"description": "the instance's instant"})
    real_today = fields.Date(required=True, metadata={"description": "the real date (Beijing)"})
    offset_days = fields.Integer(required=True)
    moved_by = fields.String(allow_none=True)
    moved_at = fields.AwareDateTime(allow_none=True, metadata={"description": "when it was last moved"})


class ClockMoveSchema(In):
    day = fields.Date(required=True, metadata={"description": "the instance's new date, after its date now"})
    note = text(300, load_default="", metadata={"description": "why (audited)"})


@blp.route("/clock")
class Clock(Resource):
    """``/clock`` (issue 42): the instance's date; an administrator moves a training instance's date forward (a
    production instance refuses), through the service of the admin page and ``greenmfg clock``."""

    def guarded(self):
        """The clock's row a move guards, once moved (core.api.etags.if_match: its version is the tag)."""
        return training_clock.row()

    @public
    @blp.response(200, ClockSchema)
    def get(self):
        """The instance's date and the real date; on a training instance they may differ. The ETag names the
        clock's setting (its offset and last move), not the running instant."""
        state = training_clock.state()
        row = self.guarded()
        version = version_tag(row) if row is not None else form_tag(
            [state.training, state.offset_days, state.moved_by, state.moved_at])
        return state.as_dict(), 200, {"ETag": f'"{version}"'}

    @authed(AdminPerm.CLOCK)
    @blp.arguments(ClockMoveSchema)
    @if_match
    @blp.response(200, ClockSchema)
    def put(self, args):
        """Move a training instance's date forward (administrators; audited). Every service, job, deadline,
        notice and page reads the moved date. Refused (409) on an instance that is not a training instance,
        and (422) for a date not after the instance's date."""
        moved = training_clock.move_to(args["day"], self.user.username, args["note"])
        db.session.commit()
        return moved.as_dict()


def register_api(api: Api) -> None:
    api.register_blueprint(blp)
    csrf.exempt(blp)
