"""Form field classes and the indicator self-evaluation fields, shared by every module's WTForms forms."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import FloatField, IntegerField, SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice as choice  # noqa: F401  (WTForms 3.3: no (value, label) tuples)
from wtforms.validators import Optional, StopValidation
from wtforms.widgets import CheckboxInput, ListWidget

from core.i18n import bracketed, local_text
from core.plugins.types import IndicatorKind


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def ind_attr(number: int, part: str = "") -> str:
    """The form attribute of an indicator (``part`` e/g for the two inputs of an elasticity)."""
    return f"ind_{number}{'_' + part if part else ''}"


#: the parts of an elasticity indicator's saved value (core/scoring/engine.py ``elasticity``), as readers name them
ELASTICITY_PARTS = {"elasticity": _l("elasticity coefficient"), "emission_growth": _l("emission growth (%)"),
                    "value_added_growth": _l("value-added growth (%)")}


def indicator_fields(iset) -> dict[str, Any]:
    """Unbound form fields for every indicator of ``iset``: the scoring engine's inputs, one per indicator."""
    attrs: dict[str, Any] = {}
    functions = iset.params.get("platform_functions")
    e_label, g_label = str(ELASTICITY_PARTS["elasticity"]), str(ELASTICITY_PARTS["value_added_growth"])
    n_label = _l("number of functions met, if not ticked one by one")
    for ind in iset.indicators:
        label = f"{ind.number}. {local_text(ind.name, ind.name_en)}" + bracketed(local_text(ind.unit, ind.unit_en))
        if ind.kind == IndicatorKind.QUALITATIVE:
            attrs[ind_attr(ind.number)] = SelectField(label, [Optional()], choices=[
                choice("", "—"), choice("yes", _l("Yes")), choice("no", _l("No"))])
        elif ind.kind == IndicatorKind.ELASTICITY:
            attrs[ind_attr(ind.number, "e")] = FloatField(f"{label} · {e_label}",
                                                          [Optional(), IndicatorBound(ind, iset, "elasticity")])
            attrs[ind_attr(ind.number, "g")] = FloatField(f"{label} · {g_label}",
                                                          [Optional(), IndicatorBound(ind, iset, "value_added_growth")])
        elif functions and ind.unit == "项":
            attrs[ind_attr(ind.number)] = MultiCheckboxField(label, [Optional()],
                                                             choices=[choice(f, f) for f in functions])
            # a value stored as a count (the API, an import, the demo) names no function: the count stays its own
            # input, so loading and saving the form keeps it (issue 42)
            attrs[ind_attr(ind.number, "n")] = IntegerField(
                f"{label} · {n_label}",
                [Optional(), IndicatorBound(ind, iset)])
        else:
            attrs[ind_attr(ind.number)] = FloatField(label, [Optional(), IndicatorBound(ind, iset)])
    return attrs


class IndicatorBound:
    """The web form's check of an indicator's input against its bound: the same declaration and the same message
    as the services' and the API's (:mod:`core.plugins.indicator_bounds`, issue 55)."""

    def __init__(self, ind, iset, part: str = ""):
        self.ind, self.iset, self.part = ind, iset, part

    def __call__(self, form, field) -> None:
        from core.plugins.indicator_bounds import refusal

        message = refusal(self.ind, self.iset, self.part, field.data) if field.data is not None else None
        if message:
            raise StopValidation(message)


def indicator_initial(iset, values: Mapping[str, Any]) -> dict[str, Any]:
    """Stored indicator values (keyed by table number) as the fields' initial data."""
    data: dict[str, Any] = {}
    functions = iset.params.get("platform_functions")
    for ind in iset.indicators:
        v = values.get(str(ind.number))
        if ind.kind == IndicatorKind.QUALITATIVE:
            data[ind_attr(ind.number)] = "" if v is None else ("yes" if v is True or v == 1 else "no")
        elif ind.kind == IndicatorKind.ELASTICITY:
            if isinstance(v, dict):
                data[ind_attr(ind.number, "e")] = v.get("elasticity")
                data[ind_attr(ind.number, "g")] = v.get("value_added_growth")
        elif functions and ind.unit == "项":
            counted = isinstance(v, (int, float)) and not isinstance(v, bool)
            data[ind_attr(ind.number)] = [] if counted or v is None else list(v)
            data[ind_attr(ind.number, "n")] = int(v) if counted else None
        else:
            data[ind_attr(ind.number)] = v
    return data


def indicator_values(form, iset) -> dict[str, Any]:
    """The submitted indicator fields as values keyed by table number (``None`` where left empty)."""
    values: dict[str, Any] = {}
    for ind in iset.indicators:
        count = getattr(form, ind_attr(ind.number, "n"), None)
        if ind.kind == IndicatorKind.QUALITATIVE:
            v = getattr(form, ind_attr(ind.number)).data
            values[str(ind.number)] = None if not v else v == "yes"
        elif count is not None and not getattr(form, ind_attr(ind.number)).data:
            values[str(ind.number)] = count.data  # no box ticked: the count as entered (None when cleared)
        elif ind.kind == IndicatorKind.ELASTICITY:
            e, g = getattr(form, ind_attr(ind.number, "e")).data, getattr(form, ind_attr(ind.number, "g")).data
            values[str(ind.number)] = None if e is None or g is None else {"elasticity": e, "value_added_growth": g}
        else:
            v = getattr(form, ind_attr(ind.number)).data
            values[str(ind.number)] = None if v in (None, "", []) else v
    return values
