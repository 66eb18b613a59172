"""Shanxi plugin: thin hook implementations over ``rules.py`` and ``forms.py``.

Registered by core under the entry-point name ``shanxi``. Policy hooks answer only where the
实施细则 (004_7a8ddd82f611ab67.txt) says something; otherwise they return ``None`` and the
national answer stands.
"""
from flask import current_app, has_app_context

from core.plugins import hookimpl
from core.plugins.types import EvaluatorBan, Level

from plugins.shanxi import forms, layouts, rules
from plugins.shanxi import documents


def _config():
    """The app's config inside an app context, else nothing (the rules.py defaults apply)."""
    return current_app.config if has_app_context() else {}


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
    return rules.ELIGIBILITY + rules.JUDGED + (rules.PARK_ENTERPRISES_RULE,)


@hookimpl
def gm_register_negative_list_items():
    return rules.NEGATIVE_LIST


@hookimpl
def gm_register_sanctions():
    return rules.SANCTIONS


@hookimpl
def gm_register_form_fields():
    return forms.FORM_FIELDS


@hookimpl
def gm_policy_evaluator_cap(unit_type, level):
    if level == Level.PROVINCIAL and unit_type in rules.EVALUATOR_CAP_PROVINCIAL.unit_types:
        return rules.EVALUATOR_CAP_PROVINCIAL
    return None


@hookimpl
def gm_policy_grading(level):
    if level == Level.PROVINCIAL:
        return rules.grading_scheme(_config())
    return None


@hookimpl
def gm_policy_notice_period(level):
    return rules.NOTICE_PROVINCIAL if level == Level.PROVINCIAL else None


@hookimpl
def gm_policy_publication(level):
    return rules.PUBLICATION.get(level)


@hookimpl
def gm_policy_evaluation_modes(level):
    return rules.MODES if level in rules.SHANXI_LEVELS else None


@hookimpl
def gm_setup_config_defaults():
    return dict(rules.CONFIG_DEFAULTS)


@hookimpl
def gm_register_provisions():
    return rules.PROVISIONS


@hookimpl
def gm_register_summary_layouts():
    return layouts.SUMMARY_LAYOUTS


@hookimpl
def gm_policy_evaluator_ban():
    """004 第二十四条: 在管理平台中进行通报，三年内不予采信 (issue 17: core no longer fixes it)."""
    sanction = next(s for s in rules.SANCTIONS if s.code == "shanxi.evaluator_fraud")
    return EvaluatorBan(years=sanction.ban_years, published=True, sanction=sanction.code, cite=sanction.cite)


@hookimpl
def gm_register_documents():
    return documents.DOCUMENTS


@hookimpl
def gm_register_priorities():
    return rules.PRIORITIES
