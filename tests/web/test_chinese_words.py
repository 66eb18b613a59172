"""Issue 42 (words): the Chinese pages showed English halves of bilingual texts: a firm's sanction reason kept as
"评价报告数据造假 / falsified report data" inside the evaluation-report check, and the correction rule's source
"greenmfg 平台默认 / platform default (…)". Each page now reads one language; a platform default is still marked
as one (平台默认 / platform default), in the page's language.
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))  # kit.py
import kit  # noqa: E402

from core.extensions import db  # noqa: E402
from core.models import ApplicationStatus as S, EvaluationRequest, EvaluatorSanction, Role  # noqa: E402

PASSWORD = "中文页面用语测试口令-2026"


def test_application_page_reads_one_language(make_app):
    from core.accounts import services as accounts

    app = make_app("national", WTF_CSRF_ENABLED=False)
    with app.app_context():
        city = kit.unit("national", name="株洲市")
        c = kit.campaign("national", 2026, level="national")
        a = kit.application(c, city, status=S.RETURNED)
        a.return_reason, a.return_until = "请补充材料", dt.datetime(2026, 12, 20, tzinfo=dt.timezone.utc)
        firm = kit.firm(name="被处理评价机构有限公司")
        db.session.add(EvaluatorSanction(firm_id=firm.id, reason="评价报告数据造假 / falsified report data",
                                         starts_on=dt.date(2025, 6, 1), ends_on=dt.date(2028, 5, 31)))
        a.evaluator_firm_id, a.eligibility = firm.id, []
        db.session.add(EvaluationRequest(application_id=a.id, firm_id=firm.id, status="accepted",
                                         self_evaluation_by="self", requested_by="t"))
        accounts.create_user(actor="test", username="zz-city", password=PASSWORD, role=Role.CITY,
                             admin_unit_id=city.id, display_name="株洲市工信局")
        db.session.commit()
        app_id = a.id
    client = app.test_client()
    assert client.post("/login", data={"username": "zz-city", "password": PASSWORD}).status_code == 302
    zh = client.get(f"/applications/{app_id}?lang=zh").get_data(as_text=True)
    assert "平台默认（文件未规定更正期限）" in zh
    assert "platform default" not in zh and "falsified report data" not in zh
    en = client.get(f"/applications/{app_id}?lang=en").get_data(as_text=True)
    assert "platform default" in en, en[en.find("What a correction"):][:600]
    assert "平台默认" not in en
