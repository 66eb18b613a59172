"""Every listing command prints text, JSON or CSV (issue 48): ``--format json`` gives the API's field names and
``--format csv`` a header row; times are Beijing time with its offset in every format, as pages show them."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

LISTINGS = {("units", "list"): {"id", "code", "name", "kind", "source", "active"},
            ("jobs", "list"): {"id", "name", "status", "progress", "attempts", "created_at"},
            ("removals", "list"): {"id", "status", "uscc", "organization", "sanction", "levels"},
            ("keys", "list"): {"province", "key_id", "alg", "registered_at", "revoked_at", "public_key"}}


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


@pytest.mark.parametrize("command", list(LISTINGS), ids=" ".join)
def test_every_listing_prints_json_with_the_apis_names_and_csv_with_a_header(instance, command):
    rows = json.loads(_run(instance, *command, "--format", "json"))
    assert isinstance(rows, list)
    if rows:
        assert LISTINGS[command] <= set(rows[0]), rows[0]
    table = list(csv.reader(io.StringIO(_run(instance, *command, "--format", "csv"))))
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
