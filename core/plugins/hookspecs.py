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
"""
from __future__ import annotations

from typing import Any, Sequence

import pluggy

from core.plugins.types import (
    AdminUnit,
    CorrectionPolicy,
    Deadline,
    EligibilityRule,
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
    Quota,
    Region,
    Sanction,
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

    .. versionadded:: 0.1
    """


@hookspec
def gm_register_industries() -> Sequence[Industry]:
    """Return the key industries with industry-specific evaluation requirements.

    Called once at start-up. National registers MIIT's 53 key industries.

    :return: a sequence of :class:`Industry`.

    All results are collected and merged by ``code``.

    .. versionadded:: 0.1
    """


@hookspec
def gm_register_deadlines() -> Sequence[Deadline]:
    """Return deadlines: yearly (``month_day``) or for one round (``date`` + ``year``).

    Called once at start-up. A province replaces a national deadline with
    ``replaces="<code>"`` (a different dynamic-filing day) or adds its own
    (``hunan.city_summary_2025``).

    :return: a sequence of :class:`Deadline`.

    All results are collected and merged by ``code``.

    Example::

        Deadline(code="shanxi.city_recommendation", title="市级推荐省级绿色工厂",
                 month_day=(5, 31), actor="city", levels=(Level.PROVINCIAL,),
                 cite="004_7a8ddd82f611ab67.txt 第十三条")

    .. versionadded:: 0.1
    """


@hookspec
def gm_register_negative_list_items() -> Sequence[NegativeListItem]:
    """Return negative-list (负面清单) items applicants declare against.

    Called once at start-up. National registers the six items with a 3-year
    look-back; a province adds items or replaces one (a lower incident level).

    :return: a sequence of :class:`NegativeListItem`.

    All results are collected and merged by ``code``.

    .. versionadded:: 0.1
    """


@hookspec
def gm_register_eligibility_rules() -> Sequence[EligibilityRule]:
    """Return eligibility rules checked when an application is submitted.

    Called once at start-up. Each rule may carry a ``check`` callable; a
    non-blocking rule is a warning a reviewer must acknowledge.

    :return: a sequence of :class:`EligibilityRule`.

    All results are collected and merged by ``code``.

    .. versionadded:: 0.1
    """


@hookspec
def gm_register_sanctions() -> Sequence[Sanction]:
    """Return removal and ban rules (dynamic management).

    Called once at start-up. National: fraud → removal and a 3-year ban;
    bottom 5% three years running → removal; and the rest of the 办法.

    :return: a sequence of :class:`Sanction`.

    All results are collected and merged by ``code``.

    .. versionadded:: 0.1
    """


@hookspec
def gm_register_form_fields() -> Sequence[FormField]:
    """Return extra application-form fields, each with its marshmallow twin.

    Called once at start-up. Core attaches each as ``ext_<region>__<code>``
    on a per-request form subclass and on the API schema; values are stored in
    the application's extension data, never in core columns.

    :return: a sequence of :class:`FormField`.

    All results are collected and merged by ``code``.

    .. versionadded:: 0.1
    """


@hookspec
def gm_register_summary_layouts() -> Sequence[SummaryLayout]:
    """Return summary-table (汇总表) layouts cities and provinces export.

    Called once at start-up.

    :return: a sequence of :class:`SummaryLayout`.

    All results are collected and merged by ``code``.

    .. versionadded:: 0.1
    """


@hookspec
def gm_register_indicator_sets() -> Sequence[IndicatorSet]:
    """Return evaluation indicator tables, versioned by year.

    Called once at start-up. National registers the MIIT 2025 factory (14
    indicators) and park (17 indicators) tables. A province or a newer standard
    supplies a set with a later ``year_from``, or replaces one outright.

    :return: a sequence of :class:`IndicatorSet`.

    All results are collected and merged by ``code``.

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

        Provision(code="hubei.triennial_review", title="三年一复核", topic="review_cycle",
                  details={"every_years": 3, "actor": "city"}, cite="002_9c75e1d2ebfbdf50.txt 三(六)")

    .. versionadded:: 0.1
    """


# ================================================================= policies ==


@hookspec(firstresult=True)
def gm_policy_evaluator_cap(unit_type: str, level: Level, national: EvaluatorCap | None) -> EvaluatorCap | None:
    """Return the annual cap on evaluation projects for one evaluator.

    Called when an engagement is accepted and at start-up validation.

    :param unit_type: the unit type of the project.
    :param level: the list level the project is evaluated for.
    :param national: the national answer for the same arguments (``None`` when
        national itself is asked).
    :return: an :class:`EvaluatorCap`; ``EvaluatorCap.UNLIMITED`` for no cap;
        ``None`` for no opinion. A province cap may not exceed the national one.

    Stops at first non-None result; national answers last.

    Example::

        @hookimpl
        def gm_policy_evaluator_cap(level, national):
            if level == Level.PROVINCIAL:
                return EvaluatorCap(limit=10, level=level, cite="004_7a8ddd82f611ab67.txt 第二十四条")

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

    .. versionadded:: 0.1
    """


@hookspec(firstresult=True)
def gm_policy_grading(unit_type: str, level: Level, national: GradingScheme | None) -> GradingScheme | None:
    """Return the grading tiers for a unit type at a level.

    Called when a score is mapped to a tier. Tiers must be contiguous from 0.

    :return: a :class:`GradingScheme`; ``GradingScheme.NONE`` for no grading;
        ``None`` for no opinion.

    Stops at first non-None result; national answers last.

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

    .. versionadded:: 0.1
    """


@hookspec(firstresult=True)
def gm_policy_evaluation_modes(
    unit_type: str, level: Level, year: int, national: EvaluationModes | None
) -> EvaluationModes | None:
    """Return the evaluation modes an applicant may choose.

    Called when an application form is built and when it is submitted.

    :return: an :class:`EvaluationModes`; ``None`` for no opinion.

    Stops at first non-None result; national answers last.

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

    .. versionadded:: 0.1
    """


@hookspec(firstresult=True)
def gm_policy_publication(level: Level, year: int, national: Publication | None) -> Publication | None:
    """Return how the ``level`` list of ``year`` is published, and who publishes it.

    Called when staff open a notice or publish a decision, and for the rules view. National answers
    every level: the national list by a 15-day notice of the ministry (办法 第十二条); city and provincial
    lists by a decision of the city or the province as a *platform default* (``platform_default=True``),
    which a province replaces with what its document says.

    :return: a :class:`Publication`; ``None`` for no opinion.

    Stops at first non-None result; national answers last.

    Example::

        @hookimpl
        def gm_policy_publication(level):
            if level == Level.CITY:
                return Publication(procedure=PublicationProcedure.DECISION, publisher="city",
                                   cite="004_7a8ddd82f611ab67.txt 第十二条")

    .. versionadded:: 0.2
    """


POLICY_HOOKS = (
    "gm_policy_evaluator_cap",
    "gm_policy_quota",
    "gm_policy_grading",
    "gm_policy_notice_period",
    "gm_policy_evaluation_modes",
    "gm_policy_joint_round",
    "gm_policy_correction",
    "gm_policy_publication",
)
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
)
