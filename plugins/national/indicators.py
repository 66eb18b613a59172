"""MIIT 2025 evaluation tables (工信厅节函〔2025〕390号 附件1 and 附件2) and the 53 key industries.

Source: 001_3f04a56fc6693327.txt, 附件1 绿色工厂评价要求 (14 indicators), 附件2 绿色工业园区评价要求
(17 indicators), 附件3 重点行业清单. Weights, directions and types are copied from the tables.
"""
from dataclasses import replace

from core.plugins.types import Indicator, IndicatorKind as K, IndicatorSet, Industry, IndustryChoices

SEED_001 = "001_3f04a56fc6693327.txt"

#: the tables' units in English on English pages (a platform translation; 附件1 and 附件2 print them in Chinese):
#: 万元 is 10,000 yuan, 亿元 100 million yuan; "%" needs none
UNITS_EN = {
    "tce/产品单位或tce/万元": "tce/unit of product or tce/10,000 yuan",
    "tCO2/产品单位或tCO2/万元": "tCO2/unit of product or tCO2/10,000 yuan",
    "项": "functions",
    "原材料单位/产品单位或原材料单位/万元": "unit of raw material/unit of product or unit of raw material/10,000 yuan",
    "m3/产品单位或m3/万元": "m3/unit of product or m3/10,000 yuan",
    "污染物单位/产品单位或污染物单位/万元": "unit of pollutant/unit of product or unit of pollutant/10,000 yuan",
    "产品单位/m2或万元/m2": "units of product/m2 or 10,000 yuan/m2",
    "亿元/km2": "100 million yuan/km2",
    "万元/tce": "10,000 yuan/tce",
    "元/m3": "yuan/m3",
    "t/万元": "t/10,000 yuan",
    "tCO2/万元": "tCO2/10,000 yuan",
}


def _with_english_units(iset: IndicatorSet) -> IndicatorSet:
    """``iset`` with each indicator's English unit (``unit_en``) from :data:`UNITS_EN`."""
    return replace(iset, indicators=tuple(replace(i, unit_en=UNITS_EN.get(i.unit, i.unit_en))
                                          for i in iset.indicators))


FACTORY_2025 = IndicatorSet(
    code="miit2025.factory",
    title="绿色工厂评价要求（2025）",
    unit_type="factory",
    year_from=2025,
    cite=f"{SEED_001} 附件1 绿色工厂评价要求",
    indicators=(
        Indicator(number=1, name="能源消耗强度", name_en="Energy consumption intensity",
                  group="能源低碳化", weight=8, kind=K.REVERSE, unit="tce/产品单位或tce/万元"),
        Indicator(number=2, name="碳排放强度", name_en="Carbon emission intensity",
                  group="能源低碳化", weight=8, kind=K.REVERSE, unit="tCO2/产品单位或tCO2/万元"),
        Indicator(number=3, name="可再生能源利用率", name_en="Renewable energy utilization rate",
                  group="能源低碳化", weight=8, kind=K.POSITIVE, unit="%", percent=True),
        Indicator(number=4, name="能碳管理系统平台功能符合数量",
                  name_en="Functions of the energy and carbon management platform in place",
                  group="能源低碳化", weight=6, kind=K.POSITIVE, unit="项",
                  leading=8, baseline=0),
        Indicator(number=5, name="原材料消耗强度", name_en="Raw material consumption intensity",
                  group="资源高效化", weight=8, kind=K.REVERSE, unit="原材料单位/产品单位或原材料单位/万元"),
        Indicator(number=6, name="取水强度", name_en="Water withdrawal intensity",
                  group="资源高效化", weight=8, kind=K.REVERSE, unit="m3/产品单位或m3/万元"),
        Indicator(number=7, name="工业用水重复利用率", name_en="Industrial water reuse rate",
                  group="资源高效化", weight=8, kind=K.POSITIVE, unit="%", percent=True),
        Indicator(number=8, name="一般工业固体废物综合利用率", name_en="Utilization rate of general industrial solid waste",
                  group="资源高效化", weight=6, kind=K.POSITIVE, unit="%", percent=True),
        Indicator(number=9, name="生产工艺和设备先进性", name_en="Advanced production processes and equipment",
                  group="生产洁净化", weight=6, kind=K.QUALITATIVE),
        Indicator(number=10, name="绿色低碳改造升级项目投资额占比", name_en="Share of investment in green and low-carbon upgrades",
                  group="生产洁净化", weight=4, kind=K.POSITIVE, unit="%", percent=True),
        Indicator(number=11, name="主要污染物产生或排放强度", name_en="Generation or emission intensity of major pollutants",
                  group="生产洁净化", weight=6, kind=K.REVERSE, unit="污染物单位/产品单位或污染物单位/万元"),
        Indicator(number=12, name="绿色设计", name_en="Green design",
                  group="产品绿色化", weight=8, kind=K.QUALITATIVE),
        Indicator(number=13, name="产品碳足迹", name_en="Product carbon footprint",
                  group="产品绿色化", weight=8, kind=K.QUALITATIVE),
        Indicator(number=14, name="土地产出率", name_en="Land output rate",
                  group="用地集约化", weight=8, kind=K.POSITIVE, unit="产品单位/m2或万元/m2"),
    ),
    params={
        # 12 business functions counted by indicator 4 (附件1 第4项 取值规则)
        "platform_functions": (
            "能耗查询", "能源消费量和强度计算", "能源消费分析与用能策略推荐", "能效对标", "能流分析",
            "能效平衡与优化", "用能与碳排放预算管理", "碳排放", "碳足迹核算", "供应链碳管理",
            "碳核查支撑", "碳资产管理",
        ),
        "group_weights": {"能源低碳化": 30, "资源高效化": 30, "生产洁净化": 16, "产品绿色化": 16, "用地集约化": 8},
    },
)

