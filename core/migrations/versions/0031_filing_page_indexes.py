"""indexes for the annual filings list paged by (year, id) (issue 23)

``/management/filings`` shows one year's filings, newest first, 50 a page from a ``(year, id)`` cursor: for the
province every filing of the year, for a city bureau its own, with an optional status. With only
``ix_annual_filing_progress (year, admin_unit_id, status)`` PostgreSQL read the whole year and sorted it on every
page (182 ms for a deep page at 125,000 filings; the W1 bench's rotating pages at 500,000 applications had a p99
of 1.56 s). ``(year, id)``, ``(admin_unit_id, year, id)`` and ``(year, status, id)`` make each page one index seek.

Revision ID: 0031_filing_page_indexes
Revises: 0030_public_list_indexes
"""
from alembic import op

revision = "0031_filing_page_indexes"
down_revision = "0030_public_list_indexes"
branch_labels = None
depends_on = None

INDEXES = [
    ("ix_annual_filing_year_page", "annual_filing", ["year", "id"]),
    ("ix_annual_filing_unit_page", "annual_filing", ["admin_unit_id", "year", "id"]),
    ("ix_annual_filing_status_page", "annual_filing", ["year", "status", "id"]),
]


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
