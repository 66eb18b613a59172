"""RegionContract: the conformance suite every region plugin runs.

A plugin's whole contract test is one subclass::

    from core.testing.contract import RegionContract

    class TestHunanContract(RegionContract):
        region = "hunan"

pytest collects the subclass (its name starts with ``Test``) and runs every check below
against the plugin installed under that name in the ``greenmfg.regions`` entry-point group.
The fixtures come from :mod:`core.testing.pytest_plugin` (loaded through ``pytest11``).

What a region does not use is declared with capability flags, never with fake data. A flag
is checked both ways: a region that says ``has_quota = False`` but answers quotas fails
("declare has_quota = True"), and one that says ``True`` but supplies none fails too. Where
the flag is off and the region supplies nothing, the test is skipped with the reason.

Known failures are listed, with the reason, in ``expected_failures``; they run as strict
xfail, so the entry has to go once the plugin is fixed.
"""
from __future__ import annotations

import ast
import datetime as dt
import decimal
import importlib
import io
from pathlib import Path
from typing import Any, ClassVar, Iterable

import pytest

from core.declared_fields import api_field, web_field
from core.plugins import hookspecs
from core.plugins.errors import PluginError
from core.plugins.lifecycle import implementations
from core.plugins.manager import NATIONAL, build_plugin_manager, installed_regions
from core.plugins.rules import RegionRules
from core.plugins.types import (
    SHARED_UNIT_TYPES,
    CapBasis,
    CodedRecord,
    CorrectionPolicy,
    EvaluationMode,
    EvaluationModes,
    EvaluatorCap,
    GradingScheme,
    JointRound,
    Level,
    NoticePeriod,
    Quota,
    Region,
    UnitKind,
    dated_example,
    field_attr,
    year_text,
)

#: the only core modules a region plugin may import (the public plugin API)
PUBLIC_API = ("core.plugins", "core.plugins.types")
#: who may have to act by a deadline (:class:`~core.plugins.types.Deadline` ``actor``)
DEADLINE_ACTORS = ("applicant", "city", "province", "ministry", "listed_unit")
#: the main pages every instance serves
MAIN_PAGES = ("/", "/rules", "/public/lists", "/notices", "/api/v1/rules", "/api/openapi.json")


class NeedsSample(LookupError):
    """The contract cannot make up a valid value for a form field; the subclass must give one."""


