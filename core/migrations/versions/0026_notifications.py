"""notifications (issue 20): the inbox rows made from committed audit rows, and each user's settings

Revision ID: 0026_notifications
Revises: 0025_negative_list_codes
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "0026_notifications"
down_revision = "0025_negative_list_codes"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade():
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=80), nullable=False),
        sa.Column("params", JSON, nullable=False),
        sa.Column("link", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("emailed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("texted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_notification_user_id_user_account")),
        sa.ForeignKeyConstraint(["audit_id"], ["audit_log.id"], name=op.f("fk_notification_audit_id_audit_log")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
        sa.UniqueConstraint("user_id", "audit_id", name=op.f("uq_notification_user_id_audit_id")),
    )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.create_index("ix_notification_unread", ["user_id", "read_at"], unique=False)
    op.create_table(
        "notification_setting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=120), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("by_email", sa.Boolean(), nullable=False),
        sa.Column("by_sms", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"],
                                name=op.f("fk_notification_setting_user_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_setting")),
        sa.UniqueConstraint("user_id", name=op.f("uq_notification_setting_user_id")),
    )


def downgrade():
    op.drop_table("notification_setting")
    op.drop_table("notification")
