"""The documents national's rules cite, as people cite them (number 文号, title, issuer, date, validity).

Core turns each rule's cite (``"001_3f04a56fc6693327.txt 附件1 二 (二)"``) into
``《关于开展2025年度绿色工厂推荐工作的通知》（工信厅节函〔2025〕390号）二 (二)`` through this table; the seed
file names stay here and in the README for developers. A province's document appears here when a national
rule is inferred from it (rules.inferred: the cite presents it as the source of a platform inference, never as
the national rule's source); the province registers the same record.
"""
import datetime as dt

from core.plugins.types import Document

S001 = "001_3f04a56fc6693327.txt"
S003 = "003_a3fa60aeba77aa34.txt"
S004 = "004_7a8ddd82f611ab67.txt"

#: 《绿色工厂梯度培育及管理暂行办法》: not a seed; cited through domain.md B1. 第二十七条: in force from
#: publication; published on gov.cn on 2024-01-30 (domain.md B1: gov.cn …/202401/P020240130…pdf; 科技日报
#: 2024-01-31 "近日印发"). A 暂行办法 has no end date.
MEASURES_2024 = Document(
    code="miit-2024-13", number="工信部节〔2024〕13号", title="绿色工厂梯度培育及管理暂行办法",
    issuer="工业和信息化部", valid_from=dt.date(2024, 1, 30),
    validity_note="第二十七条 本办法自发布之日起实施 (published 2024-01-30, domain.md B1); no end date",
    cite="domain.md B1")

#: MIIT's 2025 notice, enclosed as 附件1 of Hunan's notice in seed 001 (工信厅节函〔2025〕390 号 … 2025 年 9 月 28 日).
#: A round's notice: in force from its date for the 2025 round.
MIIT_390_2025 = Document(
    code="miit-2025-390", number="工信厅节函〔2025〕390号", title="关于开展2025年度绿色工厂推荐工作的通知",
    title_en="Notice on the 2025 green factory recommendation", issuer="工业和信息化部办公厅",
    issued=dt.date(2025, 9, 28), valid_to=dt.date(2025, 12, 31), seed=S001,
    # seed 001's 附件1 is this notice; its own 附件1-3 are the factory and park requirements and the 53 industries
    seed_parts={"附件1 绿色工厂评价要求": "附件1 绿色工厂评价要求",
                "附件2 绿色工业园区评价要求": "附件2 绿色工业园区评价要求",
                "附件3": "附件3", "附件1": ""},
    validity_note="the notice of the 2025 round (二、三: 2025年11月7日前报送); in force for that round",
    cite=f"{S001} 附件1 (工信厅节函〔2025〕390 号; 2025 年 9 月 28 日)")

#: Hunan's notice in seed 001: no number and no date in the copy; it forwards 390号 (2025-09-28) and sets
#: 2025-10-27 and 2025-10-30.
HUNAN_2025_NATIONAL = Document(
    code="hunan-2025-national-notice", title="关于开展2025年度国家级绿色制造单位推荐工作的通知",
    title_en="Hunan notice on the 2025 national recommendation", issuer="湖南省工业和信息化厅",
    valid_from=dt.date(2025, 9, 28), valid_to=dt.date(2025, 12, 31), seed=S001,
    validity_note="undated; not before the 390号 it forwards (2025-09-28); in force for the 2025 round",
    cite=f"{S001} 标题")

#: seed 003: 赣工信办节能函〔2024〕20号, 2024年4月2日; the notice of the 2024 round.
JIANGXI_2024_20 = Document(
    code="jiangxi-2024-20", number="赣工信办节能函〔2024〕20号",
    title="关于开展2024年度国家级绿色制造名单推荐暨省级绿色制造名单遴选工作的通知",
    title_en="Jiangxi notice on the 2024 national recommendation and provincial selection",
    issuer="江西省工业和信息化厅办公室", issued=dt.date(2024, 4, 2), valid_to=dt.date(2024, 12, 31), seed=S003,
    validity_note="the notice of the 2024 round; in force for that round", cite=f"{S003} 标题; 落款")

#: seed 004: 晋工信节能规字〔2024〕3号 (domain.md B4), issued 2024-07-18; 第三十二条: 自2024年7月19日起实施, 有效期五年.
SHANXI_2024_3 = Document(
    code="shanxi-2024-3", number="晋工信节能规字〔2024〕3号", title="绿色工厂梯度培育及管理实施细则",
    title_en="Shanxi detailed rules for green factory cultivation and management",
    issuer="山西省工业和信息化厅", issued=dt.date(2024, 7, 18), valid_from=dt.date(2024, 7, 19),
    valid_to=dt.date(2029, 7, 18), seed=S004, cite=f"{S004} 第三十二条; domain.md B4")

DOCUMENTS = (MEASURES_2024, MIIT_390_2025, HUNAN_2025_NATIONAL, JIANGXI_2024_20, SHANXI_2024_3)
