"""management counts kept in the transaction that changes them; indexes for the dashboards' open items and the
removal form's name search (issue 57)

The management dashboards (page and API) aggregated every list entry and annual filing of the years shown: at
500,000 applications 22,110–35,995 PostgreSQL buffers a request, 97 times what they read at 5,000
(bench/bench_pages.py ``--buffers``); the city's home page counted its submitted filings, and the removal form read
every listed unit to offer 3,000 by name. The figures now come from counts the database keeps (the tables of
core/models/management_counts.py, whose docstring says what each counts):

- ``filing_count``: filings by year, city, status, due date and deadline; ``listed_count``: list entries by the
  organization's city, year, unit type, level and status. Each change adds or takes its rows' counts.
- ``listed_org_year`` and ``filed_org_year``: entries and filed filings per organization. From them, for the
  organizations a change touches, a trigger works out ``listed_span`` (the quota's distinct organizations listed
  within a range of years at a set of levels) and ``national_count`` (the existing national units not filed in a
  year) as they were before the change and as they are after it, and adds the difference.

Every path that writes entries, filings or an organization's city keeps them right (the services, the list
history's bulk import, a COPY, a hand-written statement):

- PostgreSQL: an INSERT or DELETE statement counts its rows at once (statement triggers with a transition table);
  an UPDATE that moves a row (another status, year, city...) is a row trigger fired only then. Each first takes the
  audit log's append lock (``core.services.audit_chain.LOCK_KEY``, as migration 0052's), which every audited change
  takes anyway: two transactions never interleave their changes to the counts, so the per-organization figures are
  worked out from what the other committed. The four counts the dashboards read are not updated by the triggers
  but given their changes in ``…_delta`` tables, added up into them once when the transaction commits (a deferred
  trigger on ``count_fold``): a row updated many times in one transaction leaves a version each that the next
  update steps over (20,000 updates of one row took 3.6 s, growing with their square), and a load of 500,000 rows
  left the count tables twenty times their size. Within the transaction the readers add the deltas.
- SQLite: row triggers that change the counts in place (one writer at a time).

Indexes: ``annual_filing (status, due_on, id)`` and ``(admin_unit_id, status, due_on, id)``: the dashboard's latest
overdue filings, read per status and due date newest first; ``organization (name, uscc)`` and ``(admin_unit_id,
name, uscc)``: the removal form's name search reads a page of an area's listed units by name.

Revision ID: 0053_management_counts
Revises: 0052_application_counts
"""
import sqlalchemy as sa
from alembic import op

revision = "0053_management_counts"
down_revision = "0052_application_counts"
branch_labels = None
depends_on = None

#: core.services.audit_chain.LOCK_KEY (tests/management/test_management_counts.py checks they agree)
LOCK_KEY = 4_047_202_611
#: core.management.filings.FILED, OPEN; core.models.lists.STAGE
FILED = "('submitted', 'accepted')"
STAGE = "'cultivation'"
#: core.models.management_counts.LEVEL_BITS
LEVEL_BIT = "CASE {r}.level WHEN 'city' THEN 1 WHEN 'provincial' THEN 2 WHEN 'national' THEN 4 ELSE 0 END"
MASKS = " UNION ALL ".join(f"SELECT {mask} AS levels" for mask in range(1, 8))

FILING_KEY = "year, admin_unit_id, status, due_on, deadline"
LISTED_KEY = "admin_unit_id, year, unit_type, level, status"
ORG_YEAR_KEY = "organization_id, unit_type, year, level, status"
FILED_KEY = "organization_id, unit_type, year"
SPAN_KEY = "admin_unit_id, unit_type, levels, year, prev_year"
NATIONAL_KEY = "admin_unit_id, kind, year"
NATIONAL_ONLY = " AND level = 'national'"
ENTRY_COLUMNS = ("organization_id", "unit_type", "year", "level", "status")
FILING_COLUMNS = ("organization_id", "unit_type", "year", "admin_unit_id", "status", "due_on", "deadline")
ENTRY_MOVES = ("organization_id", "unit_type", "year", "level", "status")
FILING_MOVES = ("organization_id", "unit_type", "year", "admin_unit_id", "status", "due_on", "correct_until")

