"""The submission lock per round (issue 15).

Sources:
* 001_3f04a56fc6693327.txt 四.2 (Hunan 2025 national round): 各单位申报填报信息在系统提交后无法修改，不能通过修改指标
  提高评分 — a city's return for correction may fix only the contact details; the indicator values and the
  evidence of the self-evaluation stay frozen.
* Other rounds (Hunan 2024 provincial, 000_5ae1342e00264ea1.txt): no document freezes submitted data; a return
  may change everything within the platform's default correction period of 90 days.
"""
from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import pytest
from flask import current_app

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))  # kit.py
import kit  # noqa: E402
from app_world import build_world, pdf  # noqa: E402
from core.applications import evidence as evidence_service  # noqa: E402
from core.applications import services  # noqa: E402
from core.errors import InvalidInput, Refused  # noqa: E402
from core.extensions import db  # noqa: E402
from core import clock
from core.clock import SHANGHAI  # noqa: E402
from core.models import AdminUnit, Application, Evidence, Organization  # noqa: E402
from core.models import ApplicationStatus as S  # noqa: E402
from core.services import audit  # noqa: E402

#: SQL that differs between the two databases (tests/conftest.py BOTH): run on SQLite too
pytestmark = pytest.mark.both_databases

SEED = "001_3f04a56fc6693327.txt 四.2"


def _returned(c, unit, at: dt.datetime, *, days: int = 10, values=None, org=None, returned_at=None):
    """A submitted application (indicator 3 = 10 %, one evidence file) the city returns for correction."""
    a = kit.application(c, unit, org=org, status=S.DRAFT, mode="self",
                        values={**kit.SELF_VALUES, "3": 10} if values is None else values)
    a.contact_name, a.contact_phone = "张三", "0731-1234567"
    section = next(iter(evidence_service.allowed_sections(a)))
    row = services.add_evidence(a, section, "自评价佐证.pdf", pdf(), "ent", at=at)
    a.status, a.submitted_at = S.SUBMITTED, at
    audit.record("ent", "application.submitted", "application", a.id, before="draft",
                 score=None if a.score is None else float(a.score))
    returned_at = returned_at or at
    services.return_for_correction(a, "请更正联系电话", returned_at + dt.timedelta(days=days), "city", at=returned_at)
    db.session.flush()
    return a, row, section


@pytest.fixture
def hunan(make_app, tmp_path):
    """No app context around the test: each request gets its own (``g`` holds the request's user)."""
    return make_app("hunan", WTF_CSRF_ENABLED=False, GREENMFG_EVIDENCE_DIR=str(tmp_path / "ev"))


