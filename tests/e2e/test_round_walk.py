"""A round walked by clicking, per region (issue 42, the first item of "Done when").

Debian's chromium (Playwright) on a live training instance of the region's demo (core/cli/demo_data.py
``load_demo``) on PostgreSQL, at the real date: the home page is the one address typed; every other page is reached
by clicking from the role's to-do page (home page) and the menus of the pages it opens. Each step is done by the
role the seed names, with the accounts ``greenmfg demo`` prints (:func:`core.cli.demo_data.demo_accounts`):

* a province (hunan, hubei, jiangxi, shanxi): a factory registers (signed out) in the demo city's city and applies;
  it names the demo evaluator's firm, which accepts from its to-do page and files its on-site report (Hubei 002
  三(三); the other regions allow it, 办法 第十条); the factory submits; the city recommends it (the departments its
  rule names consulted). In Shanxi this is the cities' own round first: the city publishes its city list from its
  to-do page (市级名单; 004 第十二条: 发布市层面绿色工厂名单, by decision), then the factory applies to the province's
  round the same way, and the city's recommendation carries no warning (省层面绿色工厂原则上应先纳入市层面绿色工厂名单:
  the check is met). The province draws a panel, each expert scores from its to-do page, the province records the
  result; the provincial list is published as the seed says: by decision (Hunan 000 二.4, Jiangxi 003 一) or after a
  public notice (Hubei 002 三(五), Shanxi 004 第十三条: 10 working days), the administrator moving the training clock
  past the notice's last day (publishing waits for it); the province then recommends the unit to MIIT (办法 第十二条;
  the demo moved the passed 07-31 to after today, the page shows both) and downloads the signed file;
* national: the ministry registers Hunan's public key, imports the file Hunan's province signed, reviews it with a
  panel, puts it on notice (办法 第十二条: 15 days), a member of the public objects signed out, the ministry resolves
  the objection from its to-do page, the clock is moved past the notice and the ministry publishes; the public list
  shows the unit. The national demo's own round is national (001 二(一)); its list history comes before it, as a
  deployed instance has it (core/cli/demo_data.py).
"""
from __future__ import annotations

import datetime as dt
import json
import re
import time
from pathlib import Path

import pytest
from browser_kit import open_page, serving
from helpers import DEMO_COPIES, new_signing_key

PASSWORD = "greenmfg-demo-2025"  # core.cli.demo_data.DEMO_PASSWORD, what the demo prints
NEW_PASSWORD = "绿色工厂演练口令-2026-注册"


#: the province's key for signing its recommendation file (``scripts/demo`` generates one per region)
SIGNING_KEY = new_signing_key()


def extra_config(region: str) -> dict:
    """What the region's walk needs besides the demo: the province's signing key for its file to the Ministry."""
    return {} if region == "national" else {"GREENMFG_RECOMMENDATION_KEY": SIGNING_KEY}


def load(make_app, tmp_path, region: str, **config):
    """The region's demo as ``scripts/demo`` makes it: a training instance, its demo data loaded."""
    from core.extensions import db

    app = make_app(region, GREENMFG_TRAINING=True, GREENMFG_EVIDENCE_DIR=str(tmp_path / region),
                   **extra_config(region), **config)
    DEMO_COPIES.load(app)  # the national walk's Hunan demo is the Hunan walk's, copied
    with app.app_context():
        db.session.remove()
    return app


def hunan_file(app) -> dict:
    """What the Hunan walk sends the Ministry (tests the province's steps by browser), made through the same
    services on the Hunan demo for the national walk: a graded factory listed by decision, recommended, signed."""
    from sqlalchemy import select

    from core.extensions import db
    from core.lists import decisions, recommend
    from core.models import Application, ApplicationStatus

    with app.app_context():
        graded = db.session.scalars(select(Application).where(
            Application.status == ApplicationStatus.GRADED, Application.unit_type == "factory")
            .order_by(Application.id)).first()
        year = graded.campaign.year
        decisions.publish_decision("province", level="provincial", year=year, application_ids=[graded.id],
                                   document_no="湘工信节能〔2026〕88号", published_on=instance_day(app))
        rec = recommend.recommendation_for(year, "province", create=True)
        recommend.set_consulted("province", rec, ["ecology_environment", "emergency_management",
                                                  "market_regulation"])
        recommend.add("province", rec, db.session.get(Application, graded.id), acknowledge_warnings=True)
        document = recommend.export("province", rec)
        db.session.commit()
        db.session.remove()
        return document


