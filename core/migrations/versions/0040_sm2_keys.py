"""SM2 province keys (issue 47): a registered key carries its algorithm (Ed25519 or SM2-SM3); room for the
65-byte SM2 point in base64

Revision ID: 0040_sm2_keys
Revises: 0039_idempotency_keys
"""
from alembic import op
import sqlalchemy as sa

revision = "0040_sm2_keys"
down_revision = "0039_idempotency_keys"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("province_key") as batch:
        batch.alter_column("public_key", existing_type=sa.String(length=64), type_=sa.String(length=200),
                           existing_nullable=False)
        batch.add_column(sa.Column("alg", sa.String(length=16), nullable=False, server_default="Ed25519"))


def downgrade():
    op.execute("DELETE FROM province_key WHERE alg <> 'Ed25519'")
    with op.batch_alter_table("province_key") as batch:
        batch.drop_column("alg")
        batch.alter_column("public_key", existing_type=sa.String(length=200), type_=sa.String(length=64),
                           existing_nullable=False)
