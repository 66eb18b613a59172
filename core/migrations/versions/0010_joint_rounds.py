"""joint rounds: per-level city recommendation (issue 15)

Revision ID: 0010_joint_rounds
Revises: 0009_step_deadlines
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "0010_joint_rounds"
down_revision = "0009_step_deadlines"
branch_labels = None
depends_on = None


def upgrade():
    # the levels the city recommended among the requested ones (None until it recommends)
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recommended_levels', sa.JSON().with_variant(
            postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True))


def downgrade():
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_column('recommended_levels')
