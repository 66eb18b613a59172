"""negative-list declarations saved under item codes the fidelity work (issue 17) replaced

* Hunan's 2024 provincial round (seed 000_5ae1342e00264ea1.txt 二.1) declares its own six items and none of
  national's: ``not_operating`` and ``inspection_problems`` answered in that round move to the items of 000 with
  the same meaning, ``hunan.not_operating_2024`` (未正常生产经营的) and ``hunan.inspection_problems_2024`` (在国务院及
  有关部委相关督查中被发现存在严重问题). National's other items had a Hunan counterpart already, saved under it.
* Hubei's ``hubei.major_accident_or_incident`` (seed 002_9c75e1d2ebfbdf50.txt 附件1 二(二)) no longer replaces national's
  ``accident_or_tax`` outside the city and provincial rounds of 2022–2025. Where it stood in for it, an answer
  "applies" (false) carries over: a major accident is an accident of the national item. An answer "does not apply"
  does not (the national item also covers tax evasion and cyber and data security): the applicant declares it.

Each application changed is audited (actor ``migration 0025``). The downgrade moves Hunan's answers back; the
carried-over Hubei answers stay (the old rules never read ``accident_or_tax`` there).

Revision ID: 0025_negative_list_codes
Revises: 0015_evaluation_review
"""
import datetime as dt

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0025_negative_list_codes"
down_revision = "0015_evaluation_review"
branch_labels = None
depends_on = None

ACTOR = "migration 0025"
#: Hunan 2024 provincial round: national code → the seed 000 item that stands in for it
HUNAN_2024 = {"not_operating": "hunan.not_operating_2024", "inspection_problems": "hunan.inspection_problems_2024"}
HUBEI_ITEM, NATIONAL_ACCIDENT = "hubei.major_accident_or_incident", "accident_or_tax"
HUBEI_ITEM_YEARS, HUBEI_ITEM_LEVELS = range(2022, 2026), ("city", "provincial")


def _json():
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


application = sa.table("application", sa.column("id", sa.Integer), sa.column("campaign_id", sa.Integer),
                       sa.column("level", sa.String), sa.column("declarations", _json()))
campaign = sa.table("campaign", sa.column("id", sa.Integer), sa.column("region", sa.String),
                    sa.column("year", sa.Integer))
audit_log = sa.table("audit_log", sa.column("at", sa.DateTime(timezone=True)), sa.column("actor", sa.String),
                     sa.column("action", sa.String), sa.column("object_type", sa.String),
                     sa.column("object_id", sa.String), sa.column("region", sa.String), sa.column("data", _json()))


def _rows(region):
    query = (sa.select(application.c.id, application.c.level, application.c.declarations, campaign.c.year)
             .select_from(application.join(campaign, campaign.c.id == application.c.campaign_id))
             .where(campaign.c.region == region).order_by(application.c.id))
    return op.get_bind().execute(query).all()


def _save(app_id, region, before, after, action):
    bind = op.get_bind()
    bind.execute(application.update().where(application.c.id == app_id).values(declarations=after))
    changed = {k: [before.get(k), after.get(k)] for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)}
    bind.execute(audit_log.insert().values(at=dt.datetime.now(dt.timezone.utc), actor=ACTOR, action=action,
                                           object_type="application", object_id=str(app_id), region=region,
                                           data={"declarations": changed, "revision": revision}))


def _hunan(mapping, action):
    for app_id, level, declarations, year in _rows("hunan"):
        before = dict(declarations or {})
        if level != "provincial" or year != 2024:
            continue
        after = dict(before)
        for old, new in mapping.items():
            if old in after and new not in after:
                after[new] = after.pop(old)
        if after != before:
            _save(app_id, "hunan", before, after, action)


def upgrade():
    _hunan(HUNAN_2024, "application.declarations_recoded")
    for app_id, level, declarations, year in _rows("hubei"):
        before = dict(declarations or {})
        if level in HUBEI_ITEM_LEVELS and year in HUBEI_ITEM_YEARS:
            continue  # the Hubei item still stands in for national's here
        if before.get(HUBEI_ITEM) is False and NATIONAL_ACCIDENT not in before:
            _save(app_id, "hubei", before, {**before, NATIONAL_ACCIDENT: False}, "application.declarations_recoded")


def downgrade():
    _hunan({new: old for old, new in HUNAN_2024.items()}, "application.declarations_recoded_back")
