"""Shanxi's documents, as people cite them (number 文号, title, issuer, date, validity).

Core turns each cite (``"004_7a8ddd82f611ab67.txt 第十三条"``) into
``《绿色工厂梯度培育及管理实施细则》（晋工信节能规字〔2024〕3号）第十三条`` through this table. National registers
the same record (its rules cite 004 too).
"""
import datetime as dt

from core.plugins.types import Document

S004 = "004_7a8ddd82f611ab67.txt"

#: seed 004: 晋工信节能规字〔2024〕3号 (domain.md B4), issued 2024-07-18; 第三十二条: 自2024年7月19日起实施, 有效期五年.
RULES_2024 = Document(
    code="shanxi-2024-3", number="晋工信节能规字〔2024〕3号", title="绿色工厂梯度培育及管理实施细则",
    title_en="Shanxi detailed rules for green factory cultivation and management",
    issuer="山西省工业和信息化厅", issued=dt.date(2024, 7, 18), valid_from=dt.date(2024, 7, 19),
    valid_to=dt.date(2029, 7, 18), seed=S004, cite=f"{S004} 第三十二条; domain.md B4")

DOCUMENTS = (RULES_2024,)
