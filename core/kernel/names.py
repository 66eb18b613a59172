"""What a region's records are called in the language a page or a message is read in: a region, a unit type, a
department or an indicator by its plugin's ``name_en`` on English pages; a list level (市级, 省级, 国家级) by its
level; a grade by its tier's ``label_en``; an evaluation mode by the forms' words. Below the services, so that
a refusal made there names things as the pages do (:mod:`core.web.names` registers these as the templates'
filters)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from core.i18n import english, local_text
from core.kernel.rules import region_rules

LEVEL_LABELS = {"city": _l("City level"), "provincial": _l("Provincial level"), "national": _l("National level")}
#: the evaluation modes a round allows (core.plugins.types.EvaluationMode), as the forms name them
MODE_LABELS = {"self": _l("Self-evaluation"), "third_party": _l("Third-party evaluation")}
#: who publishes a level's list (core.plugins.types.Publication.publisher), as a refusal names them
PUBLISHER_LABELS = {"city": _l("city bureau"), "province": _l("provincial department"), "ministry": _l("Ministry")}


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


def publisher_name(code: str) -> str:
    """Who publishes a list, by the publisher's code (省级工信主管部门 / provincial department)."""
    return str(PUBLISHER_LABELS.get(code, code))


def mode_name(code: str) -> str:
    """An evaluation mode's name by its code (自评价 / Third-party evaluation)."""
    return str(MODE_LABELS.get(code, code))


def unit_type_name(code: str) -> str:
    """A unit type's name by its code (绿色工厂 / Green factory); the code where the region has no such type."""
    unit_type = region_rules().unit_types.get(code)
    return local_name(unit_type) if unit_type is not None else code


def tier_name(tier: Any, unit_type: str | None = None, level: str | None = None) -> str:
    """A grade by its label (A级 / Grade A): a tier record, or what a record stores of it (its code, or the label
    a panel result keeps), looked up in the region's grading of ``unit_type`` at ``level`` (any of its gradings
    when not given); "—" for none, the value itself when the region has no such tier."""
    if tier is None or tier == "":
        return "—"
    if not isinstance(tier, str):
        return str(local_text(tier.label, getattr(tier, "label_en", None)))
    found = next((t for t in _tiers(unit_type, level) if tier in (t.code, t.label)), None)
    return tier_name(found) if found is not None else tier


def region_grades() -> bool:
    """Whether the region grades any unit type at any level (Shanxi's A/B/C, 004 第十四条); a region that grades
    nothing (Hubei, 002) shows no grade column on its pages."""
    return bool(_tiers(None, None))


def _tiers(unit_type: str | None, level: str | None) -> list[Any]:
    """The tiers of the region's gradings: of ``unit_type`` at ``level`` first, then all others."""
    rules = region_rules()
    pairs = [(unit_type, level)] if unit_type and level else []
    pairs += [(u, lv) for u in rules.unit_types for lv in rules.list_levels if (u, lv) != (unit_type, level)]
    found: list[Any] = []
    for u, lv in pairs:
        try:
            scheme = rules.grading(u, lv)
        except (LookupError, ValueError):  # no such level or type in this region
            continue
        found.extend(scheme.tiers if scheme is not None else ())
    return found


def deadline_title(code: str) -> str:
    """A region's deadline by its task (提交申报材料 / its ``title_en`` on English pages); the code where the region
    has no such deadline."""
    deadline = region_rules().deadlines.get(code)
    return str(local_text(deadline.title, deadline.title_en)) if deadline is not None else code


def sanction_title(sanction: Any, stored: str | None = None) -> str:
    """A removal or ban rule by its title in the page's language (its ``title_en`` on English pages): a
    :class:`~core.plugins.types.Sanction`, or the code a removal or a ban stores, looked up in the region's
    rules; ``stored`` (the title a record kept) or the code itself where the region has no such sanction."""
    if sanction is None or sanction == "":
        return stored or "—"
    if isinstance(sanction, str):
        record = region_rules().sanctions.get(sanction)
        if record is None:
            return stored or sanction
        sanction = record
    return str(local_text(sanction.title, getattr(sanction, "title_en", None)))


def unit_name(record: Any) -> str:
    """A unit of measure in the page's language: ``unit`` (the table's, t/万元), or its ``unit_en`` on English pages
    where the plugin gives one (t/10,000 yuan); of an :class:`~core.plugins.types.Indicator`, a
    :class:`~core.plugins.types.FilingFigure` or a row with ``unit`` and ``unit_en`` (a case file's); "" for none."""
    if record is None:
        return ""
    if isinstance(record, Mapping):
        return str(local_text(record.get("unit") or "", record.get("unit_en")))
    return str(local_text(getattr(record, "unit", "") or "", getattr(record, "unit_en", None)))