class RegionContract:
    """Base class of a region plugin's contract test. Set :attr:`region`; adjust the flags."""

    _greenmfg_region_contract: ClassVar[bool] = True

    #: the region code under test: its entry-point name in ``greenmfg.regions``
    region: ClassVar[str] = ""
    #: the rule year the checks centre on
    year: ClassVar[int] = 2025
    #: limits and policy answers are checked for ``year - year_span`` .. ``year + year_span``
    year_span: ClassVar[int] = 2

    # ------------------------------------------------------ capability flags --
    #: the region registers its submitting administrative units (市州)
    has_admin_units: ClassVar[bool] = True
    #: the region registers deadlines of its own
    has_deadlines: ClassVar[bool] = True
    #: the region runs city-level (市级) lists
    has_city_level: ClassVar[bool] = True
    #: applicants may use third-party evaluators (第三方评价机构) in the region
    uses_third_party_evaluators: ClassVar[bool] = True
    #: the region sets quotas (名额) of its own for its administrative units
    has_quota: ClassVar[bool] = False
    #: the region adds application-form fields
    has_form_fields: ClassVar[bool] = False
    #: the region registers summary-table (汇总表) layouts
    has_summary_layouts: ClassVar[bool] = False

    #: sample values for form fields the contract cannot guess (a pattern, a cross-row rule):
    #: ``{"hunan.org_code": "12345678-9"}``; values as the JSON API takes them
    form_samples: ClassVar[dict[str, Any]] = {}
    #: contract tests known to fail, with the reason; they run as strict xfail
    expected_failures: ClassVar[dict[str, str]] = {}

    # ================================================================ helpers ==

    def _pm(self, region: str | None = None):
        return build_plugin_manager(region or self.region)

    def _rules(self, region: str | None = None) -> RegionRules:
        try:
            return RegionRules(self._pm(region))
        except PluginError as exc:
            pytest.fail(f"{region or self.region}: plugin refused at start-up: {exc}")

    def _years(self) -> range:
        return range(self.year - self.year_span, self.year + self.year_span + 1)

    def _levels(self) -> list[Level]:
        return [lv for lv in Level if self.has_city_level or lv != Level.CITY]

    def _own_impls(self, hook: str, pm=None):
        """This region's implementations answering ``hook``, looked up as the engine does: under the hook's name
        and under a deprecated name renamed to it (those still answer, with the deprecation warning)."""
        pm = pm or self._pm()
        return [i for i in implementations(pm, hook) if i.plugin_name == self.region]

    def _own_records(self, hook: str, pm=None) -> list[Any]:
        """The records this region's own implementation of registry ``hook`` returns, as returned."""
        out: list[Any] = []
        for impl in self._own_impls(hook, pm):
            out.extend(impl.function() or ())
        return out

    def _prefix(self) -> str:
        return f"{self.region}."

    def _entry_point(self):
        eps = installed_regions()
        if self.region not in eps:
            pytest.fail(f"no entry point {self.region!r} in group 'greenmfg.regions'; installed: {sorted(eps)}. "
                        f"Add '{self.region} = <package>.plugin' to [options.entry_points] and reinstall")
        return eps[self.region]

    def _package(self) -> tuple[str, Path]:
        """The plugin's package name and directory (the package holding the entry-point module)."""
        module_name = self._entry_point().module
        package_name = module_name.rpartition(".")[0] or module_name
        package = importlib.import_module(package_name)
        return package_name, Path(package.__file__).parent

    def _capability(self, flag: str, supplied: int, what: str) -> None:
        """Check a flag against what the region supplies; skip when both say 'none'."""
        declared = getattr(self, flag)
        if declared and not supplied:
            pytest.fail(f"{type(self).__name__}: {flag} = True but {self.region!r} supplies no {what}; "
                        f"set {flag} = False")
        if not declared and supplied:
            pytest.fail(f"{type(self).__name__}: {flag} = False but {self.region!r} supplies {supplied} {what}; "
                        f"set {flag} = True so the contract checks them")
        if not declared:
            pytest.skip(f"{self.region} declares {flag} = False")

    # ========================================================== registration ==

    def test_registers_cleanly(self):
        """National plus the region register, pass check_pending, and agree on one identity."""
        assert self.region, f"{type(self).__name__}: set region = '<code>'"
        assert self.region != NATIONAL, "the national plugin is not a region plugin"
        ep = self._entry_point()
        pm = self._pm()
        assert [name for name, _ in pm.list_name_plugin()] == [NATIONAL, self.region]
        pm.check_pending()
        plugin = pm.get_plugin(self.region)
        assert plugin is ep.load(), "the registered plugin is not the entry point's object"
        unmarked = [n for n, obj in vars(plugin).items()
                    if n.startswith("gm_") and callable(obj) and not hasattr(obj, f"{hookspecs.PROJECT}_impl")]
        assert not unmarked, f"hook functions without @hookimpl (pluggy would ignore them): {unmarked}"
        own = self._own_impls("gm_region", pm)
        assert len(own) == 1, f"{self.region!r} must implement gm_region exactly once"
        identity = own[0].function()
        assert isinstance(identity, Region), f"gm_region returned {type(identity).__name__}, not Region"
        assert identity.code == ep.name == self.region, (
            f"entry-point name {ep.name!r} and Region.code {identity.code!r} must be equal")
        assert identity.name.strip() and identity.name_en.strip(), "Region needs name and name_en"
        rules = RegionRules(pm)
        assert [n for n in rules.identities if n != NATIONAL] == [self.region], "exactly one region identity"
        assert (rules.region.code, rules.region.source) == (self.region, self.region)

    # ============================================================== policies ==

    def test_policy_answers_are_typed(self):
        """Every policy hook answers with its declared type for every unit type x level x year."""
        rules = self._rules()
        allowed_sources = {NATIONAL, self.region}
        checks = 0
        for year in self._years():
            for ut in rules.unit_types:
                for level in self._levels():
                    for what, args, expected, optional in (
                        ("evaluator_cap", (ut, level), EvaluatorCap, False),
                        ("grading", (ut, level), GradingScheme, False),
                        ("evaluation_modes", (ut, level, year), EvaluationModes, False),
                        ("joint_round", (level, year, ut), JointRound, False),
                        ("correction", (level, year, ut), CorrectionPolicy, False),
                        ("notice_period", (level,), NoticePeriod, True),
                    ):
                        answer = self._answer(rules, what, *args)
                        where = f"{what}({ut}, {level}, {year})"
                        if answer is None:
                            assert optional, f"{where}: no answer at all (national should always answer)"
                            continue
                        assert isinstance(answer, expected), f"{where}: {type(answer).__name__}"
                        assert answer.source in allowed_sources, f"{where}: source {answer.source!r}"
                        checks += 1
                for unit in rules.admin_units:
                    quota = self._answer(rules, "quota", unit, ut, year)
                    assert isinstance(quota, Quota), f"quota({unit}, {ut}, {year}): {quota!r}; use Quota.UNLIMITED"
                    assert quota.source in allowed_sources
                    checks += 1
        assert checks

    @staticmethod
    def _answer(rules: RegionRules, what: str, *args):
        try:
            return getattr(rules, what)(*args)
        except PluginError as exc:
            pytest.fail(f"{what}{args}: {exc}")

    def test_stays_within_national_limits(self):
        """Start-up validation passes for every year around ``year``; caps and quotas never exceed national."""
        for year in self._years():
            try:
                RegionRules(self._pm()).validate(year)
            except PluginError as exc:
                pytest.fail(f"validate({year}): {exc}")
        rules, national = self._rules(), self._rules(NATIONAL)
        for year in self._years():
            for ut in set(rules.unit_types) & set(national.unit_types):
                for level in self._levels():
                    mine, base = rules.evaluator_cap(ut, level), national.evaluator_cap(ut, level)
                    if not base.unlimited:
                        assert not mine.unlimited and mine.limit <= base.limit and mine.basis == base.basis, (
                            f"evaluator cap {ut}/{level}: {mine.limit} per {mine.basis} "
                            f"above national {base.limit} per {base.basis}")
                        assert mine.covers(ut, level) or not base.covers(ut, level), (
                            f"evaluator cap {ut}/{level}: {mine.source!r}'s cap covers only {list(mine.unit_types)} "
                            f"at {list(map(str, mine.levels))}, leaving {ut}/{level} without national's {base.limit}")
                for unit in rules.admin_units:
                    mine, base = rules.quota(unit, ut, year), national.quota(unit, ut, year)
                    if not base.unlimited:
                        assert not mine.unlimited and mine.limit <= base.limit, f"quota {unit}/{ut}/{year}"

    def test_every_level_offered_can_be_published(self):
        """Every level the region offers a unit type at has a publication rule (notice or decision, and
        who publishes it); a notice has a period (the region's, national's, or the deployer's setting
        where the document names none). A list nobody can publish would stop every round at its end."""
        rules = self._rules()
        offered = {lv for t in rules.unit_types.values() for lv in t.levels}
        for year in self._years():
            for level in offered:
                how = rules.publication(level, year)
                assert how is not None, f"no publication rule for the {level} list of {year}"
                assert how.publisher in ("city", "province", "ministry"), (
                    f"{level}/{year}: publisher {how.publisher!r} is not city, province or ministry")
                if str(how.procedure) == "notice":
                    period = rules.notice_period(level)
                    assert period is None or period.days > 0, f"{level}/{year}: a notice of {period.days} days"

    # ============================================================ registries ==

    def test_registry_codes_unique_and_namespaced(self):
        """New codes are ``<region>.*`` and unique; a national code is only taken over with ``replaces=``."""
        pm = self._pm()
        national = self._rules(NATIONAL)
        problems = []
        for hook in hookspecs.REGISTRY_HOOKS:
            taken = set(national._registry(hook))
            seen: set[str] = set()
            for rec in self._own_records(hook, pm):
                if not isinstance(rec, CodedRecord):
                    problems.append(f"{hook}: {type(rec).__name__} is not a record type")
                    continue
                if rec.code in seen:
                    problems.append(f"{hook}: code {rec.code!r} twice")
                seen.add(rec.code)
                shared = hook == "gm_register_unit_types" and rec.code in SHARED_UNIT_TYPES
                if not shared and (not rec.code.startswith(self._prefix()) or rec.code == self._prefix()):
                    problems.append(f"{hook}: code {rec.code!r} is not namespaced {self._prefix()!r}")
                if rec.replaces is not None and rec.replaces not in taken:
                    problems.append(f"{hook}: {rec.code!r} replaces {rec.replaces!r}, which national does not define")
                if rec.replaces is None and rec.code in taken:
                    problems.append(f"{hook}: {rec.code!r} clashes with national; set replaces={rec.code!r}")
        assert not problems, "\n".join(problems)
        rules = RegionRules(pm)
        for hook in hookspecs.REGISTRY_HOOKS:
            try:
                rules._registry(hook)
            except PluginError as exc:
                pytest.fail(str(exc))

    def test_every_record_has_source_and_cite(self):
        """Every effective rule names its plugin; every rule from this region cites its document."""
        rules = self._rules()
        uncited = []
        for kind, key, record in rules.effective_rules(self.year):
            # "core" / "config": the platform's default or this instance's setting where no document gives a value
            assert record.source in {NATIONAL, self.region, "core", "config"}, f"{kind} {key}: source {record.source!r}"
            if record.source == self.region and not (record.cite or "").strip():
                uncited.append(f"{kind} {key}")
        assert not uncited, f"records from {self.region!r} without cite: {uncited}"

    def test_config_keys_prefixed(self):
        """``gm_setup_config_defaults`` keys start with ``<REGION>_``."""
        impls = self._own_impls("gm_setup_config_defaults")
        if not impls:
            pytest.skip(f"{self.region} sets no configuration defaults")
        prefix = self.region.upper() + "_"
        for impl in impls:
            defaults = impl.function()
            assert isinstance(defaults, dict), f"gm_setup_config_defaults returned {type(defaults).__name__}"
            bad = [k for k in defaults if not (isinstance(k, str) and k.startswith(prefix) and k != prefix)]
            assert not bad, f"config keys must start with {prefix!r}: {bad}"

    # ====================================================== capability flags ==

    def test_admin_units(self):
        units = self._own_records("gm_register_admin_units")
        self._capability("has_admin_units", len(units), "admin units")
        for unit in units:
            assert unit.name.strip(), f"admin unit {unit.code!r} has no name"
            assert isinstance(unit.kind, UnitKind), f"admin unit {unit.code!r}: kind {unit.kind!r} is not a UnitKind"

    def test_deadlines(self):
        deadlines = self._own_records("gm_register_deadlines")
        self._capability("has_deadlines", len(deadlines), "deadlines")
        rules = self._rules()
        for d in deadlines:
            problem = d.problem()  # a year in the code, an impossible day, a date years from its round
            assert problem is None, f"deadline {d.code!r}: {problem}"
            assert d.actor in DEADLINE_ACTORS, f"deadline {d.code!r}: actor {d.actor!r} not in {DEADLINE_ACTORS}"
            assert all(isinstance(lv, Level) for lv in d.levels), f"deadline {d.code!r}: levels {d.levels!r}"
            unknown = set(d.unit_types) - set(rules.unit_types)
            assert not unknown, f"deadline {d.code!r}: unknown unit types {sorted(unknown)}"

    def test_city_level(self):
        rules = self._rules()
        city_types = rules.unit_types_for(Level.CITY)
        if self.has_city_level:
            assert Level.CITY.value in {lv.code for lv in rules.list_levels.values()}, "no city list level"
            assert city_types, "has_city_level = True but no unit type is offered at city level"
            return
        assert not city_types, (f"has_city_level = False but unit types {[t.code for t in city_types]} are "
                                "offered at city level; replace them with levels that leave out Level.CITY")
        for hook in hookspecs.REGISTRY_HOOKS:
            for rec in self._own_records(hook):
                assert Level.CITY not in getattr(rec, "levels", ()), f"{hook}: {rec.code!r} is for city level"
        pytest.skip(f"{self.region} declares has_city_level = False")

    def test_third_party_evaluators(self):
        rules = self._rules()
        pm = rules.pm
        modes = [(ut, lv, y, rules.evaluation_modes(ut, lv, y))
                 for y in self._years() for ut in rules.unit_types for lv in self._levels()]
        third = [m for m in modes if EvaluationMode.THIRD_PARTY in m[3].allowed]
        own_caps = self._own_impls("gm_policy_evaluator_cap", pm) + self._own_records("gm_register_evaluator_caps", pm)
        own_reqs = self._own_records("gm_register_evaluator_requirements", pm) \
            if hasattr(pm.hook, "gm_register_evaluator_requirements") else []
        if not self.uses_third_party_evaluators:
            assert not third, (f"uses_third_party_evaluators = False but third-party evaluation is allowed for "
                               f"{[(ut, str(lv), y) for ut, lv, y, _ in third[:5]]}; answer "
                               "gm_policy_evaluation_modes with self-evaluation only")
            assert not own_caps and not own_reqs, (
                "uses_third_party_evaluators = False but the region sets evaluator caps or requirements")
            pytest.skip(f"{self.region} declares uses_third_party_evaluators = False")
        assert third, "uses_third_party_evaluators = True but no unit type, level or year allows a third party"
        for ut in rules.unit_types:
            for level in self._levels():
                cap = rules.evaluator_cap(ut, level)
                assert isinstance(cap.basis, CapBasis)
                assert cap.limit is None or (isinstance(cap.limit, int) and cap.limit > 0), (
                    f"evaluator cap {ut}/{level}: limit {cap.limit!r}")
                # every cap that counts a project (the level's and those counting levels together) has a limit,
                # a document to cite, and its own counter
                caps = rules.evaluator_caps(ut, level)
                assert all(isinstance(c.limit, int) and c.limit > 0 and c.cite.strip() for c in caps), (
                    f"evaluator caps {ut}/{level}: {[(c.source, c.limit, c.cite) for c in caps]}")
                keys = [(str(c.basis), tuple(sorted(map(str, c.levels)))) for c in caps]
                assert len(keys) == len(set(keys)), f"evaluator caps {ut}/{level} share a counter: {keys}"
        for cap in self._own_records("gm_register_evaluator_caps", pm):
            assert cap.code.startswith(self._prefix()) and cap.title.strip(), (
                f"shared evaluator cap {cap.code!r}: codes start with {self._prefix()!r} and carry a title")
        for req in own_reqs:
            assert req.title.strip() and req.scope in ("institution", "engagement"), (
                f"evaluator requirement {req.code!r}: scope {req.scope!r}")

    def test_quota(self):
        pm = self._pm()
        impls = self._own_impls("gm_policy_quota", pm)
        self._capability("has_quota", len(impls), "quota answers (gm_policy_quota)")
        rules = RegionRules(pm)
        own = [rules.quota(unit, ut, year) for year in self._years()
               for ut in rules.unit_types for unit in rules.admin_units]
        own = [q for q in own if q.source == self.region]
        assert own, f"{self.region} implements gm_policy_quota but never answers for its admin units"
        for q in own:
            assert q.limit is None or (isinstance(q.limit, int) and q.limit >= 0), f"quota limit {q.limit!r}"
            assert q.period is None or (len(q.period) == 2 and q.period[0] <= q.period[1]), f"period {q.period!r}"
            assert all(isinstance(lv, Level) for lv in q.counts_levels)

    def test_summary_layouts(self):
        layouts = self._own_records("gm_register_summary_layouts")
        self._capability("has_summary_layouts", len(layouts), "summary layouts")
        rules = self._rules()
        for layout in layouts:
            assert layout.title.strip() and layout.sections, f"summary layout {layout.code!r} is empty"
            for section in layout.sections:
                unknown = set(section.unit_types) - set(rules.unit_types)
                assert not unknown, f"{layout.code!r} / {section.title}: unknown unit types {sorted(unknown)}"
                keys = [c.key for c in section.columns]
                assert len(keys) == len(set(keys)), f"{layout.code!r} / {section.title}: duplicate column keys"
                for c in section.columns:
                    assert c.width >= 0, f"{layout.code!r} / {c.header}: negative width"
                    assert not c.ticks or c.choices, f"{layout.code!r} / {c.header}: tick boxes need choices"
            for sheet in layout.sheets:
                assert 0 < len(sheet.name) <= 31, f"{layout.code!r}: sheet name {sheet.name!r} (1 to 31 characters)"
                texts = [sheet.title, sheet.subtitle, sheet.label, *sheet.lines, *sheet.notes, *sheet.footer]
                texts += [t for s in sheet.sections for c in s.columns for t in (c.header, c.group, *c.table_years)]
                for text in texts:  # every year field and {unit} fills (a typo fails here, not in front of a clerk)
                    try:
                        year_text(text, 2031, unit="某市")
                    except (KeyError, ValueError, IndexError) as exc:
                        raise AssertionError(f"{layout.code!r}: cannot fill {text!r} ({exc!r})") from None

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

    # ============================================================= templates ==

    def test_templates_namespaced(self):
        """Templates the plugin ships live under ``templates/<region>/``."""
        _, package_dir = self._package()
        templates = package_dir / "templates"
        files = [p for p in templates.rglob("*") if p.is_file()] if templates.is_dir() else []
        if not files:
            pytest.skip(f"{self.region} ships no templates")
        bad = [str(p.relative_to(templates)) for p in files
               if p.relative_to(templates).parts[0] != self.region or len(p.relative_to(templates).parts) < 2]
        assert not bad, f"templates outside templates/{self.region}/: {bad}"

    # ================================================================= smoke ==

    def test_serves_main_pages(self, greenmfg_make_app):
        """An app for the region boots on a fresh database and serves the main pages."""
        app = greenmfg_make_app(region=self.region, GREENMFG_RULES_YEAR=self.year)
        assert app.extensions["greenmfg"].rules.region_code == self.region
        client = app.test_client()
        for path in MAIN_PAGES:
            response = client.get(path)
            assert response.status_code == 200, f"GET {path}: {response.status_code}"
        doc = client.get(f"/api/v1/rules?year={self.year}").get_json()
        assert doc["region"]["code"] == self.region
        assert any(row["source"] == self.region for row in doc["rules"] if row["kind"] != "region"), (
            "the rules API shows no rule from the region")
        for impl in self._own_impls("gm_setup_config_defaults", app.extensions["greenmfg"].pm):
            for key in impl.function():
                assert key in app.config, f"config default {key} not applied"

    # =============================================================== imports ==

    def test_imports_only_public_api(self):
        """From core the plugin imports only ``core.plugins`` / ``core.plugins.types``; never another region."""
        package_name, package_dir = self._package()
        problems = []
        for path in sorted(package_dir.rglob("*.py")):
            rel = path.relative_to(package_dir)
            if "tests" in rel.parts[:-1] or rel.name.startswith("test_") or rel.name == "conftest.py":
                continue
            module = ".".join([package_name, *rel.with_suffix("").parts])
            if rel.name == "__init__.py":
                module = module.rpartition(".")[0]
            is_package = rel.name == "__init__.py"
            for lineno, target, names in _imports(path, module, is_package):
                why = _forbidden(target, names, package_name)
                if why:
                    problems.append(f"{rel}:{lineno}: {target} ({why})")
        assert not problems, "plugins import only the public API (core.plugins):\n" + "\n".join(problems)

    # ============================================================= documents ==

    def test_cites_name_registered_documents(self):
        """Every cite reads as a document and article (《title》（文号） …): each seed file a cite names belongs to a
        document some plugin registers (``gm_register_documents``), so no user ever sees a file name."""
        import re

        seed = re.compile(r"\b\d{3}_[0-9a-f]{16}\.txt")
        rules = self._rules()
        known = {d.seed for d in rules.documents.values() if d.seed}
        unknown = sorted({f"{kind} {key}: {name}" for year in self._years()
                          for kind, key, record in rules.effective_rules(year)
                          for name in seed.findall(record.cite or "") if name not in known})
        assert not unknown, "cites naming a seed no document registers (add it to documents.py):\n" + "\n".join(unknown)


