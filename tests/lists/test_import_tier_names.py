"""The ministry's import of a province's recommendation file names a unit's grade as the province's grading does, in
the reader's language: C级 on Chinese pages, Grade C on English ones. It named it by the label the province sent
(C级) in both. The file carries the grade's code, its label and, now, its English name; the file (the evidence) and
the audit row keep what the province sent.

Shanxi grades A/B/C and only B or better goes on to the national list (晋工信节能规字〔2024〕3号 第十四条,
004_7a8ddd82f611ab67.txt); the 2025 national deadline is 2025-11-07 (工信厅节函〔2025〕390号, 001_3f04a56fc6693327.txt).
"""
from __future__ import annotations

import datetime as dt
import io
import json
import re
import sys
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))  # kit.py, shared with tests/review
import kit  # noqa: E402
from helpers import new_signing_key, register_province_key  # noqa: E402
from core.accounts import services as accounts
from core.extensions import db
from core.lists import recommend
from core.models import ApplicationStatus as S, ListEntry, Role

BEFORE = kit.beijing(dt.date(2025, 10, 20))
KEY = new_signing_key()
PASSWORD = "名单测试口令-2025-等级名称"


def _graded(total: float):
    c = kit.campaign("shanxi", types=("factory", "park", "supply_chain"))
    a = kit.application(c, kit.unit("shanxi"))
    kit.panel(a, [total], [kit.expert(f"专家{a.id}", "shanxi", unit_=kit.unit("shanxi"))])
    db.session.add(ListEntry(organization_id=a.organization_id, unit_type="factory", level="provincial", year=2025,
                             status="listed", listed_on=dt.date(2025, 10, 20), notice_no="省级名单文号",
                             application_id=a.id))
    a.status = S.LISTED
    db.session.flush()
    return a


def _token(client, url: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)


def test_the_ministry_names_a_sent_grade_in_the_readers_language(make_app, national_url):
    from flask_babel import force_locale

    from core.kernel.names import tier_name

    province = make_app("shanxi", GREENMFG_REVIEW_MIN_EXPERTS=1, GREENMFG_RECOMMENDATION_KEY=KEY)
    with province.app_context():
        rec = recommend.recommendation_for(2025, "province", create=True)
        recommend.set_consulted("province", rec, ["ecology_environment", "emergency_management", "market_regulation"])
        for total in (90, 80):
            recommend.add("province", rec, _graded(total), at=BEFORE)
        document = recommend.export("province", rec, at=BEFORE)
        db.session.commit()
        # the file names each grade by Shanxi's grading: its label and its English name beside its code
        assert [(i["tier"], i["tier_label"], i["tier_label_en"]) for i in document["items"]] == [
            ("A", "A级", "Grade A"), ("B", "B级", "Grade B")]
        # a unit graded C by Shanxi's grading may not go on (第十四条): a file that sends one anyway (re-signed)
        with force_locale("en"):
            c_en = tier_name("C", "factory", "provincial")
        bad = json.loads(rec.document)
        bad["items"][1].update(recommendable=False, tier="C", tier_label="C级", tier_label_en=c_en)
        older = json.loads(rec.document)  # exported before the file carried the English name
        older["items"][1].update(recommendable=False, tier="C", tier_label="C级")
        del older["items"][1]["tier_label_en"]
        older["document_id"] = "older-file-0001"
        signer = recommend.signing_key()
        files = {name: json.dumps(recommend.sign(doc, signer), ensure_ascii=False).encode()
                 for name, doc in (("bad", bad), ("older", older))}
    assert c_en == "Grade C"

    ministry = make_app("national", SQLALCHEMY_DATABASE_URI=national_url, GREENMFG_RECOMMENDATION_MAX_AGE_DAYS=0)
    register_province_key(ministry, "shanxi", KEY)
    with ministry.app_context():
        report = recommend.import_document("ministry", files["bad"], at=BEFORE)
        problem = report["rows"][1]["problems"][0]
        zh, en = problem.split(" / ")
        assert "C级" in zh and "Grade C" in en and "C级" not in en, problem
        db.session.rollback()
        # an older file without the English name: the label it sent, in both languages
        report = recommend.import_document("ministry", files["older"], at=BEFORE)
        assert "(C级)" in report["rows"][1]["problems"][0].split(" / ")[1]
        db.session.rollback()
        accounts.create_user(username="miit", password=PASSWORD, display_name="miit", role=Role.MINISTRY, actor="t")
        db.session.commit()

    client = ministry.test_client()
    assert client.post("/login", data={"username": "miit", "password": PASSWORD,
                                       "csrf_token": _token(client, "/login")}).status_code == 302
    for lang, shown, not_shown in (("en", "Grade C", "C级"), ("zh", "C级", "Grade C")):
        answer = client.post(f"/ministry/imports?lang={lang}",
                             data={"csrf_token": _token(client, "/ministry/imports"),
                                   "file": (io.BytesIO(files["bad"]), "shanxi-2025.json")},
                             content_type="multipart/form-data")
        page = answer.get_data(as_text=True)
        cell = re.findall(r'<div class="fail">([^<]*)</div>', page)
        assert answer.status_code == 422 and any(shown in c for c in cell), cell
        assert not any(not_shown in c for c in cell), cell
