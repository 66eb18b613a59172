"""provinces' Ed25519 public keys registered by the ministry; a recommendation file's document id,
imported once (issue 22)

Revision ID: 0024_province_keys
Revises: 0023_jobs
"""
from alembic import op
import sqlalchemy as sa

revision = "0024_province_keys"
down_revision = "0023_jobs"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "province_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("province", sa.String(length=40), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("key_id", sa.String(length=40), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=True),
        sa.Column("registered_by", sa.String(length=120), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(length=120), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_province_key")),
        sa.UniqueConstraint("key_id", name=op.f("uq_province_key_key_id")),
    )
    with op.batch_alter_table("province_key", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_province_key_province"), ["province"], unique=False)
    with op.batch_alter_table("recommendation_import", schema=None) as batch_op:
        batch_op.add_column(sa.Column("document_id", sa.String(length=40), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_recommendation_import_document_id"), ["document_id"])


def downgrade():
    with op.batch_alter_table("recommendation_import", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_recommendation_import_document_id"), type_="unique")
        batch_op.drop_column("document_id")
    op.drop_table("province_key")
