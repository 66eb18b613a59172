"""A step's deadline reads by its task in the page's language (Shanxi walk): the city's *Your deadlines* table and
the province's campaign page built the task from the Chinese title only; English pages show the plugin's
``title_en`` (晋工信节能规字〔2024〕3号 第十三条: cities recommend by 05-31)."""
from __future__ import annotations

import re
import sys
from pathlib import Path

from bs4 import BeautifulSoup

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))  # kit.py
import kit  # noqa: E402
from core.accounts import services as accounts  # noqa: E402
from core.applications import services  # noqa: E402
from core.extensions import db  # noqa: E402
from core.models import Role  # noqa: E402

PASSWORD = "截止期限测试口令-2026-绿色工厂"
ZH = "市级工信主管部门通过管理平台向省工信厅推荐市层面绿色制造单位"
EN = "City bureaus recommend city-level green manufacturing units to the provincial department through the platform"


def _client(app, username: str):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post("/login", data={"username": username, "password": PASSWORD,
                                       "csrf_token": token}).status_code == 302
    return client


def test_city_and_province_pages_name_step_deadlines_in_the_page_s_language(make_app):
    app = make_app("shanxi")
    with app.app_context():
        c = kit.campaign("shanxi", year=2026, level="provincial", types=("factory",))
        c.deadlines = services.campaign_deadlines(2026, "provincial", ["factory"])
        city = kit.unit("shanxi", name="太原市")
        accounts.create_user(username="city", password=PASSWORD, display_name="city", role=Role.CITY, actor="t",
                             admin_unit_id=city.id)
        accounts.create_user(username="prov", password=PASSWORD, display_name="prov", role=Role.PROVINCE, actor="t")
        db.session.commit()
        campaign_id = c.id
    city, province = _client(app, "city"), _client(app, "prov")
    for lang, title in (("en", EN), ("zh", ZH)):
        soup = BeautifulSoup(city.get(f"/city?campaign={campaign_id}&lang={lang}").get_data(as_text=True),
                             "html.parser")
        tasks = [tr.select("td")[1].get_text(strip=True) for tr in soup.select("#city-deadlines tr") if tr.select("td")]
        assert title in tasks, (lang, tasks)
        page = province.get(f"/province/campaigns/{campaign_id}?lang={lang}").get_data(as_text=True)
        assert title in page, lang
    soup = BeautifulSoup(province.get(f"/province/campaigns/{campaign_id}?lang=en").get_data(as_text=True),
                         "html.parser")
    cells = [td.get_text(strip=True) for td in soup.select("table td")]
    assert EN in cells and ZH not in cells
