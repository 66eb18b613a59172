"""Shanxi's summary table, for ``gm_register_summary_layouts``: a platform layout.

Seed 004 (晋工信节能规字〔2024〕3号) 第十三条: 市级工业和信息化主管部门…于每年5月31日前，将本地区…市层面绿色
工厂通过管理平台推荐至省工业和信息化厅 (parks and supply-chain enterprises the same way). The 细则
prescribes no table, so this one is the platform's (marked so on the page and in the printed footer):
one row per recommended unit with what 第十一条 and 第十三条 ask the city to check (the evaluation mode,
the third party, the score). The 细则 is in force 2024-07-19 to 2029-07-18 (第三十二条): its first
recommendation round is 2025's. The title's year is the round's.
"""
from core.plugins.types import Level, SummaryColumn, SummaryLayout, SummarySection, SummarySheet

from plugins.shanxi.rules import ALL_TYPES, DOC, S

_EVALUATION = "评价情况"

SUMMARY_LAYOUTS = (
    SummaryLayout(
        code="shanxi.city_recommendation", title="{year}年山西省绿色制造名单市级推荐汇总表",
        levels=(Level.CITY, Level.PROVINCIAL), years=tuple(range(2025, 2030)), platform=True,
        sheets=(SummarySheet(
            name="推荐汇总表", title="{year}年山西省绿色制造名单市级推荐汇总表",
            lines=("推荐单位（盖章）：{unit}|推荐日期：　　年　　月　　日",),
            sections=(SummarySection(
                title="推荐名单", unit_types=ALL_TYPES,
                columns=(SummaryColumn(key="seq", header="序号", width=5),
                         SummaryColumn(key="city", header="市", width=8),
                         SummaryColumn(key="name", header="企业（园区）名称", width=28),
                         SummaryColumn(key="uscc", header="统一社会信用代码", width=21),
                         SummaryColumn(key="unit_type", header="创建类型", width=12),
                         SummaryColumn(key="industry", header="所属行业", width=12),
                         SummaryColumn(key="evaluation_mode", header="评价方式", width=10, group=_EVALUATION),
                         SummaryColumn(key="evaluator", header="第三方机构名称", width=22, group=_EVALUATION),
                         SummaryColumn(key="score", header="得分", width=8, group=_EVALUATION),
                         SummaryColumn(key="contact", header="联系人及电话", width=21)),
            ),),
            notes=(f"注：1、市级工业和信息化主管部门于每年5月31日前通过管理平台推荐（{DOC} 第十三条）。",
                   "2、推荐前须充分征求当地生态环境、应急管理、市场监管等主管部门意见（第十三条）。",
                   "3、评价方式为自我评价或委托第三方机构评价（第十一条）。"),
            footer=("推荐单位：", "（单位公章）", "年　　月　　日"),
        ),),
        cite=f"{S} 第十三条 (于每年5月31日前…通过管理平台推荐至省工业和信息化厅); 第十一条 (自我评价或第三方评价); "
             "the 细则 prescribes no table: platform layout",
    ),
)