# ------------------------------------------------------------------------------------------- statements --


#: the counts the dashboards read; on PostgreSQL a trigger adds a change to the count's ``…_delta`` table, and the
#: transaction's changes are added up into the count at its commit (:func:`pg_fold`)
AGGREGATES = {"filing_count": FILING_KEY, "listed_count": LISTED_KEY, "listed_span": SPAN_KEY,
              "national_count": NATIONAL_KEY}


def _add(table: str, key: str, rows: str, ctes: str = "", pg: bool = False) -> str:
    """Add ``rows`` (a query of ``key``'s columns and ``k``, the change) to ``table``'s counts, key by key in order;
    on PostgreSQL (``pg``) to the deltas of a count the dashboards read."""
    with_ = f"WITH {ctes} " if ctes else ""
    changes = f"SELECT {key}, sum(k) FROM ({rows}) x GROUP BY {key} HAVING sum(k) <> 0"
    if pg and table in AGGREGATES:
        return f"INSERT INTO {table}_delta ({key}, k) {with_}{changes}"
    return (f"INSERT INTO {table} ({key}, n) {with_}{changes} ORDER BY {key} "
            f"ON CONFLICT ({key}) DO UPDATE SET n = {table}.n + excluded.n")


def _entry_rows(r: str, k: str, source: str = "") -> str:
    """A list entry's counted columns and ``k`` from row ``r`` (NEW, OLD, or a table's alias with ``source``)."""
    return f"SELECT {', '.join(f'{r}.{c} AS {c}' for c in ENTRY_COLUMNS)}, {k} AS k{source}"


def _deadline(r: str) -> str:
    """core.management.filings.deadline_of in SQL."""
    return (f"CASE WHEN {r}.status = 'returned' AND {r}.correct_until IS NOT NULL AND {r}.correct_until > {r}.due_on "
            f"THEN {r}.correct_until ELSE {r}.due_on END")


def _filing_rows(r: str, k: str, source: str = "") -> str:
    return (f"SELECT {r}.organization_id AS organization_id, {r}.unit_type AS unit_type, {r}.year AS year, "
            f"coalesce({r}.admin_unit_id, 0) AS admin_unit_id, {r}.status AS status, {r}.due_on AS due_on, "
            f"{_deadline(r)} AS deadline, {k} AS k{source}")


def _spans(rel: str) -> str:
    """Each organization's distinct years in ``rel`` (entries per organization) for every set of levels, with the
    year before each (0: none)."""
    return (f"SELECT organization_id, unit_type, levels, year, coalesce(lag(year) OVER (PARTITION BY organization_id, "
            f"unit_type, levels ORDER BY year), 0) AS prev_year FROM (SELECT DISTINCT r.organization_id, r.unit_type, "
            f"m.levels, r.year FROM {rel} r JOIN ({MASKS}) m ON (m.levels & {LEVEL_BIT.format(r='r')}) <> 0 "
            f"WHERE r.status <> {STAGE} AND r.n > 0) y")


def _national(listed: str, filed: str, t: str) -> str:
    """CTEs ``p{t}``, ``m{t}``, ``r{t}``: per organization, the first year on a national list (``listed``), and the
    later years it filed for every unit type it was nationally listed as before that year (``filed``)."""
    return (f"p{t} AS (SELECT organization_id, unit_type, min(year) AS first_year FROM {listed} WHERE level = 'national' "
            f"AND status = 'listed' AND n > 0 GROUP BY organization_id, unit_type), "
            f"m{t} AS (SELECT organization_id, min(first_year) AS first_year FROM p{t} GROUP BY organization_id), "
            f"r{t} AS (SELECT organization_id, 'listed' AS kind, first_year AS year FROM m{t} UNION ALL "
            f"SELECT DISTINCT f.organization_id, 'filed', f.year FROM {filed} f JOIN m{t} "
            f"ON m{t}.organization_id = f.organization_id AND f.year > m{t}.first_year WHERE f.n > 0 AND NOT EXISTS "
            f"(SELECT 1 FROM p{t} WHERE p{t}.organization_id = f.organization_id AND p{t}.first_year < f.year AND NOT EXISTS "
            f"(SELECT 1 FROM {filed} h WHERE h.organization_id = f.organization_id AND h.unit_type = p{t}.unit_type "
            f"AND h.year = f.year AND h.n > 0)))")


