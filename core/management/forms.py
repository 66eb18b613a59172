"""Web forms of dynamic management (Flask-WTF; CSRF on every one)."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    FloatField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from core.formfields import (
    MultiCheckboxField,
    choice,
    indicator_fields,
    indicator_initial,
    indicator_values,
)
from core.i18n import bracketed, local_text
from core.kernel.forms import PageForm
from core.kernel.names import sanction_title, unit_name
from core.kernel.rules import region_rules, source_name


class SanctionField(SelectField):
    """A choice of the region's removal or ban rules (sanctions, by code): each named by its title in the page's
    language (the plugin's ``title_en`` on English pages) and its rule's source by name, in the page's own
    brackets (（山西省） / (Shanxi)), whatever label the view gave it; a choice that is no sanction (the blank
    "—") keeps its label."""

    def iter_choices(self):
        sanctions = region_rules().sanctions
        for c in super().iter_choices():
            record = sanctions.get(c.value) if c.value else None
            if record is not None:
                c = c._replace(label=sanction_title(record) + bracketed(source_name(record.source)))
            yield c


def filing_form_class(iset, industries: dict, figures=()) -> type[PageForm]:
    """The annual table: the year's indicators (the scoring engine's input) and the key figures of the region's
    rule (``figures``: :class:`~core.plugins.types.FilingFigure`, named in the page's language)."""
    attrs: dict[str, Any] = {
        "industry": SelectField(_l("Industry (selects the reference values)"), validate_choice=True,
                                choices=[choice("", _l("General requirements"))]
                                + [choice(code, local_text(ind.name, ind.name_en)) for code, ind in industries.items()]),
    }
    if iset is not None:
        attrs.update(indicator_fields(iset))
    for figure in figures:
        attrs[f"key_{figure.key}"] = FloatField(figure_label(figure), [Optional(), NumberRange(min=0, max=1e12)])
    attrs["key_remarks"] = TextAreaField(REMARKS, [Optional(), Length(max=2000)])
    return type("FilingForm", (PageForm,), attrs)


REMARKS = _l("Remarks")


def figure_label(figure) -> str:
    """A key figure as the annual table names it in the page's language, with its unit in the page's brackets:
    工业总产值（万元）, Industrial output value (10,000 yuan) (the plugin's ``unit_en``, else its ``unit``)."""
    return local_text(figure.name, figure.name_en) + bracketed(unit_name(figure))


def key_data_rows(key_data: dict[str, Any], figures=()) -> list[tuple[str, Any]]:
    """A filing's key figures as ``(name, value)``, named as the table names them (a key the rule no longer
    has reads "Key data")."""
    names = {f.key: figure_label(f) for f in figures}
    return [(names.get(k) or str(REMARKS if k == "remarks" else _l("Key data")), v) for k, v in key_data.items()]


def filing_initial(filing, iset, figures=()) -> dict[str, Any]:
    data: dict[str, Any] = {"industry": filing.industry or ""}
    if iset is not None:
        data.update(indicator_initial(iset, filing.values or {}))
    for figure in figures:
        data[f"key_{figure.key}"] = (filing.key_data or {}).get(figure.key)
    data["key_remarks"] = (filing.key_data or {}).get("remarks", "")
    return data


def filing_changes(form, iset, figures=()) -> dict[str, Any]:
    values = indicator_values(form, iset) if iset is not None else {}
    key_data = {f.key: getattr(form, f"key_{f.key}").data for f in figures}
    key_data = {k: v for k, v in key_data.items() if v is not None}
    if form.key_remarks.data:
        key_data["remarks"] = form.key_remarks.data
    return {"values": values, "key_data": key_data, "industry": form.industry.data or None}


class YearForm(PageForm):
    year = IntegerField(_l("Year"), [DataRequired(), NumberRange(min=2000, max=2100)])


class OpenYearForm(YearForm):
    """Open a year's filings; after the year's due date with a date to file by and its reason
    (:func:`core.management.filings.open_year`)."""
    until = DateField(_l("Date to file by"), [Optional()])
    reason = TextAreaField(_l("Reason"), [Optional(), Length(max=500)])


class ReviewForm(PageForm):
    note = TextAreaField(_l("Note"), [Optional(), Length(max=500)])


class ReturnFilingForm(PageForm):
    reason = TextAreaField(_l("Reason"), [DataRequired(), Length(min=2, max=500)])
    until = DateField(_l("Correct until"), [DataRequired()])


class ProposeForm(PageForm):
    #: the listed units of the user's area, by name (the view fills the choices); a code typed below wins
    unit = SelectField(_l("Listed unit"), [Optional()], validate_choice=True)
    uscc = StringField(_l("or its unified social credit code"), [Optional(), Length(max=40)])
    sanction = SanctionField(_l("Reason for removal (sanction)"), [DataRequired()])
    unit_type = SelectField(_l("Unit type"), [Optional()])
    levels = MultiCheckboxField(_l("Lists (levels)"), [Optional()])
    reason = TextAreaField(_l("Reason"), [DataRequired(), Length(min=2, max=2000)])
    evidence_note = TextAreaField(_l("Evidence"), [Optional(), Length(max=4000)])
    file = FileField(_l("Evidence (PDF)"))


class ImmediateForm(PageForm):
    uscc = StringField(_l("Unified social credit code"), [DataRequired(), Length(max=40)])
    sanction = SanctionField(_l("Reason for removal (sanction)"), [DataRequired()])
    reason = TextAreaField(_l("Reason"), [DataRequired(), Length(min=2, max=2000)])
    evidence_note = TextAreaField(_l("Evidence"), [DataRequired(), Length(min=2, max=4000)])
    notice_no = StringField(_l("Notice number"), [Optional(), Length(max=100)])


class DecideForm(PageForm):
    decision = RadioField(_l("Decision"), [DataRequired()], choices=[choice("approve", _l("Approve")),
                                                                   choice("reject", _l("Reject"))])
    note = TextAreaField(_l("Note"), [Optional(), Length(max=500)])
    notice_no = StringField(_l("Notice number"), [Optional(), Length(max=100)])


class PublishForm(PageForm):
    notice_no = StringField(_l("Notice number"), [DataRequired(), Length(max=100)])


class ComplaintForm(PageForm):
    subject_uscc = StringField(_l("Credit code of the unit or firm complained about"), [DataRequired(),
                                                                                       Length(max=40)])
    admin_unit = SelectField(_l("City (for a third-party firm)"), [Optional()])
    complainant_name = StringField(_l("Your real name"), [DataRequired(), Length(min=2, max=100)])
    complainant_contact = StringField(_l("Your phone or e-mail"), [DataRequired(), Length(min=5, max=120)])
    content = TextAreaField(_l("What is wrong"), [DataRequired(), Length(min=10, max=5000)])
    evidence_note = TextAreaField(_l("Evidence"), [DataRequired(), Length(min=2, max=4000)])
    file = FileField(_l("Evidence (PDF)"))


class VerifyForm(PageForm):
    outcome = RadioField(_l("Outcome"), [DataRequired()], choices=[
        choice("dismissed", _l("Not confirmed: dismissed")), choice("rectification", _l("Confirmed: rectification")),
        choice("removal", _l("Confirmed: removal"))])
    finding = TextAreaField(_l("Finding"), [DataRequired(), Length(min=2, max=4000)])
    rectify_until = DateField(_l("Rectify until"), [Optional()])
    sanction = SanctionField(_l("Reason for removal (sanction)"), [Optional()])


class RectificationForm(PageForm):
    rectified = RadioField(_l("Rectified?"), [DataRequired()], choices=[choice("yes", _l("Yes")), choice("no", _l("No"))])
    note = TextAreaField(_l("Note"), [DataRequired(), Length(min=2, max=2000)])
    sanction = SanctionField(_l("Reason for removal (sanction)"), [Optional()])


#: what a change report may say changed (core.management.changes.KINDS), as the pages name it
CHANGE_KIND_LABELS = {"name": _l("Name"), "scope": _l("Business scope"), "address": _l("Production address"),
                      "boundary": _l("Organizational boundary")}


class ChangeForm(PageForm):
    kinds = MultiCheckboxField(_l("What changed"), [DataRequired()],
                               choices=[choice(k, label) for k, label in CHANGE_KIND_LABELS.items()])
    after_name = StringField(_l("New name"), [Optional(), Length(max=200)])
    after_scope = TextAreaField(_l("New business scope"), [Optional(), Length(max=1000)])
    after_address = StringField(_l("New production address"), [Optional(), Length(max=300)])
    after_boundary = TextAreaField(_l("New organizational boundary"), [Optional(), Length(max=1000)])
    description = TextAreaField(_l("Description (cause: investment, merger…)"), [DataRequired(),
                                                                                Length(min=2, max=4000)])
    effective_on = DateField(_l("Effective on"), [Optional()])


class ChangeReviewForm(PageForm):
    still_compliant = RadioField(_l("Does the unit still meet the standard?"), [DataRequired()],
                                 choices=[choice("yes", _l("Yes")), choice("no", _l("No"))])
    note = TextAreaField(_l("Note"), [DataRequired(), Length(min=2, max=500)])
    sanction = SanctionField(_l("Reason for removal (sanction)"), [Optional()])


class ScheduleForm(PageForm):
    scheduled_on = DateField(_l("On-site review date"), [DataRequired()])


class ResultForm(PageForm):
    passed = RadioField(_l("Still qualifies?"), [DataRequired()], choices=[choice("yes", _l("Yes")), choice("no", _l("No"))])
    note = TextAreaField(_l("Result and reasons"), [DataRequired(), Length(min=2, max=4000)])


class DrawForm(PageForm):
    count = IntegerField(_l("Number of experts"), [DataRequired(), NumberRange(min=1, max=20)], default=3)


class OpinionForm(PageForm):
    opinion = RadioField(_l("Experts' opinion"), [DataRequired()],
                         choices=[choice("passed", _l("Passed")), choice("rectify", _l("Rectify")),
                                  choice("fail", _l("Fail"))])
    note = TextAreaField(_l("Re-review opinion"), [DataRequired(), Length(min=10, max=2000)])


class BanForm(PageForm):
    subject = RadioField(_l("Who"), [DataRequired()], choices=[choice("evaluator", _l("Third-party firm")),
                                                              choice("organization", _l("Applicant"))])
    uscc = StringField(_l("Unified social credit code"), [DataRequired(), Length(max=40)])
    sanction = SanctionField(_l("Sanction"), [Optional()])
    reason = TextAreaField(_l("Reason"), [DataRequired(), Length(min=2, max=500)])
    evidence_note = TextAreaField(_l("Evidence"), [Optional(), Length(max=2000)])


class UploadForm(PageForm):
    file = FileField(_l("Evidence (PDF)"))


class FlagForm(PageForm):
    confirm = BooleanField(_l("Confirm"))
