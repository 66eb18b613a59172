"""Hubei (湖北省) plugin: thin hook implementations over ``rules.py``.

Entry point ``hubei`` in ``greenmfg.regions``. Policy hooks return ``None`` (no opinion) where
the Hubei plan says nothing, so the national answer stands.
"""
from core.plugins import hookimpl
from core.plugins.types import EvaluatorBan

from plugins.hubei import forms, layouts, rules
from plugins.hubei import documents


@hookimpl
def gm_region():
    return rules.REGION


@hookimpl
def gm_register_deadlines():
    return rules.DEADLINES


@hookimpl
def gm_register_admin_units():
    return rules.ADMIN_UNITS


@hookimpl
def gm_register_unit_types():
    return rules.UNIT_TYPES


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
def gm_policy_city_recommendation(level, year):
    """三(四): the city writes its 推荐意见 (seed 002)."""
    return rules.city_recommendation(level, year)


@hookimpl
def gm_policy_quota(admin_unit, unit_type, year):
    return rules.quota(admin_unit, unit_type, year)


@hookimpl
def gm_register_evaluator_caps():
    return rules.EVALUATOR_CAPS


@hookimpl
def gm_policy_evaluation_modes(level, year):
    return rules.evaluation_modes(level, year)


@hookimpl
def gm_register_evaluator_requirements():
    return rules.EVALUATOR_REQUIREMENTS


@hookimpl
def gm_register_provisions():
    return rules.PROVISIONS


@hookimpl
def gm_register_summary_layouts():
    return layouts.SUMMARY_LAYOUTS


@hookimpl
def gm_register_form_fields():
    return forms.FORM_FIELDS


@hookimpl
def gm_policy_joint_round(level, year):
    return rules.joint_round(level, year)


@hookimpl
def gm_policy_publication(level):
    return rules.publication(level)


@hookimpl
def gm_register_priorities():
    return rules.PRIORITIES


@hookimpl
def gm_policy_evaluator_ban():
    """002 附件2 二(五): 后续三年内不再采信其所出具的评价报告或认证结果 (issue 17: core no longer fixes it)."""
    return EvaluatorBan(years=3, cite=rules.cite("附件2 二(五) (存在造假或其他严重不良行为情况的评价机构或产品认证机构，"
                                                   "后续三年内不再采信其所出具的评价报告或认证结果)"))


@hookimpl
def gm_register_documents():
    return documents.DOCUMENTS
