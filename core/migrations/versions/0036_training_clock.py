"""training clock (issue 42): how many days a training instance runs ahead of the real date

Revision ID: 0036_training_clock
Revises: 0035_audit_chain
"""
from alembic import op
import sqlalchemy as sa

revision = "0036_training_clock"
down_revision = "0035_audit_chain"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "training_clock",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("offset_days", sa.Integer(), nullable=False),
        sa.Column("moved_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_clock")),
    )


def downgrade():
    op.drop_table("training_clock")
