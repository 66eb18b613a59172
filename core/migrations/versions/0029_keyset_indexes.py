"""indexes for the keyset paging of the city and province lists by campaign and of every status (issue 23)

Each list page is one seek into an index whose columns are the page's equality filters followed by the id
(the sort key), so a page costs the same at 5,000 or 500,000 applications and on any page:

* ``application (campaign_id, status, id)``: the province's list of one campaign by status;
* ``application (admin_unit_id, campaign_id, status, id)``: a city's list of one campaign by status;
* the queue index ``ix_application_queue (admin_unit_id, campaign_id, status, unit_type)`` ends with the id
  too: a city's list with every filter (the bench's city page; PostgreSQL read it by the primary key before,
  filtering a few thousand rows a page);
* ``application (admin_unit_id, id)`` and ``(campaign_id, id)``: a city's list of every status, and the
  province's list of one campaign of every status (drafts, filtered out, are a small share).

The province's and a city's lists by status without a campaign use ``ix_application_status_id`` and
``ix_application_unit_status_id`` (migration 0028).

Revision ID: 0029_keyset_indexes
Revises: 0028_list_indexes
"""
from alembic import op

revision = "0029_keyset_indexes"
down_revision = "0028_list_indexes"
branch_labels = None
depends_on = None

INDEXES = [
    ("ix_application_campaign_status_id", "application", ["campaign_id", "status", "id"]),
    ("ix_application_unit_campaign_status_id", "application", ["admin_unit_id", "campaign_id", "status", "id"]),
    ("ix_application_unit_id", "application", ["admin_unit_id", "id"]),
    ("ix_application_campaign_id_id", "application", ["campaign_id", "id"]),
]


QUEUE = ["admin_unit_id", "campaign_id", "status", "unit_type"]


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)
    op.drop_index("ix_application_queue", table_name="application")
    op.create_index("ix_application_queue", "application", QUEUE + ["id"])


def downgrade():
    op.drop_index("ix_application_queue", table_name="application")
    op.create_index("ix_application_queue", "application", QUEUE)
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
