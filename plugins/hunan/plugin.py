"""Hunan plugin: thin hook implementations over ``rules.py`` and ``forms.py``.

No policy hooks: the seeds set no evaluator cap, quota, grading or notice period for Hunan, and
the 2025 evaluation mode (self-evaluation, no third-party report) is national's answer.
"""
from core.plugins import hookimpl

from plugins.hunan import forms, layouts, rules
from plugins.hunan import documents


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
def gm_register_negative_list_items():
    return rules.NEGATIVE_LIST


@hookimpl
def gm_register_eligibility_rules():
    return rules.ELIGIBILITY


@hookimpl
def gm_register_form_fields():
    return forms.FORM_FIELDS


@hookimpl
def gm_register_summary_layouts():
    return layouts.SUMMARY_LAYOUTS


@hookimpl
def gm_policy_publication(level, year):
    return rules.publication(level, year)


@hookimpl
def gm_register_priorities():
    return rules.PRIORITIES


@hookimpl
def gm_register_documents():
    return documents.DOCUMENTS
