"""Typed records that region plugins return from hooks.

Every record is a frozen, keyword-only dataclass. Plugins fill in the policy
fields and ``cite`` (the seed document and article the rule comes from); core
stamps ``source`` with the name of the plugin that supplied the record, so
staff can always see "this deadline comes from Hunan".

Plugins import these through :mod:`core.plugins` only.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Callable, ClassVar, Mapping


class UnitKind(StrEnum):
    """Kinds of submitting administrative unit (市州 and their peers)."""

    CITY = "市"
    PREFECTURE = "州"
    DIRECT_CITY = "直管市"
    FORESTRY_DISTRICT = "林区"
    PILOT_COUNTY = "省直管试点县"
    NEW_AREA = "新区"
    REFORM_ZONE = "综改区"


class Level(StrEnum):
    """List levels (三级联动)."""

    CITY = "city"
    PROVINCIAL = "provincial"
    NATIONAL = "national"


class EvaluationMode(StrEnum):
    SELF = "self"
    THIRD_PARTY = "third_party"


class DayCount(StrEnum):
    CALENDAR_DAYS = "calendar_days"
    WORKING_DAYS = "working_days"


class CapBasis(StrEnum):
    """What an evaluator cap is counted per."""

    LEGAL_REPRESENTATIVE = "legal_representative"
    LEGAL_ENTITY = "legal_entity"


class IndicatorKind(StrEnum):
    POSITIVE = "positive"  # 正向定量: higher is better
    REVERSE = "reverse"  # 逆向定量: lower is better
    QUALITATIVE = "qualitative"  # 正向定性
    ELASTICITY = "elasticity"  # 弹性系数


@dataclass(frozen=True, kw_only=True)
class Record:
    """Base of every record a plugin returns.

    :ivar cite: where the rule comes from, e.g. ``"001_3f04a56fc6693327.txt 附件1"``.
    :ivar source: set by core to the supplying plugin's name; plugins leave it empty.
    :ivar replaced: set by core when this record replaced another plugin's record:
        the source of the replaced record.
    """

    cite: str = ""
    source: str = ""
    replaced: str | None = None


@dataclass(frozen=True, kw_only=True)
class CodedRecord(Record):
    """A registry record, merged by ``code``.

    :ivar code: unique key. Region plugins prefix new codes with their region
        code (``hunan.bonus_water``); national codes are bare.
    :ivar replaces: the code of another plugin's record that this one takes the
        place of. Without it a duplicate code stops start-up.
    """

    code: str
    replaces: str | None = None


# --------------------------------------------------------------- identity ---


@dataclass(frozen=True, kw_only=True)
class Region(Record):
    """Identity of a region plugin. ``code`` equals its entry-point name."""

    code: str
    name: str
    name_en: str
    #: "national" for the ministry, "province" for a provincial department.
    authority: str = "province"
    version: str = "0"


@dataclass(frozen=True, kw_only=True)
class AdminUnit(CodedRecord):
    """A submitting administrative unit (a 市州 or its peer)."""

    name: str
    kind: UnitKind
    #: True when an admin may edit membership (e.g. Hunan pilot counties).
    configurable: bool = False


@dataclass(frozen=True, kw_only=True)
class ListLevel(CodedRecord):
    name: str
    rank: int  # 1 city, 2 provincial, 3 national


#: Unit-type codes are one vocabulary for every region, so that lists and recommendations
#: line up across levels: a region that runs green design products registers ``product``
#: itself, without its region prefix. Any other new code is namespaced like all codes.
SHARED_UNIT_TYPES = ("factory", "park", "supply_chain", "product")


@dataclass(frozen=True, kw_only=True)
class UnitType(CodedRecord):
    """A kind of listed unit; codes from :data:`SHARED_UNIT_TYPES` need no region prefix."""

    name: str
    name_en: str
    #: levels at which this region runs the type
    levels: tuple[Level, ...] = (Level.CITY, Level.PROVINCIAL, Level.NATIONAL)


@dataclass(frozen=True, kw_only=True)
class Industry(CodedRecord):
    """One of MIIT's key industries with its own evaluation requirements."""

    name: str
    sector: str


# --------------------------------------------------------------- calendar ---


@dataclass(frozen=True, kw_only=True)
class Deadline(CodedRecord):
    """A campaign or management deadline.

    ``month_day`` is the yearly default (``(7, 31)``); ``rounds`` holds the
    dates an annual notice sets for one round (``{2025: date(2025, 11, 7)}``)
    and wins for that year. A deadline ends at 24:00 Asia/Shanghai on its day.
    """

    title: str
    unit_types: tuple[str, ...] = ()  # empty: all types
    levels: tuple[Level, ...] = ()  # the list level the step leads to; empty: all
    month_day: tuple[int, int] | None = None
    rounds: Mapping[int, dt.date] = field(default_factory=dict, compare=False)
    #: who must act by then: applicant, city, province, ministry or listed_unit
    actor: str = "applicant"

    def for_year(self, year: int) -> dt.date | None:
        """The deadline's date in ``year``, or ``None`` when it has none that year."""
        if year in self.rounds:
            return self.rounds[year]
        if self.month_day is not None:
            return dt.date(year, *self.month_day)
        return None


