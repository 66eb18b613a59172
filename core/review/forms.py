"""Web forms of the review pages (Flask-WTF, CSRF on every one)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField, DateField, DecimalField, IntegerField, PasswordField, RadioField, SelectField, StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from core.accounts.services import PASSWORD_MAX, PASSWORD_MIN
from core.applications.forms import choice
from core.formfields import MultiCheckboxField
from core.kernel.forms import PageForm
from core.review.evaluators import QUALIFICATION_FIELDS


class FirmForm(PageForm):
    uscc = StringField(_l("Unified social credit code"), validators=[DataRequired(), Length(max=40)])
    name = StringField(_l("Firm name"), validators=[DataRequired(), Length(min=2, max=200)])
    legal_representative = StringField(_l("Legal representative"), validators=[DataRequired(), Length(min=2, max=100)])


def _qualification_form() -> type[PageForm]:
    attrs = {}
    for key, (kind, label) in QUALIFICATION_FIELDS.items():
        if kind is bool:
            attrs[key] = BooleanField(label)
        else:
            attrs[key] = IntegerField(label, validators=[Optional(), NumberRange(min=0, max=100000)])
    return type("QualificationForm", (PageForm,), attrs)


QualificationForm = _qualification_form()


class NewFirmForm(FirmForm, QualificationForm):
    pass


class AffiliateForm(PageForm):
    uscc = StringField(_l("Unified social credit code"), validators=[DataRequired(), Length(max=40)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(min=2, max=200)])
    relation = StringField(_l("Relation (parent, subsidiary, shareholder...)"),
                           validators=[DataRequired(), Length(min=2, max=100)])


class SanctionForm(PageForm):
    sanction_code = SelectField(_l("Rule"), validators=[Optional()])
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(min=2, max=500)])
    starts_on = DateField(_l("Starts on"), validators=[DataRequired()])
    ends_on = DateField(_l("Ends on (only without a rule)"), validators=[Optional()])


class AcceptForm(PageForm):
    """The firm's declaration of independence, made when it accepts: each item must be declared (a firm that
    cannot declare one declines the request)."""

    not_author = BooleanField(_l("We declare that our firm took no part in writing this unit's self-evaluation"),
                              validators=[DataRequired(_l("Declare each item, or decline the request."))])
    not_interested = BooleanField(_l("We declare that our firm is not an interested party of this unit and has no "
                                     "other conflict the region names"),
                                  validators=[DataRequired(_l("Declare each item, or decline the request."))])


class ModeForm(PageForm):
    mode = RadioField(_l("Evaluation mode"), validators=[DataRequired()])


class ChooseFirmForm(PageForm):
    firm_id = RadioField(_l("Evaluator firm"), coerce=int, validators=[DataRequired(_l("Choose a firm."))])
    self_evaluation_by = StringField(_l("Credit code of whoever wrote the self-evaluation (your own, or the "
                                        "consultancy's)"), validators=[DataRequired(), Length(max=40)])


class UploadForm(PageForm):
    file = FileField(_l("PDF file"), validators=[FileRequired(_l("Choose a PDF file."))])


class ReportForm(PageForm):
    """The firm's evaluation report: the PDF, the day of the on-site visit, the evaluated total where the region
    has no indicator table (per-indicator scores come as ``score_<number>`` inputs)."""

    file = FileField(_l("Evaluation report (PDF)"), validators=[FileRequired(_l("Choose a PDF file."))])
    visited_on = DateField(_l("Day of the on-site evaluation"), validators=[Optional()])
    score = DecimalField(_l("Evaluated total score (0-100)"), places=2, validators=[Optional(), NumberRange(0, 100)])


class JoinPoolForm(PageForm):
    user_id = SelectField(_l("Expert account"), coerce=int, validators=[DataRequired()])
    name = StringField(_l("Name"), validators=[Optional(), Length(min=2, max=100)])
    employer_name = StringField(_l("Employer"), validators=[Optional(), Length(max=200)])
    employer_uscc = StringField(_l("Employer's credit code"), validators=[Optional(), Length(max=40)])
    admin_unit = SelectField(_l("City"), validators=[Optional()])
    fields = StringField(_l("Fields (industry codes or unit types, separated by commas)"),
                         validators=[Optional(), Length(max=1000)])


class BulkForm(PageForm):
    """Draw or assign experts for the applications ticked on the review queue."""

    application_ids = MultiCheckboxField(_l("Applications"), coerce=int,
                                         validators=[DataRequired(_l("Tick at least one application."))])
    action = RadioField(_l("Action"), choices=[choice("draw", _l("Draw at random up to the panel size")),
                                               choice("assign", _l("Assign one expert"))], default="draw",
                        validators=[DataRequired()])
    panel_size = IntegerField(_l("Panel size"), default=3, validators=[Optional(), NumberRange(min=1, max=20)])
    field_from = SelectField(_l("Experts' field"), choices=[
        choice("unit_type", _l("each application's unit type")), choice("industry", _l("each application's industry")),
        choice("any", _l("any field"))], default="unit_type")
    field = StringField(_l("Or this field for all"), validators=[Optional(), Length(max=80)])
    expert_id = SelectField(_l("Expert"), coerce=int, validators=[Optional()])


class ReasonForm(PageForm):
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(min=2, max=500)])


class ExpertForm(PageForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(min=2, max=100)])
    username = StringField(_l("User name"), validators=[DataRequired(), Length(min=3, max=80)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(min=PASSWORD_MIN, max=PASSWORD_MAX)])
    employer_name = StringField(_l("Employer"), validators=[Optional(), Length(max=200)])
    employer_uscc = StringField(_l("Employer's credit code"), validators=[Optional(), Length(max=40)])
    admin_unit = SelectField(_l("City"), validators=[Optional()])
    evaluator_firm_id = SelectField(_l("Works for evaluator firm"), validators=[Optional()])
    fields = StringField(_l("Fields (industry codes or unit types, separated by commas)"),
                         validators=[Optional(), Length(max=1000)])


class AssignForm(PageForm):
    expert_id = SelectField(_l("Expert"), coerce=int, validators=[DataRequired()])


class DrawForm(PageForm):
    field = StringField(_l("Field of expertise"), validators=[Optional(), Length(max=80)])
    count = IntegerField(_l("Number of experts"), default=3, validators=[DataRequired(), NumberRange(min=1, max=20)])


class CommentForm(PageForm):
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=4000)])