PARK_2025 = IndicatorSet(
    code="miit2025.park",
    title="绿色工业园区评价要求（2025）",
    unit_type="park",
    year_from=2025,
    cite=f"{SEED_001} 附件2 绿色工业园区评价要求",
    indicators=(
        Indicator(number=1, name="近三年工业总产值年均增长率",
                  name_en="Average annual growth of gross industrial output, last three years",
                  group="产业发展", weight=4, kind=K.POSITIVE, unit="%"),
        Indicator(number=2, name="省以上绿色工厂总产值占园区工业总产值比例",
                  name_en="Share of provincial or national green factories in the park's gross industrial output",
                  group="产业发展", weight=7, kind=K.POSITIVE, unit="%", percent=True),
        Indicator(number=3, name="高新技术企业工业总产值占园区工业总产值比例",
                  name_en="Share of high-tech enterprises in the park's gross industrial output",
                  group="产业发展", weight=7, kind=K.POSITIVE, unit="%", percent=True),
        Indicator(number=4, name="能源产出率", name_en="Energy productivity",
                  group="能源利用", weight=7, kind=K.POSITIVE, unit="万元/tce"),
        Indicator(number=5, name="可再生能源利用率", name_en="Renewable energy utilization rate",
                  group="能源利用", weight=7, kind=K.POSITIVE, unit="%", percent=True),
        Indicator(number=6, name="单位产品能源消耗达到2级以上企业综合能源消耗占比",
                  name_en="Share of energy used by enterprises at grade 2 or better in energy use per product",
                  group="能源利用", weight=6, kind=K.POSITIVE, unit="%", percent=True),
        Indicator(number=7, name="水资源产出率", name_en="Water productivity",
                  group="资源利用", weight=7, kind=K.POSITIVE, unit="元/m3"),
        Indicator(number=8, name="土地资源产出率", name_en="Land productivity",
                  group="资源利用", weight=6, kind=K.POSITIVE, unit="亿元/km2"),
        Indicator(number=9, name="一般工业固体废弃物综合利用率", name_en="Utilization rate of general industrial solid waste",
                  group="资源利用", weight=7, kind=K.POSITIVE, unit="%", percent=True),
        Indicator(number=10, name="新建工业建筑中绿色建筑的比例", name_en="Share of green buildings among new industrial buildings",
                  group="基础设施", weight=3, kind=K.POSITIVE, unit="%", percent=True),
        Indicator(number=11, name="新建公共建筑中绿色建筑的比例", name_en="Share of green buildings among new public buildings",
                  group="基础设施", weight=3, kind=K.POSITIVE, unit="%", percent=True),
        Indicator(number=12, name="建设园区工业绿色微电网", name_en="Industrial green microgrid in the park",
                  group="基础设施", weight=5, kind=K.QUALITATIVE),
        Indicator(number=13, name="建设园区能碳管理中心", name_en="Energy and carbon management centre in the park",
                  group="基础设施", weight=5, kind=K.QUALITATIVE),
        Indicator(number=14, name="单位工业增加值废水排放量", name_en="Wastewater discharge per unit of industrial value added",
                  group="生态环境", weight=6, kind=K.REVERSE, unit="t/万元"),
        Indicator(number=15, name="主要污染物排放弹性系数", name_en="Elasticity coefficient of major pollutant emissions",
                  group="生态环境", weight=6, kind=K.ELASTICITY),
        Indicator(number=16, name="单位工业增加值二氧化碳排放量", name_en="CO2 emissions per unit of industrial value added",
                  group="生态环境", weight=7, kind=K.REVERSE, unit="tCO2/万元"),
        Indicator(number=17, name="二氧化碳排放弹性系数", name_en="Elasticity coefficient of CO2 emissions",
                  group="生态环境", weight=7, kind=K.ELASTICITY),
    ),
    params={
        # The official elasticity rule is not published (domain.md B3.3, C1). Default is the
        # published city-level analogue: growth > 0: full at e <= 0.5, zero at e >= 1;
        # growth < 0: full at e >= 2, zero at e <= 1; zero growth needs review.
        "elasticity": {
            "growth_positive": {"full_at": 0.5, "zero_at": 1.0},
            "growth_negative": {"full_at": 2.0, "zero_at": 1.0},
        },
    },
)

