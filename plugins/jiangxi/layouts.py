"""Jiangxi's summary table (汇总表) as printed, for ``gm_register_summary_layouts``.

Seed 003 附件 2024年绿色制造名单推荐汇总表: one sheet, three tables stacked (绿色工厂推荐名单, 绿色园区推荐名单,
绿色供应链管理企业推荐名单), each headed 序号, 设区市, 区县, the unit's name, 第三方机构名称, 行业 (类型 for
parks) and 推荐申报国家级或省级（可同时填报）, whose cells are two tick boxes (☐国家级 ☐省级, both may be
ticked); under them the signature block 推荐单位： / (单位公章) / 年 月 日. The title's year is the
round's; a round of another year reuses this layout and says so.
"""
from core.plugins.types import Level, SummaryColumn, SummaryLayout, SummarySection, SummarySheet

from plugins.jiangxi.rules import ROUND_YEAR, S003

#: the tick boxes of the last column, in the seed's order (both may be ticked)
LEVEL_TICKS = ((Level.NATIONAL, "国家级"), (Level.PROVINCIAL, "省级"))
LEVEL_TICK_HEADER = "推荐申报国家级或省级（可同时填报）"
#: the signature block under the tables
SUMMARY_FOOTER = ("推荐单位：", "(单位公章)", "年　　月　　日")


def _columns(name_header: str, category_key: str, category_header: str) -> tuple[SummaryColumn, ...]:
    return (
        SummaryColumn(key="seq", header="序号", width=5),
        SummaryColumn(key="city", header="设区市", width=9),
        SummaryColumn(key="jiangxi.county", header="区县", width=10),
        SummaryColumn(key="name", header=name_header, width=30),
        SummaryColumn(key="evaluator", header="第三方机构名称", width=26),
        SummaryColumn(key=category_key, header=category_header, width=14),
        SummaryColumn(key="requested_levels", header=LEVEL_TICK_HEADER, width=21, ticks=True,
                      choices=tuple((str(level), label) for level, label in LEVEL_TICKS)),
    )


SUMMARY_LAYOUTS = (
    SummaryLayout(
        code="jiangxi.recommendation_summary_2024", title="{year}年绿色制造名单推荐汇总表",
        levels=(Level.PROVINCIAL, Level.NATIONAL), years=(ROUND_YEAR,),
        sheets=(SummarySheet(
            name="推荐汇总表", label="附件", title="{year}年绿色制造名单推荐汇总表",
            sections=(
                SummarySection(title="绿色工厂推荐名单", unit_types=("factory",),
                               columns=_columns("工厂名称", "industry", "行业")),
                SummarySection(title="绿色园区推荐名单", unit_types=("park",),
                               columns=_columns("园区名称", "jiangxi.park_type", "类型")),
                SummarySection(title="绿色供应链管理企业推荐名单", unit_types=("supply_chain",),
                               columns=_columns("企业名称", "industry", "行业")),
            ),
            footer=SUMMARY_FOOTER,
        ),),
        cite=f"{S003} 附件 (2024年绿色制造名单推荐汇总表); 一 (于2024年5月27日前将推荐文件、推荐汇总表（见附件）…报送)",
    ),
)
