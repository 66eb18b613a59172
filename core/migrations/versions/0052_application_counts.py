"""application counts kept in the transaction that changes them (issue 57)

The province's home page, ``/province/campaigns``, the city's home page, the province's review panels and each
round's per-city figures counted applications on every view: at 500,000 applications up to 2,742 PostgreSQL
buffers a page, 57 times what they read at 5,000 (bench/bench_pages.py ``--buffers``). They now read
``application_count (campaign_id, admin_unit_id, status, n)``: one row per round, city and status, whatever the
number of applications. The database keeps it, so every path that writes applications keeps it right (the
services, the summary import's COPY, a bulk script, a hand-written statement):

- PostgreSQL: an INSERT or DELETE statement adds or takes its rows' counts at once (statement triggers with a
  transition table: a 500,000-row COPY updates each counter once per statement, not once per row; many updates
  of one row in one transaction would each leave a version to step over). A change of an application's round,
  city or status moves one from its old counter to its new one (a row trigger, fired only when one of them
  changes).
- SQLite: row triggers (one writer at a time; an UPDATE in place).

Deadlocks: each PostgreSQL trigger first takes the audit log's append lock (``core.services.audit_chain``
``LOCK_KEY``, a transaction-level advisory lock), which every audited change takes anyway before its first
entry. Whoever writes a counter row therefore already holds that lock, so two transactions never wait on each
other's counter rows, in whichever order they change applications (a status set, then a query flushing it, then
the audit entry; or the audit entry first). And a status change updates its two counter rows in a fixed order
(the smaller key first), as a second guard. Fifty applicants submitting at once queue on the audit log's lock as
they did before, not on a counter row besides.

Cost: on PostgreSQL a transaction that moves k applications of one round, city and status updates the same two
counter rows k times, each update leaving a version the next one steps over until the transaction ends (2,000
moves 0.28 s, 10,000 moves 5.4 s measured; docs/benchmarks.md). Separate transactions are pruned in place.

Revision ID: 0052_application_counts
Revises: 0051_recommended_order
"""
import sqlalchemy as sa
from alembic import op

revision = "0052_application_counts"
down_revision = "0051_recommended_order"
branch_labels = None
depends_on = None

#: core.services.audit_chain.LOCK_KEY (tests/applications/test_application_counts.py checks they agree)
LOCK_KEY = 4_047_202_611
KEY = "campaign_id, admin_unit_id, status"


def _pg_upsert(source: str, count: str) -> str:
    return (f"INSERT INTO application_count AS c ({KEY}, n) {source} "
            f"ON CONFLICT ({KEY}) DO UPDATE SET n = c.n + {count}")


def _pg_take(campaign: str, unit: str, status: str, count: str) -> str:
    return (f"UPDATE application_count SET n = n - {count} "
            f"WHERE campaign_id = {campaign} AND admin_unit_id = {unit} AND status = {status}")


PG_FUNCTIONS = {
    # a statement's new rows, counted by key, added in the keys' order
    "application_count_added": f"""
BEGIN
    IF NOT EXISTS (SELECT 1 FROM added) THEN RETURN NULL; END IF;
    PERFORM pg_advisory_xact_lock({LOCK_KEY});
    {_pg_upsert(f"SELECT {KEY}, count(*) FROM added GROUP BY {KEY} ORDER BY {KEY}", "EXCLUDED.n")};
    RETURN NULL;
END""",
    # a statement's deleted rows, taken off key by key in the keys' order
    "application_count_removed": f"""
DECLARE r record;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM removed) THEN RETURN NULL; END IF;
    PERFORM pg_advisory_xact_lock({LOCK_KEY});
    FOR r IN SELECT {KEY}, count(*) AS k FROM removed GROUP BY {KEY} ORDER BY {KEY} LOOP
        {_pg_take("r.campaign_id", "r.admin_unit_id", "r.status", "r.k")};
    END LOOP;
    RETURN NULL;
END""",
    # one application moved to another round, city or status: the smaller of its two keys first
    "application_count_moved": f"""
BEGIN
    PERFORM pg_advisory_xact_lock({LOCK_KEY});
    IF (OLD.campaign_id, OLD.admin_unit_id, OLD.status::text COLLATE "C")
            < (NEW.campaign_id, NEW.admin_unit_id, NEW.status::text COLLATE "C") THEN
        {_pg_take("OLD.campaign_id", "OLD.admin_unit_id", "OLD.status", "1")};
        {_pg_upsert("VALUES (NEW.campaign_id, NEW.admin_unit_id, NEW.status, 1)", "1")};
    ELSE
        {_pg_upsert("VALUES (NEW.campaign_id, NEW.admin_unit_id, NEW.status, 1)", "1")};
        {_pg_take("OLD.campaign_id", "OLD.admin_unit_id", "OLD.status", "1")};
    END IF;
    RETURN NULL;
END""",
}
MOVED = ("OLD.campaign_id IS DISTINCT FROM NEW.campaign_id OR OLD.admin_unit_id IS DISTINCT FROM NEW.admin_unit_id "
         "OR OLD.status IS DISTINCT FROM NEW.status")
