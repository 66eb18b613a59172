"""The province's *Lists by decision* form says which candidates cannot be listed (Hunan walk): the 2026 creation
plan offered six graded units; ticking three already on the provincial list (listed 2024) was refused with
"没有可以列入的单位：3 家单位处于禁入期或已在该名单中" naming none of them. Each such candidate now carries the reason
beside its name, in the page's language; a unit that can be listed carries none."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from bs4 import BeautifulSoup

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))  # kit.py, shared with tests/review
import kit  # noqa: E402

from core.accounts import services as accounts  # noqa: E402
from core.extensions import db  # noqa: E402
from core.models import ApplicationStatus as S, ListEntry, Role  # noqa: E402

PASSWORD = "湖南发文公布测试口令-2026"


def test_candidates_already_listed_at_the_level_say_so(make_app, cheap_hashes):
    app = make_app("hunan", WTF_CSRF_ENABLED=False)
    with app.app_context():
        u = kit.unit("hunan", name="长沙市")
        c = kit.campaign("hunan", year=2026)
        listed = kit.application(c, u, status=S.GRADED, org=kit.organization(u, "长沙已在名单有色金属股份有限公司"))
        kit.application(c, u, status=S.GRADED, org=kit.organization(u, "长沙新申报建材有限公司"))
        db.session.add(ListEntry(organization_id=listed.organization_id, unit_type="factory", level="provincial",
                                 year=2024, status="listed", listed_on=dt.date(2024, 12, 20), notice_no="湘工信〔2024〕1号",
                                 source="history"))
        accounts.create_user(username="prov_hn", password=PASSWORD, display_name="省厅", role=Role.PROVINCE,
                             actor="test")
        db.session.commit()
    client = app.test_client()
    assert client.post("/login", data={"username": "prov_hn", "password": PASSWORD}).status_code == 302
    for lang, reason in (("zh", "不能列入：已在该级名单中"), ("en", "cannot be listed: already on a list of this level")):
        soup = BeautifulSoup(client.get(f"/province/lists?year=2026&lang={lang}").get_data(as_text=True), "html.parser")
        offered = {label.get_text(strip=True) for label in soup.select("#f-application_ids label")}
        assert any(t.startswith("长沙已在名单有色金属股份有限公司") and t.endswith(reason) for t in offered), offered
        assert any(t.startswith("长沙新申报建材有限公司") and "不能列入" not in t and "cannot" not in t
                   for t in offered), offered
