"""The greenmfg plugin contract: every hook a region plugin may implement.

Read this module to write a region plugin. Three families, told apart by name:

``gm_region``
    Identity. Every plugin answers with its own :class:`~core.plugins.types.Region`.
``gm_register_*``
    Registries. All answers are collected and merged by ``code``. A code that two
    plugins both supply stops start-up unless the later record names the earlier
    one in ``replaces=``. Output is sorted by code, never by load order.
``gm_policy_*``
    Single answers. The first plugin that returns something other than ``None``
    wins; the national plugin always answers, and answers last, so its answer is
    the default. ``None`` means "no opinion", never "unlimited": say
    ``Quota.UNLIMITED`` or ``EvaluatorCap.UNLIMITED`` for that. The keyword
    ``national`` carries the national plugin's answer for the same arguments, so
    a province can derive its rule ("national cap minus five") without importing
    the national plugin. Where national rules are ceilings (evaluator caps,
    quotas) a province may go lower, never higher: core refuses to start.
``gm_setup_*``
    Called once while the app is built.

Every record a plugin returns keeps its provenance: core stamps ``source`` with
the plugin's name. Plugins fill in ``cite`` with the seed document and article.
Core never calls these hooks directly; it asks the :class:`core.plugins.rules.RegionRules`
facade, which validates, stamps and caches the answers.

All arguments are passed by keyword; an implementation may accept any subset
of them (pluggy matches by name), so new arguments can be added later without
breaking plugins.

The contract changes by the rules of :mod:`core.plugins.lifecycle`: it has a version
(``core.plugins.CONTRACT_VERSION``, changes in ``docs/CHANGELOG-plugins.md``); a hook or
an argument is deprecated, with a warning naming the version that removes it and what
to use instead, before it is removed; a renamed hook keeps answering under its old name
until then. Each hook says when it was added (``versionadded``), changed
(``versionchanged``) and, on its way out, deprecated (``deprecated``). Hook wrappers
(``wrapper=True``, ``hookwrapper=True``) are refused at start-up: core calls every
implementation itself.
"""
from __future__ import annotations

from typing import Any, Sequence

import pluggy

from core.plugins.types import (
    AdminUnit,
    AverageGate,
    CityRecommendation,
    ConsultedDepartments,
    CorrectionPolicy,
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
    Quota,
    Region,
    ReviewPanel,
    Sanction,
    SharedEvaluatorCap,
    SummaryLayout,
    UnitType,
)

PROJECT = "greenmfg"
hookspec = pluggy.HookspecMarker(PROJECT)

# ================================================================= identity ==


@hookspec
def gm_region() -> Region:
    """Return this plugin's identity.

    Called once at start-up. Exactly one plugin besides ``national`` may answer;
    its ``code`` must equal its entry-point name in ``greenmfg.regions``.

    :return: the :class:`Region` record. Never ``None``.

    All results are collected.

    Example::

        @hookimpl
        def gm_region():
            return Region(code="hunan", name="湖南省", name_en="Hunan")

    .. versionadded:: 0.1
    """


# =============================================================== registries ==


@hookspec
def gm_register_list_levels() -> Sequence[ListLevel]:
    """Return the list levels (city, provincial, national) this plugin defines.

    Called once at start-up. National defines all three; provinces rarely add any.

    :return: a sequence of :class:`ListLevel`; empty or ``None`` for none.

    All results are collected and merged by ``code``.

    Example::

        @hookimpl
        def gm_register_list_levels():
            return [ListLevel(code="provincial", name="省级", rank=2,
                              cite="《绿色工厂梯度培育及管理暂行办法》(工信部节〔2024〕13号) 第二条")]

    .. versionadded:: 0.1
    """


@hookspec
def gm_register_unit_types() -> Sequence[UnitType]:
    """Return the kinds of listed unit the region offers.

    Called once at start-up. National offers factory, park and supply_chain;
    a province that still runs green design products adds ``product``; a province
    that narrows a type's levels replaces the national record.

    :return: a sequence of :class:`UnitType`.

    All results are collected and merged by ``code``.

    Example::

        @hookimpl
        def gm_register_unit_types():
            return [UnitType(code="product", name="绿色设计产品", name_en="Green design product",
                             levels=(Level.PROVINCIAL,), cite="002_9c75e1d2ebfbdf50.txt 一")]

    .. versionadded:: 0.1
    """


@hookspec
def gm_register_admin_units() -> Sequence[AdminUnit]:
    """Return the region's submitting administrative units (市州 and peers).

    Called once at start-up; core stores them in the ``admin_unit`` table.
    National registers none.

    :return: a sequence of :class:`AdminUnit` with their :class:`UnitKind`.

    All results are collected and merged by ``code``.

    Example::

        @hookimpl
        def gm_register_admin_units():
            cite = "000_5ae1342e00264ea1.txt 抬头 (各市州工信局)"
            return [AdminUnit(code="hunan.changsha", name="长沙市", kind=UnitKind.CITY, cite=cite),
                    AdminUnit(code="hunan.xiangxi", name="湘西土家族苗族自治州", kind=UnitKind.PREFECTURE, cite=cite)]

    .. versionadded:: 0.1
    """


