"""The stage before a list (issue 53): the day a unit in it completes its creation, as the decision that put it in
set it (Hunan 000 二.4: 于规定时间内完成创建工作)

Revision ID: 0045_stage_completion
Revises: 0044_record_versions
"""
from alembic import op
import sqlalchemy as sa

revision = "0045_stage_completion"
down_revision = "0044_record_versions"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("list_entry", sa.Column("complete_by", sa.Date(), nullable=True))  # in place (see 0037)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":  # in place, as 0041's _drop (a batch copy would remake the table)
        op.execute('ALTER TABLE "list_entry" DROP COLUMN "complete_by"')
    else:
        op.drop_column("list_entry", "complete_by")
