"""One unit, one recommendation per level and year (issue 54): a recommendation item keeps its unit, and the
database refuses the same unit twice in one recommendation (one per region, level and year), from whichever round
its application is

Existing items get their application's unit; where a unit was already recommended twice (possible before this
migration), the later items keep no unit, so the index is made without deleting anything (the province removes
the later ones from its recommendation).

Revision ID: 0046_one_recommendation_per_unit
Revises: 0045_stage_completion
"""
from alembic import op
import sqlalchemy as sa

revision = "0046_one_recommendation_per_unit"
down_revision = "0045_stage_completion"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("recommendation_item", sa.Column("organization_id", sa.Integer(), nullable=True))  # in place
    op.execute("UPDATE recommendation_item SET organization_id = (SELECT application.organization_id FROM "
               "application WHERE application.id = recommendation_item.application_id) WHERE NOT EXISTS ("
               "SELECT 1 FROM recommendation_item AS earlier JOIN application AS a ON a.id = earlier.application_id "
               "JOIN application AS b ON b.id = recommendation_item.application_id "
               "WHERE earlier.recommendation_id = recommendation_item.recommendation_id "
               "AND a.organization_id = b.organization_id AND earlier.id < recommendation_item.id)")
    op.create_index("uq_recommendation_item_unit", "recommendation_item", ["recommendation_id", "organization_id"],
                    unique=True)


def downgrade():
    op.drop_index("uq_recommendation_item_unit", table_name="recommendation_item")
    if op.get_bind().dialect.name == "sqlite":  # in place, as 0041's _drop
        op.execute('ALTER TABLE "recommendation_item" DROP COLUMN "organization_id"')
    else:
        op.drop_column("recommendation_item", "organization_id")
