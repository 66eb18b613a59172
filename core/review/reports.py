"""The engaged firm's evaluation report (评价报告): filed after its on-site evaluation, checked like any
evidence (a real PDF, within the size limit), stored beside the evidence, audited.

Where an application is evaluated by a third party, it is submitted with the firm's report: Hubei's
mandatory on-site evaluation (002_9c75e1d2ebfbdf50.txt 三(三), 附件2 二(二)), Jiangxi's 评价报告（PDF格式电子件）
sent with the city's recommendation (003_a3fa60aeba77aa34.txt 一), Shanxi's 编写评价报告后通过管理平台提交
(004_7a8ddd82f611ab67.txt 第十一条). Eligibility (:func:`core.applications.eligibility.evaluate`) checks at submission that the report is
there. Callers commit.
"""
from __future__ import annotations

import hashlib
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select

from core.applications.evidence import check_pdf, storage_dir
from core.errors import InvalidInput, Refused
from core.extensions import db
from core.models import Application, EvaluationReport, EvaluationRequest, Role, User
from core.services import audit


def _score(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        score = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput("The evaluated score must be a number from 0 to 100.", field="score") from None
    if not Decimal(0) <= score <= Decimal(100):
        raise InvalidInput("The evaluated score must be a number from 0 to 100.", field="score")
    return score.quantize(Decimal("0.01"))


def file_report(user: User, request: EvaluationRequest, data: bytes, filename: str | None,
                score: Any = None) -> EvaluationReport:
    """The firm files (or replaces) its report for an engagement it accepted."""
    if user.role != Role.EVALUATOR or user.evaluator_firm_id != request.firm_id:
        raise Refused("Only the engaged firm files its evaluation report.")
    if request.status != "accepted":
        raise Refused("The firm files its report once it has accepted the engagement (it is %(status)s).",
                      status=request.status)
    pages = check_pdf(data)
    evaluated = _score(score)
    name = uuid.uuid4().hex
    (storage_dir() / name).write_bytes(data)  # no row committed: removed by `greenmfg evidence sweep`
    row = db.session.scalar(select(EvaluationReport).where(EvaluationReport.request_id == request.id))
    before = None if row is None else {"sha256": row.sha256, "score": None if row.score is None else float(row.score)}
    if row is None:
        row = EvaluationReport(request_id=request.id, application_id=request.application_id, firm_id=request.firm_id,
                               original_name="", storage_name=name, size=0, sha256="", pages=0, filed_by=user.username)
        db.session.add(row)
    row.original_name = (filename or "评价报告.pdf").replace("/", "_").replace("\\", "_")[-200:]
    row.storage_name, row.size, row.pages = name, len(data), pages
    row.sha256, row.score, row.filed_by = hashlib.sha256(data).hexdigest(), evaluated, user.username
    db.session.flush()
    audit.record(user.username, "evaluator.report_filed", "application", request.application_id, request=request.id,
                 report=row.id, sha256=row.sha256, pages=pages, score=None if evaluated is None else float(evaluated),
                 replaced=before)
    return row


def report_for(application: Application) -> EvaluationReport | None:
    """The report of the firm engaged for ``application`` (its accepted request), if filed."""
    if application.evaluator_firm_id is None:
        return None
    return db.session.scalar(select(EvaluationReport).join(EvaluationRequest, EvaluationRequest.id ==
                                                           EvaluationReport.request_id)
                             .where(EvaluationReport.application_id == application.id,
                                    EvaluationReport.firm_id == application.evaluator_firm_id,
                                    EvaluationRequest.status == "accepted"))
