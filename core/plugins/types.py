"""Typed records that region plugins return from hooks.

Every record is a frozen, keyword-only dataclass. Plugins fill in the policy
fields and ``cite`` (the seed document and article the rule comes from); core
stamps ``source`` with the name of the plugin that supplied the record, so
staff can always see "this deadline comes from Hunan".

Plugins import these through :mod:`core.plugins` only.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, Callable, ClassVar, Mapping, Sequence, TypeVar

#: a year in a step's code (``city_submission_2024``): steps belong to the workflow, dates to documents
_YEAR_IN_CODE = re.compile(r"(?<![0-9])(19|20)[0-9]{2}(?![0-9])")

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

    def applies(self, unit_type: str | None = None, level: "Level | str | None" = None,
                year: int | None = None) -> bool:
        """Whether the record concerns an application of ``unit_type`` at ``level`` in the round of ``year``: each
        of its ``unit_types``, ``levels`` and ``years`` holds the value asked, or is empty (every one) or absent
        from the record. An argument left ``None`` is not asked about."""
        unit_types, levels, years = (getattr(self, name, ()) for name in ("unit_types", "levels", "years"))
        return ((unit_type is None or not unit_types or unit_type in unit_types)
                and (level is None or not levels or Level(level) in levels)
                and (year is None or not years or year in years))


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
    """One of MIIT's key industries with its own evaluation requirements.

    :ivar name_en: its name on English pages, a platform translation (the official name stays ``name``: the
        API, the xlsx tables and Chinese pages use it); without one English pages show ``name``.
    """

    name: str
    sector: str
    name_en: str | None = None


# --------------------------------------------------------------- calendar ---


@dataclass(frozen=True, kw_only=True)
class Deadline(CodedRecord):
    """A step of the region's workflow that a document or a notice dates (a campaign or management deadline).

    The code names the step, never a year (``hunan.city_submission``): steps belong to the workflow, dates to
    documents. ``month_day`` is the yearly date a standing document sets (``(7, 31)``); ``rounds`` holds the dates
    a year's notice set for its round (``{2025: date(2025, 11, 7)}``) and wins for that year. A step no document
    dates (neither) is still a step of the workflow: a round's notice dates it in any year, and until then the
    round shows it as not set. A deadline ends at 24:00 Asia/Shanghai on its day.
    """

    title: str
    #: the task in English, for English pages (a platform translation; the title stays the document's)
    title_en: str | None = None
    unit_types: tuple[str, ...] = ()  # empty: all types
    levels: tuple[Level, ...] = ()  # the list level the step leads to; empty: all
    month_day: tuple[int, int] | None = None
    rounds: Mapping[int, dt.date] = field(default_factory=dict, compare=False)
    #: who must act by then: applicant, city, province, ministry or listed_unit
    actor: str = "applicant"
    #: the validity of the document that sets a yearly deadline (first and last day, inclusive; ``None`` for an
    #: open end): no date outside it (e.g. Shanxi's 细则 in force 2024-07-19 to 2029-07-18 has no 2024-05-31)
    in_force: tuple[dt.date | None, dt.date | None] | None = None
    #: the codes the step had before (a code that carried a document's year): the audit log keeps moves under them
    formerly: tuple[str, ...] = ()

    @property
    def dated(self) -> bool:
        """Whether a document of the plugin dates the step in some year (else only a round's notice does)."""
        return self.month_day is not None or bool(self.rounds)

    def problem(self) -> str | None:
        """What is wrong with the record as a step (start-up and the plugin kit refuse it), or None: a code that
        carries a year (the step would need a new code each year), an impossible ``month_day``, a round's date
        more than a year from its round, an undated step that cites no document naming it."""
        if _YEAR_IN_CODE.search(self.code):
            return "its code carries a year; name the step, and date it with month_day or rounds"
        if self.month_day is not None:
            try:
                dt.date(2024, *self.month_day)  # 2024: a leap year, so 29 February is a real day
            except (TypeError, ValueError):
                return f"month_day {self.month_day!r} is not a day of the year"
        for year, day in self.rounds.items():
            if not isinstance(year, int) or not isinstance(day, dt.date):
                return f"rounds {year!r}: {day!r} is not a year and a date"
            if not year - 1 <= day.year <= year + 1:
                return f"rounds {year}: {day.isoformat()} lies more than a year from its round"
        if not self.dated and not (self.cite or "").strip():
            return "an undated step must cite the document that names it"
        return None

    def for_year(self, year: int) -> dt.date | None:
        """The deadline's date in ``year``, or ``None`` when it has none that year."""
        if year in self.rounds:
            return self.rounds[year]
        if self.month_day is not None:
            day = dt.date(year, *self.month_day)
            if self.in_force is not None:
                first, last = self.in_force
                if (first is not None and day < first) or (last is not None and day > last):
                    return None
            return day
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
class CultivationStage(Record):
    """A stage before a list (创建计划 / 创建单位, 培育库 / 培育对象): units published into it by a decision are
    shown publicly under the stage's own name and count as no listing for any rule that reads listings (the
    prerequisite of the next level, "already listed", the bars and the quotas). A unit moves from the stage to the
    list by the province's 认定, a decision of its own.

    ``round_publishes`` True: the round's own publication of this level and year puts its units into the stage,
    not on the list (Hunan's 2024 round publishes a 创建计划). ``publisher`` is who fills the stage
    (``province`` or ``city``).

    The time a unit has to complete its creation: ``complete_within_years`` where the document gives it (counted
    from the day the unit is put into the stage); ``completion_set_by_decision`` True where the document sets a
    time but names none (Hunan 000 二.4: 于规定时间内完成创建工作), so the decision that puts a unit in enters the
    date, shown as the decision's. Neither: the decision may still give a date; none is shown as not set.
    """

    name: str
    member: str
    name_en: str
    member_en: str
    publisher: str = "province"
    round_publishes: bool = False
    complete_within_years: int | None = None
    completion_set_by_decision: bool = False


@dataclass(frozen=True, kw_only=True)
class Publication(Record):
    """How the list of one level is published in a region, and by whom.

    ``publisher`` is ``city`` (each city bureau its own city's list), ``province`` or ``ministry``.
    With ``procedure`` NOTICE the period comes from :func:`gm_policy_notice_period`; where the document
    requires a notice but names no period, no plugin answers that hook: the platform's default of 5 working
    days applies, labelled so, unless the deployer sets one (``GREENMFG_NOTICE_PERIODS``, labelled this
    instance's setting). ``platform_default`` True marks an answer that is the platform's default where
    the document says nothing (national answers it for city and provincial lists), never a rule of a
    document. ``stage`` names the stage before the list where the document has one (:class:`CultivationStage`).
    """

    procedure: PublicationProcedure
    publisher: str
    platform_default: bool = False
    #: the stage before this list, where the region's document has one (:class:`CultivationStage`)
    stage: CultivationStage | None = None


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

    def covers(self, unit_type: str, level: "Level | str") -> bool:
        """Whether a project of ``unit_type`` at ``level`` counts against this cap (a cap with no limit counts
        nothing): the one test of coverage, for the level's cap and the shared caps alike."""
        return not self.unlimited and unit_type in self.unit_types and Level(level) in self.levels


EvaluatorCap.UNLIMITED = EvaluatorCap(limit=None)


@dataclass(frozen=True, kw_only=True)
class SharedEvaluatorCap(EvaluatorCap, CodedRecord):
    """A cap that counts evaluation projects of several levels together (Hubei: 15 a year per legal
    entity across city, provincial and national projects), applied *beside* the per-level cap of
    :func:`~core.plugins.hookspecs.gm_policy_evaluator_cap`: a project counts against every cap
    that covers its unit type and level, each with its own counter, all taken in one transaction.

    ``limit`` is a whole number above 0; ``levels`` and ``unit_types`` name what counts together.
    """

    title: str = ""


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
    #: the grade in English, for English pages (a platform translation, e.g. "Grade A"; the label stays the
    #: document's)
    label_en: str | None = None
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


class ReportStage(StrEnum):
    """The step that waits for the evaluation report (评价报告) where a region requires one."""

    #: the report is part of the submitted application: the applicant cannot submit without it
    SUBMIT = "submit"
    #: the applicant may submit while the report is being written; the city recommends once it is filed
    RECOMMEND = "recommend"


@dataclass(frozen=True, kw_only=True)
class EvaluationModes(Record):
    """Which evaluation modes an applicant may use, and what the evaluation must produce.

    ``report_required``: an evaluation report (评价报告, PDF) goes with the application: in
    third-party mode the engaged firm's, in self mode the applicant's own self-evaluation report.
    ``report_stage`` (:class:`ReportStage`) is the step that waits for it; the city's recommendation
    always does. ``on_site_visit``: the third party evaluates on site (现场评价) and its report
    records the day of the visit.
    """

    allowed: tuple[EvaluationMode, ...]
    third_party_required: bool = False
    report_required: bool = False
    report_stage: ReportStage = ReportStage.RECOMMEND
    on_site_visit: bool = False
    #: the eligibility condition (its code) this answer carries out, where a plugin's answer does (Hubei's on-site
    #: third-party evaluation, 002 三(三)): a round whose notice sets that condition aside gets the answer the
    #: other plugins give (:meth:`core.plugins.rules.RegionRules.policy_without`), as it would without the condition
    condition: str = ""


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
    #: a unit already on a higher list of the unit type applying to this round (issue 43): ``warn`` (the platform's
    #: default: no seed forbids it, 004 第二条 describes 三级联动 and 002 附件3 counts 国家、省、市 listings together;
    #: the applicant, the city and the province see a warning) or ``refuse`` (the region's document forbids it,
    #: cited in ``higher_listing_cite``). A unit on the same level's list is always refused.
    higher_listing: str = "warn"
    higher_listing_cite: str = ""

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


# ------------------------------------------------------------------ forms ---


class FieldKind(StrEnum):
    """What a form field holds; core builds the web form's input and the JSON API's field from it."""

    #: one line of text (``max_length``, ``pattern``)
    TEXT = "text"
    #: several lines of text (``max_length``)
    LONG_TEXT = "long_text"
    #: a whole number (``minimum``, ``maximum``); the API takes a JSON number
    INTEGER = "integer"
    #: an exact decimal (万元, 万吨标煤: ``minimum``, ``maximum``); the API takes a number or a numeric string
    DECIMAL = "decimal"
    #: a number with a fraction, kept as a float (a share in %: ``minimum``, ``maximum``)
    NUMBER = "number"
    #: a tick box: ticked is ``true``, unticked (or left out) ``false``; never "required"
    YES_NO = "yes_no"
    #: a calendar day, ``YYYY-MM-DD`` in the API
    DATE = "date"
    #: one of ``choices`` (a drop-down, or radio buttons with ``radio``); an optional choice may stay empty
    CHOICE = "choice"
    #: a file: a PDF in the web form, the id of an upload made through core's file endpoint in the API
    UPLOAD = "upload"
    #: rows of ``columns`` (``min_rows``, ``max_rows``, ``rows_check``): a list of objects in the API
    TABLE = "table"


#: kinds that hold a number (``minimum`` and ``maximum`` apply)
NUMBER_KINDS = (FieldKind.INTEGER, FieldKind.DECIMAL, FieldKind.NUMBER)
#: kinds that hold text (``max_length`` applies; ``pattern`` to one line)
TEXT_KINDS = (FieldKind.TEXT, FieldKind.LONG_TEXT)


@dataclass(frozen=True, kw_only=True)
class Choice:
    """One option of a :attr:`FieldKind.CHOICE` field: the ``value`` sent and stored, the ``label`` shown (the
    document's; ``terms_en`` of the field gives its English). A plain string in ``choices`` is both."""

    value: str
    label: str


@dataclass(frozen=True, kw_only=True)
class Input:
    """What one input accepts, on the web form and in the JSON API alike: core builds both from it
    (:mod:`core.declared_fields`), so the two cannot disagree.

    ``minimum`` and ``maximum`` are inclusive (numbers); ``max_length`` counts characters (text);
    ``pattern`` is a regular expression the whole text matches (one line); ``choices`` are the options of a
    choice (:class:`Choice` or plain strings). ``required``: it must be filled in before submission (a draft may
    leave it empty); a yes/no box is never required.
    """

    kind: FieldKind | None = None
    required: bool = False
    minimum: int | float | Decimal | None = None
    maximum: int | float | Decimal | None = None
    max_length: int | None = None
    pattern: str | None = None
    choices: tuple[Choice | str | tuple[str, str], ...] = ()
    #: a choice shown as radio buttons rather than a drop-down
    radio: bool = False

    @property
    def options(self) -> tuple[Choice, ...]:
        """``choices`` as :class:`Choice` records (a plain string is its own label; a pair is value and label)."""
        return tuple(c if isinstance(c, Choice) else Choice(value=c, label=c) if isinstance(c, str)
                     else Choice(value=c[0], label=c[1]) for c in self.choices)

    def _check_input(self, where: str) -> None:
        kind = self.kind
        if (self.minimum is not None or self.maximum is not None) and kind not in NUMBER_KINDS:
            raise ValueError(f"{where}: minimum/maximum apply to numbers only, not to {kind}")
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValueError(f"{where}: minimum {self.minimum} above maximum {self.maximum}")
        if self.max_length is not None and kind not in TEXT_KINDS:
            raise ValueError(f"{where}: max_length applies to text only, not to {kind}")
        if self.pattern is not None and kind != FieldKind.TEXT:
            raise ValueError(f"{where}: pattern applies to one line of text only, not to {kind}")
        if bool(self.choices) != (kind == FieldKind.CHOICE):
            raise ValueError(f"{where}: a choice needs choices, and only a choice has them")
        if self.radio and kind != FieldKind.CHOICE:
            raise ValueError(f"{where}: radio applies to a choice only")
        if self.required and kind == FieldKind.YES_NO:
            raise ValueError(f"{where}: a yes/no box cannot be required (unticked is an answer: no)")
        values = [c.value for c in self.options]
        if len(set(values)) != len(values) or "" in values:
            raise ValueError(f"{where}: choices repeat a value or offer an empty one")

    def value_problem(self, value: Any) -> str | None:
        """What is wrong with ``value`` (as the JSON API takes it) against this input's own bounds, or None:
        a number outside ``minimum``…``maximum``, a text longer than ``max_length`` or off its ``pattern``, a
        choice not offered. A text with year fields (``{year-1}``) is filled for a round, so it is left to the
        contract kit, which fills it."""
        if value is None or (isinstance(value, str) and "{" in value):
            return None
        if self.kind in NUMBER_KINDS:
            try:
                number = Decimal(str(value)) if not isinstance(value, bool) else None
            except ArithmeticError:
                number = None
            if number is None or not number.is_finite():
                return f"{value!r} is not a number"
            if self.minimum is not None and number < Decimal(str(self.minimum)):
                return f"{value!r} is below the minimum {self.minimum}"
            if self.maximum is not None and number > Decimal(str(self.maximum)):
                return f"{value!r} is above the maximum {self.maximum}"
        elif self.kind in TEXT_KINDS and isinstance(value, str):
            if self.max_length is not None and len(value) > self.max_length:
                return f"{value!r} is longer than max_length {self.max_length}"
            if self.pattern is not None and not re.fullmatch(self.pattern, value):
                return f"{value!r} does not match the pattern {self.pattern!r}"
        elif self.kind == FieldKind.CHOICE and value not in {c.value for c in self.options}:
            return f"{value!r} is not one of the choices {[c.value for c in self.options]}"
        return None


@dataclass(frozen=True, kw_only=True)
class Column(Input):
    """One column of a :attr:`FieldKind.TABLE` field: ``key`` in the API's row objects, ``label`` as the document
    prints it (``terms_en`` of the field gives its English). A cell not ``required`` may be left out of a row."""

    key: str
    label: str

    def __post_init__(self) -> None:
        if self.kind is None or self.kind in (FieldKind.TABLE, FieldKind.UPLOAD):
            raise ValueError(f"column {self.key!r}: a column holds text, a number, a date, yes/no or a choice")
        self._check_input(f"column {self.key!r}")


@dataclass(frozen=True, kw_only=True)
class FormField(Input, CodedRecord):
    """An extra application-form field, declared once: core builds the web form's field, the JSON API's field
    and its OpenAPI description from it (:mod:`core.declared_fields`), so both accept the same values.

    ``kind`` (:class:`FieldKind`) says what it holds; ``required``, ``minimum``/``maximum``, ``max_length``,
    ``pattern`` and ``choices`` (:class:`Input`) what it accepts; a table has ``columns`` and its row bounds.
    ``code`` is ``<region>.<name>``. Core attaches the form field and the schema field as
    ``ext_<region>__<name>`` (:func:`field_attr`) so they never clash with core's, stores the value in the
    application's extension data under the code, and passes it to eligibility checks under the code too
    (``data["shanxi.chain_leader"]``).

    Escape hatch, for what a declaration cannot say: give no ``kind`` and both ``make_field`` (an *unbound*
    WTForms field) and ``make_schema_field`` (its marshmallow twin). The contract kit then tries every bound
    and option either side states on both sides and fails on any disagreement.
    """

    label: str
    unit_types: tuple[str, ...] = ()
    levels: tuple[Level, ...] = ()
    section: str = "basic"
    #: the label on English pages, a platform translation (``label`` is the form's own, in Chinese); it may hold
    #: the same year fields (``{year-1}``); empty: English pages show ``label``
    label_en: str = ""
    #: a hint shown under the field on the page and as its description in the API (``help_en`` on English pages)
    help: str = ""
    help_en: str = ""
    #: English for the texts inside the field, a platform translation, ``{Chinese: English}``: its options'
    #: labels and its table's column labels (the stored values stay the document's); English pages show them
    terms_en: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)
    #: a realistic value, as an applicant fills it in and the JSON API takes it (a table: a list of rows);
    #: its strings may hold year fields (``"{year-1}"``, filled for the round: :func:`dated_example`). The demo
    #: instance fills its applications' forms with it and the contract kit checks the field accepts it;
    #: ``None``: the demo picks a yes/no or an option itself and leaves any other field blank
    example: Any = field(default=None, compare=False, hash=False)
    #: a table's columns, its bounds on rows (``max_rows`` None: no ceiling) and a rule across its rows: it
    #: returns the message (中文 / English) when the rows break it, else None; it sees every row as the API
    #: takes them (the web form's rows too) and is checked when the table is complete
    columns: tuple[Column, ...] = ()
    min_rows: int = 0
    max_rows: int | None = None
    #: a table's row as the API documentation names it (``FinanceRow``); empty: made from the code
    row_name: str = ""
    rows_check: Callable[[Sequence[Mapping[str, Any]]], str | None] | None = field(
        default=None, compare=False, hash=False)
    #: more for the API field's description (``{"outline": [...]}``: what an upload should contain)
    api_metadata: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)
    #: escape hatch: an unbound WTForms field and its marshmallow twin, both or neither, without ``kind``
    make_field: Callable[[], Any] | None = field(default=None, compare=False)
    make_schema_field: Callable[[], Any] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        makers = (self.make_field is not None) + (self.make_schema_field is not None)
        if self.kind is None:
            if makers != 2:
                raise ValueError(f"form field {self.code!r}: declare its kind (FieldKind), or give both "
                                 "make_field and make_schema_field")
            return
        self._check_input(f"form field {self.code!r}")
        if bool(self.columns) != (self.kind == FieldKind.TABLE):
            raise ValueError(f"form field {self.code!r}: a table needs columns, and only a table has them")
        if self.kind != FieldKind.TABLE and (self.min_rows or self.max_rows is not None or self.rows_check
                                             or self.row_name):
            raise ValueError(f"form field {self.code!r}: rows apply to a table only")
        if self.max_rows is not None and self.max_rows < max(self.min_rows, 1):
            raise ValueError(f"form field {self.code!r}: max_rows {self.max_rows} below min_rows {self.min_rows}")
        keys = [c.key for c in self.columns]
        if len(set(keys)) != len(keys):
            raise ValueError(f"form field {self.code!r}: two columns share a key")
        problem = self._example_problem()
        if problem:
            raise ValueError(f"form field {self.code!r}: its example {problem}")

    def _example_problem(self) -> str | None:
        """What is wrong with ``example`` against the field's own bounds (a table: its rows and each cell)."""
        if self.kind != FieldKind.TABLE or self.example is None:
            return self.value_problem(self.example)
        rows = self.example
        if not isinstance(rows, (list, tuple)) or not all(isinstance(row, Mapping) for row in rows):
            return "is not a list of rows"
        if len(rows) < self.min_rows or (self.max_rows is not None and len(rows) > self.max_rows):
            return f"has {len(rows)} rows, outside min_rows {self.min_rows} and max_rows {self.max_rows}"
        for number, row in enumerate(rows, 1):
            for column in self.columns:
                problem = column.value_problem(row.get(column.key))
                if problem:
                    return f"row {number}, column {column.key!r}: {problem}"
        return None

    @property
    def declared(self) -> bool:
        """Built by core from the declaration (not the escape hatch's two factories)."""
        return self.kind is not None and self.make_field is None


