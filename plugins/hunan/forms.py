"""Hunan application-form fields: 附件1 基本情况表 of seed 000 (one for factories and supply-chain
enterprises, one for parks), the 创建工作方案 upload, the park conditions of 一.2 and the bonus items
of 二.2. Each field is declared once (kind, bounds, choices, required); core builds the web form's field and
the JSON API's from it. All fields are for the provincial creation round (levels=(PROVINCIAL,)).

Fields core already has (unit name, address, legal representative, contact person, phone, e-mail)
are not repeated. Shapes:

* ``hunan.products``: a list of rows {name, capacity, output, sales_rate, market_share}; capacity
  and output are free text because the seed gives no unit. Energy (万吨标煤) and water (万立方米)
  are the enterprise totals, one field each.
* ``hunan.finances``: exactly three rows {year, total_assets, debt_ratio, revenue, profit, tax},
  consecutive ascending years; the last row is the estimate (预计) for the year before the round
  (2021, 2022, 2023预计 in the 2024 round). 万元 and %.
"""
from core.plugins.types import Column, FieldKind, FormField, Level, with_english_labels, with_examples
from plugins.hunan import rules as r

S000 = r.S000
FACTORY_FORM = f"{S000} 附件1 基本情况表（绿色工厂、绿色供应链管理示范企业填写）"
PARK_FORM = f"{S000} 附件1 基本情况表（绿色园区填写）"
FACTORY_TYPES = ("factory", "supply_chain")
PARK_TYPES = ("park",)
ALL_TYPES = ("factory", "park", "supply_chain")
LEVELS = (Level.PROVINCIAL,)
ORG_CODE_RE = r"^[0-9A-Z]{8}-?[0-9X]$"


# ------------------------------------------------------------------ helpers --

def _field(code, label, kind, *, unit_types, section, cite, **declared):
    return FormField(code=code, label=label, kind=kind, unit_types=unit_types, levels=LEVELS, section=section,
                     cite=cite, **declared)


def _choice(code, label, choices, *, unit_types, section, cite, radio=False):
    return _field(code, label, FieldKind.CHOICE, unit_types=unit_types, section=section, cite=cite,
                  choices=tuple(choices), radio=radio, required=True)


def _text(code, label, *, unit_types, section, cite, required=True, max_len=200):
    return _field(code, label, FieldKind.TEXT, unit_types=unit_types, section=section, cite=cite,
                  required=required, max_length=max_len)


def _number(code, label, *, unit_types, section, cite, integer=False, required=True, minimum=0, maximum=None):
    return _field(code, label, FieldKind.INTEGER if integer else FieldKind.DECIMAL, unit_types=unit_types,
                  section=section, cite=cite, required=required, minimum=minimum, maximum=maximum)


def _flag(code, label, *, unit_types, section, cite):
    return _field(code, label, FieldKind.YES_NO, unit_types=unit_types, section=section, cite=cite)


def _upload(code, label, *, unit_types, section, cite, required=True, **meta):
    # the API takes the id of an upload made through core's file endpoint
    return _field(code, label, FieldKind.UPLOAD, unit_types=unit_types, section=section, cite=cite,
                  required=required, api_metadata=meta)


# ----------------------------------------------------------- tables' rows --

PRODUCT_COLUMNS = (
    Column(key="name", label="产品名称", kind=FieldKind.TEXT, required=True, max_length=100),
    Column(key="capacity", label="生产能力", kind=FieldKind.TEXT, max_length=100),
    Column(key="output", label="年生产量", kind=FieldKind.TEXT, max_length=100),
    Column(key="sales_rate", label="产销率（%）", kind=FieldKind.DECIMAL, minimum=0),
    Column(key="market_share", label="国内市场占有率（%）", kind=FieldKind.DECIMAL, minimum=0, maximum=100),
)

