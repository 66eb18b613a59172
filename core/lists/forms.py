"""Web forms of the notice, list and recommendation pages (Flask-WTF, CSRF on every one)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from core.applications.forms import choice, confirm_field
from core.formfields import MultiCheckboxField
from core.kernel.forms import PageForm


class NoticeForm(PageForm):
    level = SelectField(_l("List level"), validators=[DataRequired()])
    year = IntegerField(_l("Year"), validators=[DataRequired(), NumberRange(min=2000, max=2100)])
    starts_on = DateField(_l("First day of the notice"), validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
    start_reason = TextAreaField(_l("Why the notice starts before today (shown with the notice)"),
                                 validators=[Optional(), Length(max=500)])
    application_ids = MultiCheckboxField(_l("Graded applications"), coerce=int, validators=[DataRequired()])


class DecisionForm(PageForm):
    level = SelectField(_l("List level"), validators=[DataRequired()])
    year = IntegerField(_l("Year"), validators=[DataRequired(), NumberRange(min=2000, max=2100)])
    document_no = StringField(_l("Document number of the decision"), validators=[DataRequired(),
                                                                                  Length(min=2, max=100)])
    published_on = DateField(_l("Date of the decision"), validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
    application_ids = MultiCheckboxField(_l("Units to list"), coerce=int, validators=[DataRequired()])


class RecognizeForm(PageForm):
    """The province's 认定 of units in the stage before a list (issue 43)."""
    year = IntegerField(_l("Year of the list"), validators=[DataRequired(), NumberRange(min=2000, max=2100)])
    document_no = StringField(_l("Document number of the decision"), validators=[DataRequired(),
                                                                                  Length(min=2, max=100)])
    published_on = DateField(_l("Date of the decision"), validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
    entry_ids = MultiCheckboxField(_l("Units recognized"), coerce=int, validators=[DataRequired()])


class ObjectionForm(PageForm):
    item_id = SelectField(_l("Unit concerned"), coerce=int, validators=[DataRequired()])
    name = StringField(_l("Your real name"), validators=[DataRequired(), Length(min=2, max=100)])
    contact = StringField(_l("Telephone or e-mail"), validators=[DataRequired(), Length(min=5, max=120)])
    objector_unit = StringField(_l("Your organization (optional)"), validators=[Optional(), Length(max=200)])
    grounds = TextAreaField(_l("Grounds"), validators=[DataRequired(), Length(min=10, max=4000)])
    evidence = TextAreaField(_l("Evidence (documents, facts, where they can be checked)"),
                             validators=[Optional(), Length(max=4000)])


class ResolveForm(PageForm):
    outcome = SelectField(_l("Outcome"), choices=[choice("dismissed", _l("Dismissed: the unit stays on the notice")),
                                                   choice("upheld", _l("Upheld: the unit is taken off the notice"))],
                          validators=[DataRequired()])
    resolution = TextAreaField(_l("Finding"), validators=[DataRequired(), Length(min=2, max=2000)])


class PublishForm(PageForm):
    document_no = StringField(_l("Document number"), validators=[DataRequired(), Length(min=2, max=100)])
    published_on = DateField(_l("Date of publication"), validators=[DataRequired()])
    confirm = confirm_field()


class AddUnitsForm(PageForm):
    """Several candidates onto a notice that has not started (core.lists.notice_units)."""

    application_ids = SelectMultipleField(coerce=int, validate_choice=False,
                                          validators=[DataRequired(message=_l("Tick at least one unit."))])


class RemoveUnitsForm(PageForm):
    """Several units off a notice, with the reason (core.lists.notice_units)."""

    item_ids = SelectMultipleField(coerce=int, validate_choice=False,
                                   validators=[DataRequired(message=_l("Tick at least one unit."))])
    reason = TextAreaField(_l("Reason for taking them off the notice"), validators=[DataRequired(), Length(min=2, max=500)])
    confirm = confirm_field()


class AddForm(PageForm):
    application_id = IntegerField(validators=[DataRequired()])
    acknowledge_warnings = BooleanField(_l("I have checked the warnings"))


class ConsultedForm(PageForm):
    consulted_departments = MultiCheckboxField(_l("Departments consulted before recommending"),
                                               validators=[Optional()], validate_choice=False)
    #: where the region's rule says "等": other departments consulted, by name (shown only then)
    other_departments = TextAreaField(_l("Other departments consulted (one per line)"),
                                      validators=[Optional(), Length(max=1200)])


class HistoryForm(PageForm):
    file = FileField(_l("List history (xlsx or CSV)"), validators=[DataRequired()])
    dry_run = BooleanField(_l("Check only, write nothing"))


class ImportForm(PageForm):
    file = FileField(_l("Recommendation file (JSON)"), validators=[DataRequired()])


class ProvinceKeyForm(PageForm):
    province = SelectField(_l("Province"), validators=[DataRequired()])
    public_key = StringField(_l("Public key (the text the province sent: 44 characters for Ed25519, 88 for SM2)"),
                             validators=[DataRequired(), Length(max=200)])
    note = StringField(_l("How the key reached the ministry (letter number, date)"),
                       validators=[Optional(), Length(max=300)])


class ProvinceKeyFileForm(PageForm):
    """Register a province's key by uploading the key file its Signing key page gives (issue 54)."""
    file = FileField(_l("The province's key file (JSON)"), validators=[DataRequired()])
    note = StringField(_l("How the key reached the ministry (letter number, date)"),
                       validators=[Optional(), Length(max=300)])


class StageAddForm(PageForm):
    """Put a unit into the stage before a list (issue 53: Shanxi 004 第七条 培育对象, Hubei 002 三(一) 培育库)."""
    uscc = StringField(_l("Unified social credit code of the unit"), validators=[DataRequired(), Length(min=18, max=18)])
    unit_type = SelectField(_l("Unit type"), validators=[DataRequired()])
    level = SelectField(_l("List it leads to"), validators=[DataRequired()])
    year = IntegerField(_l("Year"), validators=[DataRequired(), NumberRange(min=2000, max=2100)])
    placed_on = DateField(_l("Date of the decision"), validators=[DataRequired()])
    document_no = StringField(_l("Document number of the decision (if any)"), validators=[Optional(), Length(max=100)])
    complete_by = DateField(_l("Creation to be completed by (as the decision sets it)"), validators=[Optional()])


class StageWithdrawForm(PageForm):
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(min=2, max=500)])


class StageCompletionForm(PageForm):
    complete_by = DateField(_l("Creation to be completed by (as the decision sets it)"), validators=[DataRequired()])
