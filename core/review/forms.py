"""Web forms of the review pages (Flask-WTF, CSRF on every one)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField, DateField, IntegerField, PasswordField, SelectField, StringField, TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from core.accounts.services import PASSWORD_MAX, PASSWORD_MIN
from core.review.evaluators import QUALIFICATION_FIELDS


class FirmForm(FlaskForm):
    uscc = StringField(_l("Unified social credit code"), validators=[DataRequired(), Length(max=40)])
    name = StringField(_l("Firm name"), validators=[DataRequired(), Length(min=2, max=200)])
    legal_representative = StringField(_l("Legal representative"), validators=[DataRequired(), Length(min=2, max=100)])


def _qualification_form() -> type[FlaskForm]:
    attrs = {}
    for key, (kind, label) in QUALIFICATION_FIELDS.items():
        if kind is bool:
            attrs[key] = BooleanField(label)
        else:
            attrs[key] = IntegerField(label, validators=[Optional(), NumberRange(min=0, max=100000)])
    return type("QualificationForm", (FlaskForm,), attrs)


QualificationForm = _qualification_form()


class NewFirmForm(FirmForm, QualificationForm):
    pass


class AffiliateForm(FlaskForm):
    uscc = StringField(_l("Unified social credit code"), validators=[DataRequired(), Length(max=40)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(min=2, max=200)])
    relation = StringField(_l("Relation (parent, subsidiary, shareholder...)"),
                           validators=[DataRequired(), Length(min=2, max=100)])


class SanctionForm(FlaskForm):
    sanction_code = SelectField(_l("Rule"), validators=[Optional()])
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(min=2, max=500)])
    starts_on = DateField(_l("Starts on"), validators=[DataRequired()])
    ends_on = DateField(_l("Ends on (only without a rule)"), validators=[Optional()])


class RequestForm(FlaskForm):
    firm_id = SelectField(_l("Evaluator firm"), coerce=int, validators=[DataRequired()])
    self_evaluation_by = StringField(_l("Credit code of whoever wrote the self-evaluation (your own, or the "
                                        "consultancy's)"), validators=[DataRequired(), Length(max=40)])


class AcceptForm(FlaskForm):
    wrote_self_evaluation = BooleanField(_l("Our firm took part in writing this unit's self-evaluation"))
    interested_party = BooleanField(_l("Our firm is an interested party of this unit"))


class ReasonForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(min=2, max=500)])


class ExpertForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(min=2, max=100)])
    username = StringField(_l("User name"), validators=[DataRequired(), Length(min=3, max=80)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(min=PASSWORD_MIN, max=PASSWORD_MAX)])
    employer_name = StringField(_l("Employer"), validators=[Optional(), Length(max=200)])
    employer_uscc = StringField(_l("Employer's credit code"), validators=[Optional(), Length(max=40)])
    admin_unit = SelectField(_l("City"), validators=[Optional()])
    evaluator_firm_id = SelectField(_l("Works for evaluator firm"), validators=[Optional()])
    fields = StringField(_l("Fields (industry codes or unit types, separated by commas)"),
                         validators=[Optional(), Length(max=1000)])


class AssignForm(FlaskForm):
    expert_id = SelectField(_l("Expert"), coerce=int, validators=[DataRequired()])


class DrawForm(FlaskForm):
    field = StringField(_l("Field"), validators=[Optional(), Length(max=80)])
    count = IntegerField(_l("Number of experts"), default=3, validators=[DataRequired(), NumberRange(min=1, max=20)])


class CommentForm(FlaskForm):
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=4000)])