def _moved(table: str, key: str, rows: str, ctes: str, weight: str = "1", pg: bool = False) -> str:
    """The organizations ``o`` (``organization_id``, ``old_unit``, ``new_unit``) counted as before (``rows`` with
    ``{t}`` = b, under their old city) taken off, as after (``{t}`` = a, under their new city) added; each row of
    ``rows`` counts ``weight``."""
    columns = key.replace("admin_unit_id, ", "")
    before = (f"SELECT o.old_unit AS admin_unit_id, {columns}, -({weight}) AS k FROM {rows.format(t='b')} s "
              f"JOIN o ON o.organization_id = s.organization_id")
    after = (f"SELECT o.new_unit AS admin_unit_id, {columns}, {weight} AS k FROM {rows.format(t='a')} s "
             f"JOIN o ON o.organization_id = s.organization_id")
    return _add(table, key, f"{before} UNION ALL {after}", ctes, pg)


def _of(table: str, where: str = "") -> str:
    """The rows of ``table`` (per organization) of the organizations ``o``."""
    return f"SELECT * FROM {table} WHERE organization_id IN (SELECT organization_id FROM o){where}"


def _changed(before: str, change: str, columns: tuple[str, ...]) -> str:
    """``before`` (a CTE of per-organization counts) with the ``change`` of the organizations ``o`` applied."""
    names = ", ".join(columns)
    return (f"SELECT {names}, sum(n) AS n FROM (SELECT {names}, n FROM {before} UNION ALL SELECT {names}, k FROM "
            f"{change} c WHERE organization_id IN (SELECT organization_id FROM o)) z GROUP BY {names}")


def _orgs(ids: str) -> str:
    return (f"SELECT g.id AS organization_id, coalesce(g.admin_unit_id, 0) AS old_unit, coalesce(g.admin_unit_id, 0) "
            f"AS new_unit FROM organization g WHERE g.id IN ({ids})")


def entry_statements(change: str, pg: bool = False) -> list[str]:
    """What a change of list entries does to the counts (``change``: a query of :data:`ENTRY_COLUMNS` and ``k``)."""
    ch = f"ch AS ({change})"
    span_ctes = (f"{ch}, o AS ({_orgs(f'SELECT organization_id FROM ch WHERE status <> {STAGE}')}), "
                 f"b AS ({_of('listed_org_year')}), a AS ({_changed('b', 'ch', ENTRY_COLUMNS)}), "
                 f"sb AS ({_spans('b')}), sa AS ({_spans('a')})")
    national = "level = 'national' AND status = 'listed'"
    national_ctes = (f"{ch}, o AS ({_orgs(f'SELECT organization_id FROM ch WHERE {national}')}), "
                     f"lb AS ({_of('listed_org_year', f' AND {national}')}), "
                     f"la AS ({_changed('lb', f'(SELECT * FROM ch WHERE {national})', ENTRY_COLUMNS)}), "
                     f"fb AS ({_of('filed_org_year')}), {_national('lb', 'fb', 'b')}, {_national('la', 'fb', 'a')}")
    return [
        _moved("listed_span", SPAN_KEY, "s{t}", span_ctes, pg=pg),
        _moved("national_count", NATIONAL_KEY, "r{t}", national_ctes, pg=pg),
        _add("listed_org_year", ORG_YEAR_KEY, "SELECT * FROM ch", ch),
        _add("listed_count", LISTED_KEY, "SELECT coalesce(g.admin_unit_id, 0) AS admin_unit_id, ch.year, ch.unit_type, "
             "ch.level, ch.status, ch.k FROM ch JOIN organization g ON g.id = ch.organization_id", ch, pg),
    ]


