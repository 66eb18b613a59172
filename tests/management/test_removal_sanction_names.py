"""A removal's reason (its sanction) in the page's language on the pages that list and show removals: the
removals list, a removal's page and the province's dashboard showed the title the removal stored in Chinese on
English pages. The fraud sanction of 晋工信节能规字〔2024〕3号 第二十二条 (004_7a8ddd82f611ab67.txt; national's,
工信厅节函〔2025〕390号, 001_3f04a56fc6693327.txt 四.2): removal from every level and a three-year ban."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from mgmt_world import listed, organization, units, user, web

FRAUD_EN = "Falsified data"  # the dashboard cuts a title at 30 characters
FRAUD_ZH = "数据或材料造假"


@pytest.mark.region("shanxi")
def test_a_removal_names_its_sanction_in_the_page_s_language(app):
    from flask_babel import refresh

    from core.extensions import db
    from core.management import removals

    ids = units(app)
    org = organization(ids["taiyuan"], "太原造假化工有限公司")
    listed(org, "provincial", 2023)
    user("province", "sx_province_names")
    proposal = removals.propose(org, "fraud", "年度动态管理表能耗数据造假", "taiyuan_city", levels=["provincial"],
                                on=dt.date(2026, 5, 8))
    db.session.commit()
    province = web(app, "sx_province_names")
    for path in ("/management/removals", f"/management/removals/{proposal.id}", "/management/dashboard"):
        refresh()  # the requests share the test's app context, where Flask-Babel keeps the locale it chose
        english = province.get(f"{path}?lang=en").get_data(as_text=True)
        # the removal's page also quotes the documents (their words stay Chinese): its sanction row is read
        shown = re.search(r"Reason for removal \(sanction\)</th><td>(.*?)<span", english, re.S)
        english = shown.group(1) if shown else english
        assert FRAUD_EN in english and FRAUD_ZH not in english, path
        refresh()
        chinese = province.get(f"{path}?lang=zh").get_data(as_text=True)
        assert FRAUD_ZH in chinese, path
