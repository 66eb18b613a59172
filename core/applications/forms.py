"""Web forms. The application form is built per request: core fields, the negative-list
declaration, the indicator self-evaluation and the region plugin's fields (``ext_<region>__<name>``).

Drafts may be saved incomplete: errors on fields left empty are dropped on save (they are
checked on submission); a value that is given must be valid.
"""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField as UploadField
from wtforms import (
    BooleanField,
    HiddenField,
    DateField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.core import UnboundField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)

from core.applications import city_recommendation, consulted
from core.applications.core_fields import APPLICATION_FIELDS, core_web_field
from core.applications.fields import fields_for, is_upload, rows_in_page_language, typed_extension
from core.applications.scoring import indicator_set
from core.applications.services import recommendable_levels, requested_level_choices
from core.formfields import (
    MultiCheckboxField,
    choice,
    indicator_fields,
    indicator_initial,
    indicator_values,
)
from core.declared_fields import web_field
from core.i18n import local_text
from core.kernel.forms import PageForm
from core.kernel.names import level_name
from core.kernel.rules import region_rules, rules_of_round
from core.plugins.types import Level, field_attr
from core.web.names import mode_choices


#: a negative-list item answered 否 (does not apply: the declaration the rules need) or 是 (it applies)
NEG_NO, NEG_YES = "no", "yes"
NEG_ANSWERS = {NEG_NO: True, NEG_YES: False}


def neg_attr(index: int) -> str:
    return f"neg_{index}"


def with_placeholder(choices: list) -> list:
    """``choices`` led by an empty 请选择 / Choose option: a required select starts with nothing chosen."""
    if any(str(getattr(c, "value", c)) == "" for c in choices):
        return list(choices)
    return [choice("", _l("Choose…")), *choices]