@hookspec
def gm_register_industries() -> Sequence[Industry]:
    """Return the key industries with industry-specific evaluation requirements.

    Called once at start-up. National registers MIIT's 53 key industries.

    :return: a sequence of :class:`Industry`.

    All results are collected and merged by ``code``.

    Example::

        @hookimpl
        def gm_register_industries():
            return [Industry(code="building.01", name="水泥", sector="建材", name_en="Cement",
                             cite="001_3f04a56fc6693327.txt 附件3 重点行业清单")]

    .. versionadded:: 0.1
    """


@hookspec
def gm_register_deadlines() -> Sequence[Deadline]:
    """Return deadlines: yearly (``month_day``) or for one round (``date`` + ``year``).

    Called once at start-up. A province replaces a national deadline with
    ``replaces="<code>"`` (a different dynamic-filing day) or adds its own
    (``hunan.city_summary``).

    :return: a sequence of :class:`Deadline`.

    All results are collected and merged by ``code``.

    Example::

        @hookimpl
        def gm_register_deadlines():
            return [Deadline(code="shanxi.city_recommendation", title="市级推荐省级绿色工厂",
                             month_day=(5, 31), actor="city", levels=(Level.PROVINCIAL,),
                             cite="004_7a8ddd82f611ab67.txt 第十三条")]

    .. versionadded:: 0.1
    """


@hookspec
def gm_register_negative_list_items() -> Sequence[NegativeListItem]:
    """Return negative-list (负面清单) items applicants declare against.

    Called once at start-up. National registers the six items with a 3-year
    look-back; a province adds items or replaces one (a lower incident level).

    :return: a sequence of :class:`NegativeListItem`.

    All results are collected and merged by ``code``.

    Example::

        @hookimpl
        def gm_register_negative_list_items():
            return [NegativeListItem(code="hunan.env_disclosure", title="未严格执行环境信息强制性披露的有关规定（湖南省级创建）",
                                     lookback_years=3, levels=(Level.PROVINCIAL,), years=(2024,),
                                     cite="000_5ae1342e00264ea1.txt 二.1 (近三年有下列情况的不予推荐：未严格执行环境信息强制性披露的有关规定)")]

    .. versionadded:: 0.1
    """


@hookspec
def gm_register_eligibility_rules() -> Sequence[EligibilityRule]:
    """Return eligibility rules checked when an application is submitted.

    Called once at start-up. Each rule may carry a ``check`` callable; a
    non-blocking rule is a warning a reviewer must acknowledge.

    :return: a sequence of :class:`EligibilityRule`.

    All results are collected and merged by ``code``.

    Example::

        def _consulted(data):
            if not data.get("consulted_departments"):
                return "设区市推荐前须征求当地主管部门意见 / the city must consult the local departments before recommending"
            return None


        @hookimpl
        def gm_register_eligibility_rules():
            return [EligibilityRule(code="jiangxi.city_consultation",
                                    title="设区市推荐前征求当地生态环境、应急管理、市场监管等主管部门意见",
                                    levels=(Level.PROVINCIAL, Level.NATIONAL), check=_consulted,
                                    cite="003_a3fa60aeba77aa34.txt 三（一）")]

    .. versionadded:: 0.1
    """


@hookspec
def gm_register_sanctions() -> Sequence[Sanction]:
    """Return removal and ban rules (dynamic management).

    Called once at start-up. National: fraud → removal and a 3-year ban;
    bottom 5% three years running → removal; and the rest of the 办法.

    :return: a sequence of :class:`Sanction`.

    All results are collected and merged by ``code``.

    Example::

        @hookimpl
        def gm_register_sanctions():
            return [Sanction(code="hubei.triennial_review", title="三年一复核，不再符合要求的动态调整出名单",
                             removal=True, cite="002_9c75e1d2ebfbdf50.txt 三(六)")]

    .. versionadded:: 0.1
    """


@hookspec
def gm_register_form_fields() -> Sequence[FormField]:
    """Return extra application-form fields, each declared once.

    Called once at start-up. A :class:`FormField` says what it holds (``kind``,
    :class:`FieldKind`: text, number, yes/no, date, choice, upload, table) and
    what it accepts (``required``, ``minimum``/``maximum``, ``max_length``,
    ``pattern``, ``choices``; a table's ``columns``, ``min_rows``/``max_rows``
    and ``rows_check``). Core builds the web form's field and the JSON API's
    field (and so its OpenAPI property) from that one declaration, so both
    accept the same values, and attaches them as ``ext_<region>__<code>`` on a
    per-request form subclass and on the API schema; values are stored in the
    application's extension data, never in core columns.

    Escape hatch, for what a declaration cannot say: no ``kind``, and both
    ``make_field`` (an unbound WTForms field) and ``make_schema_field`` (its
    marshmallow twin); the contract kit tries every bound and option either
    side states on both sides and fails on any disagreement.

    :return: a sequence of :class:`FormField`.

    All results are collected and merged by ``code``.

    Example::

        @hookimpl
        def gm_register_form_fields():
            return [FormField(code="hunan.main_business", label="主营业务", kind=FieldKind.TEXT, required=True,
                              max_length=200, unit_types=("factory", "supply_chain"), levels=(Level.PROVINCIAL,),
                              example="水泥及熟料生产",
                              cite="000_5ae1342e00264ea1.txt 附件1 基本情况表（绿色工厂、绿色供应链管理示范企业填写）")]

    .. versionadded:: 0.1
    .. versionchanged:: 0.6 declared once (``kind`` and its bounds); the two
       factories only as an escape hatch.
    """


