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
    pass


def downgrade():
    pass