PG_TRIGGERS = {
    "application_count_insert": "AFTER INSERT ON application REFERENCING NEW TABLE AS added FOR EACH STATEMENT "
                                "EXECUTE FUNCTION application_count_added()",
    "application_count_delete": "AFTER DELETE ON application REFERENCING OLD TABLE AS removed FOR EACH STATEMENT "
                                "EXECUTE FUNCTION application_count_removed()",
    "application_count_update": f"AFTER UPDATE OF campaign_id, admin_unit_id, status ON application FOR EACH ROW "
                                f"WHEN ({MOVED}) EXECUTE FUNCTION application_count_moved()",
}

_SQLITE_ADD = (f"INSERT INTO application_count ({KEY}, n) VALUES (NEW.campaign_id, NEW.admin_unit_id, NEW.status, 1) "
               f"ON CONFLICT ({KEY}) DO UPDATE SET n = n + 1;")
_SQLITE_TAKE = ("UPDATE application_count SET n = n - 1 WHERE campaign_id = OLD.campaign_id "
                "AND admin_unit_id = OLD.admin_unit_id AND status = OLD.status;")
SQLITE_TRIGGERS = {
    "application_count_insert": f"AFTER INSERT ON application BEGIN {_SQLITE_ADD} END",
    "application_count_delete": f"AFTER DELETE ON application BEGIN {_SQLITE_TAKE} END",
    "application_count_update": (f"AFTER UPDATE OF campaign_id, admin_unit_id, status ON application "
                                 f"WHEN {MOVED.replace('IS DISTINCT FROM', 'IS NOT')} "
                                 f"BEGIN {_SQLITE_TAKE} {_SQLITE_ADD} END"),
}


def upgrade():
    op.create_table(
        "application_count",
        sa.Column("campaign_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("admin_unit_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.CheckConstraint("n >= 0", name=op.f("ck_application_count_n_not_negative")),
        sa.PrimaryKeyConstraint("campaign_id", "admin_unit_id", "status", name=op.f("pk_application_count")),
    )
    op.create_index("ix_application_count_unit_status", "application_count", ["admin_unit_id", "status"])
    # the triggers first: on PostgreSQL creating one locks out writers of application until this migration
    # commits, so the counts below are those of the rows the triggers then follow
    if op.get_bind().dialect.name == "postgresql":
        for name, body in PG_FUNCTIONS.items():
            op.execute(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $${body}\n$$")
        for name, definition in PG_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {definition}")
    else:
        for name, definition in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {definition}")
    op.execute(f"INSERT INTO application_count ({KEY}, n) SELECT {KEY}, count(*) FROM application GROUP BY {KEY}")


def downgrade():
    for name in PG_TRIGGERS:  # the same names on SQLite
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (" ON application" if op.get_bind().dialect.name
                                                        == "postgresql" else ""))
    if op.get_bind().dialect.name == "postgresql":
        for name in PG_FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    op.drop_index("ix_application_count_unit_status", table_name="application_count")
    op.drop_table("application_count")
