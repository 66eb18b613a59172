"""Steps belong to the workflow, dates to documents (issue 53): every step of a round has one code without a year,
the plugins' documents date it for their years, and a year's notice dates any step in any year.

The steps and the documents that date them:

* the province's recommendation to the Ministry, ``province_recommendation``: 《绿色工厂梯度培育及管理暂行办法》
  第十二条, 每年7月31日前 (../shared/reference/domain.md B1); the 2025 notice set 2025-11-07 (seed
  001_3f04a56fc6693327.txt 附件1 三);
* Hunan's city steps: ``hunan.city_submission`` (provincial; seed 000_5ae1342e00264ea1.txt 二.3, 2023-12-05 for the
  2024 plan) and ``hunan.city_summary`` (national; seed 001 三, 10月30日前 in 2025), dated by no document after 2025;
* Hubei's ``hubei.city_recommendation``: seed 002_9c75e1d2ebfbdf50.txt 三(四) 初审推荐 names the step and dates it
  in no year;
* Jiangxi's ``jiangxi.city_submission``: seed 003_a3fa60aeba77aa34.txt 一, 2024-05-27 for the 2024 round only;
* Shanxi's ``shanxi.city_recommendation``: seed 004_7a8ddd82f611ab67.txt 第十三条, 每年5月31日前 while the 细则 is in
  force (第三十二条: 2024-07-19 to 2029-07-18).
"""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest
import round_kit as rk
from helpers import seed_text

from core.clock import SHANGHAI

#: the city's step of each province, the level of the round it belongs to in 2027, and where the seed names it
CITY_STEPS = {
    "hunan": ("hunan.city_summary", "national", rk.SEED_NATIONAL_2025, "前提交新申报单位信息汇总表"),
    "hubei": ("hubei.city_recommendation", "provincial", rk.SEED_HUBEI, "市级经信部门负责对本地区申报单位及其申报资料"),
    "jiangxi": ("jiangxi.city_submission", "provincial", rk.SEED_JIANGXI, "于2024年5月27日前将推荐文件"),
    "shanxi": ("shanxi.city_recommendation", "provincial", rk.SEED_SHANXI, "于每年5月31日前"),
}
REGIONS = [*CITY_STEPS, "national"]
NUMBER = "示范厅节能〔2026〕41号"


def _web(rnd, when: dt.datetime):
    """Province staff signed in on the web at ``when`` (the training clock stays there: :func:`round_kit.at`)."""
    client = rnd.app.test_client()
    with rk.at(when):
        assert client.post("/login", data={"username": "province_staff", "password": rk.PASSWORD}).status_code == 302
    return client


def _page(rnd, client, when: dt.datetime, method: str, url: str, **kw):
    with rk.at(when):
        return getattr(client, method)(url, **kw)


def _steps(app, year: int, level: str) -> list[dict]:
    from core.cli.rounds_cmd import rounds_group

    out = app.test_cli_runner().invoke(rounds_group, ["steps", "--year", str(year), "--level", level,
                                                      "--format", "json"])
    assert out.exit_code == 0, out.output
    return json.loads(out.output)


@pytest.mark.parametrize("region", REGIONS)
def test_rounds_steps_lists_the_steps_a_notice_may_date_in_any_year(make_app, region):
    app = make_app(region)
    for year in (2026, 2027, 2028):
        steps = {s["code"]: s for s in _steps(app, year, "national")}
        closing = steps["closes_at"]
        assert closing["title"] == "申报单位提交申报（申报截止）" and closing["actor"] == "applicant"
        miit = steps["province_recommendation"]
        assert miit["default_date"] == f"{year}-07-31" and miit["origin"] == "document", miit  # 办法 第十二条
        assert "第十二条" in miit["dated_by"] and ".txt" not in miit["dated_by"]
        if region == "national":
            continue
        code, level, seed, words = CITY_STEPS[region]
        assert words in seed_text(seed)
        city = {s["code"]: s for s in _steps(app, year, level)}[code]
        assert city["actor"] == "city" and not re.search(r"20[0-9]{2}", code)
        if region == "shanxi":  # 第十三条 every year, within 第三十二条's five years
            assert (city["default_date"], city["origin"]) == (f"{year}-05-31", "document")
        else:  # no document dates it after its own round: the notice does
            assert (city["default_date"], city["origin"], city["dated_by"]) == (None, "unset", ""), city


