"""The demo's story in time: each step happens on the day the demo says it did (:class:`_Timeline`), and
:func:`_beijing` names an instant of it in Beijing time."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import event

from core.extensions import db
from core.clock import SHANGHAI
from core.models import AuditLog


class _Timeline:
    """Steps of the demo dated as the demo tells them: ``with timeline.at(moment):`` every row written in the
    block (an audit row, a record's ``created_at`` and ``updated_at``) carries ``moment``, as if the step had been
    taken then. The records a service dates itself (an engagement's acceptance) are set by the step."""

    def __init__(self) -> None:
        self.moments: list[dt.datetime] = []

    def _stamp(self, _mapper, _connection, target) -> None:
        if not self.moments:
            return
        moment = self.moments[-1]
        if isinstance(target, AuditLog):
            target.at = moment
        if hasattr(target, "created_at") and getattr(target, "created_at", None) is None:
            target.created_at = moment
        if hasattr(target, "updated_at"):
            target.updated_at = moment

    def __enter__(self) -> "_Timeline":
        # first: the audit log's chain hashes an entry's time after the demo dated it (core/services/audit_chain.py)
        event.listen(db.Model, "before_insert", self._stamp, propagate=True, insert=True)
        event.listen(db.Model, "before_update", self._stamp, propagate=True)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(db.Model, "before_insert", self._stamp)
        event.remove(db.Model, "before_update", self._stamp)

    class _At:
        def __init__(self, timeline: "_Timeline", moment: dt.datetime) -> None:
            self.timeline, self.moment = timeline, moment

        def __enter__(self) -> dt.datetime:
            db.session.flush()  # what earlier steps wrote keeps their times
            self.timeline.moments.append(self.moment)
            return self.moment

        def __exit__(self, *exc) -> None:
            try:
                if exc[0] is None:
                    db.session.flush()
            finally:
                self.timeline.moments.pop()

    def at(self, moment: dt.datetime) -> "_Timeline._At":
        return self._At(self, moment)


def _beijing(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """An instant of the demo's story: ``day`` at ``hour``:``minute`` Beijing time, in UTC."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI).astimezone(dt.timezone.utc)
