"""accounts linked to identities of the province's unified identity service (issue 60, OpenID Connect)

Revision ID: 0049_identity_links
Revises: 0048_rereview_opinion
"""
from alembic import op
import sqlalchemy as sa

revision = "0049_identity_links"
down_revision = "0048_rereview_opinion"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "identity_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=255), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=True),
        sa.Column("staff_key", sa.String(length=255), nullable=True),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_sign_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"],
                                name=op.f("fk_identity_link_user_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_link")),
        sa.UniqueConstraint("user_id", name="uq_identity_link_user_id"),
        sa.UniqueConstraint("issuer", "subject", name="uq_identity_link_issuer_subject"),
        sa.UniqueConstraint("issuer", "staff_key", name="uq_identity_link_issuer_staff_key"),
    )


def downgrade():
    op.drop_table("identity_link")
