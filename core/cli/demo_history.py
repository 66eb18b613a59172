"""The lists the demo region already has, imported before its round as a deployment imports them: the units that
climb to this round's level, and listed units that do not apply this year (their annual filings, one removed)."""
from __future__ import annotations

import datetime as dt
import random
from typing import Any, Callable

from core.extensions import db
from core.clock import today
from core.models import AdminUnit, Organization
from core.plugins.types import Level
from core.cli.demo_material import _PEOPLE, _SUFFIX, _TRADES, ACTOR, division_code, history_table, make_uscc, place_name


#: listed units of the demo's list history that do not apply in this year's round
LISTED_ONLY = 12


def _load_history(rules: Any, seed: int, level: Level, year: int, units: list[AdminUnit], orgs: list[Organization],
                  planned: list[str], companies: list[str], types: list[str], industries: list[str],
                  import_history: Callable[..., dict] | None, counts: dict[str, int]) -> int:
    """The lists the region already has, imported before its round as a deployment imports them (``planned``: the
    kind each of ``orgs`` applies for in the round); returns how many listed units that do not apply it adds."""
    # the province's existing lists, loaded as a deployment loads them: a table through the history import. Units
    # climb the ladder, as in a deployed province: a unit on a list does not apply to that list's round again, one on
    # the list below does (city list → provincial round). So the first half of this round's applicants were on the
    # list just below the round's, of the kind they apply for (the demo enterprise among them, which files for it),
    # and the units of the lists at the round's level and above (their annual filings, the unit removed for a missed
    # filing) are others, which do not apply this year
    history_rows = []
    filing = rules.deadlines.get("dynamic_filing")
    unit_names = {u.id: u.name for u in units}

    def removal_day(listed: int) -> dt.date:
        """A unit listed in ``listed`` (on 12-20) that did not file its first annual dynamic-management table, due
        the next year by the region's deadline (办法 第十六条: 04-15), removed with the list a fortnight later."""
        due = (filing.for_year(listed + 1) if filing is not None else None) or dt.date(listed + 1, 4, 15)
        return due + dt.timedelta(days=16)

    def history_row(lv: Level, y: int, unit_type: str, org: Organization, number: int, removed: bool = False) -> list:
        return [rules.list_levels[lv.value].name, y, rules.unit_types[unit_type].name, org.uscc, org.name,
                unit_names[org.admin_unit_id], f"示范公告〔{y}〕{number}号", dt.date(y, 12, 20).isoformat(),
                "移出" if removed else "列入", removal_day(y).isoformat() if removed else "",
                "未按时填报年度动态管理表" if removed else ""]

    def stage_row(stage: Any, lv: Level, y: int, unit_type: str, org: Organization, number: int) -> list:
        """The unit's entry in the stage before the ``lv`` list of ``y`` (a 创建计划, a 培育库), published in March;
        the province's 认定 lists it on 12-20."""
        return [rules.list_levels[lv.value].name, y, rules.unit_types[unit_type].name, org.uscc, org.name,
                unit_names[org.admin_unit_id], f"{stage.name}〔{y}〕{number}号", dt.date(y, 3, 20).isoformat(),
                stage.name, "", ""]

    rank = {lv: rules.list_levels[lv].rank for lv in rules.list_levels}
    below = max((lv for lv in rules.list_levels if rank[lv] < rank[level.value]), key=rank.get, default=None)
    if below is not None:
        for n, (org, unit_type) in enumerate(list(zip(orgs, planned))[: len(orgs) // 2]):
            if unit_type in {t.code for t in rules.unit_types_for(Level(below))}:
                y = year - 2 - n % 2
                history_rows.append(history_row(Level(below), y, unit_type, org, n + 1))
    # the listed units that do not apply this year: a random generator of their own, so that the applicants' data
    # stays what it was
    others_rng = random.Random(seed + 1)
    others = []
    taken = {o.name for o in orgs}
    for n in range(LISTED_ONLY):
        unit = units[n % len(units)]
        trade = others_rng.choice(_TRADES)
        # another company of the same place and trade: another legal form, else a second (third…) one
        name = next(candidate for candidate in (f"{place_name(unit.name)}{nth}{trade}{suffix}"
                                                for nth in ("", "第二", "第三", "第四", "第五") for suffix in _SUFFIX)
                    if candidate not in taken)
        taken.add(name)
        org = Organization(uscc=make_uscc(others_rng, division_code(rules.region.name, unit.name)), name=name,
                           admin_unit_id=unit.id, industry=others_rng.choice(industries),
                           legal_representative=others_rng.choice(_PEOPLE))
        db.session.add(org)
        others.append(org)
    db.session.flush()
    listed_type = next((t for t in companies if t in rules.unit_types), types[0])
    # built before last year's national units' removal day has come, the removed unit's story is a year older
    earlier = 0 if removal_day(year - 1) <= today() else 1
    for n, org in enumerate(others):
        back = earlier if n == 4 else 0
        for lv, y in ((Level.CITY, year - 3 - back), (Level.PROVINCIAL, year - 2 - back),
                      (Level.NATIONAL, year - 1 - back)):
            if (n % 3 == 2 and lv == Level.NATIONAL) or lv.value not in rules.list_levels:
                continue
            stage = rules.publication(lv, y).stage
            if stage is not None and stage.round_publishes:  # the round's stage first (Hunan 000 二.4: the 2024
                # 创建计划), then the province's 认定 lists the unit
                history_rows.append(stage_row(stage, lv, y, listed_type, org, 100 + n + 1))
            history_rows.append(history_row(lv, y, listed_type, org, 100 + n + 1,
                                            removed=n == 4 and lv == Level.NATIONAL))
    if import_history is not None:
        db.session.flush()
        report = import_history(ACTOR, history_table(history_rows), "demo-history.csv")
        if not report["ok"]:
            raise RuntimeError("demo history rejected: " + "; ".join(
                p for r in report["rows"] for p in r["problems"])[:500])
        counts["list_entries"] = report["created"]
    return len(others)
