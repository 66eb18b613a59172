"""Issue 23: the summary export and import issue the same number of SQL statements for 100 rows as for
10,000 (the export) or 5,000 (the import's maximum): related rows load with the one query, writes go in
batches. Counted with a SQLAlchemy event listener, on SQLite and PostgreSQL.

A statement is one execution the application asks for: a batch the driver splits one executemany into
(SQLAlchemy's insertmanyvalues pages on PostgreSQL) shares that execution's context and counts once; the
round trips are reported beside it.
"""
from __future__ import annotations

import contextlib
import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from summary_kit import CASES, edit_every_column, populate, save, uscc, world

from core.applications import summary
from core.extensions import db
from core.services import audit_chain
from core.models import ApplicationStatus as S

#: SQL that differs between the two databases (tests/conftest.py BOTH): run on SQLite too
pytestmark = pytest.mark.both_databases


@contextlib.contextmanager
def counting():
    """Count the statements executed meanwhile: ``{"statements": n, "round_trips": m, "sql": [...]}``."""
    seen: dict = {"contexts": {}, "round_trips": 0, "sql": []}

    def listener(conn, cursor, statement, parameters, context, executemany):
        seen["round_trips"] += 1
        if id(context) not in seen["contexts"]:
            seen["contexts"][id(context)] = context  # kept alive, so no later context reuses its id
            seen["sql"].append(statement.split("\n")[0][:120])

    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)
        seen["statements"] = len(seen["contexts"])


def _export(unit, campaign) -> tuple[int, list[str]]:
    db.session.expire_all()
    with counting() as seen:
        data = summary.export_summary(unit.id, campaign.id, "city")
        db.session.commit()  # the audit row
    rows = sum(1 for r in load_workbook(io.BytesIO(data), read_only=True).worksheets[0].iter_rows(values_only=True)
               if isinstance(r[0], int))
    return seen["statements"], seen["sql"], rows


@pytest.mark.region("hunan")
def test_export_statements_are_constant_from_100_to_10000_rows(app):
    case = CASES["hunan-2024"]
    unit, campaign = world(case)
    populate(case, unit, campaign, 100)
    small, sql_small, rows_small = _export(unit, campaign)
    populate(case, unit, campaign, 9900, start=101)
    large, sql_large, rows_large = _export(unit, campaign)
    assert rows_small < rows_large and rows_large > 6000  # 附件2-1 holds the factories and supply-chain ones
    # the unit, the campaign, the rows, the audit row; and the audit chain's lock and tail read (issue 47)
    assert small == large <= 4 + audit_chain.STATEMENTS, (sql_small, sql_large)


def _import(unit, campaign, data: bytes) -> tuple[int, list[str], dict]:
    db.session.expire_all()
    with counting() as seen:
        report = summary.import_summary(unit.id, campaign.id, data, "city")
        db.session.commit()
    return seen["statements"], seen["sql"], report


def _file(unit, campaign, new: int, start: int) -> bytes:
    """The working copy with every draft edited and ``new`` new units appended to 附件2-1."""
    wb = load_workbook(io.BytesIO(summary.export_summary(unit.id, campaign.id, "city", include_drafts=True)))
    db.session.commit()
    edit_every_column(wb, campaign)
    ws = wb["附件2-1"]
    for i in range(new):
        ws.append([i + 1, f"新申报第{start + i}号化工有限公司", "精细化工", "绿色工厂", "化工", "现代石化", 1000 + i, 50.5, 20,
                   f"刘洋 139{start + i:08d}", uscc(start + i, "91430200")])
    return save(wb)


@pytest.mark.region("hunan")
def test_import_statements_are_constant_from_100_to_5000_rows(app):
    """100 rows (50 drafts changed, 50 new units) and 5,000 (2,500 and 2,500, the allowed maximum) cost the same
    statements: one SELECT for every credit code, one INSERT each of organizations, applications and audit rows
    (with the SELECTs reading the new ids back), one UPDATE of the drafts; the audit chain's lock and tail read
    (issue 47) once for all the audit rows."""
    case = CASES["hunan-2024"]
    unit, campaign = world(case)
    populate(case, unit, campaign, 50, status=S.DRAFT)
    small, sql_small, report = _import(unit, campaign, _file(unit, campaign, 50, 500000))
    assert report["ok"] and (report["created"], report["updated"]) == (50, 50), report["rows"][:3]
    populate(case, unit, campaign, 2400, start=1000, status=S.DRAFT)
    large_file = _file(unit, campaign, 2500, 600000)
    large, sql_large, report = _import(unit, campaign, large_file)
    assert report["ok"] and (report["created"], report["updated"]) == (2500, 2500)
    assert small == large <= 11 + audit_chain.STATEMENTS, "\n".join(sql_small) + "\n----\n" + "\n".join(sql_large)
