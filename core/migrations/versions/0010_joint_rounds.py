"""joint rounds: per-level city recommendation (issue 15)

Revision ID: 0010_joint_rounds
Revises: 0009_step_deadlines
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0010_joint_rounds"
down_revision = "0009_step_deadlines"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
