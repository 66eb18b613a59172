"""A Hubei city can recommend a third-party-evaluated unit once the firm has declared its independence
(issue 16), on SQLite and PostgreSQL.

Hubei 2022–2025: the on-site evaluation is by a qualified third party (002_9c75e1d2ebfbdf50.txt 三(三),
附件2), which 不得参与自评价报告编写 and 不得为利益相关方实施评价 (附件2 二(三)). The firm declares both when it
accepts the engagement; that declaration, stored with the engagement, reaches Hubei's rule. Before, the
rule saw only the firm's stored qualifications, read the missing key as "wrote it", and refused every
third-party-evaluated unit.
"""
from __future__ import annotations

import datetime as dt

import kit
import pytest

from core.applications import eligibility
from core.errors import Refused
from core.extensions import db
from core.models import ApplicationStatus as S, Role
from core.review import evaluators


@pytest.mark.region("hubei")
def test_the_firms_declaration_reaches_hubeis_rule(app):
    rules = app.extensions["greenmfg"].rules
    rule = rules.eligibility_rules["hubei.third_party_evaluation"]
    u, c = kit.unit("hubei", "hubei.wuhan"), kit.campaign("hubei", year=2025)
    a = kit.application(c, u, status=S.SUBMITTED)
    firm = kit.firm("吴明", name="湖北绿评咨询有限公司", qualifications=kit.HUBEI_QUALIFIED, division="420100")
    applicant = kit.user(Role.APPLICANT, organization_id=a.organization_id)
    firm_user = kit.user(Role.EVALUATOR, evaluator_firm_id=firm.id)
    request = evaluators.request_evaluation(applicant, a, firm, a.organization.uscc, today=dt.date(2025, 6, 1))
    a.evaluator_firm_id = firm.id
    before = eligibility.rule_data(a, dt.date(2025, 6, 1))
    assert "自评价报告编写" in rule.check(before)  # no declaration yet: not shown to be independent
    evaluators.accept_request(firm_user, request, wrote_self_evaluation=False, interested_party=False,
                              today=dt.date(2025, 6, 2))
    db.session.flush()
    after = eligibility.rule_data(a, dt.date(2025, 6, 3))
    assert after["evaluator"]["wrote_self_evaluation"] is False and rule.check(after) is None


@pytest.mark.region("hubei")
def test_a_firm_that_wrote_the_self_evaluation_is_refused(app):
    u, c = kit.unit("hubei", "hubei.yichang"), kit.campaign("hubei", year=2025)
    a = kit.application(c, u, status=S.SUBMITTED)
    firm = kit.firm("郑华", qualifications=kit.HUBEI_QUALIFIED, division="420500")
    request = evaluators.request_evaluation(kit.user(Role.APPLICANT, organization_id=a.organization_id), a, firm,
                                            a.organization.uscc, today=dt.date(2025, 6, 1))
    with pytest.raises(Refused, match="自评价"):
        evaluators.accept_request(kit.user(Role.EVALUATOR, evaluator_firm_id=firm.id), request,
                                  wrote_self_evaluation=True, today=dt.date(2025, 6, 2))
