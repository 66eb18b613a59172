"""Jiangxi's exported recommendation table has the seed's layout (003_a3fa60aeba77aa34.txt 附件
2024年绿色制造名单推荐汇总表): three sections, columns 序号, 设区市, 区县, name, 第三方机构名称, 行业/类型, and the
国家级/省级 column where both may be ticked."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

import factories as f
from core.applications.summary import export_xlsx
from core.extensions import db
from core.models import ApplicationStatus

SEED_COLUMNS = ["序号", "设区市", "区县", "{name}", "第三方机构名称", "{category}", "推荐申报国家级或省级（可同时填报）"]


@pytest.mark.region("jiangxi")
def test_export_matches_the_seed_layout(app):
    city = f.admin_unit("jiangxi", code="jiangxi.nanchang", name="南昌市")
    campaign = f.campaign("jiangxi", year=2024, level="provincial")
    campaign.unit_types = ["factory", "park", "supply_chain"]
    firm = f.firm(name="江西绿色评价技术有限公司")
    rows = []
    for unit_type, county, extra in (("factory", "青山湖区", {}), ("park", "新建区", {"jiangxi.park_type": "国家级经济技术开发区"}),
                                     ("supply_chain", "南昌县", {})):
        application = f.application(campaign, city, unit_type)
        application.status = ApplicationStatus.CITY_RECOMMENDED
        application.evaluator_firm_id = firm.id
        application.requested_levels = ["national", "provincial"]
        application.extension_data = {"jiangxi.county": county, **extra}
        rows.append(application)
    db.session.commit()

    book = load_workbook(io.BytesIO(export_xlsx(city, campaign, "test")))
    assert book.sheetnames == ["绿色工厂推荐名单", "绿色园区推荐名单", "绿色供应链管理企业推荐名单"]
    names = {"绿色工厂推荐名单": ("工厂名称", "行业"), "绿色园区推荐名单": ("园区名称", "类型"),
             "绿色供应链管理企业推荐名单": ("企业名称", "行业")}
    for sheet in book.worksheets:
        name, category = names[sheet.title]
        headers = [c.value for c in sheet[3]]
        expected = [h.format(name=name, category=category) for h in SEED_COLUMNS]
        assert headers[:7] == expected and headers[7] == "统一社会信用代码"  # the key added for re-import
        first = [c.value for c in sheet[4]]
        assert first[0] == 1 and first[1] == "南昌市" and first[4] == "江西绿色评价技术有限公司"
        assert first[6] == "国家级、省级"
    park = [c.value for c in book["绿色园区推荐名单"][4]]
    assert park[2] == "新建区" and park[5] == "国家级经济技术开发区"
