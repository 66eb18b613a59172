"""Yearly filings of listed units: indicator values from an xlsx or CSV into ``UnitScore`` rows.

Existing national units self-evaluate every year against the current requirements (seed
001_3f04a56fc6693327.txt 二(二): 组织现有国家绿色工厂、绿色工业园区登录管理平台, 对照新的评价要求
开展自评价对标); their scores are ranked and the bottom 5 % tracked (:mod:`core.scoring.recompute`).

A file has one row per unit and year:

* ``uscc`` (统一社会信用代码) and ``year`` (年度); ``unit_type`` (类型) only for a unit listed
  both as a factory and as a park at the level;
* one column per indicator, headed by its MIIT table number (``1``, or ``1 能源消耗强度``);
  a value that is an object takes one column per part (``15.elasticity``,
  ``15.value_added_growth``); a cell may also hold JSON (a list of products);
* qualitative cells take 是/否, true/false, yes/no or a reviewer's partial score;
* other columns (企业名称 …) are ignored, and so are empty cells (the value is missing).

The unit must be listed (``ListEntry`` status ``listed``) at the level, in the filing year
or before. Import is all or nothing: every row is checked first and every problem is
reported with its row number in Chinese and English (:class:`~core.scoring.files.FileRefused`).
Rows are created, or their values replaced; scores, ranks and flags are left to
:func:`core.scoring.recompute.recompute_scores`.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from core.errors import InvalidInput
from core.models import ListEntry, Organization, UnitScore
from core.plugins import indicator_bounds as bounds
from core.plugins.types import Level
from core.scoring.engine import GENERAL, check_keys, score_unit
from core.scoring.files import FileRefused, as_number
from core.scoring.formulas import ScoringInputError
from core.scoring.request import normalise_industry

#: column keys and the headers accepted for them (English or Chinese)
COLUMNS = {"uscc": ("uscc", "统一社会信用代码"), "year": ("year", "年度"), "unit_type": ("unit_type", "类型")}
_INDICATOR = re.compile(r"^(\d+)(?:\.([A-Za-z_]+))?(?:\s.*)?$")
_TRUE = {"是", "true", "yes", "y", "有", "√", "✓"}
_FALSE = {"否", "false", "no", "n", "无", "×", "✗"}
LISTED = "listed"


@dataclass
class FilingReport:
    created: int = 0
    updated: int = 0
    years: list[int] = field(default_factory=list)


@dataclass
class _Filing:
    row: int
    organization: Organization
    unit_type: str
    year: int
    values: dict[str, Any]


def cell_value(cell: Any, where: str) -> Any:
    """A cell as an indicator value: numbers, 是/否 and the like, JSON; ``None`` when empty."""
    if cell is None or isinstance(cell, (bool, int, float)):
        return cell
    text = str(cell).strip()
    if not text:
        return None
    if text.lower() in _TRUE:
        return True
    if text.lower() in _FALSE:
        return False
    if text[0] in "[{":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ScoringInputError("%(field)s: invalid JSON: %(reason)s", field=where, reason=str(exc)) from exc
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text  # the engine names the field: "a number is required"


def _layout(header: list[str], source: str) -> tuple[dict[str, int], list[tuple[int, str, str | None]]]:
    """The key columns by name, and the indicator columns as ``(index, number, part)``."""
    keys, indicators = {}, []
    for i, name in enumerate(header):
        key = next((k for k, names in COLUMNS.items() if name.lower() in names), None)
        if key is not None:
            keys.setdefault(key, i)
        elif match := _INDICATOR.match(name):
            indicators.append((i, str(int(match[1])), match[2]))
    for key in ("uscc", "year"):
        if key not in keys:
            raise ScoringInputError("%(field)s: missing column %(column)s", field=source,
                                    column=f"{key} ({COLUMNS[key][-1]})")
    return keys, indicators


def _values(cells: list, indicators: list[tuple[int, str, str | None]], at: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for i, number, part in indicators:
        value = cell_value(cells[i] if i < len(cells) else None, f"{at}: {number}" + (f".{part}" if part else ""))
        if value is None:
            continue
        if part is None:
            if number in values:
                raise ScoringInputError("%(field)s: give either column %(number)s or its parts",
                                        field=f"{at}: {number}", number=number)
            values[number] = value
        else:
            whole = values.setdefault(number, {})
            if not isinstance(whole, dict) or part in whole:
                raise ScoringInputError("%(field)s: give either column %(number)s or its parts",
                                        field=f"{at}: {number}", number=number)
            whole[part] = value
    return values


def check_filings(session: Session, rules: Any, header: list[str], body: list[tuple[int, list[Any]]],
                  source: str, level: str, progress: Callable[[int], None] | None = None) -> list[_Filing]:
    """Check every row; the clean filings, or :class:`FileRefused` with every row's problem."""
    if str(level) not in {str(lv) for lv in Level}:
        raise ScoringInputError("%(field)s: unknown list level %(value)s", field="level", value=level)
    keys, indicators = _layout(header, source)
    if not body:
        raise ScoringInputError("%(field)s: the file holds no rows", field=source)
    codes = {str(cells[keys["uscc"]] or "").strip().upper() for _, cells in body if keys["uscc"] < len(cells)}
    orgs = {o.uscc: o for o in session.scalars(select(Organization).options(joinedload(Organization.admin_unit))
                                                .where(Organization.uscc.in_(codes)))}
    listed: dict[int, list[ListEntry]] = {}
    for entry in session.scalars(select(ListEntry).where(
            ListEntry.organization_id.in_([o.id for o in orgs.values()]), ListEntry.level == str(level),
            ListEntry.status == LISTED)):
        listed.setdefault(entry.organization_id, []).append(entry)
    errors: list[ScoringInputError] = []
    clean: dict[tuple, _Filing] = {}
    for n, cells in body:
        try:
            filing = _check_row(rules, keys, indicators, cells, n, orgs, listed, str(level))
            key = (filing.organization.id, filing.unit_type, filing.year)
            if key in clean:
                raise ScoringInputError("%(field)s: duplicate of row %(row)s", field=f"row {n}", row=clean[key].row)
            clean[key] = filing
        except ScoringInputError as exc:
            errors.append(exc)
        if progress:
            progress(1)
    if errors:
        raise FileRefused(source, errors)
    return list(clean.values())


