"""A year's notice sets the round's evaluator cap and its list's public notice (issue 53), applied by the services
through the round's rules and listed with the notice's 文号.

* The evaluator cap: 《绿色工厂梯度培育及管理暂行办法》 第二十条, restated by seed 003_a3fa60aeba77aa34.txt 二（四）:
  同一法定代表人的第三方机构每年度开展的国家级绿色制造评价项目…总计不得超过15项. A province's notice may set a lower cap
  for its round (the made-up 2027 notice: 2), never a higher one (16 is refused, naming the Ministry's 15).
* The public notice: Shanxi's 细则 (seed 004_7a8ddd82f611ab67.txt 第十三条) 公示10个工作日; a notice may set another
  length for its year's list (the made-up 2027 notice: 7 working days).
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
import round_kit as rk
from helpers import seed_text

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))  # kit.py
import kit  # noqa: E402

from core.applications import round_notice  # noqa: E402
from core.errors import InvalidInput, LimitReached  # noqa: E402
from core.extensions import db  # noqa: E402
from core.models import Role  # noqa: E402
from core.review import evaluators  # noqa: E402

pytestmark = pytest.mark.both_databases
NUMBER = "示范厅节能〔2026〕52号"


def _open(level: str, rules: list[dict], types=("factory", "park", "supply_chain")):
    return round_notice.open_round(
        actor="province", year=2027, level=level, unit_types=list(types), notice_no=NUMBER,
        notice_title="关于开展2027年度绿色制造名单推荐工作的通知", notice_issuer="省工业和信息化厅",
        notice_issued_on=dt.date(2026, 11, 20), file=rk.pdf(), filename="通知.pdf", rules=rules,
        closes_at=dt.datetime(2027, 5, 31, 17, tzinfo=rk.SHANGHAI))


@pytest.mark.region("jiangxi")
def test_a_notice_lowers_the_evaluator_cap_of_its_round_and_a_firm_is_held_to_it(app):
    assert "总计不得超过15项" in seed_text(rk.SEED_JIANGXI)
    campaign = _open("national", [{"kind": "evaluator_cap", "key": "national", "value": 2, "article": "四"}])
    u, firm = kit.unit("jiangxi"), kit.firm(legal_representative="孙立新")
    applicant = kit.user(Role.APPLICANT, organization_id=None)
    requests = []
    for unit_type in ("factory", "park", "supply_chain"):
        a = kit.application(campaign, u, unit_type=unit_type, values={})
        requests.append(evaluators.request_evaluation(applicant, a, firm, a.organization.uscc))
    db.session.commit()
    actor = kit.user(Role.EVALUATOR, evaluator_firm_id=firm.id)
    for row in requests[:2]:  # n = 2 projects: in the cap
        evaluators.accept_request(actor, row, today=dt.date(2027, 3, 1))
        db.session.commit()
    with pytest.raises(LimitReached) as full:  # n + 1: refused, naming the notice
        evaluators.accept_request(actor, requests[2], today=dt.date(2027, 3, 1))
    db.session.rollback()
    assert "2" in str(full.value) and NUMBER in str(full.value), str(full.value)
    # the firm picker shows what the service applies: no place left in this round
    from core.services import limits

    left, caps = limits.places_left(firm, "factory", "national", 2027, campaign)
    assert left == 0 and caps[0]["limit"] == 2 and NUMBER in caps[0]["rule"]


@pytest.mark.region("jiangxi")
def test_a_notice_cannot_raise_the_cap_above_the_ministrys(app):
    with pytest.raises(InvalidInput) as refused:
        _open("national", [{"kind": "evaluator_cap", "key": "national", "value": 16, "article": "四"}])
    text = str(refused.value)
    assert "16" in text and "15" in text and "第1行" in text and "national" not in text.split(" / ")[0], text


@pytest.mark.region("shanxi")
def test_a_notice_sets_the_public_notice_of_its_years_list(app):
    from core.lists import notices

    assert "公示10个工作日" in seed_text(rk.SEED_SHANXI)
    assert notices.period_for("provincial", 2027).days == 10  # 004 第十三条
    _open("provincial", [{"kind": "notice_period", "key": "provincial", "value": 7, "article": "五"}],
          types=("factory",))
    db.session.commit()
    period = notices.period_for("provincial", 2027)
    assert (period.days, str(period.count)) == (7, "working_days") and NUMBER in period.cite
    assert notices.period_for("provincial", 2028).days == 10  # the notice's year only
    with pytest.raises(InvalidInput, match="60"):
        _open("provincial", [{"kind": "notice_period", "key": "provincial", "value": 61}], types=("factory",))


@pytest.mark.region("hunan")
def test_a_notice_requires_an_attachment_the_regions_form_leaves_optional(app):
    """Seed 000_5ae1342e00264ea1.txt 二.3 asks for the 创建工作方案 with the application; a later year's notice may ask
    for a file the form leaves optional (or the reverse): the round's form and the submission's check hold the
    applicant to the notice's list (what the form shows is what the submission applies)."""
    from core.applications import services
    from core.applications.fields import fields_for
    from core.kernel.rules import rules_of_round
    from core.models import ApplicationStatus
    from core.plugins.types import FieldKind, Level

    rules = app.extensions["greenmfg"].rules
    optional = next(f for f in rules.form_fields_for("factory", Level.PROVINCIAL)
                    if f.kind == FieldKind.UPLOAD and not f.required)
    campaign = _open("provincial", [{"kind": "attachment", "key": optional.code, "value": True, "article": "三"}],
                     types=("factory",))
    a = kit.application(campaign, kit.unit("hunan"), status=ApplicationStatus.DRAFT, values={})
    a.contact_name, a.contact_phone = "周建华", "13807310001"
    shown = {f.code: f.required for f in fields_for(rules_of_round(campaign), "factory", "provincial")}
    assert shown[optional.code] is True  # the round's form asks for it
    assert optional.code in services.completeness(a)  # and the submission waits for it
    with pytest.raises(InvalidInput):  # a field that is no file of the round's form
        _open("provincial", [{"kind": "attachment", "key": "contact_name", "value": True}], types=("factory",))
