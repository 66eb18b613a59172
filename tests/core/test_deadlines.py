"""Submission deadlines in Asia/Shanghai time."""
from __future__ import annotations

import datetime as dt

import pytest

from core.errors import DeadlinePassed
from core.clock import SHANGHAI, end_of_day
from core.models import Campaign
from core.services.deadlines import check_submission_open

#: SQL that differs between the two databases (tests/conftest.py BOTH): run on SQLite too
pytestmark = pytest.mark.both_databases


def campaign():
    # Hunan 2025: units file by 2025-10-27 (001_3f04a56fc6693327.txt 三)
    return Campaign(region="hunan", year=2025, level="national", title="t", unit_types=["factory"],
                    opens_at=dt.datetime(2025, 9, 28, tzinfo=SHANGHAI), closes_at=end_of_day(dt.date(2025, 10, 27)))


def test_open_until_midnight_beijing_time():
    check_submission_open(campaign(), dt.datetime(2025, 10, 27, 23, 59, 59, tzinfo=SHANGHAI))
    # 16:30 UTC on the 27th is 00:30 on the 28th in Beijing
    with pytest.raises(DeadlinePassed) as info:
        check_submission_open(campaign(), dt.datetime(2025, 10, 27, 16, 30, tzinfo=dt.timezone.utc))
    assert "2025-10-28 00:00" in str(info.value)


def test_not_open_yet():
    with pytest.raises(DeadlinePassed, match="opens"):
        check_submission_open(campaign(), dt.datetime(2025, 9, 1, tzinfo=SHANGHAI))


def test_naive_database_values_are_utc():
    c = campaign()
    c.closes_at = end_of_day(dt.date(2025, 10, 27)).astimezone(dt.timezone.utc).replace(tzinfo=None)
    c.opens_at = c.opens_at.astimezone(dt.timezone.utc).replace(tzinfo=None)
    check_submission_open(c, dt.datetime(2025, 10, 27, 15, 59, tzinfo=dt.timezone.utc))
    with pytest.raises(DeadlinePassed):
        check_submission_open(c, dt.datetime(2025, 10, 27, 16, 0, tzinfo=dt.timezone.utc))


def test_deadline_survives_a_database_round_trip(app):
    """SQLite keeps no offset: the stored deadline must still end at 24:00 Beijing time."""
    from core.extensions import db

    c = campaign()
    db.session.add(c)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Campaign, c.id)
    check_submission_open(stored, dt.datetime(2025, 10, 27, 23, 59, tzinfo=SHANGHAI))
    with pytest.raises(DeadlinePassed, match="2025-10-28 00:00"):
        check_submission_open(stored, dt.datetime(2025, 10, 28, 0, 0, tzinfo=SHANGHAI))
