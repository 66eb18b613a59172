"""The dashboards' and the city home page's figures come from counts the database keeps in the transaction that
changes an entry, a filing or an organization's city (issue 57, migration 0053), and they are the figures the old
aggregates over every entry and filing gave:

- through the services (a list history import, a list published by decision, a stage, the filings of a year
  opened late, submitted, accepted, returned, a removal published, the overdue job, the training clock moved so
  that open filings become overdue), each dashboard page and API answer is the one the old aggregates make;
- through any statement (single and many-row inserts, updates and deletes, a rollback, an organization moved to
  another city), every count equals what is worked out afresh from the rows, and every reader answers as the old
  aggregate for any year, city, day, level set and period;
- the migration counts the rows already there.

On PostgreSQL and SQLite (triggers, upserts and bulk writes differ).
"""
from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import random
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from mgmt_world import (
    factory_values,
    listed,
    organization,
    references,
    units,
    user,
    web,
)
from sqlalchemy import delete, func, insert, select, update

from core.extensions import db
from core.models import AdminUnit, AnnualFiling, ListEntry, Organization, User

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))  # kit.py, shared with tests/review
import kit

#: SQL that differs between the two databases (tests/conftest.py BOTH): triggers, upserts, bulk writes: both
pytestmark = pytest.mark.both_databases

LEVEL_BITS = {"city": 1, "provincial": 2, "national": 4}

# ------------------------------------------------------------------------------- the old aggregates --
# What core/management/dashboard.py, filings.py and todo.py computed before migration 0053, over every entry and
# filing, with the signatures of core.management.counts (which the tests swap for these).


def old_filings_by_city(year, admin_unit_id, on):
    from core.management import filings

    status = filings.status_column(on).label("shown_status")
    query = (select(AnnualFiling.admin_unit_id, status, func.count(AnnualFiling.id))
             .where(AnnualFiling.year == year).group_by(AnnualFiling.admin_unit_id, status))
    if admin_unit_id is not None:
        query = query.where(AnnualFiling.admin_unit_id == admin_unit_id)
    out = defaultdict(dict)
    for unit, shown, n in db.session.execute(query):
        out[unit][shown] = n
    return dict(out)


def old_latest_due_on(year, admin_unit_id=None):
    query = select(func.max(AnnualFiling.due_on)).where(AnnualFiling.year == year)
    if admin_unit_id is not None:
        query = query.where(AnnualFiling.admin_unit_id == admin_unit_id)
    return db.session.scalar(query)


def old_submitted_filings(admin_unit_id):
    n, year = db.session.execute(select(func.count(), func.max(AnnualFiling.year)).where(
        AnnualFiling.admin_unit_id == admin_unit_id, AnnualFiling.status == "submitted")).one()
    return n, year


def old_latest_overdue(admin_unit_id, on, deadline, limit):
    from core.management import filings

    query = select(AnnualFiling.id).where(filings.status_column(on) == filings.OVERDUE)
    if admin_unit_id is not None:
        query = query.where(AnnualFiling.admin_unit_id == admin_unit_id)
    return list(db.session.scalars(query.order_by(AnnualFiling.id.desc()).limit(limit)))


def old_listed_by_city(first, until, admin_unit_id=None, level=None):
    query = (select(Organization.admin_unit_id, ListEntry.year, ListEntry.unit_type, func.count(ListEntry.id))
             .join(Organization, Organization.id == ListEntry.organization_id)
             .where(ListEntry.year >= first, ListEntry.year <= until, ListEntry.status != "cultivation")
             .group_by(Organization.admin_unit_id, ListEntry.year, ListEntry.unit_type))
    if admin_unit_id is not None:
        query = query.where(Organization.admin_unit_id == admin_unit_id)
    if level:
        query = query.where(ListEntry.level == level)
    return list(map(tuple, db.session.execute(query)))


def old_listed_organizations(levels, start, end, admin_unit_id=None):
    query = (select(Organization.admin_unit_id, ListEntry.unit_type, func.count(func.distinct(ListEntry.organization_id)))
             .join(Organization, Organization.id == ListEntry.organization_id)
             .where(ListEntry.year >= start, ListEntry.year <= end, ListEntry.status != "cultivation",
                    ListEntry.level.in_(list(levels)))
             .group_by(Organization.admin_unit_id, ListEntry.unit_type))
    if admin_unit_id is not None:
        query = query.where(Organization.admin_unit_id == admin_unit_id)
    return {(unit, unit_type): n for unit, unit_type, n in db.session.execute(query)}


