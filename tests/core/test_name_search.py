"""The public lists' name search (core/lists/notices.py ``browse(q=…)``) finds exactly the listed entries whose
unit's name holds the text, in the lists' order, on SQLite and PostgreSQL: Chinese names of two characters
included, organizations close together (a common part of a name, read as one range of the entries' index on
PostgreSQL) or far apart (probed one by one), the LIKE wildcards taken literally, and the cap on organizations
searched. On PostgreSQL a two-character Chinese search reads the entries through their index (issue 46: its
buffers at 500,000 entries ÷ at 5,000 went from 5.2× to 1.4×)."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

pytestmark = pytest.mark.both_databases

CITIES = ["长沙市", "株洲市", "湘潭市"]


def _rows(app) -> None:
    """300 organizations, one listed entry or two each (years 2019–2025), a few not listed; every 100th one's name
    holds 稀有 (far apart), one holds ``5%_off``."""
    from core.clock import now
    from core.extensions import db
    from core.models import ListEntry, Organization

    with app.app_context():
        at = now()
        first = (db.session.scalar(sa.select(sa.func.max(Organization.id))) or 0) + 1
        names = []
        for k in range(300):
            rare = "稀有" if k % 100 == 42 else ""
            names.append(f"{CITIES[k % 3]}第{k:04d}号{rare}绿色制造有限公司" if k != 7 else "长沙5%_off机械厂")
        db.session.execute(sa.insert(Organization), [
            {"id": first + k, "uscc": f"9143010000{first + k:08d}", "name": name, "created_at": at, "updated_at": at}
            for k, name in enumerate(names)])
        entries = []
        for k in range(300):
            for j in range(1 + k % 2):
                entries.append({"organization_id": first + k, "unit_type": "factory", "level": "provincial",
                                "year": 2019 + (k + j) % 7, "status": "listed" if k % 17 else "removed",
                                "listed_on": dt.date(2024, 3, 1), "notice_no": "湘工信节能〔2024〕1号",
                                "source": "import", "created_at": at, "updated_at": at})
        db.session.execute(sa.insert(ListEntry), entries)
        db.session.commit()


def _expected(q: str, cap: int) -> list[int]:
    """The entries the search must show: the listed entries of the ``cap`` most recently registered organizations
    whose name holds ``q``, newest year first, then newest entry."""
    from core.extensions import db
    from core.models import ListEntry, Organization

    orgs = [o for o, name in db.session.execute(sa.select(Organization.id, Organization.name)
                                                 .order_by(Organization.id.desc())) if q in name][:cap]
    rows = db.session.execute(sa.select(ListEntry.id, ListEntry.year).where(
        ListEntry.status == "listed", ListEntry.organization_id.in_(orgs))).all()
    return [i for i, _ in sorted(rows, key=lambda r: (r.year, r.id), reverse=True)]


def _walk(q: str, per_page: int) -> tuple[list[int], list[int]]:
    """Every page of the search through its next links, and back through its previous links."""
    from core.lists import notices

    forward, pages, after = [], [], None
    while True:
        page = notices.browse(q=q, after=after, per_page=per_page)
        pages.append(page)
        forward += [row.id for row in page.rows]
        if page.next_after is None:
            break
        after = page.next_after
    backward, before = [], pages[-1].prev_before
    while before is not None:
        page = notices.browse(q=q, before=before, per_page=per_page)
        backward = [row.id for row in page.rows] + backward
        before = page.prev_before
    return forward, backward + [row.id for row in pages[-1].rows]


@pytest.mark.parametrize("q", ["长沙", "沙", "株洲市第", "稀有", "5%_off", "%", "_", "第0150号", "无此单位"])
def test_the_search_finds_exactly_the_entries_whose_name_holds_the_text(make_app, q):
    app = make_app("hunan")
    _rows(app)
    with app.app_context():
        expected = _expected(q, 500)
        forward, backward = _walk(q, 7)
        assert forward == expected
        if len(expected) > 7:
            assert backward == expected
        from core.lists import notices

        first = notices.browse(q=q, per_page=7)
        assert first.total == len(expected) and not first.narrowed
        assert [r.name for r in first.rows] == [n for n in (r.name for r in first.rows) if q in n]  # names shown


def test_only_the_most_recently_registered_organizations_are_searched_past_the_cap(make_app, monkeypatch):
    from core.lists import notices

    monkeypatch.setattr(notices, "NAME_CAP", 20)
    notices._page_statements.cache_clear()
    app = make_app("hunan")
    _rows(app)
    with app.app_context():
        try:
            page = notices.browse(q="长沙", per_page=500)
            assert [row.id for row in page.rows] == _expected("长沙", 20) and page.narrowed
        finally:
            notices._page_statements.cache_clear()


def test_a_two_character_chinese_search_reads_the_entries_by_their_index(make_app, database_url):
    """On PostgreSQL the entries of the organizations found are read through ``ix_list_entry_organization_id``
    (as one range when they are close together), never by a scan of every entry, even where the planner would
    otherwise prefer one for a table this small."""
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's plan")
    from core.extensions import db
    from core.lists import notices

    app = make_app("hunan")
    _rows(app)
    with app.app_context():
        statement, _ = notices._page_statements(False, False, False, False, True, "first", 51, notices.NAME_CAP,
                                                notices.COUNT_CAP, True)
        compiled = statement.compile(dialect=db.engine.dialect)
        conn = db.session.connection()
        conn.exec_driver_sql("ANALYZE list_entry")
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        plan = "\n".join(row[0] for row in conn.exec_driver_sql("EXPLAIN " + compiled.string,
                                                                 compiled.construct_params({"name": "长沙"})))
        assert "ix_list_entry_organization_id" in plan and "Seq Scan on list_entry" not in plan
        assert [row.id for row in notices.browse(q="长沙", per_page=500).rows] == _expected("长沙", 500)
