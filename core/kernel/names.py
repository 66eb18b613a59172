"""What a region's records are called in the language a page or a message is read in: a region, a unit type, a
department or an indicator by its plugin's ``name_en`` on English pages; a list level (市级, 省级, 国家级) by its
level; an evaluation mode by the forms' words. Below the services, so that a refusal made there names things
as the pages do (:mod:`core.web.names` registers these as the templates' filters)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from core.i18n import english, local_text
from core.kernel.rules import region_rules

LEVEL_LABELS = {"city": _l("City level"), "provincial": _l("Provincial level"), "national": _l("National level")}
#: the evaluation modes a round allows (core.plugins.types.EvaluationMode), as the forms name them
MODE_LABELS = {"self": _l("Self-evaluation"), "third_party": _l("Third-party evaluation")}


def local_name(record: Any) -> str:
    """``record.name`` (or ``record["name"]``), or its English form on an English page; "—" for none."""
    if record is None:
        return "—"
    if isinstance(record, Mapping):  # a result's row (an indicator's score, an item to score)
        return str(local_text(record.get("name") or "—", record.get("name_en")))
    name = getattr(record, "name", None)
    if name is None:
        return str(record)
    if english():
        if getattr(record, "name_en", None):
            return record.name_en
        if hasattr(record, "rank") and getattr(record, "code", None) in LEVEL_LABELS:
            return str(LEVEL_LABELS[record.code])
    return name


def level_name(code: str) -> str:
    """A list level's name by its code, as the region names it (省级 / Provincial level)."""
    level = region_rules().list_levels.get(code)
    return local_name(level) if level is not None else str(LEVEL_LABELS.get(code, code))


def mode_name(code: str) -> str:
    """An evaluation mode's name by its code (自评价 / Third-party evaluation)."""
    return str(MODE_LABELS.get(code, code))


def unit_type_name(code: str) -> str:
    """A unit type's name by its code (绿色工厂 / Green factory); the code where the region has no such type."""
    unit_type = region_rules().unit_types.get(code)
    return local_name(unit_type) if unit_type is not None else code
