"""Twenty applicants of one city submitting in the same round at once, while their city returns applications and
others resubmit theirs, on PostgreSQL: every transaction commits (no deadlock, no error), and the counters the
database keeps (migration 0052) equal a plain COUNT at the end.

Each of the 20 threads (its own connection, released together by a barrier) makes two moves in one transaction:
a submitted application returned (submitted → returned) or a returned one resubmitted (returned → submitted),
then its own draft submitted (draft → submitted): the counter rows of one round and city are changed in both
orders at once. A quarter of the returns are written by a plain UPDATE flushed before its audit entry, the order
in which a counter row would be locked before the audit log's append lock; the triggers take that lock first.
"""
from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from app_world import build_world, open_campaign
from sqlalchemy import select, update
from test_application_counts import _counted, _kept, _round

from core.extensions import db
from core.models import Application
from core.models import ApplicationStatus as S

THREADS = 20


def _moves(app, i: int, mine: int, other: int, barrier: threading.Barrier) -> str | None:
    """Thread ``i``: ``other`` returned (even ``i``) or resubmitted (odd ``i``), then ``mine`` submitted; what
    went wrong, or None."""
    from core.applications import services
    from core.kernel import uow
    from core.services import audit

    with app.app_context():
        try:
            application, draft = db.session.get(Application, other), db.session.get(Application, mine)
            barrier.wait(timeout=60)
            if i % 2:
                services.submit(application, f"back{i // 2}")
            elif i % 4 == 0:  # the status written first, its audit entry after
                db.session.execute(update(Application).where(Application.id == other).values(status=S.RETURNED))
                audit.record("city_changsha", "application.returned", "application", other)
            else:
                services.return_for_correction(application, "补充材料", dt.datetime.now(dt.UTC) + dt.timedelta(days=3),
                                               "city_changsha")
            services.submit(draft, f"rush{i}")
            uow.commit()
            return None
        except Exception as exc:  # noqa: BLE001  (reported by the test, with its type)
            db.session.rollback()
            return f"{type(exc).__name__}: {exc}"
        finally:
            db.session.remove()


def test_twenty_applicants_at_once_commit_and_the_counts_stay_right(make_app, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's row locks (SQLite has one writer at a time)")
    from core.applications import services
    from core.kernel import uow

    # a connection per thread (the pool's default is 5 and 10 more)
    app = make_app("hunan", SQLALCHEMY_ENGINE_OPTIONS={"pool_size": THREADS + 2, "max_overflow": 0})
    world = build_world(app, units=("changsha",))
    campaign = open_campaign(app, level="city")
    ready = _round(app, world, campaign, "changsha", "rush", submitted=0, drafts=0, ready=THREADS)
    submitted = _round(app, world, campaign, "changsha", "sub", submitted=THREADS // 2, drafts=0)
    returned = _round(app, world, campaign, "changsha", "back", submitted=THREADS // 2, drafts=0)
    with app.app_context():
        until = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
        for app_id in returned:
            services.return_for_correction(db.session.get(Application, app_id), "补充材料", until, "city_changsha")
        uow.commit()
        assert _kept() == _counted()
        before = _kept()
        db.session.remove()

    barrier = threading.Barrier(THREADS)
    others = [returned[i // 2] if i % 2 else submitted[i // 2] for i in range(THREADS)]
    with ThreadPoolExecutor(THREADS) as pool:
        failures = list(pool.map(lambda i: _moves(app, i, ready[i], others[i], barrier), range(THREADS)))
    assert failures == [None] * THREADS

    with app.app_context():
        statuses = dict(db.session.execute(select(Application.id, Application.status)).all())
        assert {statuses[i] for i in ready + returned} == {S.SUBMITTED}
        assert {statuses[i] for i in submitted} == {S.RETURNED}
        assert _kept() == _counted()
        key = (campaign, world.units["changsha"])
        after = _kept()
        assert after[(*key, "submitted")] == before[(*key, "submitted")] + THREADS
        assert after[(*key, "returned")] == before[(*key, "returned")] == THREADS // 2
        assert (*key, "draft") not in after