def filing_statements(change: str, pg: bool = False) -> list[str]:
    """What a change of annual filings does to the counts (``change``: :data:`FILING_COLUMNS` and ``k``)."""
    ch = f"ch AS ({change})"
    filed = f"(SELECT organization_id, unit_type, year, k FROM ch WHERE status IN {FILED})"
    national_ctes = (f"{ch}, o AS ({_orgs(f'SELECT organization_id FROM ch WHERE status IN {FILED}')}), "
                     f"lb AS ({_of('listed_org_year', NATIONAL_ONLY)}), "
                     f"fb AS ({_of('filed_org_year')}), fa AS ({_changed('fb', filed, ('organization_id', 'unit_type', 'year'))}), "
                     f"{_national('lb', 'fb', 'b')}, {_national('lb', 'fa', 'a')}")
    return [
        _moved("national_count", NATIONAL_KEY, "r{t}", national_ctes, pg=pg),
        _add("filed_org_year", FILED_KEY, f"SELECT organization_id, unit_type, year, k FROM ch WHERE status IN {FILED}",
             ch),
        _add("filing_count", FILING_KEY, "SELECT * FROM ch", ch, pg),
    ]


def organization_statements(old_unit: str, new_unit: str, ident: str, pg: bool = False) -> list[str]:
    """An organization moved to another city: its counts move with it."""
    o = (f"o AS (SELECT {ident} AS organization_id, coalesce({old_unit}, 0) AS old_unit, coalesce({new_unit}, 0) "
         f"AS new_unit)")
    return [
        _moved("listed_count", LISTED_KEY, "u{t}", f"{o}, ub AS ({_of('listed_org_year')}), ua AS (SELECT * FROM ub)",
               weight="s.n", pg=pg),
        _moved("listed_span", SPAN_KEY, "s{t}", f"{o}, b AS ({_of('listed_org_year')}), sb AS ({_spans('b')}), "
                                                "sa AS (SELECT * FROM sb)", pg=pg),
        _moved("national_count", NATIONAL_KEY, "r{t}", f"{o}, lb AS ({_of('listed_org_year')}), "
                                                       f"fb AS ({_of('filed_org_year')}), {_national('lb', 'fb', 'b')}, "
                                                       f"{_national('lb', 'fb', 'a')}", pg=pg),
    ]


# ------------------------------------------------------------------------------------------------ triggers --

MOVED = {table: " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns)
         for table, columns in (("list_entry", ENTRY_MOVES), ("annual_filing", FILING_MOVES),
                                ("organization", ("admin_unit_id",)))}


def _changes(table: str) -> dict[str, str]:
    """The change a SQLite row trigger on ``table`` counts: a row added, removed, moved."""
    rows = _entry_rows if table == "list_entry" else _filing_rows
    return {"new": rows("NEW", "1"), "old": rows("OLD", "-1"),
            "moved": f"{rows('OLD', '-1')} UNION ALL {rows('NEW', '1')}"}


def _statements(table: str, change: str) -> list[str]:
    return entry_statements(change) if table == "list_entry" else filing_statements(change)


def _block(*lines: str, indent: int = 1) -> str:
    return "".join(f"{'    ' * indent}{line}\n" for line in lines)


def _if(condition: str, then: list[str], otherwise: list[str] | None = None, indent: int = 1) -> str:
    """A PL/pgSQL IF: ``then`` and ``otherwise`` are statements, or blocks already laid out (ending in a newline)."""
    def lines(items: list[str]) -> str:
        return "".join(item if item.endswith("\n") else _block(f"{item};", indent=indent + 1) for item in items)

    out = _block(f"IF {condition} THEN", indent=indent) + lines(then)
    if otherwise:
        out += _block("ELSE", indent=indent) + lines(otherwise)
    return out + _block("END IF;", indent=indent)


FOLD_MARK = "INSERT INTO count_fold (xid) VALUES (txid_current()) ON CONFLICT DO NOTHING"


