"""lists published at every level: decisions, city notices, notice start reasons (issue 15)

Tables: list_decision (a list published by a decision, with its document number and date).
Columns: public_notice.admin_unit_id (a city's own list), public_notice.start_reason (why a notice
starts before the day it was opened, shown publicly), list_entry.decision_id.

Revision ID: 0008_publication
Revises: 0007_list_history
"""
from alembic import op
import sqlalchemy as sa

revision = "0008_publication"
down_revision = "0007_list_history"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "list_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=40), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("document_no", sa.String(length=100), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("admin_unit_id", sa.Integer(), nullable=True),
        sa.Column("decided_by", sa.String(length=120), nullable=False),
        sa.Column("rule_source", sa.String(length=40), nullable=False),
        sa.Column("rule_cite", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["admin_unit_id"], ["admin_unit.id"],
                                name=op.f("fk_list_decision_admin_unit_id_admin_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_list_decision")),
    )
    with op.batch_alter_table("list_decision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_list_decision_region"), ["region"], unique=False)
        batch_op.create_index(batch_op.f("ix_list_decision_admin_unit_id"), ["admin_unit_id"], unique=False)
    with op.batch_alter_table("public_notice", schema=None) as batch_op:
        batch_op.add_column(sa.Column("admin_unit_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("start_reason", sa.String(length=500), nullable=True))
        batch_op.create_index(batch_op.f("ix_public_notice_admin_unit_id"), ["admin_unit_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_public_notice_admin_unit_id_admin_unit"), "admin_unit",
                                    ["admin_unit_id"], ["id"])
    with op.batch_alter_table("list_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decision_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_list_entry_decision_id_list_decision"), "list_decision",
                                    ["decision_id"], ["id"])


def downgrade():
    with op.batch_alter_table("list_entry", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_list_entry_decision_id_list_decision"), type_="foreignkey")
        batch_op.drop_column("decision_id")
    with op.batch_alter_table("public_notice", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_public_notice_admin_unit_id_admin_unit"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_public_notice_admin_unit_id"))
        batch_op.drop_column("start_reason")
        batch_op.drop_column("admin_unit_id")
    with op.batch_alter_table("list_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_list_decision_admin_unit_id"))
        batch_op.drop_index(batch_op.f("ix_list_decision_region"))
    op.drop_table("list_decision")
