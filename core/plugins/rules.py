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
import logging
from collections import Counter, defaultdict
from typing import Any, Iterator

import pluggy

from core.plugins import hookspecs
from core.plugins.errors import PluginConflict, PolicyViolation
from core.plugins.manager import NATIONAL
from core.plugins.merge import merge_registry
from core.plugins.types import (
    AdminUnit,
    CorrectionPolicy,
    Deadline,
    EligibilityRule,
    EvaluationMode,
    EvaluationModes,
    EvaluatorCap,
    EvaluatorRequirement,
    FormField,
    GradingScheme,
    IndicatorSet,
    Industry,
    JointRound,
    Level,
    ListLevel,
    NegativeListItem,
    NoticePeriod,
    Provision,
    Publication,
    PublicationProcedure,
    Quota,
    Record,
    Region,
    Sanction,
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
}


log = logging.getLogger("greenmfg.hooks")


def _call(impl: pluggy.HookImpl, kwargs: dict[str, Any]) -> Any:
    """Call one implementation; with ``GREENMFG_TRACE_HOOKS`` set, log the call and its answer."""
    result = impl.function(*[kwargs[name] for name in impl.argnames])
    if log.isEnabledFor(logging.DEBUG):
        args = ", ".join(f"{k}={v!r}" for k, v in kwargs.items() if k in impl.argnames)
        log.debug("%s [%s](%s) -> %s", impl.function.__name__, impl.plugin_name, args,
                  "None" if result is None else type(result).__name__)
    return result


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
)