# ===================================================================== forms ==


def _bound(f):
    """A bound instance of a FormField's WTForms field (in a throwaway one-field form)."""
    return _single_field_form(f)._fields[field_attr(f.code)]


def _single_field_form(f, formdata=None):
    from wtforms import Form

    form_cls = type("ContractFieldForm", (Form,), {field_attr(f.code): web_field(f)})
    return form_cls(formdata=formdata)


def _single_field_schema(f):
    from marshmallow import Schema

    return Schema.from_dict({field_attr(f.code): api_field(f)}, name="ContractFieldSchema")()


def _number_in_range(field, kind):
    from wtforms.validators import NumberRange

    value: Any = 1
    for v in field.validators:
        if isinstance(v, NumberRange):
            if v.min is not None and value < v.min:
                value = v.min
            if v.max is not None and value > v.max:
                value = v.max
    return kind(str(value)) if kind is decimal.Decimal else kind(value)


def _guess(field, year: int) -> Any:
    """A value the field should accept, as the JSON API would send it (before JSON encoding)."""
    from wtforms import fields as wf
    from wtforms import validators as wv

    if isinstance(field, wf.FieldList):
        template = field.entries[0] if field.entries else field.append_entry()
        return [_guess(template, year) for _ in range(max(field.min_entries, 1))]
    if isinstance(field, wf.FormField):
        return {sub.short_name: _guess(sub, year) for sub in field.form}
    if isinstance(field, (wf.FileField, wf.MultipleFileField)):
        return "sample-upload"
    if isinstance(field, wf.BooleanField):
        return True
    if isinstance(field, (wf.SelectMultipleField,)):
        return [next(iter(field.iter_choices()))[0]]
    if isinstance(field, (wf.SelectField, wf.RadioField)):
        return next(iter(field.iter_choices()))[0]
    if isinstance(field, wf.IntegerField):
        return _number_in_range(field, int)
    if isinstance(field, wf.DecimalField):
        return _number_in_range(field, decimal.Decimal)
    if isinstance(field, wf.FloatField):
        return _number_in_range(field, float)
    if isinstance(field, wf.DateTimeField) and not isinstance(field, wf.DateField):
        return dt.datetime(year, 1, 2, 9, 0)
    if isinstance(field, wf.DateField):
        return dt.date(year, 1, 2)
    if isinstance(field, wf.StringField):
        value = "示例"
        for v in field.validators:
            if isinstance(v, wv.Regexp):
                raise NeedsSample(f"cannot guess a value matching {v.regex.pattern!r}")
            if isinstance(v, wv.Email):
                value = "sample@example.com"
            if isinstance(v, wv.URL):
                value = "https://example.com/"
            if isinstance(v, wv.AnyOf):
                value = v.values[0]
            if isinstance(v, wv.Length) and v.min is not None and v.min > len(value):
                value = value + "x" * (v.min - len(value))
        return value
    raise NeedsSample(f"no rule for {type(field).__name__}")