def _check_row(rules: Any, keys: dict[str, int], indicators: list, cells: list, n: int,
               orgs: dict[str, Organization], listed: dict[int, list[ListEntry]], level: str) -> _Filing:
    at = f"row {n}"

    def cell(key: str) -> Any:
        i = keys.get(key)
        return cells[i] if i is not None and i < len(cells) else None

    code = str(cell("uscc") or "").strip().upper()
    org = orgs.get(code)
    if org is None:
        raise ScoringInputError("%(field)s: no organization has this unified social credit code", field=f"{at}: uscc")
    year = int(as_number(cell("year"), f"{at}: year", whole=True))
    types = sorted({e.unit_type for e in listed.get(org.id, []) if e.year <= year})
    wanted = str(cell("unit_type") or "").strip()
    if wanted:
        if wanted not in rules.unit_types:
            raise ScoringInputError("%(field)s: unknown unit type %(value)s", field=f"{at}: unit_type", value=wanted)
        types = [t for t in types if t == wanted]
    if not types:
        raise ScoringInputError("%(field)s: the unit is not listed at %(level)s level in %(year)s",
                                field=f"{at}: uscc", level=level, year=year)
    if len(types) > 1:
        raise ScoringInputError("%(field)s: the unit is listed as %(types)s; name one in unit_type",
                                field=f"{at}: unit_type", types=", ".join(types))
    unit_type = types[0]
    iset = rules.indicator_set(unit_type, year)
    if iset is None:
        raise ScoringInputError("%(field)s: no indicator set for %(unit_type)s in %(year)s", field=f"{at}: year",
                                unit_type=unit_type, year=year)
    if org.admin_unit is None:
        raise ScoringInputError("%(field)s: the unit has no administrative unit, so no province to rank it in",
                                field=f"{at}: uscc")
    values = _values(cells, indicators, at)
    try:
        check_keys(iset, values, "values")
        bounds.check_values(iset, values)  # the indicator's bound, as the forms and the API (issue 55)
        score_unit(iset, values)  # malformed values raise; missing references are no error here
    except InvalidInput as exc:  # the engine's ScoringInputError, or a value past its bound
        params = {k: v for k, v in exc.params.items() if k != "field"}
        raise ScoringInputError(exc.msgid, field=f"{at}: {exc.field}", **params) from exc
    return _Filing(n, org, unit_type, year, values)


def import_filings(rules: Any, header: list[str], body: list[tuple[int, list[Any]]], source: str, *,
                   level: str = Level.NATIONAL, actor: str,
                   progress: Callable[[int], None] | None = None) -> FilingReport:
    """Check the rows read by :func:`~core.scoring.files.read_rows`, then create or update a
    ``UnitScore`` per row, audited (``scores.imported``) and committed together."""
    from core.extensions import db
    from core.services import audit

    session = db.session
    filings = check_filings(session, rules, header, body, source, level, progress)
    report = FilingReport(years=sorted({f.year for f in filings}))
    existing = {(s.organization_id, s.unit_type, s.year): s for s in session.scalars(select(UnitScore).where(
        UnitScore.organization_id.in_({f.organization.id for f in filings}), UnitScore.level == str(level),
        UnitScore.year.in_(report.years)))}
    try:
        for f in filings:
            org = f.organization
            place = {"industry": normalise_industry(rules, org.industry) or GENERAL,
                     "province": org.admin_unit.region, "admin_unit_id": org.admin_unit_id, "values": f.values}
            row = existing.get((org.id, f.unit_type, f.year))
            if row is None:
                session.add(UnitScore(organization_id=org.id, unit_type=f.unit_type, level=str(level), year=f.year,
                                      **place))
                report.created += 1
            else:
                for key, value in place.items():
                    setattr(row, key, value)
                report.updated += 1
        audit.record(actor, "scores.imported", "unit_score", None, source=source, level=str(level),
                     created=report.created, updated=report.updated, years=report.years)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return report
