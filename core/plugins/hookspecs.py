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

# ruff: noqa: F401  (the hooks are imported to be this module's names)
# The hooks are declared by family in core.plugins.registry_hookspecs (gm_region, gm_register_*, gm_setup_*) and
# core.plugins.policy_hookspecs (gm_policy_*); this module is the one namespace the plugin manager adds
# (pm.add_hookspecs) and the reference (docs/hooks.md) reads, in the order imported here. Plugins read the
# reference, or the two modules, to write a region plugin.
from core.plugins.hookspec_marker import PROJECT, hookspec  # noqa: F401  (hookspec: tests declare hooks with it)
from core.plugins.registry_hookspecs import (
    gm_region,
    gm_register_list_levels,
    gm_register_unit_types,
    gm_register_admin_units,
    gm_register_industries,
    gm_register_deadlines,
    gm_register_negative_list_items,
    gm_register_eligibility_rules,
    gm_register_sanctions,
    gm_register_form_fields,
    gm_register_summary_layouts,
    gm_register_indicator_sets,
    gm_register_evaluator_requirements,
    gm_register_provisions,
    gm_register_evaluator_caps,
)
from core.plugins.policy_hookspecs import (
    gm_policy_evaluator_cap,
    gm_policy_quota,
    gm_policy_grading,
    gm_policy_notice_period,
    gm_policy_evaluation_modes,
    gm_policy_joint_round,
    gm_policy_correction,
)
from core.plugins.registry_hookspecs import gm_setup_config_defaults
from core.plugins.policy_hookspecs import (
    gm_policy_publication,
    gm_policy_consulted_departments,
    gm_policy_city_recommendation,
    gm_policy_green_code_bands,
    gm_policy_review_panel,
    gm_policy_evaluator_ban,
    gm_policy_average_gate,
    gm_policy_filing_figures,
)
from core.plugins.registry_hookspecs import gm_register_priorities
from core.plugins.policy_hookspecs import gm_policy_industries
from core.plugins.registry_hookspecs import gm_register_documents

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
