"""list history import (issue 15)

Revision ID: 0007_list_history
Revises: 0006_queue_index
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0007_list_history"
down_revision = "0006_queue_index"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("list_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source", sa.String(length=20), server_default="notice", nullable=False))


def downgrade():
    with op.batch_alter_table("list_entry", schema=None) as batch_op:
        batch_op.drop_column("source")
