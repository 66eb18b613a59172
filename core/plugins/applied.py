"""What applies to a round of year Y in the running region (issue 43): the one resolver.

The services ask :class:`~core.plugins.rules.RegionRules` for what a round uses (its conditions, negative list,
priorities, deadlines, industries, indicator tables, summary layouts, quotas, …); :func:`applied_rules` asks the
very same lookups, for every unit type and level of the region, and answers each rule with how it stands in Y:

* ``in_force``: a document it cites is in force in Y;
* ``carried``: every document it cites has expired: the platform carries the rule on, from that document (named);
* ``ahead``: every document it cites was issued after Y: the platform applies it before its issue, from that
  document (named);
* ``default``: no document: a platform default or this instance's setting (the record's ``cite`` says which);
* ``notice``: the notice the round was opened from sets it for that round (issue 43, :class:`RoundNotice`): a step
  deadline moved, a city's quota, a condition switched off, or one the plugins offer switched on (a one-round
  condition of an earlier notice, named). :class:`NoticeRules` answers the services' lookups for such a round
  (:func:`core.kernel.rules.rules_of_round`), and :func:`applied_rules` lists the same answers.

``greenmfg rules``, the rules page and ``GET /api/v1/rules`` list exactly these rules (:mod:`core.services.
rules_export`); nothing a round applies is hidden because its document expired.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterator

from core.plugins.types import (
    CapBasis, DayCount, Document, EligibilityRule, EvaluatorCap, Level, NoticePeriod, Quota, Record,
)

#: :class:`core.plugins.rules.RegionRules`, which imports this module (so this one cannot import it back)
RegionRules = Any

IN_FORCE, CARRIED, AHEAD, DEFAULT, NOTICE = "in_force", "carried", "ahead", "default", "notice"
#: what a round's notice may set for the round against the region's standing rules
NOTICE_KINDS = ("deadline", "quota", "condition", "evaluator_cap", "notice_period", "attachment")


@dataclass(frozen=True)
class NoticeRule:
    """One rule a round's notice sets: ``deadline`` (key: the step's code, value: an ISO date), ``quota`` (key:
    ``<admin unit code>/<unit type>``, value: the number of places), ``condition`` (key: the eligibility rule's code,
    value: True to apply it in the round, False to set it aside), ``evaluator_cap`` (key: the list level, value: the
    projects one evaluator may take in the year at that level), ``notice_period`` (key: the list level, value: the
    public notice's length in working days) or ``attachment`` (key: an upload field's code, value: True when the
    round requires the file, False when it leaves it optional), with the notice's article."""

    kind: str
    key: str
    value: Any
    article: str = ""


@dataclass(frozen=True)
class RoundNotice:
    """The notice a round of ``year`` was opened from: 文号, title, issuer, date, and the rules it sets."""

    number: str
    title: str
    issuer: str
    issued_on: dt.date | None
    year: int
    rules: tuple[NoticeRule, ...] = ()

    @property
    def label(self) -> str:
        """The notice as people cite it: 《title》（文号）."""
        return f"《{self.title}》（{self.number}）"

    def cite(self, article: str = "") -> str:
        return f"{self.label}{article or ''}"

    def find(self, kind: str, key: str) -> NoticeRule | None:
        return next((r for r in self.rules if r.kind == kind and r.key == key), None)

    def of_kind(self, kind: str) -> list[NoticeRule]:
        return [r for r in self.rules if r.kind == kind]

    def note(self, rule: NoticeRule, earlier: str = "") -> str:
        """What the listing says of a rule the notice sets, in Chinese and English."""
        here = self.cite(rule.article)
        if rule.kind == "condition" and rule.value is False:
            return f"本轮不适用：{here} / set aside in this round by this notice {self.number}"
        if rule.kind == "condition" and earlier:
            return (f"本轮适用：{here}，沿用{earlier}的规定 / applied in this round by this notice {self.number}, carried "
                    f"from {earlier}")
        return f"本轮通知规定：{here} / set by this notice {self.number}"

    @classmethod
    def of(cls, campaign: Any) -> "RoundNotice | None":
        """The notice a round (a :class:`~core.models.Campaign`) records; None: it was opened without one."""
        if not getattr(campaign, "notice_no", None):
            return None
        return cls(number=campaign.notice_no, title=campaign.notice_title or "", issuer=campaign.notice_issuer or "",
                   issued_on=campaign.notice_issued_on, year=campaign.year,
                   rules=tuple(NoticeRule(r["kind"], r["key"], r["value"], r.get("article") or "")
                               for r in campaign.notice_rules or ()))


