"""API tokens record whether their owner had a second factor when they were made (issue 47)

A role that must use a second factor (``GREENMFG_MFA_ROLES``) cannot use a token made without one. Tokens made
before this revision count as made without: they stop working for those roles once this revision runs, and their
owners make new ones after setting the factor up (README, upgrade notes).

Revision ID: 0034_token_second_factor
Revises: 0033_application_fillfactor
"""
import sqlalchemy as sa
from alembic import op

revision = "0034_token_second_factor"
down_revision = "0033_application_fillfactor"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("api_token") as batch:
        batch.add_column(sa.Column("second_factor", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("api_token") as batch:
        batch.drop_column("second_factor")
