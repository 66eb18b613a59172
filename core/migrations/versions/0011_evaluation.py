"""third-party evaluation reports: the engaged firm files its report (PDF) and evaluated score (issue 16)

Revision ID: 0011_evaluation
Revises: 0010_joint_rounds
"""
from alembic import op
import sqlalchemy as sa

revision = "0011_evaluation"
down_revision = "0010_joint_rounds"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "evaluation_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("original_name", sa.String(length=200), nullable=False),
        sa.Column("storage_name", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("score", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("filed_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["application.id"],
                                name=op.f("fk_evaluation_report_application_id_application")),
        sa.ForeignKeyConstraint(["firm_id"], ["evaluator_firm.id"],
                                name=op.f("fk_evaluation_report_firm_id_evaluator_firm")),
        sa.ForeignKeyConstraint(["request_id"], ["evaluation_request.id"],
                                name=op.f("fk_evaluation_report_request_id_evaluation_request")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_report")),
        sa.UniqueConstraint("request_id", name=op.f("uq_evaluation_report_request_id")),
        sa.UniqueConstraint("storage_name", name=op.f("uq_evaluation_report_storage_name")),
    )
    with op.batch_alter_table("evaluation_report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evaluation_report_application_id"), ["application_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_evaluation_report_firm_id"), ["firm_id"], unique=False)


def downgrade():
    with op.batch_alter_table("evaluation_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluation_report_firm_id"))
        batch_op.drop_index(batch_op.f("ix_evaluation_report_application_id"))
    op.drop_table("evaluation_report")
