"""Removals (proposed, immediate, decided, published), the files attached to a record, and bans."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from core.accounts.web import login_required
from core.clock import today
from core.errors import InvalidInput, NotFound
from core.extensions import db
from core.kernel.names import local_name
from core.kernel.permissions import may, require
from core.kernel.records import get_record
from core.kernel.rules import region_rules, source_name
from core.kernel.uow import commit
from core.management import access, bans, files, removals
from core.management.access import ManagementPerm
from core.management.blueprint import (
    _attach,
    _form_error,
    _org_by_uscc,
    _sanction_choices,
    _user,
    bp,
)
from core.management.forms import (
    BanForm,
    DecideForm,
    ImmediateForm,
    ProposeForm,
    PublishForm,
    UploadForm,
    choice,
)
from core.models import (
    Ban,
    ChangeReport,
    Complaint,
    EvaluatorFirm,
    ManagementFile,
    Organization,
    Removal,
    ReReview,
)
from core.services.uscc import normalize_uscc

# --------------------------------------------------------------- removals --


#: the longest name search the removal form takes
SEARCH_LENGTH = 100


def _propose_form(search: dict | None = None) -> ProposeForm:
    """The proposal form. Its choice of listed units is a page of them by name (``search``: the units whose name
    or credit code matches ``?q=``, and the one a unit's page links with, ``?uscc=``); a posted choice is looked up
    on its own, so any listed unit of the user's area a search found can be posted (issue 57)."""
    user = _user()
    form = ProposeForm()
    form.sanction.choices = _sanction_choices()
    form.unit_type.choices = [choice("", "—")] + [choice(c, local_name(t)) for c, t in region_rules().unit_types.items()]
    form.levels.choices = [choice(c, local_name(lv)) for c, lv in region_rules().list_levels.items()]
    if request.method == "GET":
        picks = list((search or {}).get("units", []))
        linked = request.args.get("uscc")  # a unit's page links here with its code
        if linked:
            form.unit.data = linked.strip().upper()
    else:
        picks, linked = [], form.unit.data
    chosen = removals.pickable_unit(user, linked) if linked else None
    if chosen is not None and chosen not in picks:
        picks.insert(0, chosen)
    form.unit.choices = [choice("", "—")] + [choice(code, f"{name}（{code}）") for code, name in picks]
    return form


def _unit_search() -> dict:
    """The removal form's name search (``?q=``): a page of listed units, and whether more match."""
    q = (request.args.get("q") or "").strip()[:SEARCH_LENGTH]
    units, more = removals.pick_units(_user(), q)
    return {"q": q, "units": units, "more": more, "page": removals.PICK_PAGE}


def _immediate_form() -> ImmediateForm:
    form = ImmediateForm()
    form.sanction.choices = [choice(s.code, s.title) for s in removals.removal_sanctions() if removals.is_immediate(s)]
    return form


@bp.get("/removals")
@login_required()
def removals_list():
    user = require(_user(), ManagementPerm.PROPOSE)
    status = request.args.get("status") or ""
    query = removals.visible(select(Removal), user)
    if status:
        query = query.where(Removal.status == status)
    rows = db.session.scalars(query.order_by(Removal.id.desc()).limit(500)).all()
    search = _unit_search()
    return render_template("management/removals.html", rows=rows, status=status, form=_propose_form(search),
                           search=search, immediate_form=_immediate_form(), publish_form=PublishForm(),
                           approved=sum(1 for r in rows if r.status == removals.APPROVED))


@bp.post("/removals")
@login_required()
def removal_propose():
    user = require(_user(), ManagementPerm.PROPOSE)
    form = _propose_form()
    if not form.validate_on_submit():
        _form_error(form)
    if not (form.uscc.data or form.unit.data):
        raise InvalidInput("Pick the listed unit (or type its credit code).", field="unit")
    org = _org_by_uscc(form.uscc.data or form.unit.data)
    removal = removals.propose(org, form.sanction.data, form.reason.data, access.actor(user),
                               levels=form.levels.data or None, unit_type=form.unit_type.data or None,
                               evidence_note=form.evidence_note.data or "")
    _attach(form, "removal", removal.id)
    commit()
    flash(_("Removal no. %(id)d proposed; the province decides.", id=removal.id), "info")
    return redirect(url_for("management.removal_page", ident=removal.id))


@bp.post("/removals/immediate")
@login_required()
def removal_immediate():
    user = require(_user(), ManagementPerm.DECIDE)
    form = _immediate_form()
    if not form.validate_on_submit():
        _form_error(form)
    org = _org_by_uscc(form.uscc.data)
    removal = removals.remove_immediately(org, form.sanction.data, form.reason.data, form.evidence_note.data,
                                          access.actor(user), notice_no=form.notice_no.data)
    commit()
    flash(_("%(name)s is removed from every list at once.", name=org.name), "info")
    return redirect(url_for("management.removal_page", ident=removal.id))


@bp.get("/removals/<int:ident>")
@login_required()
def removal_page(ident: int):
    removal = access.load(_user(), Removal, ident, perm=ManagementPerm.PROPOSE)
    ban = db.session.get(Ban, removal.ban_id) if removal.ban_id else None
    return render_template("management/removal.html", removal=removal, ban=ban, decide_form=DecideForm(),
                           upload_form=UploadForm(), files=files.listing("removal", removal.id))


@bp.post("/removals/<int:ident>/decide")
@login_required()
def removal_decide(ident: int):
    removal = access.load(_user(), Removal, ident, perm=ManagementPerm.DECIDE)
    form = DecideForm()
    if not form.validate_on_submit():
        _form_error(form)
    removals.decide(removal, form.decision.data == "approve", form.note.data or "", access.actor(_user()),
                    notice_no=form.notice_no.data)
    commit()
    flash(_("Decision recorded."), "info")
    return redirect(url_for("management.removal_page", ident=removal.id))


@bp.post("/removals/publish")
@login_required()
def removals_publish():
    user = require(_user(), ManagementPerm.DECIDE)
    form = PublishForm()
    if not form.validate_on_submit():
        _form_error(form)
    done = removals.publish(access.actor(user), notice_no=form.notice_no.data)
    commit()
    flash(_("%(n)d removals published.", n=len(done)), "info")
    return redirect(url_for("management.removals_list"))


@bp.post("/<string:kind>/<int:ident>/files")
@login_required()
def attach_file(kind: str, ident: int):
    models = {"removal": (Removal, "removal_page"), "complaint": (Complaint, "complaint_page"),
              "change": (ChangeReport, "change_page")}
    if kind not in models:
        raise NotFound("No such record.")
    model, page = models[kind]
    record = access.load(_user(), model, ident)
    if kind != "change" and not may(_user(), ManagementPerm.FILES):
        raise NotFound("No such record.")
    form = UploadForm()
    if not form.validate_on_submit() or not getattr(form.file.data, "filename", None):
        raise InvalidInput("Choose a PDF file.", field="file")
    _attach(form, kind, record.id)
    commit()
    return redirect(url_for(f"management.{page}", ident=record.id))


@bp.get("/files/<int:ident>")
@login_required()
def file_download(ident: int):
    row = get_record(ManagementFile, ident)
    if row is None:
        raise NotFound("No such record.")
    models = {"removal": Removal, "complaint": Complaint, "change": ChangeReport, "rereview": ReReview}
    record = access.load(_user(), models[row.record_type], row.record_id)
    if row.record_type != "change" and not may(_user(), ManagementPerm.FILES):
        raise NotFound("No such record.")
    del record
    return send_file(files.open_file(row), mimetype="application/pdf", as_attachment=True,
                     download_name=row.original_name)


# -------------------------------------------------------------------- bans --


def _ban_form() -> BanForm:
    form = BanForm()
    form.sanction.choices = [choice("", "—")] + [choice(s.code, f"{s.title}（{source_name(s.source)}）")
                                                 for s in region_rules().sanctions.values() if s.ban_years]
    return form


@bp.route("/bans", methods=["GET", "POST"])
@login_required()
def bans_page():
    user = require(_user(), ManagementPerm.DECIDE)
    form = _ban_form()
    if request.method == "POST":
        if not form.validate_on_submit():
            _form_error(form)
        code = normalize_uscc(form.uscc.data)
        if form.subject.data == "evaluator":
            firm = db.session.scalar(select(EvaluatorFirm).where(EvaluatorFirm.uscc == code))
            if firm is None:
                raise InvalidInput("No third-party firm has this credit code.", field="uscc")
            bans.ban_evaluator(firm, form.reason.data, access.actor(user), evidence_note=form.evidence_note.data or "",
                               sanction_code=form.sanction.data or None)
        else:
            org = _org_by_uscc(code)
            if not form.sanction.data:
                raise InvalidInput("Choose the removal reason (sanction).", field="sanction")
            bans.ban_organization(org, form.sanction.data, form.reason.data, access.actor(user),
                                  evidence_note=form.evidence_note.data or "")
        commit()
        flash(_("Decision recorded."), "info")
        return redirect(url_for("management.bans_page"))
    rows = db.session.scalars(select(Ban).order_by(Ban.ends_on.desc()).limit(500)).all()
    names = {o.uscc: o.name for o in db.session.scalars(select(Organization).where(
        Organization.uscc.in_({b.uscc for b in rows})))}
    names.update({f.uscc: f.name for f in db.session.scalars(select(EvaluatorFirm).where(
        EvaluatorFirm.uscc.in_({b.uscc for b in rows})))})
    return render_template("management/bans.html", rows=rows, names=names, form=form, on=today())
