"""Two database roles for a deployment (ASVS 7.3.3: the application cannot erase its audit trail).

The *owner* role owns the tables and runs the migrations (``greenmfg db upgrade``). The *application*
role, which the web workers and job workers connect as, may read and write every table except the
audit log, where it may only SELECT and INSERT: it cannot UPDATE, DELETE or TRUNCATE audit rows, and
as a non-owner it cannot disable the audit log's triggers or drop the table.

:func:`grant_app_role` is idempotent; run it as the owner after every ``db upgrade`` (new tables need
their grants). PostgreSQL only: an SQLite file has no roles (its triggers still refuse UPDATE and DELETE).
"""
from __future__ import annotations

import re

from sqlalchemy import String, inspect, text
from sqlalchemy.engine import Connection

from core.errors import InvalidInput, Refused

AUDIT_TABLE = "audit_log"
_ROLE_RE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def grant_app_role(conn: Connection, role: str, *, password: str | None = None) -> dict[str, list[str]]:
    """Create ``role`` (LOGIN) if needed and give it exactly the application's privileges.

    :returns: ``{"read_write": [tables], "append_only": ["audit_log"]}``.
    """
    if conn.dialect.name != "postgresql":
        raise Refused("Database roles need PostgreSQL; an SQLite instance has one file and no roles.")
    if not _ROLE_RE.match(role or ""):
        raise InvalidInput("A role name has 1 to 63 lower-case letters, digits or underscores.", field="role")
    owner = conn.execute(text("SELECT tableowner FROM pg_tables WHERE schemaname = current_schema() "
                              "AND tablename = :t"), {"t": AUDIT_TABLE}).scalar()
    if owner is None:
        raise Refused("Run the migrations first (greenmfg db upgrade): the tables do not exist yet.")
    if owner == role:
        raise Refused("The application role must not be the tables' owner (%(role)s owns them).", role=role)
    exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).scalar()
    quoted = conn.dialect.identifier_preparer.quote(role)
    if not exists:
        conn.execute(text(f"CREATE ROLE {quoted} LOGIN"))
    if password:
        # a utility statement takes no bound parameter: the password goes in as a quoted literal
        literal = String().literal_processor(conn.dialect)(password)
        conn.execute(text(f"ALTER ROLE {quoted} PASSWORD {literal}"))
    schema = conn.dialect.identifier_preparer.quote(conn.execute(text("SELECT current_schema()")).scalar())
    conn.execute(text(f"GRANT USAGE ON SCHEMA {schema} TO {quoted}"))
    tables = sorted(t for t in inspect(conn).get_table_names())
    read_write = []
    for table in tables:
        name = conn.dialect.identifier_preparer.quote(table)
        conn.execute(text(f"REVOKE ALL ON {name} FROM {quoted}"))
        if table == AUDIT_TABLE:
            conn.execute(text(f"GRANT SELECT, INSERT ON {name} TO {quoted}"))
        elif table == "alembic_version":
            conn.execute(text(f"GRANT SELECT ON {name} TO {quoted}"))
        else:
            conn.execute(text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {name} TO {quoted}"))
            read_write.append(table)
    conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {quoted}"))
    return {"read_write": read_write, "append_only": [AUDIT_TABLE]}


def app_role_problems(conn: Connection) -> tuple[str, list[str]]:
    """Whether the role ``conn`` is signed in as has exactly what :func:`grant_app_role` gives (``greenmfg
    check``): the role's name, and what differs: a table it may not read or write, an audit log it may change,
    or a role that owns the tables or is a superuser (then the audit log is not append-only for the services).
    PostgreSQL only."""
    role = conn.execute(text("SELECT current_user")).scalar()
    problems: list[str] = []
    superuser = conn.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).scalar()
    if superuser:
        problems.append(f"{role} is a superuser: connect the services as the application role (README step 4)")
    owner = conn.execute(text("SELECT tableowner FROM pg_tables WHERE schemaname = current_schema() "
                              "AND tablename = :t"), {"t": AUDIT_TABLE}).scalar()
    if owner is None:
        return role, problems + ["the tables do not exist: run greenmfg db upgrade as the owner"]
    if owner == role:
        problems.append(f"{role} owns the tables: connect the services as the application role, not the owner "
                        "(README step 4)")
    rows = conn.execute(text(
        "SELECT tablename, has_table_privilege(current_user, quote_ident(tablename), 'SELECT'), "
        "has_table_privilege(current_user, quote_ident(tablename), 'INSERT'), "
        "has_table_privilege(current_user, quote_ident(tablename), 'UPDATE'), "
        "has_table_privilege(current_user, quote_ident(tablename), 'DELETE'), "
        "has_table_privilege(current_user, quote_ident(tablename), 'TRUNCATE') "
        "FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")).all()
    missing = []
    for table, select, insert, update, delete, truncate in rows:
        if table == AUDIT_TABLE:
            if not (select and insert):
                problems.append(f"{role} may not SELECT and INSERT on {AUDIT_TABLE}")
            if (update or delete or truncate) and owner != role and not superuser:
                problems.append(f"{role} may change or erase {AUDIT_TABLE} (only SELECT and INSERT are granted)")
        elif table == "alembic_version":
            if not select:
                missing.append(table)
        elif not (select and insert and update and delete):
            missing.append(table)
    if missing:
        problems.append(f"{role} may not read and write {len(missing)} tables ({', '.join(missing[:5])}"
                        f"{', …' if len(missing) > 5 else ''}): run greenmfg db-roles grant-app {role} as the owner")
    return role, problems