def test_hunan_2025_national_return_fixes_only_the_contact(hunan):
    """001 四.2: after a return, indicator 3 cannot go from 10 to 30 and evidence cannot be replaced (refused
    naming the field, the rule and 001 四.2); the contact phone can be fixed; the city sees the diff."""
    world = build_world(hunan, units=("changsha",))
    with hunan.app_context():
        c = kit.campaign("hunan", year=2025, level="national", types=("factory",))
        unit = db.session.get(AdminUnit, world.units["changsha"])
        at = dt.datetime(2025, 10, 20, 10, tzinfo=SHANGHAI)
        # submitted in the round; returned now, so that the API's changes below fall in the correction period
        now = clock.now()
        a, row, section = _returned(c, unit, at, org=db.session.get(Organization, world.orgs["changsha"]),
                                    returned_at=now)
        db.session.commit()
        app_id, evidence_id = a.id, row.id
        policy = current_app.extensions["greenmfg"].rules.correction("national", 2025, "factory")
        assert policy.source == "national" and SEED in policy.cite and policy.allows("contact_phone")
        assert not policy.allows("indicator.3") and not policy.allows("evidence")

        later = now + dt.timedelta(hours=1)
        with pytest.raises(Refused) as info:
            services.save_draft(a, {"indicator_values": {"3": 30}}, "ent", at=later)
        db.session.rollback()
        db.session.expunge_all()  # read once its application has left the session (as a job's report reads it)
        text = str(info.value)  # both languages: the indicator, what a correction may change, the rule, by name
        assert info.value.field == "indicator.3"
        assert "本批次提交后不能修改3. 可再生能源利用率；退回更正只能修改：联系人、联系电话" in text, text
        assert "工业和信息化部" in text and "四.2" in text and "3. " in text.split(" / ", 1)[1]
        assert not re.search(r"indicator\.|contact_|\bnational\b|\.txt", text), text
        db.session.rollback()
        a = db.session.get(Application, app_id)
        assert a.indicator_values["3"] == 10
        with pytest.raises(Refused, match="不能修改佐证材料.* / Evidence cannot be changed") as info:
            services.add_evidence(a, section, "新佐证.pdf", pdf(), "ent", at=later)
        assert "四.2" in str(info.value) and ".txt" not in str(info.value)
        db.session.rollback()
        a = db.session.get(Application, app_id)
        with pytest.raises(Refused, match="不能修改佐证材料.* / Evidence cannot be changed"):
            services.remove_evidence(a, db.session.get(Evidence, evidence_id), "ent", at=later)
        db.session.rollback()
        a = db.session.get(Application, app_id)

        changed = services.save_draft(a, {"contact_phone": "0731-7654321"}, "ent", at=later)
        assert changed == {"contact_phone": ["0731-1234567", "0731-7654321"]}
        db.session.commit()
        assert [x["diff"] for x in services.corrections(a)] == [{"contact_phone": ["0731-1234567", "0731-7654321"]}]

    # the city sees the change on the application page and in the API's detail
    page = world.client("city_changsha").get(f"/applications/{app_id}").get_data(as_text=True)
    table = page.split('id="corrections"')[1].split("</table>")[0]
    assert "联系电话" in table and "contact_phone" not in table and "0731-1234567" in table and "0731-7654321" in table and "ent" in table
    # what a correction may change in this round (001 national: the contact only), by the form's names
    policy = page.split("id=\"corrections\"")[0].rsplit("<p class=\"cite\">", 1)[1]
    assert "联系人、联系电话" in policy and "contact_" not in policy, policy
    detail = world.api("city_changsha").get(f"/api/v1/applications/{app_id}").get_json()
    assert detail["corrections"][0]["diff"] == {"contact_phone": ["0731-1234567", "0731-7654321"]}
    assert detail["corrections"][0]["actor"] == "ent" and detail["corrections"][0]["at"].startswith("20")
    # through the API too: the applicant cannot raise indicator 3 (the rule and its source are named)
    refused = world.api("applicant_changsha").patch(f"/api/v1/applications/{app_id}",
                                                    json={"indicator_values": {"3": 30}})
    message_en = refused.get_json()["errors"][0]["message_en"]
    assert refused.status_code == 409 and "四.2" in message_en and ".txt" not in message_en, message_en


def test_hunan_2024_provincial_return_allows_changes_within_90_days(hunan):
    """Other rounds (Hunan 2024 provincial, 000): a return may change everything (here the industry and the
    evidence); the period is at most 90 days (the platform default, cited as such)."""
    with hunan.app_context():
        c = kit.campaign("hunan", year=2024, level="provincial", types=("factory",))
        unit = kit.unit("hunan")
        at = dt.datetime(2024, 3, 1, 10, tzinfo=SHANGHAI)
        policy = current_app.extensions["greenmfg"].rules.correction("provincial", 2024, "factory")
        assert policy.scope == "everything" and policy.max_days == 90 and "platform default" in policy.cite
        a, row, section = _returned(c, unit, at, days=90, values={})
        industry = next(iter(current_app.extensions["greenmfg"].rules.industries))
        changed = services.save_draft(a, {"industry": industry}, "ent", at=at + dt.timedelta(days=89))
        assert changed == {"industry": [None, industry]}
        services.add_evidence(a, section, "新佐证.pdf", pdf(), "ent", at=at + dt.timedelta(days=89))
        db.session.commit()
        with pytest.raises(Exception, match="deadline passed"):
            services.save_draft(a, {"contact_phone": "0731-1"}, "ent", at=at + dt.timedelta(days=90, seconds=1))
        db.session.rollback()

        b = kit.application(db.session.get(type(c), c.id), db.session.get(AdminUnit, unit.id), status=S.SUBMITTED,
                            mode="self")
        with pytest.raises(InvalidInput, match="at most 90 days") as info:
            services.return_for_correction(b, "请补充", at + dt.timedelta(days=91), "city", at=at)
        assert "platform default" in str(info.value)