class NoPreselectionForm(PageForm):
    """A form whose required selects start empty (请选择): a submit without a choice errors on that field."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self:
            if field.type == "SelectField" and field.flags.required and field.choices is not None:
                field.choices = with_placeholder(list(field.choices))


def _industry_initial(rules, application) -> str:
    """The industry as the form shows it: its code for the key-industry list, its name where any may be named."""
    if not application.industry:
        return ""
    if rules.industry_choices(application.unit_type, application.campaign.year).open:
        known = rules.industries.get(application.industry)
        return known.name if known is not None else application.industry
    return application.industry


def region_industry_field(ffs) -> bool:
    """True when the region's own form asks the industry (a plugin field ``<region>.industry``, e.g. Hunan's
    所属行业 in its 11 categories): the core field then asks only which key industry's reference values apply,
    so the form shows one 所属行业."""
    return any(f.code.rsplit(".", 1)[-1] == "industry" for f in ffs)


def application_form_class(application) -> type[PageForm]:
    campaign = application.campaign
    rules = rules_of_round(campaign)  # the round's notice may require a file the region's form leaves optional
    ffs = fields_for(rules, application.unit_type, application.level, campaign.year)
    industry_label = (_l("Key industry whose reference values apply") if region_industry_field(ffs)
                      else _l("Industry (selects the reference values)"))
    attrs: dict[str, Any] = {
        # core's own fields, from their one declaration (the API and save_draft read it too): the formats
        # save_draft holds them to are checked here as well, so every field at fault is marked at once
        **{f.code: core_web_field(f.code) for f in APPLICATION_FIELDS},
        "industry": SelectField(industry_label, validate_choice=True,
                                choices=[choice("", _l("General requirements"))]
                                + [choice(code, local_text(ind.name, ind.name_en))
                                   for code, ind in rules.industries.items()]),
    }
    if rules.industry_choices(application.unit_type, campaign.year).open:
        # issue 17: the round's document accepts any industry (by name; a key industry's name selects its values)
        attrs["industry"] = StringField(_l("Industry (a key industry's name selects its reference values)"),
                                        [Optional(), Length(max=80)])
    modes = rules_of_round(campaign).evaluation_modes(application.unit_type, Level(application.level), campaign.year)
    attrs["evaluation_mode"] = RadioField(_l("Evaluation mode"), [Optional()],
                                          choices=mode_choices(modes.allowed))
    levels = requested_level_choices(campaign, application.unit_type)
    if len(levels) > 1:
        attrs["requested_levels"] = MultiCheckboxField(_l("Levels applied for"), [Optional()],
                                                       choices=[choice(lv, level_name(lv)) for lv in levels])
    for i, item in enumerate(rules.negative_list_for(application.unit_type, Level(application.level), application.campaign.year)):
        attrs[neg_attr(i)] = RadioField(local_text(item.title, item.title_en), [Optional()],
                                        choices=[choice(NEG_YES, _l("Yes")), choice(NEG_NO, _l("No"))])
    iset = indicator_set(application)
    if iset is not None:
        attrs.update(indicator_fields(iset))
    for f in ffs:
        unbound = web_field(f)
        if is_upload(f) and isinstance(unbound, UnboundField):
            kwargs = dict(unbound.kwargs)
            kwargs["validators"] = [Optional()]
            unbound = UnboundField(unbound.field_class, *unbound.args, **kwargs)
        attrs[field_attr(f.code)] = rows_in_page_language(unbound)
    return type("ApplicationForm", (NoPreselectionForm,), attrs)


def initial_data(application) -> dict[str, Any]:
    """The stored application as form data."""
    rules = region_rules()
    org = application.organization
    data: dict[str, Any] = {
        "contact_name": application.contact_name, "contact_phone": application.contact_phone,
        "contact_email": application.contact_email, "legal_representative": org.legal_representative,
        "address": org.address, "industry": _industry_initial(rules, application),
        "evaluation_mode": application.evaluation_mode,
        "requested_levels": list(application.requested_levels or [application.level]),
    }
    declared = application.declarations or {}
    for i, item in enumerate(rules.negative_list_for(application.unit_type, Level(application.level), application.campaign.year)):
        answer = declared.get(item.code)
        data[neg_attr(i)] = NEG_NO if answer is True else NEG_YES if answer is False else None
    iset = indicator_set(application)
    if iset is not None:
        data.update(indicator_initial(iset, application.indicator_values or {}))
    ffs = fields_for(rules, application.unit_type, application.level)
    typed = typed_extension([f for f in ffs if not is_upload(f)], application.extension_data or {})
    for code, value in typed.items():
        data[field_attr(code)] = value
    return data


def _blank(field) -> bool:
    """Nothing entered (a draft may leave it so)."""
    if field.type in ("FieldList",):
        return all(_blank(entry) for entry in field.entries)
    if field.type in ("FormField",):
        return all(_blank(sub) for sub in field.form)
    if field.type == "BooleanField":
        return not field.data
    if field.type in ("FileField", "MultipleFileField"):
        return not getattr(field.data, "filename", None)
    raw = field.raw_data or []
    return all(not str(v).strip() for v in raw)


def _row_lists(form: PageForm):
    """The form's tables (a FieldList of sub-forms: Hunan's products, its three years of finances)."""
    return [f for f in form if f.type == "FieldList" and all(e.type == "FormField" for e in f.entries)]


def drop_blank_rows(form: PageForm) -> None:
    """A row left empty in a table that may grow is no row: the form's spare row, one the applicant cleared (a
    table of fixed rows, Hunan's three years, keeps its rows)."""
    for table in _row_lists(form):
        if table.max_entries is not None and table.min_entries == table.max_entries:
            continue
        kept = [e for e in table.entries if not _blank(e)]
        if len(kept) != len(table.entries):
            table.entries[:] = kept


def add_spare_rows(form: PageForm) -> None:
    """One empty row at the end of each table that may grow, to type a new row into (saving keeps it and gives
    another): works without JavaScript."""
    for table in _row_lists(form):
        room = table.max_entries is None or len(table.entries) < table.max_entries
        if room and (not table.entries or any(v not in (None, "") for v in table.entries[-1].data.values())):
            table.append_entry()


def _draft_check(field) -> None:
    """What a draft keeps of ``field``'s errors: those of what was entered. A cell left blank is no error (nor is
    a field or a table left wholly blank), and a table with a blank cell is not yet checked as a whole (its
    number of rows, a rule across its rows, Hunan's three consecutive years): a table is filled in over several
    sittings, and those checks wait for it to be filled, or for submission
    (:func:`core.applications.fields.missing_required`)."""
    if field.type == "FormField":  # its errors are its sub-form's, read from the cells
        for sub in field.form:
            _draft_check(sub)
        return
    if field.type == "FieldList":
        whole = [e for e in field.errors if isinstance(e, str)]  # the table's checks of itself
        for entry in field.entries:
            _draft_check(entry)
        cells = [entry.errors for entry in field.entries]
        field.errors = (cells if any(cells) else []) + ([] if _any_blank(field) else whole)
        return
    if field.errors and _blank(field):
        field.errors = []