FINANCE_COLUMNS = (
    Column(key="year", label="年度", kind=FieldKind.INTEGER, required=True),
    Column(key="total_assets", label="总资产（万元）", kind=FieldKind.DECIMAL, required=True, minimum=0),
    Column(key="debt_ratio", label="负债率（%）", kind=FieldKind.DECIMAL, required=True, minimum=0),
    Column(key="revenue", label="主营业务收入（万元）", kind=FieldKind.DECIMAL, required=True, minimum=0),
    Column(key="profit", label="利润（万元）", kind=FieldKind.DECIMAL, required=True),
    Column(key="tax", label="税金（万元）", kind=FieldKind.DECIMAL, required=True, minimum=0),
)

FINANCE_YEARS = 3
YEARS_MESSAGE = "须按年度顺序填写连续三年 / three consecutive years in order"


def _consecutive(years):
    if len(years) != FINANCE_YEARS or any(y is None for y in years):
        return False
    return all(b == a + 1 for a, b in zip(years, years[1:]))


def three_years(rows):
    """The rule across the finances' rows (web form and API alike): three consecutive years in order; a partial
    load (an import) may leave a year out, and is refused."""
    return None if _consecutive([row.get("year") for row in rows]) else YEARS_MESSAGE


#: labels with year fields read for the round (core fills them from the campaign's year): the seed's 2024 round
#: prints 2023年度预计… (附件1), a 2026 round 2025年度预计…
PRODUCTS_LABEL = "{year-1}年度预计主要产品生产销售情况"

PRODUCTS = FormField(
    code="hunan.products", label=PRODUCTS_LABEL, unit_types=FACTORY_TYPES, levels=LEVELS,
    section="production", cite=f"{FACTORY_FORM} 2023年度预计主要产品生产销售及能源资源消费情况",
    kind=FieldKind.TABLE, columns=PRODUCT_COLUMNS, required=True, min_rows=1, row_name="ProductRow",
)

FINANCES = FormField(
    code="hunan.finances", label="企业近三年经营情况", unit_types=FACTORY_TYPES, levels=LEVELS,
    section="finances", cite=f"{FACTORY_FORM} 企业近三年经营情况",
    kind=FieldKind.TABLE, columns=FINANCE_COLUMNS, required=True, min_rows=FINANCE_YEARS, max_rows=FINANCE_YEARS,
    rows_check=three_years, row_name="FinanceRow",
)

# ----------------------------------------------- factory / supply-chain form --

FACTORY_HONOURS = (
    ("hunan.honour_green_unit", "绿色工厂或绿色供应链管理企业"),
    ("hunan.honour_design_demo", "工业产品绿色设计示范企业"),
    ("hunan.honour_solution_provider", "国家/省绿色制造系统解决方案供应商"),
    ("hunan.honour_carbon_benchmark", "工业碳减排标杆企业"),
    ("hunan.honour_water_saving", "省节水型企业"),
    ("hunan.honour_solid_waste_demo", "省工业固废综合利用示范企业（项目）"),
)

