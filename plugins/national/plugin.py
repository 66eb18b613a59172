"""National (MIIT) plugin: thin hook implementations over ``rules.py``.

Registered by core under the name ``national``; every policy hook is
``trylast`` so that a region plugin's answer wins where it gives one.
"""
from core.plugins import hookimpl
from core.plugins.types import EvaluatorCap, GradingScheme, Level, Quota

from plugins.national import indicators, rules
from plugins.national import documents


@hookimpl
def gm_region():
    return rules.REGION


@hookimpl
def gm_register_list_levels():
    return rules.LIST_LEVELS


@hookimpl
def gm_register_unit_types():
    return rules.UNIT_TYPES


@hookimpl
def gm_register_industries():
    return indicators.KEY_INDUSTRIES


@hookimpl
def gm_register_deadlines():
    return rules.DEADLINES


@hookimpl
def gm_register_negative_list_items():
    return rules.NEGATIVE_LIST


@hookimpl
def gm_register_eligibility_rules():
    return rules.ELIGIBILITY


@hookimpl
def gm_register_sanctions():
    return rules.SANCTIONS


@hookimpl
def gm_register_indicator_sets():
    return (indicators.FACTORY_2025, indicators.PARK_2025)


@hookimpl(trylast=True)
def gm_policy_evaluator_cap(level):
    return rules.EVALUATOR_CAP_NATIONAL if level == Level.NATIONAL else EvaluatorCap.UNLIMITED


@hookimpl(trylast=True)
def gm_policy_quota():
    return Quota.UNLIMITED


@hookimpl(trylast=True)
def gm_policy_grading():
    return GradingScheme.NONE


@hookimpl(trylast=True)
def gm_policy_notice_period(level):
    return rules.NOTICE_NATIONAL if level == Level.NATIONAL else None


@hookimpl(trylast=True)
def gm_policy_publication(level):
    return rules.PUBLICATION[level]


@hookimpl(trylast=True)
def gm_policy_evaluation_modes(level, year):
    if level == Level.NATIONAL and year == 2025:
        return rules.MODES_2025_NATIONAL
    return rules.MODES_DEFAULT


@hookimpl(trylast=True)
def gm_policy_joint_round(level):
    return rules.joint_round(level)


@hookimpl(trylast=True)
def gm_policy_correction(level, year):
    return rules.correction(level, year)


@hookimpl(trylast=True)
def gm_policy_consulted_departments():
    return rules.CONSULTED_DEPARTMENTS


@hookimpl(trylast=True)
def gm_policy_city_recommendation():
    return rules.CITY_RECOMMENDATION


@hookimpl(trylast=True)
def gm_policy_green_code_bands():
    return rules.GREEN_CODE_BANDS


@hookimpl(trylast=True)
def gm_policy_review_panel():
    return rules.REVIEW_PANEL


@hookimpl(trylast=True)
def gm_policy_evaluator_ban():
    return rules.EVALUATOR_BAN


@hookimpl(trylast=True)
def gm_policy_average_gate(year, unit_type):
    return rules.average_gate(year, unit_type)


@hookimpl(trylast=True)
def gm_policy_filing_figures():
    return rules.FILING_FIGURES


@hookimpl
def gm_register_documents():
    return documents.DOCUMENTS


@hookimpl
def gm_policy_industries():
    return indicators.INDUSTRY_CHOICES