@hookspec
def gm_register_summary_layouts() -> Sequence[SummaryLayout]:
    """Return summary-table (汇总表) layouts cities and provinces export, as the document prints them.

    Called once at start-up. A layout describes the whole printed table: its sheets
    (:class:`SummarySheet`: the 附件 label, the title with year fields such as ``{year}``, a
    subtitle, the seal and unit lines ``推荐单位（盖章）：{unit}|单位：万元``, the notes and the signature
    block) and on each sheet one or more tables stacked (:class:`SummarySection`), whose columns
    (:class:`SummaryColumn`) give the header (``{year-1}年利润（预计）``), a group printed as a merged
    header above several columns, the width, the number format, printed labels of coded values and
    tick boxes (``☑国家级 ☐省级``). ``years`` names the rounds it was published for (another round
    reuses the newest earlier layout and says so); ``platform=True`` marks a table the documents do
    not prescribe. Core prints it (A4 landscape fitted to the page width, borders, 宋体/仿宋, header
    rows on every page, print area), keeps the 统一社会信用代码 outside the print area when the table
    has no such column, and reads every column back on import.

    :return: a sequence of :class:`SummaryLayout`.

    All results are collected and merged by ``code``.

    Example::

        @hookimpl
        def gm_register_summary_layouts():
            columns = (SummaryColumn(key="seq", header="序号", width=5),
                       SummaryColumn(key="applicant_name", header="申报单位", width=24))
            return [SummaryLayout(
                code="hunan.creation_plan_2024", title="{year}年湖南省绿色制造体系申报汇总表",
                levels=(Level.PROVINCIAL,), years=(2024,), cite="000_5ae1342e00264ea1.txt 附件2-1",
                sheets=(SummarySheet(name="附件2-1", label="附件2-1", title="{year}年湖南省绿色制造体系申报汇总表",
                                     lines=("推荐单位（盖章）：{unit}|单位：万元",),
                                     notes=("注：1、此表由市州工信局、省直管试点县（市）工信部门填写。",),
                                     sections=(SummarySection(title="绿色工厂", unit_types=("factory",),
                                                              columns=columns),)),))]

    .. versionadded:: 0.1
    .. versionchanged:: 0.2 sheets, years, platform, column groups, widths, formats, choices, ticks.
    """


@hookspec
def gm_register_indicator_sets() -> Sequence[IndicatorSet]:
    """Return evaluation indicator tables, versioned by year.

    Called once at start-up. National registers the MIIT 2025 factory (14
    indicators) and park (17 indicators) tables. A province or a newer standard
    supplies a set with a later ``year_from``, or replaces one outright.

    :return: a sequence of :class:`IndicatorSet`.

    All results are collected and merged by ``code``.

    Example::

        @hookimpl
        def gm_register_indicator_sets():
            return [IndicatorSet(code="miit2025.factory", title="绿色工厂评价要求（2025）", unit_type="factory", year_from=2025,
                                 indicators=(Indicator(number=1, name="能源消耗强度", group="能源低碳化", weight=100,
                                                       kind=IndicatorKind.REVERSE, unit="tce/产品单位或tce/万元"),),
                                 cite="001_3f04a56fc6693327.txt 附件1 绿色工厂评价要求")]

    .. versionadded:: 0.1
    """


@hookspec
def gm_register_evaluator_requirements() -> Sequence[EvaluatorRequirement]:
    """Return the requirements third-party evaluator firms must meet in the region.

    Called once at start-up; checked when a firm registers and when it accepts
    an engagement. National registers none (its attachment's numbers are not
    known); Hubei registers its 附件2 qualifications.

    :return: a sequence of :class:`EvaluatorRequirement`.

    All results are collected and merged by ``code``.

    Example::

        def _office(firm):
            return None if firm.get("fixed_office") is True else "须有固定的办公场所 / needs a fixed office"


        @hookimpl
        def gm_register_evaluator_requirements():
            return [EvaluatorRequirement(code="hubei.evaluator_office", title="具有固定的办公场所及开展评价工作的办公条件",
                                         check=_office, cite="002_9c75e1d2ebfbdf50.txt 附件2 一")]

    .. versionadded:: 0.1
    """


@hookspec
def gm_register_provisions() -> Sequence[Provision]:
    """Return documented provisions: rules people carry out, listed with their source.

    Called once at start-up. Use it for what no other hook expresses (a support
    role, a re-review cycle, a spot-check duty), so that ``greenmfg rules`` lists
    every rule of the region's documents with where it comes from.

    :return: a sequence of :class:`Provision`.

    All results are collected and merged by ``code``.

    Example::

        @hookimpl
        def gm_register_provisions():
            return [Provision(code="hubei.triennial_review", title="三年一复核", topic="review_cycle",
                              details={"every_years": 3, "actor": "city"}, cite="002_9c75e1d2ebfbdf50.txt 三(六)")]

    .. versionadded:: 0.1
    """


@hookspec
def gm_register_evaluator_caps() -> Sequence[SharedEvaluatorCap]:
    """Return caps that count evaluation projects of several levels together.

    Called once at start-up; applied when a firm accepts an engagement, beside the per-level
    cap of :func:`gm_policy_evaluator_cap`. A project counts against *every* cap that covers its
    unit type and level (each cap has its own counter, per legal representative or legal
    entity and year), and all of them are taken in the same transaction: the firm is refused
    when any one is full. Use it where a document counts levels together ("同一法人的评价机构每年
    开展的绿色制造体系评价项目总计不得超过15项"); a cap of one level belongs to the policy hook.
    Such a cap only adds a limit, so it can never loosen national's; one that ``replaces`` a
    national cap may not be looser than it (higher limit, another basis, fewer levels or types).

    :return: a sequence of :class:`SharedEvaluatorCap`.

    All results are collected and merged by ``code``.

    Example::

        @hookimpl
        def gm_register_evaluator_caps():
            return [SharedEvaluatorCap(code="hubei.evaluator_cap", title="同一法人每年评价项目总计不超过15项",
                                       limit=15, basis=CapBasis.LEGAL_ENTITY,
                                       levels=(Level.CITY, Level.PROVINCIAL, Level.NATIONAL),
                                       unit_types=("factory", "park", "product", "supply_chain"),
                                       cite="002_9c75e1d2ebfbdf50.txt 附件2 二(三)")]

    .. versionadded:: 0.3
    """


# ================================================================= policies ==


@hookspec(firstresult=True)
def gm_policy_evaluator_cap(unit_type: str, level: Level, national: EvaluatorCap | None) -> EvaluatorCap | None:
    """Return the annual cap on evaluation projects of one level for one evaluator.

    Called when an engagement is accepted and at start-up validation. A cap that counts
    several levels together (and applies beside this one) is registered with
    :func:`gm_register_evaluator_caps`.

    :param unit_type: the unit type of the project.
    :param level: the list level the project is evaluated for.
    :param national: the national answer for the same arguments (``None`` when
        national itself is asked).
    :return: an :class:`EvaluatorCap`; ``EvaluatorCap.UNLIMITED`` for no cap;
        ``None`` for no opinion. A province cap may not exceed the national one, nor answer with a cap whose
        ``unit_types`` or ``levels`` leave out what was asked where the national cap covers it (start-up
        refuses both: the projects left out would count against no cap).

    Stops at first non-None result; national answers last.

    Example::

        @hookimpl
        def gm_policy_evaluator_cap(level, national):
            if level == Level.PROVINCIAL:
                return EvaluatorCap(limit=10, levels=(level,), cite="004_7a8ddd82f611ab67.txt 第二十四条")

    .. versionadded:: 0.1
    """


@hookspec(firstresult=True)
def gm_policy_quota(admin_unit: str, unit_type: str, year: int, national: Quota | None) -> Quota | None:
    """Return how many units ``admin_unit`` may have recommended or listed.

    Called when a city recommends an application and for the quota dashboard.

    :param admin_unit: the administrative unit's code.
    :param unit_type: the unit type.
    :param year: the campaign year.
    :param national: the national answer (``Quota.UNLIMITED``).
    :return: a :class:`Quota`; ``Quota.UNLIMITED`` for none; ``None`` for no opinion.

    Stops at first non-None result; national answers last.

    Example::

        @hookimpl
        def gm_policy_quota(admin_unit, unit_type):
            if admin_unit == "hubei.wuhan" and unit_type == "factory":
                return Quota(limit=21, binding=False, period=(2021, 2025),
                             cite="002_9c75e1d2ebfbdf50.txt 附件3 武汉市 × 绿色工厂 (预期目标)")
            return None

    .. versionadded:: 0.1
    """


