"""Hubei's summary table prints the firm's filed score under 评价得分 (issue 42).

Seed 002 (002_9c75e1d2ebfbdf50.txt) 三(三): the applicant chooses a qualified third party for an on-site evaluation;
its 附件2: the firm answers for what it evaluates. The platform layout (plugins/hubei/layouts.py) prints
第三方评价机构 and 评价得分 side by side: the score beside the firm's name is the firm's, as filed with its report
(66.55), not the applicant's self-evaluation (66.67) the xlsx showed. Before the firm files, the cell is empty.
"""
from __future__ import annotations

import io
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))  # kit.py
import kit  # noqa: E402

from core.extensions import db  # noqa: E402
from core.models import EvaluationRequest  # noqa: E402


@pytest.mark.region("hubei")
def test_hubei_summary_prints_the_firms_filed_score_beside_its_name(app):
    from core.applications.summary import export_xlsx, import_xlsx

    with app.app_context():
        city, c = kit.unit("hubei", "hubei.ezhou", "鄂州市"), kit.campaign("hubei", 2025)
        filed, waiting = kit.application(c, city), kit.application(c, city)
        filed.score, waiting.score = Decimal("66.67"), Decimal("70.10")
        firm = kit.firm(name="湖北绿评咨询有限公司", division="420000")
        for a in (filed, waiting):
            a.evaluator_firm_id = firm.id
            request = EvaluationRequest(application_id=a.id, firm_id=firm.id, status="accepted",
                                        self_evaluation_by="self", requested_by="t")
            db.session.add(request)
            db.session.flush()
            if a is filed:
                kit.firm_report(request, score=66.55)
        db.session.commit()
        content = export_xlsx(city, c, "city")
        ws = load_workbook(io.BytesIO(content)).worksheets[0]
        cells = [[c.value for c in row] for row in ws.iter_rows()]
        header = next(r for r in cells if "评价得分" in r)
        firm_col, score_col = header.index("第三方评价机构"), header.index("评价得分")
        printed = sorted(r[score_col] for r in cells if r is not header and r[firm_col] == firm.name
                         and r[score_col] is not None)
        assert printed == [66.55]  # the firm's filed score; the one not yet filed prints nothing
        assert 66.67 not in [v for r in cells for v in r] and 70.1 not in [v for r in cells for v in r]
        # the table comes back unchanged: the filed score is the platform's, read back as it is
        report = import_xlsx(city, c, content, "city")
        assert report["ok"] and report["unchanged"] == 2, report["rows"]
