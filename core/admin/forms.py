"""The administrators' and officers' forms (Flask-WTF, CSRF on every one)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms.fields.choices import SelectChoice as choice
from wtforms import DateField, FloatField, IntegerField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from core.kernel.forms import PageForm


class AccountForm(PageForm):
    role = SelectField(_l("Role"), validators=[DataRequired(_l("Please choose a role."))])
    username = StringField(_l("User name"), validators=[DataRequired(), Length(min=3, max=80)])
    display_name = StringField(_l("Name shown (person or office)"), validators=[DataRequired(), Length(max=100)])
    uscc = StringField(_l("Organization's unified social credit code (applicants)"),
                       validators=[Optional(), Length(max=40)])
    org_name = StringField(_l("Organization name, if it is not on file yet (applicants)"),
                           validators=[Optional(), Length(max=200)])
    admin_unit_id = SelectField(_l("City (administrative unit)"), coerce=lambda v: int(v) if v else None,
                                validators=[Optional()])
    evaluator_firm_id = SelectField(_l("Evaluator firm (evaluators)"), coerce=lambda v: int(v) if v else None,
                                    validators=[Optional()])


class BindingForm(PageForm):
    uscc = StringField(_l("Organization's unified social credit code"), validators=[Optional(), Length(max=40)])
    admin_unit_id = SelectField(_l("City (administrative unit)"), coerce=lambda v: int(v) if v else None,
                                validators=[Optional()])
    evaluator_firm_id = SelectField(_l("Evaluator firm"), coerce=lambda v: int(v) if v else None,
                                    validators=[Optional()])


class UnitForm(PageForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=80)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(min=2, max=100)])
    kind = SelectField(_l("Kind"), validators=[DataRequired(_l("Please choose the kind."))])


class RenameForm(PageForm):
    name = StringField(_l("New name"), validators=[DataRequired(), Length(min=2, max=100)])


class DayForm(PageForm):
    day = DateField(_l("Day"), validators=[DataRequired(_l("Give a date (YYYY-MM-DD)."))])
    kind = RadioField(_l("The day is"), choices=[choice("holiday", _l("a holiday (no work)")),
                                                 choice("workday", _l("a make-up working day"))],
                      validators=[DataRequired(_l("Choose holiday or working day."))])
    name = StringField(_l("Name (e.g. Spring Festival)"), validators=[Optional(), Length(max=100)])


class ClearDayForm(PageForm):
    day = DateField(_l("Day"), validators=[DataRequired()])


class YearForm(PageForm):
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(min=2000, max=2100)])


class FirmUpdateForm(PageForm):
    name = StringField(_l("Firm name"), validators=[DataRequired(), Length(min=2, max=200)])
    legal_representative = StringField(_l("Legal representative"), validators=[DataRequired(), Length(min=2, max=100)])


class ReferenceForm(PageForm):
    indicator_set = SelectField(_l("Indicator set"), validators=[DataRequired(_l("Choose the indicator set."))])
    industry = SelectField(_l("Industry"), validators=[DataRequired()])
    number = IntegerField(_l("Indicator number"), validators=[InputRequired(), NumberRange(min=1, max=999)])
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(min=2000, max=2100)])
    leading = FloatField(_l("Leading value"), validators=[InputRequired()])
    baseline = FloatField(_l("Baseline value"), validators=[InputRequired()])


class UploadForm(PageForm):
    file = FileField(_l("Spreadsheet (.xlsx or .csv)"), validators=[FileRequired(_l("Choose a file."))])
