"""The removal form finds a listed unit by name (issue 57): it offered every listed unit of the area, up to 3,000,
in one list read by sorting them all; it now offers a page of them by name, and a plain search (no script) by
name or credit code finds the others. A city still proposes only its own listed units (004 第二十一条: the city
proposes, the province decides), and a unit's page still links to the form with the unit chosen (issue 42).
"""
from __future__ import annotations

import re

import pytest
from flask_babel import refresh
from mgmt_world import listed, organization, units, user, web
from sqlalchemy import select

from core.extensions import db
from core.management import removals
from core.models import Removal


def _offered(html: str) -> list[tuple[str, str]]:
    """(credit code, label) of the units the proposal form offers."""
    form = html[html.index('id="propose-form"'):]
    form = form[:form.index('name="uscc"')]
    return [(code, label) for code, label in re.findall(r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)</option>', form)
            if code]


def _world(app):
    ids = units(app)
    mine = [organization(ids["taiyuan"], f"太原{n:02d}号绿色工厂有限公司") for n in range(removals.PICK_PAGE + 5)]
    for org in mine:
        listed(org, "provincial", 2023)
    unlisted = organization(ids["taiyuan"], "太原00号未列入名单有限公司")
    gone = organization(ids["taiyuan"], "太原00号已移出名单有限公司")
    listed(gone, "provincial", 2022).status = "removed"
    other = organization(ids["datong"], "大同00号绿色工厂有限公司")
    listed(other, "provincial", 2023)
    user("city", "ty_city", admin_unit_id=ids["taiyuan"])
    user("province", "sx_province")
    db.session.commit()
    return mine, unlisted, gone, other


@pytest.mark.region("shanxi")
def test_the_form_offers_a_page_of_listed_units_and_the_search_finds_the_others(app):
    mine, unlisted, gone, other = _world(app)
    city = web(app, "ty_city")
    html = city.get("/management/removals?lang=zh").get_data(as_text=True)
    offered = _offered(html)
    assert offered == [(o.uscc, f"{o.name}（{o.uscc}）") for o in mine[:removals.PICK_PAGE]]  # by name, a page
    note = re.search(r'id="unit-search-result">(.*?)</p>', html).group(1)
    assert f"前{removals.PICK_PAGE}个" in note
    assert 'id="unit-search"' in html and 'name="q"' in html and "按名称或统一社会信用代码查找" in html
    # a search by part of the name, and by credit code; never an unlisted, removed or other city's unit
    last = mine[-1]
    found = _offered(city.get("/management/removals?q=24号").get_data(as_text=True))
    assert found == [(last.uscc, f"{last.name}（{last.uscc}）")]
    assert [c for c, _ in _offered(city.get(f"/management/removals?q={last.uscc.lower()}").get_data(as_text=True))] \
        == [last.uscc]
    page = city.get("/management/removals?q=00号&lang=zh").get_data(as_text=True)
    assert [c for c, _ in _offered(page)] == [mine[0].uscc]
    assert unlisted.uscc not in page and gone.uscc not in page and other.uscc not in page
    nothing = city.get("/management/removals?q=不存在的名称&lang=zh").get_data(as_text=True)
    assert _offered(nothing) == [] and "没有匹配" in nothing
    # the province sees every city's listed units
    province = web(app, "sx_province")
    assert {c for c, _ in _offered(province.get("/management/removals?q=00号").get_data(as_text=True))} == {
        mine[0].uscc, other.uscc}
    refresh()  # the test's app context keeps the language its first page chose
    english = province.get("/management/removals?lang=en").get_data(as_text=True)
    assert "Find a listed unit by its name or credit code" in english and ">Search</button>" in english


@pytest.mark.region("shanxi")
def test_a_unit_found_by_search_or_linked_is_chosen_and_proposed(app):
    mine, unlisted, gone, other = _world(app)
    last = mine[-1]
    city = web(app, "ty_city")
    linked = city.get(f"/management/removals?uscc={last.uscc}").get_data(as_text=True)  # beyond the first page
    assert re.search(rf'<option selected value="{last.uscc}"|<option value="{last.uscc}" selected', linked)
    r = city.post("/management/removals", data={"unit": last.uscc, "sanction": "negative_list_event",
                                                "levels": ["provincial"], "reason": "被列入失信被执行人名单"})
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    removal = db.session.scalar(select(Removal))
    assert removal.organization_id == last.id and removal.status == "proposed"
    # another city's unit, an unlisted one or a removed one is not a choice (as before: no proposal is made)
    for code in (other.uscc, unlisted.uscc, gone.uscc):
        r = city.post("/management/removals", data={"unit": code, "sanction": "negative_list_event",
                                                    "levels": ["provincial"], "reason": "被列入失信被执行人名单"})
        assert r.status_code >= 400, code
    assert db.session.scalar(select(Removal).where(Removal.organization_id != last.id)) is None
