"""Jiangxi plugin: thin hook implementations over ``rules.py`` and ``forms.py``.

One policy hook, the 2024 joint round (``gm_policy_joint_round``). Jiangxi's evaluator cap,
evaluation modes, notice period and quotas are national's (seed 003 二（四） restates the cap of 15). See README.md.
"""
from core.plugins import hookimpl

from plugins.jiangxi import forms, rules


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
    return rules.SUMMARY_LAYOUTS


@hookimpl
def gm_register_provisions():
    return rules.NOTES


@hookimpl
def gm_policy_joint_round(level, year):
    return rules.joint_round(level, year)


@hookimpl
def gm_policy_publication(level):
    return rules.publication(level)