def old_unfiled_national(admin_unit_id, year):
    from core.management import filings

    return len(filings.unfiled_national_units(admin_unit_id, year))


OLD = {"filings_by_city": old_filings_by_city, "latest_due_on": old_latest_due_on,
       "submitted_filings": old_submitted_filings, "latest_overdue": old_latest_overdue,
       "listed_by_city": old_listed_by_city, "listed_organizations": old_listed_organizations,
       "unfiled_national": old_unfiled_national}


@contextlib.contextmanager
def old_aggregates():
    """core.management.counts answering from the old aggregates over every entry and filing."""
    from core.management import counts

    kept = {name: getattr(counts, name) for name in OLD}
    try:
        for name, function in OLD.items():
            setattr(counts, name, function)
        yield
    finally:
        for name, function in kept.items():
            setattr(counts, name, function)


# ------------------------------------------------------------------------- the counts worked out afresh --


def _deadline(status, due_on, correct_until):
    return correct_until if status == "returned" and correct_until is not None and correct_until > due_on else due_on


def expected_counts() -> dict[str, Counter]:
    """Every count table as it should be, worked out in Python from the entries, filings and organizations."""
    unit = {o: u or 0 for o, u in db.session.execute(select(Organization.id, Organization.admin_unit_id))}
    entries = db.session.execute(select(ListEntry.organization_id, ListEntry.unit_type, ListEntry.year,
                                        ListEntry.level, ListEntry.status)).all()
    filings = db.session.execute(select(AnnualFiling.organization_id, AnnualFiling.unit_type, AnnualFiling.year,
                                        AnnualFiling.admin_unit_id, AnnualFiling.status, AnnualFiling.due_on,
                                        AnnualFiling.correct_until)).all()
    out = {"filing_count": Counter((y, u or 0, s, due, _deadline(s, due, cu)) for _o, _t, y, u, s, due, cu in filings),
           "listed_count": Counter((unit[o], y, t, lv, s) for o, t, y, lv, s in entries),
           "listed_org_year": Counter((o, t, y, lv, s) for o, t, y, lv, s in entries),
           "filed_org_year": Counter((o, t, y) for o, t, y, _u, s, _d, _c in filings if s in ("submitted", "accepted")),
           "listed_span": Counter(), "national_count": Counter()}
    by_pair = defaultdict(list)
    for o, t, y, lv, s in entries:
        by_pair[(o, t)].append((y, lv, s))
    for (o, t), rows in by_pair.items():
        for mask in range(1, 8):
            years = sorted({y for y, lv, s in rows if s != "cultivation" and LEVEL_BITS.get(lv, 0) & mask})
            for prev, year in zip([0, *years], years):
                out["listed_span"][(unit[o], t, mask, year, prev)] += 1
    filed = out["filed_org_year"]
    for o in {o for o, _t in by_pair}:
        first = {t: min(y for y, lv, s in rows if lv == "national" and s == "listed")
                 for (org, t), rows in by_pair.items() if org == o
                 and any(lv == "national" and s == "listed" for _y, lv, s in rows)}
        if not first:
            continue
        start = min(first.values())
        out["national_count"][(unit[o], "listed", start)] += 1
        for year in {y for (org, _t, y), n in filed.items() if org == o and n and y > start}:
            if all(filed[(o, t, year)] for t, f in first.items() if f < year):
                out["national_count"][(unit[o], "filed", year)] += 1
    return out


def kept_counts() -> dict[str, Counter]:
    from core.models import management_counts as m

    keys = {m.FilingCount: ("year", "admin_unit_id", "status", "due_on", "deadline"),
            m.ListedCount: ("admin_unit_id", "year", "unit_type", "level", "status"),
            m.ListedOrgYear: ("organization_id", "unit_type", "year", "level", "status"),
            m.FiledOrgYear: ("organization_id", "unit_type", "year"),
            m.ListedSpan: ("admin_unit_id", "unit_type", "levels", "year", "prev_year"),
            m.NationalCount: ("admin_unit_id", "kind", "year")}
    return {model.__tablename__: Counter({tuple(getattr(r, k) for k in key): r.n
                                          for r in db.session.scalars(select(model)) if r.n})
            for model, key in keys.items()}


