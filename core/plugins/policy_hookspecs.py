"""The hooks of the contract that give one answer (``gm_policy_*``): the first plugin to answer something other
than ``None`` wins, national answers last, and ``national`` carries its answer for the same arguments.

Registered with the plugin manager through :mod:`core.plugins.hookspecs`, the contract's one module of hooks
(and the order of the reference, docs/hooks.md); plugins implement them with ``@hookimpl``.
"""
from __future__ import annotations

from core.plugins.hookspec_marker import hookspec
from core.plugins.types import (
    AverageGate,
    CityRecommendation,
    ConsultedDepartments,
    CorrectionPolicy,
    EvaluationModes,
    EvaluatorBan,
    EvaluatorCap,
    FilingFigures,
    GradingScheme,
    GreenCodeBands,
    IndustryChoices,
    JointRound,
    Level,
    NoticePeriod,
    Publication,
    Quota,
    ReviewPanel,
)

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
