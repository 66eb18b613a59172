"""Typed records that region plugins return from hooks.

Every record is a frozen, keyword-only dataclass. Plugins fill in the policy
fields and ``cite`` (the seed document and article the rule comes from); core
stamps ``source`` with the name of the plugin that supplied the record, so
staff can always see "this deadline comes from Hunan".

Plugins import these through :mod:`core.plugins` only. This module is their public face; the records live by
family in :mod:`core.plugins.identity` (the base records, vocabulary and who the region is),
:mod:`core.plugins.policy_answers` (what ``gm_policy_*`` hooks answer), :mod:`core.plugins.registry_records`
(what ``gm_register_*`` hooks register), :mod:`core.plugins.form_declarations` (form fields) and
:mod:`core.plugins.summary_layouts` (printed summary tables).
"""
from __future__ import annotations

import datetime as dt  # noqa: F401  (the names this module always offered)
import re  # noqa: F401
from decimal import Decimal  # noqa: F401
from dataclasses import dataclass, field, replace  # noqa: F401
from enum import StrEnum  # noqa: F401
from typing import Any, Callable, ClassVar, Mapping, Sequence, TypeVar  # noqa: F401

from core.plugins.form_declarations import (  # noqa: F401
    NUMBER_KINDS,
    TEXT_KINDS,
    Choice,
    Column,
    FieldKind,
    FormField,
    Input,
    R,
    dated_example,
    field_attr,
    with_english_labels,
    with_english_titles,
    with_examples,
)
from core.plugins.identity import (  # noqa: F401
    SHARED_UNIT_TYPES,
    AdminUnit,
    CapBasis,
    CodedRecord,
    DayCount,
    EvaluationMode,
    IndicatorKind,
    Industry,
    Level,
    ListLevel,
    Record,
    Region,
    UnitKind,
    UnitType,
)
from core.plugins.policy_answers import (  # noqa: F401
    AverageGate,
    CityRecommendation,
    ConsultedDepartment,
    ConsultedDepartments,
    CorrectionPolicy,
    CultivationStage,
    Deadline,
    EvaluationModes,
    EvaluatorBan,
    EvaluatorCap,
    FilingFigure,
    FilingFigures,
    GradingScheme,
    GreenCodeBands,
    IndustryChoices,
    JointRound,
    NoticePeriod,
    Publication,
    PublicationProcedure,
    Quota,
    ReportStage,
    ReviewPanel,
    SharedEvaluatorCap,
    Tier,
)
from core.plugins.registry_records import (  # noqa: F401
    Document,
    EligibilityRule,
    EvaluatorRequirement,
    Indicator,
    IndicatorSet,
    JudgedCondition,
    NegativeListItem,
    NotApplicable,
    Outcome,
    Priority,
    Provision,
    ReviewerJudges,
    Sanction,
    check_outcome,
    result_outcome,
)
from core.plugins.summary_layouts import (  # noqa: F401
    SummaryColumn,
    SummaryLayout,
    SummarySection,
    SummarySheet,
    year_text,
)