def assert_counts_right() -> None:
    """Committed: every count as worked out afresh, and no change left waiting (PostgreSQL's deltas were added up
    at commit)."""
    from core.models import management_counts as m

    db.session.expire_all()
    kept, expected = kept_counts(), expected_counts()
    for table in expected:
        assert kept[table] == +expected[table], table
    for model in (*m.DELTAS.values(), m.CountFold):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0, model.__tablename__


def assert_readers_agree(on: dt.date, years=(2023, 2025, 2026), cities=(None,)) -> None:
    """Each reader of core.management.counts answers as the old aggregate."""
    from core.management import counts, filings

    deadline = filings.deadline_column()
    for city in cities:
        asked = []
        for year in years:
            asked += [("filings_by_city", (year, city, on)), ("latest_due_on", (year, city))]
            if city:  # the dashboard counts a city's
                asked.append(("unfiled_national", (city, year)))
            for day in (on, on - dt.timedelta(days=400), on + dt.timedelta(days=400)):
                asked.append(("latest_overdue", (city, day, deadline, 20)))
        asked += [("listed_by_city", (2019, 2026, city, level)) for level in (None, "city", "national")]
        asked += [("listed_organizations", (levels, start, end, city))
                  for levels in (["city", "provincial", "national"], ["national"], ["city", "provincial"])
                  for start, end in ((2021, 2025), (2019, 2019), (2024, 2030))]
        if city:
            asked.append(("submitted_filings", (city,)))
        got = [getattr(counts, name)(*args) for name, args in asked]
        with old_aggregates():
            want = [getattr(counts, name)(*args) for name, args in asked]
        for (name, args), g, w in zip(asked, got, want):
            if name == "listed_by_city":
                g, w = sorted(g, key=str), sorted(w, key=str)
            assert g == w, (name, args)


# ------------------------------------------------------------------------------------ through services --


def _history(rows) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["层级", "年度", "类型", "统一社会信用代码", "名称", "市州", "文号", "发布日期", "状态", "移出日期",
                     "移出原因"])
    writer.writerows([["" if v is None else v for v in r] for r in rows])
    return buf.getvalue().encode("utf-8-sig")


def _strip(html: str) -> str:
    """A page without what differs between two renders of the same figures (CSRF tokens, nonces)."""
    return re.sub(r'(name="csrf_token"[^>]*value="|nonce=")[^"]*"', r'\1"', html)


def _assert_pages_and_api_as_before(app, year: int, people: dict[str, str]) -> None:
    """Every dashboard (page and API) and the city's home page, as the old aggregates make them."""
    from core.accounts import services as accounts

    paths = [f"/management/dashboard?year={year}", f"/management/dashboard?year={year - 1}", "/"]
    clients = {who: web(app, login) for who, login in people.items()}
    tokens = {}
    for who, login in people.items():
        tokens[who] = accounts.create_token(db.session.scalar(select(User).where(User.username == login)), "t")[0]
    db.session.commit()
    jobs = app.extensions.get("greenmfg_jobs")
    if getattr(jobs, "kind", None) == "thread":  # the notifications a change sent are in the inbox's count first
        jobs.wait(30)

    def answers():
        out = {}
        for who, client in clients.items():
            for path in paths:
                r = client.get(path + ("&" if "?" in path else "?") + "lang=zh")
                assert r.status_code == 200, (who, path, r.status_code)
                out[(who, path)] = _strip(r.get_data(as_text=True))
            r = web(app).get(f"/api/v1/management/dashboard?year={year}",
                             headers={"Authorization": f"Bearer {tokens[who]}"})
            assert r.status_code == 200, r.get_json()
            out[(who, "api")] = r.get_json()
        return out

    got = answers()
    with old_aggregates():
        want = answers()
    for key in want:
        assert got[key] == want[key], key
    return got


@pytest.fixture
def hunan(make_app):
    app = make_app("hunan", WTF_CSRF_ENABLED=False, GREENMFG_TRAINING=True)
    with app.app_context():
        yield app