def _any_blank(field) -> bool:
    """A cell of a table (or the field itself) left blank."""
    if field.type == "FieldList":
        return any(_any_blank(entry) for entry in field.entries)
    if field.type == "FormField":
        return any(_any_blank(sub) for sub in field.form)
    return _blank(field)


def draft_errors(form: PageForm) -> bool:
    """Validate for a draft (:func:`_draft_check`). True when no error remains."""
    form.validate()
    ok = True
    for field in form:
        if field.name != "csrf_token":
            _draft_check(field)
        if field.errors:
            ok = False
    return ok


def changes_from_form(form: PageForm, application) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
    """(changes for :func:`services.save_draft`, [(upload field code, file)])."""
    rules = region_rules()
    changes: dict[str, Any] = {k: (getattr(form, k).data or None) for k in (
        "contact_name", "contact_phone", "contact_email", "legal_representative", "address")}
    changes["industry"] = form.industry.data or None
    if form.evaluation_mode.data:
        changes["evaluation_mode"] = form.evaluation_mode.data
    if hasattr(form, "requested_levels"):
        changes["requested_levels"] = list(form.requested_levels.data or [])
    items = rules.negative_list_for(application.unit_type, Level(application.level), application.campaign.year)
    # 否 declares the item does not apply (True), 是 that it applies (False); unanswered is no declaration
    changes["declarations"] = {item.code: NEG_ANSWERS.get(getattr(form, neg_attr(i)).data)
                               for i, item in enumerate(items)}
    iset = indicator_set(application)
    if iset is not None:
        changes["indicator_values"] = indicator_values(form, iset)
    ext: dict[str, Any] = {}
    stored = application.extension_data or {}
    uploads = []
    for f in fields_for(rules, application.unit_type, application.level):
        field = getattr(form, field_attr(f.code))
        if is_upload(f):
            if getattr(field.data, "filename", None):
                uploads.append((f.code, field.data))
            continue
        if _blank(field) and field.type != "BooleanField":
            ext[f.code] = None
        elif field.type == "BooleanField" and not field.data and stored.get(f.code) is None:
            ext[f.code] = None  # a box never ticked stays unanswered: saving the form unchanged changes nothing
        else:
            ext[f.code] = field.data
    changes["extension"] = ext
    return changes, uploads


# ---------------------------------------------------------------- others --


class StartForm(PageForm):
    campaign_id = IntegerField(validators=[InputRequired()])
    unit_type = StringField(validators=[DataRequired(), Length(max=40)])


def confirm_field() -> BooleanField:
    """The required "I confirm" box of an irreversible action: it works without JavaScript (the app's own
    script may ask again in a dialog, applications.js)."""
    return BooleanField(_l("I confirm this action; it cannot be undone."),
                        [DataRequired(message=_l("Tick the box to confirm this action."))])


class ConfirmForm(PageForm):
    """An irreversible action without other input (submitting an application)."""

    confirm = confirm_field()


class EvidenceForm(PageForm):
    section = SelectField(_l("Attach to"), validators=[DataRequired()])
    file = UploadField(_l("PDF file"), validators=[DataRequired()])


class ReturnForm(PageForm):
    reason = TextAreaField(_l("Reason for the return"), validators=[DataRequired(), Length(min=2, max=500)])
    until = DateTimeLocalField(_l("Corrections accepted until (Beijing time)"), format="%Y-%m-%dT%H:%M",
                               validators=[DataRequired()])
    confirm = confirm_field()


class ReasonForm(PageForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(min=2, max=500)])
    confirm = confirm_field()


class RecommendForm(PageForm):
    #: the departments of the region's rule (rules.consulted_departments; set per request by recommend_form)
    consulted_departments = MultiCheckboxField(_l("Departments consulted"), choices=[], validate_choice=False)
    #: where the rule says "等": other departments consulted, by name (shown only then)
    other_departments = TextAreaField(_l("Other departments consulted (one per line)"),
                                      validators=[Optional(), Length(max=1200)])
    #: joint rounds: the levels recommended among the requested ones (the service checks the choice)
    levels = MultiCheckboxField(_l("Levels recommended"), choices=[], validate_choice=False)
    #: the city's 推荐意见 (the service checks it against the region's rule: required where it asks for one)
    opinion = TextAreaField(_l("The city's recommendation opinion"), validators=[Optional(), Length(max=4000)])
    acknowledge_warnings = BooleanField(_l("I have checked the warnings listed above"))
    confirm = confirm_field()