class RegionRules:
    """Typed, validated, provenance-stamped access to the active region's rules."""

    def __init__(self, pm: pluggy.PluginManager):
        self.pm = pm
        self._policy_cache: dict[tuple, Any] = {}
        self._registries: dict[str, dict[str, Any]] = {}
        self.region = self._resolve_region()

    # ------------------------------------------------------------ identity --

    def _resolve_region(self) -> Region:
        answers = [
            (impl.plugin_name, _call(impl, {}))
            for impl in self.pm.hook.gm_region.get_hookimpls()
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
            impls = getattr(self.pm.hook, hook).get_hookimpls()
            # national first, then the others in registration order; merge.py
            # makes the result independent of that order except for replaces=.
            impls = sorted(impls, key=lambda i: i.plugin_name != NATIONAL)
            answers = [(impl.plugin_name, _call(impl, {})) for impl in impls]
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

    def unit_types_for(self, level: Level) -> list[UnitType]:
        return [t for t in self.unit_types.values() if level in t.levels]

    def negative_list_for(self, unit_type: str, level: Level) -> list[NegativeListItem]:
        return [
            i
            for i in self.negative_list_items.values()
            if (not i.unit_types or unit_type in i.unit_types) and (not i.levels or level in i.levels)
        ]

    def eligibility_rules_for(self, unit_type: str, level: Level) -> list[EligibilityRule]:
        return [
            r
            for r in self.eligibility_rules.values()
            if (not r.unit_types or unit_type in r.unit_types) and (not r.levels or level in r.levels)
        ]

    def form_fields_for(self, unit_type: str, level: Level) -> list[FormField]:
        return [
            f
            for f in self.form_fields.values()
            if (not f.unit_types or unit_type in f.unit_types) and (not f.levels or level in f.levels)
        ]

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

    def indicator_set(self, unit_type: str, year: int) -> IndicatorSet | None:
        """The indicator table in force for ``unit_type`` in ``year`` (the newest that applies)."""
        sets = [s for s in self.indicator_sets.values() if s.applies_to(unit_type, year)]
        return max(sets, key=lambda s: (s.year_from, s.source != NATIONAL), default=None)

    # ------------------------------------------------------------ policies --

    def _policy(self, hook: str, **kwargs: Any) -> Any:
        key = (hook, tuple(sorted(kwargs.items())))
        if key in self._policy_cache:
            return self._policy_cache[key]
        expected = _POLICY_TYPES[hook]
        impls = [
            i for i in reversed(getattr(self.pm.hook, hook).get_hookimpls()) if not (i.hookwrapper or i.wrapper)
        ]
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
            self._check_ceiling(hook, result, baseline)
        self._policy_cache[key] = result
        return result

    @staticmethod
    def _checked(hook: str, expected: type, impl: pluggy.HookImpl, kwargs: dict[str, Any]) -> Any:
        value = _call(impl, kwargs)
        if value is None:
            return None
        if not isinstance(value, expected):
            raise PolicyViolation(
                f"{hook}: plugin {impl.plugin_name!r} returned {type(value).__name__}, expected {expected.__name__}"
            )
        return dataclasses.replace(value, source=impl.plugin_name)

    @staticmethod
    def _check_ceiling(hook: str, result: Any, baseline: Any) -> None:
        if isinstance(result, EvaluatorCap) and not baseline.unlimited:
            if result.unlimited or result.limit > baseline.limit or result.basis != baseline.basis:
                raise PolicyViolation(
                    f"{hook}: plugin {result.source!r} sets cap {result.limit} per {result.basis}, "
                    f"above the national {baseline.limit} per {baseline.basis}"
                )
        if isinstance(result, Quota) and not baseline.unlimited:
            if result.unlimited or result.limit > baseline.limit:
                raise PolicyViolation(
                    f"{hook}: plugin {result.source!r} sets quota {result.limit}, above national {baseline.limit}"
                )

    def evaluator_cap(self, unit_type: str, level: Level) -> EvaluatorCap:
        return self._policy("gm_policy_evaluator_cap", unit_type=unit_type, level=Level(level))

    def quota(self, admin_unit: str, unit_type: str, year: int) -> Quota:
        return self._policy("gm_policy_quota", admin_unit=admin_unit, unit_type=unit_type, year=year)

    def grading(self, unit_type: str, level: Level) -> GradingScheme:
        return self._policy("gm_policy_grading", unit_type=unit_type, level=Level(level))

    def notice_period(self, level: Level) -> NoticePeriod | None:
        return self._policy("gm_policy_notice_period", level=Level(level))

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

    # ---------------------------------------------------------- validation --

    def validate(self, year: int) -> None:
        """Resolve every registry and policy once; raise on the first problem."""
        for hook in hookspecs.REGISTRY_HOOKS:
            self._registry(hook)
        for ut in self.unit_types:
            for level in Level:
                self.evaluator_cap(ut, level)
                self._check_grading(ut, level)
                modes = self.evaluation_modes(ut, level, year)
                if not modes.allowed or (
                    modes.third_party_required and EvaluationMode.THIRD_PARTY not in modes.allowed
                ):
                    raise PolicyViolation(
                        f"gm_policy_evaluation_modes: plugin {modes.source!r} gives no usable mode for {ut}/{level}"
                    )
            for unit in self.admin_units:
                self.quota(unit, ut, year)
        for level in Level:
            period = self.notice_period(level)
            if period is not None and period.days <= 0:
                raise PolicyViolation(f"gm_policy_notice_period: plugin {period.source!r} gives {period.days} days")
        for level in {lv for t in self.unit_types.values() for lv in t.levels}:
            self._check_publication(level, year)
        for ut in self.unit_types:
            for level in Level:
                self._check_joint_round(level, year, ut)
                self._check_correction(level, year, ut)
        for d in self.deadlines.values():
            if d.month_day is None and not d.rounds:
                raise PolicyViolation(f"deadline {d.code!r} from {d.source!r} has neither month_day nor rounds")
        for s in self.indicator_sets.values():
            if abs(s.total_weight - 100) > 1e-9:
                raise PolicyViolation(
                    f"indicator set {s.code!r} from {s.source!r} weighs {s.total_weight}, not 100"
                )

    def _check_publication(self, level: Level, year: int) -> None:
        publication = self.publication(level, year)
        if publication is None:
            raise PolicyViolation(f"gm_policy_publication: no plugin answers for the {level} list of {year}")
        if publication.procedure not in set(PublicationProcedure):
            raise PolicyViolation(f"gm_policy_publication: plugin {publication.source!r}: unknown procedure "
                                  f"{publication.procedure!r}")
        if publication.publisher not in ("city", "province", "ministry"):
            raise PolicyViolation(f"gm_policy_publication: plugin {publication.source!r}: unknown publisher "
                                  f"{publication.publisher!r}")

    def _check_joint_round(self, level: Level, year: int, unit_type: str) -> None:
        joint = self.joint_round(level, year, unit_type)
        if joint is None:
            raise PolicyViolation(f"gm_policy_joint_round: no plugin answers for {unit_type}/{level}/{year}")
        problem = None
        if level not in joint.levels:
            problem = f"the levels {list(map(str, joint.levels))} lack the round's own level {level}"
        elif not set(joint.levels) <= set(self.list_levels):
            problem = f"unknown levels in {list(map(str, joint.levels))}"
        elif joint.provincial_satisfies_national and not {Level.NATIONAL, Level.PROVINCIAL} <= set(joint.levels):
            problem = "provincial_satisfies_national needs both national and provincial levels"
        if problem:
            raise PolicyViolation(f"gm_policy_joint_round: plugin {joint.source!r}: {problem}")

    def _check_correction(self, level: Level, year: int, unit_type: str) -> None:
        policy = self.correction(level, year, unit_type)
        if policy is None:
            raise PolicyViolation(f"gm_policy_correction: no plugin answers for {unit_type}/{level}/{year}")
        problem = None
        if policy.scope not in (CorrectionPolicy.NOTHING, CorrectionPolicy.FIELDS, CorrectionPolicy.EVERYTHING):
            problem = f"unknown scope {policy.scope!r}"
        elif policy.scope == CorrectionPolicy.FIELDS and not policy.fields:
            problem = "scope 'fields' names no field"
        elif not 1 <= policy.max_days <= 366:
            problem = f"a correction period of {policy.max_days} days"
        if problem:
            raise PolicyViolation(f"gm_policy_correction: plugin {policy.source!r}: {problem}")

    def _check_grading(self, unit_type: str, level: Level) -> None:
        scheme = self.grading(unit_type, level)
        tiers = sorted(scheme.tiers, key=lambda t: t.min_score)
        if not tiers:
            return
        problem = None
        if tiers[0].min_score != 0:
            problem = "the lowest tier must start at 0"
        for low, high in zip(tiers, tiers[1:]):
            if low.max_score != high.min_score:
                problem = f"tiers {low.code} and {high.code} are not contiguous"
        if tiers[-1].max_score is not None:
            problem = "the top tier must be open-ended"
        if problem:
            raise PolicyViolation(f"gm_policy_grading: plugin {scheme.source!r}: {problem}")

    # ------------------------------------------------------- introspection --

    def answered_by(self, year: int) -> dict[str, dict[str, int]]:
        """For each hook, how many effective answers each plugin supplied (``greenmfg plugins``)."""
        hooks = {kind: hook for kind, hook in _KIND_HOOKS}
        hooks.update({"evaluator_cap": "gm_policy_evaluator_cap", "grading": "gm_policy_grading",
                      "evaluation_modes": "gm_policy_evaluation_modes", "quota": "gm_policy_quota",
                      "joint_round": "gm_policy_joint_round",
                      "correction": "gm_policy_correction", "publication": "gm_policy_publication",
                      "notice_period": "gm_policy_notice_period", "region": "gm_region"})
        out: dict[str, Counter] = defaultdict(Counter)
        for kind, _, record in self.effective_rules(year):
            out[hooks[kind]][record.source] += 1
        return {hook: dict(counts) for hook, counts in sorted(out.items())}

    def effective_rules(self, year: int) -> Iterator[tuple[str, str, Record]]:
        """Yield ``(kind, key, record)`` for every effective rule, for listings."""
        yield "region", self.region.code, self.region
        for kind, hook in _KIND_HOOKS:
            for code, rec in self._registry(hook).items():
                yield kind, code, rec
        for ut in self.unit_types:
            for level in Level:
                yield "evaluator_cap", f"{ut}/{level}", self.evaluator_cap(ut, level)
                yield "grading", f"{ut}/{level}", self.grading(ut, level)
                yield "evaluation_modes", f"{ut}/{level}/{year}", self.evaluation_modes(ut, level, year)
                yield "joint_round", f"{ut}/{level}/{year}", self.joint_round(level, year, ut)
                yield "correction", f"{ut}/{level}/{year}", self.correction(level, year, ut)
            for unit in self.admin_units:
                yield "quota", f"{unit}/{ut}/{year}", self.quota(unit, ut, year)
        for level in Level:
            period = self.notice_period(level)
            if period is not None:
                yield "notice_period", str(level), period
            yield "publication", f"{level}/{year}", self.publication(level, year)