def test_every_step_code_is_free_of_years_and_every_date_near_its_round(make_app):
    for region in REGIONS:
        rules = make_app(region).extensions["greenmfg"].rules
        for d in rules.deadlines.values():
            assert d.problem() is None, (region, d.code, d.problem())


def test_a_step_dated_years_from_its_round_or_coded_with_a_year_is_refused_at_start_up():
    from core.plugins.types import Deadline

    assert "year" in Deadline(code="x.city_submission_2027", title="t", rounds={2027: dt.date(2027, 5, 1)},
                              cite="c").problem()
    assert "more than a year" in Deadline(code="x.city", title="t", rounds={2025: dt.date(2030, 6, 30)},
                                          cite="c").problem()
    assert "not a day" in Deadline(code="x.city", title="t", month_day=(2, 30), cite="c").problem()
    assert "cite" in Deadline(code="x.city", title="t", cite="").problem()
    assert Deadline(code="x.city", title="t", cite="002 三(四)").problem() is None


@pytest.fixture(params=["hunan", "hubei", "jiangxi"])
def rnd(request, make_app, tmp_path):
    region = request.param
    app = make_app(region, GREENMFG_EVIDENCE_DIR=str(tmp_path / "evidence"), WTF_CSRF_ENABLED=False)
    city = sorted(app.extensions["greenmfg"].rules.admin_units)[0]
    return rk.Round(app, region).setup(rk.bj(2026, 11, 20), cities={"city": city},
                                       applicants={"ent": ("city", "绿源精密制造有限公司")})


@pytest.mark.both_databases
def test_a_2027_notice_dates_the_city_step_no_document_dates_and_the_step_is_held_to_it(rnd):
    """At today's date (2026-11-26) the province opens the 2027 round from a made-up notice that dates the city's
    step (which no document dates in 2027) on 2027-06-30 and the step to the Ministry on 2027-08-14: the round's
    calendar keeps both with the notice's 文号, and the city is held to 2027-06-30 24:00 (23:59:59 in time,
    2027-07-01 00:00:30 refused, naming the notice)."""
    from core.errors import DeadlinePassed
    from core.extensions import db
    from core.models import Campaign
    from core.services import deadlines

    code, level, _seed, _words = CITY_STEPS[rnd.region]
    today = rk.bj(2026, 11, 26)
    rules = [{"kind": "deadline", "key": code, "value": "2027-06-30", "article": "三"},
             {"kind": "deadline", "key": "closes_at", "value": "2027-05-31", "article": "二"}]
    if level == "national":
        rules.append({"kind": "deadline", "key": "province_recommendation", "value": "2027-08-14", "article": "四"})
    r = rnd.post("province", "/api/v1/campaigns/notice", today, content_type="multipart/form-data",
                 data={"year": "2027", "level": level, "unit_types": ["factory"], "notice_no": NUMBER,
                       "notice_title": "关于开展2027年度绿色制造名单申报工作的通知", "notice_issuer": "省工业和信息化厅",
                       "notice_issued_on": "2026-11-20", "rules": json.dumps(rules, ensure_ascii=False),
                       "file": (rk.io.BytesIO(rk.pdf()), "通知.pdf")})
    assert r.status_code == 201, rk.show(r)
    c = r.get_json()
    assert c["deadlines"][code] == "2027-06-30" and NUMBER in c["deadline_reasons"][code]
    if level == "national":
        assert c["deadlines"]["province_recommendation"] == "2027-08-14"
    with rnd.app.app_context():
        campaign = db.session.get(Campaign, c["id"])
        assert campaign.closes_at.astimezone(SHANGHAI) == dt.datetime(2027, 6, 1, tzinfo=SHANGHAI)
        step = next(d for d in deadlines.round_deadlines(campaign) if d.code == code)
        assert step.dated_by_notice and not step.moved and NUMBER in step.reason
        deadlines.check_step_open(campaign, "city", unit_type="factory",
                                  at=dt.datetime(2027, 6, 30, 23, 59, 59, tzinfo=SHANGHAI))
        with pytest.raises(DeadlinePassed) as refused:
            deadlines.check_step_open(campaign, "city", unit_type="factory",
                                      at=dt.datetime(2027, 7, 1, 0, 0, 30, tzinfo=SHANGHAI))
        assert "2027-06-30" in str(refused.value) and "24:00" in str(refused.value)
    # the round's page shows the step as the notice dated it, nothing left "not set"
    page = _page(rnd, _web(rnd, today), today, "get", f"/province/campaigns/{c['id']}").get_data(as_text=True)
    title = rnd.rules().deadlines[code].title
    assert "由通知规定" in page and NUMBER in page
    assert title not in "".join(re.findall(r'<tr class="unset-step".*?</tr>', page, re.DOTALL))


