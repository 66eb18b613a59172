"""Indicator units in the page's language (English walk of the demos): the expert's case file showed the
national tables' units in Chinese on English pages (tce/产品单位或tce/万元, 污染物单位/产品单位或污染物单位/万元).
Each unit of 工信厅节函〔2025〕390号 附件1 (factories, 14 indicators) and 附件2 (parks, 17 indicators) that holds
Chinese has its English (``Indicator.unit_en``), named by ``core.kernel.names.unit_name``; Chinese pages
and the API keep the table's unit."""
from __future__ import annotations

import re

import pytest

CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture
def app(make_app):
    return make_app("hunan")


def _indicators(app, unit_type: str) -> dict[int, object]:
    iset = app.extensions["greenmfg"].rules.indicator_set(unit_type, 2025)
    return {i.number: i for i in iset.indicators}


def test_every_chinese_unit_of_the_2025_tables_has_english(app):
    factory, park = _indicators(app, "factory"), _indicators(app, "park")
    assert len(factory) == 14 and len(park) == 17
    missing = [f"{kind} #{n}: {i.unit}" for kind, table in (("factory", factory), ("park", park))
               for n, i in table.items() if CJK.search(i.unit) and (not i.unit_en or CJK.search(i.unit_en))]
    assert not missing, missing


def test_units_read_in_the_page_s_language(app):
    from core.kernel.names import unit_name

    factory, park = _indicators(app, "factory"), _indicators(app, "park")
    with app.test_request_context("/?lang=en"):
        assert unit_name(factory[1]) == "tce/unit of product or tce/10,000 yuan"
        assert unit_name(factory[11]) == "unit of pollutant/unit of product or unit of pollutant/10,000 yuan"
        assert unit_name(park[14]) == "t/10,000 yuan"
        assert unit_name(factory[3]) == "%"
        # a case file's row (core.review.casefile) once it carries the English
        assert unit_name({"unit": "t/万元", "unit_en": "t/10,000 yuan"}) == "t/10,000 yuan"
        assert unit_name({"unit": "t/万元"}) == "t/万元"
    with app.test_request_context("/?lang=zh"):
        assert unit_name(factory[1]) == "tce/产品单位或tce/万元"
        assert unit_name(park[14]) == "t/万元"


PASSWORD = "湖南指标单位英文页面-2026"


@pytest.fixture
def _cheap(cheap_hashes):
    """The test signs an expert and an applicant in (tests/conftest.py: cheap_hashes)."""


def test_the_case_file_and_the_applicant_s_form_show_units_in_the_page_s_language(make_app, _cheap):
    """What an expert and an applicant read: the case file's value column (core/review/casefile.py) and the draft
    form's indicator labels (core/formfields.py, the table on the application's form) carry the unit in English
    on English pages, and the table's own unit in full-width brackets on Chinese ones."""
    import kit
    from core.extensions import db
    from core.models import Application, ApplicationStatus, ExpertProfile, Role
    from core.review import experts
    from core.services.passwords import hash_password

    app = make_app("hunan", WTF_CSRF_ENABLED=False)
    with app.app_context():
        changsha, other = kit.unit("hunan", name="长沙市"), kit.unit("hunan", name="测试市")
        c = kit.campaign("hunan", year=2026, types=("factory", "park"))
        a = kit.application(c, changsha, mode="self", org=kit.organization(changsha, "长沙化工股份有限公司"))
        draft = kit.application(c, changsha, mode="self", status=ApplicationStatus.DRAFT,
                                org=kit.organization(changsha, "长沙新材料有限公司"))
        applicant = kit.user(Role.APPLICANT, username="hn_units_applicant", organization_id=draft.organization_id)
        applicant.password_hash = hash_password(PASSWORD)
        experts.add_expert("test", username="exp_units", password=PASSWORD, name="专家乙",
                           fields=["factory", "park"], admin_unit_code=other.code)
        expert = db.session.query(ExpertProfile).join(ExpertProfile.user).filter_by(username="exp_units").one()
        assignment = experts.assign("test", db.session.get(Application, a.id), expert).id
        draft_id = draft.id
        db.session.commit()
    expert_client, applicant_client = app.test_client(), app.test_client()
    assert expert_client.post("/login", data={"username": "exp_units", "password": PASSWORD}).status_code == 302
    assert applicant_client.post("/login", data={"username": "hn_units_applicant",
                                                 "password": PASSWORD}).status_code == 302
    case_en = expert_client.get(f"/expert/assignments/{assignment}?lang=en").get_data(as_text=True)
    # the self-evaluation's value of indicator 4 (the platform's functions in place, counted in 项) with its unit
    assert re.search(r"<td>8\s+functions</td>", case_en) and not re.search(r"<td>8\s+项</td>", case_en)
    case_zh = expert_client.get(f"/expert/assignments/{assignment}?lang=zh").get_data(as_text=True)
    assert re.search(r"<td>8\s+项</td>", case_zh)
    form_en = applicant_client.get(f"/applications/{draft_id}/edit?lang=en").get_data(as_text=True)
    assert "(tce/unit of product or tce/10,000 yuan)" in form_en and "tce/产品单位" not in form_en
    form_zh = applicant_client.get(f"/applications/{draft_id}/edit?lang=zh").get_data(as_text=True)
    assert "（tce/产品单位或tce/万元）" in form_zh
