"""indexes in the order of a city's recommended applications (issue 57, /city/recommended) and of a round's extensions

The city's recommended list (``/city/recommended``) reads, without ``?campaign=``, the round the city last
recommended in (``services.last_recommended_campaign``: its latest ``recommended_at``), then each unit type's page
of recommended applications by score (none last), submission time and id (``summary.recommended_page``). Both
sorted every application of the city (20,053 buffers for the first, 1,946–4,649 for each page at 500,000
applications, bench/bench_pages.py ``--buffers``); these indexes give them in that order:

- ``application (admin_unit_id, recommended_at, id) WHERE recommended_at IS NOT NULL`` (on SQLite without the
  WHERE): the latest recommendation is the range's last entry (an empty index where the city recommended none);
- ``application (admin_unit_id, campaign_id, unit_type, coalesce(score, -1) DESC,
  coalesce(submitted_at, created_at), id) WHERE status IN (the recommended statuses)``: a page is 51 entries.

And the province's campaign page listed every applicant's deadline extension of the round (25,000 rows, 9,052
buffers at 500,000 applications); it now shows a page of them, newest first
(core/applications/extension_page.py): ``deadline_extension (campaign_id, id)``.

Revision ID: 0051_recommended_order
Revises: 0050_webhooks
"""
import sqlalchemy as sa
from alembic import op

revision = "0051_recommended_order"
down_revision = "0050_webhooks"
branch_labels = None
depends_on = None

#: services.RECOMMENDED
RECOMMENDED = "status IN ('city_recommended', 'under_review', 'graded', 'in_notice', 'listed')"


def upgrade():
    op.create_index("ix_application_unit_recommended_at", "application", ["admin_unit_id", "recommended_at", "id"],
                    postgresql_where=sa.text("recommended_at IS NOT NULL"))  # SQLite: every row
    if op.get_bind().dialect.name == "postgresql":  # an index on expressions: SQLite's reflection skips them
        op.create_index("ix_application_recommended_rank", "application",
                        ["admin_unit_id", "campaign_id", "unit_type", sa.text("coalesce(score, -1) DESC"),
                         sa.text("coalesce(submitted_at, created_at)"), "id"], postgresql_where=sa.text(RECOMMENDED))
    op.create_index("ix_deadline_extension_campaign_id_id", "deadline_extension", ["campaign_id", "id"])


def downgrade():
    op.drop_index("ix_deadline_extension_campaign_id_id", table_name="deadline_extension")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_application_recommended_rank", table_name="application")
    op.drop_index("ix_application_unit_recommended_at", table_name="application")