def test_dashboards_show_what_the_old_aggregates_showed_through_every_service(hunan):
    from core import clock
    from core.lists import decisions, history
    from core.management import filings, removals
    from core.models import ApplicationStatus as S
    from core.models import Role
    from core.services import training_clock

    app = hunan
    ids = units(app)
    year = clock.today().year
    references(year)
    # a list history: national units of Changsha (one removed since), provincial and city ones of Zhuzhou
    a, b, c, d = (kit.uscc("430100"), kit.uscc("430100"), kit.uscc("430200"), kit.uscc("430200"))
    report = history.import_history("province", _history([
        ["国家级", 2022, "绿色工厂", a, "长沙国家级工厂有限公司", "长沙市", "工信厅节函〔2022〕1号", "2022-12-20", "列入", None, None],
        ["国家级", 2023, "绿色供应链管理企业", a, "长沙国家级工厂有限公司", "长沙市", "工信厅节函〔2023〕1号", "2023-12-20",
         "列入", None, None],
        ["省级", 2021, "绿色工厂", a, "长沙国家级工厂有限公司", "长沙市", "湘工信节能〔2021〕1号", "2021-12-15", "列入", None,
         None],
        ["国家级", 2021, "绿色工厂", b, "长沙另一国家级工厂有限公司", "长沙市", "工信厅节函〔2021〕1号", "2021-12-20", "列入",
         None, None],
        ["省级", 2022, "绿色工厂", c, "株洲省级工厂有限公司", "株洲市", "湘工信节能〔2022〕2号", "2022-12-20", "移出",
         "2024-05-01", "未按时填报年度动态管理表"],
        ["市级", 2020, "绿色园区", d, "株洲绿色园区管理委员会", "株洲市", "株工信〔2020〕9号", "2020-11-30", None, None, None],
    ]), "history.csv")
    assert report["ok"], report
    # the 2025 provincial list by decision, and Hunan's 2024 stage (创建计划: not on the lists, not counted)
    changsha, zhuzhou = db.session.get(AdminUnit, ids["changsha"]), db.session.get(AdminUnit, ids["zhuzhou"])
    round_2025, round_2024 = kit.campaign("hunan", year=2025), kit.campaign("hunan", year=2024)
    graded = [kit.application(round_2025, u, status=S.GRADED) for u in (changsha, zhuzhou, changsha)]
    staged = kit.application(round_2024, zhuzhou, status=S.GRADED)
    decisions.publish_decision("province", level="provincial", year=2025, application_ids=[x.id for x in graded],
                               document_no="湘工信节能〔2025〕10号", published_on=dt.date(2025, 12, 1))
    decisions.publish_decision("province", level="provincial", year=2024, application_ids=[staged.id],
                               document_no="湘工信节能〔2024〕10号", published_on=dt.date(2024, 3, 21))
    people = {"province": user(Role.PROVINCE, "hn_province").username,
              "city": user(Role.CITY, "cs_city", admin_unit_id=ids["changsha"]).username}
    db.session.commit()
    assert {e.status for e in db.session.scalars(select(ListEntry))} == {"listed", "removed", "cultivation"}

    # this year's filings, opened after the 04-15 due date with ten days to file
    today = clock.today()
    opened = filings.open_year(year, "province", until=today + dt.timedelta(days=10), reason="补开填报", on=today)
    db.session.commit()
    assert opened >= 6
    org_a = db.session.scalar(select(Organization).where(Organization.uscc == a))
    org_b = db.session.scalar(select(Organization).where(Organization.uscc == b))
    filed = filings.filings_for_org(org_a.id, [year])
    for filing in filed:  # the national unit files both types; the city accepts one and returns the other
        filings.save(filing, {"values": factory_values(0.8) if filing.unit_type == "factory" else {},
                              "key_data": {"output_value": 1200}}, "ent")
        filings.submit(filing, "ent")
    filings.accept(filed[0], "cs_city")
    filings.return_filing(filed[1], "补充数据", today + dt.timedelta(days=20), "cs_city")
    db.session.commit()
    # a removal published: Changsha's other national unit leaves the lists (its open filing is closed)
    removal = removals.propose(org_b, "negative_list_event", "列入严重失信主体名单", "hn_province")
    removals.decide(removal, True, "", "hn_province")
    removals.publish("hn_province", notice_no="湘工信节能〔2026〕1号")
    db.session.commit()
    assert_counts_right()
    shown = _assert_pages_and_api_as_before(app, year, people)
    assert shown[("city", "api")]["filings"]["returned"] == 1 and shown[("city", "api")]["filings"]["accepted"] == 1
    assert "长沙国家级工厂有限公司" not in shown[("city", f"/management/dashboard?year={year}")].split(
        "<h3>逾期未填报</h3>")[1].split("</ul>")[0]

    # the training clock moves to the last day to file: nothing is overdue yet
    training_clock.move_to(today + dt.timedelta(days=10), "admin")
    db.session.commit()
    clock.forget_offset()
    shown = _assert_pages_and_api_as_before(app, year, people)
    assert shown[("province", "api")]["filings"]["overdue"] == 0
    # then past it: the open filings are overdue everywhere, before the job runs
    training_clock.move_to(today + dt.timedelta(days=15), "admin")
    db.session.commit()
    clock.forget_offset()
    assert_counts_right()
    shown = _assert_pages_and_api_as_before(app, year, people)
    overdue = shown[("province", "api")]["filings"]["overdue"]
    assert overdue >= 3 and shown[("city", "api")]["filings"]["returned"] == 1  # corrected until day 20
    page = shown[("province", f"/management/dashboard?year={year}")]
    assert re.search(r'id="c-overdue">(\d+)<', page).group(1) == str(overdue)
    assert "株洲" in page.split("<h3>逾期未填报</h3>")[1].split("</ul>")[0]
    # the hourly job stores them as overdue (removal proposals follow); then past the correction date too
    filings.mark_overdue(clock.today(), "system")
    db.session.commit()
    assert_counts_right()
    _assert_pages_and_api_as_before(app, year, people)
    training_clock.move_to(today + dt.timedelta(days=25), "admin")
    db.session.commit()
    clock.forget_offset()
    shown = _assert_pages_and_api_as_before(app, year, people)
    assert shown[("city", "api")]["filings"]["returned"] == 0
    # an organization moved to another city (no service does; a statement might): its counts move with it
    org_a.admin_unit_id = ids["zhuzhou"]
    db.session.commit()
    assert_counts_right()
    _assert_pages_and_api_as_before(app, year, people)


