"""evaluation and review (issue 16): the firm's report records its evaluated score per indicator and the day of
its on-site visit; an engagement keeps every cap counter it took (a project may count against several caps)

Revision ID: 0015_evaluation_review
Revises: 0024_province_keys
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "0015_evaluation_review"
down_revision = "0024_province_keys"
branch_labels = None
depends_on = None


def _json():
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade():
    with op.batch_alter_table("evaluation_report", schema=None) as batch_op:
        # {indicator number: score} of the region's indicator table (empty without one)
        batch_op.add_column(sa.Column("indicator_scores", _json(), nullable=True))
        # the day of the on-site evaluation, where the region requires one (Hubei 三(三) 现场评价)
        batch_op.add_column(sa.Column("visited_on", sa.Date(), nullable=True))
    with op.batch_alter_table("evaluator_engagement", schema=None) as batch_op:
        # every cap counter the engagement took a place in (cap_key keeps the first, as before)
        batch_op.add_column(sa.Column("cap_keys", _json(), nullable=True))


def downgrade():
    with op.batch_alter_table("evaluator_engagement", schema=None) as batch_op:
        batch_op.drop_column("cap_keys")
    with op.batch_alter_table("evaluation_report", schema=None) as batch_op:
        batch_op.drop_column("visited_on")
        batch_op.drop_column("indicator_scores")