def recommend_form(application) -> RecommendForm:
    """The city's recommendation form; in a joint round one checkbox per requested level, all ticked."""
    form = RecommendForm()
    departments = consulted.offered(application.campaign.level, application.campaign.year)
    form.consulted_departments.choices = [choice(k, v) for k, v in consulted.labels(departments).items()]
    form.others_allowed = departments.others_allowed
    levels = recommendable_levels(application)
    form.levels.choices = [choice(lv, level_name(lv)) for lv in levels]
    if not form.is_submitted():
        form.levels.data = list(levels)
    form.opinion_rule = city_recommendation.policy(application.campaign)
    return form


class CityBulkForm(PageForm):
    """The city's queue: one action for every ticked application (all or nothing, core.applications.bulk)."""

    application_ids = SelectMultipleField(coerce=int, validate_choice=False,
                                          validators=[DataRequired(message=_l("Tick at least one application."))])
    action = RadioField(_l("Action for the ticked applications"), [DataRequired()],
                        choices=[choice("recommend", _l("Recommend to the province")),
                                 choice("return", _l("Return for correction"))])
    consulted_departments = MultiCheckboxField(_l("Departments consulted"), choices=[], validate_choice=False)
    #: the same 推荐意见 for every ticked application (where the region asks for one)
    opinion = TextAreaField(_l("The city's recommendation opinion"), validators=[Optional(), Length(max=4000)])
    acknowledge_warnings = BooleanField(_l("I have checked the warnings of each application"))
    reason = TextAreaField(_l("Reason for the return"), validators=[Optional(), Length(max=500)])
    until = DateTimeLocalField(_l("Corrections accepted until (Beijing time)"), format="%Y-%m-%dT%H:%M",
                               validators=[Optional()])
    confirm = confirm_field()

    def validate(self, extra_validators=None) -> bool:
        """A return needs its reason and the end of the correction period (a recommendation neither)."""
        ok = super().validate(extra_validators)
        if self.action.data == "return":
            if len((self.reason.data or "").strip()) < 2:
                self.reason.errors = [*self.reason.errors, _l("Give the reason for the return (2 to 500 characters).")]
                ok = False
            if not self.until.data and not self.until.errors:
                self.until.errors = [*self.until.errors, _l("Give the end of the correction period.")]
                ok = False
        return ok


def city_bulk_form(campaign) -> CityBulkForm:
    """The bulk form with the departments the campaign's rule names (none without a campaign)."""
    form = CityBulkForm()
    if campaign is not None:
        departments = consulted.offered(campaign.level, campaign.year)
        form.consulted_departments.choices = [choice(k, v) for k, v in consulted.labels(departments).items()]
        if str(campaign.level) == "city":  # the city's own list (004 第十二条): nothing goes to the province
            form.action.choices = [choice("recommend", _l("Approve for the city list")),
                                   choice("return", _l("Return for correction"))]
    return form