@dataclass(frozen=True, kw_only=True)
class NoticePeriod(Record):
    """Public-notice (公示) length for a list level."""

    days: int
    count: DayCount


class PublicationProcedure(StrEnum):
    """How a list of one level becomes official."""

    #: a public notice (公示) anyone may object to, then the list (公告) after it ends
    NOTICE = "notice"
    #: a published decision (发布, 确定, 认定) with its document number, without a notice
    DECISION = "decision"


@dataclass(frozen=True, kw_only=True)
class Publication(Record):
    """How the list of one level is published in a region, and by whom.

    ``publisher`` is ``city`` (each city bureau its own city's list), ``province`` or ``ministry``.
    With ``procedure`` NOTICE the period comes from :func:`gm_policy_notice_period`; where the document
    requires a notice but names no period, no plugin answers that hook and the deployer sets it
    (``GREENMFG_NOTICE_PERIODS``), shown as a platform setting. ``platform_default`` True marks an answer
    that is the platform's default where the document says nothing (national answers it for city and
    provincial lists), never a rule of a document.
    """

    procedure: PublicationProcedure
    publisher: str
    platform_default: bool = False


# ----------------------------------------------------------------- limits ---


@dataclass(frozen=True, kw_only=True)
class EvaluatorCap(Record):
    """How many evaluation projects one evaluator may take in a year.

    ``limit`` None means no cap (use :attr:`UNLIMITED`). Projects of every unit
    type in ``unit_types`` and every level in ``levels`` count together against
    one counter per ``basis`` (legal representative or legal entity) and year.
    """

    limit: int | None
    basis: CapBasis = CapBasis.LEGAL_REPRESENTATIVE
    levels: tuple[Level, ...] = (Level.NATIONAL,)
    unit_types: tuple[str, ...] = ("factory", "park", "supply_chain")

    UNLIMITED: ClassVar["EvaluatorCap"]

    @property
    def unlimited(self) -> bool:
        return self.limit is None


EvaluatorCap.UNLIMITED = EvaluatorCap(limit=None)


@dataclass(frozen=True, kw_only=True)
class Quota(Record):
    """A ceiling on units an administrative unit may have listed or recommended.

    ``limit`` None means no quota (use :attr:`UNLIMITED`, never ``None`` as the
    whole answer: ``None`` from a hook means "no opinion"). The quota counts
    every recommendation in ``period`` (inclusive years) at ``counts_levels``.
    ``binding`` False makes it a target (预期目标): progress is counted and shown,
    and going past it warns instead of refusing.
    """

    limit: int | None
    binding: bool = True
    period: tuple[int, int] | None = None
    counts_levels: tuple[Level, ...] = (Level.CITY, Level.PROVINCIAL, Level.NATIONAL)

    UNLIMITED: ClassVar["Quota"]

    @property
    def unlimited(self) -> bool:
        return self.limit is None


Quota.UNLIMITED = Quota(limit=None)


@dataclass(frozen=True, kw_only=True)
class Tier(Record):
    """One grade. ``min_score`` inclusive, ``max_score`` exclusive (None: no top)."""

    code: str
    label: str
    min_score: float
    max_score: float | None = None
    #: whether a unit of this tier may be recommended to the next level
    recommendable: bool = True


@dataclass(frozen=True, kw_only=True)
class GradingScheme(Record):
    """Grading tiers, contiguous from 0 to the top. Empty ``tiers``: no grading."""

    tiers: tuple[Tier, ...] = ()

    NONE: ClassVar["GradingScheme"]

    def tier_for(self, score: float) -> Tier | None:
        for tier in self.tiers:
            if score >= tier.min_score and (tier.max_score is None or score < tier.max_score):
                return tier
        return None


GradingScheme.NONE = GradingScheme()


@dataclass(frozen=True, kw_only=True)
class EvaluationModes(Record):
    """Which evaluation modes an applicant may use, and whether a report is needed."""

    allowed: tuple[EvaluationMode, ...]
    third_party_required: bool = False


@dataclass(frozen=True, kw_only=True)
class JointRound(Record):
    """Which levels one application of a round may ask for together (联合申报).

    ``levels`` always holds the round's own level. ``provincial_satisfies_national``:
    a provincial listing decided in the same round (same year) satisfies the national
    prerequisite "already on the provincial list" (办法 第十一条), where the round's
    document says so (Jiangxi 2024 国家级推荐暨省级遴选; Hubei 2022-2025).
    """

    levels: tuple[Level, ...]
    provincial_satisfies_national: bool = False

    @property
    def joint(self) -> bool:
        return len(self.levels) > 1