class NoticeRules:
    """The region's rules as a round opened from ``notice`` applies them: every lookup is the region's
    (:class:`~core.plugins.rules.RegionRules`), except those the notice sets for its year, answered with the notice
    as their citation (what the services apply and :func:`applied_rules` lists)."""

    def __init__(self, rules: RegionRules, notice: RoundNotice):
        self.base, self.notice = rules, notice
        #: id of each record made here → (the record, the notice's rule, the earlier document it carries), so
        #: the listing tells them apart (the records are kept alive with their ids)
        self._made: dict[int, tuple[Record, NoticeRule, str]] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self.base, name)

    def _keep(self, record: Record, rule: NoticeRule, earlier: str = "") -> Record:
        self._made[id(record)] = (record, rule, earlier)
        return record

    def made_by_notice(self, record: Record) -> tuple[NoticeRule, str] | None:
        kept = self._made.get(id(record))
        return None if kept is None or kept[0] is not record else kept[1:]

    def _deadline(self, record: Any, year: int) -> Any:
        rule = self.notice.find("deadline", record.code) if year == self.notice.year else None
        if rule is None:
            return record
        day = dt.date.fromisoformat(str(rule.value)[:10])
        return self._keep(dataclasses.replace(record, rounds={**record.rounds, year: day},
                                              cite=self.notice.cite(rule.article)), rule)

    def deadline(self, code: str, year: int) -> tuple[dt.date | None, Any]:
        _, record = self.base.deadline(code, year)
        record = self._deadline(record, year)
        return record.for_year(year), record

    def deadlines_for(self, year: int) -> list[tuple[dt.date, Any]]:
        out = []
        for day, record in self.base.deadlines_for(year):
            record = self._deadline(record, year)
            out.append((record.for_year(year) or day, record))
        listed = {record.code for _, record in out}
        for rule in self.notice.of_kind("deadline") if year == self.notice.year else ():
            record = self.base.deadlines.get(rule.key)
            if record is not None and rule.key not in listed:  # a step no document dates in the year
                record = self._deadline(record, year)
                out.append((record.for_year(year), record))
        return sorted(out, key=lambda x: (x[0], x[1].code))

    def evaluator_cap(self, unit_type: str, level: Level) -> EvaluatorCap:
        """The cap of the notice's round at ``level``: the notice's where it sets one (never above the national
        cap, checked when the round opens), counted per the same person or entity as the region's."""
        answer = self.base.evaluator_cap(unit_type, level)
        rule = self.notice.find("evaluator_cap", str(Level(level)))
        if rule is None:
            return answer
        basis = CapBasis.LEGAL_REPRESENTATIVE if answer.unlimited else answer.basis
        return self._keep(EvaluatorCap(limit=int(rule.value), basis=basis, levels=(Level(level),),
                                       unit_types=tuple(self.base.unit_types), cite=self.notice.cite(rule.article),
                                       source=self.base.region_code), rule)

    def evaluator_caps(self, unit_type: str, level: Level) -> list[EvaluatorCap]:
        return type(self.base).evaluator_caps(self, unit_type, level)  # with this round's cap of the level

    def form_fields_for(self, unit_type: str, level: Level) -> list:
        """The region's form fields, an attachment the notice requires (or leaves optional) so in its round."""
        found = self.base.form_fields_for(unit_type, level)
        decided = {r.key: r for r in self.notice.of_kind("attachment")}
        if not decided:
            return found
        return [self._keep(dataclasses.replace(f, required=bool(decided[f.code].value)), decided[f.code])
                if f.code in decided else f for f in found]

    def notice_period(self, level: Level) -> NoticePeriod | None:
        rule = self.notice.find("notice_period", str(Level(level)))
        if rule is None:
            return self.base.notice_period(level)
        return self._keep(NoticePeriod(days=int(rule.value), count=DayCount.WORKING_DAYS,
                                       cite=self.notice.cite(rule.article), source=self.base.region_code), rule)

    def applied_notice_period(self, level: Level, year: int) -> NoticePeriod | None:
        if year == self.notice.year and self.notice.find("notice_period", str(Level(level))) is not None:
            return self.notice_period(level)
        return self.base.applied_notice_period(level, year)

    def quota(self, admin_unit: str, unit_type: str, year: int) -> Quota:
        rule = self.notice.find("quota", f"{admin_unit}/{unit_type}") if year == self.notice.year else None
        if rule is None:
            return self.base.quota(admin_unit, unit_type, year)
        return self._keep(Quota(limit=int(rule.value), binding=True, period=(year, year),
                                cite=self.notice.cite(rule.article), source=self.base.region_code), rule)

    def _set_aside(self, answer: Any, hook: str, year: int, **kwargs: Any) -> Any:
        """A plugin's policy answer that carries out a condition (``answer.condition``) the notice sets aside gives
        way to the other plugins' answer (national's) in the notice's round; any other answer stands."""
        code = getattr(answer, "condition", "") if answer is not None else ""
        rule = self.notice.find("condition", code) if code and year == self.notice.year else None
        if rule is None or rule.value is not False:
            return answer
        return self.base.policy_without(hook, answer.source, year=year, **kwargs)

    def evaluation_modes(self, unit_type: str, level: Level, year: int) -> Any:
        answer = self.base.evaluation_modes(unit_type, level, year)
        return self._set_aside(answer, "gm_policy_evaluation_modes", year, unit_type=unit_type, level=Level(level))

    def city_recommendation(self, level: Level, year: int) -> Any:
        answer = self.base.city_recommendation(level, year)
        return self._set_aside(answer, "gm_policy_city_recommendation", year, level=Level(level))

    def eligibility_rules_for(self, unit_type: str, level: Level, year: int | None = None) -> list[EligibilityRule]:
        found = self.base.eligibility_rules_for(unit_type, level, year)
        if year != self.notice.year:
            return found
        # a condition the notice sets aside is dropped; one it switches on is the notice's in its round (named
        # with it), whether the region's rules would apply it anyway (a standing rule) or not
        decided = {r.key for r in self.notice.of_kind("condition")}
        out = [r for r in found if r.code not in decided]
        for rule in self.notice.of_kind("condition"):
            record = self.base.eligibility_rules.get(rule.key)
            if rule.value is not True or record is None or not record.applies(unit_type, level):
                continue
            earlier = self.base.readable(record.cite)
            out.append(self._keep(dataclasses.replace(record, years=(), cite=f"{self.notice.cite(rule.article)}；"
                                                      f"{record.cite}"), rule, earlier))
        return sorted(out, key=lambda r: r.code)

    def set_aside(self) -> list[tuple[EligibilityRule, NoticeRule]]:
        """The region's conditions the notice sets aside in its round."""
        return [(self.base.eligibility_rules[r.key], r) for r in self.notice.of_kind("condition")
                if r.value is False and r.key in self.base.eligibility_rules]


