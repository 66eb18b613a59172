"""The greenmfg command line, run as a user would (a subprocess of the installed script)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

#: SQL that differs between the two databases (tests/conftest.py BOTH): run on SQLite too
pytestmark = pytest.mark.both_databases

REGIONS = ["national", "hunan", "hubei", "jiangxi", "shanxi"]


def greenmfg(*args, env=None, cwd=None):
    exe = Path(sys.executable).with_name("greenmfg")
    return subprocess.run([str(exe), *args], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, **(env or {})}, timeout=120)


@pytest.fixture
def instance(tmp_path):
    return {"GREENMFG_INSTANCE_PATH": str(tmp_path / "instance"), "GREENMFG_REGION": "national"}


@pytest.mark.parametrize("region", REGIONS)
def test_rules_json_has_a_source_on_every_rule(region, instance):
    out = greenmfg("rules", "--region", region, "--format", "json", "--year", "2025", env=instance)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["format"] == "greenmfg.rules/1" and doc["region"]["code"] == region
    assert doc["rules"] and all(r["source"] in {"national", region, "core"} for r in doc["rules"])
    # a value no document gives is the platform's, and says so (Hubei's provincial notice period, issue 43)
    assert all(r["applied_as"] == "default" and r["cite"].startswith("平台默认") for r in doc["rules"]
               if r["source"] == "core")
    kinds = {r["kind"] for r in doc["rules"]}
    assert {"deadline", "negative_list_item", "evaluator_cap", "unit_type", "sanction"} <= kinds
    if region != "national":
        assert any(r["source"] == region for r in doc["rules"] if r["kind"] != "region")


def test_rules_text(instance):
    out = greenmfg("rules", "--region", "shanxi", "--year", "2025", env=instance)
    assert out.returncode == 0, out.stderr
    assert "山西省 (shanxi), 2025" in out.stdout and "[shanxi] notice_period provincial" in out.stdout


def test_unknown_region_exits_2_listing_installed(instance):
    out = greenmfg("rules", env={**instance, "GREENMFG_REGION": "atlantis"})
    assert out.returncode == 2
    assert "atlantis" in out.stderr and "hunan" in out.stderr and "Traceback" not in out.stderr


def test_plugins_lists_hooks(instance):
    out = greenmfg("plugins", "--format", "json", env={**instance, "GREENMFG_REGION": "hubei"})
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    names = {p["name"]: p for p in doc["plugins"]}
    assert set(names) == {"national", "hubei"} and doc["active_region"] == "hubei"
    assert "gm_policy_quota" in names["hubei"]["hooks"] and names["national"]["version"]


def test_demo_then_pages(instance):
    env = {**instance, "GREENMFG_REGION": "shanxi"}
    # as scripts/demo runs it (it serves the instance next and prints the address itself)
    out = greenmfg("demo", "--port", "5301", "--served", env=env)
    assert out.returncode == 0, out.stderr
    # issue 61: only what a user needs: the region, the accounts; no migration log lines, no lone progress label
    # ("organizations"), no internal counts, no "start it with" when the script starts it
    assert out.stderr == "", out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "演示实例 / demo instance: 山西省 (Shanxi)", lines
    assert lines[1] == "演示账号，密码均为 greenmfg-demo-2025 / demo accounts, password greenmfg-demo-2025:", lines
    assert "  省级工信部门 (province): province" in lines and "  市州工信部门 (city): city" in lines
    assert "organizations" not in out.stdout and "INFO" not in out.stdout and "start it with" not in out.stdout
    assert len(lines) == 10, lines  # the two heads, six roles, the listed unit, the reference values' warning
    again = greenmfg("demo", "--port", "5301", env=env)
    assert again.returncode != 0 and "already has data" in again.stderr and "INFO" not in again.stderr
    from core import create_app

    app = create_app({"GREENMFG_REGION": "shanxi",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance['GREENMFG_INSTANCE_PATH']}/greenmfg.sqlite3"})
    client = app.test_client()
    assert "太原市" in client.get("/").get_data(as_text=True)
    lists = client.get("/lists?level=provincial", follow_redirects=True).get_data(as_text=True)
    assert "省级" in lists and "有限公司" in lists


def test_calendar_import_is_all_or_nothing(instance, tmp_path):
    assert greenmfg("db", "upgrade", env=instance).returncode == 0
    bad = tmp_path / "days.csv"
    bad.write_text("date,is_workday,name\n2027-01-01,0,元旦\n2027-02-30,0,bad\n", encoding="utf-8")
    out = greenmfg("calendar", "import", str(bad), env=instance)
    assert out.returncode == 2 and "2027-02-30" in out.stderr
    good = tmp_path / "good.csv"
    good.write_text("date,is_workday,name\n2027-01-01,0,元旦\n2027-02-07,1,春节调休\n", encoding="utf-8")
    out = greenmfg("calendar", "import", str(good), "--complete-year", "2027", env=instance)
    assert out.returncode == 0, out.stderr
    shown = greenmfg("calendar", "show", "2027", env=instance).stdout
    assert "2027-01-01 放假" in shown and "2027-02-07 调休上班" in shown


def test_plugins_shows_which_plugin_answered(instance):
    """002_9c75e1d2ebfbdf50.txt 附件3: Hubei answers the 2021-2025 quotas; national none of them in 2025."""
    out = greenmfg("plugins", "--format", "json", "--year", "2025", env={**instance, "GREENMFG_REGION": "hubei"})
    plugins = {p["name"]: p for p in json.loads(out.stdout)["plugins"]}
    assert plugins["hubei"]["answers"]["gm_policy_quota"] == 17 * 4
    assert "gm_policy_quota" not in plugins["national"]["answers"]
    assert plugins["national"]["answers"]["gm_register_industries"] == 53


def test_hook_trace_is_opt_in(instance):
    env = {**instance, "GREENMFG_REGION": "shanxi", "GREENMFG_TRACE_HOOKS": "1"}
    out = greenmfg("rules", "--format", "json", env=env)
    assert "gm_policy_notice_period [shanxi](level=<Level.PROVINCIAL" in out.stderr
    quiet = greenmfg("rules", "--format", "json", env={**instance, "GREENMFG_REGION": "shanxi"})
    assert "gm_policy_notice_period" not in quiet.stderr