@hookspec(firstresult=True)
def gm_policy_grading(unit_type: str, level: Level, national: GradingScheme | None) -> GradingScheme | None:
    """Return the grading tiers for a unit type at a level.

    Called when a score is mapped to a tier. Tiers must be contiguous from 0.

    :return: a :class:`GradingScheme`; ``GradingScheme.NONE`` for no grading;
        ``None`` for no opinion.

    Stops at first non-None result; national answers last.

    Example::

        @hookimpl
        def gm_policy_grading(level):
            if level != Level.PROVINCIAL:
                return None
            cite = "004_7a8ddd82f611ab67.txt 第十四条"
            return GradingScheme(tiers=(
                Tier(code="C", label="C级", min_score=0, max_score=70, recommendable=False, cite=cite),
                Tier(code="B", label="B级", min_score=70, max_score=85, cite=cite),
                Tier(code="A", label="A级", min_score=85, cite=cite)), cite=cite)

    .. versionadded:: 0.1
    """


@hookspec(firstresult=True)
def gm_policy_notice_period(level: Level, national: NoticePeriod | None) -> NoticePeriod | None:
    """Return the public-notice (公示) period before a list at ``level`` is published.

    Called when a notice is opened, to compute its end date.

    :return: a :class:`NoticePeriod` in calendar or working days; ``None`` for no
        opinion. When no plugin answers, the level has no notice rule and
        publication needs the province to configure one.

    Stops at first non-None result; national answers last.

    Example::

        @hookimpl
        def gm_policy_notice_period(level):
            if level == Level.PROVINCIAL:
                return NoticePeriod(days=10, count=DayCount.WORKING_DAYS,
                                    cite="004_7a8ddd82f611ab67.txt 第十三条 (公示10个工作日)")
            return None

    .. versionadded:: 0.1
    """


@hookspec(firstresult=True)
def gm_policy_evaluation_modes(
    unit_type: str, level: Level, year: int, national: EvaluationModes | None
) -> EvaluationModes | None:
    """Return the evaluation modes an applicant may choose, and what the evaluation must produce.

    Called when an application form is built, on the applicant's evaluation page, when it is
    submitted and when the city recommends it. ``report_required`` makes submission
    (``report_stage="submit"``) or the city's recommendation (``"recommend"``) wait for the
    evaluation report, naming this rule's citation; ``on_site_visit`` makes the third party's
    report record the day of its on-site evaluation.

    :return: an :class:`EvaluationModes`; ``None`` for no opinion.

    Stops at first non-None result; national answers last.

    Example::

        @hookimpl
        def gm_policy_evaluation_modes(level):
            if level == Level.PROVINCIAL:
                return EvaluationModes(allowed=(EvaluationMode.THIRD_PARTY,), third_party_required=True,
                                       report_required=True, cite="002_9c75e1d2ebfbdf50.txt 三(三)")
            return None

    .. versionadded:: 0.1
    """


@hookspec(firstresult=True)
def gm_policy_joint_round(
    level: Level, year: int, unit_type: str, national: JointRound | None
) -> JointRound | None:
    """Return which levels one application of a round may ask for together.

    Called when an application form is built or saved (the levels offered), when a
    city recommends (levels it may recommend) and at the province's gate to the
    national list (whether a provincial listing of the same round satisfies the
    national prerequisite, 办法 第十一条).

    :param level: the round's (campaign's) level.
    :param year: the round's year.
    :param unit_type: the unit type applying.
    :param national: the national answer (the round's own level only).
    :return: a :class:`JointRound` whose ``levels`` include ``level``;
        ``None`` for no opinion.

    Stops at first non-None result; national answers last.

    Example::

        @hookimpl
        def gm_policy_joint_round(level, year):
            if level == Level.NATIONAL and year == 2024:
                return JointRound(levels=(Level.NATIONAL, Level.PROVINCIAL), provincial_satisfies_national=True,
                                  cite="003_a3fa60aeba77aa34.txt 一")

    .. versionadded:: 0.2
    """


@hookspec(firstresult=True)
def gm_policy_correction(
    level: Level, year: int, unit_type: str, national: CorrectionPolicy | None
) -> CorrectionPolicy | None:
    """Return what a city's return for correction lets the applicant change in a round.

    Called when a city returns a submitted application (the longest correction period) and
    when a returned application is saved, its evidence uploaded or removed, or it is submitted
    again (changes outside the policy are refused, naming the field and this rule).

    :param level: the round's (campaign's) level.
    :param year: the round's year.
    :param unit_type: the unit type applying.
    :param national: the national answer (everything, 90 days, outside rounds whose
        document freezes submitted data).
    :return: a :class:`CorrectionPolicy`; ``None`` for no opinion.

    Stops at first non-None result; national answers last.

    Example::

        @hookimpl
        def gm_policy_correction(level, year):
            if level == Level.NATIONAL and year == 2025:
                return CorrectionPolicy(scope=CorrectionPolicy.FIELDS, fields=("contact_phone",), max_days=30,
                                        cite="001_3f04a56fc6693327.txt 四.2")

    .. versionadded:: 0.2
    """


# ==================================================================== setup ==