def test_the_round_page_names_a_step_no_document_dates_and_the_province_dates_it(rnd):
    """A 2027 round opened without its notice: the city's step is listed as not set; the province dates it on the
    round's page (audited), and from then on the step is enforced."""
    from core.extensions import db
    from core.models import AuditLog, Campaign
    from core.services import deadlines

    code, level, _seed, _words = CITY_STEPS[rnd.region]
    today = rk.bj(2026, 11, 26)
    r = rnd.post("province", "/api/v1/campaigns", today,
                 json={"year": 2027, "level": level, "unit_types": ["factory"],
                       "closes_at": rk.bj(2027, 5, 31, 17).isoformat()})
    assert r.status_code == 201, rk.show(r)
    cid = r.get_json()["id"]
    web = _web(rnd, today)
    page = _page(rnd, web, today, "get", f"/province/campaigns/{cid}").get_data(as_text=True)
    title = rnd.rules().deadlines[code].title
    rows = [row for row in re.findall(r'<tr class="unset-step".*?</tr>', page, re.DOTALL) if title in row]
    assert rows and "未设定" in rows[0] and code not in re.sub(r'value="[^"]*"', "", page), page[-3000:]
    r = _page(rnd, web, today, "post", f"/province/campaigns/{cid}/deadline",
              data={"code": code, "value": "2027-06-30T00:00", "reason": "依据2027年度通知第三条"})
    assert r.status_code in (200, 302), rk.show(r)
    with rnd.app.app_context():
        campaign = db.session.get(Campaign, cid)
        assert campaign.deadlines[code] == "2027-06-29", campaign.deadlines  # 00:00 is the day before's 24:00
        log = db.session.query(AuditLog).filter_by(action="campaign.deadline_changed").order_by(AuditLog.id.desc()).first()
        assert log.data["code"] == code and log.data["before"] is None
        assert [s.code for s in deadlines.step_deadlines(campaign, "city", unit_type="factory")] == [code]


