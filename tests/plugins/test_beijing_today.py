"""Rules read Beijing's date, through the public plugin API (issue 43).

Hunan's cleaner-production rule (000_5ae1342e00264ea1.txt 二.1: 绿色工厂和绿色供应链管理示范企业要求近五年内开展了
清洁生产审核) looks back five years from the submission day, and from today when it is asked before one. Today is
Beijing's date on the platform clock (``core.plugins.today``), not the server's local date: at 00:30 on
2026-03-01 in Beijing a UTC server still reads 2026-02-28, and an audit of 2021-02-28 would pass a day too long.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import time_machine

from core.clock import SHANGHAI
from core.plugins.manager import build_plugin_manager
from core.plugins.rules import RegionRules

ROOT = Path(__file__).resolve().parents[2]
CODE = "hunan.cleaner_production_audit"


#: 00:30 on 2026-03-01 in Beijing, on a server whose local zone is UTC (time-machine sets the zone it is given)
AT = dt.datetime(2026, 3, 1, 0, 30, tzinfo=SHANGHAI).astimezone(ZoneInfo("UTC"))


def test_the_five_year_look_back_starts_from_today_in_beijing():
    rule = RegionRules(build_plugin_manager("hunan")).eligibility_rules[CODE]
    with time_machine.travel(AT, tick=False):
        assert dt.date.today() == dt.date(2026, 2, 28)  # the server's date: still yesterday
        refused = rule.check({"hunan.cp_audit_date": dt.date(2021, 2, 28)})
        assert refused and "2021-03-01" in refused  # five years before Beijing's 2026-03-01
        assert rule.check({"hunan.cp_audit_date": dt.date(2021, 3, 1)}) is None


NAIVE_TODAY = re.compile(r"\bdate\.today\(\)|\bdatetime\.now\(\s*\)|\butcnow\(\)|\bdate\.fromtimestamp\(")


def test_no_plugin_or_core_module_reads_the_servers_local_date():
    """Days come from core/clock.py (plugins: ``core.plugins.today``); no module asks the server's local date."""
    found = []
    for folder in ("core", "plugins"):
        for path in (ROOT / folder).rglob("*.py"):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if NAIVE_TODAY.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []
