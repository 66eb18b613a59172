"""an index in the order of a city's applications to examine (issue 57)

The city's home page shows the five submitted applications that wait longest (oldest submission first, then the
id): ``application (admin_unit_id, status, submitted_at, id)`` reads them as the first five entries of one index
range, where the page sorted every submitted application of the city before.

Revision ID: 0047_city_examine_order
Revises: 0046_one_recommendation_per_unit
"""
from alembic import op

revision = "0047_city_examine_order"
down_revision = "0046_one_recommendation_per_unit"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_application_unit_status_submitted", "application",
                    ["admin_unit_id", "status", "submitted_at", "id"])


def downgrade():
    op.drop_index("ix_application_unit_status_submitted", table_name="application")
