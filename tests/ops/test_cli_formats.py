"""Every listing command prints text, JSON or CSV (issue 48): ``--format json`` gives the API's field names and
``--format csv`` a header row; times are Beijing time with its offset in every format, as pages show them.
Every command that lists or reports takes ``--format csv`` (issue 58: ``plugins``, ``rules``, ``config list`` and
``check`` refused it), and its CSV starts with UTF-8's byte-order mark, so that Excel on a Chinese Windows opens the
file a clerk redirected it to in the right characters: read back with the ``utf-8-sig`` codec, its header row
names the JSON's fields and it has a row for each record the JSON gives."""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import re

import pytest

LISTINGS = {("units", "list"): {"id", "code", "name", "kind", "source", "active"},
            ("jobs", "list"): {"id", "name", "status", "progress", "attempts", "created_at"},
            ("removals", "list"): {"id", "status", "uscc", "organization", "sanction", "levels"},
            ("keys", "list"): {"province", "key_id", "alg", "registered_at", "revoked_at", "public_key"},
            ("rereviews", "awaiting"): {"id", "cycle_year", "uscc", "organization", "city_result", "experts"},
            ("rounds", "steps", "--year", "2027", "--level", "provincial"): {"code", "title", "actor", "default_date",
                                                                           "origin", "dated_by"},
           # issue 58: webhook subscriptions and their delivery log (tests/webhooks fills them)
           ("webhooks", "list"): {"id", "url", "kinds", "active", "created_at"},
           ("webhooks", "deliveries"): {"id", "kind", "status", "attempts", "log"}}


@pytest.fixture
def instance(make_app):
    from core.extensions import db
    from core.models import Job
    from core.services.admin_units import sync_admin_units

    app = make_app("hunan")
    with app.app_context():
        sync_admin_units("test")
        # a job made at 16:30 UTC: 00:30 the next day in Beijing
        db.session.add(Job(public_id="j-one", name="summary.pdf", status="done", progress=100, attempts=1,
                           max_attempts=3, actor="province",
                           created_at=dt.datetime(2026, 11, 24, 16, 30, tzinfo=dt.UTC)))
        db.session.commit()
    return app


def _run(app, *args):
    from core.cli import cli

    result = app.test_cli_runner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _csv(app, *args, codes=(0,)) -> list[list[str]]:
    """``--format csv``'s table, as Excel and Python's ``utf-8-sig`` codec read the bytes: the byte-order mark first."""
    from core.cli import cli

    result = app.test_cli_runner().invoke(cli, [*args, "--format", "csv"])
    assert result.exit_code in codes, result.output
    assert result.stdout_bytes.startswith(codecs.BOM_UTF8), result.stdout_bytes[:40]
    return list(csv.reader(io.StringIO(result.stdout_bytes.decode("utf-8-sig"))))


@pytest.mark.parametrize("command", list(LISTINGS), ids=lambda c: " ".join(a for a in c if not a.startswith("-")
                                                                             and not a[0].isdigit()))
def test_every_listing_prints_json_with_the_apis_names_and_csv_with_a_header(instance, command):
    rows = json.loads(_run(instance, *command, "--format", "json"))
    assert isinstance(rows, list)
    if rows:
        assert LISTINGS[command] <= set(rows[0]), rows[0]
    table = _csv(instance, *command)
    assert set(table[0]) <= set(rows[0]) if rows else table[0]
    assert len(table) == len(rows) + 1


def test_units_list_in_every_format_and_times_in_beijing(instance):
    units = json.loads(_run(instance, "units", "list", "--format", "json"))
    changsha = next(u for u in units if u["name"] == "长沙市")
    assert changsha["code"] and isinstance(changsha["id"], int) and changsha["active"] is True
    text = _run(instance, "units", "list")
    assert f"{changsha['id']}\t{changsha['code']}\t长沙市" in text
    job = json.loads(_run(instance, "jobs", "list", "--format", "json"))[0]
    assert job["created_at"] == "2026-11-25T00:30:00+08:00"
    assert "2026-11-25T00:30:00+08:00" in _run(instance, "jobs", "list")


#: every command that lists or reports, with the arguments a run needs and the fields its JSON carries (a record
#: for the one-record reports, the first row for the listings)
REPORTS = {("calendar", "show", "2026"): {"date", "workday", "source"},
           ("clock", "show"): {"training", "today", "now", "real_today", "offset_days"},
           ("audit", "verify"): {"ok", "entries", "chained", "anchors", "first_bad", "message_zh", "message_en"},
           ("jobs", "run-due", "--on", "2026-11-25"): {"on", "filings_opened", "reminders_sent", "overdue_proposals"},
           ("filings", "overdue", "--dry-run"): set(),
           ("config", "list"): {"name", "type", "default"},
           ("plugins",): set(),
           ("rules", "--year", "2026"): set(),
           ("rules", "diff", "2024", "2025"): {"change", "kind", "key", "fields", "source", "cite"}}

#: listings whose JSON another test parses, where what they list is made
ELSEWHERE = {"rounds rules": "tests/rounds/test_round_notice_2027.py", "rounds open": "tests/rounds/test_round_notice_2027.py",
             "check": "tests/ops/test_check.py", "rounds steps": "tests/rounds/test_round_steps.py",
             "ministry overview": "tests/lists/test_ministry_overview.py"}

