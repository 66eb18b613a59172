"""Jiangxi plugin: thin hook implementations over ``rules.py`` and ``forms.py``.

Policy hooks for 003's rounds (standing from the 2024 round on, see ``rules.LATER_ROUNDS``): the joint round (``gm_policy_joint_round``) and its evaluation modes, whose
report the city's recommendation waits for (``gm_policy_evaluation_modes``, seed 003 一). Jiangxi's evaluator cap,
notice period and quotas are national's (seed 003 二（四） restates the cap of 15). See README.md.
"""
from core.plugins import hookimpl
from core.plugins.types import EvaluatorBan

from plugins.jiangxi import forms, layouts, rules
from plugins.jiangxi import documents


@hookimpl
def gm_region():
    return rules.REGION


@hookimpl
def gm_register_admin_units():
    return rules.ADMIN_UNITS


@hookimpl
def gm_register_deadlines():
    return rules.DEADLINES


@hookimpl
def gm_register_eligibility_rules():
    return rules.ELIGIBILITY


@hookimpl
def gm_register_sanctions():
    return rules.SANCTIONS


@hookimpl
def gm_register_form_fields():
    return forms.FORM_FIELDS


@hookimpl
def gm_register_summary_layouts():
    return layouts.SUMMARY_LAYOUTS


@hookimpl
def gm_register_provisions():
    return rules.NOTES


@hookimpl
def gm_policy_joint_round(level, year):
    return rules.joint_round(level, year)


@hookimpl
def gm_policy_publication(level):
    return rules.publication(level)


@hookimpl
def gm_policy_evaluation_modes(level, year):
    return rules.evaluation_modes(level, year)


@hookimpl
def gm_policy_city_recommendation(level, year):
    return rules.city_recommendation(level, year)


@hookimpl
def gm_policy_evaluator_ban():
    """003 三（三）: a firm that falsified is not believed for three years (issue 17: core no longer fixes it)."""
    sanction = next(s for s in rules.SANCTIONS if s.code == "jiangxi.evaluator_fraud")
    return EvaluatorBan(years=sanction.ban_years, sanction=sanction.code, cite=sanction.cite)


@hookimpl
def gm_register_documents():
    return documents.DOCUMENTS


@hookimpl
def gm_policy_industries(year):
    return rules.industries(year)