def _pg_function(body: str, changed: str | None = None) -> str:
    """A trigger function: nothing at all for a statement that changed no row (``changed``: its rows), else the
    append lock first, and the transaction marked to add its deltas up at commit."""
    start = ""
    if changed:
        start = _block(f"SELECT count(*) INTO changed FROM {changed};", "IF changed = 0 THEN RETURN NULL; END IF;")
    return (f"DECLARE one record; changed bigint;\nBEGIN\n{start}"
            + _block(f"PERFORM pg_advisory_xact_lock({LOCK_KEY});", f"{FOLD_MARK};") + body
            + _block("RETURN NULL;") + "END")


COUNTED = f"status <> {STAGE}"
NATIONAL = "level = 'national' AND status = 'listed'"


def _has(table: str, org: str, where: str) -> str:
    return f"EXISTS (SELECT 1 FROM {table} WHERE organization_id = {org} AND {where}n > 0)"


def _of_row(row: str, condition: str) -> str:
    """``condition`` (a list entry's, as :data:`NATIONAL`) of the row ``row`` (NEW, OLD, ``one``, ``u``)."""
    return " AND ".join(f"{row}.{part}" for part in condition.split(" AND "))


def _any(change: str, where: str) -> str:
    return f"EXISTS (SELECT 1 FROM ({change}) c WHERE {where})"


def _pg_entries(change: str, indent: int = 1) -> str:
    """Entries a statement changed (``change``: :data:`ENTRY_COLUMNS` and ``k``), counted together; the
    organizations' counts worked out again only where the change can move them."""
    span, national, org_year, listed = entry_statements(change, pg=True)
    return (_if(_any(change, COUNTED), [span], indent=indent) + _if(_any(change, NATIONAL), [national], indent=indent)
            + _block(f"{org_year};", f"{listed};", indent=indent))


def _pg_entry_added() -> str:
    """The entries a statement added. One added entry (a row of a load row by row, a list's entry published
    alone) that is the first counted one of its organization and type, or the first national one of its
    organization, is counted without working the organization's counts out again."""
    span, national, org_year, listed = entry_statements(_entry_rows("one", "1"), pg=True)
    unit = "(SELECT coalesce(g.admin_unit_id, 0) FROM organization g WHERE g.id = one.organization_id)"
    masks = " ".join(f"WHEN '{level}' THEN '{{{','.join(str(m) for m in range(1, 8) if m & bit)}}}'::int[]"
                     for level, bit in (("city", 1), ("provincial", 2), ("national", 4)))
    first_span = (f"INSERT INTO listed_span_delta ({SPAN_KEY}, k) SELECT {unit}, one.unit_type, m, one.year, 0, 1 "
                  f"FROM unnest(CASE one.level {masks} ELSE '{{}}'::int[] END) AS m")
    first_national = f"INSERT INTO national_count_delta ({NATIONAL_KEY}, k) VALUES ({unit}, 'listed', one.year, 1)"
    pair = _has("listed_org_year", "one.organization_id", f"unit_type = one.unit_type AND {COUNTED} AND ")
    nationally = (f"{_has('listed_org_year', 'one.organization_id', NATIONAL + ' AND ')} OR "
                  f"{_has('filed_org_year', 'one.organization_id', '')}")
    single = [_block("SELECT * INTO one FROM added;", indent=2),
              _if(f"one.{COUNTED}", [_if(pair, [span], [first_span], indent=3)], indent=2),
              _if(_of_row("one", NATIONAL), [_if(nationally, [national], [first_national], indent=3)], indent=2),
              _block(f"{org_year};", f"{listed};", indent=2)]
    return _if("changed = 1", single, [_pg_entries(_entry_rows("r", "1", " FROM added r"), indent=2)])


def _pg_entry_moved() -> str:
    span, national, org_year, listed = entry_statements(_changes("list_entry")["moved"], pg=True)
    return (_if(f"OLD.{COUNTED} OR NEW.{COUNTED}", [span])
            + _if(f"({_of_row('OLD', NATIONAL)}) OR ({_of_row('NEW', NATIONAL)})", [national])
            + _block(f"{org_year};", f"{listed};"))