@dataclass(frozen=True)
class Applied:
    """One rule a round of ``year`` applies, with where it stands (``standing``) and the documents it comes from."""

    kind: str
    key: str
    record: Record
    standing: str
    documents: tuple[Document, ...]
    #: for a carried or ahead rule: "carried from 《…》（…）" in Chinese and English; a notice's rule: what the notice
    #: does with it; else ""
    note: str = ""
    #: False: a condition the round's notice sets aside (listed, not applied)
    applied: bool = True


def _round_records(rules: RegionRules, year: int) -> Iterator[tuple[str, str, Record]]:
    """The registry records a round of ``year`` uses, through the lookups the services call."""
    yield "region", rules.region.code, rules.region
    for kind, registry in (("list_level", rules.list_levels), ("unit_type", rules.unit_types),
                           ("admin_unit", rules.admin_units), ("sanction", rules.sanctions),
                           ("provision", rules.provisions), ("evaluator_requirement", rules.evaluator_requirements),
                           ("shared_evaluator_cap", rules.shared_evaluator_caps)):
        for code, record in registry.items():
            yield kind, code, record
    combos = [(ut, level) for ut in rules.unit_types for level in Level]
    for kind, lookup in (("form_field", lambda ut, lv: rules.form_fields_for(ut, lv)),
                         ("negative_list_item", lambda ut, lv: rules.negative_list_for(ut, lv, year)),
                         ("eligibility_rule", lambda ut, lv: rules.eligibility_rules_for(ut, lv, year)),
                         ("priority", lambda ut, lv: rules.priorities_for(ut, lv, year))):
        used = {r.code: r for ut, lv in combos for r in lookup(ut, lv)}
        yield from ((kind, code, used[code]) for code in sorted(used))
    offered = {code: ind for ut in rules.unit_types for code, ind in rules.round_industries(ut, year).items()}
    yield from (("industry", code, offered[code]) for code in rules.industries if code in offered)
    for _, deadline in rules.deadlines_for(year):
        yield "deadline", deadline.code, deadline
    for deadline in rules.deadlines.values():  # a step the documents name and date in no year: the notice dates it
        if not deadline.dated:
            yield "deadline", deadline.code, deadline
    sets = {s.code: s for s in (rules.indicator_set(ut, year) for ut in rules.unit_types) if s is not None}
    yield from (("indicator_set", code, sets[code]) for code in sorted(sets))
    layouts = {lay.code: lay for lay in (rules.summary_layout_for(Level(lv), year)[0] for lv in rules.list_levels)
               if lay is not None}
    yield from (("summary_layout", code, layouts[code]) for code in sorted(layouts))