def instance_day(app):
    from core.clock import today

    with app.app_context():
        return today()


@pytest.fixture
def walk(make_app, tmp_path, chromium, request):
    """The region's training demo, served; one page walks it. The national walk starts from the recommendation
    file the Hunan demo's province signed (its own database: the ministry's instance is another deployment)."""
    region = request.param
    sent = None
    if region == "national":
        sent = hunan_file(load(make_app, tmp_path, "hunan"))
        national = request.getfixturevalue("pg_national_url")
        national.reset()
        app = load(make_app, tmp_path, region, SQLALCHEMY_DATABASE_URI=national.url)
    else:
        app = load(make_app, tmp_path, region)
    with serving(app) as base, open_page(chromium) as (page, errors):
        w = Walk(page, base, app, region)
        w.sent = sent
        yield w
        assert errors == []


#: whether clicking an element opens a page: a link to another address (not a fragment, not ``download``, not a new
#: window), or a submit button of a form that submits to this window
_OPENS_PAGE = """e => {
  const a = e.closest('a[href]');
  if (a) { const h = a.getAttribute('href'); return !h.startsWith('#') && !a.hasAttribute('download') && !a.target; }
  const b = e.closest('button, input[type=submit]');
  return !!(b && b.form && b.type === 'submit' && !b.formTarget && !b.form.target);
}"""


class Walk:
    """One page walking a round: signs in as a role, goes home, clicks."""

    def __init__(self, page, base: str, app, region: str) -> None:
        self.page, self.base, self.app, self.region = page, base, app, region
        self.user: str | None = None
        self.sent: dict | None = None  # the signed recommendation file the province sent to the Ministry
        page.on("dialog", lambda d: d.accept())

    # ------------------------------------------------------------------ moves --
    def open_home(self) -> None:
        """The one typed address."""
        self.page.goto(self.base + "/")

    def home(self) -> None:
        self.page.click("header >> text=首页")

    def log_in(self, username: str, password: str = PASSWORD) -> None:
        from playwright.sync_api import expect

        if self.user:
            self.log_out()
        self.open_home()
        self.page.click("header a[href$='/login']")
        self.page.fill("#username", username)
        self.page.fill("#password", password)
        with self.page.expect_navigation():  # the log-in's answer before the next step
            self.page.click("#login-submit")
        self.home()
        expect(self.page.locator("#todo-title")).to_contain_text("待办事项")
        self.user = username

    def log_out(self) -> None:
        self.page.click("#logout-link")
        self.page.click("#logout-form button")
        from playwright.sync_api import expect

        expect(self.page.locator("#logout-link")).to_have_count(0)
        self.user = None

    def click(self, selector: str, *, opens_page: bool | None = None, **kw) -> None:
        self.press(self.page.locator(selector, **kw).first, opens_page=opens_page)

    def press(self, target, *, opens_page: bool | None = None) -> None:
        """Click ``target`` and, when that opens a page, wait until the page is read: a click only waits for the
        next page to start arriving, and ``.all()`` or ``.count()`` on a page still arriving finds too little
        (a warning's box not yet on the page is not ticked, and the province's recommendation is refused).

        A link or a form's submit button opens a page (``opens_page``: ``False`` for one that downloads a file):
        the click waits for that page itself, so the next step never acts on the page before it (a log-in's POST
        cut off by the next click found the log-in page again, tests/e2e/test_dashboards_browser.py)."""
        if opens_page is None:
            opens_page = target.evaluate(_OPENS_PAGE)
        if opens_page:
            with self.page.expect_navigation(wait_until="domcontentloaded"):
                target.click()
        else:
            target.click()
            self.page.wait_for_load_state("domcontentloaded")

    def flash(self) -> str:
        return " ".join(self.page.locator(".flash").all_inner_texts())

    def expect_flash(self, text: str) -> None:
        from playwright.sync_api import expect

        expect(self.page.locator(".flash").first).to_contain_text(text)