def with_english_labels(fields: Sequence[FormField], labels: Mapping[str, str],
                        terms: Mapping[str, str] | None = None) -> tuple[FormField, ...]:
    """``fields`` with their English labels (``label_en``) from ``labels``, ``{code: label}``, and the English of
    the texts inside them (``terms_en``: options, table columns) from ``terms``, ``{Chinese: English}``: a plugin
    keeps its translations as tables beside its fields. A code in ``labels`` that names no field raises
    ``KeyError`` (a renamed field would otherwise lose its translation silently); the contract kit
    (``core.testing.contract``) checks that every term is used and every option and column translated."""
    unknown = set(labels) - {f.code for f in fields}
    if unknown:
        raise KeyError(f"English labels for unknown fields: {', '.join(sorted(unknown))}")
    shared = dict(terms or {})
    return tuple(replace(f, label_en=labels.get(f.code, f.label_en), terms_en=shared or f.terms_en) for f in fields)


R = TypeVar("R", bound=CodedRecord)


def with_english_titles(records: Sequence[R], titles: Mapping[str, str]) -> tuple[R, ...]:
    """``records`` (eligibility rules, priorities) with their English titles (``title_en``) from ``titles``,
    ``{code: English}``: a plugin keeps its translations as one table beside its rules; the contract kit
    (``core.testing.contract``) asks for one for every rule and priority the plugin registers."""
    return tuple(replace(r, title_en=titles[r.code]) if r.code in titles else r for r in records)


