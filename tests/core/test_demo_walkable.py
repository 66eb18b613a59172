"""The demo a training walk starts from (issue 42; found walking tests/e2e/test_round_walk.py):

* its round's calendar leaves out the listed units' yearly table (办法 第十六条, 04-15), as a province's round does
  (``services.campaign_deadlines``): it is no filing of the round. The demo copied every deadline of the year, so in 2026 every
  Hunan city "owed" a round filing no one could open, and Hunan's rule of 001 四.1 (no new national recommendation
  from a city whose existing national units have not filed) refused every unit the province recommended to MIIT;
* a step whose document date had passed when the demo was made (办法 第十二条: the province reports to MIIT by 07-31)
  is moved after today as a province moves one (audited, with its reason), and the page shows the document's date
  beside it; the province's to-do page no longer reads 逾期;
* the national demo has a ministry account, printed with the others;
* a sanction's reason reads in Chinese on a Chinese page (the demo wrote "评价报告数据造假 / falsified report data").
"""
from __future__ import annotations

import datetime as dt

from helpers import DEMO_COPIES
from sqlalchemy import select

from core.extensions import db


def _load(make_app, tmp_path, region):
    app = make_app(region, GREENMFG_EVIDENCE_DIR=str(tmp_path), WTF_CSRF_ENABLED=False)
    DEMO_COPIES.load(app)
    return app


def test_the_demo_round_has_a_provinces_calendar_and_its_miit_step_ahead(make_app, tmp_path):
    from core.applications import services
    from core.cli.demo_data import DEMO_PASSWORD, PLACED_DAYS
    from core.clock import today
    from core.management import round_filings
    from core.models import Campaign, User

    app = _load(make_app, tmp_path, "hunan")
    with app.app_context():
        campaign = db.session.scalar(select(Campaign))
        assert "dynamic_filing" not in campaign.deadlines
        assert not set(services.campaign_deadlines(campaign.year, campaign.level, campaign.unit_types)) - set(
            campaign.deadlines)
        assert round_filings.steps(campaign) == []
        city = db.session.scalar(select(User).where(User.username == "city"))
        assert round_filings.unfiled_round_units(city.admin_unit_id, campaign) == []
        moved = dt.date.fromisoformat(campaign.deadlines["province_recommendation"])
        if dt.date(campaign.year, 7, 31) < today():  # 办法 第十二条: 07-31, passed when the demo was made
            assert moved == today() + dt.timedelta(days=PLACED_DAYS)
            assert "演示" in campaign.deadline_reasons["province_recommendation"]
        else:
            assert moved == dt.date(campaign.year, 7, 31)
    client = app.test_client()
    assert client.post("/login", data={"username": "province", "password": DEMO_PASSWORD}).status_code == 302
    home = client.get("/?lang=zh").get_data(as_text=True)
    todo = home[home.index('id="todo-recommendation"'):][:1500]
    assert moved.isoformat() in todo and "逾期" not in todo
    page = client.get(f"/province/recommendation?year={campaign.year}&lang=zh").get_data(as_text=True)
    assert f"{moved.isoformat()} 24:00" in page
    if moved != dt.date(campaign.year, 7, 31):
        assert f"{campaign.year}-07-31 24:00" in page  # the document's date beside the moved one


def test_the_national_demo_has_a_ministry_account(make_app, tmp_path):
    from core.cli.demo_data import demo_accounts
    from core.models import Role

    app = _load(make_app, tmp_path, "national")
    with app.app_context():
        assert demo_accounts()[Role.MINISTRY] == ["ministry"]


def test_a_sanction_reads_in_chinese_on_the_firms_page(make_app, tmp_path):
    from core.cli.demo_data import DEMO_PASSWORD
    from core.models import EvaluatorFirm, EvaluatorSanction

    app = _load(make_app, tmp_path, "hunan")
    with app.app_context():
        firm = db.session.scalar(select(EvaluatorFirm.id).join(EvaluatorSanction,
                                                                 EvaluatorSanction.firm_id == EvaluatorFirm.id))
    client = app.test_client()
    assert client.post("/login", data={"username": "province", "password": DEMO_PASSWORD}).status_code == 302
    page = client.get(f"/review/evaluators/{firm}?lang=zh").get_data(as_text=True)
    assert "评价报告数据造假" in page and "falsified" not in page


def test_the_ministry_finds_its_panels_and_notices_on_its_to_do_page(make_app, tmp_path):
    """A national instance: the ministry reviews the candidates and runs the national notice (办法 第十二条); its
    to-do page listed only the imports, so the walk reached panels and notices by the menu only (the notice with
    its objection on the ministry's to-do page is walked in tests/e2e/test_round_walk.py)."""
    from core.cli.demo_data import DEMO_PASSWORD
    from core.models import Role

    app = _load(make_app, tmp_path, "national")
    with app.app_context():
        shown = {s.key for s in app.extensions["greenmfg_todo"] if Role.MINISTRY in s.roles}
    assert {"imports", "panels", "notices"} <= shown, shown
    client = app.test_client()
    assert client.post("/login", data={"username": "ministry", "password": DEMO_PASSWORD}).status_code == 302
    home = client.get("/?lang=zh").get_data(as_text=True)
    # the demo's own candidates, recommended: a panel to draw, from the ministry's to-do page
    assert 'id="todo-panels"' in home and 'href="/review"' in home[home.index('id="todo-panels"'):]


def test_the_demo_evaluator_has_room_for_a_trainees_request(make_app, tmp_path):
    """Hubei caps a firm at 15 projects a year, counted by legal person (002 附件2 二(三)): the demo's evaluations
    took all 15 places of 华中 and its sister firm, so a trainee's factory could not ask the demo evaluator."""
    from core.clock import this_year
    from core.models import EvaluatorFirm, User
    from core.services.limits import places_left

    app = _load(make_app, tmp_path, "hubei")
    with app.app_context():
        firm = db.session.scalar(select(EvaluatorFirm).join(User, User.evaluator_firm_id == EvaluatorFirm.id)
                                 .where(User.username == "evaluator"))
        left, rows = places_left(firm, "factory", "provincial", this_year())
        assert rows and left is not None and left > 0, rows
