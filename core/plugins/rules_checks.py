"""The checks :class:`core.plugins.rules.RegionRules` runs when the app starts (:meth:`StartupChecks.validate`):
every registry and policy resolved once for the round's year, and each answer usable (caps, grading tiers,
evaluation modes, publication, joint rounds, corrections, the rules core once fixed, deadlines, indicator
weights), so a broken plugin stops start-up instead of failing in front of a user."""
from __future__ import annotations

from typing import Any

from core.plugins import hookspecs
from core.plugins.errors import PolicyViolation
from core.plugins.hook_calls import call_impl as _call
from core.plugins.lifecycle import implementations
from core.plugins.manager import NATIONAL
from core.plugins.types import CapBasis, CorrectionPolicy, EvaluationMode, Level, PublicationProcedure, ReportStage


class StartupChecks:
    """Start-up validation of :class:`core.plugins.rules.RegionRules` (its base class): the methods below read the
    rules through the facade's own registries and policies."""

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
                if modes.report_stage not in set(ReportStage) or (
                    modes.on_site_visit and EvaluationMode.THIRD_PARTY not in modes.allowed
                ):
                    raise PolicyViolation(
                        f"gm_policy_evaluation_modes: plugin {modes.source!r}: report stage {modes.report_stage!r} "
                        f"or an on-site visit without a third party for {ut}/{level}"
                    )
            for unit in self.admin_units:
                self.quota(unit, ut, year)
        self._check_shared_caps()
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
        for item in self.negative_list_items.values():
            unknown = set(item.sets_aside) - set(self.negative_list_items)
            if unknown:
                raise PolicyViolation(f"negative-list item {item.code!r} from {item.source!r} sets aside unknown "
                                      f"items {sorted(unknown)}")
        self._check_core_rules(year)
        for d in self.deadlines.values():
            problem = d.problem()
            if problem:
                raise PolicyViolation(f"deadline {d.code!r} from {d.source!r}: {problem}")
        for s in self.indicator_sets.values():
            if abs(s.total_weight - 100) > 1e-9:
                raise PolicyViolation(
                    f"indicator set {s.code!r} from {s.source!r} weighs {s.total_weight}, not 100"
                )

    def _check_shared_caps(self) -> None:
        """Shared caps: a whole limit above 0 per a known basis, known levels and unit types; one that
        replaces a national cap is not looser; no two caps (shared or per level) count different
        projects under one counter."""
        hook = "gm_register_evaluator_caps"
        national_impls = [i for i in implementations(self.pm, hook) if i.plugin_name == NATIONAL]
        national = {r.code: r for r in (_call(self.pm, hook, national_impls[0], {}) or ())} if national_impls else {}
        for cap in self.shared_evaluator_caps.values():
            problem = None
            if isinstance(cap.limit, bool) or not isinstance(cap.limit, int) or cap.limit < 1:
                problem = f"limit {cap.limit!r} is not a whole number above 0"
            elif cap.basis not in set(CapBasis):
                problem = f"unknown basis {cap.basis!r}"
            elif not cap.levels or not {str(x) for x in cap.levels} <= set(self.list_levels):
                problem = f"levels {list(map(str, cap.levels))} are empty or unknown"
            elif not cap.unit_types or not set(cap.unit_types) <= set(self.unit_types):
                problem = f"unit types {list(cap.unit_types)} are empty or unknown"
            elif cap.replaced == NATIONAL and cap.code in national:
                base = national[cap.code]
                if (cap.limit > base.limit or cap.basis != base.basis or not set(base.levels) <= set(cap.levels)
                        or not set(base.unit_types) <= set(cap.unit_types)):
                    problem = (f"replaces national's {base.limit} per {base.basis} with a looser cap "
                               f"({cap.limit} per {cap.basis}, levels {list(map(str, cap.levels))})")
            if problem:
                raise PolicyViolation(f"gm_register_evaluator_caps: plugin {cap.source!r}: {cap.code!r}: {problem}")
        counters: dict[tuple, tuple[str, frozenset]] = {}
        for ut in self.unit_types:
            for level in Level:
                own = self.evaluator_cap(ut, level)
                caps = [c for c in self.shared_evaluator_caps.values() if c.covers(ut, level)]
                if own.covers(ut, level):
                    caps.append(own)
                for cap in caps:
                    key = (str(cap.basis), tuple(sorted(str(x) for x in cap.levels)))
                    seen = counters.setdefault(key, (cap.source, frozenset(cap.unit_types)))
                    if seen[1] != frozenset(cap.unit_types):
                        raise PolicyViolation(
                            f"gm_register_evaluator_caps: caps of {seen[0]!r} and {cap.source!r} count the levels "
                            f"{list(key[1])} per {key[0]} for different unit types; one counter cannot hold both")

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
        elif joint.higher_listing not in ("warn", "refuse"):
            problem = f"higher_listing must be 'warn' or 'refuse', not {joint.higher_listing!r}"
        elif joint.higher_listing == "refuse" and not joint.higher_listing_cite:
            problem = "higher_listing 'refuse' names no document (higher_listing_cite)"
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

    def _check_core_rules(self, year: int) -> None:
        """The rules core once hard-coded (issue 17): every one answered, and usable."""
        answers: list[tuple[str, Any, str | None]] = []
        for level in Level:
            city = self.city_recommendation(level, year)
            answers.append(("gm_policy_city_recommendation", city, None if city is None or (
                1 <= city.opinion_min <= city.opinion_max) else "opinion lengths out of order"))
            depts = self.consulted_departments(level, year)
            answers.append(("gm_policy_consulted_departments", depts, None if depts is None or (
                depts.departments or depts.others_allowed) and len(set(depts.codes)) == len(depts.codes)
                else "no department, or one code twice"))
            for ut in self.unit_types:
                panel = self.review_panel(level, year, ut)
                answers.append(("gm_policy_review_panel", panel, None if panel is None or (
                    isinstance(panel.min_experts, int) and panel.min_experts >= 1)
                    else f"a panel of {panel.min_experts!r} experts"))
        bands = self.green_code_bands(year)
        answers.append(("gm_policy_green_code_bands", bands, None if bands is None or (
            bands.bands and bands.bands[-1][1] == 1.0
            and all(0 < a[1] < b[1] for a, b in zip(bands.bands, bands.bands[1:])))
            else "shares must rise from above 0 to 1.0"))
        ban = self.evaluator_ban()
        answers.append(("gm_policy_evaluator_ban", ban, None if ban is None or (
            isinstance(ban.years, int) and ban.years >= 1) else f"a ban of {ban.years!r} years"))
        for ut in self.unit_types:
            answers.append(("gm_policy_average_gate", self.average_gate(year, ut), None))
            figures = self.filing_figures(year, ut)
            keys = [f.key for f in figures.figures] if figures is not None else []
            answers.append(("gm_policy_filing_figures", figures, None if len(set(keys)) == len(keys)
                            and "remarks" not in keys else "a key twice, or the reserved key 'remarks'"))
        for hook, answer, problem in answers:
            if answer is None:
                raise PolicyViolation(f"{hook}: no plugin answers for {year}")
            if problem:
                raise PolicyViolation(f"{hook}: plugin {answer.source!r}: {problem}")

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
