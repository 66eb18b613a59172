"""RegionRules: the one facade through which core reads policy.

Core never calls ``pm.hook.*``. It asks this facade, which

* resolves single-answer policy hooks itself, so it knows which plugin answered
  (provenance), after computing the national baseline for the same arguments;
* checks every answer's type and the limits national rules set (caps and quotas
  are ceilings; tiers contiguous), naming the plugin at fault;
* merges registries by code (see :mod:`core.plugins.merge`) and caches them.

Everything is validated when the app starts (:meth:`validate`), so a broken
plugin stops start-up instead of failing in front of a user.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter, defaultdict
from typing import Any, Iterator, Mapping

import pluggy

from core.plugins.applied import round_rules
from core.plugins.citations import UNSHIPPED, cited_documents, readable_cite, readable_message  # noqa: F401
from core.plugins.errors import PluginConflict, PolicyViolation
from core.plugins.hook_calls import call_impl as _call
from core.plugins.lifecycle import implementations
from core.plugins.manager import NATIONAL
from core.plugins.merge import merge_registry
from core.plugins.rules_checks import StartupChecks
from core.plugins.types import (
    AdminUnit,
    AverageGate,
    CityRecommendation,
    ConsultedDepartments,
    CorrectionPolicy,
    DayCount,
    Deadline,
    Document,
    EligibilityRule,
    EvaluationModes,
    EvaluatorBan,
    EvaluatorCap,
    EvaluatorRequirement,
    FilingFigures,
    FormField,
    GradingScheme,
    GreenCodeBands,
    IndicatorSet,
    Industry,
    IndustryChoices,
    JointRound,
    Level,
    ListLevel,
    NegativeListItem,
    NoticePeriod,
    Priority,
    Provision,
    Publication,
    PublicationProcedure,
    Quota,
    Record,
    Region,
    ReviewPanel,
    Sanction,
    SharedEvaluatorCap,
    SummaryLayout,
    UnitType,
)

_POLICY_TYPES: dict[str, type] = {
    "gm_policy_evaluator_cap": EvaluatorCap,
    "gm_policy_quota": Quota,
    "gm_policy_grading": GradingScheme,
    "gm_policy_notice_period": NoticePeriod,
    "gm_policy_publication": Publication,
    "gm_policy_evaluation_modes": EvaluationModes,
    "gm_policy_joint_round": JointRound,
    "gm_policy_correction": CorrectionPolicy,
    "gm_policy_consulted_departments": ConsultedDepartments,
    "gm_policy_city_recommendation": CityRecommendation,
    "gm_policy_green_code_bands": GreenCodeBands,
    "gm_policy_review_panel": ReviewPanel,
    "gm_policy_evaluator_ban": EvaluatorBan,
    "gm_policy_average_gate": AverageGate,
    "gm_policy_filing_figures": FilingFigures,
    "gm_policy_industries": IndustryChoices,
}




#: listing kind of each registry hook (``greenmfg rules``)
_KIND_HOOKS = (
    ("list_level", "gm_register_list_levels"),
    ("unit_type", "gm_register_unit_types"),
    ("admin_unit", "gm_register_admin_units"),
    ("industry", "gm_register_industries"),
    ("deadline", "gm_register_deadlines"),
    ("negative_list_item", "gm_register_negative_list_items"),
    ("eligibility_rule", "gm_register_eligibility_rules"),
    ("sanction", "gm_register_sanctions"),
    ("form_field", "gm_register_form_fields"),
    ("summary_layout", "gm_register_summary_layouts"),
    ("indicator_set", "gm_register_indicator_sets"),
    ("evaluator_requirement", "gm_register_evaluator_requirements"),
    ("provision", "gm_register_provisions"),
    ("shared_evaluator_cap", "gm_register_evaluator_caps"),
    ("priority", "gm_register_priorities"),
)


#: the notice period where a document requires a public notice but names no period (Hubei's provincial list,
#: 002 三(五)): the platform's default, unless the deployer sets one (``GREENMFG_NOTICE_PERIODS``)
DEFAULT_NOTICE_PERIOD = (5, DayCount.WORKING_DAYS)
DEFAULT_NOTICE_CITE = ("平台默认：文件要求公示但未规定公示期，公示期为5个工作日 / Platform default, as the document requires "
                       "a notice but names no period: 5 working days")
CONFIGURED_NOTICE_CITE = ("本平台部署设置：文件要求公示但未规定公示期，公示期由部署单位设定 / This instance's setting, as the "
                          "document requires a notice but names no period")


class RegionRules(StartupChecks):
    """Typed, validated, provenance-stamped access to the active region's rules (start-up checks:
    :class:`core.plugins.rules_checks.StartupChecks`)."""

    def __init__(self, pm: pluggy.PluginManager, *, settings: Mapping[str, Any] | None = None):
        """``settings``: the instance's configuration (the app's config, read when asked), for the values a
        deployer sets where the documents leave them open: ``GREENMFG_NOTICE_PERIODS`` (a notice period no
        document names) and ``GREENMFG_REVIEW_MIN_EXPERTS`` (the panel size of every round)."""
        self.pm = pm
        self.settings: Mapping[str, Any] = settings if settings is not None else {}
        self._policy_cache: dict[tuple, Any] = {}
        self._registries: dict[str, dict[str, Any]] = {}
        self.region = self._resolve_region()

    # ------------------------------------------------------------ identity --

    def _resolve_region(self) -> Region:
        answers = [
            (impl.plugin_name, _call(self.pm, "gm_region", impl, {}))
            for impl in implementations(self.pm, "gm_region")
        ]
        for name, r in answers:
            if not isinstance(r, Region):
                raise PolicyViolation(f"gm_region: plugin {name!r} did not return a Region")
        regions = [dataclasses.replace(r, source=name) for name, r in answers]
        #: every plugin's identity by plugin name (versions for listings)
        self.identities = {r.source: r for r in regions}
        others = [r for r in regions if r.source != NATIONAL]
        if len(others) > 1:
            raise PluginConflict(
                "gm_region: 只能启用一个地区插件 / more than one region plugin: "
                + ", ".join(r.source for r in others)
            )
        if others:
            region = others[0]
            if region.code != region.source:
                raise PolicyViolation(
                    f"gm_region: plugin {region.source!r} calls itself {region.code!r}; "
                    "the code must equal the entry-point name"
                )
            return region
        national = [r for r in regions if r.source == NATIONAL]
        if not national:
            raise PolicyViolation("gm_region: the national plugin did not answer")
        return national[0]

    @property
    def region_code(self) -> str:
        return self.region.code

    def plugin_names(self) -> list[str]:
        return [name for name, _ in self.pm.list_name_plugin()]

    # ---------------------------------------------------------- registries --

    def _registry(self, hook: str) -> dict[str, Any]:
        if hook not in self._registries:
            impls = implementations(self.pm, hook)
            # national first, then the others in registration order; merge.py
            # makes the result independent of that order except for replaces=.
            impls = sorted(impls, key=lambda i: i.plugin_name != NATIONAL)
            answers = [(impl.plugin_name, _call(self.pm, hook, impl, {})) for impl in impls]
            self._registries[hook] = merge_registry(hook, answers)
        return self._registries[hook]

    @property
    def list_levels(self) -> dict[str, ListLevel]:
        return self._registry("gm_register_list_levels")

    @property
    def unit_types(self) -> dict[str, UnitType]:
        return self._registry("gm_register_unit_types")

    @property
    def admin_units(self) -> dict[str, AdminUnit]:
        return self._registry("gm_register_admin_units")

    @property
    def industries(self) -> dict[str, Industry]:
        return self._registry("gm_register_industries")

    @property
    def deadlines(self) -> dict[str, Deadline]:
        return self._registry("gm_register_deadlines")

    @property
    def negative_list_items(self) -> dict[str, NegativeListItem]:
        return self._registry("gm_register_negative_list_items")

    @property
    def eligibility_rules(self) -> dict[str, EligibilityRule]:
        return self._registry("gm_register_eligibility_rules")

    @property
    def sanctions(self) -> dict[str, Sanction]:
        return self._registry("gm_register_sanctions")

    @property
    def form_fields(self) -> dict[str, FormField]:
        return self._registry("gm_register_form_fields")

    @property
    def summary_layouts(self) -> dict[str, SummaryLayout]:
        return self._registry("gm_register_summary_layouts")

    @property
    def indicator_sets(self) -> dict[str, IndicatorSet]:
        return self._registry("gm_register_indicator_sets")

    @property
    def evaluator_requirements(self) -> dict[str, EvaluatorRequirement]:
        return self._registry("gm_register_evaluator_requirements")

    @property
    def provisions(self) -> dict[str, Provision]:
        return self._registry("gm_register_provisions")

    @property
    def shared_evaluator_caps(self) -> dict[str, SharedEvaluatorCap]:
        return self._registry("gm_register_evaluator_caps")

    @property
    def priorities(self) -> dict[str, Priority]:
        return self._registry("gm_register_priorities")

    def priorities_for(self, unit_type: str, level: Level, year: int | None = None) -> list[Priority]:
        """The priorities (优先推荐) an application of ``unit_type`` at ``level`` in ``year`` may have."""
        return [p for p in self.priorities.values() if p.applies(unit_type, level, year)]

    def unit_types_for(self, level: Level) -> list[UnitType]:
        return [t for t in self.unit_types.values() if level in t.levels]

    def negative_list_for(self, unit_type: str, level: Level, year: int | None = None) -> list[NegativeListItem]:
        """The items an applicant of ``unit_type`` at ``level`` declares in the round of ``year`` (without a
        year: of any year); an item that applies sets aside the items it stands in for (``sets_aside``)."""
        applying = [i for i in self.negative_list_items.values() if i.applies(unit_type, level, year)]
        aside = {code for i in applying for code in i.sets_aside}
        return [i for i in applying if i.code not in aside]

    def eligibility_rules_for(self, unit_type: str, level: Level, year: int | None = None) -> list[EligibilityRule]:
        """The conditions an application of ``unit_type`` at ``level`` meets in the round of ``year`` (without
        a year: of any year)."""
        return [r for r in self.eligibility_rules.values() if r.applies(unit_type, level, year)]

    def form_fields_for(self, unit_type: str, level: Level) -> list[FormField]:
        return [f for f in self.form_fields.values() if f.applies(unit_type, level)]

    def deadline(self, code: str, year: int) -> tuple[dt.date | None, Deadline]:
        """The date of deadline ``code`` in ``year`` and the record it comes from."""
        try:
            record = self.deadlines[code]
        except KeyError:
            raise KeyError(f"no deadline {code!r} in region {self.region_code!r}") from None
        return record.for_year(year), record

    def deadlines_for(self, year: int) -> list[tuple[dt.date, Deadline]]:
        """Every deadline that falls in ``year``, by date."""
        dated = [(d.for_year(year), d) for d in self.deadlines.values()]
        return sorted(((day, d) for day, d in dated if day is not None), key=lambda x: (x[0], x[1].code))

    def round_industries(self, unit_type: str, year: int) -> dict[str, Industry]:
        """The registered industries an application of ``unit_type`` in the round of ``year`` may name: those
        its :meth:`industry_choices` offer (all registered ones when it names none)."""
        codes = self.industry_choices(unit_type, year).codes
        return {code: ind for code, ind in self.industries.items() if not codes or code in codes}

    def summary_layout_for(self, level: Level, year: int) -> tuple[SummaryLayout | None, int | None]:
        """The summary layout of the ``level`` round of ``year`` and the year it was published for when the
        round reuses another year's (``None`` when it is the round's own): the layout published for ``year``,
        else the newest earlier one, else the earliest later one; ``(None, None)``: core's default layout."""
        level = Level(level)
        usable = [lay for lay in self.summary_layouts.values()
                  if lay.applies(level=level) and any(s.columns for s in lay.sections)]
        exact = [lay for lay in usable if year in lay.years] or [lay for lay in usable if not lay.years]
        if exact:
            return exact[0], None
        earlier = [lay for lay in usable if max(lay.years) < year]
        if earlier:
            chosen = max(earlier, key=lambda lay: max(lay.years))
            return chosen, max(chosen.years)
        if usable:
            chosen = min(usable, key=lambda lay: min(lay.years))
            return chosen, min(chosen.years)
        return None, None

    def indicator_set(self, unit_type: str, year: int) -> IndicatorSet | None:
        """The indicator table in force for ``unit_type`` in ``year`` (the newest that applies)."""
        sets = [s for s in self.indicator_sets.values() if s.applies(unit_type, year=year)]
        return max(sets, key=lambda s: (s.year_from, s.source != NATIONAL), default=None)

    # ------------------------------------------------------------ policies --

    def _policy(self, hook: str, **kwargs: Any) -> Any:
        key = (hook, tuple(sorted(kwargs.items())))
        if key in self._policy_cache:
            return self._policy_cache[key]
        expected = _POLICY_TYPES[hook]
        impls = list(reversed(implementations(self.pm, hook)))  # wrappers are refused at start-up
        national_impls = [i for i in impls if i.plugin_name == NATIONAL]
        baseline = None
        if national_impls:
            baseline = self._checked(hook, expected, national_impls[0], {**kwargs, "national": None})
        result = None
        for impl in impls:
            if impl.plugin_name == NATIONAL:
                result = baseline
            else:
                result = self._checked(hook, expected, impl, {**kwargs, "national": baseline})
            if result is not None:
                break
        if result is not None and baseline is not None and result.source != NATIONAL:
            self._check_ceiling(hook, result, baseline, kwargs)
        self._policy_cache[key] = result
        return result

    def policy_without(self, hook: str, plugin: str, **kwargs: Any) -> Any:
        """The answer ``hook`` gives for ``kwargs`` with ``plugin``'s own answer left out: the next plugin's, else
        national's. What a round applies where its notice sets aside the condition that plugin's answer carries
        out (``EvaluationModes.condition``, ``CityRecommendation.condition``; issue 53)."""
        expected = _POLICY_TYPES[hook]
        impls = list(reversed(implementations(self.pm, hook)))
        national_impls = [i for i in impls if i.plugin_name == NATIONAL]
        baseline = None
        if national_impls:
            baseline = self._checked(hook, expected, national_impls[0], {**kwargs, "national": None})
        for impl in impls:
            if impl.plugin_name == plugin:
                continue
            result = baseline if impl.plugin_name == NATIONAL else self._checked(
                hook, expected, impl, {**kwargs, "national": baseline})
            if result is not None:
                return result
        return None

    def _checked(self, hook: str, expected: type, impl: pluggy.HookImpl, kwargs: dict[str, Any]) -> Any:
        value = _call(self.pm, hook, impl, kwargs)
        if value is None:
            return None
        if not isinstance(value, expected):
            raise PolicyViolation(
                f"{hook}: plugin {impl.plugin_name!r} returned {type(value).__name__}, expected {expected.__name__}"
            )
        return dataclasses.replace(value, source=impl.plugin_name)

    @staticmethod
    def _check_ceiling(hook: str, result: Any, baseline: Any, kwargs: dict[str, Any]) -> None:
        if isinstance(result, EvaluatorCap) and not baseline.unlimited:
            if result.unlimited or result.limit > baseline.limit or result.basis != baseline.basis:
                raise PolicyViolation(
                    f"{hook}: plugin {result.source!r} sets cap {result.limit} per {result.basis}, "
                    f"above the national {baseline.limit} per {baseline.basis}"
                )
            unit_type, level = kwargs["unit_type"], kwargs["level"]
            if baseline.covers(unit_type, level) and not result.covers(unit_type, level):
                # a cap for other unit types or levels than asked would leave these projects with no cap at all
                raise PolicyViolation(
                    f"{hook}: plugin {result.source!r} answers for {unit_type} at {level} with a cap of "
                    f"{result.limit} covering only {list(result.unit_types)} at {list(map(str, result.levels))}, "
                    f"which leaves {unit_type} at {level} without the national cap of {baseline.limit} per "
                    f"{baseline.basis}; return a cap covering them, or None"
                )
        if isinstance(result, Quota) and not baseline.unlimited:
            if result.unlimited or result.limit > baseline.limit:
                raise PolicyViolation(
                    f"{hook}: plugin {result.source!r} sets quota {result.limit}, above national {baseline.limit}"
                )

    def evaluator_cap(self, unit_type: str, level: Level) -> EvaluatorCap:
        return self._policy("gm_policy_evaluator_cap", unit_type=unit_type, level=Level(level))

    def evaluator_caps(self, unit_type: str, level: Level) -> list[EvaluatorCap]:
        """Every cap a project of ``unit_type`` at ``level`` counts against: the level's cap
        (:meth:`evaluator_cap`) where it is limited and covers the project, and each shared cap
        (:attr:`shared_evaluator_caps`) covering it. Caps counting the same levels per the same basis
        count the same projects (start-up refuses them otherwise): only the tightest is kept."""
        level = Level(level)
        found: dict[tuple, EvaluatorCap] = {}
        own = self.evaluator_cap(unit_type, level)
        candidates = [own] if own.covers(unit_type, level) else []
        candidates += [c for c in self.shared_evaluator_caps.values() if c.covers(unit_type, level)]
        for cap in candidates:
            key = (str(cap.basis), tuple(sorted(str(x) for x in cap.levels)))
            if key not in found or cap.limit < found[key].limit:
                found[key] = cap
        return sorted(found.values(), key=lambda c: (str(c.basis), sorted(str(x) for x in c.levels)))

    def quota(self, admin_unit: str, unit_type: str, year: int) -> Quota:
        return self._policy("gm_policy_quota", admin_unit=admin_unit, unit_type=unit_type, year=year)

    def national_quota(self, admin_unit: str, unit_type: str, year: int) -> Quota | None:
        """The national rules' quota for the same arguments: the ceiling a region's quota, and a round's notice,
        stays under (:meth:`_check_ceiling`); None where the national plugin gives none."""
        impls = [i for i in implementations(self.pm, "gm_policy_quota") if i.plugin_name == NATIONAL]
        if not impls:
            return None
        return self._checked("gm_policy_quota", Quota, impls[0],
                             {"admin_unit": admin_unit, "unit_type": unit_type, "year": year, "national": None})

    def grading(self, unit_type: str, level: Level) -> GradingScheme:
        return self._policy("gm_policy_grading", unit_type=unit_type, level=Level(level))

    def notice_period(self, level: Level) -> NoticePeriod | None:
        """The notice period a plugin gives for ``level`` (a document's); ``None`` where none does."""
        return self._policy("gm_policy_notice_period", level=Level(level))

    def applied_notice_period(self, level: Level, year: int) -> NoticePeriod | None:
        """The notice period the ``level`` list of ``year`` is published after: a plugin's (the document's),
        else, where the list is published after a notice whose period no document names, the deployer's
        setting (source ``config``) or the platform's default of 5 working days (source ``core``), each
        labelled so; ``None`` for a list published by decision with no period of its own."""
        level = Level(level)
        period = self.notice_period(level)
        if period is not None or str(level) not in self.list_levels:
            return period
        if self.publication(level, year).procedure != PublicationProcedure.NOTICE:
            return None
        configured = (self.settings.get("GREENMFG_NOTICE_PERIODS") or {}).get(str(level))
        if configured:
            days, count = configured
            return NoticePeriod(days=int(days), count=DayCount(count), cite=CONFIGURED_NOTICE_CITE, source="config")
        days, count = DEFAULT_NOTICE_PERIOD
        return NoticePeriod(days=days, count=count, cite=DEFAULT_NOTICE_CITE, source="core")

    def evaluation_modes(self, unit_type: str, level: Level, year: int) -> EvaluationModes:
        return self._policy("gm_policy_evaluation_modes", unit_type=unit_type, level=Level(level), year=year)

    def publication(self, level: Level, year: int) -> Publication:
        """How the ``level`` list of ``year`` is published and by whom (notice or decision)."""
        return self._policy("gm_policy_publication", level=Level(level), year=year)

    def joint_round(self, level: Level, year: int, unit_type: str) -> JointRound:
        """The levels an application of the ``level`` round of ``year`` may ask for together."""
        return self._policy("gm_policy_joint_round", level=Level(level), year=year, unit_type=unit_type)

    def correction(self, level: Level, year: int, unit_type: str) -> CorrectionPolicy:
        """What a return for correction may change in the ``level`` round of ``year`` (submission lock)."""
        return self._policy("gm_policy_correction", level=Level(level), year=year, unit_type=unit_type)

    def consulted_departments(self, level: Level, year: int) -> ConsultedDepartments:
        """The departments offered when staff record whom they consulted before recommending to ``level``."""
        return self._policy("gm_policy_consulted_departments", level=Level(level), year=year)

    def city_recommendation(self, level: Level, year: int) -> CityRecommendation:
        """What a city gives with its recommendation to ``level`` in ``year``: its opinion, its file."""
        return self._policy("gm_policy_city_recommendation", level=Level(level), year=year)

    def green_code_bands(self, year: int) -> GreenCodeBands:
        """The 企业绿码 bands of the national units scored for ``year``."""
        return self._policy("gm_policy_green_code_bands", year=year)

    def review_panel(self, level: Level, year: int, unit_type: str) -> ReviewPanel:
        """The expert panel grading an application of the ``level`` round of ``year``."""
        return self._policy("gm_policy_review_panel", level=Level(level), year=year, unit_type=unit_type)

    def applied_review_panel(self, level: Level, year: int, unit_type: str) -> ReviewPanel:
        """The panel an application of the ``level`` round of ``year`` is graded by: the region's rule
        (:meth:`review_panel`), unless the instance sets ``GREENMFG_REVIEW_MIN_EXPERTS`` for every round,
        then that setting, labelled this instance's setting (source ``instance``)."""
        configured = self.settings.get("GREENMFG_REVIEW_MIN_EXPERTS")
        if configured is not None:
            return ReviewPanel(min_experts=int(configured), source="instance", platform_default=True,
                               cite="本平台实例的设置 / this instance's setting")
        return self.review_panel(level, year, unit_type)

    def evaluator_ban(self) -> EvaluatorBan:
        """The ban on a third-party evaluator found to have falsified (years its reports are not accepted)."""
        return self._policy("gm_policy_evaluator_ban")

    def average_gate(self, year: int, unit_type: str) -> AverageGate:
        """The "not below the region's average of existing national units" gate of the ``year`` round."""
        return self._policy("gm_policy_average_gate", year=year, unit_type=unit_type)

    def filing_figures(self, year: int, unit_type: str) -> FilingFigures:
        """The key figures a listed unit of ``unit_type`` reports in its annual filing of ``year``."""
        return self._policy("gm_policy_filing_figures", year=year, unit_type=unit_type)

    def industry_choices(self, unit_type: str, year: int) -> IndustryChoices:
        """The industries an application of ``unit_type`` in the round of ``year`` may name (issue 17)."""
        answer = self._policy("gm_policy_industries", unit_type=unit_type, year=year)
        return answer if answer is not None else IndustryChoices(source="core")


    def answered_by(self, year: int) -> dict[str, dict[str, int]]:
        """For each hook, how many effective answers each plugin supplied (``greenmfg plugins``)."""
        hooks = {kind: hook for kind, hook in _KIND_HOOKS}
        hooks.update({"evaluator_cap": "gm_policy_evaluator_cap", "grading": "gm_policy_grading",
                      "evaluation_modes": "gm_policy_evaluation_modes", "quota": "gm_policy_quota",
                      "joint_round": "gm_policy_joint_round",
                      "correction": "gm_policy_correction", "publication": "gm_policy_publication",
                      "notice_period": "gm_policy_notice_period", "region": "gm_region"})
        hooks.update({"consulted_departments": "gm_policy_consulted_departments",
                      "city_recommendation": "gm_policy_city_recommendation",
                      "green_code_bands": "gm_policy_green_code_bands", "review_panel": "gm_policy_review_panel",
                      "evaluator_ban": "gm_policy_evaluator_ban", "average_gate": "gm_policy_average_gate",
                      "filing_figures": "gm_policy_filing_figures"})
        out: dict[str, Counter] = defaultdict(Counter)
        for kind, _, record in self.effective_rules(year):
            out[hooks[kind]][record.source] += 1
        return {hook: dict(counts) for hook, counts in sorted(out.items())}

    def effective_rules(self, year: int) -> Iterator[tuple[str, str, Record]]:
        """Yield ``(kind, key, record)`` for every rule a round of ``year`` applies: the one resolver
        (:func:`core.plugins.applied.round_rules`) behind the listing and the services' lookups."""
        yield from round_rules(self, year)

    # ----------------------------------------------------------- documents --

    @property
    def documents(self) -> dict[str, "Document"]:
        """Every document the active plugins' rules cite, by code (:func:`hookspecs.gm_register_documents`).

        The same document may come from several plugins (national registers the provincial documents its
        rules restate); two different records under one code stop start-up."""
        if "gm_register_documents" not in self._registries:
            impls = sorted(implementations(self.pm, "gm_register_documents"), key=lambda i: i.plugin_name != NATIONAL)
            merged: dict[str, Document] = {}
            for impl in impls:
                for rec in _call(self.pm, "gm_register_documents", impl, {}) or ():
                    if not isinstance(rec, Document):
                        raise PluginConflict(f"gm_register_documents: plugin {impl.plugin_name!r} returned "
                                             f"{type(rec).__name__}, not Document")
                    rec = dataclasses.replace(rec, source=impl.plugin_name)
                    other = merged.get(rec.code)
                    if other is not None and (dataclasses.replace(other, source="") != dataclasses.replace(rec, source="")
                                              or dict(other.seed_parts) != dict(rec.seed_parts)):
                        raise PluginConflict(f"gm_register_documents: plugins {other.source!r} and {impl.plugin_name!r} "
                                             f"describe document {rec.code!r} differently")
                    merged.setdefault(rec.code, rec)
            self._registries["gm_register_documents"] = dict(sorted(merged.items()))
        return self._registries["gm_register_documents"]

    def cited_documents(self, cite: str | None) -> list["Document"]:
        """The documents ``cite`` names (by their seed file or their number), in order of appearance."""
        return cited_documents(cite, self.documents.values())

    def readable(self, cite: str | None) -> str:
        """``cite`` as people read it: ``《title》（number）article`` (:func:`readable_cite`)."""
        return readable_cite(cite, self.documents.values())
