"""unit_score pages filled to 40 % on PostgreSQL (issue 23, W2)

A recompute writes the results of every row it changes (a first run: every row, which about doubles in
size with its per-indicator scores). In a full page PostgreSQL puts each new row version in another page
and adds an entry for it to every index of the table (four); with room left in the page the new version
stays beside the old one and no index changes (a heap-only tuple). At 40 % a first run finds that room for
nearly every row: the database's own work for the 30,000-row UPDATE of the W2 bench fell from 0.36 s to
0.15 s and its WAL from 48 MB to 31 MB. The table is larger on disk until its rows carry their results (a
full-page table grows by the new versions anyway). Existing pages keep their fill until they are rewritten
(``VACUUM FULL unit_score`` applies it at once); SQLite has no such setting.

Revision ID: 0032_unit_score_fillfactor
Revises: 0031_filing_page_indexes
"""
from alembic import op

revision = "0032_unit_score_fillfactor"
down_revision = "0031_filing_page_indexes"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE unit_score SET (fillfactor = 40)")  # core.models.scoring.FILLFACTOR


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE unit_score RESET (fillfactor)")