# ---------------------------------------------------------------- the steps --
def register(w: Walk, uscc: str, name: str, city: str, username: str) -> None:
    """Registration of an enterprise, signed out: the home page → 注册."""
    w.open_home()
    w.click("header a[href$='/register']")
    w.page.fill("#uscc", uscc)
    w.page.fill("#org_name", name)
    w.page.select_option("#admin_unit", label=city)
    w.page.fill("#legal_representative", "周建华")
    w.page.fill("#display_name", "周建华")
    w.page.fill("#username", username)
    w.page.fill("#password", NEW_PASSWORD)
    w.page.fill("#password2", NEW_PASSWORD)
    w.page.click("#register-submit")
    from playwright.sync_api import expect

    expect(w.page.locator("#logout-link")).to_have_count(1)  # registered and signed in
    w.user = username


def new_uscc(region_name: str, city: str, n: int = 1) -> str:
    """A credit code with the city's area code and valid check characters (as the demo's own)."""
    import random

    from core.cli.demo_data import division_code, make_uscc

    return make_uscc(random.Random(f"walk-{n}"), division_code(region_name, city))


def pdf(pages: int = 2) -> bytes:
    import io

    from pypdf import PdfWriter

    writer, buf = PdfWriter(), io.BytesIO()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    writer.write(buf)
    return buf.getvalue()


def pdf_file(name: str) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": pdf()}


def indicator_values(w: Walk, unit_type: str) -> dict:
    """What a unit types into its self-evaluation: the demo's own values (between 基准值 and 引领值)."""
    import random
    from types import SimpleNamespace

    from core.cli.demo_data import _indicator_values
    from core.clock import this_year
    from core.extensions import db
    from core.kernel.rules import region_rules
    from core.scoring.reference import ReferenceBook

    with w.app.app_context():
        rules = region_rules()
        return _indicator_values(rules, ReferenceBook.from_db(db.session), SimpleNamespace(unit_type=unit_type),
                                 this_year(), random.Random(7), half=False)


def fill_application(w: Walk, unit_type: str, *, third_party: bool) -> None:
    """The applicant fills in every box of its region's form as a unit would: its contact, each negative-list item
    answered 否, the self-evaluation (the demo's values), the region's required fields, a PDF for each file field."""
    page = w.page
    form = page.locator("#application-form")
    page.fill("#contact_name", "周建华")
    page.fill("#contact_phone", "13807310001")
    page.fill("#contact_email", "walk@example.cn")
    # the mode by its value: a round that requires the third party's evaluation offers only that one (Hubei 002
    # 三(三), standing)
    page.check(f"input[name=evaluation_mode][value={'third_party' if third_party else 'self'}]")
    for radio in form.locator("input[type=radio][name^=neg_][value=no]").all():
        radio.check()
    for number, value in indicator_values(w, unit_type).items():
        box = form.locator(f"[name=ind_{number}]")
        if isinstance(value, dict):
            for key, part in value.items():
                form.locator(f"[name=ind_{number}_{key}]").fill(str(part))
        elif isinstance(value, bool):
            box.first.select_option("yes" if value else "no")
        elif box.first.get_attribute("type") == "checkbox":
            form.locator(f"[name=ind_{number}_n]").fill(str(value))
        else:
            box.fill(str(value))
    done: set[str] = set()
    for field in form.locator("[name^=ext_]").all():
        name, kind = field.get_attribute("name"), field.get_attribute("type")
        tag = field.evaluate("e => e.tagName")
        if name in done or not field.is_visible():
            continue
        required = field.get_attribute("required") is not None
        if kind == "file":
            field.set_input_files(pdf_file(f"{name}.pdf"))
        elif kind == "radio":
            if required:
                field.check()
        elif kind == "checkbox":
            if any(claim in name for claim in SCOPE_CLAIMS):
                field.check()
        elif tag == "SELECT":
            if required:
                field.select_option(index=1)
        elif required:
            field.fill(_value_for(name, kind))
        done.add(name)


