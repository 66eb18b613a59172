"""Hunan's documents, as people cite them (number 文号, title, issuer, date, validity).

Core turns each cite (``"000_5ae1342e00264ea1.txt 二.1"``) into ``《…》（湖南省工业和信息化厅 2023年10月20日）二.1``
through this table. Neither Hunan notice prints a document number. The 2025 notice and MIIT's 390号 it
encloses are registered by national too (its rules cite them); the records are identical.
"""
import datetime as dt

from core.plugins.types import Document

S000 = "000_5ae1342e00264ea1.txt"
S001 = "001_3f04a56fc6693327.txt"

#: seed 000: the call for the 2024 creation plan, signed 2023年10月20日; the copy prints no title and no number.
#: The title is the call's own words (我厅现组织开展2024年湖南省绿色制造体系创建计划征集工作). In force for the
#: 2024 plan it collects (二.3 2023-12-05; 二.4 发布2024年度湖南省绿色制造体系创建计划).
CREATION_CALL_2024 = Document(
    code="hunan-2024-creation-call", title="关于开展2024年湖南省绿色制造体系创建计划征集工作的通知",
    title_en="Hunan call for the 2024 green manufacturing creation plan", issuer="湖南省工业和信息化厅",
    issued=dt.date(2023, 10, 20), valid_to=dt.date(2024, 12, 31), seed=S000,
    validity_note="the call for the 2024 creation plan; in force from its date to the end of the plan year",
    cite=f"{S000} 正文第一段; 落款 (2023年10月20日)")

#: seed 001: Hunan's 2025 notice (undated; not before the 390号 it forwards, 2025-09-28).
HUNAN_2025_NATIONAL = Document(
    code="hunan-2025-national-notice", title="关于开展2025年度国家级绿色制造单位推荐工作的通知",
    title_en="Hunan notice on the 2025 national recommendation", issuer="湖南省工业和信息化厅",
    valid_from=dt.date(2025, 9, 28), valid_to=dt.date(2025, 12, 31), seed=S001,
    validity_note="undated; not before the 390号 it forwards (2025-09-28); in force for the 2025 round",
    cite=f"{S001} 标题")

DOCUMENTS = (CREATION_CALL_2024, HUNAN_2025_NATIONAL)