def test_hook_gm_policy_correction():
    """The hook: a region may freeze its own round (here: nothing may change, 30 days); national answers
    otherwise (everything, 90 days, platform default; 2025 national round: contact details only, 001 四.2);
    a malformed answer stops start-up naming the plugin."""
    from core.plugins import PolicyViolation, hookimpl
    from core.plugins.manager import build_plugin_manager
    from core.plugins.rules import RegionRules
    from core.plugins.types import CorrectionPolicy, Level, Region

    class Testland:
        @hookimpl
        def gm_region(self):
            return Region(code="testland", name="测试省", name_en="Testland", cite="test")

    class Frozen(Testland):
        @hookimpl
        def gm_policy_correction(self, level, year):
            if level == Level.PROVINCIAL and year == 2026:
                return CorrectionPolicy(scope=CorrectionPolicy.NOTHING, max_days=30, cite="test 第三条")
            return None

    rules = RegionRules(build_plugin_manager("national", [("testland", Frozen())]))
    rules.validate(2026)
    frozen = rules.correction(Level.PROVINCIAL, 2026, "factory")
    assert (frozen.scope, frozen.max_days, frozen.source) == ("nothing", 30, "testland")
    assert not frozen.allows("contact_phone")
    default = rules.correction(Level.PROVINCIAL, 2025, "factory")
    assert (default.scope, default.max_days, default.source) == ("everything", 90, "national")
    national = rules.correction(Level.NATIONAL, 2025, "park")
    assert national.allows("contact_email") and not national.allows("indicator.3") and SEED in national.cite
    assert any(kind == "correction" for kind, _, _ in rules.effective_rules(2025))

    class Empty(Testland):
        @hookimpl
        def gm_policy_correction(self):
            return CorrectionPolicy(scope=CorrectionPolicy.FIELDS, fields=(), cite="test")

    with pytest.raises(PolicyViolation, match="testland.*names no field"):
        RegionRules(build_plugin_manager("national", [("testland", Empty())])).validate(2025)


def test_the_applicant_fixes_the_phone_on_the_web_form(hunan):
    """001 四.2 through the applicant's form: the whole form is posted with only the phone changed; the
    unchanged indicator values and declarations are no change, so the save goes through; a changed indicator 3
    is refused with the rule."""
    from core.applications.forms import initial_data

    world = build_world(hunan, units=("changsha",))
    with hunan.app_context():
        c = kit.campaign("hunan", year=2025, level="national", types=("factory",))
        unit = db.session.get(AdminUnit, world.units["changsha"])
        a, _row, _section = _returned(c, unit, dt.datetime(2025, 10, 20, 10, tzinfo=SHANGHAI),
                                      org=db.session.get(Organization, world.orgs["changsha"]),
                                      returned_at=clock.now(), values={"3": 10, "9": True, "12": True})
        items = current_app.extensions["greenmfg"].rules.negative_list_for("factory", "national")
        a.declarations = {i.code: True for i in items}  # declared before the first submission
        db.session.commit()
        app_id = a.id
        with hunan.test_request_context():
            data = initial_data(a)
    form = {}
    for key, value in data.items():
        if value is True:
            form[key] = "y"
        elif value not in (None, False, ""):
            form[key] = [str(v) for v in value] if isinstance(value, list) else str(value)
    applicant = world.client("applicant_changsha")
    saved = applicant.post(f"/applications/{app_id}/edit", data={**form, "contact_phone": "0731-7654321"})
    assert saved.status_code == 302, saved.get_data(as_text=True)[:3000]
    ind3 = next(k for k in form if k.endswith("3") and k.startswith("ind"))
    refused = applicant.post(f"/applications/{app_id}/edit", data={**form, "contact_phone": "0731-7654321",
                                                                      ind3: "30"})
    # the refusal names the indicator, what may change and the document by 文号 and article, never a file name
    flash = re.search(r'class="flash error"[^>]*>(.*?)</div>', refused.get_data(as_text=True), re.S).group(1)
    assert refused.status_code == 409 and flash.startswith("本批次提交后不能修改3. 可再生能源利用率；"), flash
    assert "四.2" in flash and not re.search(r"\.txt|indicator\.|contact_", flash), flash
    with hunan.app_context():
        a = db.session.get(Application, app_id)
        assert a.contact_phone == "0731-7654321" and a.indicator_values["3"] == 10


def test_a_refusal_names_the_status_and_the_evaluation_modes_in_words(hunan):
    """A city cannot return a draft for correction; the refusal says the status as the pages do (草稿 / Draft),
    never its code. An evaluation mode the round does not allow is refused naming the allowed modes in words."""
    world = build_world(hunan, units=("changsha",))
    with hunan.app_context():
        c = kit.campaign("hunan", year=2024, level="provincial", types=("factory",))
        a = kit.application(c, db.session.get(AdminUnit, world.units["changsha"]), status=S.DRAFT, mode="self")
        with pytest.raises(Refused) as info:
            services.return_for_correction(a, "请更正", clock.now() + dt.timedelta(days=5), "city")
        assert str(info.value) == "申报状态为 草稿 时不能执行此操作。 / This is not possible while the application is Draft."
        with pytest.raises(InvalidInput) as info:
            services.save_draft(a, {"evaluation_mode": "peer_review"}, "ent", at=dt.datetime(2024, 10, 8, tzinfo=SHANGHAI))
        zh, en = str(info.value).split(" / ", 1)
        assert "自评价" in zh and "Self-evaluation" in en and "third_party" not in str(info.value), str(info.value)
