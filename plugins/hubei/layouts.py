"""Hubei's summary table, for ``gm_register_summary_layouts``: a platform layout.

Seed 002 三(四): 市级经信部门负责对本地区申报单位…进行初审，并出具推荐意见，…择优向省厅推荐. The 实施方案
prescribes no table, so this one is the platform's (marked so on the page and in the printed footer):
one row per recommended unit with what 三(三)-(五) ask the city to check (the unit's type, the levels
it applies for, since 2022 provincial and national together, and the third party that evaluated it
on site), and the 推荐意见 the city wrote when it recommended each unit (三(四)). The plan runs 2022-2025 (实施方案（2022—2025年）); a later round reuses the 2025 layout and
says so. The title's year is the round's.
"""
from core.plugins.types import Level, SummaryColumn, SummaryLayout, SummarySection, SummarySheet

from plugins.hubei.rules import ALL_TYPES, PLAN_YEARS, cite

SUMMARY_LAYOUTS = (
    SummaryLayout(
        code="hubei.city_recommendation", title="{year}年湖北省绿色制造体系建设市州推荐汇总表",
        levels=(Level.CITY, Level.PROVINCIAL, Level.NATIONAL), years=tuple(range(PLAN_YEARS[0], PLAN_YEARS[1] + 1)),
        platform=True,
        sheets=(SummarySheet(
            name="推荐汇总表", title="{year}年湖北省绿色制造体系建设市州推荐汇总表",
            lines=("推荐单位（盖章）：{unit}|填报日期：　　年　　月　　日",),
            sections=(SummarySection(
                title="推荐名单", unit_types=ALL_TYPES,
                columns=(SummaryColumn(key="seq", header="序号", width=5),
                         SummaryColumn(key="city", header="市州", width=9),
                         SummaryColumn(key="name", header="单位名称", width=28),
                         SummaryColumn(key="uscc", header="统一社会信用代码", width=21),
                         SummaryColumn(key="unit_type", header="创建类型", width=12),
                         SummaryColumn(key="requested_levels", header="申报级别", width=15, ticks=True,
                                       choices=(("provincial", "省级"), ("national", "国家级"))),
                         SummaryColumn(key="evaluator", header="第三方评价机构", width=24),
                         SummaryColumn(key="evaluated_score", header="评价得分", width=9),
                         SummaryColumn(key="contact", header="联系人及电话", width=21),
                         # 三(四) 出具推荐意见: the opinion the city wrote when it recommended the unit
                         SummaryColumn(key="city_opinion", header="市级推荐意见", width=36)),
            ),),
            notes=("注：1、创建类型按绿色工厂、绿色设计产品、绿色工业园区、绿色供应链管理企业填写。",
                   "2、国家级绿色制造名单申报推荐的同时进行省级绿色制造名单遴选，申报级别可同时勾选省级和国家级"
                   "（鄂经信办节能〔2022〕8号 三（五））。"),
            footer=("推荐单位：", "（单位公章）", "年　　月　　日"),
        ),),
        cite=cite("三(四) (市级经信部门…出具推荐意见，择优向省经信厅推荐: the column 市级推荐意见); 三(五) (国家级…申报推荐的同时进行省级"
                  "…遴选); the seed prescribes no table: platform layout"),
    ),
)