# ---------------------------------------------------------------------------------- through statements --


@pytest.mark.region("shanxi")
def test_every_statement_keeps_the_counts_and_the_readers_agree(app):
    rng = random.Random(57)
    ids = units(app)
    cities = [ids["taiyuan"], ids["datong"], ids["yangquan"]]
    orgs = [organization(cities[i % 3], f"计数测试{i}有限公司") for i in range(6)]
    orgs.append(organization(None, "无市州的计数测试有限公司"))
    db.session.commit()
    org_ids = [o.id for o in orgs]
    types, levels = ("factory", "park", "supply_chain"), ("city", "provincial", "national")
    statuses = ("listed",) * 4 + ("removed", "cultivation", "stage_withdrawn")
    filing_statuses = ("due", "due", "submitted", "accepted", "returned", "overdue", "closed")
    day = dt.date(2026, 4, 15)

    def entry():
        return {"organization_id": rng.choice(org_ids), "unit_type": rng.choice(types), "level": rng.choice(levels),
                "year": rng.randint(2019, 2026), "status": rng.choice(statuses), "source": "import"}

    def filing_values():
        status = rng.choice(filing_statuses)
        return {"status": status, "due_on": day + dt.timedelta(days=rng.choice((-365, 0, 0, 30))),
                "correct_until": (day + dt.timedelta(days=rng.randint(-10, 60))) if rng.random() < 0.5 else None}

    def new_filing():
        taken = set(db.session.execute(select(AnnualFiling.organization_id, AnnualFiling.unit_type,
                                              AnnualFiling.year)).all())
        for _ in range(20):
            o, t, y = rng.choice(org_ids), rng.choice(types), rng.randint(2024, 2026)
            if (o, t, y) not in taken:
                unit = db.session.get(Organization, o).admin_unit_id
                return {"organization_id": o, "unit_type": t, "year": y,
                        "admin_unit_id": unit if rng.random() < 0.8 else rng.choice([None, *cities]),
                        "levels": ["provincial"], **filing_values()}
        return None

    def step():
        kind = rng.randrange(12)
        entry_ids = db.session.scalars(select(ListEntry.id)).all()
        filing_ids = db.session.scalars(select(AnnualFiling.id)).all()
        if kind == 0 or not entry_ids:
            db.session.add(ListEntry(**entry()))
        elif kind == 1:
            db.session.execute(insert(ListEntry), [entry() for _ in range(rng.randint(2, 6))])
        elif kind == 2:
            row = db.session.get(ListEntry, rng.choice(entry_ids))
            field, value = rng.choice(list(entry().items())[:5])
            setattr(row, field, value)
        elif kind == 3:  # one statement over many rows
            db.session.execute(update(ListEntry).where(ListEntry.organization_id == rng.choice(org_ids))
                               .values(status=rng.choice(statuses)))
        elif kind == 4:
            db.session.execute(update(ListEntry).where(ListEntry.id.in_(rng.sample(entry_ids, min(4, len(entry_ids)))))
                               .values(year=ListEntry.year + 1, level=rng.choice(levels)))
        elif kind == 5:
            db.session.execute(delete(ListEntry).where(ListEntry.id.in_(rng.sample(entry_ids, min(3, len(entry_ids))))))
        elif kind == 6 or not filing_ids:
            values = new_filing()
            if values:
                db.session.add(AnnualFiling(**values))
        elif kind == 7:
            rows = [v for v in (new_filing() for _ in range(3)) if v]
            if rows and len({(r["organization_id"], r["unit_type"], r["year"]) for r in rows}) == len(rows):
                db.session.execute(insert(AnnualFiling), rows)
        elif kind == 8:
            row = db.session.get(AnnualFiling, rng.choice(filing_ids))
            for field, value in filing_values().items():
                if rng.random() < 0.6:
                    setattr(row, field, value)
        elif kind == 9:
            db.session.execute(update(AnnualFiling).where(AnnualFiling.admin_unit_id == rng.choice(cities))
                               .values(status=rng.choice(filing_statuses)))
        elif kind == 10:
            db.session.execute(delete(AnnualFiling).where(AnnualFiling.id == rng.choice(filing_ids)))
        else:
            db.session.get(Organization, rng.choice(org_ids)).admin_unit_id = rng.choice([None, *cities])
        db.session.flush()

    for n in range(150):
        step()
        if n % 9 == 8:  # a transaction rolled back leaves the counts as they were
            step()
            db.session.rollback()
        if n == 100:  # the transaction that made a change reads it before it commits
            for _ in range(5):
                step()
            assert_readers_agree(day + dt.timedelta(days=31), years=(2025,), cities=(None, cities[0]))
        db.session.commit()
        if n % 10 == 9:
            assert_counts_right()
    assert_counts_right()
    assert db.session.scalar(select(func.count()).select_from(ListEntry)) > 10
    for on in (day - dt.timedelta(days=1), day, day + dt.timedelta(days=30), day + dt.timedelta(days=31)):
        assert_readers_agree(on, cities=(None, *cities))


