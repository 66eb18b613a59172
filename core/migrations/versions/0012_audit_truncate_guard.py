"""the audit log refuses TRUNCATE too (issue 19, ASVS 7.3.3)

Row UPDATE and DELETE were already refused by a row trigger (0001). On PostgreSQL a statement
trigger now refuses TRUNCATE as well. A table owner could still disable the triggers: the
deployment therefore runs the application as a second role that may only SELECT and INSERT on
the audit log (``greenmfg db-roles grant-app ROLE``, see the README).

Revision ID: 0012_audit_truncate_guard
Revises: 0011_evaluation
"""
from alembic import op

revision = "0012_audit_truncate_guard"
down_revision = "0011_evaluation"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
                   "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