FACTORY_FIELDS = (
    _choice(r.F_INDUSTRY, "所属行业", r.INDUSTRIES, unit_types=FACTORY_TYPES, section="basic",
            cite=r.INDUSTRIES_CITE),
    _choice(r.F_MODERN_INDUSTRY, "所属现代产业体系", r.MODERN_INDUSTRIES, unit_types=FACTORY_TYPES, section="basic",
            cite=r.MODERN_INDUSTRIES_CITE),
    _text("hunan.main_business", "主营业务", unit_types=FACTORY_TYPES, section="basic", cite=FACTORY_FORM),
    _text("hunan.enterprise_nature", "企业性质", unit_types=FACTORY_TYPES, section="basic", cite=FACTORY_FORM,
          max_len=50),
    _field("hunan.org_code", "组织机构代码", FieldKind.TEXT, unit_types=FACTORY_TYPES, section="basic",
           cite=f"{FACTORY_FORM} (legacy; positions 9-17 of the USCC)", pattern=ORG_CODE_RE),
    _field("hunan.founded_on", "成立时间", FieldKind.DATE, unit_types=FACTORY_TYPES, section="basic",
           cite=FACTORY_FORM, required=True),
    _choice(r.F_CP_MANDATORY, "强制性清洁生产审核（近五年）", r.STATUS_CHOICES, unit_types=FACTORY_TYPES,
            section="cleaner_production", cite=f"{FACTORY_FORM} 近五年实施清洁生产情况", radio=True),
    _choice(r.F_CP_VOLUNTARY, "自愿性清洁生产审核（近五年）", r.STATUS_CHOICES, unit_types=FACTORY_TYPES,
            section="cleaner_production", cite=f"{FACTORY_FORM} 近五年实施清洁生产情况", radio=True),
    _field(r.F_CP_AUDIT_DATE, "最近一次清洁生产审核完成日期", FieldKind.DATE, unit_types=FACTORY_TYPES,
           section="cleaner_production",
           cite=f"{S000} 二.1 (近五年内开展了清洁生产审核; checked by hunan.cleaner_production_audit)"),
    _choice(r.F_ENERGY_DIAGNOSIS, "近五年节能诊断开展情况", r.STATUS_CHOICES, unit_types=FACTORY_TYPES,
            section="cleaner_production", cite=f"{FACTORY_FORM} 近五年节能诊断开展情况", radio=True),
    *(_flag(code, label, unit_types=FACTORY_TYPES, section="honours",
            cite=f"{FACTORY_FORM} 近五年内在绿色制造方面已经取得的相关荣誉、资质等情况")
      for code, label in FACTORY_HONOURS),
    PRODUCTS,
    _number("hunan.energy_total", "{year-1}年度预计年能耗总量（万吨标煤）", unit_types=FACTORY_TYPES, section="production",
            cite=f"{FACTORY_FORM} 年能耗总量（万吨标煤）"),
    _number("hunan.water_total", "{year-1}年度预计年用水总量（万立方米）", unit_types=FACTORY_TYPES, section="production",
            cite=f"{FACTORY_FORM} 年用水总量（万立方米）"),
    FINANCES,
)

# ---------------------------------------------------------------- park form --

PARK_HONOUR_COUNTS = (
    ("hunan.park_hon_nat_factory", "获批国家绿色工厂（家）"),
    ("hunan.park_hon_prov_factory", "获批省级绿色工厂（家）"),
    ("hunan.park_hon_nat_supply_chain", "获批国家绿色供应链管理示范企业（家）"),
    ("hunan.park_hon_prov_supply_chain", "获批省级绿色供应链管理示范企业（家）"),
    ("hunan.park_hon_nat_design_firms", "获批国家绿色设计产品的企业（家）"),
    ("hunan.park_hon_nat_design_products", "获批国家绿色设计产品（个）"),
    ("hunan.park_hon_prov_design_firms", "获批湖南省绿色设计产品的企业（家）"),
    ("hunan.park_hon_prov_design_products", "获批湖南省绿色设计产品（个）"),
    ("hunan.park_hon_design_demo", "获批国家工业产品绿色设计示范企业（家）"),
    ("hunan.park_hon_nat_solution_provider", "获得国家绿色制造系统解决方案供应商（家）"),
    ("hunan.park_hon_prov_solution_provider", "获得湖南省绿色制造系统解决方案供应商（家）"),
    ("hunan.park_hon_water_saving", "获得湖南省节水型企业（家）"),
    ("hunan.park_hon_solid_waste_firms", "获得湖南省工业固废资源综合利用示范企业（家）"),
    ("hunan.park_hon_solid_waste_projects", "获得湖南省工业固废资源综合利用示范项目（个）"),
    ("hunan.park_hon_carbon_benchmark", "获得湖南省工业碳减排标杆企业（家）"),
)

_PARK_STATUS = f"{PARK_FORM} 园区绿色发展现状"