def test_the_notice_form_refuses_a_past_step_and_a_future_notice_naming_the_row_and_keeps_the_file(rnd):
    """The web form: a step dated before today is refused beside its row, by the step's name (no code), and the
    PDF attached once is kept for the next try; a notice dated after today is refused."""
    code, level, _seed, _words = CITY_STEPS[rnd.region]
    today = rk.bj(2026, 11, 26)
    form = {"notice_no": NUMBER, "notice_title": "关于开展2027年度绿色制造名单申报工作的通知", "notice_issuer": "省工业和信息化厅",
            "notice_issued_on": "2026-11-20", "year": "2027", "level": level, "unit_types": ["factory"],
            "closes_at": "2027-05-31T17:00", "deadline_2": code, "deadline_day_2": "2026-10-31",
            "deadline_article_2": "三"}
    web = _web(rnd, today)
    r = _page(rnd, web, today, "post", "/province/campaigns/notice", content_type="multipart/form-data",
              data={**form, "file": (rk.io.BytesIO(rk.pdf()), "2027年度通知.pdf")})
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and "步骤日期第2行" in page and "已过" in page, rk.show(r)
    assert code not in page.replace(f'value="{code}"', "") and "2027年度通知.pdf" in page
    kept = re.search(r'name="kept_file" type="hidden" value="([0-9a-f]{32})"', page) or re.search(
        r'id="kept_file" name="kept_file" type="hidden" value="([0-9a-f]{32})"', page)
    assert kept, page
    # the notice dated after today, the file not attached again: refused for the date, the file still kept
    r = _page(rnd, web, today, "post", "/province/campaigns/notice", content_type="multipart/form-data",
              data={**form, "deadline_day_2": "2027-06-30", "notice_issued_on": "2026-12-01",
                       "kept_file": kept.group(1), "kept_name": "2027年度通知.pdf"})
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and "晚于今天" in page and "2027年度通知.pdf" in page, rk.show(r)
    # corrected, still without attaching the file again: the round opens with the notice's file
    r = _page(rnd, web, today, "post", "/province/campaigns/notice", content_type="multipart/form-data",
              data={**form, "deadline_day_2": "2027-06-30", "kept_file": kept.group(1),
                       "kept_name": "2027年度通知.pdf"})
    assert r.status_code == 302, rk.show(r)
    cid = int(r.headers["Location"].rstrip("/").split("/")[-1])
    r = _page(rnd, web, today, "get", f"/province/campaigns/{cid}/notice")
    assert r.status_code == 200 and r.data.startswith(b"%PDF")


def test_next_years_round_starts_from_last_years_notice(rnd):
    """「以往年度批次的通知为基础」: the form for 2028 comes prefilled from the 2027 round's notice (year, level, types,
    each rule, dates a year later) for the province to change what the new notice changes."""
    code, level, _seed, _words = CITY_STEPS[rnd.region]
    today = rk.bj(2026, 11, 26)
    rules = [{"kind": "deadline", "key": code, "value": "2027-06-30", "article": "三"},
             {"kind": "quota", "key": f"{rnd.unit_codes['city']}/factory", "value": 4, "article": "附件"}]
    r = rnd.post("province", "/api/v1/campaigns/notice", today, content_type="multipart/form-data",
                 data={"year": "2027", "level": level, "unit_types": ["factory"], "notice_no": NUMBER,
                       "notice_title": "关于开展2027年度绿色制造名单申报工作的通知", "notice_issuer": "省工业和信息化厅",
                       "notice_issued_on": "2026-11-20", "rules": json.dumps(rules, ensure_ascii=False),
                       "closes_at": rk.bj(2027, 5, 31, 17).isoformat(),
                       "file": (rk.io.BytesIO(rk.pdf()), "通知.pdf")})
    assert r.status_code == 201, rk.show(r)
    page = _page(rnd, _web(rnd, today), today, "get",
                 f"/province/campaigns/notice?copy={r.get_json()['id']}").get_data(as_text=True)
    assert 'name="year" type="number" value="2028"' in page or 'value="2028"' in page
    assert re.search(rf'<option selected value="{re.escape(code)}">', page), "the step prefilled"
    assert 'value="2028-06-30"' in page and 'value="4"' in page


