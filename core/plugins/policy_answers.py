"""Policy answers a region's plugin gives (``gm_policy_*``): the steps a document dates, notice periods and
publication, evaluator caps, quotas, grading, evaluation modes, joint rounds, corrections, and the rules core
once fixed itself (consulted departments, a city's recommendation, 绿码 bands, the review panel, evaluator bans,
the average gate, annual filing figures, a round's industries).

Plugins import these through :mod:`core.plugins` (or :mod:`core.plugins.types`) only.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import ClassVar, Mapping

from core.plugins.identity import CapBasis, CodedRecord, DayCount, EvaluationMode, Level, Record

#: a year in a step's code (``city_submission_2024``): steps belong to the workflow, dates to documents
_YEAR_IN_CODE = re.compile(r"(?<![0-9])(19|20)[0-9]{2}(?![0-9])")


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


# ----------------------------------------------- issue 17: a round's industries ---


@dataclass(frozen=True, kw_only=True)
class IndustryChoices(Record):
    """The industries an application of one round may name (``gm_policy_industries``).

    :ivar codes: the registered :class:`Industry` codes offered; empty: every registered industry.
    :ivar open: True when the round's document lets any other industry be named as well (its name, as text;
        evaluated against the general requirements, 通则), e.g. Jiangxi 2024 (003 二（一）, 附件 行业).
    """

    codes: tuple[str, ...] = ()
    open: bool = False
