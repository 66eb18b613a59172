"""Moving a training instance's clock (issue 42): the one service behind the admin page, the JSON API and
``greenmfg clock``.

A deployer starts a training instance with ``GREENMFG_TRAINING=true`` (a production instance,
``GREENMFG_PRODUCTION``, refuses to start so). On it an administrator moves the instance's date forward, so
trainers, evaluators and new clerks see a round's later steps (a notice's end, the ministry's deadline, next
year's filing) in one sitting; :mod:`core.clock` adds the stored offset to the real time for every
service, job, deadline, notice and page. The clock moves forward only: records made at the later date
(submissions, decisions, audit rows) would otherwise lie in the instance's future. To start again, a
deployer builds a new training instance (``greenmfg demo``). Every move is audited (``clock.moved``).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.errors import InvalidInput, Refused
from core.extensions import db
from core import clock
from core.models import TrainingClock
from core.services import audit

ROW_ID = 1


@dataclass(frozen=True)
class ClockState:
    """What the clock page, the API and ``greenmfg clock show`` tell."""

    training: bool
    #: the instance's date and instant (Beijing date; UTC instant)
    today: dt.date
    now: dt.datetime
    #: the real date in Beijing
    real_today: dt.date
    offset_days: int
    moved_by: str | None
    moved_at: dt.datetime | None

    def as_dict(self) -> dict:
        return {"training": self.training, "today": self.today, "now": self.now, "real_today": self.real_today,
                "offset_days": self.offset_days, "moved_by": self.moved_by, "moved_at": self.moved_at}


def real_today() -> dt.date:
    return clock.real_now().astimezone(clock.SHANGHAI).date()


def row() -> TrainingClock | None:
    """The clock's row on a training instance once its date was moved (``None`` before, and in production)."""
    return db.session.get(TrainingClock, ROW_ID) if clock.training() else None


def state() -> ClockState:
    """The instance's clock: its date, the real date, and who moved it last."""
    saved = row()
    return ClockState(training=clock.training(), today=clock.today(), now=clock.now(), real_today=real_today(),
                      offset_days=clock.offset().days, moved_by=None if saved is None else saved.moved_by,
                      moved_at=None if saved is None else clock.aware(saved.updated_at))


def move_to(day: dt.date, actor: str, note: str = "") -> ClockState:
    """Move a training instance's date forward to ``day`` (the hours keep running as the real ones). Audited;
    the caller commits.

    :raises Refused: the instance is not a training instance (its clock is the real time).
    :raises InvalidInput: ``day`` is not after the instance's date.
    """
    if not clock.training():
        raise Refused("This is not a training instance: its clock is the real date (Beijing time) and cannot be "
                      "moved. Only an instance started in training mode has a clock an administrator can move.")
    if day is None:
        raise InvalidInput("Missing data for required field.", field="day")
    before = clock.today()
    if day <= before:
        raise InvalidInput("The training clock only moves forward: give a date after %(today)s, the instance's "
                           "date. To start again, build a new training instance.", field="day",
                           today=before.isoformat())
    note = (note or "").strip()
    if len(note) > 300:
        raise InvalidInput("The note is at most 300 characters.", field="note")
    offset = (day - real_today()).days
    row = db.session.get(TrainingClock, ROW_ID)
    if row is None:
        row = TrainingClock(id=ROW_ID, offset_days=offset, moved_by=actor)
        db.session.add(row)
    else:
        row.offset_days, row.moved_by = offset, actor
    db.session.flush()
    clock.forget_offset()
    audit.record(actor, "clock.moved", "instance", "clock", before=before.isoformat(), after=day.isoformat(),
                 offset_days=offset, real_date=real_today().isoformat(), note=note)
    return state()