PARK_FIELDS = (
    _choice(r.F_PARK_LEVEL, "园区级别", r.PARK_LEVELS, unit_types=PARK_TYPES, section="basic", cite=PARK_FORM,
            radio=True),
    _text("hunan.leading_industry", "主导产业", unit_types=PARK_TYPES, section="basic", cite=PARK_FORM),
    _number("hunan.park_planned_area", "园区规划面积（平方公里）", unit_types=PARK_TYPES, section="basic", cite=PARK_FORM),
    _number("hunan.park_built_area", "园区已建成面积（平方公里）", unit_types=PARK_TYPES, section="basic", cite=PARK_FORM),
    _number("hunan.park_enterprise_count", "入园企业数", unit_types=PARK_TYPES, section="basic", cite=PARK_FORM,
            integer=True),
    _number(r.F_PARK_ABOVE_SIZE, "其中规模企业数", unit_types=PARK_TYPES, section="basic", cite=PARK_FORM,
            integer=True),
    _number("hunan.park_energy_intensive_count", "其中高耗能企业数", unit_types=PARK_TYPES, section="basic",
            cite=PARK_FORM, integer=True),
    _number("hunan.park_key_enterprise_count", "园区重点企业数", unit_types=PARK_TYPES, section="basic",
            cite=f"{PARK_FORM} 注1 (应当实施强制性清洁生产审核的企业)", integer=True),
    _number(r.F_PARK_CP_MANDATORY, "其中通过强制性清洁生产审核数（近五年）", unit_types=PARK_TYPES,
            section="cleaner_production", cite=f"{PARK_FORM}; {S000} 二.1", integer=True),
    _number(r.F_PARK_CP_VOLUNTARY, "其中通过自愿性清洁生产审核数（近五年）", unit_types=PARK_TYPES,
            section="cleaner_production", cite=f"{PARK_FORM}; {S000} 二.1", integer=True),
    _number("hunan.park_energy_intensity_decline", "{year-1}年度万元工业增加值能耗下降率（%）（预计）", unit_types=PARK_TYPES,
            section="park_status", cite=_PARK_STATUS, minimum=None),
    _number("hunan.park_hightech_share", "{year-1}年度高新技术产业产值占园区工业总产值比例（%）（预计）",
            unit_types=PARK_TYPES, section="park_status", cite=_PARK_STATUS, maximum=100),
    _number("hunan.park_solid_waste_utilisation", "{year-1}年度工业固体废物综合利用率（%）（预计）", unit_types=PARK_TYPES,
            section="park_status", cite=_PARK_STATUS, maximum=100),
    _number("hunan.park_wastewater_intensity", "{year-1}年度万元工业增加值废水排放量（吨/万元）（预计）", unit_types=PARK_TYPES,
            section="park_status", cite=_PARK_STATUS),
    _number("hunan.park_total_output_est", "{year-1}年园区总产值（亿元）（预计）", unit_types=PARK_TYPES,
            section="park_status", cite=f"{S000} 附件2-2"),
    _number("hunan.park_industrial_output_est", "{year-1}年园区工业总产值（亿元）（预计）", unit_types=PARK_TYPES,
            section="park_status", cite=f"{S000} 附件2-2"),
    *(_number(code, label, unit_types=PARK_TYPES, section="honours", integer=True,
              cite=f"{PARK_FORM} 近五年内在绿色制造方面取得相关荣誉（资质）情况")
      for code, label in PARK_HONOUR_COUNTS),
    _flag(r.F_PARK_MAIN_FUNCTION, "以产品制造和能源供给为主要功能", unit_types=PARK_TYPES, section="park_conditions",
          cite=f"{S000} 一.2"),
    _number(r.F_PARK_VA_SHARE, "工业增加值占比（%）", unit_types=PARK_TYPES, section="park_conditions",
            cite=f"{S000} 一.2 (超过50%)", maximum=100),
    _flag(r.F_PARK_LEGAL_BOUNDARY, "具有法定边界和范围", unit_types=PARK_TYPES, section="park_conditions",
          cite=f"{S000} 一.2"),
    _flag(r.F_PARK_UNIFIED_MANAGEMENT, "具备统一管理机构", unit_types=PARK_TYPES, section="park_conditions",
          cite=f"{S000} 一.2"),
)

