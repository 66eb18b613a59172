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
    # added in place (ALTER TABLE … ADD COLUMN, on SQLite too): a batch copy of the table would drop and make again a
    # table the applications' foreign keys name, which SQLite refuses once rounds have applications
    op.add_column("campaign", sa.Column("notice_no", sa.String(length=80), nullable=True))
    op.add_column("campaign", sa.Column("notice_title", sa.String(length=300), nullable=True))
    op.add_column("campaign", sa.Column("notice_issuer", sa.String(length=200), nullable=True))
    op.add_column("campaign", sa.Column("notice_issued_on", sa.Date(), nullable=True))
    op.add_column("campaign", sa.Column("notice_file", sa.String(length=120), nullable=True))
    op.add_column("campaign", sa.Column("notice_file_name", sa.String(length=200), nullable=True))
    op.add_column("campaign", sa.Column(
        "notice_rules", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
        server_default=sa.text("'[]'"), nullable=False))


def downgrade():
    for column in ("notice_rules", "notice_file_name", "notice_file", "notice_issued_on", "notice_issuer",
                   "notice_title", "notice_no"):
        _drop("campaign", column)


def _drop(table: str, column: str) -> None:
    """Drop a column. SQLite drops it in place (ALTER TABLE … DROP COLUMN, SQLite 3.35+): a batch copy would drop and
    make again a table other tables' foreign keys name, which SQLite refuses while rows point at it."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')
    else:
        op.drop_column(table, column)
