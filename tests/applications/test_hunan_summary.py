"""Hunan's 附件2-1 export fills the 2023 (预计) figures from the last row of the three-year finances
(000_5ae1342e00264ea1.txt 附件2-1: 2023年主营业务收入（预计）, 2023年利润（预计）, 2023年税收（预计）)."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

import factories as f
from core.applications.summary import cell_value, export_xlsx
from core.extensions import db
from core.models import ApplicationStatus

FINANCES = [{"year": y, "total_assets": 1000 + y, "debt_ratio": 40, "revenue": r, "profit": p, "tax": t}
            for y, r, p, t in ((2021, 800, -5, 12), (2022, 900, 30, 15), (2023, 950, 40, 18))]


@pytest.mark.region("hunan")
def test_estimate_columns_come_from_the_last_finance_row(app):
    city = f.admin_unit("hunan", code="hunan.changsha", name="长沙市")
    campaign = f.campaign("hunan", year=2024, level="provincial")
    application = f.application(campaign, city, "factory")
    application.status = ApplicationStatus.CITY_RECOMMENDED
    application.extension_data = {"hunan.finances": FINANCES}
    db.session.commit()

    assert cell_value(application, "hunan.finances[-1].revenue", 1) == 950
    assert cell_value(application, "hunan.finances[0].profit", 1) == -5
    assert cell_value(application, "hunan.finances[5].profit", 1) == ""  # no such row
    sheet = load_workbook(io.BytesIO(export_xlsx(city, campaign, "test"))).worksheets[0]
    headers = [c.value for c in sheet[3]]
    row = dict(zip(headers, [c.value for c in sheet[4]]))
    assert (row["2023年主营业务收入（预计）"], row["2023年利润（预计）"], row["2023年税收（预计）"]) == (950, 40, 18)
