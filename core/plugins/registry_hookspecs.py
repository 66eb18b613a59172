"""The hooks of the contract that say who a region is and what it registers: ``gm_region``, every
``gm_register_*`` registry (answers collected and merged by ``code``) and ``gm_setup_config_defaults``.

Registered with the plugin manager through :mod:`core.plugins.hookspecs`, the contract's one module of hooks
(and the order of the reference, docs/hooks.md); plugins implement them with ``@hookimpl``.
"""
from __future__ import annotations

from typing import Any, Sequence

from core.plugins.hookspec_marker import hookspec
from core.plugins.types import (
    AdminUnit,
    Deadline,
    Document,
    EligibilityRule,
    EvaluatorRequirement,
    FormField,
    IndicatorSet,
    Industry,
    ListLevel,
    NegativeListItem,
    Priority,
    Provision,
    Region,
    Sanction,
    SharedEvaluatorCap,
    SummaryLayout,
    UnitType,
)

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



# =============================================================== priorities ==


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