#: the commands that neither list nor report: they act (and say in a line what they did), start something, or
#: are Flask's and Flask-Migrate's own
ACTIONS = {"run", "shell", "routes", "demo", "new-region", "worker", "score", "calendar set", "calendar import",
           "calendar complete-year", "reference import", "scores recompute", "scores import", "units sync",
           "units add", "filings open", "filings remind", "removals bottom-share", "removals decide",
           "removals publish", "jobs tick", "lists notice-end", "lists export", "lists import", "lists key",
           "lists import-history", "db-roles grant-app", "evidence sweep", "keys generate", "keys show",
           "keys register", "keys revoke", "users create-admin", "config check", "clock set", "audit anchor",
           "mail test", "users reset-password", "users reset-mfa", "lists stage-add", "lists stage-withdraw",
           "rereviews draw", "rereviews opinion", "users link-identity", "users unlink-identity",
           "webhooks add", "webhooks test", "webhooks resend"}


def _commands():
    import click

    from core.cli import cli

    def walk(command, path):
        if isinstance(command, click.Group):
            if command.invoke_without_command and path:  # `greenmfg rules` lists, `greenmfg rules diff` compares
                yield " ".join(path), command
            for name, sub in command.commands.items():
                yield from walk(sub, [*path, name])
        else:
            yield " ".join(path), command

    return dict(walk(cli, []))


def test_every_command_that_lists_or_reports_takes_format_and_every_other_is_named_an_action():
    listed = {" ".join(c) for c in LISTINGS} | {" ".join(a for a in c if not a.startswith("-") and not a[0].isdigit())
                                                for c in REPORTS} | set(ELSEWHERE)
    for name, command in _commands().items():
        if name.startswith("db ") or name in ACTIONS:
            continue
        options = {o: p for p in command.params for o in getattr(p, "opts", [])}
        assert "--format" in options, f"greenmfg {name} lists or reports: give it --format (core/cli/output.py)"
        assert {"text", "json", "csv"} <= set(options["--format"].type.choices), f"greenmfg {name}: --format csv"
        assert name in listed, f"greenmfg {name}: add it to this file's LISTINGS or REPORTS"


@pytest.mark.parametrize("command", list(REPORTS), ids=" ".join)
def test_every_report_prints_json_a_program_reads(instance, command):
    from core.cli import cli

    result = instance.test_cli_runner().invoke(cli, [*command, "--format", "json"])
    assert result.exit_code in ((0, 1) if command[0] == "audit" else (0,)), result.output  # verify: 1 = broken
    answer = json.loads(result.output)
    record = answer[0] if isinstance(answer, list) and answer else answer
    if REPORTS[command]:
        assert REPORTS[command] <= set(record), record
    if command[:2] == ("clock", "show"):
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", record["now"]), record["now"]
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", record["today"])
    if command[:2] == ("calendar", "show"):  # 2026: 国庆节 from 1 October, and weekend days worked for the holidays
        days = {row["date"]: row["workday"] for row in answer}
        assert days["2026-10-01"] is False and True in days.values()


def test_run_due_keeps_its_json_flag_for_crontabs(instance):
    assert json.loads(_run(instance, "jobs", "run-due", "--on", "2026-11-25", "--json")) == json.loads(
        _run(instance, "jobs", "run-due", "--on", "2026-11-25", "--format", "json"))


def _records(command, answer) -> list:
    """The records a JSON answer holds: a listing's rows, a report's one record, ``plugins``' plugins, ``rules``'
    and ``rounds rules``' rules (documents with their region and documents around them)."""
    if isinstance(answer, list):
        return answer
    if command[0] in ("plugins", "rules", "rounds"):
        return answer["plugins" if command[0] == "plugins" else "rules"]
    return [answer]


@pytest.mark.parametrize("command", list(REPORTS), ids=" ".join)
def test_every_report_prints_csv_excel_opens_with_a_row_per_record(instance, command):
    from core.cli import cli

    codes = (0, 1) if command[0] == "audit" else (0,)  # verify: 1 = broken
    answer = json.loads(instance.test_cli_runner().invoke(cli, [*command, "--format", "json"]).output)
    records = _records(command, answer)
    header, *rows = _csv(instance, *command, codes=codes)
    assert len(rows) == len(records), (header, rows[:3], records[:3])
    assert header and set(header) <= set(records[0]) if records else header, (header, records[:1])
    if REPORTS[command] and len(records) == 1 and not isinstance(answer, list):  # one record: every field a column
        assert REPORTS[command] <= set(header), header
    if command[:2] == ("clock", "show"):
        record = dict(zip(header, rows[0]))
        assert record["now"] == answer["now"] and record["now"].endswith("+08:00")
    if command[:2] == ("calendar", "show"):  # 国庆节 (1 October 2026) a day off in the spreadsheet too
        assert dict((r[header.index("date")], r[header.index("workday")]) for r in rows)["2026-10-01"] == "no"


def test_the_rules_of_a_round_print_as_csv(instance):
    from core import clock
    from core.applications import services
    from core.cli import cli
    from core.extensions import db

    with instance.app_context():
        campaign = services.open_campaign(actor="province", year=2026, level="provincial", unit_types=["factory"],
                                          closes_at=clock.now() + dt.timedelta(days=30))
        db.session.commit()
        ident = str(campaign.id)
    answer = json.loads(instance.test_cli_runner().invoke(cli, ["rounds", "rules", ident, "--format", "json"]).output)
    header, *rows = _csv(instance, "rounds", "rules", ident)
    records = _records(("rounds",), answer)
    assert len(rows) == len(records) > 0 and set(header) <= set(records[0]), header


def test_the_steps_of_next_years_round_print_as_csv(instance):
    """``rounds steps`` (issue 53) as a spreadsheet: a row per step its JSON lists, the header its field names."""
    from core.cli import cli

    args = ["rounds", "steps", "--year", "2027", "--level", "provincial"]
    result = instance.test_cli_runner().invoke(cli, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    records = answer if isinstance(answer, list) else next(v for v in answer.values() if isinstance(v, list))
    header, *rows = _csv(instance, *args)
    assert len(rows) == len(records) > 0 and set(header) <= set(records[0]), header
