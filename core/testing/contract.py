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

import importlib
from pathlib import Path
from typing import Any, ClassVar

import pytest

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
    year_text,
)
from core.testing.form_api_agreement import MISSING, NOT_AN_OPTION, disagreements  # noqa: F401
from core.testing.form_checks import FormChecks
from core.testing.form_samples import NeedsSample, _bound, _formdata, _guess, _jsonish  # noqa: F401
from core.testing.plugin_imports import PUBLIC_API, _forbidden, _imports  # noqa: F401

#: who may have to act by a deadline (:class:`~core.plugins.types.Deadline` ``actor``)
DEADLINE_ACTORS = ("applicant", "city", "province", "ministry", "listed_unit")
#: the main pages every instance serves
MAIN_PAGES = ("/", "/rules", "/public/lists", "/notices", "/api/v1/rules", "/api/openapi.json")


class RegionContract(FormChecks):
    """Base class of a region plugin's contract test. Set :attr:`region`; adjust the flags. The checks of the
    region's form fields come from :class:`core.testing.form_checks.FormChecks`."""

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


__all__ = ["MAIN_PAGES", "PUBLIC_API", "NeedsSample", "RegionContract"]