@pytest.mark.region("shanxi")
def test_national_units_not_filed_are_counted_once_per_organization(app):
    """A unit nationally listed as two types has filed a year only when it filed both that it was listed as before
    that year; a type first listed that year, an entry removed or a filing of an earlier year does not count."""
    from core.management import counts, filings

    ids = units(app)
    taiyuan = ids["taiyuan"]
    two, removed, park = (organization(taiyuan, f"太原{n}有限公司") for n in ("两类国家级", "已移出", "国家级园区"))
    listed(two, "national", 2021)
    listed(two, "national", 2022)
    listed(two, "national", 2024, unit_type="supply_chain")
    listed(removed, "provincial", 2022)
    listed(removed, "national", 2023).status = "removed"
    park_entry = listed(park, "national", 2024, unit_type="park")
    listed(organization(ids["datong"], "大同国家级有限公司"), "national", 2020)

    def filing(org, unit_type, year, status):
        row = AnnualFiling(organization_id=org.id, unit_type=unit_type, year=year, admin_unit_id=taiyuan,
                           levels=["national"], status=status, due_on=dt.date(year, 4, 15))
        db.session.add(row)
        return row

    filing(two, "factory", 2024, "accepted")
    filing(two, "factory", 2025, "submitted")
    later = filing(two, "supply_chain", 2025, "due")
    filing(two, "factory", 2026, "accepted")
    filing(two, "supply_chain", 2026, "accepted")
    filing(park, "park", 2023, "accepted")
    db.session.commit()
    years = range(2021, 2028)

    def unfiled():
        got = [counts.unfiled_national(taiyuan, y) for y in years]
        assert got == [len(filings.unfiled_national_units(taiyuan, y)) for y in years]
        return got

    assert unfiled() == [0, 1, 1, 0, 2, 1, 2]
    later.status = "submitted"
    db.session.commit()
    assert unfiled() == [0, 1, 1, 0, 1, 1, 2]
    park_entry.status = "removed"
    db.session.commit()
    assert unfiled() == [0, 1, 1, 0, 0, 0, 1]
    assert counts.unfiled_national(ids["datong"], 2021) == 1
    assert_counts_right()


