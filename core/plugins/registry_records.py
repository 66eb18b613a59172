"""Registry records a region's plugin registers (``gm_register_*``): eligibility conditions and the negative
list, sanctions, evaluator requirements, documented provisions, indicator tables, priorities and what a check's
answer comes to, and the policy documents every cite names.

Plugins import these through :mod:`core.plugins` (or :mod:`core.plugins.types`) only.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Callable, Mapping

from core.plugins.identity import CodedRecord, IndicatorKind, Level

# ----------------------------------------------------------- eligibility ---


@dataclass(frozen=True, kw_only=True)
class NegativeListItem(CodedRecord):
    """One item of the negative list (负面清单) an applicant declares against.

    ``title_en`` is its English on English pages, a platform translation (the declaration is made against the
    document's ``title``); without one English pages show ``title``.
    """

    title: str
    title_en: str | None = None
    lookback_years: int = 3
    unit_types: tuple[str, ...] = ()  # empty: all types
    levels: tuple[Level, ...] = ()  # empty: all levels
    #: the rounds (years) whose document lists the item; empty: every year
    years: tuple[int, ...] = ()
    #: codes of other items this one stands in for where it applies (its unit types, levels and years);
    #: elsewhere those items apply unchanged. ``replaces`` takes a code's place everywhere; a region
    #: whose document lists its own items for some rounds only sets national's aside there.
    sets_aside: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class EligibilityRule(CodedRecord):
    """A condition an application must meet.

    ``check`` receives the application's data and returns an error message, or
    ``None`` when the rule holds; a :class:`ReviewerJudges` text when a reviewer judges it, a
    :class:`NotApplicable` text when the condition does not apply to this application (see
    :func:`check_outcome`). ``blocking`` False makes it a warning a reviewer
    must acknowledge. Core supplies these keys: ``unit_type``, ``level``,
    ``year``, ``as_of`` (date), ``held_levels`` and ``requested_levels`` (lists of
    :class:`Level`), ``industry``, ``evaluation_mode``,
    ``city_unfiled_round_units`` (the city's units that owe a filing in the
    application's round, under a ``listed_unit`` deadline of the round, and have not
    filed it: organization ids; empty when the round has no such filing),
    ``evaluator`` (the chosen third-party firm's qualification data with ``name``, ``uscc`` and ``legal_representative``, when there is one)
    and, when a city recommends, ``consulted_departments``
    (codes ``ecology_environment``, ``emergency_management``,
    ``market_regulation``); for joint rounds ``joint_round`` (the round's
    :class:`JointRound`), ``round_listed_levels`` (levels the unit was listed at
    in the same round) and ``stage`` (``city``, or ``province`` at the gate to the
    national list); plus every plugin form field's value under its code. ``years`` (empty: every year)
    are the rounds whose document sets the condition: another round neither checks nor lists it.
    ``members_field`` names a form field where the unit lists, by 统一社会信用代码, the enterprises it answers
    for (a park's in-park enterprises); the check then also receives ``member_records``: the barring records
    the platform holds on them within the negative list's look-back (dicts with ``uscc``, ``name``,
    ``record`` and ``reason``: a ban, a removal from a list, a negative-list item one of them declared as
    applying), and ``member_invalid``: the entries that are not a valid code, each with what is wrong.
    """

    title: str
    #: the title on English pages, a platform translation (``title`` is the document's); see
    #: :func:`with_english_titles`
    title_en: str | None = None
    unit_types: tuple[str, ...] = ()
    levels: tuple[Level, ...] = ()
    #: the rounds (years) whose document sets the condition; empty: every year
    years: tuple[int, ...] = ()
    blocking: bool = True
    #: a form field listing the enterprises the unit answers for (统一社会信用代码): see ``member_records``
    members_field: str | None = None
    check: Callable[[Mapping[str, Any]], str | None] | None = field(default=None, compare=False)


@dataclass(frozen=True, kw_only=True)
class Sanction(CodedRecord):
    """A removal or ban rule (动态管理): what triggers it and what follows.

    ``title_en`` is its English on English pages (the removal and ban forms, the removals and the rules
    pages), a platform translation of the document's ``title``; without one English pages show ``title``.
    """

    title: str
    #: the title on English pages, a platform translation (``title`` is the document's)
    title_en: str | None = None
    removal: bool = True
    ban_years: int = 0
    #: True when removal applies at every level at once (e.g. 重大 accidents)
    all_levels: bool = False
    #: for rank-based removals: consecutive years in the bottom share
    consecutive_years: int = 0
    bottom_share: float = 0.0


@dataclass(frozen=True, kw_only=True)
class EvaluatorRequirement(CodedRecord):
    """A requirement on a third-party evaluator firm (qualification or independence).

    ``scope`` is ``"institution"`` (the firm itself: staff, office, record) or
    ``"engagement"`` (one evaluation of one applicant). ``check`` receives the
    firm's qualification data (for engagements also ``unit_type`` and ``year``)
    and returns an error message, or ``None`` when the requirement holds.
    """

    title: str
    scope: str = "institution"
    unit_types: tuple[str, ...] = ()
    check: Callable[[Mapping[str, Any]], str | None] | None = field(default=None, compare=False)


@dataclass(frozen=True, kw_only=True)
class Provision(CodedRecord):
    """A rule the region keeps as a documented provision: shown to staff with its
    source (``greenmfg rules``, the rules page) but carried out by people, not by a
    check: a support role, a re-review cycle, a flow step, a spot-check duty.

    ``topic`` groups provisions (``role``, ``procedure``, ``review_cycle``,
    ``standard``, ``supervision``...); ``details`` holds structured values.
    """

    title: str
    topic: str = "procedure"
    details: Mapping[str, Any] = field(default_factory=dict, compare=False)


# ------------------------------------------------------------- indicators ---


@dataclass(frozen=True, kw_only=True)
class Indicator:
    """One indicator of an evaluation table, keyed by its number in the table."""

    number: int
    name: str
    group: str
    weight: float
    kind: IndicatorKind
    unit: str = ""
    #: fixed reference values where the table prints them (factory #4: 8 / 0)
    leading: float | None = None
    baseline: float | None = None
    #: True for percentages, which must lie in 0-100
    percent: bool = False
    #: the name on English pages, a platform translation (``name`` is the official one: Chinese pages, the API's
    #: ``name``, the xlsx tables); empty: English pages show ``name``
    name_en: str = ""
    #: the unit on English pages, a platform translation (``unit`` is the table's: Chinese pages, the API's
    #: ``unit``, the xlsx tables; ``"项"`` marks a count of functions); empty: English pages show ``unit``
    unit_en: str = ""


@dataclass(frozen=True, kw_only=True)
class IndicatorSet(CodedRecord):
    """A versioned evaluation table (e.g. MIIT 2025 factory requirements)."""

    title: str
    unit_type: str
    year_from: int
    year_to: int | None = None
    indicators: tuple[Indicator, ...] = ()
    params: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def applies(self, unit_type: str | None = None, level: "Level | str | None" = None,
                year: int | None = None) -> bool:
        """Whether the table is the one of ``unit_type`` and in force in ``year`` (it serves every level)."""
        return ((unit_type is None or self.unit_type == unit_type)
                and (year is None or (year >= self.year_from and (self.year_to is None or year <= self.year_to))))

    def applies_to(self, unit_type: str, year: int) -> bool:
        """``applies(unit_type, year=year)``, the name of contract 0.4."""
        return self.applies(unit_type, year=year)

    @property
    def total_weight(self) -> float:
        return sum(i.weight for i in self.indicators)


# ------------------------------------------------------------- priorities ---


@dataclass(frozen=True, kw_only=True)
class Priority(CodedRecord):
    """A priority a document gives some applicants (优先推荐, 重点…行业): it flags the application and ranks
    it ahead of the others in the city's list of recommended units; it never refuses one.

    ``check`` receives the same data as an :class:`EligibilityRule`'s and returns True (the application
    has the priority), False (it has not) or None (it claims it and a reviewer judges the claim from the
    evidence named in ``evidence``: form-field codes whose values or uploads back the claim). Without a
    ``check`` every application of the scope is a claim a reviewer judges. ``years`` (empty: every year)
    are the rounds whose document gives the priority.
    """

    title: str
    #: the title on English pages, a platform translation (``title`` is the document's)
    title_en: str | None = None
    unit_types: tuple[str, ...] = ()
    levels: tuple[Level, ...] = ()
    years: tuple[int, ...] = ()
    evidence: tuple[str, ...] = ()
    check: Callable[[Mapping[str, Any]], bool | None] | None = field(default=None, compare=False)


class ReviewerJudges(str):
    """What an :class:`EligibilityRule`'s ``check`` returns when the application meets what can be checked
    automatically and a reviewer judges the rest from the evidence: the text says what to judge and on
    which evidence (``ReviewerJudges("已声明为规模以上工业企业；依据企业近三年经营情况判断")``). The result reads
    "to be checked by the reviewer" (``ok`` None) with that text, a warning the reviewer acknowledges."""


class NotApplicable(str):
    """What an :class:`EligibilityRule`'s ``check`` returns when its condition does not apply to the application,
    the text saying why ("中文 / English", as other messages). Example: Hubei's on-site third-party evaluation
    (鄂经信办节能〔2022〕8号 三(三)) for a unit that self-evaluates in the 2025 national round, where MIIT asks for the
    platform self-evaluation only (工信厅节函〔2025〕390号: 不再需要提交第三方评价报告).

    The result reads "not applicable" (不适用) with that text: neither met nor failed, it blocks neither the
    submission nor a recommendation and asks no acknowledgement. In a result it is ``ok`` True (nothing stands in
    the way; a reader that knows only ``ok`` keeps working) with ``applicable`` False (:func:`check_outcome`).
    A rule that does not concern a round at all says so with ``years``, ``levels`` or ``unit_types`` instead: it is
    then not listed."""


class Outcome(StrEnum):
    """What a condition's (or a gate's) check came to, as pages show it."""

    MET = "met"  # ✓ 符合
    NOT_MET = "not_met"  # ✗ 不符合
    REVIEWER = "reviewer"  # ? for a reviewer to judge (ReviewerJudges)
    NOT_APPLICABLE = "not_applicable"  # – 不适用 (NotApplicable)


def check_outcome(answer: str | None) -> tuple[Outcome, dict[str, Any]]:
    """What a ``check``'s answer means, and the fields a result records for it: ``ok`` (True met or not
    applicable, False not met, None for a reviewer), ``message`` (the answer's text, or None) and, for a condition
    that does not apply, ``applicable`` False (absent otherwise: results stored before it existed read alike)."""
    if answer is None:
        return Outcome.MET, {"ok": True, "message": None}
    if isinstance(answer, NotApplicable):
        return Outcome.NOT_APPLICABLE, {"ok": True, "message": str(answer), "applicable": False}
    if isinstance(answer, ReviewerJudges):
        return Outcome.REVIEWER, {"ok": None, "message": str(answer)}
    return Outcome.NOT_MET, {"ok": False, "message": str(answer)}


def result_outcome(result: Mapping[str, Any]) -> Outcome:
    """The outcome a recorded result (a mapping with ``ok`` and maybe ``applicable``) shows."""
    if result.get("applicable") is False:
        return Outcome.NOT_APPLICABLE
    ok = result.get("ok")
    return Outcome.MET if ok else (Outcome.REVIEWER if ok is None else Outcome.NOT_MET)


# -------------------------------------------------------------- documents ---


@dataclass(frozen=True, kw_only=True)
class Document(CodedRecord):
    """A policy document a plugin's rules come from, as users cite it: 《title》（number） and article.

    Plugins keep their cites as developers wrote them (the seed file's name, then the article:
    ``"001_3f04a56fc6693327.txt 附件1 二 (二)"``); ``seed`` links those cites to this record, so
    every page, the rules view, the CLI and the API show ``《关于开展2025年度绿色工厂推荐工作的通知》
    （工信厅节函〔2025〕390号）二 (二)`` instead of a file name.

    A document is a fact, not a rule: two plugins may register the same document (the same ``code``
    and the same fields; national registers the provincial documents its own rules cite); two different
    records under one code stop start-up. Codes are the document's own, not namespaced.

    :ivar title: the title without 《》.
    :ivar issuer: the issuing body.
    :ivar number: the document number (文号); ``""`` where the document prints none.
    :ivar issued: the date the document bears; ``None`` where the copy shows none.
    :ivar valid_from: first day in force (default: ``issued``).
    :ivar valid_to: last day in force; ``None``: no end. A round's notice is in force for its round.
    :ivar seed: the file name of the developers' copy the plugins' cites start with.
    :ivar seed_parts: where one seed file holds several documents (a notice enclosing another): the cite
        prefixes, after the seed name, that belong to this document, each with how this document itself
        numbers that part (``{"附件1": "", "附件3": "附件3"}``). Empty: the whole seed file.
    :ivar validity_note: how the validity was established, where the document does not state it.
    """

    title: str
    issuer: str
    number: str = ""
    issued: dt.date | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    title_en: str = ""
    seed: str = ""
    seed_parts: Mapping[str, str] = field(default_factory=dict, compare=False)
    validity_note: str = ""

    @property
    def starts(self) -> dt.date | None:
        return self.valid_from or self.issued

    def in_force_on(self, day: dt.date) -> bool:
        """Whether the document is in force on ``day`` (issued and not expired)."""
        return (self.starts is None or self.starts <= day) and (self.valid_to is None or day <= self.valid_to)

    def in_force_in(self, year: int) -> bool:
        """Whether the document is in force on any day of ``year``."""
        return ((self.starts is None or self.starts.year <= year)
                and (self.valid_to is None or self.valid_to.year >= year))

    @property
    def label(self) -> str:
        """How people cite it: ``《title》（number）``, or ``《title》（issuer date）`` without a number."""
        if self.number:
            return f"《{self.title}》（{self.number}）"
        when = f"{self.issued.year}年{self.issued.month}月{self.issued.day}日" if self.issued else ""
        return f"《{self.title}》（{self.issuer}{' ' + when if when else ''}）"



# --------------------------------------------- issue 17: judged conditions ---


@dataclass(frozen=True, kw_only=True)
class JudgedCondition(EligibilityRule):
    """A condition a reviewer judges (e.g. Shanxi 第十条: 行业影响力大、经营实力雄厚…): registered with the
    eligibility rules. ``evidence`` names the form fields holding what the applicant gives for it; ``check``
    (optional) says what is missing from that evidence. With the evidence given, core shows the condition as
    for the reviewer to judge, quoting the evidence, and records the reviewer's acknowledgement."""

    evidence: tuple[str, ...] = ()