def _formdata(field, value, name):
    """The POST data a browser sends for ``value`` in ``field`` named ``name``."""
    from werkzeug.datastructures import FileStorage, MultiDict
    from wtforms import fields as wf

    out = MultiDict()

    def add(field, value, name):
        if value is None:  # left empty: a browser sends an empty text box, nothing for a box or a file
            if not isinstance(field, (wf.FieldList, wf.FormField, wf.BooleanField, wf.FileField,
                                      wf.MultipleFileField, wf.SelectMultipleField)):
                out.add(name, "")
            return
        if value is MISSING:
            return
        if isinstance(field, wf.FieldList):
            template = field.entries[0] if field.entries else field.append_entry()
            for i, item in enumerate(value):
                add(template, item, f"{name}-{i}")
        elif isinstance(field, wf.FormField):
            for sub in field.form:
                if sub.short_name in value:
                    add(sub, value[sub.short_name], f"{name}{field.separator}{sub.short_name}")
        elif isinstance(field, wf.BooleanField):
            if value:
                out.add(name, "y")
        elif isinstance(field, (wf.FileField, wf.MultipleFileField)):
            out.add(name, FileStorage(io.BytesIO(b"%PDF-1.4 sample"), filename=f"{value}.pdf"))
        elif isinstance(field, wf.SelectMultipleField):
            for item in value:
                out.add(name, str(item))
        elif isinstance(value, (dt.date, dt.datetime)):
            formats = field.format if isinstance(field.format, (list, tuple)) else [field.format]
            out.add(name, value.strftime(formats[0]))
        else:
            out.add(name, str(value))

    add(field, value, name)
    return out