# ------------------------------------------------------- every unit type --

COMMON_FIELDS = (
    _text("hunan.fax", "传真号码", unit_types=ALL_TYPES, section="basic", cite=f"{FACTORY_FORM}; {PARK_FORM}",
          required=False, max_len=30),
    _upload("hunan.work_plan", "湖南省绿色制造体系创建工作方案", unit_types=ALL_TYPES, section="work_plan",
            cite=r.WORK_PLAN_CITE, outline=list(r.WORK_PLAN_OUTLINE)),
    *(_flag(code, label, unit_types=ALL_TYPES, section="bonus", cite=r.BONUS_CITE) for code, label in r.BONUS_ITEMS),
    _upload("hunan.honours_evidence", "荣誉、资质及加分事项名单与佐证材料", unit_types=ALL_TYPES, section="bonus",
            cite=f"{FACTORY_FORM} 注3; {PARK_FORM} 注2; {S000} 二.2", required=False),
)

# ------------------------------------- scope and priority claims (000 一.1, 一.3) --


def _optional_choice(code, label, choices, *, unit_types, section, cite):
    """A choice the applicant may leave empty (a claim: no claim, no priority)."""
    return _field(code, label, FieldKind.CHOICE, unit_types=unit_types, section=section, cite=cite,
                  choices=tuple(choices))


SCOPE_FIELDS = (
    _flag(r.F_ABOVE_SIZE, "本单位为规模以上工业企业", unit_types=("factory",), section="conditions",
          cite=r.SCOPE_CITE_FACTORY),
    _optional_choice(r.F_ENERGY_LEVEL, "能效水平（优先推荐）", r.ENERGY_LEVELS, unit_types=("factory",),
                     section="conditions", cite=r.PRIORITY_CITE_ENERGY),
    _upload(r.F_ENERGY_PROOF, "能效标杆水平或能耗限额先进值佐证材料", unit_types=("factory",), section="conditions",
            cite=r.PRIORITY_CITE_ENERGY, required=False),
    _optional_choice(r.F_SC_ROLE, "龙头企业或链主企业", r.SC_ROLES, unit_types=("supply_chain",), section="conditions",
                     cite=r.SCOPE_CITE_SC),
    _upload(r.F_SC_ROLE_PROOF, "龙头企业或链主企业佐证材料", unit_types=("supply_chain",), section="conditions",
            cite=r.SCOPE_CITE_SC, required=False),
)

FORM_FIELDS = FACTORY_FIELDS + PARK_FIELDS + COMMON_FIELDS + SCOPE_FIELDS

