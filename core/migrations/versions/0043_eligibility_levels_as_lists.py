"""an eligibility result's ``levels`` stored as a list of level codes (issue 58)

The eligibility results recorded at submission (``application.eligibility``) were stored with every value that is
not a text, a boolean or null written as its Python text, so a rule's ``levels`` (``["national"]``) was stored as
the text ``"['national']"``: the API answered it as its characters and the recommendation read it as a set of
characters. The results are stored with ``levels`` as a list now (core.applications.eligibility.jsonable_results);
this reads the stored texts back as the lists they were written from.

Revision ID: 0043_eligibility_levels_as_lists
Revises: 0042_year_free_steps
"""
import ast

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0043_eligibility_levels_as_lists"
down_revision = "0042_year_free_steps"
branch_labels = None
depends_on = None

BATCH = 500

application = sa.table("application", sa.column("id", sa.Integer), sa.column(
    "eligibility", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")))


def levels(value):
    """The list a stored ``levels`` text was written from (``"['national', 'provincial']"``); a list as it is."""
    if not isinstance(value, str):
        return value
    try:
        parsed = ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return [value] if value else []
    return [str(item) for item in parsed] if isinstance(parsed, (list, tuple)) else [str(parsed)]


def fixed(results):
    return [{**r, "levels": levels(r["levels"])} if isinstance(r, dict) and isinstance(r.get("levels"), str) else r
            for r in results]


def upgrade():
    bind = op.get_bind()
    last = 0
    while True:
        rows = bind.execute(sa.select(application.c.id, application.c.eligibility)
                            .where(application.c.id > last, application.c.eligibility.isnot(None))
                            .order_by(application.c.id).limit(BATCH)).all()
        if not rows:
            return
        for row in rows:
            if isinstance(row.eligibility, list):
                results = fixed(row.eligibility)
                if results != row.eligibility:
                    bind.execute(application.update().where(application.c.id == row.id).values(eligibility=results))
        last = rows[-1].id


def downgrade():
    pass  # the lists read as well under the former code (it only wrote the texts)
