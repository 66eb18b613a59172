"""steps of a round named without a document's year (issue 53)

A step of the workflow (the city's submission, the applicants' filing on the platform, …) keeps one code in every
year; the documents date it for their years and a notice for any year. The codes that carried the year of the
document that first dated them are renamed where rounds keep them: ``Campaign.deadlines`` and
``Campaign.deadline_reasons`` (keys), ``Campaign.notice_rules`` (each deadline rule's ``key``),
``step_extension.step`` and ``round_filing.step``. The audit log is not rewritten (its entries are chained): a
plugin names a step's former codes (``Deadline.formerly``), which the pages read the log's moves under.

* ``hunan.city_submission_2024`` → ``hunan.city_submission`` (seed 000_5ae1342e00264ea1.txt 二.3)
* ``hunan.city_summary_2025`` → ``hunan.city_summary`` (seed 001_3f04a56fc6693327.txt 三)
* ``hunan.national_filing_2025_new`` → ``hunan.applicant_filing`` (001 三, 一.1)
* ``hunan.national_filing_2025_existing`` → ``hunan.listed_unit_filing`` (001 三, 一.2)
* ``jiangxi.city_submission_2024`` → ``jiangxi.city_submission`` (seed 003_a3fa60aeba77aa34.txt 一)

Revision ID: 0042_year_free_steps
Revises: 0041_city_opinion
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0042_year_free_steps"
down_revision = "0041_city_opinion"
branch_labels = None
depends_on = None

RENAMED = {
    "hunan.city_submission_2024": "hunan.city_submission",
    "hunan.city_summary_2025": "hunan.city_summary",
    "hunan.national_filing_2025_new": "hunan.applicant_filing",
    "hunan.national_filing_2025_existing": "hunan.listed_unit_filing",
    "jiangxi.city_submission_2024": "jiangxi.city_submission",
}


def _json():
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


campaign = sa.table("campaign", sa.column("id", sa.Integer), sa.column("deadlines", _json()),
                    sa.column("deadline_reasons", _json()), sa.column("notice_rules", _json()))
step_tables = [sa.table(name, sa.column("step", sa.String)) for name in ("step_extension", "round_filing")]


def _keys(mapping, names):
    return {names.get(k, k): v for k, v in (mapping or {}).items()}


def _rules(rules, names):
    return [{**r, "key": names.get(r.get("key"), r.get("key"))} if r.get("kind") == "deadline" else r
            for r in (rules or [])]


def _rename(names):
    bind = op.get_bind()
    for row in bind.execute(sa.select(campaign.c.id, campaign.c.deadlines, campaign.c.deadline_reasons,
                                      campaign.c.notice_rules)).all():
        values = {"deadlines": _keys(row.deadlines, names), "deadline_reasons": _keys(row.deadline_reasons, names),
                  "notice_rules": _rules(row.notice_rules, names)}
        if values != {"deadlines": row.deadlines or {}, "deadline_reasons": row.deadline_reasons or {},
                      "notice_rules": row.notice_rules or []}:
            bind.execute(campaign.update().where(campaign.c.id == row.id).values(**values))
    for table in step_tables:
        for old, new in names.items():
            bind.execute(table.update().where(table.c.step == old).values(step=new))


def upgrade():
    _rename(RENAMED)


def downgrade():
    _rename({new: old for old, new in RENAMED.items()})
