"""third-party evaluation and expert review journeys (issue 16)

Revision ID: 0011_evaluation
Revises: 0010_joint_rounds
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0011_evaluation"
down_revision = "0010_joint_rounds"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