FACTORY_2025, PARK_2025 = _with_english_units(FACTORY_2025), _with_english_units(PARK_2025)

_KEY_INDUSTRIES = {
    "钢铁": ["长流程钢铁", "短流程钢铁", "铁合金", "焦化"],
    "石油化工": ["石油化工一体化", "精对苯二甲酸", "煤制烯烃", "烧碱", "纯碱", "电石", "黄磷", "尿素", "磷铵",
             "钛白粉", "聚氯乙烯", "轮胎", "涂料"],
    "有色": ["铜冶炼", "锌冶炼", "铅冶炼", "电解铝", "工业硅", "氧化铝"],
    "建材": ["水泥", "平板玻璃及制品", "建筑陶瓷", "卫生陶瓷"],
    "机械": ["汽车整车", "船舶", "铸造", "锅炉", "内燃机及其零部件", "压缩机", "电机", "变压器", "电线电缆", "风电装备"],
    "轻工": ["造纸", "家用电器", "日用陶瓷", "皮革", "制糖"],
    "纺织": ["印染", "化学纤维", "棉纺织", "色纺纱"],
    "电子": ["光伏", "锂离子电池", "计算机", "印制电路板", "集成电路", "显示器件", "移动通信终端"],
}
#: the industries' English on English pages (a platform translation; 附件3 names them in Chinese only)
_KEY_INDUSTRIES_EN = {
    "长流程钢铁": "Long-process (blast furnace) steel", "短流程钢铁": "Short-process (electric furnace) steel",
    "铁合金": "Ferroalloys", "焦化": "Coking",
    "石油化工一体化": "Integrated refining and petrochemicals", "精对苯二甲酸": "Purified terephthalic acid (PTA)",
    "煤制烯烃": "Coal-to-olefins", "烧碱": "Caustic soda", "纯碱": "Soda ash", "电石": "Calcium carbide",
    "黄磷": "Yellow phosphorus", "尿素": "Urea", "磷铵": "Ammonium phosphates", "钛白粉": "Titanium dioxide",
    "聚氯乙烯": "Polyvinyl chloride (PVC)", "轮胎": "Tyres", "涂料": "Coatings",
    "铜冶炼": "Copper smelting", "锌冶炼": "Zinc smelting", "铅冶炼": "Lead smelting",
    "电解铝": "Electrolytic aluminium", "工业硅": "Industrial silicon", "氧化铝": "Alumina",
    "水泥": "Cement", "平板玻璃及制品": "Flat glass and glass products", "建筑陶瓷": "Building ceramics",
    "卫生陶瓷": "Sanitary ceramics",
    "汽车整车": "Complete vehicles", "船舶": "Ships", "铸造": "Foundry", "锅炉": "Boilers",
    "内燃机及其零部件": "Internal combustion engines and their parts", "压缩机": "Compressors",
    "电机": "Electric motors", "变压器": "Transformers", "电线电缆": "Wires and cables",
    "风电装备": "Wind power equipment",
    "造纸": "Papermaking", "家用电器": "Household appliances", "日用陶瓷": "Household ceramics",
    "皮革": "Leather", "制糖": "Sugar",
    "印染": "Printing and dyeing", "化学纤维": "Chemical fibres", "棉纺织": "Cotton textiles",
    "色纺纱": "Colour-spun yarn",
    "光伏": "Photovoltaics", "锂离子电池": "Lithium-ion batteries", "计算机": "Computers",
    "印制电路板": "Printed circuit boards", "集成电路": "Integrated circuits", "显示器件": "Display devices",
    "移动通信终端": "Mobile communication terminals",
}
_SECTOR_CODES = {"钢铁": "steel", "石油化工": "petrochem", "有色": "nonferrous", "建材": "building",
                 "机械": "machinery", "轻工": "light", "纺织": "textile", "电子": "electronics"}

KEY_INDUSTRIES = tuple(
    Industry(code=f"{_SECTOR_CODES[sector]}.{i + 1:02d}", name=name, sector=sector, name_en=_KEY_INDUSTRIES_EN[name],
             cite=f"{SEED_001} 附件3 重点行业清单")
    for sector, names in _KEY_INDUSTRIES.items()
    for i, name in enumerate(names)
)


#: issue 17: an application names one of the key industries of 附件3, or none (通则); a province's round whose
#: document accepts any industry says so itself (``gm_policy_industries``)
INDUSTRY_CHOICES = IndustryChoices(codes=(), open=False,
                                   cite=f"{SEED_001} 三 (本年度绿色工厂重点支持53个重点行业的企业…不属于重点行业的企业…依据通则进行自评价); 附件3")
