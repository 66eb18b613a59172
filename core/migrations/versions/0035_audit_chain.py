"""the audit log's hash chain (issue 47): each entry keeps the hash of the one before and its own

Entries written before this revision stay as they were (no hash: the row triggers refuse to change them); the chain
starts with the first entry written after it, and ``greenmfg audit verify`` counts the older ones apart.

Revision ID: 0035_audit_chain
Revises: 0034_token_second_factor
"""
import sqlalchemy as sa
from alembic import op

revision = "0035_audit_chain"
down_revision = "0034_token_second_factor"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("prev_hash", sa.String(64), nullable=True))
        batch.add_column(sa.Column("hash", sa.String(64), nullable=True))


def downgrade():
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("hash")
        batch.drop_column("prev_hash")