def _pg_filings(change: str, indent: int = 1) -> str:
    """Filings a statement changed (``change``: :data:`FILING_COLUMNS` and ``k``): the national count only where a
    filed one's organization is on a national list."""
    national, filed, count = filing_statements(change, pg=True)
    nationally = (f"EXISTS (SELECT 1 FROM ({change}) c JOIN listed_org_year u ON u.organization_id = c.organization_id "
                  f"WHERE c.status IN {FILED} AND {_of_row('u', NATIONAL)} AND u.n > 0)")
    return (_if(nationally, [national], indent=indent) + _if(_any(change, f"status IN {FILED}"), [filed], indent=indent)
            + _block(f"{count};", indent=indent))


def _pg_filing_added() -> str:
    national, filed, count = filing_statements(_filing_rows("one", "1"), pg=True)
    single = [_block("SELECT * INTO one FROM added;", indent=2),
              _if(f"one.status IN {FILED}", [_if(_has("listed_org_year", "one.organization_id", NATIONAL + " AND "),
                                                 [national], indent=3), filed], indent=2),
              _block(f"{count};", indent=2)]
    return _if("changed = 1", single, [_pg_filings(_filing_rows("r", "1", " FROM added r"), indent=2)])


def _pg_filing_moved() -> str:
    national, filed, count = filing_statements(_changes("annual_filing")["moved"], pg=True)
    orgs = "organization_id IN (OLD.organization_id, NEW.organization_id)"
    return (_if(f"OLD.status IN {FILED} OR NEW.status IN {FILED}",
                [_if(f"EXISTS (SELECT 1 FROM listed_org_year WHERE {orgs} AND {NATIONAL} AND n > 0)", [national],
                     indent=2), filed])
            + _block(f"{count};"))


def pg_fold() -> str:
    """At commit (a deferred trigger on the transaction's row of ``count_fold``): the transaction's deltas added up
    into the counts, key by key in order, and removed. Every writer of deltas holds the append lock until it
    commits, so the deltas there are this transaction's."""
    folds = []
    for table, key in AGGREGATES.items():
        folds.append(f"WITH d AS (DELETE FROM {table}_delta RETURNING {key}, k) INSERT INTO {table} ({key}, n) "
                     f"SELECT {key}, sum(k) FROM d GROUP BY {key} HAVING sum(k) <> 0 ORDER BY {key} "
                     f"ON CONFLICT ({key}) DO UPDATE SET n = {table}.n + excluded.n")
    return ("BEGIN\n" + _block(*(f"{f};" for f in folds), "DELETE FROM count_fold WHERE xid = NEW.xid;",
                                "RETURN NULL;") + "END")


def pg_functions() -> dict[str, str]:
    return {
        "list_entry_counts_added": _pg_function(_pg_entry_added(), "added"),
        "list_entry_counts_removed": _pg_function(_pg_entries(_entry_rows("r", "-1", " FROM removed r")), "removed"),
        "list_entry_counts_moved": _pg_function(_pg_entry_moved()),
        "annual_filing_counts_added": _pg_function(_pg_filing_added(), "added"),
        "annual_filing_counts_removed": _pg_function(_pg_filings(_filing_rows("r", "-1", " FROM removed r")),
                                                     "removed"),
        "annual_filing_counts_moved": _pg_function(_pg_filing_moved()),
        "organization_counts_moved": _pg_function(_block(*(f"{s};" for s in organization_statements(
            "OLD.admin_unit_id", "NEW.admin_unit_id", "NEW.id", pg=True)))),
        "count_fold_at_commit": pg_fold(),
    }