def test_a_plain_round_shows_the_report_to_the_ministry_another_rounds_notice_moved(rnd):
    """The province reports to the Ministry once a year (办法 第十二条 07-31): where the notice of one round of 2027
    moved it to 2027-08-14, a round of the same year opened without the notice shows 08-14 with that notice, which
    is the date the province is held to (what the page shows is what the step applies)."""
    from core.extensions import db
    from core.models import Campaign
    from core.services import deadlines

    today = rk.bj(2026, 11, 26)
    rules = [{"kind": "deadline", "key": "province_recommendation", "value": "2027-08-14", "article": "四"}]
    r = rnd.post("province", "/api/v1/campaigns/notice", today, content_type="multipart/form-data",
                 data={"year": "2027", "level": "national", "unit_types": ["factory"], "notice_no": NUMBER,
                       "notice_title": "关于开展2027年度绿色制造名单推荐工作的通知", "notice_issuer": "省工业和信息化厅",
                       "notice_issued_on": "2026-11-20", "rules": json.dumps(rules, ensure_ascii=False),
                       "closes_at": rk.bj(2027, 5, 31, 17).isoformat(), "file": (rk.io.BytesIO(rk.pdf()), "通知.pdf")})
    assert r.status_code == 201, rk.show(r)
    r = rnd.post("province", "/api/v1/campaigns", today, json={"year": 2027, "level": "national",
                                                             "unit_types": ["park"],
                                                             "closes_at": rk.bj(2027, 5, 31, 17).isoformat()})
    assert r.status_code == 201, rk.show(r)
    plain = r.get_json()["id"]
    with rnd.app.app_context():
        shown = next(d for d in deadlines.round_deadlines(db.session.get(Campaign, plain))
                     if d.code == "province_recommendation")
        assert shown.day == dt.date(2027, 8, 14) and NUMBER in shown.reason
        assert deadlines.recommendation_deadline(2027).ends == shown.ends
    page = _page(rnd, _web(rnd, today), today, "get", f"/province/campaigns/{plain}").get_data(as_text=True)
    assert "2027-08-14" in page and NUMBER in page


#: a raw code on a page: a plugin's record code (``hubei.city_recommendation``), a step's or a kind's internal name
RAW_CODE = re.compile(r"\b[a-z]+(?:\.[a-z_]+|_[a-z]+(?:_[a-z]+)*)\b")


def test_every_refusal_of_the_notice_form_names_the_row_in_words_and_no_code(rnd):
    """Each way the notice form can refuse (a half-filled row, a date already past or years away, a cap above the
    Ministry's 15 (001 附件1 三), the Ministry's own condition set aside by a province, a notice dated after today, no
    file): 422, the reason beside its field and in the page's message, in words, never a code."""
    code, level, _seed, _words = CITY_STEPS[rnd.region]
    today = rk.bj(2026, 11, 26)
    base = {"notice_no": NUMBER, "notice_title": "关于开展2027年度绿色制造名单推荐工作的通知", "notice_issuer": "省工业和信息化厅",
            "notice_issued_on": "2026-11-20", "year": "2027", "level": "national", "unit_types": ["factory"],
            "closes_at": "2027-05-31T17:00"}
    cases = {
        "half-filled step": {"deadline_1": "province_recommendation"},
        "past step": {"deadline_1": "province_recommendation", "deadline_day_1": "2026-07-31"},
        "years away": {"deadline_1": "province_recommendation", "deadline_day_1": "2030-07-31"},
        "half-filled quota": {"quota_unit_1": rnd.unit_codes["city"]},
        "cap above the Ministry's": {"evaluator_cap": "16"},
        "the Ministry's condition": {"condition_1": "national_needs_provincial", "condition_switch_1": "off"},
        "notice after today": {"notice_issued_on": "2026-12-01"},
        "no file": {},
    }
    web = _web(rnd, today)
    for name, change in cases.items():
        data = {**base, **change}
        if name != "no file":
            data["file"] = (rk.io.BytesIO(rk.pdf()), "通知.pdf")
        r = _page(rnd, web, today, "post", "/province/campaigns/notice", content_type="multipart/form-data",
                  data=data)
        page = r.get_data(as_text=True)
        said = " ".join(re.findall(r'<div class="flash error"[^>]*>(.*?)</div>', page, re.DOTALL))
        errors = " ".join(re.findall(r'class="errors?"[^>]*>(.*?)</', page, re.DOTALL))
        assert r.status_code == 422 and said, (name, r.status_code, said)
        assert not RAW_CODE.search(said + errors), (name, said, errors)
    with rnd.app.app_context():
        from core.extensions import db
        from core.models import Campaign

        assert db.session.query(Campaign).count() == 0  # nothing opened by any refused try