@hookspec
def gm_setup_config_defaults() -> dict[str, Any]:
    """Return the plugin's configuration defaults.

    Called once in ``create_app``. Keys must start with the region code in
    upper case (``HUNAN_``); they are applied with ``setdefault``, so instance
    configuration always wins.

    :return: a mapping of config keys to default values.

    All results are collected.

    Example::

        @hookimpl
        def gm_setup_config_defaults():
            # 004 第十四条: the A and B cut-offs of the provincial grading, which a deployment may set
            return {"SHANXI_GRADE_A_MIN": 85.0, "SHANXI_GRADE_B_MIN": 70.0}

    .. versionadded:: 0.1
    """


@hookspec(firstresult=True)
def gm_policy_publication(level: Level, year: int, national: Publication | None) -> Publication | None:
    """Return how the ``level`` list of ``year`` is published, and who publishes it.

    Called when staff open a notice or publish a decision, and for the rules view. National answers
    every level: the national list by a 15-day notice of the ministry (办法 第十二条); city and provincial
    lists by a decision of the city or the province as a *platform default* (``platform_default=True``),
    which a province replaces with what its document says.

    A province whose document describes a stage before the list (创建计划 / 创建单位, 培育库 / 培育对象) names it
    in ``stage`` (:class:`CultivationStage`): units published into it show publicly under the stage's name and
    count as no listing for any rule; ``round_publishes=True`` where the round's own decision publishes the stage
    (the list follows by the province's 认定).

    :return: a :class:`Publication`; ``None`` for no opinion.

    Stops at first non-None result; national answers last.

    Example::

        @hookimpl
        def gm_policy_publication(level):
            if level == Level.CITY:
                return Publication(procedure=PublicationProcedure.DECISION, publisher="city",
                                   cite="004_7a8ddd82f611ab67.txt 第十二条")
            if level == Level.PROVINCIAL:
                return Publication(procedure=PublicationProcedure.NOTICE, publisher="province",
                                   cite="004_7a8ddd82f611ab67.txt 第十三条",
                                   stage=CultivationStage(name="培育库", member="培育对象",
                                                          name_en="cultivation pool", member_en="cultivated unit",
                                                          cite="004_7a8ddd82f611ab67.txt 第七条"))

    .. versionadded:: 0.2
    .. versionchanged:: 0.6 ``stage`` (a stage before the list, issue 43)
    """


@hookspec(firstresult=True)
def gm_policy_consulted_departments(level: Level, year: int,
                                    national: ConsultedDepartments | None) -> ConsultedDepartments | None:
    """Return the departments a city or the province records as consulted before recommending to ``level``.

    Called when the recommend forms are built and when a recommendation's consulted departments are saved
    (codes outside the list are refused unless ``others_allowed``, which accepts departments by name).
    National answers the three departments 003 三（一） and 004 第十三条 name, "等" included, as a platform
    default. Whether consulting is required stays an eligibility rule of the region.

    :return: a :class:`ConsultedDepartments`; ``None`` for no opinion.

    Stops at first non-None result; national answers last.

    Example::

        @hookimpl
        def gm_policy_consulted_departments(level):
            if level == Level.PROVINCIAL:
                return ConsultedDepartments(
                    departments=(
                        ConsultedDepartment(code="ecology_environment", name="生态环境", name_en="Ecology and environment"),
                        ConsultedDepartment(code="emergency_management", name="应急管理", name_en="Emergency management"),
                        ConsultedDepartment(code="market_regulation", name="市场监管", name_en="Market regulation")),
                    others_allowed=True, cite="003_a3fa60aeba77aa34.txt 三（一） (生态环境、应急管理、市场监管等)")
            return None

    .. versionadded:: 0.4
    """


@hookspec(firstresult=True)
def gm_policy_city_recommendation(level: Level, year: int,
                                  national: CityRecommendation | None) -> CityRecommendation | None:
    """Return what a city gives with its recommendation to ``level`` in the round of ``year``.

    Called when a city recommends (its 推荐意见 is refused when missing or out of length where
    ``opinion_required``), when the recommend forms are built, and on the province's page of the round (a city
    without its 推荐文件 is marked where ``file_required``). National answers neither required, as a platform
    default: no national document asks the city for either.

    :return: a :class:`CityRecommendation`; ``None`` for no opinion.

    Stops at first non-None result; national answers last.

    .. versionadded:: 0.6

    Example (Hubei, 鄂经信办节能〔2022〕8号 三(四))::

        @hookimpl
        def gm_policy_city_recommendation(year):
            if year in range(2022, 2026):
                return CityRecommendation(opinion_required=True, cite="002_9c75e1d2ebfbdf50.txt 三(四)")
    """