#: what the walking factory truthfully claims of the conditions its round's call names: Hunan 000 一.1 规模以上工业企业;
#: Hubei 002 附件1 一(二) 1-5 (an independent legal person in actual manufacturing, lawful, leading, managed, up to the
#: standard; "covers subsidiaries" stays unticked, as the rule asks); Shanxi 004 第八条 (an independent legal entity)
SCOPE_CLAIMS = ("above_designated_size", "lead_enterprise", "meets_type_standard", "independent_legal_person",
                "actual_manufacturing", "complies_with_laws", "factory_leading_performance",
                "factory_management_systems", "independent_legal_entity")


def submit(w: Walk) -> None:
    """The applicant, from its to-do page: its application → 检查并提交 → confirms → submits."""
    from playwright.sync_api import expect

    w.click("#todo-applications a")
    w.click("main a", has_text="检查并提交")
    w.page.check("#confirm")
    w.click("#submit-application")
    expect(w.page.locator("#status")).to_have_text("已提交")


#: the warning a Shanxi city reads recommending a factory to the province that is not on its city list yet (004
#: 第十二条: 省层面绿色工厂原则上应先纳入市层面绿色工厂名单); the walk lists the unit on the city list first
CITY_LIST_WARNING = "原则上应先纳入市层面绿色工厂名单"


def recommend(w: Walk) -> str:
    """The city, on the application: every department its rule names consulted, confirms, recommends; the round's
    warnings, where it shows some, read and confirmed. Returns the warnings it read."""
    from playwright.sync_api import expect

    for box in w.page.locator("#recommend-form input[name=consulted_departments]").all():
        box.check()
    opinion = w.page.locator("#recommend-form textarea[name=opinion]")
    if opinion.count() and w.region == "hubei":  # Hubei 002 三(四): 出具推荐意见, 10 to 2,000 characters
        opinion.fill("同意")  # too short for an opinion: refused, naming the length, nothing recommended
        w.page.check("#recommend-confirm")
        w.click("#recommend")
        expect(w.page.locator(".flash.error").first).to_contain_text("10")
        expect(w.page.locator(".flash.info")).to_have_count(0)
        for box in w.page.locator("#recommend-form input[name=consulted_departments]").all():
            box.check()
    if opinion.count():  # the city's 推荐意见 (Hubei requires it; elsewhere optional)
        opinion.fill("经初审，该单位申报资料齐全，现场情况属实，未发现国家文件规定不得申报的情形，同意推荐。")
    w.page.check("#recommend-confirm")
    w.click("#recommend")
    warnings = ""
    if w.page.locator("#recommend-form #acknowledge_warnings").count():
        warnings = w.flash()
        for box in w.page.locator("#recommend-form input[name=consulted_departments]").all():
            box.check()
        if opinion.count():
            opinion.fill("经初审，该单位申报资料齐全，现场情况属实，未发现国家文件规定不得申报的情形，同意推荐。")
        w.page.check("#recommend-form #acknowledge_warnings")
        w.page.check("#recommend-confirm")
        w.click("#recommend")
    expect(w.page.locator(".flash.info")).to_be_visible()
    return warnings


def draw_panel(w: Walk) -> list[str]:
    """The province draws a panel of the region's size; the accounts of the experts drawn (the page names them)."""
    from sqlalchemy import select

    from core.extensions import db
    from core.models import Role, User

    w.click("#draw-form button[type=submit]")
    expect_panel = w.page.locator("#assignments tr td")
    expect_panel.first.wait_for()
    names = w.page.locator("#assignments tr td:first-child").all_inner_texts()
    with w.app.app_context():
        found = dict(db.session.execute(select(User.display_name, User.username).where(User.role == Role.EXPERT)).all())
    return [found[name.strip()] for name in names if name.strip() in found]


