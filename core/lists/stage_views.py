"""The page where the stage's publisher puts units into the stage before a list and takes them out (issue 53):
Shanxi's province its 培育对象 (004 第七条), a Hubei city bureau its 培育库 (002 三(一)), with each unit's time to
complete creation and the overdue ones marked. Business rules: :mod:`core.lists.stage_members`."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user

from core.accounts.web import login_required
from core.applications.forms import choice
from core.errors import GreenmfgError
from core.extensions import db
from core.i18n import english
from core.kernel.names import local_name
from core.kernel.rules import region_rules
from core.kernel.uow import commit
from core.lists import cultivation, notices
from core.lists import stage_members as members
from core.lists.access import stage_publisher
from core.lists.forms import StageAddForm, StageCompletionForm, StageWithdrawForm
from core.lists.views import _form_ok, bp
from core.models import AdminUnit, Role
from core.web.nav import NavLink

NAV = (
    NavLink(endpoint="lists.stage_members", label=_l("Cultivation and creation plans"), place="section",
            roles=frozenset({Role.CITY, Role.PROVINCE}), order=25),
)


def _publisher():
    """(publisher, city) the signed-in user fills stages as, else 403."""
    who = stage_publisher(current_user._get_current_object())
    if who is None:
        abort(403)
    return who


def _year() -> int:
    year = request.values.get("year", type=int)
    return year if year and 2000 <= year <= 2100 else notices.beijing_today().year


def _levels(publisher: str, year: int) -> list:
    """The list levels whose stage of ``year`` ``publisher`` fills (labels for a select)."""
    out = []
    for code, lv in region_rules().list_levels.items():
        stage = cultivation.stage_of(code, year)
        if stage is not None and stage.publisher == publisher:
            out.append(choice(code, f"{local_name(lv)} · {stage.name_en if english() else stage.name}"))
    return out


def _rows(city: int | None):
    today = notices.beijing_today()
    rows = []
    for r in cultivation.stage_rows(waiting_only=True):
        if city is not None and r.entry.organization.admin_unit_id != city:
            continue
        rows.append({"row": r, "completion": members.completion(r.entry, r.stage, today=today)})
    return rows


def _page(publisher: str, city: int | None, form: StageAddForm, year: int, status: int = 200):
    rules = region_rules()
    unit = db.session.get(AdminUnit, city) if city else None
    return render_template("lists/stage_members.html", form=form, year=year, rows=_rows(city), city=unit,
                           publisher=publisher, stage_year=year,
                           stages=[cultivation.stage_of(c.value, year) for c in form.level.choices],
                           withdraw_form=StageWithdrawForm(), completion_form=StageCompletionForm(),
                           unit_types=rules.unit_types), status


def _form(publisher: str, year: int) -> StageAddForm:
    form = StageAddForm()
    form.level.choices = _levels(publisher, year)
    form.unit_type.choices = [choice(k, local_name(t)) for k, t in region_rules().unit_types.items()]
    return form


@bp.route("/staff/stage", methods=["GET", "POST"])
@login_required()
def stage_members():
    """The stage's publisher puts a unit into it (by its credit code), sees its units with the time each has to
    complete creation (overdue ones marked), and takes one out."""
    publisher, city = _publisher()
    year = _year()
    form = _form(publisher, year)
    if request.method == "GET":
        form.year.data = year
        form.placed_on.data = form.placed_on.data or notices.beijing_today()
        return _page(publisher, city, form, year)
    if not _form_ok(form):
        return _page(publisher, city, form, year, 422)
    try:
        entry = members.add_to_stage(current_user.username, level=form.level.data, year=form.year.data,
                                           unit_type=form.unit_type.data, uscc=form.uscc.data,
                                           placed_on=form.placed_on.data, document_no=form.document_no.data,
                                           complete_by=form.complete_by.data, admin_unit_id=city)
        name = entry.organization.name
        commit()
    except GreenmfgError as exc:
        db.session.rollback()
        flash(exc.localized(), "error")
        return _page(publisher, city, form, year, exc.http_status)
    flash(_("%(name)s was put into the stage before the list.", name=name), "info")
    return redirect(url_for("lists.stage_members", year=year))


def _entry_action(change, done: str):
    publisher, city = _publisher()
    try:
        change(city)
        commit()
    except GreenmfgError as exc:
        db.session.rollback()
        flash(exc.localized(), "error")
    else:
        flash(done, "info")
    return redirect(url_for("lists.stage_members"))


@bp.post("/staff/stage/<int:entry_id>/withdraw")
@login_required()
def stage_withdraw(entry_id: int):
    form = StageWithdrawForm()
    if not _form_ok(form):
        return redirect(url_for("lists.stage_members"))
    return _entry_action(lambda city: members.withdraw(current_user.username, entry_id=entry_id,
                                                             reason=form.reason.data, admin_unit_id=city),
                         _("The unit was taken out of the stage."))


@bp.post("/staff/stage/<int:entry_id>/completion")
@login_required()
def stage_completion(entry_id: int):
    form = StageCompletionForm()
    if not _form_ok(form):
        return redirect(url_for("lists.stage_members"))
    return _entry_action(lambda city: members.set_completion(current_user.username, entry_id=entry_id,
                                                                   complete_by=form.complete_by.data,
                                                                   admin_unit_id=city),
                         _("Saved."))
