"""indexes that match every list's filters and sort, for keyset paging (issue 23)

* ``application (status, id)``: the province's list by status, newest first; ``application (admin_unit_id,
  status, id)``: a city's list by status (every campaign and type), newest first. Each page is a seek into
  one of them (the queue index ``ix_application_queue`` serves the fully filtered list).
* ``list_entry (status, year, id)`` and ``(status, level, year, id)``: the public lists, newest year first,
  paged by ``(year, id)``; the loose index scan of the years filter.
* ``public_notice (region, starts_on, id)``: the notices, newest first.
* ``organization (name)``: the public lists' name search, ``LIKE '%…%'``. On PostgreSQL a trigram GIN index
  (extension pg_trgm, trusted since PostgreSQL 13) where the server has it, else a B-tree; a B-tree on SQLite.

Revision ID: 0028_list_indexes
Revises: 0026_notifications
"""
import sqlalchemy as sa
from alembic import op

revision = "0028_list_indexes"
down_revision = "0026_notifications"
branch_labels = None
depends_on = None

INDEXES = [
    ("ix_application_status_id", "application", ["status", "id"]),
    ("ix_application_unit_status_id", "application", ["admin_unit_id", "status", "id"]),
    ("ix_list_entry_browse", "list_entry", ["status", "year", "id"]),
    ("ix_list_entry_level_browse", "list_entry", ["status", "level", "year", "id"]),
    ("ix_public_notice_recent", "public_notice", ["region", "starts_on", "id"]),
]


def _trigrams_available(bind) -> bool:
    if bind.dialect.name != "postgresql":
        return False
    available = bind.execute(sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")).scalar()
    if not available:
        return False
    try:
        with bind.begin_nested():  # a role that may not create it leaves the transaction usable
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError:
        return False
    return True


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)
    if _trigrams_available(op.get_bind()):
        op.create_index("ix_organization_name_trgm", "organization", ["name"], postgresql_using="gin",
                        postgresql_ops={"name": "gin_trgm_ops"})
    else:
        op.create_index("ix_organization_name_trgm", "organization", ["name"])


def downgrade():
    op.drop_index("ix_organization_name_trgm", table_name="organization")
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
