"""A refused step on an annual filing names the filing's status in the reader's language, as the filing pages do:
the province reopening a filing that is not overdue read "填报处于submitted状态时不能进行此操作" (the stored code).

Only an overdue filing is reopened (a justified delay after the due date, 04-15: 晋工信节能规字〔2024〕3号 第十八条,
004_7a8ddd82f611ab67.txt); a filing the unit submitted is accepted or returned by the city instead.
"""
from __future__ import annotations

import datetime as dt

import pytest
from flask_babel import force_locale
from mgmt_world import filing_of, listed, organization, units, user, web

#: after Shanxi's 2026 due date (04-15), 10:00 Beijing time
LATE = dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def late():
    import time_machine

    with time_machine.travel(LATE, tick=False):
        yield


def _submitted_filing(app):
    from core.extensions import db
    from core.management import filings

    ids = units(app)
    org = organization(ids["taiyuan"], "太原状态测试有限公司")
    listed(org, "provincial", 2024)
    user("province", "sx_prov")
    filings.open_year(2026, "test")
    filing = filing_of(org, 2026)
    filing.status = filings.SUBMITTED  # the unit filed it (the form itself is tested in test_web_api_cli)
    db.session.commit()
    return filing


@pytest.mark.region("shanxi")
def test_reopening_a_filing_that_is_not_overdue_names_its_status_in_each_language(app, late):
    from core.errors import Refused
    from core.management import filings

    filing = _submitted_filing(app)
    with pytest.raises(Refused) as info:
        filings.reopen(filing, dt.date(2026, 12, 10), "平台上线晚于填报截止日期", "sx_prov")
    with force_locale("zh"):
        zh = info.value.localized("zh")
    en = info.value.localized("en")
    assert "已提交" in zh and "submitted" not in zh, zh
    assert en == "This is not possible while the filing is Submitted.", en

    # the province's page says the same (the web form calls the same service)
    province = web(app, "sx_prov")
    for lang, word in (("zh", "已提交"), ("en", "Submitted")):
        answer = province.post(f"/management/filings/{filing.id}/reopen?lang={lang}",
                               data={"until": "2026-12-10", "reason": "平台上线晚于填报截止日期"})
        page = answer.get_data(as_text=True)
        assert answer.status_code == 409 and word in page and "is submitted" not in page \
            and "submitted状态" not in page, page[-1500:]
