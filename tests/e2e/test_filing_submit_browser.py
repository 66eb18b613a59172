"""Issue 55, in a browser: the annual filing (004_7a8ddd82f611ab67.txt 第二十二条) typed and 提交 clicked without 保存
first. Before, 提交 was a form of its own: the typed values were never sent, and a refusal was a bare 422 page with
only a 首页 link. Now the button sends the typed form: a refusal (第6项 still empty; then 10^12 as 第14项 土地产出率,
past its bound) shows the page again with every value as typed and the reason; nothing is saved."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from browser_kit import open_page, serving

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "management"))  # mgmt_world.py, test_web_api_cli.py

from mgmt_world import PASSWORD  # noqa: E402

TYPED = {"ind_1": "0.9", "ind_2": "2.2", "ind_3": "34", "ind_5": "1.3", "ind_7": "95.5", "ind_8": "88",
         "ind_10": "4.2", "ind_11": "0.2", "ind_14": "1.7", "ind_4_n": "6", "key_output_value": "4321"}
#: the qualitative items (附件1 第9、12、13项), chosen 是
CHOSEN = ("ind_9", "ind_12", "ind_13")


@pytest.fixture
def filing_site(make_app):
    from sqlalchemy import select
    from test_web_api_cli import _world

    from core.extensions import db
    from core.models import AnnualFiling

    app = make_app("shanxi")
    with app.app_context():
        _ids, org, _other, _people, _year = _world(app)
        filing_id = db.session.scalar(select(AnnualFiling.id).where(AnnualFiling.organization_id == org.id))
    with serving(app) as base:
        yield app, base, filing_id


def _stored(app, filing_id: int) -> tuple[str, dict]:
    from core.extensions import db
    from core.models import AnnualFiling

    with app.app_context():
        filing = db.session.get(AnnualFiling, filing_id)
        return filing.status, dict(filing.values or {})


def test_submit_without_save_keeps_what_was_typed(filing_site, chromium):
    app, base, filing_id = filing_site
    with open_page(chromium) as (page, errors):
        page.goto(f"{base}/login")
        page.fill("#username", "ty_ent")
        page.fill("#password", PASSWORD)
        with page.expect_navigation():  # the log-in's answer before the next step
            page.click("#login-submit")
        page.goto(f"{base}/management/filings/{filing_id}")
        for name, value in TYPED.items():
            page.fill(f"#{name}", value)
        for name in CHOSEN:
            page.select_option(f"#{name}", "yes")
        page.fill("#key_remarks", "产线改造后首次填报")
        with page.expect_navigation():
            page.click("#filing-submit")  # 提交, never saved: 第6项 取水强度 is still empty
        assert "提交前请填写以下内容：6. 取水强度" in page.content()
        for name, value in TYPED.items():
            assert page.input_value(f"#{name}") == value, name
        assert all(page.input_value(f"#{name}") == "yes" for name in CHOSEN)
        assert page.input_value("#key_remarks") == "产线改造后首次填报"
        assert _stored(app, filing_id) == ("due", {})

        page.fill("#ind_6", "3.1")
        page.fill("#ind_14", "1000000000000")
        with page.expect_navigation():
            page.click("#filing-submit")
        beside = page.locator("#ind_14").locator("xpath=..").inner_text()
        assert "1000000000000 超出指标 14. 土地产出率 的取值范围：0 至 1000000" in beside, beside
        assert page.input_value("#ind_14") == "1000000000000" and page.input_value("#ind_6") == "3.1"
        assert page.input_value("#ind_3") == "34"
        assert _stored(app, filing_id) == ("due", {})

        page.fill("#ind_14", "1.7")
        with page.expect_navigation():
            page.click("#filing-submit")
        status, values = _stored(app, filing_id)
        assert status == "submitted" and values["14"] == 1.7 and values["6"] == 3.1 and values["4"] == 6
        assert errors == []
