"""The demo's expert pool and panels: the ``expert`` account and its colleagues, a panel of the region's size
grading each graded application, and two applications left for the ``expert`` account to review."""
from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select

from core.extensions import db
from core.clock import SHANGHAI
from core.models import AdminUnit, Application, ApplicationStatus, Campaign, ExpertProfile, Role, User
from core.services.passwords import hash_password
from core.cli.demo_material import ACTOR, DEMO_PASSWORD
from core.cli.demo_timeline import _beijing, _Timeline

_COLLEAGUES = ("林志远", "高明", "何静", "宋立", "郑海涛", "冯雪", "韩松", "曹颖", "彭博", "蒋慧", "罗成", "唐宁")


def _expert_pool(account: User, units: list[AdminUnit], types: list[str]) -> list[ExpertProfile]:
    """The demo ``expert`` account and its colleagues in the pool: enough of them for the largest panel the
    region's rounds need (``experts.min_experts``) after each avoids the applications of its own city; the
    first four come from cities of the region, the others from none of them."""
    from core.review import experts

    pool = [experts.join_pool(ACTOR, account, name="评审专家", fields=types)]
    colleagues = max(4, experts.min_experts() + 1)
    for i, name in enumerate((_COLLEAGUES * 2)[:colleagues]):
        colleague = User(username=f"expert{i + 2}", display_name=name if i < len(_COLLEAGUES) else f"{name}{i}",
                         role=Role.EXPERT, password_hash=hash_password(DEMO_PASSWORD))
        db.session.add(colleague)
        db.session.flush()
        pool.append(experts.join_pool(ACTOR, colleague, fields=types,
                                      admin_unit_code=units[(i + 1) % len(units)].code
                                      if len(units) > 1 and i < 4 else None))
    return pool


def _panel(app: Application, pool: list[ExpertProfile], rng: random.Random, timeline: _Timeline,
           submitted_at: dt.datetime) -> None:
    """Grade ``app`` as the province does: a panel of the region's size (``experts.min_experts``) from the demo
    expert's colleagues, each free of conflicts, assigned the day after the city's recommendation; each expert
    scores every item near the applicant's self-score (or, without one, between 60 % and 95 % of its weight) and
    submits; the province records the panel's result. The applicant's self-score stays its own."""
    from core.review import experts

    day = submitted_at.astimezone(SHANGHAI).date()
    needed = experts.min_experts(app)
    free = [p for p in pool[1:] if not experts.conflicts(p, app)]
    if len(free) < needed:
        raise RuntimeError(f"demo expert pool too small for application {app.id}: {len(free)} < {needed}")
    members = rng.sample(free, needed)
    with timeline.at(_beijing(day + dt.timedelta(days=6), 9)):
        rows = [experts.assign(ACTOR, app, member) for member in members]
    items = experts.score_items(app)
    for k, (member, row) in enumerate(zip(members, rows)):
        share = rng.uniform(0.6, 0.95)
        scores = {}
        for item in items:
            base = item["self_score"] if item["self_score"] is not None else item["weight"] * share
            scores[str(item["number"])] = round(min(item["weight"], max(0.0, base * rng.uniform(0.9, 1.05))), 2)
        with timeline.at(_beijing(day + dt.timedelta(days=8), 10 + k)) as moment:
            experts.save_scores(member.user, row, scores, comment="材料齐全，现场核查情况与自评价基本一致。")
            experts.submit_scores(member.user, row)
            row.submitted_at = moment
    with timeline.at(_beijing(day + dt.timedelta(days=9), 15)) as moment:
        result = experts.grade(ACTOR, app)
        result.graded_at = moment


def _assign_demo_expert(expert: ExpertProfile, campaign: Campaign) -> None:
    """The demo ``expert`` account reviews two recommended applications."""
    from core.review import experts

    waiting = db.session.scalars(select(Application).where(
        Application.campaign_id == campaign.id, Application.status == ApplicationStatus.CITY_RECOMMENDED)
        .order_by(Application.id)).all()
    for app in waiting[:2]:
        experts.assign(ACTOR, app, expert)
