"""Review pages after the Shanxi walk: defects a tester found clicking through the demo.

Shanxi has no indicator table for a green supply-chain management enterprise, so an expert gives one overall score
out of 100 (core/review/experts.score_items); the demo's pool lists unit types as the experts' fields while the
applications name an industry (化学纤维: 001_3f04a56fc6693327.txt 附件3 重点行业清单, textile.02).
"""
from __future__ import annotations

import re

import pytest

import kit
from core.accounts import services as accounts
from core.extensions import db
from core.models import Application, ExpertAssignment, ExpertProfile, Role
from core.review import experts

PASSWORD = "山西评审页面测试口令-2026-供应链"


def _csrf(client, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def _login(client, username: str) -> None:
    r = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": _csrf(client, "/login")})
    assert r.status_code == 302, r.get_data(as_text=True)[:300]


@pytest.fixture
def world(make_app):
    """A provincial supply-chain application of 临汾 (industry 化学纤维, no self-score) recommended by its city; four
    experts of other cities whose fields are unit types, as in the demo's pool; one of 临汾 (must avoid)."""
    app = make_app("shanxi", WTF_CSRF_ENABLED=True)
    with app.app_context():
        linfen, others = kit.unit("shanxi", name="临汾市"), [kit.unit("shanxi", name=f"测试市{n}") for n in range(5)]
        c = kit.campaign("shanxi", year=2026, types=("factory", "park", "supply_chain"))
        a = kit.application(c, linfen, unit_type="supply_chain", values={},
                            org=kit.organization(linfen, "临汾生物医药有限公司"))
        a.industry = "textile.02"
        accounts.create_user(username="prov", password=PASSWORD, display_name="prov", role=Role.PROVINCE, actor="test")
        for n in range(4):
            experts.add_expert("test", username=f"exp{n}", password=PASSWORD, name=f"专家{n}",
                               fields=["factory", "park", "supply_chain"], admin_unit_code=others[n].code)
        experts.add_expert("test", username="local", password=PASSWORD, name="临汾专家",
                           fields=["factory", "park", "supply_chain", "textile.02"], admin_unit_code=linfen.code)
        db.session.commit()
        return {"app": app, "a": a.id}


def _assigned(world, username: str = "exp0") -> int:
    with world["app"].app_context():
        expert = db.session.query(ExpertProfile).join(ExpertProfile.user).filter_by(username=username).one()
        row = experts.assign("prov", db.session.get(Application, world["a"]), expert)
        db.session.commit()
        return row.id


def test_an_overall_score_out_of_range_names_the_row_as_the_page_does_and_keeps_what_was_typed(world):
    assignment = _assigned(world)
    client = world["app"].test_client()
    _login(client, "exp0")
    url = f"/expert/assignments/{assignment}"
    for lang, name, message in (("zh", "总分", "总分须在0至100之间。"),
                                ("en", "Overall score", "The overall score must be from 0 to 100.")):
        page = client.get(f"{url}?lang={lang}").get_data(as_text=True)
        assert f"{name}</td>" in page and f'aria-label="{"本人评分" if lang == "zh" else "Your score"}: {name}"' in page
        r = client.post(f"{url}?lang={lang}", data={"csrf_token": _csrf(client, url), "score_0": "150",
                                                    "comment": "资料齐全"})
        page = r.get_data(as_text=True)
        assert r.status_code == 422 and message in page and "资料齐全" in page
        assert "指标0" not in page and "indicator 0" not in page
        assert re.search(r'name="score_0" id="score_0"[^>]* value="150"', page)
        assert f'<div class="error" id="score_0-error">{message}</div>' in page
        # submitting without the score names the row too, not "missing: 0"
        r = client.post(f"{url}/submit?lang={lang}", data={"csrf_token": _csrf(client, url)}, follow_redirects=True)
        page = r.get_data(as_text=True)
        assert ("提交前请填写总分。" if lang == "zh" else "Fill in the overall score before submitting.") in page
        assert "：0。" not in page and "missing: 0" not in page
    with world["app"].app_context():
        assert db.session.get(ExpertAssignment, assignment).scores == {}


def test_a_missing_self_score_reads_as_a_dash_on_its_row_and_on_the_total_row(world):
    assignment = _assigned(world)
    client = world["app"].test_client()
    _login(client, "exp0")
    url = f"/expert/assignments/{assignment}"
    client.post(url, data={"csrf_token": _csrf(client, url), "score_0": "81"})
    client.post(f"{url}/submit", data={"csrf_token": _csrf(client, url)})
    for lang in ("zh", "en"):
        table = re.search(r'<table class="grid scores" id="score-table">.*?</table>',
                          client.get(f"{url}?lang={lang}").get_data(as_text=True), re.S).group(0)
        assert '<th id="self-total">—</th>' in table and ">0.00<" not in table and "81.00" in table
    prov = world["app"].test_client()
    _login(prov, "prov")
    for lang in ("zh", "en"):
        table = re.search(r'<table class="grid scores" id="score-table">.*?</table>',
                          prov.get(f"/review/applications/{world['a']}?lang={lang}").get_data(as_text=True),
                          re.S).group(0)
        assert '<th id="self-total">—</th>' in table and ">0.00<" not in table


def test_the_scoring_page_names_the_level_and_unit_type_in_the_page_language(world):
    assignment = _assigned(world)
    client = world["app"].test_client()
    _login(client, "exp0")
    facts = {lang: re.search(r'<dl class="facts" id="cf-facts">.*?</dl>',
                             client.get(f"/expert/assignments/{assignment}?lang={lang}").get_data(as_text=True),
                             re.S).group(0) for lang in ("zh", "en")}
    assert "绿色供应链管理企业 · 省级 · 2026" in facts["zh"]
    assert "Green supply-chain management enterprise · Provincial level · 2026" in facts["en"]
    assert "省级" not in facts["en"]


def _draw_form(page: str) -> str:
    return re.search(r'<form[^>]*id="draw-form".*?</form>', page, re.S).group(0)


def test_the_random_draw_offers_a_field_the_pool_can_serve_and_says_what_it_matches(world):
    client = world["app"].test_client()
    _login(client, "prov")
    url = f"/review/applications/{world['a']}"
    form = _draw_form(client.get(f"{url}?lang=zh").get_data(as_text=True))
    # no expert free to review it lists the industry (the 临汾 one must avoid): the unit type, said so
    assert 'value="绿色供应链管理企业"' in form and 'name="count" required type="number" value="3"' in form
    assert "默认为申报类型：专家库中有4名专家的专业领域含该类型且无需回避。" in form
    assert "专业领域含其所属行业（化学纤维）且无需回避的专家不足3名。" in form
    form = _draw_form(client.get(f"{url}?lang=en").get_data(as_text=True))
    assert 'value="Green supply-chain management enterprise"' in form
    assert "The default is the application&#39;s unit type, listed by 4 experts" in form
    assert "(Chemical fibres)" in form and "化学纤维" not in form
    # a draw for a field nobody free lists is refused, and the page keeps what was typed
    r = client.post(f"{url}/draw?lang=zh", data={"csrf_token": _csrf(client, url), "field": "化学纤维", "count": "2"})
    page = r.get_data(as_text=True)
    assert r.status_code == 409 and "专家库中只有0名专家" in page
    form = _draw_form(page)
    assert 'value="化学纤维"' in form and 'value="2"' in form
    # the defaults as offered draw the panel
    r = client.post(f"{url}/draw?lang=zh", data={"csrf_token": _csrf(client, url), "field": "绿色供应链管理企业",
                                                 "count": "3"})
    assert r.status_code == 302
    with world["app"].app_context():
        assert len(experts.assignments(db.session.get(Application, world["a"]))) == 3
    # one more is free; the panel is full, so one expert is offered, from the unit type
    form = _draw_form(client.get(f"{url}?lang=zh").get_data(as_text=True))
    assert 'value="绿色供应链管理企业"' in form and 'value="1"' in form and "有1名专家" in form


def test_the_random_draw_offers_the_industry_where_enough_experts_list_it_and_any_field_where_none_do(world):
    with world["app"].app_context():
        for n in range(2):  # experts of textiles in other cities; the panel needs 3
            experts.add_expert("test", username=f"textile{n}", password=PASSWORD, name=f"纺织专家{n}",
                               fields=["textile.02"], admin_unit_code=kit.unit("shanxi", name=f"纺织市{n}").code)
        db.session.commit()
    client = world["app"].test_client()
    _login(client, "prov")
    url = f"/review/applications/{world['a']}"
    _assigned(world)  # two more needed, and two free experts list the industry
    form = _draw_form(client.get(f"{url}?lang=zh").get_data(as_text=True))
    assert 'value="化学纤维"' in form and 'value="2"' in form and "默认为申报单位的所属行业：专家库中有2名专家" in form
    with world["app"].app_context():  # nobody lists the industry or the unit type any more
        for e in db.session.query(ExpertProfile):
            e.fields = ["factory"]
        db.session.commit()
    form = _draw_form(client.get(f"{url}?lang=zh").get_data(as_text=True))
    assert 'name="field" type="text" value=""' in form
    assert "默认不限专业领域：专家库中有5名专家无需回避。" in form
    assert "专业领域含其所属行业（化学纤维）或申报类型（绿色供应链管理企业）且无需回避的专家均不足2名。" in form
    r = client.post(f"{url}/draw?lang=zh", data={"csrf_token": _csrf(client, url), "field": "", "count": "2"})
    assert r.status_code == 302