def score(w: Walk, org: str) -> None:
    from playwright.sync_api import expect

    w.click("#todo-assignments a", has_text=org)
    for number, weight in weights(w, org).items():
        w.page.fill(f"#score_{number}", f"{weight * 0.8:.2f}")
    w.click("#save-scores")
    w.click("#submit-scores")
    expect(w.page.locator("#assignment-status")).to_have_text("已提交")


def to_ministry(w: Walk, org: str) -> None:
    """The province, from its to-do page: 向国家级名单推荐 → the departments consulted → the unit, its warnings
    checked → the signed file exported."""
    w.click("#todo-recommendation a")
    for box in w.page.locator("input[name=consulted_departments]").all():
        box.check()
    w.click("form:has(input[name=consulted_departments]) button[type=submit]")
    row = w.page.locator("main tr", has_text=org)
    for box in row.locator("input[type=checkbox]").all():
        box.check()
    w.press(row.locator("button[type=submit]"))
    refused = w.page.locator(".flash.error")
    if refused.count():
        # Hunan 001 一.2: a city's new applicants are not recommended until its existing national units have
        # filed; the demo has no account of a listed unit to file with (issue 42), so the walk stops here
        text = refused.first.inner_text()
        assert "现有国家级单位未全部完成填报" in text, text
        pytest.xfail("the recommendation to MIIT waits for the city's existing national units to file (Hunan 001 "
                     "一.2), and the demo has no listed-unit account to file with: " + text)
    w.click("#export")
    w.expect_flash("已签名导出")
    with w.page.expect_download() as download:
        w.click("main a", has_text="JSON", opens_page=False)
    document = json.loads(Path(download.value.path()).read_bytes())
    assert [item["name"] for item in document["items"]] == [org] and document["signature"]["alg"] == "Ed25519"
    w.sent = document


def move_clock(w: Walk, day, reason: str) -> None:
    """The administrator, from its to-do page: 系统管理 → 培训时钟 → the instance's new date (audited)."""
    from playwright.sync_api import expect

    w.log_in("admin")
    w.click("#nav-admin")
    w.click("main a", has_text="培训时钟")
    w.page.fill("#day", day.isoformat())
    w.page.fill("#note", reason)
    w.click("#move-clock")
    expect(w.page.locator("main")).to_contain_text(day.isoformat())


def weights(w: Walk, org: str) -> dict[int, float]:
    """The weight of each indicator of ``org``'s application (what the page's table prints)."""
    from sqlalchemy import select

    from core.extensions import db
    from core.models import Application, Organization
    from core.review import reports

    with w.app.app_context():
        application = db.session.scalars(select(Application).join(Application.organization)
                                         .where(Organization.name == org).order_by(Application.id.desc())).first()
        return {int(i["number"]): float(i["weight"]) for i in reports.indicator_items(application)}


def file_report(w: Walk, org: str) -> None:
    """The firm, on the case file it just accepted: visits the site today and files its report, scored."""
    from playwright.sync_api import expect

    w.page.set_input_files("#file", pdf_file("第三方评价报告.pdf"))
    w.page.fill("#visited_on", instance_day(w.app).isoformat())
    for number, weight in weights(w, org).items():
        w.page.fill(f"#report_score_{number}", f"{weight * 0.85:.2f}")
    w.click("#file-report")
    expect(w.page.locator(".flash.info")).to_be_visible()


def _value_for(name: str, kind: str | None) -> str:
    if kind == "date":
        return "2012-05-18"
    if kind == "number":
        match = re.search(r"-(\d)-year$", name)
        if match:
            return str(2023 + int(match.group(1)))
        return "12.5"
    return "节能环保装备制造"


ORG = "演练绿色工厂有限公司"


def org_name(city: str) -> str:
    from core.cli.demo_data import place_name

    return place_name(city) + ORG


