"""Hunan's summary tables (汇总表) as printed, for ``gm_register_summary_layouts``.

* 2024 provincial creation plan: seed 000 附件2-1 (绿色工厂、绿色供应链管理示范企业) and 附件2-2 (绿色园区),
  two attachments, each with its title, the 推荐单位（盖章） line and its unit (万元; 平方公里、亿元), the
  seed's columns and its 注. The figures of the year before the round are the 预计 row of 附件1's
  three-year finances (``[year={year-1}]``): 2023 in the 2024 round, 2025 in a 2026 round.
* 2025 national round: seed 001 附件2 新申报国家级绿色制造单位信息汇总表 prints the title and 填报市州（盖章）,
  填报人, 联系电话 only; the seed text has no column headings, so the columns are the platform's
  (marked as a platform layout).

A round of another year reuses the layout of the newest earlier round and says so (core's
``layout_for``); every year in a title or header is computed from the round's year.
"""
from core.plugins.types import Level, SummaryColumn, SummaryLayout, SummarySection, SummarySheet

from plugins.hunan import rules as r

S000, S001 = r.S000, r.S001

#: 000 附件2-1 注2: 创建类型是指湖南省绿色工厂和湖南省绿色供应链管理示范企业, printed as the note words them
#: (000 calls the supply-chain unit 绿色供应链管理示范企业 throughout, where the national name is
#: 绿色供应链管理企业); an import also reads them without 湖南省
CREATION_TYPES = (("factory", "湖南省绿色工厂"), ("supply_chain", "湖南省绿色供应链管理示范企业"))
CREATION_TYPES_CITE = f"{S000} 附件2-1 注2 (创建类型是指湖南省绿色工厂和湖南省绿色供应链管理示范企业)"
#: the three years of 附件1 企业近三年经营情况 (2021年, 2022年, 2023年预计 in the 2024 round)
FINANCE_YEARS = ("{year-3}", "{year-2}", "{year-1}")
MONEY = "#,##0.00"


def _finance(name: str, header: str) -> SummaryColumn:
    return SummaryColumn(key=f"hunan.finances[year={{year-1}}].{name}", header=header, width=12.5, number_format=MONEY,
                         table_years=FINANCE_YEARS)


FACTORY_SHEET = SummarySheet(
    name="附件2-1", label="附件2-1", title="{year}年湖南省绿色制造体系申报汇总表",
    subtitle="（绿色工厂、绿色供应链管理示范企业）", lines=("推荐单位（盖章）：{unit}|单位：万元",),
    sections=(SummarySection(
        title="绿色工厂、绿色供应链管理示范企业", unit_types=("factory", "supply_chain"),
        columns=(
            SummaryColumn(key="seq", header="序号", width=5),
            SummaryColumn(key="applicant_name", header="申报单位", width=24),
            SummaryColumn(key="hunan.main_business", header="主营业务", width=18),
            SummaryColumn(key="unit_type", header="创建类型", width=13, choices=CREATION_TYPES),
            SummaryColumn(key=r.F_INDUSTRY, header="所属行业", width=9),
            SummaryColumn(key=r.F_MODERN_INDUSTRY, header="所属体系分类", width=10),
            _finance("revenue", "{year-1}年主营业务收入（预计）"),
            _finance("profit", "{year-1}年利润（预计）"),
            _finance("tax", "{year-1}年税收（预计）"),
            SummaryColumn(key="contact", header="申报单位联系人及手机", width=21),
        ),
    ),),
    notes=(
        "注：1、此表由市州工信局、省直管试点县（市）工信部门填写。",
        "2、创建类型是指湖南省绿色工厂和湖南省绿色供应链管理示范企业。",
        "3、所属行业。按“有色金属、冶金、建材、化工、机械、汽车、电子、轻工、食品、生物医药、其它”进行填写。",
        "4、所属现代产业体系分类：现代石化、绿色矿山、食品加工、轻工纺织、工程机械、轨道交通、现代农业、文化旅游、"
        "数字产业、新能源、大健康、空天海洋、人工智能、生命工程、量子科技、前沿材料。",
    ),
)

PARK_SHEET = SummarySheet(
    name="附件2-2", label="附件2-2", title="{year}年湖南省绿色制造体系申报汇总表", subtitle="（绿色园区）",
    lines=("推荐单位（盖章）：{unit}|单位：平方公里、亿元",),
    sections=(SummarySection(
        title="绿色园区", unit_types=("park",),
        columns=(
            SummaryColumn(key="seq", header="序号", width=5),
            SummaryColumn(key="applicant_name", header="申报单位", width=28),
            SummaryColumn(key="hunan.leading_industry", header="主导产业", width=24),
            SummaryColumn(key="hunan.park_built_area", header="园区已建成面积", width=13, number_format="#,##0.00"),
            SummaryColumn(key="hunan.park_total_output_est", header="{year-1}年园区总产值（预计）", width=14,
                          number_format=MONEY),
            SummaryColumn(key="hunan.park_industrial_output_est", header="{year-1}年园区工业总产值（预计）", width=15,
                          number_format=MONEY),
            SummaryColumn(key="contact", header="联系人及手机（预计）", width=21),
        ),
    ),),
    notes=("注：此表由市州工信局、省直管试点县（市）工信部门填写。",),
)

CREATION_PLAN_2024 = SummaryLayout(
    code="hunan.creation_plan_2024", title="{year}年湖南省绿色制造体系申报汇总表", levels=(Level.PROVINCIAL,),
    years=(2024,), sheets=(FACTORY_SHEET, PARK_SHEET),
    cite=f"{S000} 附件2-1, 附件2-2 (二.3: 市州工信局…审核汇总后…报送2024年绿色制造体系申报汇总表（附件2）); "
         f"创建类型: {CREATION_TYPES_CITE}",
)

NATIONAL_NEW_2025 = SummaryLayout(
    code="hunan.national_new_2025", title="新申报国家级绿色制造单位信息汇总表", levels=(Level.NATIONAL,),
    years=(2025,), platform=True,
    sheets=(SummarySheet(
        name="附件2", label="附件2", title="新申报国家级绿色制造单位信息汇总表",
        lines=("填报市州（盖章）：{unit}", "填报人：", "联系电话："),
        sections=(SummarySection(
            title="新申报国家级绿色制造单位", unit_types=("factory", "park"),
            columns=(
                SummaryColumn(key="seq", header="序号", width=5),
                SummaryColumn(key="applicant_name", header="单位名称", width=30),
                SummaryColumn(key="uscc", header="统一社会信用代码", width=22),
                SummaryColumn(key="unit_type", header="申报类型", width=12),
                SummaryColumn(key="industry", header="所属行业（重点行业）", width=18),
                SummaryColumn(key="score", header="自评价得分", width=10),
                SummaryColumn(key="contact", header="联系人及电话", width=21),
            ),
        ),),
    ),),
    cite=f"{S001} 附件2 (title and 填报市州（盖章）/填报人/联系电话 only; the seed text has no column headings: "
         f"the columns are the platform's); 三 (10月30日（周四）前提交新申报单位信息汇总表)",
)

SUMMARY_LAYOUTS = (CREATION_PLAN_2024, NATIONAL_NEW_2025)
