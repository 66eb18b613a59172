"""Complaints and reports (a public form), change reports and periodic re-reviews."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from core.accounts.web import login_required
from core.extensions import db
from core.kernel.permissions import require
from core.kernel.uow import commit
from core.management import (
    access,
    changes,
    complaints,
    files,
    paging,
    rereview_opinion,
    rereviews,
)
from core.management.access import ManagementPerm
from core.management.blueprint import (
    _attach,
    _form_error,
    _sanction_choices,
    _user,
    _year,
    bp,
)
from core.management.forms import (
    ChangeForm,
    ChangeReviewForm,
    ComplaintForm,
    DrawForm,
    OpinionForm,
    RectificationForm,
    ResultForm,
    ScheduleForm,
    UploadForm,
    VerifyForm,
    YearForm,
    choice,
)
from core.models import ChangeReport, Complaint, Organization, ReReview
from core.ratelimit import limit

# ------------------------------------------------------------- complaints --


def _complaint_form() -> ComplaintForm:
    form = ComplaintForm()
    form.admin_unit.choices = [choice("", "—")] + [choice(u.code, u.name) for u in complaints.public_units()]
    return form


@bp.route("/complaints/new", methods=["GET", "POST"])
@limit("public_report")
def complaint_new():
    """Anyone may complain under their real name (no account needed)."""
    form = _complaint_form()
    if request.method == "POST":
        if not form.validate_on_submit():
            return render_template("management/complaint_new.html", form=form), 422
        complaint = complaints.file_complaint(
            form.subject_uscc.data, form.complainant_name.data, form.complainant_contact.data, form.content.data,
            form.evidence_note.data, actor=access.actor(_user()), admin_unit_code=form.admin_unit.data or None)
        _attach(form, "complaint", complaint.id)
        commit()
        return render_template("management/complaint_new.html", form=None, received=complaint)
    return render_template("management/complaint_new.html", form=form)


@bp.get("/complaints")
@login_required()
def complaints_list():
    user = require(_user(), ManagementPerm.VERIFY)
    after = request.args.get("after")
    rows, next_after = paging.seek(select(Complaint).where(access.scope(user, Complaint.admin_unit_id)), Complaint.id,
                                   after=after)
    return render_template("management/complaints.html", rows=rows, after=after, next_after=next_after)


def _verify_form() -> VerifyForm:
    form = VerifyForm()
    form.sanction.choices = _sanction_choices(blank=True)
    return form


def _rectification_form() -> RectificationForm:
    form = RectificationForm()
    form.sanction.choices = _sanction_choices(blank=True)
    return form


@bp.get("/complaints/<int:ident>")
@login_required()
def complaint_page(ident: int):
    complaint = access.load(_user(), Complaint, ident, perm=ManagementPerm.VERIFY, by_organization=False)
    return render_template("management/complaint.html", c=complaint, verify_form=_verify_form(),
                           rect_form=_rectification_form(), upload_form=UploadForm(),
                           files=files.listing("complaint", complaint.id))


@bp.post("/complaints/<int:ident>/verify")
@login_required()
def complaint_verify(ident: int):
    complaint = access.load(_user(), Complaint, ident, perm=ManagementPerm.VERIFY, by_organization=False)
    form = _verify_form()
    if not form.validate_on_submit():
        _form_error(form)
    complaints.verify(complaint, form.outcome.data, form.finding.data, access.actor(_user()),
                      rectify_until=form.rectify_until.data, sanction_code=form.sanction.data or None)
    commit()
    flash(_("Decision recorded."), "info")
    return redirect(url_for("management.complaint_page", ident=complaint.id))


@bp.post("/complaints/<int:ident>/rectification")
@login_required()
def complaint_rectification(ident: int):
    complaint = access.load(_user(), Complaint, ident, perm=ManagementPerm.VERIFY, by_organization=False)
    form = _rectification_form()
    if not form.validate_on_submit():
        _form_error(form)
    complaints.close_rectification(complaint, form.rectified.data == "yes", form.note.data, access.actor(_user()),
                                   sanction_code=form.sanction.data or None)
    commit()
    flash(_("Decision recorded."), "info")
    return redirect(url_for("management.complaint_page", ident=complaint.id))


# ---------------------------------------------------------------- changes --


@bp.route("/changes", methods=["GET", "POST"])
@login_required()
def changes_list():
    user = require(_user(), ManagementPerm.VIEW)
    form = ChangeForm()
    if request.method == "POST":
        require(user, ManagementPerm.FILE)
        if not form.validate_on_submit():
            _form_error(form)
        org = db.session.get(Organization, user.organization_id)
        after = {k: getattr(form, f"after_{k}").data for k in form.kinds.data}
        change = changes.report(org, form.kinds.data, after, form.description.data, access.actor(user),
                                effective_on=form.effective_on.data)
        commit()
        flash(_("The change is reported to your city bureau."), "info")
        return redirect(url_for("management.change_page", ident=change.id))
    after = request.args.get("after")
    rows, next_after = paging.seek(select(ChangeReport).where(access.scope(user, ChangeReport.admin_unit_id,
                                                                           ChangeReport.organization_id))
                                   .options(joinedload(ChangeReport.organization)), ChangeReport.id, after=after)
    return render_template("management/changes.html", rows=rows, form=form, after=after, next_after=next_after)


@bp.get("/changes/<int:ident>")
@login_required()
def change_page(ident: int):
    change = access.load(_user(), ChangeReport, ident)
    form = ChangeReviewForm()
    form.sanction.choices = _sanction_choices(blank=True)
    return render_template("management/change.html", change=change, review_form=form, upload_form=UploadForm(),
                           files=files.listing("change", change.id))


@bp.post("/changes/<int:ident>/review")
@login_required()
def change_review(ident: int):
    change = access.load(_user(), ChangeReport, ident, perm=ManagementPerm.REVIEW)
    form = ChangeReviewForm()
    form.sanction.choices = _sanction_choices(blank=True)
    if not form.validate_on_submit():
        _form_error(form)
    changes.review(change, form.still_compliant.data == "yes", form.note.data, access.actor(_user()),
                   sanction_code=form.sanction.data or None)
    commit()
    flash(_("Decision recorded."), "info")
    return redirect(url_for("management.change_page", ident=change.id))


# -------------------------------------------------------------- re-reviews --


@bp.get("/rereviews")
@login_required()
def rereviews_list():
    user = require(_user(), ManagementPerm.VERIFY)
    year = _year()
    rows = db.session.scalars(select(ReReview).where(ReReview.cycle_year == year,
                                                     access.scope(user, ReReview.admin_unit_id))
                              .options(joinedload(ReReview.organization))
                              .order_by(ReReview.status, ReReview.id).limit(500)).all()
    return render_template("management/rereviews.html", rows=rows, year=year, cycle=rereviews.cycle(),
                           schedule_form=ScheduleForm(), result_form=ResultForm(), open_form=YearForm(year=year),
                           draw_form=DrawForm(), opinion_form=OpinionForm())


@bp.post("/rereviews/open")
@login_required()
def rereviews_open():
    user = require(_user(), ManagementPerm.JOBS)
    form = YearForm()
    if not form.validate_on_submit():
        _form_error(form)
    made = rereviews.open_cycle(form.year.data, access.actor(user))
    commit()
    flash(_("%(n)d re-reviews opened for %(year)d.", n=made, year=form.year.data), "info")
    return redirect(url_for("management.rereviews_list", year=form.year.data))


@bp.post("/rereviews/<int:ident>/schedule")
@login_required()
def rereview_schedule(ident: int):
    review = access.load(_user(), ReReview, ident, perm=ManagementPerm.REVIEW)
    form = ScheduleForm()
    if not form.validate_on_submit():
        _form_error(form)
    rereviews.schedule(review, form.scheduled_on.data, access.actor(_user()))
    commit()
    return redirect(url_for("management.rereviews_list", year=review.cycle_year))


@bp.post("/rereviews/<int:ident>/result")
@login_required()
def rereview_result(ident: int):
    review = access.load(_user(), ReReview, ident, perm=ManagementPerm.REVIEW)
    form = ResultForm()
    if not form.validate_on_submit():
        _form_error(form)
    rereviews.record_result(review, form.passed.data == "yes", form.note.data, access.actor(_user()))
    commit()
    flash(_("Decision recorded."), "info")
    return redirect(url_for("management.rereviews_list", year=review.cycle_year))


@bp.post("/rereviews/<int:ident>/experts")
@login_required()
def rereview_experts(ident: int):
    review = access.load(_user(), ReReview, ident, perm=ManagementPerm.DECIDE)
    form = DrawForm()
    if not form.validate_on_submit():
        _form_error(form)
    rereview_opinion.draw_experts(review, form.count.data, access.actor(_user()))
    commit()
    flash(_("Experts drawn."), "info")
    return redirect(url_for("management.rereviews_list", year=review.cycle_year))


@bp.post("/rereviews/<int:ident>/opinion")
@login_required()
def rereview_opinion_record(ident: int):
    review = access.load(_user(), ReReview, ident, perm=ManagementPerm.DECIDE)
    form = OpinionForm()
    if not form.validate_on_submit():
        _form_error(form)
    rereview_opinion.record_opinion(review, form.opinion.data, form.note.data, access.actor(_user()))
    commit()
    flash(_("Decision recorded."), "info")
    return redirect(url_for("management.rereviews_list", year=review.cycle_year))
