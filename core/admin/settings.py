"""The instance's settings an administrator keeps: administrative units and the holiday table, through
the same services as ``greenmfg units`` and ``greenmfg calendar``."""
from __future__ import annotations

import datetime as dt

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from core.accounts.web import login_required
from core.admin.access import AdminPerm
from core.admin.forms import ClearDayForm, DayForm, RenameForm, UnitForm, YearForm
from core.admin.web import bp, officer, run_form
from core.errors import NotFound
from core.extensions import db
from core.formfields import choice
from core.clock import this_year
from core.kernel.rules import region_rules
from core.models import AdminUnit, CalendarDay, CalendarYear
from core.plugins.types import UnitKind
from core.services import admin_units, calendar
from core.web.names import KIND_LABELS

# ------------------------------------------------------------------ units --

def _unit_page(form, status: int = 200):
    rows = db.session.scalars(select(AdminUnit).where(AdminUnit.region == region_rules().region_code)
                              .order_by(AdminUnit.code)).all()
    return render_template("admin/units.html", rows=rows, form=form, rename=RenameForm(formdata=None),
                           prefix=f"{region_rules().region_code}.", kinds=KIND_LABELS), status


def _unit_form(**kwargs) -> UnitForm:
    form = UnitForm(**kwargs)
    form.kind.choices = [choice("", "—")] + [choice(k.value, KIND_LABELS[k]) for k in UnitKind]
    return form


@bp.route("/admin/units", methods=["GET", "POST"])
@login_required(AdminPerm.UNITS)
def units():
    form = _unit_form()
    if request.method == "GET":
        return _unit_page(form)
    outcome, failed = run_form(form, lambda: admin_units.add_configurable_unit(
        form.code.data.strip(), form.name.data, form.kind.data, officer().username))
    if failed:
        return _unit_page(form, failed)
    flash(_("Unit %(name)s added. Accounts can now be bound to it.", name=outcome.name), "info")
    return redirect(url_for("admin.units"))


@bp.post("/admin/units/<int:unit_id>/rename")
@login_required(AdminPerm.UNITS)
def rename_unit(unit_id: int):
    unit = db.session.get(AdminUnit, unit_id)
    if unit is None or unit.region != region_rules().region_code:
        raise NotFound("No such administrative unit.")
    form = RenameForm()
    changes, failed = run_form(form, lambda: admin_units.change_unit(unit, officer().username, name=form.name.data))
    if failed:
        return _unit_page(_unit_form(formdata=None), failed)
    flash(_("Saved.") if changes else _("Nothing changed."), "info")
    return redirect(url_for("admin.units"))


# --------------------------------------------------------------- holidays --


def _year() -> int:
    value = request.args.get("year", type=int)
    return value if value and 2000 <= value <= 2100 else this_year()


def _days(year: int) -> list[dict]:
    """The year's days that differ from a plain week, and every day an administrator ruled on."""
    rows = {r.day: r for r in db.session.scalars(select(CalendarDay).where(
        CalendarDay.day.between(dt.date(year, 1, 1), dt.date(year, 12, 31))))}
    if not (calendar.library_covers(year) or db.session.get(CalendarYear, year)):
        return [{"day": d, "workday": r.is_workday, "name": r.name, "row": r} for d, r in sorted(rows.items())]
    cal, day, out = calendar.WorkCalendar(), dt.date(year, 1, 1), []
    while day.year == year:
        workday = cal.is_workday(day)
        if workday != (day.weekday() < 5) or day in rows:
            row = rows.get(day)
            out.append({"day": day, "workday": workday, "name": row.name if row else "", "row": row})
        day += dt.timedelta(days=1)
    return out


def _holiday_page(year: int, form=None, status: int = 200, year_form=None):
    return render_template("admin/holidays.html", year=year, days=_days(year), form=form or DayForm(formdata=None),
                           clear=ClearDayForm(formdata=None),
                           year_form=year_form or YearForm(formdata=None, year=this_year() + 1),
                           library=calendar.library_covers(year), declared=db.session.get(CalendarYear, year)), status


@bp.get("/admin/holidays")
@login_required(AdminPerm.HOLIDAYS)
def holidays():
    return _holiday_page(_year())


@bp.post("/admin/holidays/day")
@login_required(AdminPerm.HOLIDAYS)
def set_holiday():
    form = DayForm()
    _saved, failed = run_form(form, lambda: calendar.set_day(form.day.data, form.kind.data == "workday",
                                                      (form.name.data or "").strip(), officer().username))
    if failed:
        return _holiday_page(form.day.data.year if form.day.data else _year(), form, failed)
    flash(_("%(day)s saved. Deadlines counted in working days follow it.", day=form.day.data.isoformat()), "info")
    return redirect(url_for("admin.holidays", year=form.day.data.year))


@bp.post("/admin/holidays/clear")
@login_required(AdminPerm.HOLIDAYS)
def clear_holiday():
    form = ClearDayForm()
    _cleared, failed = run_form(form, lambda: calendar.clear_day(form.day.data, officer().username))
    if failed:
        return _holiday_page(_year(), status=failed)
    flash(_("The ruling is removed; the published calendar applies to the day again."), "info")
    return redirect(url_for("admin.holidays", year=form.day.data.year))


@bp.post("/admin/holidays/import")
@login_required(AdminPerm.HOLIDAYS)
def import_holidays():
    """Copy a year's holidays from chinese-calendar (next year's, once the package has them)."""
    form = YearForm()
    outcome, failed = run_form(form, lambda: calendar.import_library_year(form.year.data, officer().username))
    if failed:
        return _holiday_page(_year(), status=failed, year_form=form)
    flash(_("%(n)d days of %(year)d copied from chinese-calendar; check them below.", n=outcome,
            year=form.year.data), "info")
    return redirect(url_for("admin.holidays", year=form.year.data))


@bp.post("/admin/holidays/declare")
@login_required(AdminPerm.HOLIDAYS)
def declare_year():
    form = YearForm()
    _declared, failed = run_form(form, lambda: calendar.declare_year_entered(form.year.data, officer().username))
    if failed:
        return _holiday_page(_year(), status=failed, year_form=form)
    flash(_("%(year)d is declared complete: working days of that year can be counted.", year=form.year.data),
          "info")
    return redirect(url_for("admin.holidays", year=form.year.data))
