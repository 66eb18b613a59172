"""The live self-evaluation score of an application (the scoring engine, reference values from the DB)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any


from core.errors import InvalidInput
from core.extensions import db
from core.kernel.rules import region_rules
from core.plugins.indicator_bounds import check_values as check_bounds
from core.scoring import GENERAL, parse_request, score_request
from core.scoring.reference import ReferenceBook


def indicator_set(application: Any):
    rules = region_rules()
    return rules.indicator_set(application.unit_type, application.campaign.year)


def live_score(application: Any, values: Mapping[str, Any] | None = None,
               industry: str | None = None) -> dict[str, Any] | None:
    """Score ``values`` (default: the stored ones) as the engine would; ``None`` without an indicator set.

    :raises InvalidInput: a malformed value, naming the indicator (``values.3``).
    """
    rules = region_rules()
    if indicator_set(application) is None:
        return None
    values = application.indicator_values if values is None else values
    request = parse_request({"unit_type": application.unit_type, "year": application.campaign.year,
                             "level": application.level, "industry": industry or application.industry or GENERAL,
                             "values": {str(k): v for k, v in (values or {}).items()}}, rules)
    return score_request(request, rules, ReferenceBook.from_db(db.session))


def check_values(application: Any, values: Mapping[str, Any]) -> dict[str, Any]:
    """Validate indicator values (numbers in range, known indicators); return them keyed by number."""
    if not isinstance(values, Mapping):
        raise InvalidInput("Indicator values must be given per indicator number.", field="indicator_values")
    cleaned = {str(k): v for k, v in values.items() if v is not None and v != ""}
    if indicator_set(application) is None:
        if cleaned:
            raise InvalidInput("This unit type has no indicator table in this round.", field="indicator_values")
        return {}
    check_bounds(indicator_set(application), cleaned)  # the indicator's bound (issue 55), named as the engine names it
    live_score(application, cleaned)  # raises on anything the engine cannot take
    return cleaned
