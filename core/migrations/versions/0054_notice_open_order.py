"""an index in the order of the province's open public notices (issue 57, the province's home page)

The province's to-do (core/lists/todo.py ``province_items``) shows its first notices not yet published, soonest end
first. It sorted every such notice of the region: 1 buffer at 5,000 applications, 9 at 500,000, which put the
province's home page over the 1.5× that issue 57 allows (15 → 23 buffers, 1.53×). ``public_notice (region,
ends_on, id) WHERE status <> 'published' AND admin_unit_id IS NULL`` (on SQLite without the WHERE) gives them in
that order.

Revision ID: 0054_notice_open_order
Revises: 0053_management_counts
"""
import sqlalchemy as sa
from alembic import op

revision = "0054_notice_open_order"
down_revision = "0053_management_counts"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_public_notice_open_ends", "public_notice", ["region", "ends_on", "id"],
                    postgresql_where=sa.text("status <> 'published' AND admin_unit_id IS NULL"))  # SQLite: every row


def downgrade():
    op.drop_index("ix_public_notice_open_ends", table_name="public_notice")