@pytest.mark.region("shanxi")
def test_two_transactions_filing_for_one_unit_at_once_count_it_as_filed(app, database_url):
    """A unit nationally listed as two types files both at once from two sessions: each transaction works the
    unit's national count out from what the other committed (the second waits for the audit log's append lock),
    so the unit counts as filed, not as unfiled twice over."""
    import threading

    from core.management import counts

    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite writes one transaction at a time")
    ids = units(app)
    org = organization(ids["taiyuan"], "太原并发填报有限公司")
    listed(org, "national", 2021)
    listed(org, "national", 2022, unit_type="supply_chain")
    rows = [AnnualFiling(organization_id=org.id, unit_type=t, year=2025, admin_unit_id=ids["taiyuan"],
                         levels=["national"], status="due", due_on=dt.date(2025, 4, 15))
            for t in ("factory", "supply_chain")]
    db.session.add_all(rows)
    db.session.commit()
    first, second = (r.id for r in rows)
    assert counts.unfiled_national(ids["taiyuan"], 2025) == 1
    submitted = update(AnnualFiling).values(status="submitted")
    done, engine = threading.Event(), db.engine

    def other_session():
        with engine.begin() as conn:
            conn.execute(submitted.where(AnnualFiling.id == second))
        done.set()

    with engine.connect() as conn:
        conn.execute(submitted.where(AnnualFiling.id == first))
        thread = threading.Thread(target=other_session)
        thread.start()
        assert not done.wait(1.5)  # the second waits for the first
        conn.commit()
    thread.join(10)
    assert done.is_set()
    db.session.expire_all()
    assert counts.unfiled_national(ids["taiyuan"], 2025) == 0
    assert_counts_right()


@pytest.mark.region("shanxi")
def test_the_migration_counts_the_rows_already_there(app, database_url):
    from flask_migrate import downgrade, upgrade

    from core.extensions import init_migrate

    ids = units(app)
    a, b = organization(ids["taiyuan"], "迁移前国家级有限公司"), organization(ids["datong"], "迁移前省级有限公司")
    listed(a, "national", 2022)
    listed(a, "national", 2023, unit_type="supply_chain")
    listed(b, "provincial", 2021)
    listed(b, "city", 2024)
    db.session.add(AnnualFiling(organization_id=a.id, unit_type="factory", year=2025, admin_unit_id=ids["taiyuan"],
                                levels=["national"], status="accepted", due_on=dt.date(2025, 4, 15)))
    db.session.add(AnnualFiling(organization_id=b.id, unit_type="factory", year=2025, admin_unit_id=ids["datong"],
                                levels=["provincial"], status="returned", due_on=dt.date(2025, 4, 15),
                                correct_until=dt.date(2025, 5, 20)))
    db.session.commit()
    assert_counts_right()
    b_id = b.id
    init_migrate(app)
    db.session.remove()
    downgrade(revision="0052_application_counts")
    with db.engine.begin() as conn:  # rows written while the counts were not kept
        conn.execute(insert(ListEntry).values(organization_id=b_id, unit_type="park", level="national", year=2020,
                                              status="listed", source="import"))
    upgrade()
    assert_counts_right()
    assert_readers_agree(dt.date(2025, 5, 1), cities=(None, ids["taiyuan"], ids["datong"]))


def test_the_triggers_take_the_audit_logs_lock():
    """The triggers' lock is the audit log's append lock (the migration does not import the app); the fold at commit
    runs under the lock its transaction's triggers took."""
    import importlib.util

    from core.services.audit_chain import LOCK_KEY

    path = Path(__file__).resolve().parents[2] / "core/migrations/versions/0053_management_counts.py"
    spec = importlib.util.spec_from_file_location("migration_0053", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.LOCK_KEY == LOCK_KEY
    counting = {name: body for name, body in module.pg_functions().items() if name != "count_fold_at_commit"}
    assert len(counting) == 7 and all(f"pg_advisory_xact_lock({LOCK_KEY})" in body for body in counting.values())
