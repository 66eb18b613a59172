"""Adding a unit to the national recommendation before its provincial review is graded is refused with the
application's status by its name (已提交 / Submitted), as every application page names it; the refusal read
"申报状态为 submitted 时不能执行此操作" (the stored code)."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))  # kit.py, shared with tests/review
import kit  # noqa: E402
from core.errors import Refused  # noqa: E402
from core.lists import recommend  # noqa: E402
from core.models import ApplicationStatus as S  # noqa: E402


@pytest.mark.region("shanxi")
def test_a_unit_not_yet_graded_is_refused_with_its_status_named(app):
    a = kit.application(kit.campaign("shanxi"), kit.unit("shanxi"), status=S.SUBMITTED)
    rec = recommend.recommendation_for(2025, "province", create=True)
    with pytest.raises(Refused) as info:
        recommend.add("province", rec, a, at=kit.beijing(dt.date(2025, 10, 20)))
    assert info.value.localized("zh") == "申报状态为 已提交 时不能执行此操作。"
    assert info.value.localized("en") == "This is not possible while the application is Submitted."
