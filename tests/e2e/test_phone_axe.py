"""Every role's main pages of the Hubei demo, in Chinese and English, checked by axe-core in Debian's chromium
(issue 20): no serious or critical violation anywhere, and the public and applicant pages fit a 375 px phone
(no horizontal scroll; no Chinese squeezed a few characters a line in a table cell). A page with a problem is
saved as a screenshot at 375 px in test-artifacts/e2e/; ``GREENMFG_E2E_SCREENSHOTS=1`` saves every page (66
full-page screenshots were a fifth of the test's time).

axe-core is vendored (tests/e2e/vendor/axe-core, the pinned npm release, MPL-2.0) and injected into each page;
nothing is fetched at test time. Skipped only when chromium or Playwright is missing and CI is not set.
"""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from browser_kit import ARTIFACTS, EVERY_SCREENSHOT, open_page, serving

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
#: axe-core 4.10.3 as npm ships it (vendor/axe-core/README.md)
AXE_SHA256 = "880970c081707360e64f34cea25ff91892f5bc95675b0776925b9709dd8a68bb"
PHONE = 375
#: what axe calls a failure here (its impact levels are minor, moderate, serious, critical)
BLOCKING = {"serious", "critical"}


@pytest.fixture(scope="module")
def demo(sqlite_template, tmp_path_factory):
    """A Hubei demo instance (``greenmfg demo`` data) on a live server; its base URL and the ids pages need."""
    from sqlalchemy import select

    from core import create_app
    from core.accounts import services as accounts
    from core.cli.demo_data import DEMO_PASSWORD, load_demo
    from core.extensions import db
    from core.lists.history import import_history
    from core.models import Application, EvaluationReport, EvaluationRequest, ExpertAssignment, ExpertProfile, Role, User

    path = tmp_path_factory.mktemp("phone") / "demo.sqlite3"
    shutil.copy(sqlite_template, path)
    app = create_app({"GREENMFG_MFA_ROLES": [], "GREENMFG_RATELIMIT_ENABLED": False,  # a log-in per role and language, more than a person
                      "GREENMFG_RATELIMIT_STORAGE": "memory://", "SECRET_KEY": "e2e-axe",
                      "GREENMFG_REGION": "hubei", "GREENMFG_RULES_YEAR": 2025,
                      "GREENMFG_EVIDENCE_DIR": str(path.parent / "evidence"),
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        load_demo(2025, iter, import_history)
        accounts.create_user(username="ministry", password=DEMO_PASSWORD, display_name="工业和信息化部节能司",
                             role=Role.MINISTRY, actor="e2e")
        db.session.commit()
        firm = db.session.scalar(select(User).where(User.username == "enterprise"))
        draft = db.session.scalar(select(Application).where(Application.status == "draft").order_by(Application.id))
        firm.organization_id = draft.organization_id  # the applicant works on a draft: its form is open
        db.session.commit()
        evaluator = db.session.scalar(select(User).where(User.username == "evaluator"))
        to_file = db.session.scalar(select(EvaluationRequest.application_id).where(
            EvaluationRequest.firm_id == evaluator.evaluator_firm_id, EvaluationRequest.status == "accepted",
            EvaluationRequest.application_id.not_in(select(EvaluationReport.application_id))))
        ids = {"app": draft.id, "case": to_file,
               "assignment": db.session.scalar(  # the signed-in expert's own (panel colleagues have theirs)
                   select(ExpertAssignment.id).join(ExpertProfile, ExpertProfile.id == ExpertAssignment.expert_id)
                   .join(User, User.id == ExpertProfile.user_id).where(User.username == "expert")
                   .order_by(ExpertAssignment.id))}
    with serving(app) as base:
        yield base, ids


#: role -> pages (path, fits a phone); the public and applicant pages must fit 375 px
PAGES = {
    None: [("/", True), ("/rules", True), ("/public/lists", True), ("/notices", True), ("/login", True),
           ("/register", True)],
    "enterprise": [("/", True), ("/applications", True), ("/applications/{app}", True),
                   ("/applications/{app}/edit", True), ("/applications/{app}/evaluation", True),
                   ("/account", True)],
    "city": [("/", False), ("/city", False), ("/city/recommended", False), ("/city/lists", False)],
    "province": [("/", False), ("/province/campaigns", False), ("/province/applications", False),
                 ("/province/notices", False), ("/province/lists", False), ("/review/experts", False),
                 ("/review/evaluators", False), ("/province/recommendation", False),
                 ("/management/dashboard", False)],
    "expert": [("/", False), ("/expert", False), ("/expert/assignments/{assignment}", False)],
    "evaluator": [("/", False), ("/review/engagements", False), ("/review/case-files/{case}", False)],
    "ministry": [("/ministry/imports", False)],
    "admin": [("/", False)],
}


#: table cells whose Chinese text (4+ characters) gets about three characters a line or fewer (padding included)
SQUEEZED = """() => [...document.querySelectorAll('main td, main th')].filter(cell => {
    const text = cell.textContent.trim();
    const em = parseFloat(getComputedStyle(cell).fontSize);
    return /[\u4e00-\u9fff]{4}/.test(text) && cell.clientWidth < 4 * em && cell.offsetParent !== null;
}).map(cell => cell.textContent.trim().slice(0, 20))"""


def test_axe_is_the_pinned_release():
    assert hashlib.sha256(AXE.read_bytes()).hexdigest() == AXE_SHA256
    assert AXE.read_text(encoding="utf-8").startswith("/*! axe v4.10.3")


def _check(page, url: str, shot: str, phone: bool) -> list[str]:
    """Open ``url``, run axe-core; return what is wrong (blocking violations, horizontal scroll)."""
    response = page.goto(url)
    problems = []
    if response is None or response.status >= 400:
        return [f"{url}: HTTP {response.status if response else '?'}"]
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    for v in result["violations"]:
        if v["impact"] in BLOCKING:
            targets = "; ".join(" ".join(n["target"]) for n in v["nodes"][:4])
            problems.append(f"{url}: {v['impact']} {v['id']} ({len(v['nodes'])}x: {targets})")
    width = page.evaluate("() => document.scrollingElement.scrollWidth")
    if phone and width > PHONE:
        problems.append(f"{url}: {width} px wide at a {PHONE} px viewport")
    if phone:
        problems += [f"{url}: Chinese squeezed in a table cell: {text}" for text in page.evaluate(SQUEEZED)[:5]]
    if problems or EVERY_SCREENSHOT:
        page.screenshot(path=str(ARTIFACTS / f"phone-{shot}.png"), full_page=True)
    return problems


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("role", list(PAGES), ids=lambda r: r or "public")
def test_pages_pass_axe_and_fit_a_phone(demo, role, lang, chromium):
    from core.cli.demo_data import DEMO_PASSWORD

    base, ids = demo
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    with open_page(chromium, viewport={"width": PHONE, "height": 812}, device_scale_factor=1, is_mobile=True,
                   has_touch=True, bypass_csp=True) as (page, errors):  # axe is injected as an inline script
        page.goto(f"{base}/login?lang={lang}")
        assert page.locator("html").get_attribute("lang").startswith(lang)
        if role:
            page.fill("#username", role)
            page.fill("#password", DEMO_PASSWORD)
            with page.expect_navigation():  # the log-in's answer (a wait for the load state alone raced it)
                page.click("#login-submit")
            assert "/login" not in page.url, f"{role} could not sign in"
        for n, (path, phone) in enumerate(PAGES[role]):
            problems += _check(page, base + path.format(**ids), f"{role or 'public'}-{lang}-{n}", phone)
    assert not errors
    assert not problems, "\n".join(problems)
