"""deadlines at every step, city extensions, the submission lock (issue 15)

Revision ID: 0009_step_deadlines
Revises: 0008_publication
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0009_step_deadlines"
down_revision = "0008_publication"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
