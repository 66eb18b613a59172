"""The list-history template's example row is the instance's own region's (issue 61).

On every instance it was Hunan's (长沙市, 91430100…, 湘工信节能…). Now a clerk of each region downloads a row of a city
of that region (its capital, where the region registers it, with the capital's GB/T 2260 division code 省码+0100 in
the credit code), one of the region's unit types, a 文号 as its department writes it, at the level the instance
keeps; and the row passes the import's own checks on that instance.
"""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine

#: region → (层级, 类型, 市州, division code in the credit code, 文号 prefix)
EXPECTED = {
    "hunan": ("省级", "绿色工厂", "长沙市", "430100", "湘工信节能〔2025〕"),
    "hubei": ("省级", "绿色工厂", "武汉市", "420100", "鄂经信节能〔2025〕"),
    "jiangxi": ("省级", "绿色工厂", "南昌市", "360100", "赣工信节能〔2025〕"),
    "shanxi": ("省级", "绿色工厂", "太原市", "140100", "晋工信节能〔2025〕"),
    "national": ("国家级", "绿色工厂", None, "110000", "工信厅节函〔2025〕"),
}


@pytest.mark.parametrize("region", sorted(EXPECTED))
def test_the_example_row_is_the_regions_own(make_app, region):
    from stdnum.cn import uscc

    from core.extensions import db
    from core.lists.history import _check, read_rows
    from core.services.admin_units import sync_admin_units

    level, unit_type, city, division, document = EXPECTED[region]
    app = make_app(region, WTF_CSRF_ENABLED=False)
    with app.app_context(), time_machine.travel(dt.datetime(2026, 3, 2, 1, tzinfo=dt.UTC), tick=False):
        sync_admin_units("test")
        db.session.commit()
        from core.lists.history import template_xlsx

        rows = read_rows(template_xlsx(), "名单历史.xlsx")
        row = rows[1]
        assert row[0] == level and row[1] == 2025 and row[2] == unit_type, row
        code = row[3]
        assert code[:2] == "91" and code[2:8] == division, code
        assert uscc.calc_check_digit(code[:17]) == code[17], code
        assert row[6].startswith(document), row
        assert "长沙" not in "".join(str(v) for v in row) or region == "hunan", row
        if city is not None:
            assert row[5] == city and row[4] == f"{city.removesuffix('市')}示例绿色制造有限公司", row
            clean, report = _check(rows)  # the example passes the import's own checks on its instance
            assert len(clean) == 1 and [r["ok"] for r in report] == [True], report


def test_the_province_downloads_its_regions_template(make_app):
    """Through the page's link: Shanxi's province staff get a row of 太原市, not Hunan's."""
    from core.accounts import services as accounts
    from core.extensions import db
    from core.lists.history import read_rows
    from core.models import Role
    from core.services.admin_units import sync_admin_units

    app = make_app("shanxi", WTF_CSRF_ENABLED=False)
    with app.app_context():
        sync_admin_units("test")
        accounts.create_user(username="prov", password="绿色制造-测试口令-2025", display_name="省厅", role=Role.PROVINCE,
                             actor="admin")
        db.session.commit()
    client = app.test_client()
    r = client.post("/login", data={"username": "prov", "password": "绿色制造-测试口令-2025"})
    assert r.status_code == 302
    r = client.get("/province/list-history/template.xlsx")
    assert r.status_code == 200
    row = read_rows(r.data, "template.xlsx")[1]
    assert row[5] == "太原市" and row[3][2:8] == "140100" and row[6].startswith("晋工信节能"), row
