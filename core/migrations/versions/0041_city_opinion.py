"""The city's recommendation (issue 43): its 推荐意见 on each application it recommends, and its 推荐文件 for a
round (one PDF per city and round)

Revision ID: 0041_city_opinion
Revises: 0040_sm2_keys
"""
from alembic import op
import sqlalchemy as sa

revision = "0041_city_opinion"
down_revision = "0040_sm2_keys"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("application", sa.Column("city_opinion", sa.Text(), nullable=True))  # in place (see 0037)
    op.create_table(
        "city_recommendation_file",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("campaign_id", sa.Integer(), sa.ForeignKey("campaign.id"), nullable=False),
        sa.Column("admin_unit_id", sa.Integer(), sa.ForeignKey("admin_unit.id"), nullable=False),
        sa.Column("original_name", sa.String(length=200), nullable=False),
        sa.Column("storage_name", sa.String(length=64), nullable=False, unique=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("campaign_id", "admin_unit_id"),
    )
    op.create_index("ix_city_recommendation_file_campaign_id", "city_recommendation_file", ["campaign_id"])


def downgrade():
    op.drop_index("ix_city_recommendation_file_campaign_id", table_name="city_recommendation_file")
    op.drop_table("city_recommendation_file")
    _drop("application", "city_opinion")


def _drop(table: str, column: str) -> None:
    """Drop a column. SQLite drops it in place (ALTER TABLE … DROP COLUMN, SQLite 3.35+): a batch copy would drop and
    make again a table other tables' foreign keys name, which SQLite refuses while rows point at it."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')
    else:
        op.drop_column(table, column)
