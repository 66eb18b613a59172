"""A version on every record a client changes with If-Match (issue 55): the compare-and-set of a guarded change
(``UPDATE ... WHERE id = ? AND version = ?``) and the ETag derive from it. The application, the annual filing
and the expert's scores had one (0001, 0005, 0015); the round filing, the evaluation firm, the administrative
unit, the notification setting, the account and the training clock get one.

Revision ID: 0044_record_versions
Revises: 0043_eligibility_levels_as_lists
"""
from alembic import op
import sqlalchemy as sa

revision = "0044_record_versions"
down_revision = "0043_eligibility_levels_as_lists"
branch_labels = None
depends_on = None

TABLES = ("round_filing", "evaluator_firm", "admin_unit", "notification_setting", "user_account", "training_clock")


def upgrade():
    for table in TABLES:  # in place (see 0037): NOT NULL with a default fills the rows there are
        op.add_column(table, sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade():
    for table in TABLES:
        if op.get_bind().dialect.name == "sqlite":  # in place, as 0041's _drop
            op.execute(f'ALTER TABLE "{table}" DROP COLUMN "version"')
        else:
            op.drop_column(table, "version")