def with_examples(fields: Sequence[FormField], examples: Mapping[str, Any]) -> tuple[FormField, ...]:
    """``fields`` with their ``example`` values from ``examples``, ``{code: value}``: a plugin keeps its examples
    as one table beside its fields. A code that names no field raises ``KeyError``."""
    unknown = set(examples) - {f.code for f in fields}
    if unknown:
        raise KeyError(f"examples for unknown fields: {', '.join(sorted(unknown))}")
    return tuple(replace(f, example=examples[f.code]) if f.code in examples else f for f in fields)


def dated_example(value: Any, year: int | None) -> Any:
    """A field's ``example`` for a round of ``year``: the year fields of its strings filled (``"{year-3}"`` →
    ``"2023"`` in a 2026 round), in lists and rows too."""
    if isinstance(value, str):
        return year_text(value, year)
    if isinstance(value, Mapping):
        return {k: dated_example(v, year) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [dated_example(v, year) for v in value]
    return value


def field_attr(code: str) -> str:
    """The form/schema attribute of a plugin field: ``hunan.industry`` → ``ext_hunan__industry``."""
    return "ext_" + code.replace(".", "__", 1)


# ---------------------------------------------------------- summary tables ---
# A summary layout describes the whole printed table (汇总表) the way the document prints it; core
# renders it (core/services/spreadsheets.py: borders, fonts, A4 landscape fitted to the page width,
# header rows repeated on every page, print area) and reads it back on import
# (core/applications/summary.py). Text may hold year fields, filled for the round being exported:
# ``{year}`` (the round's year), ``{year-1}``, ``{year-2}``, ``{year+1}``…; the sheet's lines may also
# hold ``{unit}`` (the exporting city's name).

_YEAR_FIELD = re.compile(r"year(?:([+-])(\d{1,2}))?")


class _TextFields(dict):
    """``str.format_map`` values: named values, and ``year±n`` computed from the round's year."""

    def __init__(self, year: int | None, values: Mapping[str, Any]):
        super().__init__(values)
        self.year = year

    def __missing__(self, key: str) -> str:
        match = _YEAR_FIELD.fullmatch(key)
        if match is None:
            raise KeyError(key)
        offset = int(match[2] or 0) * (-1 if match[1] == "-" else 1)
        if self.year is None:  # no round: the field as a readable formula (N = the round's year)
            return "N" if not offset else f"N{offset:+d}"
        return str(self.year + offset)


def year_text(template: str, year: int | None, **values: Any) -> str:
    """``template`` with its fields filled for a round of ``year``.

    ``year_text("{year-1}年利润（预计）", 2026) == "2025年利润（预计）"``; named ``values`` fill other
    fields (``unit``). Without a year, year fields read ``N``, ``N-1``… . Text without ``{`` is
    returned unchanged; an unknown field raises :class:`KeyError` (the contract kit checks every
    layout's text).
    """
    if "{" not in template:
        return template
    return template.format_map(_TextFields(year, values))


@dataclass(frozen=True, kw_only=True)
class SummaryColumn:
    """One column of a summary table.

    ``key`` is what the cell shows:

    * a core value: ``seq`` (row number), ``name``/``applicant_name`` (registered name), ``uscc``,
      ``city``, ``unit_type``, ``industry``, ``evaluator`` (the engaged third-party firm),
      ``evaluation_mode``, ``requested_levels``, ``score`` (the self-evaluation), ``evaluated_score`` (the
      engaged firm's filed score), ``tier``, ``contact`` (person and phone), ``city_opinion`` (the city's
      推荐意见, written when it recommends);
    * a plugin form field's code (``hunan.main_business``);
    * one cell of a table-valued form field: ``<code>[<row>].<name>`` by position
      (``hunan.finances[-1].revenue``: the last row) or, better, by year:
      ``<code>[year=<year field>].<name>`` (``hunan.finances[year={year-1}].revenue``: the row of the
      year before the round).

    What an import may change: ``contact``, ``industry``, ``requested_levels``, ``evaluation_mode``,
    plugin fields and table cells, on drafts. ``seq`` is ignored; ``uscc`` and ``unit_type`` identify
    the application; ``name`` names a new organization; ``city``, ``evaluator``, the scores, ``tier`` and
    ``city_opinion`` are the platform's (a different value is refused with the reason).

    :ivar header: the printed header; may hold year fields (``{year-1}年主营业务收入（预计）``).
    :ivar group: a header printed above consecutive columns of the same group (a merged cell in a
        second header row); ungrouped headers span both rows.
    :ivar width: column width in characters (Excel's unit); 0 lets core choose from the key.
    :ivar number_format: Excel number format of numeric cells (``"#,##0.00"``); "" for General.
    :ivar choices: ``(stored value, printed label)`` pairs for coded values (创建类型, levels); the
        import reads the labels back.
    :ivar ticks: print every choice with a box, ticked or not (``☑国家级 ☐省级``); the import reads
        the ticked ones (☑, ✓, √ or ■ before a label).
    :ivar table_years: for a table-cell key, the rows a table starts with when an import creates it,
        as year fields (Hunan 附件1: ``("{year-3}", "{year-2}", "{year-1}")``).
    """

    key: str
    header: str
    group: str = ""
    width: float = 0
    number_format: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    ticks: bool = False
    table_years: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class SummarySection:
    """One table of recommended units: the rows of ``unit_types`` under a header of ``columns``.

    ``title`` is printed as a caption row above the table when a sheet stacks several sections
    (Jiangxi's 绿色工厂推荐名单 / 绿色园区推荐名单 / 绿色供应链管理企业推荐名单).
    """

    title: str
    unit_types: tuple[str, ...]
    columns: tuple[SummaryColumn, ...]


@dataclass(frozen=True, kw_only=True)
class SummarySheet:
    """One printed sheet (one attachment of the document), top to bottom.

    :ivar name: the tab name (at most 31 characters, e.g. ``附件2-1``).
    :ivar label: printed at the top left (``附件2-1``).
    :ivar title: the merged title, with year fields (``{year}年湖南省绿色制造体系申报汇总表``).
    :ivar subtitle: a line under the title (``（绿色工厂、绿色供应链管理示范企业）``).
    :ivar lines: lines above the table, each ``"left"`` or ``"left|right"`` (the seal and unit line
        ``推荐单位（盖章）：{unit}|单位：万元``; ``填报人：``). ``{unit}`` is the city's name.
    :ivar sections: the tables, stacked in order (each with its caption when there are several).
    :ivar notes: the notes printed under the table (``注：1、此表由…填写。``), one line each.
    :ivar footer: the signature block at the bottom right (``推荐单位：``, ``(单位公章)``, ``年 月 日``).
    """

    name: str
    title: str
    sections: tuple[SummarySection, ...]
    label: str = ""
    subtitle: str = ""
    lines: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    footer: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class SummaryLayout(CodedRecord):
    """Layout of a summary table (汇总表) a city or province exports, as printed.

    Give ``sheets`` (the printed attachments); ``sections`` is then filled with every sheet's
    sections in order. A layout given with ``sections`` only prints one sheet per section under
    ``title``.

    :ivar title: the table's name with year fields (listings, the file's properties).
    :ivar levels: the list levels of the rounds it serves (empty: every level).
    :ivar years: the rounds (years) it was published for. A round of another year reuses the
        newest earlier layout (else the earliest later one) and says so; empty: every year.
    :ivar platform: True when the document prescribes no table and the platform defines it (the
        cite says why); pages and the printed footer mark it.
    :ivar title_font: font of the title and headers; :ivar body_font: of the cells, lines and notes
        (the documents' 宋体/仿宋 convention).
    """

    title: str
    sections: tuple[SummarySection, ...] = ()
    levels: tuple[Level, ...] = ()
    sheets: tuple[SummarySheet, ...] = ()
    years: tuple[int, ...] = ()
    platform: bool = False
    title_font: str = "宋体"
    body_font: str = "仿宋"

    def __post_init__(self) -> None:
        if self.sheets and not self.sections:
            object.__setattr__(self, "sections", tuple(s for sheet in self.sheets for s in sheet.sections))
        elif self.sections and not self.sheets:
            object.__setattr__(self, "sheets", tuple(
                SummarySheet(name=s.title, title=self.title, subtitle=s.title if s.title != self.title else "",
                             sections=(s,)) for s in self.sections))


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


# ------------------------------------------------- rules core used to fix ---
# issue 17: rules core once hard-coded, now answered by a plugin (national by default). Where no document
# gives the value, national's answer says ``platform_default=True``: pages and listings show it as the
# platform's default, never as a rule of a document.


@dataclass(frozen=True, kw_only=True)
class ConsultedDepartment:
    """One department a city (or the province) consults before recommending (征求…意见)."""

    code: str
    name: str
    name_en: str


@dataclass(frozen=True, kw_only=True)
class ConsultedDepartments(Record):
    """The departments offered when a city or the province records whom it consulted before recommending.

    ``departments`` are the ones the document names; ``others_allowed`` (the document says "等") lets staff
    record other departments by name as well. Whether consulting is *required* is an eligibility rule of the
    region (it reads ``consulted_departments``: the codes ticked plus the names given).
    """

    departments: tuple[ConsultedDepartment, ...]
    others_allowed: bool = False
    platform_default: bool = False

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(d.code for d in self.departments)


@dataclass(frozen=True, kw_only=True)
class CityRecommendation(Record):
    """What a city gives with its recommendation to the ``level`` round of ``year`` (市级推荐).

    ``opinion_required``: the city writes its 推荐意见 (text, ``opinion_min`` to ``opinion_max`` characters)
    on each application it recommends; elsewhere the opinion is optional (at most ``opinion_max``).
    ``file_required``: the city uploads its 推荐文件 (the city's official recommendation document, one PDF
    per city and round); the province's page marks a city that has recommended without one.
    """

    opinion_required: bool = False
    opinion_min: int = 10
    opinion_max: int = 2000
    file_required: bool = False
    platform_default: bool = False
    #: the eligibility condition (its code) this answer carries out (Hubei's 推荐意见, 002 三(四)): a round whose
    #: notice sets that condition aside gets the answer the other plugins give, as for :class:`EvaluationModes`
    condition: str = ""


@dataclass(frozen=True, kw_only=True)
class GreenCodeBands(Record):
    """企业绿码 bands: ``bands`` are ``(label, share)`` pairs, best first, each ``share`` the cumulative share of
    units (0-1] scoring strictly higher than the band's last unit may reach (A+ 0.05, A 0.40, B 1.0). The
    last share is 1.0. Only units of ``unit_types`` get a code."""

    bands: tuple[tuple[str, float], ...]
    unit_types: tuple[str, ...] = ("factory",)
    platform_default: bool = False


@dataclass(frozen=True, kw_only=True)
class ReviewPanel(Record):
    """The expert panel that grades an application: at least ``min_experts`` submitted scores."""

    min_experts: int
    platform_default: bool = False


@dataclass(frozen=True, kw_only=True)
class EvaluatorBan(Record):
    """What follows when a third-party evaluator is found to have falsified or hidden problems: its reports
    are not accepted for ``years`` years; ``published`` the finding is announced on the platform (通报);
    ``sanction`` the code of the region's registered :class:`Sanction` the ban is recorded under (empty: a
    generic evaluator-fraud ban)."""

    years: int
    published: bool = False
    sanction: str = ""
    platform_default: bool = False


@dataclass(frozen=True, kw_only=True)
class AverageGate(Record):
    """The gate "not below the average of the region's existing national units" (不低于本地区…平均水平) when
    the province recommends to the national list. ``applies`` False: the round has no such gate;
    ``blocking`` True refuses a unit below the average, else it is a warning staff acknowledge."""

    applies: bool
    blocking: bool = False
    platform_default: bool = False


@dataclass(frozen=True, kw_only=True)
class FilingFigure:
    """One key figure of the annual dynamic-management table (年度动态管理表): a number, at least 0, in ``unit``."""

    key: str
    name: str
    name_en: str
    #: the unit as the table writes it (万元, tce, m³): Chinese pages (工业总产值（万元）), the API, the xlsx
    unit: str = ""
    #: the unit on English pages, a platform translation (万元 → ``"10,000 yuan"``, 万吨标煤 → ``"10,000 tce"``; a
    #: unit without Chinese, tce or m³, is given as it is); ``None``: English pages show ``unit``
    unit_en: str | None = None


@dataclass(frozen=True, kw_only=True)
class FilingFigures(Record):
    """The key figures (关键指标情况) a listed unit reports in its annual filing, beside the indicator table."""

    figures: tuple[FilingFigure, ...]
    platform_default: bool = False


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


# ------------------------------------- issue 17: a round's industries, judged conditions, priorities ---


@dataclass(frozen=True, kw_only=True)
class IndustryChoices(Record):
    """The industries an application of one round may name (``gm_policy_industries``).

    :ivar codes: the registered :class:`Industry` codes offered; empty: every registered industry.
    :ivar open: True when the round's document lets any other industry be named as well (its name, as text;
        evaluated against the general requirements, 通则), e.g. Jiangxi 2024 (003 二（一）, 附件 行业).
    """

    codes: tuple[str, ...] = ()
    open: bool = False


@dataclass(frozen=True, kw_only=True)
class JudgedCondition(EligibilityRule):
    """A condition a reviewer judges (e.g. Shanxi 第十条: 行业影响力大、经营实力雄厚…): registered with the
    eligibility rules. ``evidence`` names the form fields holding what the applicant gives for it; ``check``
    (optional) says what is missing from that evidence. With the evidence given, core shows the condition as
    for the reviewer to judge, quoting the evidence, and records the reviewer's acknowledgement."""

    evidence: tuple[str, ...] = ()
