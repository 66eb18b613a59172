"""The province's technical review of a city's re-review (issue 61; Hubei 002_9c75e1d2ebfbdf50.txt 三(六):
省经信厅组织专家……对市州上报的复核资料进行技术评审，并将复核意见反馈工信部): the experts drawn, their opinion

Revision ID: 0048_rereview_opinion
Revises: 0047_city_examine_order
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "0048_rereview_opinion"
down_revision = "0047_city_examine_order"
branch_labels = None
depends_on = None

COLUMNS = ("opinion_experts", "opinion", "opinion_note", "opinion_by", "opinion_at")


def upgrade():
    json = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
    op.add_column("re_review", sa.Column("opinion_experts", json, nullable=True))  # in place (see 0037)
    op.add_column("re_review", sa.Column("opinion", sa.String(length=20), nullable=True))
    op.add_column("re_review", sa.Column("opinion_note", sa.Text(), nullable=True))
    op.add_column("re_review", sa.Column("opinion_by", sa.String(length=120), nullable=True))
    op.add_column("re_review", sa.Column("opinion_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    for column in reversed(COLUMNS):
        if op.get_bind().dialect.name == "sqlite":  # in place, as 0041's _drop (a batch copy would remake the table)
            op.execute(f'ALTER TABLE "re_review" DROP COLUMN "{column}"')
        else:
            op.drop_column("re_review", column)