@dataclass(frozen=True, kw_only=True)
class CorrectionPolicy(Record):
    """What a city's return for correction lets the applicant change in a round (提交后无法修改).

    ``scope`` is ``"nothing"`` (submitted data are final; a city cannot return the application),
    ``"fields"`` (only the ``fields`` named) or ``"everything"``. Field names are the application's:
    ``contact_name``, ``contact_phone``, ``contact_email``, ``address``, ``legal_representative``,
    ``industry``, ``evaluation_mode``, ``requested_levels``, ``declarations.<item>``,
    ``indicator.<number>``, ``ext.<form field code>`` and ``evidence`` (uploading or removing an
    evidence file); a name ending in ``.`` covers every field it starts (``"ext."``). Under
    ``"fields"`` a correction may never raise the score. ``max_days``: the longest correction
    period a city may set.
    """

    scope: str = "everything"
    fields: tuple[str, ...] = ()
    max_days: int = 90

    NOTHING: ClassVar[str] = "nothing"
    FIELDS: ClassVar[str] = "fields"
    EVERYTHING: ClassVar[str] = "everything"

    def allows(self, field_name: str) -> bool:
        """Whether a correction may change ``field_name``."""
        if self.scope == self.EVERYTHING:
            return True
        if self.scope == self.NOTHING:
            return False
        return any(field_name == f or (f.endswith(".") and field_name.startswith(f)) for f in self.fields)


# ----------------------------------------------------------- eligibility ---


@dataclass(frozen=True, kw_only=True)
class NegativeListItem(CodedRecord):
    """One item of the negative list (负面清单) an applicant declares against."""

    title: str
    lookback_years: int = 3
    unit_types: tuple[str, ...] = ()  # empty: all types
    levels: tuple[Level, ...] = ()  # empty: all levels


@dataclass(frozen=True, kw_only=True)
class EligibilityRule(CodedRecord):
    """A condition an application must meet.

    ``check`` receives the application's data and returns an error message, or
    ``None`` when the rule holds. ``blocking`` False makes it a warning a reviewer
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
    national list); plus every plugin form field's value under its code.
    """

    title: str
    unit_types: tuple[str, ...] = ()
    levels: tuple[Level, ...] = ()
    blocking: bool = True
    check: Callable[[Mapping[str, Any]], str | None] | None = field(default=None, compare=False)


@dataclass(frozen=True, kw_only=True)
class Sanction(CodedRecord):
    """A removal or ban rule (动态管理): what triggers it and what follows."""

    title: str
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


# ------------------------------------------------------------------ forms ---


@dataclass(frozen=True, kw_only=True)
class FormField(CodedRecord):
    """An extra application-form field with its matching API field.

    ``make_field`` returns an *unbound* WTForms field (``StringField(...)``);
    ``make_schema_field`` returns the marshmallow field for the JSON API.
    ``code`` is ``<region>.<name>``. Core attaches the form field and the schema
    field as ``ext_<region>__<name>`` (:func:`field_attr`) so they never clash
    with core's, stores the value in the application's extension data under the
    code, and passes it to eligibility checks under the code too
    (``data["shanxi.chain_leader"]``).
    """

    label: str
    make_field: Callable[[], Any] = field(compare=False)
    make_schema_field: Callable[[], Any] = field(compare=False)
    unit_types: tuple[str, ...] = ()
    levels: tuple[Level, ...] = ()
    section: str = "basic"


def field_attr(code: str) -> str:
    """The form/schema attribute of a plugin field: ``hunan.industry`` → ``ext_hunan__industry``."""
    return "ext_" + code.replace(".", "__", 1)


@dataclass(frozen=True, kw_only=True)
class SummaryColumn:
    """One column of a summary table.

    ``key`` is a core value (``seq``, ``name``, ``uscc``, ``city``, ``unit_type``, ``industry``,
    ``evaluator``, ``evaluation_mode``, ``requested_levels``, ``score``, ``tier``, ``contact``), a
    plugin form field's code, or one cell of a table-valued field: ``<code>[<row>].<name>``
    (``hunan.finances[-1].revenue`` is the last row's revenue).
    """

    key: str
    header: str


@dataclass(frozen=True, kw_only=True)
class SummarySection:
    title: str
    unit_types: tuple[str, ...]
    columns: tuple[SummaryColumn, ...]


@dataclass(frozen=True, kw_only=True)
class SummaryLayout(CodedRecord):
    """Layout of a summary table (汇总表) a city or province exports."""

    title: str
    sections: tuple[SummarySection, ...]
    levels: tuple[Level, ...] = ()


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


@dataclass(frozen=True, kw_only=True)
class IndicatorSet(CodedRecord):
    """A versioned evaluation table (e.g. MIIT 2025 factory requirements)."""

    title: str
    unit_type: str
    year_from: int
    year_to: int | None = None
    indicators: tuple[Indicator, ...] = ()
    params: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def applies_to(self, unit_type: str, year: int) -> bool:
        return (
            self.unit_type == unit_type
            and year >= self.year_from
            and (self.year_to is None or year <= self.year_to)
        )

    @property
    def total_weight(self) -> float:
        return sum(i.weight for i in self.indicators)
