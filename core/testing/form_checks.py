"""The contract's checks of a region's application-form fields (:class:`FormChecks`, a base of
:class:`core.testing.contract.RegionContract`): they build on the web form and in the API, validate their samples,
agree between web form and API on what is required and on every bound, and give English for their labels, terms,
names and units."""
from __future__ import annotations

from typing import Any

import pytest

from core.declared_fields import web_field
from core.plugins.types import Level, dated_example, field_attr, year_text
from core.testing.form_api_agreement import disagreements
from core.testing.form_samples import (
    NeedsSample,
    _bound,
    _formdata,
    _guess,
    _jsonish,
    _single_field_form,
    _single_field_schema,
)


class FormChecks:
    """The form-field checks of :class:`core.testing.contract.RegionContract`, which supplies ``region``, ``year``,
    ``form_samples``, ``_own_records`` and ``_capability``."""

    # ================================================================= forms ==

    def _form_fields(self):
        fields = self._own_records("gm_register_form_fields")
        self._capability("has_form_fields", len(fields), "form fields")
        return fields

    def test_form_fields_build(self, greenmfg_make_app):
        """Per unit type and level, a per-call form subclass with every field as ``ext_<region>__*`` builds."""
        from wtforms import Form

        own = {f.code for f in self._form_fields()}
        app = greenmfg_make_app(region=self.region, GREENMFG_RULES_YEAR=self.year)
        rules = app.extensions["greenmfg"].rules
        built = set()
        with app.test_request_context(method="POST"):
            for ut in rules.unit_types:
                for level in self._levels():
                    fields = [f for f in rules.form_fields_for(ut, level) if f.code in own]
                    attrs = {field_attr(f.code): f for f in fields}
                    assert len(attrs) == len(fields), f"{ut}/{level}: two fields share an attribute"
                    for attr in attrs:
                        assert attr.startswith(f"ext_{self.region}__"), f"field attribute {attr!r} not namespaced"
                    form_cls = type(f"ContractForm_{ut}_{level}", (Form,),
                                    {attr: web_field(f) for attr, f in attrs.items()})
                    form = form_cls()
                    for attr in attrs:
                        assert attr in form._fields, f"{attr} missing from the built form"
                    built |= {f.code for f in fields}
        for f in rules.form_fields.values():
            if f.code in own:
                assert set(f.unit_types) <= set(rules.unit_types), f"{f.code}: unknown unit types {f.unit_types}"
                assert all(isinstance(lv, Level) for lv in f.levels), f"{f.code}: levels {f.levels!r}"
                try:  # an English label holds the label's kind of year fields ({year-1}), nothing else in braces
                    year_text(f.label_en, self.year)
                except (KeyError, ValueError, IndexError) as exc:
                    raise AssertionError(f"{f.code}: label_en {f.label_en!r} has an unknown field ({exc})") from None
        unreachable = own - built
        assert not unreachable, f"form fields offered for no unit type and level: {sorted(unreachable)}"

    def test_english_terms(self):
        """A plugin that translates the texts inside its fields (``terms_en``: options, table columns) translates
        every one of them that holds Chinese, and no term it gives is unused (a renamed option would otherwise
        lose its English silently)."""
        import re

        from core.applications.fields import inner_texts

        fields = self._form_fields()
        terms: dict[str, str] = {}
        for f in fields:
            terms.update(f.terms_en)
        if not terms:
            pytest.skip("the plugin gives no English for its fields' options and columns")
        used = set()
        missing = []
        for f in fields:
            for text in inner_texts(f):
                used.add(text)
                if re.search(r"[\u4e00-\u9fff]", text) and not f.terms_en.get(text):
                    missing.append(f"{f.code}: {text}")
        assert not missing, "options or columns without English:\n" + "\n".join(missing)
        unused = sorted(set(terms) - used)
        assert not unused, f"English terms no field uses: {unused}"

    def test_english_names(self):
        """The negative-list items, eligibility rules, priorities, sanctions and industries the plugin registers
        read in English on English pages (``title_en``, ``name_en``: a platform translation; ``with_english_titles``
        keeps the rules' as one table); without one an English page shows the Chinese."""
        import re

        records = [(i.code, i.title_en) for hook in ("gm_register_negative_list_items", "gm_register_eligibility_rules",
                                                     "gm_register_priorities", "gm_register_sanctions")
                   for i in self._own_records(hook)]
        records += [(i.code, i.name_en) for i in self._own_records("gm_register_industries")]
        if not records:
            pytest.skip("the plugin registers no negative-list item, eligibility rule, priority, sanction or industry")
        missing = [code for code, english in records if not english or re.search(r"[\u4e00-\u9fff]", english)]
        assert not missing, f"without English (title_en / name_en): {missing}"

    def test_english_units(self):
        """The indicators of the plugin's evaluation tables and the key figures of its annual filing
        (``gm_policy_filing_figures``) read their units in English on English pages (``Indicator.unit_en``,
        ``FilingFigure.unit_en``, a platform translation): every unit that holds Chinese (万元, 产品单位) has one,
        without Chinese."""
        import re

        sets = self._own_records("gm_register_indicator_sets")
        units = [(f"{s.code} #{i.number}", i.unit, i.unit_en) for s in sets for i in s.indicators]
        rules = self._rules()
        seen = set()
        for year in self._years():
            for ut in rules.unit_types:
                figures = self._answer(rules, "filing_figures", year, ut)
                if figures is None or figures.source != self.region:
                    continue
                for f in figures.figures:
                    if (f.key, f.unit, f.unit_en) not in seen:
                        seen.add((f.key, f.unit, f.unit_en))
                        units.append((f"filing figure {f.key} ({ut}, {year})", f.unit or "", f.unit_en))
        if not any(re.search(r"[\u4e00-\u9fff]", unit) for _, unit, _ in units):
            pytest.skip("the plugin's indicators and filing figures have no unit in Chinese")
        missing = [f"{where}: {unit}" for where, unit, english in units
                   if re.search(r"[\u4e00-\u9fff]", unit) and (not english or re.search(r"[\u4e00-\u9fff]", english))]
        assert not missing, "units without English (unit_en):\n" + "\n".join(missing)

    def test_form_fields_validate_sample(self, greenmfg_make_app):
        """Each field accepts a sample value: ``form_samples``, else the plugin's ``example``, else one guessed
        from its validators."""
        fields = self._form_fields()
        app = greenmfg_make_app(region=self.region, GREENMFG_RULES_YEAR=self.year)
        problems = []
        with app.test_request_context(method="POST"):
            for f in fields:
                sample = self._sample(f)
                form = _single_field_form(f, formdata=_formdata(_bound(f), sample, field_attr(f.code)))
                try:
                    if not form.validate():
                        problems.append(f"{f.code}: sample {sample!r} rejected: {form.errors}")
                except Exception as exc:  # noqa: BLE001  (a crash is a finding, like a rejection)
                    problems.append(f"{f.code}: validating sample {sample!r} raised {type(exc).__name__}: {exc}")
        assert not problems, "\n".join(problems)

    def test_schema_round_trip(self):
        """Each field's marshmallow twin loads the sample, and dump -> load gives the same value back."""
        problems = []
        for f in self._form_fields():
            attr = field_attr(f.code)
            schema = _single_field_schema(f)
            data = {attr: _jsonish(self._sample(f))}
            try:
                loaded = schema.load(data)
                dumped = schema.dump(loaded)
                again = schema.load(dumped)
            except Exception as exc:  # noqa: BLE001  (report every field, not only the first)
                problems.append(f"{f.code}: {type(exc).__name__}: {exc}")
                continue
            if again != loaded:
                problems.append(f"{f.code}: {loaded!r} -> dump {dumped!r} -> load {again!r}")
        assert not problems, "\n".join(problems)

    def test_form_and_schema_agree_on_required(self, greenmfg_make_app):
        """A field the form requires is required by its schema twin too, and the other way round."""
        from marshmallow import ValidationError
        from werkzeug.datastructures import MultiDict

        fields = self._form_fields()
        app = greenmfg_make_app(region=self.region, GREENMFG_RULES_YEAR=self.year)
        problems = []
        with app.test_request_context(method="POST"):
            for f in fields:
                try:
                    form_required = not _single_field_form(f, formdata=MultiDict()).validate()
                except Exception as exc:  # noqa: BLE001  (an empty submission must give errors, not crash)
                    problems.append(f"{f.code}: validating an empty submission raised {type(exc).__name__}: {exc}")
                    continue
                try:
                    _single_field_schema(f).load({})
                    schema_required = False
                except ValidationError:
                    schema_required = True
                if form_required != schema_required:
                    problems.append(f"{f.code}: form {'requires' if form_required else 'does not require'} it, "
                                    f"schema {'requires' if schema_required else 'does not require'} it")
        assert not problems, "\n".join(problems)

    def test_form_and_schema_agree_on_every_bound(self, greenmfg_make_app):
        """Every field's web form and API field accept and refuse the same values: each bound either side states
        (a number's minimum and maximum, a text's length, a table's rows) just inside and just outside, each
        option and a value that is none, an empty answer and none at all; a table's cells too, in a row of its
        sample. A field core builds from its declaration agrees by construction; the escape hatch's two
        factories are held to the same."""
        fields = self._form_fields()
        app = greenmfg_make_app(region=self.region, GREENMFG_RULES_YEAR=self.year)
        problems: list[str] = []
        tried = 0
        with app.test_request_context(method="POST"):
            for f in fields:
                count, found = disagreements(f, self._sample(f))
                tried += count
                problems += found
        assert not problems, f"web form and API disagree ({len(problems)} of {tried} tries):\n" + "\n".join(problems)

    def _sample(self, f) -> Any:
        if f.code in self.form_samples:
            return self.form_samples[f.code]
        if f.example is not None:  # the plugin's own realistic value (the demo fills its forms with it)
            return dated_example(f.example, self.year)
        try:
            return _guess(_bound(f), self.year)
        except NeedsSample as exc:
            pytest.fail(f"{f.code}: {exc}; add a value to {type(self).__name__}.form_samples")