def demo_city(w: Walk) -> str:
    """The city of the demo's ``city`` account: the walking unit registers there."""
    from sqlalchemy import select

    from core.extensions import db
    from core.models import AdminUnit, User

    with w.app.app_context():
        return db.session.scalar(select(AdminUnit.name).join(User, User.admin_unit_id == AdminUnit.id)
                                 .where(User.username == "city"))


#: per province: its name, the document number its list is published under (invented, in the province's style)
PROVINCES = {"hunan": ("湖南省", "湘工信节能〔2026〕88号"), "hubei": ("湖北省", "鄂经信节能〔2026〕66号"),
             "jiangxi": ("江西省", "赣工信节能字〔2026〕77号"), "shanxi": ("山西省", "晋工信节能字〔2026〕55号")}


def publication(w: Walk):
    """How the province publishes its list, as its seed says (``rules.publication``): by decision (Hunan 000 二.4,
    Jiangxi 003 一) or after a public notice (Hubei 002 三(五), Shanxi 004 第十三条)."""
    from core.clock import this_year
    from core.kernel.rules import region_rules

    with w.app.app_context():
        return region_rules().publication("provincial", this_year()).procedure.value


def round_title(w: Walk, level: str) -> str | None:
    """The title of the demo's open round of ``level`` (None without one): the applicant picks it on its page."""
    from sqlalchemy import select

    from core.extensions import db
    from core.models import Campaign

    with w.app.app_context():
        return db.session.scalar(select(Campaign.title).where(Campaign.level == level).order_by(Campaign.id))


def walk_province(w: Walk) -> None:
    """Registration → (in Shanxi, the city round: application → evaluation → the city's recommendation → the city
    list) → application → third-party evaluation → the city's recommendation → the province's panel → the provincial
    list (by decision, or after a notice, with the training clock moved past its end) → the signed recommendation to
    MIIT."""
    province, document_no = PROVINCES[w.region]
    city = demo_city(w)
    org = org_name(city)
    username = f"{w.region}_walker"
    register(w, new_uscc(province, city), org, city, username)
    city_round = round_title(w, "city")
    if city_round:
        # Shanxi 004 第十二条: the city examines what it receives and publishes its city list (发布市层面绿色工厂名单);
        # a provincial green factory is on it first
        apply(w, org, username, city_round)
        w.log_in("city")
        w.click("#todo-city-review a", has_text=org)
        recommend(w)
        lands_on_its_round(w, city_round, org)
        publish_city_list(w, org, city)
        w.log_in(username, NEW_PASSWORD)
    apply(w, org, username, round_title(w, "provincial"), carried=bool(city_round))
    # the city: its queue on its to-do page → the application → recommends it
    w.log_in("city")
    w.click("#todo-city-review a", has_text=org)
    warnings = recommend(w)
    if city_round:  # on the city list already (004 第十二条): no warning to confirm, the check met
        assert CITY_LIST_WARNING not in warnings, warnings
        from playwright.sync_api import expect

        expect(w.page.locator("#eligibility tr", has_text=CITY_LIST_WARNING)).to_contain_text("✓")
    lands_on_its_round(w, round_title(w, "provincial"), org)
    # the province: the recommended applications on its to-do page → the application → a panel → its result
    review(w, "province", org)
    if publication(w) == "decision":
        w.click("main a", has_text="发文公布名单")
        w.page.fill("#document_no", document_no)
        w.page.fill("#title", f"2026年度{province}绿色制造名单")
        for box in w.page.locator("#decision-form input[name=application_ids]").all():
            box.check()
        w.click("#publish-decision")
        w.expect_flash("列入")
    else:
        notice_and_publish(w, "province", org, f"2026年度{province}绿色制造名单公示", document_no, objection=False)
    # … and recommends the unit to the Ministry from its to-do page (办法 第十二条; the demo placed the step after
    # today, the page shows the document's 07-31 beside it)
    w.log_in("province")
    from playwright.sync_api import expect

    expect(w.page.locator("#todo-recommendation")).not_to_contain_text("逾期")
    to_ministry(w, org)