def pg_triggers() -> dict[str, str]:
    """A statement's added or removed rows are counted together (statement triggers with a transition table); a
    row moved (another status, year, city...) by a row trigger fired only then."""
    out = {}
    for table, columns in (("list_entry", ENTRY_MOVES), ("annual_filing", FILING_MOVES)):
        out[f"{table}_counts_insert"] = (f"AFTER INSERT ON {table} REFERENCING NEW TABLE AS added FOR EACH STATEMENT "
                                         f"EXECUTE FUNCTION {table}_counts_added()")
        out[f"{table}_counts_delete"] = (f"AFTER DELETE ON {table} REFERENCING OLD TABLE AS removed FOR EACH "
                                         f"STATEMENT EXECUTE FUNCTION {table}_counts_removed()")
        out[f"{table}_counts_update"] = (f"AFTER UPDATE OF {', '.join(columns)} ON {table} FOR EACH ROW "
                                         f"WHEN ({MOVED[table]}) EXECUTE FUNCTION {table}_counts_moved()")
    out["organization_counts_update"] = ("AFTER UPDATE OF admin_unit_id ON organization FOR EACH ROW "
                                         f"WHEN ({MOVED['organization']}) EXECUTE FUNCTION organization_counts_moved()")
    out["count_fold_at_commit"] = ("AFTER INSERT ON count_fold DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
                                   "EXECUTE FUNCTION count_fold_at_commit()")
    return out


def _sqlite_body(statements: list[str]) -> str:
    return "BEGIN " + " ".join(f"{statement};" for statement in statements) + " END"


def sqlite_triggers() -> dict[str, str]:
    out = {}
    for table, columns in (("list_entry", ENTRY_MOVES), ("annual_filing", FILING_MOVES)):
        change = _changes(table)
        out[f"{table}_counts_insert"] = f"AFTER INSERT ON {table} {_sqlite_body(_statements(table, change['new']))}"
        out[f"{table}_counts_delete"] = f"AFTER DELETE ON {table} {_sqlite_body(_statements(table, change['old']))}"
        out[f"{table}_counts_update"] = (f"AFTER UPDATE OF {', '.join(columns)} ON {table} "
                                         f"WHEN {MOVED[table].replace('IS DISTINCT FROM', 'IS NOT')} "
                                         f"{_sqlite_body(_statements(table, change['moved']))}")
    out["organization_counts_update"] = (
        f"AFTER UPDATE OF admin_unit_id ON organization WHEN {MOVED['organization'].replace('IS DISTINCT FROM', 'IS NOT')} "
        f"{_sqlite_body(organization_statements('OLD.admin_unit_id', 'NEW.admin_unit_id', 'NEW.id'))}")
    return out


def backfill() -> list[str]:
    """The counts of the rows already there (the per-organization ones first: the others are worked out from them)."""
    entries, filings = _entry_rows("r", "1", " FROM list_entry r"), _filing_rows("r", "1", " FROM annual_filing r")
    every = f"o AS ({_orgs('SELECT organization_id FROM listed_org_year')})"
    return [
        _add("listed_org_year", ORG_YEAR_KEY, entries),
        _add("listed_count", LISTED_KEY, "SELECT coalesce(g.admin_unit_id, 0) AS admin_unit_id, r.year, r.unit_type, "
             "r.level, r.status, 1 AS k FROM list_entry r JOIN organization g ON g.id = r.organization_id"),
        _add("filed_org_year", FILED_KEY, f"SELECT organization_id, unit_type, year, k FROM ({filings}) f "
                                          f"WHERE status IN {FILED}"),
        _add("filing_count", FILING_KEY, filings),
        _moved("listed_span", SPAN_KEY, "s{t}", f"{every}, b AS (SELECT * FROM listed_org_year WHERE 1 = 0), "
                                                f"a AS ({_of('listed_org_year')}), sb AS ({_spans('b')}), "
                                                f"sa AS ({_spans('a')})"),
        _moved("national_count", NATIONAL_KEY, "r{t}", f"{every}, lb AS (SELECT * FROM listed_org_year WHERE 1 = 0), "
                                                       f"la AS ({_of('listed_org_year')}), fb AS ({_of('filed_org_year')}), "
                                                       f"{_national('lb', 'fb', 'b')}, {_national('la', 'fb', 'a')}"),
    ]


# ---------------------------------------------------------------------------------------------- migration --