@hookspec(firstresult=True)
def gm_policy_green_code_bands(year: int, national: GreenCodeBands | None) -> GreenCodeBands | None:
    """Return the 企业绿码 bands of the national units scored for ``year``.

    Called when scores are ranked. National answers A+ 5 %, A 35 %, B 60 % of factories (MIIT's notice of
    2024-01-05, not among the seeds: a platform default).

    :return: a :class:`GreenCodeBands`; ``None`` for no opinion.

    Stops at first non-None result; national answers last.

    Example::

        @hookimpl(trylast=True)
        def gm_policy_green_code_bands():
            # national's answer where no document of the region sets bands: A+ the first 5 %, A the next 35 %,
            # B the rest
            return GreenCodeBands(bands=(("A+", 0.05), ("A", 0.40), ("B", 1.0)), unit_types=("factory",),
                                  platform_default=True, cite="平台默认：依工业和信息化部2024年1月5日“企业绿码”通知 / "
                                                              "platform default after MIIT's 企业绿码 notice of 2024-01-05")

    .. versionadded:: 0.4
    """


@hookspec(firstresult=True)
def gm_policy_review_panel(level: Level, year: int, unit_type: str,
                           national: ReviewPanel | None) -> ReviewPanel | None:
    """Return the expert panel an application of the ``level`` round of ``year`` is graded by.

    Called when the panel result is recorded and when panels are drawn. National answers 3 experts, a
    platform default (no seed sets a number); an instance's ``GREENMFG_REVIEW_MIN_EXPERTS`` overrides the rule.

    :return: a :class:`ReviewPanel` with ``min_experts`` ≥ 1; ``None`` for no opinion.

    Stops at first non-None result; national answers last.

    Example::

        @hookimpl(trylast=True)
        def gm_policy_review_panel():
            # national's answer: no document sets the panel's size
            return ReviewPanel(min_experts=3, platform_default=True,
                               cite="平台默认：文件未规定评审专家人数，至少3名专家 / platform default: no document sets the panel size")

    .. versionadded:: 0.4
    """


@hookspec(firstresult=True)
def gm_policy_evaluator_ban(national: EvaluatorBan | None) -> EvaluatorBan | None:
    """Return the sanction of a third-party evaluator found to have falsified or hidden problems.

    Called when a firm is banned (directly or after a complaint). National answers 3 years as a platform
    default (the 办法 is not a seed); Hubei 002 附件2 (五), Jiangxi 003 三（三） and Shanxi 004 第二十四条 give
    their own.

    :return: an :class:`EvaluatorBan` with ``years`` ≥ 1; ``None`` for no opinion.

    Stops at first non-None result; national answers last.

    Example::

        @hookimpl
        def gm_policy_evaluator_ban():
            return EvaluatorBan(years=3, cite="002_9c75e1d2ebfbdf50.txt 附件2 二(五) (后续三年内不再采信其所出具的评价报告)")

    .. versionadded:: 0.4
    """


@hookspec(firstresult=True)
def gm_policy_average_gate(year: int, unit_type: str, national: AverageGate | None) -> AverageGate | None:
    """Return whether, and how, the province's recommendation of ``unit_type`` to the national list of ``year``
    is held to "not below the average of the region's existing national units".

    Called for each unit the province adds to its recommendation. National answers the 2025 round's
    warning (390号 一: 原则上不低于本地区已有国家绿色工厂、绿色工业园区的平均水平) for factories and parks of
    2025, and no gate otherwise.

    :return: an :class:`AverageGate`; ``None`` for no opinion.

    Stops at first non-None result; national answers last.

    Example::

        @hookimpl
        def gm_policy_average_gate(unit_type):
            if unit_type in ("factory", "park"):
                return AverageGate(applies=True, blocking=False,
                                   cite="001_3f04a56fc6693327.txt 附件1 一 (原则上不低于本地区已有国家绿色工厂、绿色工业园区的平均水平)")
            return None

    .. versionadded:: 0.4
    """


@hookspec(firstresult=True)
def gm_policy_filing_figures(year: int, unit_type: str, national: FilingFigures | None) -> FilingFigures | None:
    """Return the key figures a listed unit of ``unit_type`` reports in its annual filing of ``year``.

    Called when the annual filing's form is built and when a filing is saved (other keys are refused).
    National answers output value, energy use and water use, a platform default (the 动态管理表 is an
    attachment of the 办法, not a seed; 004 第十八条 asks for "绿色制造关键指标情况").

    :return: a :class:`FilingFigures`; ``None`` for no opinion.

    Stops at first non-None result; national answers last.

    Example::

        @hookimpl(trylast=True)
        def gm_policy_filing_figures():
            # national's answer: the documents ask for key figures without listing them
            return FilingFigures(figures=(
                FilingFigure(key="output_value", name="工业总产值", name_en="Industrial output value", unit="万元",
                             unit_en="10,000 yuan"),
                FilingFigure(key="energy_use", name="综合能源消费量", name_en="Total energy use", unit="tce", unit_en="tce")),
                                 platform_default=True, cite="平台默认：年度动态管理表的关键指标 / platform default: the key figures")

    .. versionadded:: 0.4
    """


