"""round notice (issue 43): the notice a round was opened from (文号, title, issuer, date, the file) and what it
sets for the round against the region's standing rules

Revision ID: 0037_round_notice
Revises: 0036_training_clock
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "0037_round_notice"
down_revision = "0036_training_clock"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notice_no", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("notice_title", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("notice_issuer", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("notice_issued_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("notice_file", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("notice_file_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column(
            "notice_rules", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            server_default=sa.text("'[]'"), nullable=False))


def downgrade():
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        for column in ("notice_rules", "notice_file_name", "notice_file", "notice_issued_on", "notice_issuer",
                       "notice_title", "notice_no"):
            batch_op.drop_column(column)
