"""the applicant's name kept on its application (issue 57, the province's review queue)

The review queue (``/review`` and ``/api/v1/review/applications``) shows 50 applications with their applicant's
name. It read each row's organization by primary key: at 5,000 applications one hash join over the organizations
(79 PostgreSQL buffers), at 500,000 fifty look-ups three B-tree levels deep (200), which put the queue at 1.73–1.81×
its 5,000-row reading (bench/bench_pages.py ``--buffers``; issue 57 allows 1.5×). ``application.organization_name``
now carries the name, so the queue reads its rows in the index seek that finds them and nothing per row besides.

The database keeps it, so every path that writes applications or renames an organization keeps it right (the
services, the summary import's COPY, a bulk script, a hand-written statement):

- a new application, or one moved to another organization, takes its organization's name (PostgreSQL: a BEFORE
  row trigger sets it in the row written; SQLite: an AFTER row trigger updates the row just written);
- renaming an organization renames its applications (an AFTER row trigger on ``organization``, fired only when
  the name changes; ``ix_application_organization_id`` finds them).

Revision ID: 0055_application_org_name
Revises: 0054_notice_open_order
"""
import sqlalchemy as sa
from alembic import op

revision = "0055_application_org_name"
down_revision = "0054_notice_open_order"
branch_labels = None
depends_on = None

NAME_OF = "(SELECT name FROM organization WHERE id = NEW.organization_id)"

PG_FUNCTIONS = {
    "application_organization_name": f"""
BEGIN
    NEW.organization_name := {NAME_OF};
    RETURN NEW;
END""",
    "organization_renamed": """
BEGIN
    UPDATE application SET organization_name = NEW.name WHERE organization_id = NEW.id;
    RETURN NULL;
END""",
}
PG_TRIGGERS = {
    "application_organization_name": ("application", "BEFORE INSERT OR UPDATE OF organization_id ON application "
                                                     "FOR EACH ROW EXECUTE FUNCTION application_organization_name()"),
    "organization_renamed": ("organization", "AFTER UPDATE OF name ON organization FOR EACH ROW "
                                             "WHEN (OLD.name IS DISTINCT FROM NEW.name) "
                                             "EXECUTE FUNCTION organization_renamed()"),
}
_SQLITE_SET = f"UPDATE application SET organization_name = {NAME_OF} WHERE id = NEW.id;"
SQLITE_TRIGGERS = {
    "application_organization_name": ("application", f"AFTER INSERT ON application BEGIN {_SQLITE_SET} END"),
    "application_organization_moved": ("application", f"AFTER UPDATE OF organization_id ON application "
                                                      f"WHEN OLD.organization_id IS NOT NEW.organization_id "
                                                      f"BEGIN {_SQLITE_SET} END"),
    "organization_renamed": ("organization", "AFTER UPDATE OF name ON organization WHEN OLD.name IS NOT NEW.name "
                                             "BEGIN UPDATE application SET organization_name = NEW.name "
                                             "WHERE organization_id = NEW.id; END"),
}


def upgrade():
    op.add_column("application", sa.Column("organization_name", sa.String(length=200), nullable=True))
    # the triggers first: on PostgreSQL creating one locks out writers of application until this migration
    # commits, so the names copied below are those of the rows the triggers then follow
    if op.get_bind().dialect.name == "postgresql":
        for name, body in PG_FUNCTIONS.items():
            op.execute(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $${body}\n$$")
        for name, (_table, definition) in PG_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {definition}")
    else:
        for name, (_table, definition) in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {definition}")
    op.execute("UPDATE application SET organization_name = "
               "(SELECT name FROM organization WHERE organization.id = application.organization_id)")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for name, (table, _definition) in PG_TRIGGERS.items():
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        for name in PG_FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    # SQLite 3.35+ drops a column in place (a batch copy of the table would lose 0052's count triggers)
    op.execute("ALTER TABLE application DROP COLUMN organization_name")