class CampaignForm(PageForm):
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(min=2000, max=2100)])
    level = SelectField(_l("List level"), validators=[DataRequired()])
    unit_types = MultiCheckboxField(_l("Unit types"), validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
    closes_at = DateTimeLocalField(_l("Submission deadline (Beijing time; empty: the region's deadline)"),
                                   format="%Y-%m-%dT%H:%M", validators=[Optional()])


class DeadlineForm(PageForm):
    code = SelectField(_l("Deadline"), validators=[DataRequired()])
    value = DateTimeLocalField(_l("New deadline (Beijing time)"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    reason = TextAreaField(_l("Reason for the change"), validators=[DataRequired(), Length(min=2, max=500)])


class ExtensionForm(PageForm):
    uscc = StringField(_l("Unified social credit code"), validators=[DataRequired(), Length(max=40)])
    until = DateTimeLocalField(_l("Extended until (Beijing time)"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(min=2, max=500)])


class ImportForm(PageForm):
    file = UploadField(_l("Filled summary table (.xlsx)"), validators=[DataRequired()])


class RecommendationFileForm(PageForm):
    """The city's 推荐文件 for the round (one PDF; a new upload replaces the last)."""

    file = UploadField(_l("The city's recommendation document (PDF)"), validators=[DataRequired()])


class StepExtensionForm(PageForm):
    """The province extends one city's deadline for one step of a campaign (issue 15)."""

    admin_unit = SelectField(_l("City"), validators=[DataRequired()])
    step = SelectField(_l("Deadline"), validators=[DataRequired()])
    until = DateTimeLocalField(_l("Extended until (Beijing time)"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(min=2, max=500)])


class RoundNoticeForm(PageForm):
    """Open a round from its notice (issue 43): the notice, its file, and what it sets for the round (rows below)."""

    notice_no = StringField(_l("Document number of the notice"), validators=[DataRequired(), Length(min=2, max=80)])
    notice_title = StringField(_l("Notice title"), validators=[DataRequired(), Length(min=2, max=300)])
    notice_issuer = StringField(_l("Issued by"), validators=[DataRequired(), Length(min=2, max=200)])
    notice_issued_on = DateField(_l("Date of the notice"), validators=[DataRequired()])
    #: required by the service (refused with its message when neither attached nor kept from an earlier try)
    file = UploadField(_l("The notice itself (PDF)"), validators=[Optional()])
    #: the file attached at an earlier try of this form, kept for an hour so a refusal never asks for it again
    kept_file = HiddenField(validators=[Optional(), Regexp(r"^[0-9a-f]{32}$")])
    kept_name = HiddenField(validators=[Optional(), Length(max=200)])
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(min=2000, max=2100)])
    level = SelectField(_l("List level"), validators=[DataRequired()])
    unit_types = MultiCheckboxField(_l("Unit types"), validators=[DataRequired()])
    title = StringField(_l("Title of the round (empty: the notice's title)"), validators=[Optional(), Length(max=200)])
    closes_at = DateTimeLocalField(_l("Submission deadline (Beijing time; empty: the notice's or the region's)"),
                                   format="%Y-%m-%dT%H:%M", validators=[Optional()])
    #: the cap and the notice period the notice sets for the round's level (empty: the region's)
    evaluator_cap = IntegerField(_l("Evaluation projects one evaluator may take this year at this level"),
                                 validators=[Optional(), NumberRange(min=1, max=1000)])
    evaluator_cap_article = StringField(_l("Article"), validators=[Optional(), Length(max=80)])
    notice_period = IntegerField(_l("Public notice of the list (working days)"),
                                 validators=[Optional(), NumberRange(min=1, max=60)])
    notice_period_article = StringField(_l("Article"), validators=[Optional(), Length(max=80)])


#: how many deadlines, quotas and conditions the page takes at once (the API and the CLI take any number)
NOTICE_ROWS = 5
for _n in range(1, NOTICE_ROWS + 1):
    setattr(RoundNoticeForm, f"deadline_{_n}", SelectField(_l("Step"), validators=[Optional()]))
    setattr(RoundNoticeForm, f"deadline_day_{_n}", DateField(_l("Date in the notice"), validators=[Optional()]))
    setattr(RoundNoticeForm, f"deadline_article_{_n}", StringField(_l("Article"), validators=[Optional(), Length(max=80)]))
    setattr(RoundNoticeForm, f"quota_unit_{_n}", SelectField(_l("City"), validators=[Optional()]))
    setattr(RoundNoticeForm, f"quota_type_{_n}", SelectField(_l("Unit type"), validators=[Optional()]))
    setattr(RoundNoticeForm, f"quota_places_{_n}", IntegerField(_l("Places"),
                                                                validators=[Optional(), NumberRange(min=0, max=10000)]))
    setattr(RoundNoticeForm, f"quota_article_{_n}", StringField(_l("Article"), validators=[Optional(), Length(max=80)]))
    setattr(RoundNoticeForm, f"condition_{_n}", SelectField(_l("Condition"), validators=[Optional()]))
    setattr(RoundNoticeForm, f"condition_switch_{_n}", SelectField(
        _l("In this round"), choices=[choice("on", _l("applied")), choice("off", _l("set aside"))], validators=[Optional()]))
    setattr(RoundNoticeForm, f"condition_article_{_n}", StringField(_l("Article"),
                                                                    validators=[Optional(), Length(max=80)]))
#: how many attachments the page takes at once
ATTACHMENT_ROWS = 2
for _n in range(1, ATTACHMENT_ROWS + 1):
    setattr(RoundNoticeForm, f"attachment_{_n}", SelectField(_l("Attachment"), validators=[Optional()]))
    setattr(RoundNoticeForm, f"attachment_switch_{_n}", SelectField(
        _l("In this round"), choices=[choice("required", _l("required")), choice("optional", _l("optional"))],
        validators=[Optional()]))
    setattr(RoundNoticeForm, f"attachment_article_{_n}", StringField(_l("Article"),
                                                                     validators=[Optional(), Length(max=80)]))