@hookspec
def gm_register_priorities() -> Sequence[Priority]:
    """Return the priorities (优先推荐) the region's documents give some applicants.

    A priority flags an application (its eligibility results, kind ``priority``) and ranks it ahead of
    others in the city's list of recommended units (:func:`core.applications.priorities.rank`); it never
    refuses one nor asks to be acknowledged. Its ``check`` answers True, False
    or None (a claim a reviewer judges from the evidence the priority names).

    Example (seed 000 一.2: 优先推荐绿色工厂数量多的工业园区)::

        @hookimpl
        def gm_register_priorities():
            return [Priority(code="hunan.park_many_green_factories", title="优先推荐绿色工厂数量多的工业园区",
                             unit_types=("park",), levels=(Level.PROVINCIAL,), years=(2024,),
                             check=lambda d: (d.get("hunan.park_green_factories") or 0) > 0 or None,
                             cite="000_5ae1342e00264ea1.txt 一.2")]

    :return: a sequence of :class:`Priority`.

    All results are collected and merged by ``code``.

    .. versionadded:: 0.3
    """


# ======================================================= a round's industries ==


@hookspec(firstresult=True)
def gm_policy_industries(unit_type: str, year: int, national: IndustryChoices | None) -> IndustryChoices | None:
    """Return the industries an application of ``unit_type`` in the round of ``year`` may name.

    Called when an application's industry is saved (the form, the JSON API, the summary-table import).

    :param unit_type: the unit type applying.
    :param year: the round's year.
    :param national: the national answer (MIIT's registered key industries, no other).
    :return: an :class:`~core.plugins.types.IndustryChoices`; ``None`` for no opinion.

    Stops at first non-None result; national answers last.

    Example::

        @hookimpl
        def gm_policy_industries(year):
            if year == 2024:  # 003 二（一）: 其他行业依据《绿色工厂评价通则》 — any industry may be named
                return IndustryChoices(open=True, cite="003_a3fa60aeba77aa34.txt 二（一）; 附件 (行业)")

    .. versionadded:: 0.3
    """


# ================================================================ documents ==

@hookspec
def gm_register_documents() -> Sequence[Document]:
    """Return the policy documents this plugin's rules cite: number (文号), title, issuer, date, validity.

    Called once at start-up. Core turns every cite (``"<seed file> <article>"``) into what people read,
    ``《title》（number） article``, through these records (:attr:`Document.seed`, :attr:`Document.seed_parts`);
    users never see a seed file's name. ``greenmfg rules --year Y`` lists every rule a round of ``Y`` applies
    and, for one whose documents are not in force in ``Y`` (:meth:`Document.in_force_in`), names the document
    the platform carries it from; a document without ``seed`` is cited as one the platform holds no copy of
    (本平台未收录原文). Register every document your cites name, including
    another region's document a national rule restates; the same document (same code, same fields) may come
    from several plugins, different records under one code stop start-up.

    :return: a sequence of :class:`Document`.

    All results are collected and merged by ``code``.

    Example::

        @hookimpl
        def gm_register_documents():
            return [Document(code="shanxi-2024-3", number="晋工信节能规字〔2024〕3号",
                             title="绿色工厂梯度培育及管理实施细则", issuer="山西省工业和信息化厅",
                             issued=dt.date(2024, 7, 18), valid_from=dt.date(2024, 7, 19),
                             valid_to=dt.date(2029, 7, 18), seed="004_7a8ddd82f611ab67.txt",
                             cite="004_7a8ddd82f611ab67.txt 第三十二条")]

    .. versionadded:: 0.4
    """


# ============================================================ hook families ==

#: single-answer hooks, resolved by :class:`core.plugins.rules.RegionRules`
POLICY_HOOKS = (
    "gm_policy_evaluator_cap",
    "gm_policy_quota",
    "gm_policy_grading",
    "gm_policy_notice_period",
    "gm_policy_evaluation_modes",
    "gm_policy_joint_round",
    "gm_policy_correction",
    "gm_policy_publication",
    "gm_policy_consulted_departments",
    "gm_policy_city_recommendation",
    "gm_policy_green_code_bands",
    "gm_policy_review_panel",
    "gm_policy_evaluator_ban",
    "gm_policy_average_gate",
    "gm_policy_filing_figures",
    "gm_policy_industries",
)
#: registries, merged by code
REGISTRY_HOOKS = (
    "gm_register_list_levels",
    "gm_register_unit_types",
    "gm_register_admin_units",
    "gm_register_industries",
    "gm_register_deadlines",
    "gm_register_negative_list_items",
    "gm_register_eligibility_rules",
    "gm_register_sanctions",
    "gm_register_form_fields",
    "gm_register_summary_layouts",
    "gm_register_indicator_sets",
    "gm_register_evaluator_requirements",
    "gm_register_provisions",
    "gm_register_evaluator_caps",
    "gm_register_priorities",
)
#: hooks supplying facts (documents) rather than rules: collected, identical duplicates allowed
DOCUMENT_HOOKS = ("gm_register_documents",)
#: every hook of the contract
HOOKS = ("gm_region", *REGISTRY_HOOKS, *POLICY_HOOKS, *DOCUMENT_HOOKS, "gm_setup_config_defaults")
