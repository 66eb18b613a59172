"""The departments a city or the province consulted before recommending (征求…意见), as the region's rule
offers them (``rules.consulted_departments``: national's platform default, or a province's document).

Staff tick the departments the rule names (stored by code) and, where the document says "等"
(``others_allowed``), add others by name (stored as the name given). Whether consulting is required, and
whom, is an eligibility rule of the region, which reads the stored list.
"""
from __future__ import annotations

from collections.abc import Iterable

from flask_babel import get_locale

from core.errors import InvalidInput
from core.kernel.rules import region_rules
from core.plugins.types import ConsultedDepartments, Level

#: the longest department name accepted, and the most entries one recommendation records
MAX_NAME = 60
MAX_ENTRIES = 20


def offered(level: Level | str, year: int) -> ConsultedDepartments:
    return region_rules().consulted_departments(Level(level), year)


def labels(policy: ConsultedDepartments) -> dict[str, str]:
    """Code → the department's name in the page's language (the plugin's ``name_en`` in English)."""
    english = str(get_locale() or "zh")[:2] == "en"
    return {d.code: d.name_en if english else d.name for d in policy.departments}


def others_text(policy: ConsultedDepartments, given: Iterable[str]) -> str:
    """The named departments among ``given`` (not codes of the rule), one a line, for the form."""
    return "\n".join(str(g) for g in given if str(g) not in policy.codes)


def normalize(policy: ConsultedDepartments, given: Iterable[str], others: Iterable[str] = ()) -> list[str]:
    """The codes ticked and the names given, checked against the rule: a code the rule does not name is refused;
    a name is accepted only where the document says "等" (``others_allowed``). Codes first, in the rule's order,
    then the names as given (blank lines dropped, duplicates once)."""
    ticked = [str(g).strip() for g in given if str(g).strip()]
    named = [str(o).strip() for o in others if str(o).strip()]
    unknown = [g for g in ticked if g not in policy.codes]
    if policy.others_allowed:
        named, unknown = unknown + named, []
    if unknown or (named and not policy.others_allowed):
        raise InvalidInput("Unknown department: %(value)s.", field="consulted_departments",
                           value=", ".join(unknown or named))
    too_long = [n for n in named if len(n) > MAX_NAME]
    if too_long:
        raise InvalidInput("%(name)s must have %(low)d to %(high)d characters.", field="consulted_departments",
                           name=too_long[0], low=1, high=MAX_NAME)
    out = [c for c in policy.codes if c in ticked]
    out += [n for i, n in enumerate(named) if n not in named[:i] and n not in out]
    if len(out) > MAX_ENTRIES:
        raise InvalidInput("Record at most %(n)d departments.", field="consulted_departments", n=MAX_ENTRIES)
    return out
