"""Jiangxi's documents, as people cite them (number 文号, title, issuer, date, validity).

Core turns each cite (``"003_a3fa60aeba77aa34.txt 三（一）"``) into ``《…》（赣工信办节能函〔2024〕20号）三（一）``
through this table. National registers the same record (its rules cite 003 too).
"""
import datetime as dt

from core.plugins.types import Document

S003 = "003_a3fa60aeba77aa34.txt"

#: seed 003: 赣工信办节能函〔2024〕20号, 2024年4月2日; the notice of the 2024 round.
NOTICE_2024 = Document(
    code="jiangxi-2024-20", number="赣工信办节能函〔2024〕20号",
    title="关于开展2024年度国家级绿色制造名单推荐暨省级绿色制造名单遴选工作的通知",
    title_en="Jiangxi notice on the 2024 national recommendation and provincial selection",
    issuer="江西省工业和信息化厅办公室", issued=dt.date(2024, 4, 2), valid_to=dt.date(2024, 12, 31), seed=S003,
    validity_note="the notice of the 2024 round; in force for that round", cite=f"{S003} 标题; 落款")

DOCUMENTS = (NOTICE_2024,)
