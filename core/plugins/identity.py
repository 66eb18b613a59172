"""The plugin contract's vocabulary and identity records: the base :class:`Record` and :class:`CodedRecord`, the
enumerations every record uses (unit kinds, levels, evaluation modes, day counts, cap bases, indicator kinds), and
who the region is (its administrative units, list levels, unit types and industries).

Plugins import these through :mod:`core.plugins` (or :mod:`core.plugins.types`) only.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

class UnitKind(StrEnum):
    """Kinds of submitting administrative unit (市州 and their peers)."""

    CITY = "市"
    PREFECTURE = "州"
    DIRECT_CITY = "直管市"
    FORESTRY_DISTRICT = "林区"
    PILOT_COUNTY = "省直管试点县"
    NEW_AREA = "新区"
    REFORM_ZONE = "综改区"


class Level(StrEnum):
    """List levels (三级联动)."""

    CITY = "city"
    PROVINCIAL = "provincial"
    NATIONAL = "national"


class EvaluationMode(StrEnum):
    SELF = "self"
    THIRD_PARTY = "third_party"


class DayCount(StrEnum):
    CALENDAR_DAYS = "calendar_days"
    WORKING_DAYS = "working_days"


class CapBasis(StrEnum):
    """What an evaluator cap is counted per."""

    LEGAL_REPRESENTATIVE = "legal_representative"
    LEGAL_ENTITY = "legal_entity"


class IndicatorKind(StrEnum):
    POSITIVE = "positive"  # 正向定量: higher is better
    REVERSE = "reverse"  # 逆向定量: lower is better
    QUALITATIVE = "qualitative"  # 正向定性
    ELASTICITY = "elasticity"  # 弹性系数


@dataclass(frozen=True, kw_only=True)
class Record:
    """Base of every record a plugin returns.

    :ivar cite: where the rule comes from, e.g. ``"001_3f04a56fc6693327.txt 附件1"``.
    :ivar source: set by core to the supplying plugin's name; plugins leave it empty.
    :ivar replaced: set by core when this record replaced another plugin's record:
        the source of the replaced record.
    """

    cite: str = ""
    source: str = ""
    replaced: str | None = None


@dataclass(frozen=True, kw_only=True)
class CodedRecord(Record):
    """A registry record, merged by ``code``.

    :ivar code: unique key. Region plugins prefix new codes with their region
        code (``hunan.bonus_water``); national codes are bare.
    :ivar replaces: the code of another plugin's record that this one takes the
        place of. Without it a duplicate code stops start-up.
    """

    code: str
    replaces: str | None = None

    def applies(self, unit_type: str | None = None, level: "Level | str | None" = None,
                year: int | None = None) -> bool:
        """Whether the record concerns an application of ``unit_type`` at ``level`` in the round of ``year``: each
        of its ``unit_types``, ``levels`` and ``years`` holds the value asked, or is empty (every one) or absent
        from the record. An argument left ``None`` is not asked about."""
        unit_types, levels, years = (getattr(self, name, ()) for name in ("unit_types", "levels", "years"))
        return ((unit_type is None or not unit_types or unit_type in unit_types)
                and (level is None or not levels or Level(level) in levels)
                and (year is None or not years or year in years))


# --------------------------------------------------------------- identity ---


@dataclass(frozen=True, kw_only=True)
class Region(Record):
    """Identity of a region plugin. ``code`` equals its entry-point name."""

    code: str
    name: str
    name_en: str
    #: "national" for the ministry, "province" for a provincial department.
    authority: str = "province"
    version: str = "0"


@dataclass(frozen=True, kw_only=True)
class AdminUnit(CodedRecord):
    """A submitting administrative unit (a 市州 or its peer)."""

    name: str
    kind: UnitKind
    #: True when an admin may edit membership (e.g. Hunan pilot counties).
    configurable: bool = False


@dataclass(frozen=True, kw_only=True)
class ListLevel(CodedRecord):
    name: str
    rank: int  # 1 city, 2 provincial, 3 national


#: Unit-type codes are one vocabulary for every region, so that lists and recommendations
#: line up across levels: a region that runs green design products registers ``product``
#: itself, without its region prefix. Any other new code is namespaced like all codes.
SHARED_UNIT_TYPES = ("factory", "park", "supply_chain", "product")


@dataclass(frozen=True, kw_only=True)
class UnitType(CodedRecord):
    """A kind of listed unit; codes from :data:`SHARED_UNIT_TYPES` need no region prefix."""

    name: str
    name_en: str
    #: levels at which this region runs the type
    levels: tuple[Level, ...] = (Level.CITY, Level.PROVINCIAL, Level.NATIONAL)


@dataclass(frozen=True, kw_only=True)
class Industry(CodedRecord):
    """One of MIIT's key industries with its own evaluation requirements.

    :ivar name_en: its name on English pages, a platform translation (the official name stays ``name``: the
        API, the xlsx tables and Chinese pages use it); without one English pages show ``name``.
    """

    name: str
    sector: str
    name_en: str | None = None