#: English labels (platform translations; the form's own labels above are the official ones)
LABELS_EN = {
    "hunan.above_designated_size": "The enterprise is an industrial enterprise above designated size",
    "hunan.bonus_cleaner_production": "Carries out a cleaner-production audit",
    "hunan.bonus_energy_diagnosis": "Carries out an energy-saving diagnosis",
    "hunan.bonus_green_design": "Develops green-design products",
    "hunan.bonus_resource_announcement": "Applies for the resource-utilisation industry standard announcement",
    "hunan.bonus_solid_waste_demo": "Applies for Hunan's industrial solid-waste utilisation demonstration",
    "hunan.bonus_solution_provider": "Applies as a green-manufacturing system solution provider",
    "hunan.bonus_water_saving": "Applies for recognition as a water-saving enterprise",
    "hunan.cp_audit_date": "Date the latest cleaner-production audit was completed",
    "hunan.cp_mandatory_status": "Mandatory cleaner-production audit (last five years)",
    "hunan.cp_voluntary_status": "Voluntary cleaner-production audit (last five years)",
    "hunan.energy_diagnosis_status": "Energy-saving diagnosis in the last five years",
    "hunan.energy_efficiency_level": "Energy-efficiency level (recommended first)",
    "hunan.energy_efficiency_proof": "Proof of benchmark energy efficiency or the advanced energy-consumption limit",
    "hunan.energy_total": "Expected total energy use in {year-1} (10,000 tce)",
    "hunan.enterprise_nature": "Type of enterprise",
    "hunan.fax": "Fax number",
    "hunan.finances": "The enterprise's business in the last three years",
    "hunan.founded_on": "Date founded",
    "hunan.honour_carbon_benchmark": "Industrial carbon-reduction benchmark enterprise",
    "hunan.honour_design_demo": "Industrial product green-design demonstration enterprise",
    "hunan.honour_green_unit": "Green factory or green supply-chain management enterprise",
    "hunan.honour_solid_waste_demo": "Provincial industrial solid-waste utilisation demonstration enterprise (project)",
    "hunan.honour_solution_provider": "National or provincial green-manufacturing system solution provider",
    "hunan.honour_water_saving": "Provincial water-saving enterprise",
    "hunan.honours_evidence": "Honours, qualifications and bonus items, with proof",
    "hunan.industry": "Industry",
    "hunan.leading_industry": "Leading industries",
    "hunan.main_business": "Main business",
    "hunan.modern_industry": "Modern industrial system it belongs to",
    "hunan.org_code": "Organization code",
    "hunan.park_above_size_count": "Of which enterprises above designated size",
    "hunan.park_built_area": "Built-up area of the park (km²)",
    "hunan.park_cp_mandatory_count": "Of which passed a mandatory cleaner-production audit (last five years)",
    "hunan.park_cp_voluntary_count": "Of which passed a voluntary cleaner-production audit (last five years)",
    "hunan.park_energy_intensity_decline": "Decline in energy use per 10,000 yuan of industrial value added in {year-1} "
                                           "(%, expected)",
    "hunan.park_energy_intensive_count": "Of which energy-intensive enterprises",
    "hunan.park_enterprise_count": "Enterprises in the park",
    "hunan.park_hightech_share": "High-tech industries' share of the park's gross industrial output in {year-1} "
                                 "(%, expected)",
    "hunan.park_hon_carbon_benchmark": "Hunan industrial carbon-reduction benchmark enterprises (number)",
    "hunan.park_hon_design_demo": "National industrial product green-design demonstration enterprises (number)",
    "hunan.park_hon_nat_design_firms": "Enterprises with national green-design products (number)",
    "hunan.park_hon_nat_design_products": "National green-design products (number)",
    "hunan.park_hon_nat_factory": "National green factories (number)",
    "hunan.park_hon_nat_solution_provider": "National green-manufacturing system solution providers (number)",
    "hunan.park_hon_nat_supply_chain": "National green supply-chain management demonstration enterprises (number)",
    "hunan.park_hon_prov_design_firms": "Enterprises with Hunan green-design products (number)",
    "hunan.park_hon_prov_design_products": "Hunan green-design products (number)",
    "hunan.park_hon_prov_factory": "Provincial green factories (number)",
    "hunan.park_hon_prov_solution_provider": "Hunan green-manufacturing system solution providers (number)",
    "hunan.park_hon_prov_supply_chain": "Provincial green supply-chain management demonstration enterprises (number)",
    "hunan.park_hon_solid_waste_firms": "Hunan industrial solid-waste utilisation demonstration enterprises (number)",
    "hunan.park_hon_solid_waste_projects": "Hunan industrial solid-waste utilisation demonstration projects (number)",
    "hunan.park_hon_water_saving": "Hunan water-saving enterprises (number)",
    "hunan.park_industrial_output_est": "The park's gross industrial output in {year-1} (100 million yuan, expected)",
    "hunan.park_industrial_va_share": "Share of industrial value added (%)",
    "hunan.park_key_enterprise_count": "Key enterprises in the park",
    "hunan.park_legal_boundary": "Has statutory boundaries and extent",
    "hunan.park_level": "Level of the park",
    "hunan.park_main_function": "Mainly for manufacturing and energy supply",
    "hunan.park_planned_area": "Planned area of the park (km²)",
    "hunan.park_solid_waste_utilisation": "Utilisation rate of industrial solid waste in {year-1} (%, expected)",
    "hunan.park_total_output_est": "The park's gross output in {year-1} (100 million yuan, expected)",
    "hunan.park_unified_management": "Has a unified management body",
    "hunan.park_wastewater_intensity": "Wastewater per 10,000 yuan of industrial value added in {year-1} "
                                       "(t per 10,000 yuan, expected)",
    "hunan.products": "Expected production and sales of the main products in {year-1}",
    "hunan.sc_lead_proof": "Proof of being a leading or chain-leader enterprise",
    "hunan.sc_lead_role": "Leading or chain-leader enterprise",
    "hunan.water_total": "Expected total water use in {year-1} (10,000 m³)",
    "hunan.work_plan": "Hunan green-manufacturing system work plan",
}
#: English of the texts inside the fields (options, table columns), a platform translation: what is sent and stored
#: stays the document's Chinese
TERMS_EN = {
    # 所属行业 (seed 000 附件1)
    "有色金属": "Non-ferrous metals", "冶金": "Metallurgy", "建材": "Building materials", "化工": "Chemicals",
    "机械": "Machinery", "汽车": "Automotive", "电子": "Electronics", "轻工": "Light industry", "食品": "Food",
    "生物医药": "Biomedicine", "其它": "Other",
    # 所属现代产业体系 (seed 000 附件1)
    "现代石化": "Modern petrochemicals", "绿色矿山": "Green mining", "食品加工": "Food processing",
    "轻工纺织": "Light industry and textiles", "工程机械": "Construction machinery", "轨道交通": "Rail transit",
    "现代农业": "Modern agriculture", "文化旅游": "Culture and tourism", "数字产业": "Digital industry",
    "新能源": "New energy", "大健康": "Health", "空天海洋": "Aerospace and marine", "人工智能": "Artificial intelligence",
    "生命工程": "Life engineering", "量子科技": "Quantum technology", "前沿材料": "Frontier materials",
    # 近五年实施清洁生产情况, 节能诊断
    "已完成": "Completed", "未完成": "Not completed",
    # 主要产品生产销售情况
    "产品名称": "Product", "生产能力": "Production capacity", "年生产量": "Annual output", "产销率（%）": "Sales-to-output ratio (%)",
    "国内市场占有率（%）": "Domestic market share (%)",
    # 企业近三年经营情况
    "年度": "Year", "总资产（万元）": "Total assets (10,000 yuan)", "负债率（%）": "Debt ratio (%)",
    "主营业务收入（万元）": "Main business revenue (10,000 yuan)", "利润（万元）": "Profit (10,000 yuan)",
    "税金（万元）": "Taxes (10,000 yuan)",
    # 园区级别, 能效水平, 链主企业
    "国家级": "National", "省级": "Provincial",
    "达到能效标杆水平（重点用能行业）": "At the energy-efficiency benchmark level (key energy-using industries)",
    "达到国家能源消耗限额标准先进值（其他行业）": "At the advanced value of the national energy-consumption quota standards "
                                              "(other industries)",
    "均未达到": "Neither", "行业龙头企业": "Leading enterprise of its industry",
    "在产业链发挥主导作用的链主企业": "Chain-leader enterprise steering its industrial chain", "以上均不是": "None of these",
}
FORM_FIELDS = with_english_labels(FORM_FIELDS, LABELS_EN, TERMS_EN)

