"""Accounts as officers see them: the accounts one looks after (search, pages), opening one, a password
reset, closing and reopening, and the binding to an organization, city or evaluator firm. Every change is
the accounts feature's service (the same the command line and the API use)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import func, or_, select

from core.accounts import services
from core.accounts.forms import EmptyForm
from core.accounts.permissions import binding_of, city_of, managed_scope, may_manage, may_reset
from core.accounts.resets import reset_password
from core.accounts.web import login_required
from core.admin.access import AdminPerm
from core.admin.forms import AccountForm, BindingForm
from core.admin.web import bp, officer, run_form
from core.errors import NotFound
from core.extensions import db
from core.formfields import choice
from core.kernel import paging
from core.kernel.rules import region_rules
from core.models import AdminUnit, EvaluatorFirm, Organization, Role, User

PAGE_SIZE = 25
COUNT_CAP = 1000  # accounts counted on the list page at most
ROLE_LABELS = {Role.APPLICANT: _l("Applicant (organization)"), Role.CITY: _l("City bureau"),
               Role.PROVINCE: _l("Province staff"), Role.EXPERT: _l("Expert"), Role.EVALUATOR: _l("Evaluator firm"),
               Role.MINISTRY: _l("Ministry"), Role.ADMIN: _l("Administrator")}


def _target(user_id: int) -> User:
    """An account the officer looks after; any other does not exist for it (404)."""
    target = db.session.scalar(select(User).where(User.id == user_id, managed_scope(officer())))
    if target is None:
        raise NotFound("No such account.")
    return target


def _units() -> list:
    rows = db.session.scalars(select(AdminUnit).where(AdminUnit.region == region_rules().region_code,
                                                      AdminUnit.active).order_by(AdminUnit.code))
    return [choice("", "—")] + [choice(str(u.id), u.name) for u in rows]


def _firms() -> list:
    return [choice("", "—")] + [choice(str(f.id), f.name)
                                for f in db.session.scalars(select(EvaluatorFirm).order_by(EvaluatorFirm.name))]


def _fill(form) -> None:
    form.admin_unit_id.choices = _units()
    form.evaluator_firm_id.choices = _firms()


@bp.get("/admin/users")
@login_required(AdminPerm.ACCOUNTS)
def users():
    q = (request.args.get("q") or "").strip()[:80]
    after, before = (request.args.get("after") or "")[:80], (request.args.get("before") or "")[:80]
    query = select(User).where(managed_scope(officer()))
    if q:
        like = f"%{q.lower()}%"
        query = query.outerjoin(Organization, Organization.id == User.organization_id).where(or_(
            func.lower(User.username).like(like), func.lower(User.display_name).like(like),
            func.lower(Organization.name).like(like), Organization.uscc == q.upper()))
    # counted up to COUNT_CAP (more: "more than"), so a page never counts every account
    total = db.session.scalar(select(func.count()).select_from(query.limit(COUNT_CAP + 1).subquery()))
    # keyset paging on the user name (unique): the page after ``after`` or before ``before``, never OFFSET
    if after:
        direction, query = "after", query.where(User.username > after).order_by(User.username)
    elif before:
        direction, query = "before", query.where(User.username < before).order_by(User.username.desc())
    else:
        direction, query = "first", query.order_by(User.username)
    rows, next_after, prev_before = paging.page(db.session.scalars(query.limit(PAGE_SIZE + 1)).all(), PAGE_SIZE,
                                                direction, lambda user: user.username)
    return render_template("admin/users.html", rows=rows, q=q, total=min(total, COUNT_CAP),
                           capped=total > COUNT_CAP, next_after=next_after, prev_before=prev_before,
                           labels=ROLE_LABELS, bindings=_bindings(rows))


def _bindings(rows) -> dict[int, str]:
    """What each account is bound to, by name (one query per kind of binding, whatever the number of rows)."""
    def named(model, ids):
        return {x.id: x for x in db.session.scalars(select(model).where(model.id.in_(ids)))} if ids else {}

    orgs = named(Organization, {u.organization_id for u in rows if u.organization_id})
    units = named(AdminUnit, {u.admin_unit_id for u in rows if u.admin_unit_id and not u.organization_id})
    firms = named(EvaluatorFirm, {u.evaluator_firm_id for u in rows if u.evaluator_firm_id
                                  and not u.organization_id and not u.admin_unit_id})
    out = {}
    for user in rows:
        if user.organization_id:
            org = orgs[user.organization_id]
            out[user.id] = f"{org.name} ({org.uscc})"
        elif user.admin_unit_id:
            out[user.id] = units[user.admin_unit_id].name
        elif user.evaluator_firm_id:
            out[user.id] = firms[user.evaluator_firm_id].name
    return out


def _account_form(me: User, **kwargs) -> AccountForm:
    """The new-account form with the roles ``me`` may open (a city: applicants)."""
    form = AccountForm(**kwargs)
    form.role.choices = [choice("", "—")] + [choice(r.value, ROLE_LABELS[r]) for r in Role
                                             if may_manage(me, r, me.admin_unit_id)]
    _fill(form)
    return form


@bp.route("/admin/users/new", methods=["GET", "POST"])
@login_required(AdminPerm.ACCOUNTS)
def new_user():
    me = officer()
    form = _account_form(me)
    status, done = 200, None
    if request.method == "POST":
        outcome, failed = run_form(form, lambda: services.create_account(
            me, username=form.username.data, display_name=form.display_name.data, role=form.role.data,
            uscc=form.uscc.data, org_name=form.org_name.data, admin_unit_id=form.admin_unit_id.data,
            evaluator_firm_id=form.evaluator_firm_id.data))
        if failed:
            status = failed
        else:
            user, password = outcome
            done = {"id": user.id, "username": user.username, "display_name": user.display_name,
                    "password": password}
            form = _account_form(me, formdata=None)
    return render_template("admin/user_new.html", form=form, done=done, city=city_of(me) is not None), status


@bp.get("/admin/users/<int:user_id>")
@login_required(AdminPerm.ACCOUNTS)
def user_detail(user_id: int):
    target = _target(user_id)
    bind = BindingForm()
    _fill(bind)
    return _detail(target, bind, 200)


def _detail(target: User, bind, status: int, temporary: str | None = None):
    return render_template("admin/user.html", target=target, bind=bind, form=EmptyForm(), labels=ROLE_LABELS,
                           binding=_bindings([target]).get(target.id), may_act=may_reset(officer(), target),
                           bound_by=binding_of(target.role),
                           temporary=temporary), status


@bp.post("/admin/users/<int:user_id>/reset")
@login_required(AdminPerm.ACCOUNTS)
def reset_user(user_id: int):
    target = _target(user_id)
    bind = BindingForm(formdata=None)
    _fill(bind)
    outcome, failed = run_form(EmptyForm(), lambda: reset_password(officer(), target.username))
    if failed:
        return _detail(target, bind, failed)
    return _detail(target, bind, 200, temporary=outcome[1])


@bp.post("/admin/users/<int:user_id>/active")
@login_required(AdminPerm.ACCOUNTS)
def user_active(user_id: int):
    target = _target(user_id)
    active = request.form.get("active") == "1"
    _done, failed = run_form(EmptyForm(), lambda: services.change_active(officer(), target, active))
    if not failed:
        flash(_("The account is reopened.") if active else _("The account is closed; it can no longer log in."),
              "info")
    return redirect(url_for("admin.user_detail", user_id=target.id))


@bp.post("/admin/users/<int:user_id>/binding")
@login_required(AdminPerm.ACCOUNTS)
def user_binding(user_id: int):
    target = _target(user_id)
    bind = BindingForm()
    _fill(bind)
    outcome, failed = run_form(bind, lambda: services.rebind(officer(), target, uscc=bind.uscc.data,
                                                     admin_unit_id=bind.admin_unit_id.data,
                                                     evaluator_firm_id=bind.evaluator_firm_id.data))
    if failed:
        return _detail(target, bind, failed)
    flash(_("The binding is changed.") if outcome else _("Nothing changed."), "info")
    return redirect(url_for("admin.user_detail", user_id=target.id))