def _jsonish(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _jsonish(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonish(v) for v in value]
    return value


# =================================================================== imports ==


def _imports(path: Path, module: str, is_package: bool) -> Iterable[tuple[int, str, tuple[str, ...]]]:
    """``(line, absolute module, imported names)`` for every import in ``path``, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package_parts = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, ()
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package_parts[: len(package_parts) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            yield node.lineno, target, tuple(a.name for a in node.names)
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("import_module", "__import__"):
                yield node.lineno, node.args[0].value, ()


def _forbidden(target: str, names: tuple[str, ...], own: str) -> str | None:
    """Why importing ``names`` from ``target`` breaks the plugin rule, or ``None``."""
    if target == own or target.startswith(own + "."):
        return None
    own_parent, _, own_leaf = own.rpartition(".")
    top = target.split(".")[0]
    if top == "core":
        if target in PUBLIC_API:
            return None
        if target == "core" and names and set(names) <= {"plugins"}:
            return None
        return "core internals; import from core.plugins"
    if own_parent and target == own_parent:
        return None if names and set(names) <= {own_leaf} else "another region plugin"
    if top == "plugins" or (own_parent and target.startswith(own_parent + ".")):
        return "another plugin (national or a region); use the national= argument and the facade"
    if top.startswith("greenmfg_region_"):
        return "another region plugin"
    return None


__all__ = ["MAIN_PAGES", "PUBLIC_API", "NeedsSample", "RegionContract"]


# ====================================================== web form against API ==

#: a probe that sends nothing for the field (no form input at all, no key in the API's object)
MISSING = type("Missing", (), {"__repr__": lambda self: "nothing"})()
#: a value no option has
NOT_AN_OPTION = "not-an-option"


def _verdict(accepted: bool) -> str:
    return "accepts" if accepted else "refuses"


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def disagreements(f, sample: Any) -> tuple[int, list[str]]:
    """Try ``f``'s web form field and API field on the same values (:func:`_probes`): how many values were tried,
    and each value one side accepts and the other refuses, in words."""
    try:
        probes = _probes(f, sample)
    except Exception as exc:  # noqa: BLE001  (a field the kit cannot read is a finding)
        return 0, [f"{f.code}: cannot list its bounds: {type(exc).__name__}: {exc}"]
    found = []
    for what, value in probes:
        web, api = _web_accepts(f, value), _api_accepts(f, value)
        if web != api:
            found.append(f"{f.code}: {what} {_shown(value)}: the web form {_verdict(web)} it, the API {_verdict(api)} it")
    return len(probes), found


def _web_accepts(f, value) -> bool:
    """Whether the web form takes ``value`` as sent (a table that drops a row refuses it)."""
    from werkzeug.datastructures import MultiDict
    from wtforms import fields as wf

    attr = field_attr(f.code)
    formdata = MultiDict() if value is MISSING else _formdata(_bound(f), value, attr)
    form = _single_field_form(f, formdata=formdata)
    try:
        ok = form.validate()
    except Exception:  # noqa: BLE001  (a crash on a value is a refusal the user sees as an error page)
        return False
    field = form._fields[attr]
    if ok and isinstance(field, wf.FieldList) and isinstance(value, list) and len(field.entries) != len(value):
        return False
    return ok


def _api_accepts(f, value) -> bool:
    from marshmallow import ValidationError

    data = {} if value is MISSING else {field_attr(f.code): _jsonish(value)}
    try:
        _single_field_schema(f).load(data)
    except ValidationError:
        return False
    return True


def _probes(f, sample) -> list[tuple[str, Any]]:
    """What to try on both sides of ``f``: (what it tries, value as the API takes it)."""
    from marshmallow import fields as mf

    web, api = _bound(f), api_field(f)
    probes: list[tuple[str, Any]] = [("nothing sent", MISSING), ("its sample", sample)]
    if not _is_box(web):  # a tick box has no empty answer: unticked is "no"
        probes.append(("an empty answer", None))
    if isinstance(api, mf.List) and isinstance(getattr(api, "inner", None), mf.Nested):
        rows = [dict(r) for r in sample] if isinstance(sample, list) and sample else []
        probes += _row_count_probes(web, api, rows)
        if rows:
            template = web.entries[0] if web.entries else web.append_entry()
            nested = api.inner.schema
            for sub in template.form:
                column = nested.fields.get(sub.short_name)
                if column is None:
                    continue
                empty = [] if _is_box(sub) else [("an empty cell", None)]
                for what, cell in [("nothing in the cell", MISSING), *empty, *_value_probes(sub, column)]:
                    table = [dict(r) for r in rows]
                    if cell is MISSING:
                        table[0].pop(sub.short_name, None)
                    else:
                        table[0][sub.short_name] = cell
                    probes.append((f"column {sub.short_name}: {what}", table))
        return probes
    return probes + _value_probes(web, api)


def _is_box(field) -> bool:
    from wtforms import fields as wf

    return isinstance(field, wf.BooleanField)


def _row_count_probes(web, api, rows: list[dict]) -> list[tuple[str, Any]]:
    """A table's number of rows just inside and just outside each bound either side states."""
    from marshmallow import validate as mv

    counts: set[int] = set()
    for low, high in [(web.min_entries, web.max_entries)] + [
            (v.equal, v.equal) if v.equal is not None else (v.min, v.max)
            for v in api.validators if isinstance(v, mv.Length)]:
        if low:
            counts |= {low - 1, low}
        if high is not None:
            counts |= {high, high + 1}
    if not rows:
        return [(f"{n} rows", []) for n in sorted(counts) if n == 0]
    out = []
    for n in sorted(c for c in counts if c >= 0):
        table = [dict(rows[i % len(rows)]) for i in range(n)]
        out.append((f"{n} rows", table))
    return out


def _value_probes(web, api) -> list[tuple[str, Any]]:
    """One input's bounds and options, as both sides state them, just inside and just outside."""
    from marshmallow import fields as mf
    from marshmallow import validate as mv
    from wtforms import fields as wf
    from wtforms import validators as wv

    out: list[tuple[str, Any]] = []
    if isinstance(web, wf.BooleanField) or isinstance(api, mf.Boolean):
        out += [("yes", True), ("no", False)]
    # options: each one either side offers, and one that is none
    options: list[Any] = []
    if isinstance(web, (wf.SelectField, wf.RadioField)):
        options += [value for value, *_ in web.iter_choices()]
    for v in api.validators:
        if isinstance(v, mv.OneOf):
            options += list(v.choices)
    if options:
        for option in dict.fromkeys(options):
            out.append(("the option" if option != "" else "the empty option", option))
        out.append(("a value no option has", NOT_AN_OPTION))
    # numbers: each minimum and maximum, and one step beyond
    integer = isinstance(web, wf.IntegerField) or isinstance(api, mf.Integer)
    number = integer or isinstance(web, (wf.DecimalField, wf.FloatField)) or isinstance(api, mf.Number)
    if number:
        step = 1 if integer else decimal.Decimal("0.01")
        bounds = [(v.min, v.max) for v in web.validators if isinstance(v, wv.NumberRange)]
        bounds += [(v.min, v.max) for v in api.validators if isinstance(v, mv.Range)]
        for low, high in bounds:
            if low is not None:
                out += [("the minimum", _num(low, 0, integer)), ("just under the minimum", _num(low, -step, integer))]
            if high is not None:
                out += [("the maximum", _num(high, 0, integer)), ("just over the maximum", _num(high, step, integer))]
    # text: each length bound, and one character beyond
    text = isinstance(web, wf.StringField) and isinstance(api, mf.String) and not options
    if text:
        out.append(("blanks only", "   "))
        lengths = [(v.min, v.max) for v in web.validators if isinstance(v, wv.Length)]
        lengths += [(v.min, v.max) for v in api.validators if isinstance(v, mv.Length)]
        for low, high in lengths:
            if low is not None and low > 0:
                out += [(f"{low} characters", "字" * low), (f"{low - 1} characters", "字" * (low - 1))]
            if high is not None and high >= 0:
                out += [(f"{high} characters", "字" * high), (f"{high + 1} characters", "字" * (high + 1))]
    return out


def _num(bound: Any, offset: Any, integer: bool) -> Any:
    if integer:
        return int(bound) + int(offset)
    return decimal.Decimal(str(bound)) + decimal.Decimal(offset)
