"""lists published at every level: decisions, city notices, notice start reasons (issue 15)

Revision ID: 0008_publication
Revises: 0007_list_history
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0008_publication"
down_revision = "0007_list_history"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