def _policies(rules: RegionRules, year: int) -> Iterator[tuple[str, str, Record]]:
    """The single-answer rules a round of ``year`` applies, once per combination of their arguments."""
    for ut in rules.unit_types:
        for level in Level:
            yield "evaluator_cap", f"{ut}/{level}", rules.evaluator_cap(ut, level)
            yield "grading", f"{ut}/{level}", rules.grading(ut, level)
            yield "evaluation_modes", f"{ut}/{level}/{year}", rules.evaluation_modes(ut, level, year)
            yield "joint_round", f"{ut}/{level}/{year}", rules.joint_round(level, year, ut)
            yield "correction", f"{ut}/{level}/{year}", rules.correction(level, year, ut)
        for unit in rules.admin_units:
            yield "quota", f"{unit}/{ut}/{year}", rules.quota(unit, ut, year)
    for level in Level:
        period = rules.applied_notice_period(level, year)
        if period is not None:
            yield "notice_period", str(level), period
        yield "publication", f"{level}/{year}", rules.publication(level, year)
        yield "consulted_departments", f"{level}/{year}", rules.consulted_departments(level, year)
        yield "city_recommendation", f"{level}/{year}", rules.city_recommendation(level, year)
        for ut in rules.unit_types:
            yield "review_panel", f"{ut}/{level}/{year}", rules.applied_review_panel(level, year, ut)
    yield "green_code_bands", str(year), rules.green_code_bands(year)
    yield "evaluator_ban", "evaluator", rules.evaluator_ban()
    for ut in rules.unit_types:
        yield "average_gate", f"{ut}/{year}", rules.average_gate(year, ut)
        yield "filing_figures", f"{ut}/{year}", rules.filing_figures(year, ut)


def round_rules(rules: RegionRules, year: int) -> Iterator[tuple[str, str, Record]]:
    """``(kind, key, record)`` of every rule a round of ``year`` applies (what the services consult)."""
    yield from _round_records(rules, year)
    yield from _policies(rules, year)


def standing(documents: list[Document], year: int) -> tuple[str, str]:
    """How a rule citing ``documents`` stands in ``year``, and what to say about it when carried or ahead."""
    if not documents:
        return DEFAULT, ""
    if any(d.in_force_in(year) for d in documents):
        return IN_FORCE, ""
    expired = [d for d in documents if d.valid_to is not None and d.valid_to.year < year]
    if expired:
        doc = max(expired, key=lambda d: d.valid_to)
        return CARRIED, (f"{year}年沿用{doc.label}的规定（该文件有效期至{doc.valid_to.isoformat()}） / carried into {year} "
                         f"from {doc.label}, in force until {doc.valid_to.isoformat()}")
    doc = min(documents, key=lambda d: d.starts)
    return AHEAD, (f"{year}年按{doc.label}的规定（该文件自{doc.starts.isoformat()}起施行） / applied in {year} from "
                   f"{doc.label}, in force from {doc.starts.isoformat()}")


def applied_rules(rules: RegionRules, year: int, notice: RoundNotice | None = None) -> list[Applied]:
    """Every rule a round of ``year`` applies, with where it stands (module docstring); with the ``notice`` the
    round was opened from, what the notice sets is listed as the notice's (and a condition it sets aside, as set
    aside), through the very lookups :class:`NoticeRules` answers the services with."""
    if notice is not None and notice.year == year and not isinstance(rules, NoticeRules):
        rules = NoticeRules(rules, notice)
    made = getattr(rules, "made_by_notice", lambda record: None)
    out, seen = [], set()
    for kind, key, record in round_rules(rules, year):
        documents = [] if kind == "region" else rules.cited_documents(record.cite)
        how, note = standing(documents, year)
        by_notice = made(record)
        if by_notice is not None:
            how, note = NOTICE, rules.notice.note(*by_notice)
        seen.add((kind, key))
        out.append(Applied(kind, key, record, how, tuple(documents), note))
    if isinstance(rules, NoticeRules):
        for rule in rules.notice.of_kind("quota"):  # a unit the plugins do not register (entered by the admin)
            key = f"{rule.key}/{year}"
            if ("quota", key) not in seen:
                unit, _, unit_type = rule.key.partition("/")
                record = rules.quota(unit, unit_type, year)
                out.append(Applied("quota", key, record, NOTICE, (), rules.notice.note(rule)))
        for record, rule in rules.set_aside():
            out.append(Applied("eligibility_rule", record.code, record, NOTICE,
                               tuple(rules.cited_documents(record.cite)), rules.notice.note(rule), applied=False))
    return out


def applied_keys(rules: RegionRules, year: int) -> set[tuple[str, str]]:
    """``(kind, key)`` of every rule a round of ``year`` applies."""
    return {(kind, key) for kind, key, _ in round_rules(rules, year)}


__all__ = ["AHEAD", "Applied", "CARRIED", "DEFAULT", "IN_FORCE", "NOTICE", "NOTICE_KINDS", "NoticeRule", "NoticeRules",
           "RoundNotice", "applied_keys", "applied_rules", "round_rules", "standing"]