#: what an enterprise or a park typically fills in (invented figures, not policy): the demo instance fills its
#: applications with them and the contract kit checks each one passes its field; the three years of finances and the
#: dates follow the round (``{year-1}``: the year before it)
EXAMPLES = {
    r.F_INDUSTRY: "化工", r.F_MODERN_INDUSTRY: "现代石化",
    "hunan.main_business": "精细化工产品、环氧树脂及固化剂的研发、生产和销售",
    "hunan.enterprise_nature": "民营企业",
    "hunan.founded_on": "2008-05-16",
    r.F_CP_MANDATORY: r.DONE, r.F_CP_VOLUNTARY: r.NOT_DONE, r.F_CP_AUDIT_DATE: "{year-2}-06-30",
    r.F_ENERGY_DIAGNOSIS: r.DONE,
    "hunan.products": [
        {"name": "环氧树脂", "capacity": "5万吨/年", "output": "4.3万吨", "sales_rate": "98.5", "market_share": "3.2"},
        {"name": "环氧固化剂", "capacity": "1.2万吨/年", "output": "1.0万吨", "sales_rate": "96.0",
         "market_share": "1.8"},
    ],
    "hunan.energy_total": "1.86", "hunan.water_total": "42.5",
    "hunan.finances": [
        {"year": "{year-3}", "total_assets": "86500", "debt_ratio": "46.2", "revenue": "72800", "profit": "5230",
         "tax": "2160"},
        {"year": "{year-2}", "total_assets": "91200", "debt_ratio": "44.8", "revenue": "78600", "profit": "5910",
         "tax": "2380"},
        {"year": "{year-1}", "total_assets": "97400", "debt_ratio": "43.5", "revenue": "84300", "profit": "6420",
         "tax": "2570"},
    ],
    r.F_PARK_LEVEL: "省级", "hunan.leading_industry": "新材料、先进装备制造、食品加工",
    "hunan.park_planned_area": "32.6", "hunan.park_built_area": "21.4",
    "hunan.park_enterprise_count": 186, r.F_PARK_ABOVE_SIZE: 124, "hunan.park_energy_intensive_count": 17,
    "hunan.park_key_enterprise_count": 23, r.F_PARK_CP_MANDATORY: 21, r.F_PARK_CP_VOLUNTARY: 9,
    "hunan.park_energy_intensity_decline": "3.8", "hunan.park_hightech_share": "46.5",
    "hunan.park_solid_waste_utilisation": "91.2", "hunan.park_wastewater_intensity": "2.35",
    "hunan.park_total_output_est": "612.4", "hunan.park_industrial_output_est": "538.7",
    "hunan.park_hon_nat_factory": 6, "hunan.park_hon_prov_factory": 14, "hunan.park_hon_nat_supply_chain": 1,
    "hunan.park_hon_prov_supply_chain": 3, "hunan.park_hon_nat_design_firms": 2, "hunan.park_hon_nat_design_products": 5,
    "hunan.park_hon_prov_design_firms": 4, "hunan.park_hon_prov_design_products": 9, "hunan.park_hon_design_demo": 0,
    "hunan.park_hon_nat_solution_provider": 0, "hunan.park_hon_prov_solution_provider": 1,
    "hunan.park_hon_water_saving": 5, "hunan.park_hon_solid_waste_firms": 2, "hunan.park_hon_solid_waste_projects": 3,
    "hunan.park_hon_carbon_benchmark": 1,
    r.F_PARK_MAIN_FUNCTION: True, r.F_PARK_VA_SHARE: "68.5", r.F_PARK_LEGAL_BOUNDARY: True,
    r.F_PARK_UNIFIED_MANAGEMENT: True,
    "hunan.fax": "0731-88765432",
    r.F_ABOVE_SIZE: True, r.F_ENERGY_LEVEL: r.ENERGY_LEVELS[0], r.F_SC_ROLE: r.SC_LEADER,
}
FORM_FIELDS = with_examples(FORM_FIELDS, EXAMPLES)
