"""application pages filled to 50 % on PostgreSQL (issue 23, W4)

A city's re-imported summary table changes every draft it lists in one transaction. In a full page
PostgreSQL puts each new row version in another page and adds an entry for it to every one of the table's
thirteen indexes; with room left in the page the new version stays beside the old one and no index changes
(a heap-only tuple), as long as no indexed column changed (an import changes a draft's figures and contact).
Measured with 1,000 drafts changed (bench/bench_summary_import.py's case, two alternating runs of four):
the UPDATE's own time 0.11–0.17 s → 0.08 s, the whole import's median about 1.06 s → 0.81 s. The heap is
about twice its size (78 MB at 500,000 applications, beside 167 MB of indexes). Existing pages keep their
fill until they are rewritten (``VACUUM FULL application`` applies it at once); SQLite has no such setting.

Revision ID: 0033_application_fillfactor
Revises: 0032_unit_score_fillfactor
"""
from alembic import op

revision = "0033_application_fillfactor"
down_revision = "0032_unit_score_fillfactor"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE application SET (fillfactor = 50)")  # core.models.campaigns.APPLICATION_FILLFACTOR


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE application RESET (fillfactor)")