def lands_on_its_round(w: Walk, title: str, org: str) -> None:
    """The city, from its menu: 推荐名单 opens on the round it has just recommended in (not the newest round), the
    unit listed."""
    from playwright.sync_api import expect

    w.click("header a[href$='/city/recommended']")
    expect(w.page.locator("#campaign option[selected]")).to_have_text(title)
    expect(w.page.locator("table.ranked").first).to_contain_text(org)


def publish_city_list(w: Walk, org: str, city: str) -> None:
    """The city, from its to-do page (市级名单: the units it recommended in the city round): the decision's 文号 and
    title, the unit chosen, published (Shanxi 004 第十二条: by the city bureau, no notice named); the public list shows
    it at the city level."""
    from playwright.sync_api import expect

    from core.cli.demo_data import place_name

    w.home()
    w.click("#todo-city-list a")
    w.page.fill("#document_no", f"{place_name(city)}工信发〔2026〕21号")
    w.page.fill("#title", f"2026年度{city}市层面绿色工厂名单")
    w.page.locator("#decision-form label", has_text=org).locator("input[name=application_ids]").check()
    w.click("#publish-decision")
    w.expect_flash("列入")
    expect(w.page.locator("main")).to_contain_text(org)


def apply(w: Walk, org: str, username: str, title: str, *, levels: int = 0, carried: bool = False) -> None:
    """The applicant, from its to-do page: the open round ``title`` → applies as a factory → fills in its form (a
    joint round's ``levels`` 申报层级 all ticked, where it offers that many) → names the demo evaluator's firm, which
    accepts from its to-do page and files its on-site report → submits."""
    from playwright.sync_api import expect

    w.home()
    w.click("#todo-applications a", has_text="正在受理申报")
    w.press(w.page.locator("fieldset", has_text=title).locator("button[data-start=factory]"))
    if carried:  # the city round's application carried over (Shanxi 004 第十二条): its values are on the form
        typed = [box.input_value() for box in w.page.locator("#application-form input[name^=ind_]").all()
                 if box.get_attribute("type") not in ("checkbox", "radio")]
        assert typed and all(typed), typed
        expect(w.page.locator("#contact_name")).to_have_value("周建华")
    fill_application(w, "factory", third_party=True)
    if levels:
        boxes = w.page.locator("input[name=requested_levels]")
        expect(boxes).to_have_count(levels)
        for box in boxes.all():
            box.check()
    w.click("#save-draft")
    w.expect_flash("草稿已于")
    w.click("main a", has_text="检查并提交")
    w.click("main a", has_text="选择第三方评价机构")
    w.page.check("#firm-1")  # the demo evaluator's firm
    w.click("#send-request")
    # the firm: the request on its to-do page → declares its independence → accepts → files its report
    w.log_in("evaluator")
    w.click("#todo-engagements a", has_text=org)
    row = w.page.locator("#requests tr", has_text=org)
    row.locator("input[name$='not_author']").check()
    row.locator("input[name$='not_interested']").check()
    w.press(row.locator("button[id^='accept-']"))
    file_report(w, org)
    # the applicant: its application → 检查并提交 → confirms → submits
    w.log_in(username, NEW_PASSWORD)
    submit(w)


def review(w: Walk, staff: str, org: str) -> None:
    """The staff's panel, from its to-do page: a panel drawn, each expert scores from its own, the result."""
    w.log_in(staff)
    w.click("#todo-panels a", has_text="请指派专家")
    w.press(w.page.locator("main tr", has_text=org).locator("a").first)
    for username in draw_panel(w):  # each expert: the assignment on its to-do page → scores → submits
        w.log_in(username)
        score(w, org)
    w.log_in(staff)
    w.click("#todo-panels a", has_text="请录入评审结果")
    w.press(w.page.locator("main tr", has_text=org).locator("a").first)
    w.click("#grade")
    w.expect_flash("评审结果已记录")


