"""Hubei's documents, as people cite them (number 文号, title, issuer, date, validity).

Core turns each cite (``"002_9c75e1d2ebfbdf50.txt 附件3"``) into
``《湖北省绿色制造体系建设实施方案（2022—2025年）》（鄂经信办节能〔2022〕8号）附件3`` through this table.
"""
import datetime as dt

from core.plugins.types import Document

S002 = "002_9c75e1d2ebfbdf50.txt"

#: seed 002: 鄂经信办节能〔2022〕8号, 2022年5月27日, enclosing the 实施方案 (2022—2025年). In force from its date
#: to the end of the plan's last year.
PLAN_2022 = Document(
    code="hubei-2022-8", number="鄂经信办节能〔2022〕8号", title="湖北省绿色制造体系建设实施方案（2022—2025年）",
    title_en="Hubei green manufacturing system plan (2022-2025)", issuer="湖北省经济和信息化厅办公室",
    issued=dt.date(2022, 5, 27), valid_to=dt.date(2025, 12, 31), seed=S002,
    validity_note="a plan for 2022—2025 (一(二): 到2025年); in force from its date to 2025-12-31",
    cite=f"{S002} 文号; 落款 (2022年5月27日)")

DOCUMENTS = (PLAN_2022,)
