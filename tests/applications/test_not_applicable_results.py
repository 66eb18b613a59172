"""A condition that does not apply to an application is neither met nor failed: the plugin contract's
:class:`~core.plugins.types.NotApplicable` answer, recorded as ``ok`` True with ``applicable`` False, reads
"– 不适用 / not applicable" on the application's checks and on the province's national gates, and blocks nothing.

The case that needs it: Hubei's plan asks every applicant for an on-site third-party evaluation
(鄂经信办节能〔2022〕8号 三(三), 002_9c75e1d2ebfbdf50.txt), but MIIT's 2025 national round asks for the platform
self-evaluation only, 不再需要提交第三方评价报告 (工信厅节函〔2025〕390号 附件1 二(一), 001_3f04a56fc6693327.txt), so a
self-evaluated unit of Hubei's 2025 national round showed the plan's condition as "✓ 符合" where it does not apply.

Also: a condition a reviewer judges (:class:`~core.plugins.types.ReviewerJudges`) is, at the province's gate to the
national list as on the application, for staff to acknowledge, not a refusal (Hubei's city opinion, 002 三(四)).
"""
from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import pytest
from flask import render_template, render_template_string

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))  # kit.py, shared with tests/review
import kit  # noqa: E402
from helpers import seed_text  # noqa: E402
from core.plugins.types import NotApplicable, Outcome, ReviewerJudges, check_outcome, result_outcome  # noqa: E402

WHY = NotApplicable("2025年国家级推荐不再需要提交第三方评价报告 / no third-party report in the 2025 national round")


def test_the_seeds_say_so():
    assert "自主选择委托符合评价资质要求的第三方评价机构依据相应评价标准开展现场评价" in seed_text("002_9c75e1d2ebfbdf50.txt")
    assert "不再需要提交第三方评价报告" in seed_text("001_3f04a56fc6693327.txt")


def test_a_checks_answer_and_the_fields_its_result_records():
    assert check_outcome(None) == (Outcome.MET, {"ok": True, "message": None})
    assert check_outcome("须委托第三方") == (Outcome.NOT_MET, {"ok": False, "message": "须委托第三方"})
    assert check_outcome(ReviewerJudges("由市级判断")) == (Outcome.REVIEWER, {"ok": None, "message": "由市级判断"})
    outcome, fields = check_outcome(WHY)
    assert outcome is Outcome.NOT_APPLICABLE and fields == {"ok": True, "message": str(WHY), "applicable": False}
    assert type(fields["message"]) is str  # stored as plain JSON
    assert [result_outcome(r) for r in ({"ok": True}, {"ok": False}, {"ok": None}, fields)] == [
        Outcome.MET, Outcome.NOT_MET, Outcome.REVIEWER, Outcome.NOT_APPLICABLE]


def _row(page: str, title: str) -> str:
    return next(r for r in re.findall(r"<tr>(.*?)</tr>", page, re.DOTALL) if title in r)


@pytest.mark.region("hubei")
@pytest.mark.parametrize("lang, shown", [("zh", "– 不适用"), ("en", "– not applicable")])
def test_the_checks_table_shows_a_condition_that_does_not_apply_as_neither_met_nor_failed(app, lang, shown):
    result = {"kind": "rule", "code": "hubei.third_party_evaluation", "title": "委托第三方评价机构开展现场评价 / "
              "on-site third-party evaluation", "source": "hubei", "cite": "002_9c75e1d2ebfbdf50.txt 三(三)",
              "blocking": True, "stage": "recommend", "levels": ["national"], **check_outcome(WHY)[1]}
    met = {**result, "code": "met", "title": "其他条件 / another condition", "ok": True, "message": None}
    met.pop("applicable")
    with app.test_request_context(f"/?lang={lang}"):
        page = render_template("applications/_results.html", results=[result, met])
    row = _row(page, "第三方" if lang == "zh" else "third-party")
    assert shown in row and "✓" not in row and "✗" not in row and "?" not in row, row
    assert ("第三方评价报告" if lang == "zh" else "no third-party report") in row
    assert "✓" in _row(page, "其他条件" if lang == "zh" else "another condition")  # a result without the key: met


@pytest.mark.region("hubei")
@pytest.mark.parametrize("lang, shown", [("zh", "不适用"), ("en", "not applicable")])
def test_the_national_gates_show_a_condition_that_does_not_apply(app, lang, shown):
    gate = {"code": "hubei.third_party_evaluation", "blocking": True, "title": "第三方现场评价 / on-site evaluation",
            "source": "hubei", "cite": "", **check_outcome(WHY)[1]}
    with app.test_request_context(f"/?lang={lang}"):
        html = render_template_string('{% from "lists/_gates.html" import gate_list %}{{ gate_list(gates) }}',
                                      gates=[gate])
    assert 'class="hint not-applicable"' in html and f"– {shown}" in html and 'class="ok"' not in html, html


@pytest.mark.region("hubei")
def test_a_condition_the_city_judges_is_acknowledged_at_the_national_gate_not_refused(app):
    """Hubei's 2025 national round: the city's initial review and opinion (002 三(四)) is a condition the city
    judges when it recommends (ReviewerJudges); at the province's gate to the national list it read as failed and
    blocking, so no Hubei unit of the round could be recommended."""
    from core.extensions import db
    from core.lists import recommend
    from core.models import ApplicationStatus as S, ListEntry

    c = kit.campaign("hubei", year=2025, level="national", types=("factory",))
    a = kit.application(c, kit.unit("hubei", "hubei.wuhan"), status=S.CITY_RECOMMENDED, mode="self")
    a.requested_levels = ["national", "provincial"]
    db.session.add(ListEntry(organization_id=a.organization_id, unit_type="factory", level="provincial", year=2025,
                             status="listed", listed_on=dt.date(2025, 10, 20), notice_no="鄂经信节能〔2025〕1号",
                             application_id=a.id))
    db.session.flush()
    gates = recommend.gates(a, 2025, ["ecology_environment", "emergency_management", "market_regulation"],
                            dt.date(2025, 10, 25))
    opinion = next(g for g in gates if g["code"] == "hubei.city_opinion")
    assert opinion["ok"] is None and "市级经信部门初审" in opinion["message"]
    assert opinion in recommend.warnings(gates) and opinion not in recommend.blockers(gates)