def notice_and_publish(w: Walk, staff: str, org: str, title: str, document_no: str, *, objection: bool) -> None:
    """The notice, from the review page's menu (公示管理), starting today; an objection signed out (the home page →
    公示 → the notice) that the staff resolves from its to-do page; the training clock moved by the administrator
    past the notice's last day; the list published from the staff's to-do page; the public list shows the unit."""
    from playwright.sync_api import expect

    w.click("main a", has_text="公示管理")
    w.page.fill("#title", title)
    for box in w.page.locator("#notice-form input[name=application_ids]").all():
        box.check()
    w.click("#open-notice")
    w.expect_flash("公示")
    if objection:
        w.log_out()
        w.open_home()
        w.click("header a", has_text="公示")
        w.click("main a", has_text=title)
        w.page.select_option("#item_id", label=org)
        w.page.fill("#name", "李国华")
        w.page.fill("#contact", "13907360002")
        w.page.fill("#grounds", "该单位厂区2026年10月曾发生危险废物非法倾倒，请核查。")
        w.click("#file-objection")
        w.expect_flash("异议")
        w.log_in(staff)
        w.click("#todo-notices a", has_text=title)
        resolve = w.page.locator("form[action*='/objections/']")
        resolve.locator("select[name=outcome]").select_option(index=0)  # 不成立: the unit stays on notice
        resolve.locator("textarea[name=resolution]").fill("经核查，生态环境部门无该单位2026年违法倾倒记录，异议不成立。")
        w.press(resolve.locator("button[type=submit]"))
        w.expect_flash("异议")
    else:
        w.home()
        w.click("#todo-notices a", has_text=title)
    expect(w.page.locator("#publish")).to_be_disabled()  # 公示至…结束，结束后方可发布名单
    last_day = re.search(r"公示至(\d{4}-\d{2}-\d{2})结束", w.page.locator("main").inner_text()).group(1)
    # the trainer moves the training clock to the day after the notice's last day
    move_clock(w, dt.date.fromisoformat(last_day) + dt.timedelta(days=1), f"{title}期满，演练发布名单")
    w.log_in(staff)
    w.click("#todo-notices a", has_text=title)
    w.page.fill("#document_no", document_no)
    w.page.check("#publish-form input[name=confirm]")
    w.click("#publish")
    w.expect_flash("列入名单")
    w.log_out()
    w.open_home()
    w.click("header a", has_text="名单")
    expect(w.page.locator("main")).to_contain_text(org)


def walk_national(w: Walk) -> None:
    """The Ministry: registers the province's public key, imports its signed recommendation, reviews it with a
    panel, puts it on notice (办法 第十二条: 15 days), takes an objection signed out, and publishes the national
    list once the training clock has passed the notice's end."""
    from core.services import signing

    w.log_in("ministry")
    w.click("#todo-imports a", has_text="导入省级签名的推荐文件")
    w.click("main a", has_text="省级签名公钥")
    w.page.select_option("#province", value=w.sent["province"]["code"])
    w.page.fill("#public_key", signing.public_text(signing.parse_private(SIGNING_KEY)))
    w.page.fill("#note", "湖南省工业和信息化厅推荐文件签名公钥")
    w.click("main form button[type=submit]")
    w.click("main a", has_text="各省推荐名单")
    w.page.set_input_files("#file", {"name": "hunan-2026.json", "mimeType": "application/json",
                                     "buffer": json.dumps(w.sent, ensure_ascii=False).encode()})
    w.click("#import-form button[type=submit]")
    w.expect_flash("进入国家级评审队列")
    org = w.sent["items"][0]["name"]
    review(w, "ministry", org)
    notice_and_publish(w, "ministry", org, "2026年度国家级绿色制造名单公示", "工信部节函〔2026〕300号", objection=True)


WALKS = {"hunan": walk_province, "hubei": walk_province, "jiangxi": walk_province, "shanxi": walk_province,
         "national": walk_national}


@pytest.mark.parametrize("walk", sorted(WALKS), indirect=True)
def test_a_round_is_walked_by_clicking_from_each_roles_to_do_page(walk):
    started = time.monotonic()
    try:
        WALKS[walk.region](walk)
    finally:
        print(f"{walk.region}: walked in {time.monotonic() - started:.1f} s")
