"""The province's side of a re-review (Hubei 三年一复核, 002_9c75e1d2ebfbdf50.txt 三(六)): 省经信厅组织专家……对市州
上报的复核资料进行技术评审，并将复核意见反馈工信部.

Once the city has recorded its on-site result (:mod:`core.management.rereviews`), the province draws experts at
random from the region's active expert pool, leaving out any from the unit's city or employed by the unit
(the avoidance of the application review, core/review/experts.py), and records their opinion: passed, rectify
(整改) or fail, with its text. The opinion goes with the year's recommendation file to MIIT
(:func:`file_entries`). Both steps are audited and compare-and-set in the UPDATE: two clerks acting at once
draw or record once. Callers commit.
"""
from __future__ import annotations

import datetime as dt
import random
from typing import Any

from sqlalchemy import select, update

from core.clock import SHANGHAI, aware
from core.errors import InvalidInput, Refused
from core.extensions import db
from core.kernel.rules import region_rules
from core.management.common import moment, text
from core.management.rereviews import FAILED, PASSED
from core.models import ExpertProfile, Organization, ReReview
from core.services import audit

OPINIONS = ("passed", "rectify", "fail")
NOTE_MIN, NOTE_MAX = 10, 2000


def _eligible(review: ReReview) -> list[ExpertProfile]:
    org = db.session.get(Organization, review.organization_id)
    query = (select(ExpertProfile).where(ExpertProfile.region == region_rules().region_code, ExpertProfile.active)
             .order_by(ExpertProfile.id))
    return [e for e in db.session.scalars(query)
            if not (review.admin_unit_id and e.admin_unit_id == review.admin_unit_id)
            and not (e.employer_uscc and org is not None and e.employer_uscc == org.uscc)]


def awaiting(query=None):
    """``query`` (a ``select(ReReview)``, default all) narrowed to the re-reviews awaiting the province: the city
    has recorded its on-site result and no opinion is recorded yet (the web page, the API and the CLI list these)."""
    query = select(ReReview) if query is None else query
    return query.where(ReReview.status.in_((PASSED, FAILED)), ReReview.opinion.is_(None))


def _day(moment: dt.datetime | None) -> str | None:
    """The Beijing date of a recorded instant (``None`` for none)."""
    return None if moment is None else aware(moment).astimezone(SHANGHAI).date().isoformat()


def _cas(review: ReReview, guard, **values: Any) -> None:
    """UPDATE the re-review where ``guard`` still holds (and its version is the one read), or refuse."""
    done = db.session.execute(update(ReReview).where(ReReview.id == review.id, ReReview.version == review.version,
                                                     guard).values(version=ReReview.version + 1, **values)
                              .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise Refused("Someone else changed this re-review at the same time; reload the page and try again.")
    db.session.refresh(review)


def draw_experts(review: ReReview, count: int, actor: str, rng: random.Random | None = None) -> list[dict]:
    """Draw ``count`` (1..20) experts for the city's re-review material; once per re-review."""
    if review.status not in (PASSED, FAILED):
        raise Refused("The city has not recorded the on-site result of this re-review yet.")
    if review.opinion_experts:
        raise Refused("Experts were already drawn for this re-review.")
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 20:
        raise InvalidInput("Draw 1 to 20 experts.", field="count")
    eligible = _eligible(review)
    if len(eligible) < count:
        raise Refused("Only %(n)d experts in the pool may review this re-review; %(count)d are needed.",
                      n=len(eligible), count=count)
    chosen = sorted((rng or random.SystemRandom()).sample(eligible, count), key=lambda e: e.id)
    panel = [{"id": e.id, "name": e.name} for e in chosen]
    _cas(review, ReReview.opinion_experts.is_(None), opinion_experts=panel)
    audit.record(actor, "rereview.experts_drawn", "re_review", review.id, count=count,
                 eligible=[e.id for e in eligible], drawn=[e["id"] for e in panel])
    return panel


def record_opinion(review: ReReview, opinion: str, note: str, actor: str, on: dt.date | None = None) -> None:
    """Record the drawn experts' technical opinion (复核意见) on the city's result; once per re-review."""
    if review.status not in (PASSED, FAILED):
        raise Refused("The city has not recorded the on-site result of this re-review yet.")
    if not review.opinion_experts:
        raise Refused("Draw the experts before recording their opinion.")
    if review.opinion:
        raise Refused("The experts' opinion on this re-review was already recorded.")
    if opinion not in OPINIONS:
        raise InvalidInput("Choose the experts' opinion.", field="opinion")
    note = text(note, "note", NOTE_MIN, NOTE_MAX)
    _cas(review, ReReview.opinion.is_(None), opinion=opinion, opinion_note=note, opinion_by=actor,
         opinion_at=moment(on))
    audit.record(actor, "rereview.opinion_recorded", "re_review", review.id, opinion=opinion, note=note,
                 experts=[e["id"] for e in review.opinion_experts])


def file_entries(year: int) -> list[dict[str, Any]]:
    """The year's re-reviews with the province's opinion, as the recommendation file carries them to MIIT."""
    rows = db.session.scalars(select(ReReview).where(ReReview.cycle_year == year, ReReview.opinion.is_not(None))
                              .order_by(ReReview.id)).all()
    out = []
    for r in rows:
        org = db.session.get(Organization, r.organization_id)
        out.append({"uscc": org.uscc, "name": org.name, "unit_type": r.unit_type, "cycle_year": r.cycle_year,
                    "city_result": r.status, "city_note": r.result_note or "", "opinion": r.opinion,
                    "opinion_note": r.opinion_note or "", "experts": len(r.opinion_experts or []),
                    "reviewed_on": _day(r.reviewed_at), "opinion_on": _day(r.opinion_at)})
    return out