def _count_table(name: str, *columns: sa.Column) -> None:
    op.create_table(name, *columns, sa.Column("n", sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint(*(c.name for c in columns), name=op.f(f"pk_{name}")))


def _int(name: str) -> sa.Column:
    return sa.Column(name, sa.Integer(), autoincrement=False, nullable=False)


def _text(name: str, length: int) -> sa.Column:
    return sa.Column(name, sa.String(length=length), nullable=False)


DELTA_COLUMNS = {
    "filing_count": lambda: (_int("year"), _int("admin_unit_id"), _text("status", 20),
                             sa.Column("due_on", sa.Date(), nullable=False),
                             sa.Column("deadline", sa.Date(), nullable=False)),
    "listed_count": lambda: (_int("admin_unit_id"), _int("year"), _text("unit_type", 40), _text("level", 20),
                             _text("status", 20)),
    "listed_span": lambda: (_int("admin_unit_id"), _text("unit_type", 40), _int("levels"), _int("year"),
                            _int("prev_year")),
    "national_count": lambda: (_int("admin_unit_id"), _text("kind", 8), _int("year")),
}


def upgrade():
    _count_table("filing_count", _int("year"), _int("admin_unit_id"), _text("status", 20),
                 sa.Column("due_on", sa.Date(), nullable=False), sa.Column("deadline", sa.Date(), nullable=False))
    _count_table("listed_count", _int("admin_unit_id"), _int("year"), _text("unit_type", 40), _text("level", 20),
                 _text("status", 20))
    _count_table("listed_org_year", _int("organization_id"), _text("unit_type", 40), _int("year"), _text("level", 20),
                 _text("status", 20))
    _count_table("filed_org_year", _int("organization_id"), _text("unit_type", 40), _int("year"))
    _count_table("listed_span", _int("admin_unit_id"), _text("unit_type", 40), _int("levels"), _int("year"),
                 _int("prev_year"))
    _count_table("national_count", _int("admin_unit_id"), _text("kind", 8), _int("year"))
    for table, columns in DELTA_COLUMNS.items():  # PostgreSQL's changes not yet added up (empty once committed)
        op.create_table(f"{table}_delta", sa.Column("id", sa.Integer(), nullable=False), *columns(),
                        sa.Column("k", sa.Integer(), nullable=False),
                        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}_delta")))
    op.create_table("count_fold", sa.Column("xid", sa.BigInteger(), autoincrement=False, nullable=False),
                    sa.PrimaryKeyConstraint("xid", name=op.f("pk_count_fold")))
    op.create_index("ix_annual_filing_status_due", "annual_filing", ["status", "due_on", "id"])
    op.create_index("ix_annual_filing_unit_status_due", "annual_filing", ["admin_unit_id", "status", "due_on", "id"])
    op.create_index("ix_organization_name_uscc", "organization", ["name", "uscc"])
    op.create_index("ix_organization_unit_name", "organization", ["admin_unit_id", "name", "uscc"])
    # the triggers first: on PostgreSQL creating one locks out writers of its table until this migration commits,
    # so the counts below are those of the rows the triggers then follow
    if op.get_bind().dialect.name == "postgresql":
        for name, body in pg_functions().items():
            op.execute(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n{body}\n$$")
        for name, definition in pg_triggers().items():
            op.execute(f"CREATE {'CONSTRAINT ' if 'DEFERRABLE' in definition else ''}TRIGGER {name} {definition}")
    else:
        for name, definition in sqlite_triggers().items():
            op.execute(f"CREATE TRIGGER {name} {definition}")
    for statement in backfill():
        op.execute(statement)


def downgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    for name, definition in pg_triggers().items():  # the same names on SQLite (but the fold's)
        table = definition.split(" ON ", 1)[1].split(" ", 1)[0]
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if postgresql else ""))
    if postgresql:
        for name in pg_functions():
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    op.drop_index("ix_organization_unit_name", table_name="organization")
    op.drop_index("ix_organization_name_uscc", table_name="organization")
    op.drop_index("ix_annual_filing_unit_status_due", table_name="annual_filing")
    op.drop_index("ix_annual_filing_status_due", table_name="annual_filing")
    op.drop_table("count_fold")
    for table in reversed(DELTA_COLUMNS):
        op.drop_table(f"{table}_delta")
    for name in ("national_count", "listed_span", "filed_org_year", "listed_org_year", "listed_count", "filing_count"):
        op.drop_table(name)
