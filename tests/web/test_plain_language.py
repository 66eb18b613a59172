"""Plain language on every main page (issue 20): each role of each region, in Chinese and in English, reads no
internal code, no Python value and no word of the other language.

Each region gets the demo data (``core.cli.demo_data``: applications in every state, evaluations, experts,
list history, the users admin/province/city/enterprise/evaluator/expert) plus a ministry account. Every role
starts at the home page and its own entry pages and follows the links of the pages it sees (one page per
address pattern, up to three records for a record's page), so a new page is scanned as soon as something links to it. The visible text is what a reader
sees: text nodes, and the ``title``, ``placeholder`` and ``aria-label`` attributes; not scripts, styles or codes
inside other attributes.

What a page may show in the other language is data that has no translation: names of organizations, people,
units and files, campaign titles, and the documents, articles and titles the region plugin cites (the rules
export). A name that has an English form (the region, a unit type) must show it in English.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from helpers import DEMO_COPIES

from core.declared_fields import api_field

DEMO_PASSWORD = "greenmfg-demo-2025"
REGIONS = ["hunan", "hubei", "jiangxi", "shanxi", "national"]
ROLES = ["public", "enterprise", "drafter", "city", "province", "expert", "evaluator", "ministry", "admin"]
#: pages each role must reach (their entry pages), besides what their links lead to
ENTRY = {
    "public": ["/", "/rules", "/public/lists", "/notices", "/login", "/register"],
    "enterprise": ["/applications", "/management/", "/account", "/account/password", "/jobs"],
    "drafter": ["/applications", "/account"],
    "city": ["/city", "/city/recommended", "/city/lists", "/management/", "/management/removals", "/inbox",
             "/account"],
    "province": ["/province/applications", "/province/campaigns", "/review", "/province/recommendation",
                 "/province/notices", "/province/lists", "/province/list-history", "/review/experts",
                 "/review/evaluators", "/management/", "/management/dashboard", "/management/removals", "/inbox"],
    "expert": ["/expert", "/account"],
    "evaluator": ["/review/engagements", "/account"],
    "ministry": ["/ministry/imports", "/ministry/province-keys", "/management/"],
    "admin": ["/management/", "/account/reset", "/province/campaigns"],
}
MAX_PAGES = 60  # address patterns a role's crawl reads
RECORDS_PER_PATTERN = 3  # records read per pattern of a record's page (/applications/N)
#: the rules and their comparisons (/rules, /rules/diff and their variants) are the same page for every visitor,
#: signed in or not (their templates read no user; the header around them is read on each role's own pages), and
#: the heaviest the crawl reads: each is read once per language by whichever role reaches it first
SAME_FOR_EVERYONE = re.compile(r"/rules(?:/diff)?(?:\?|$)")
#: an article of a cited document (附件2, 第十条, 三（一）): documents are cited by 文号 and article in both languages
ARTICLE = re.compile(r"附件\s*\d+|第[一二三四五六七八九十百零]+[条章款项]|[一二三四五六七八九十]+（[一二三四五六七八九十]+）")

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")
#: an English word with a small letter (acronyms such as USCC, PDF, API, MIIT are allowed on Chinese pages)
ENGLISH_WORD = re.compile(r"\b[A-Za-z]*[a-z][A-Za-z]*(?:'[a-z]+)?\b")
#: allowed English on a Chinese page: the product's name and the language switch
ZH_ALLOWED_WORDS = {"greenmfg", "English", "xlsx", "tce"}  # tce: 吨标准煤, the unit energy figures are given in
DOTTED_CODE = re.compile(r"\b(?!e\.g\b|i\.e\b)[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*\b")
UNDERSCORE_CODE = re.compile(r"\b[a-z]+_[a-z0-9_]+\b")
#: a Python value: True/False/None alone or in a list, dict or call; a list or dict; Decimal(...); datetime...
PYTHON_REPR = re.compile(r"^(?:True|False|None)$|[\[(:,=] ?(?:True|False|None)\b|\b(?:True|False|None) ?[,)\]}]"
                         r"|\[['\"{\d]|\{['\"]|Decimal\(|datetime\.")
#: not words: addresses and paths, e-mail, the API's header, a browser's name, file names, credit codes,
#: one-time secrets
NOT_WORDS = re.compile(r"https?://\S+|(?<![\w.])/[\w/.{}<>-]+|\S+@\S+|Authorization: Bearer|\b\w+/[\d.]+|[\w.\-]+\.(?:pdf|xlsx|csv|json|xls)\b|\b[0-9A-Z]{18}\b|\b[A-Z2-7]{16,}\b")


#: not read as prose: scripts, styles, and ``<code>``, which shows exactly what a user types (a file's column
#: headers, the form of a code), in any language
HIDDEN = ("script", "style", "code")
#: a label said twice (issue 61: "关键指标 平台默认（文件未作规定）：平台默认：…"): a phrase, maybe a bracketed
#: note, a colon, and the same phrase with a colon again
DOUBLED_LABEL = re.compile(r"([\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z ]{1,20}?)(?:\s*[（(][^）)]{0,40}[）)])?\s*[：:]\s*\1\s*[：:]",
                           re.IGNORECASE)
#: a decimal number (not part of a version, an address or a longer number)
DECIMAL = re.compile(r"(?<![\d.\w/])\d{1,6}\.\d{1,4}(?![\d.]|\w)")


def precision_problems(texts: list[str]) -> list[str]:
    """One value printed with different precision on one page (issue 61: a filing's score 6.0 where the
    application printed 6.00): each value with the ways it was written, when there is more than one."""
    written: dict[float, set[str]] = {}
    for text in texts:
        for m in DECIMAL.finditer(text):
            written.setdefault(float(m.group(0)), set()).add(m.group(0))
    # a whole number printed as Python prints a float ("6.0") beside the two decimals scores are printed with
    # ("6.00"); other one-decimal numbers are typed values (an indicator's 3.2), which may equal a score by chance
    return [f"one number printed as {' and '.join(sorted(forms))}" for forms in written.values()
            if any(f.endswith(".0") for f in forms) and any(len(f.split(".")[1]) == 2 for f in forms)]


class _Text(HTMLParser):
    """The visible text of a page, one entry per text node or read attribute, and the links."""

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag in HIDDEN:
            self._hidden += 1
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        for name in ("title", "placeholder", "aria-label"):
            if values.get(name):
                self.texts.append(values[name])

    def handle_endtag(self, tag):
        if tag in HIDDEN:
            self._hidden = max(0, self._hidden - 1)

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.texts.append(" ".join(data.split()))


def _strings(value, out: set[str]) -> None:
    if isinstance(value, str):
        if CJK.search(value) or " " in value:
            out.add(value.strip())
    elif isinstance(value, dict):
        for item in value.values():
            _strings(item, out)
    elif isinstance(value, (list, tuple, set)):
        for item in value:
            _strings(item, out)


def _data_texts(app) -> tuple[set[str], set[str]]:
    """Texts that come from data, shown as they are in either language; names that have an English form."""
    import sqlalchemy as sa

    from core.extensions import db
    from core.kernel.rules import region_rules
    from core.services.rules_export import document_rows, rule_rows

    found: set[str] = set()
    with app.app_context():
        rules = region_rules()
        for year in (2024, 2025, 2026):
            _strings(rule_rows(rules, year), found)
            _strings(document_rows(rules, year), found)
        skip = {"audit_log", "jobs", "alembic_version"}
        for table in db.metadata.sorted_tables:
            if table.name in skip:
                continue
            columns = [c for c in table.columns if isinstance(c.type, (sa.String, sa.Text, sa.JSON))]
            if columns:
                for row in db.session.execute(sa.select(*columns)):
                    _strings(list(row), found)
        from core.applications.summary import layout_for
        from core.models import Campaign

        found |= {layout_for(c).title for c in db.session.scalars(sa.select(Campaign))}  # a summary table's title
        # account names are data too: an operation log names who acted
        found |= set(db.session.scalars(sa.text("SELECT username FROM user_account")))
        found |= set(db.session.scalars(sa.text("SELECT DISTINCT actor FROM audit_log")))
        english = {rules.region.name} | {t.name for t in rules.unit_types.values()}
        db.session.remove()
    return {s for s in found if s and s not in english}, english


def _halves(texts: set[str], lang: str) -> set[str]:
    """Data kept as "中文 / English" (a region's message, a platform default's note) is allowed in each
    language by its own half only: a page shows the half of its language."""
    from core.i18n import split_languages

    out = set()
    for text in texts:
        halves = split_languages(text)
        out.add(text if halves is None else halves[0 if lang == "zh" else 1])
    return out


def _as_cited(app, texts: set[str], lang: str) -> set[str]:
    """A document's citation as a page writes it (core/web/cites.py: its dates and brackets as the document writes
    them in Chinese, in English words on an English page; a round's row without another year's date)."""
    from flask_babel import force_locale

    from core.web.cites import as_written

    with app.test_request_context("/"), force_locale(lang):
        return {as_written(t, year) for t in _halves(texts, lang) for year in (None, 2024, 2025, 2026)}


def _allowed_pattern(texts: set[str]) -> re.Pattern:
    """Any of ``texts``; one in Latin letters only as a whole word (an account named "city" hides no code)."""
    return re.compile("|".join(rf"\b{re.escape(t)}\b" if t.isascii() else re.escape(t)
                               for t in sorted(texts, key=len, reverse=True)))


def scan(text: str, lang: str, allowed: re.Pattern, english_names: set[str]) -> list[str]:
    """What is wrong with one piece of visible text."""
    problems = [f"label said twice {m.group(0)!r}" for m in DOUBLED_LABEL.finditer(text)]
    for m in PYTHON_REPR.finditer(text):
        problems.append(f"Python value {m.group(0)!r}")
    rest = allowed.sub(" ", text) if allowed.pattern else text
    rest = NOT_WORDS.sub(" ", rest)
    for pattern, what in ((DOTTED_CODE, "dotted code"), (UNDERSCORE_CODE, "internal code")):
        problems += [f"{what} {m.group(0)!r}" for m in pattern.finditer(rest)]
    if lang == "zh":
        words = [w for w in ENGLISH_WORD.findall(rest) if w not in ZH_ALLOWED_WORDS]
        problems += [f"English {w!r}" for w in words]
    else:
        rest = ARTICLE.sub(" ", rest)
        problems += [f"Chinese name with an English form {n!r}" for n in english_names
                     if n in CJK.findall(rest)]
        problems += [f"Chinese {run!r}" for run in CJK.findall(rest) if run not in ("中文",)
                     and not set(run) <= set("，。：；、（）《》“”【】〔〕　·")]
    return problems


def _pattern(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def crawl(client, lang: str, start: list[str], allowed: re.Pattern, english_names: set[str],
          scanned: dict[str, list[str]] | None = None, read: set[str] | None = None) -> tuple[dict, set]:
    """Visit ``start`` and the pages they link to; ``{url: [problems]}`` and the address patterns seen. A record's
    page (an address with a number in its path) is read for up to ``RECORDS_PER_PATTERN`` records, so that a
    defect that shows only with some data (an evaluator firm with engagements, an application with a score) is
    read as well as the record that happened to be linked first. ``scanned`` keeps what :func:`scan` found in each
    text already read in ``lang`` (the menus and headings repeat on every page). ``read`` holds the addresses of
    the pages that read the same for everyone (:data:`SAME_FOR_EVERYONE`) already read in ``lang``: each is asked
    once per language, not once per role, and is added to it."""
    scanned = {} if scanned is None else scanned
    read = set() if read is None else read
    client.get(f"/?lang={lang}")
    queue, visited, found = list(start), set(), {}
    per_pattern: dict[str, int] = {}
    while queue and len(per_pattern) < MAX_PAGES:
        url = queue.pop(0)
        pattern = _pattern(url)
        limit = RECORDS_PER_PATTERN if re.search(r"\d", urlsplit(url).path) else 1
        if url in visited or per_pattern.get(pattern, 0) >= limit:
            continue
        visited.add(url)
        per_pattern[pattern] = per_pattern.get(pattern, 0) + 1
        if SAME_FOR_EVERYONE.match(url):
            if url in read:
                continue
            read.add(url)
        response = client.get(url)
        if response.status_code != 200 or not response.content_type.startswith("text/html"):
            continue
        page = _Text()
        page.feed(response.get_data(as_text=True))
        for text in page.texts:
            if text not in scanned:
                scanned[text] = scan(text, lang, allowed, english_names)
        problems = [f"{p} in {text[:120]!r}" for text in page.texts for p in scanned[text]]
        problems += precision_problems(page.texts)
        if problems:
            found[url] = sorted(set(problems))
        for href in page.links:
            link = urlsplit(href)
            if (link.netloc or not link.path.startswith("/") or "lang=" in link.query or link.path == "/logout"
                    or link.path.startswith("/api") or re.search(r"\.(pdf|xlsx|csv|json)$|/download$|/evidence/|/files/|/report$", link.path)):
                continue
            queue.append(link.path + (f"?{link.query}" if link.query else ""))
    return found, set(per_pattern)


def _half_done_draft():
    """A draft its applicant has saved several times, as the web form saves it: contact, levels applied for,
    negative-list declarations and every table of rows the region's form has (the operation log shows them)."""
    from marshmallow import fields
    from sqlalchemy import select

    from core.applications import services
    from core.applications.fields import column_labels, fields_for
    from core.errors import GreenmfgError
    from core.extensions import db
    from core.kernel.rules import region_rules
    from core.models import Application, ApplicationStatus
    from core.plugins.types import Level

    rules = region_rules()
    draft = db.session.scalars(select(Application).where(Application.status == ApplicationStatus.DRAFT)
                               .order_by(Application.id)).first()
    items = rules.negative_list_for(draft.unit_type, Level(draft.level), draft.campaign.year)
    services.save_draft(draft, {"contact_name": "王建国", "contact_phone": "0731-88886666",
                                "requested_levels": services.requested_level_choices(draft.campaign, draft.unit_type),
                                "declarations": {i.code: False for i in items}}, "drafter")
    ffs = fields_for(rules, draft.unit_type, draft.level, draft.campaign.year)
    for code in column_labels(ffs):
        nested = api_field(next(f for f in ffs if f.code == code)).inner.schema
        row = {name: "示例" if isinstance(f, fields.String) else 1 for name, f in nested.fields.items()
               if isinstance(f, (fields.String, fields.Number))}
        try:
            with db.session.begin_nested():
                services.save_draft(draft, {"extension": {code: [row, row]}}, "drafter")
        except GreenmfgError:
            pass  # a table whose rows need more than text and numbers stays empty
    return draft


@pytest.fixture
def demo_site(make_app, tmp_path, request, cheap_hashes):
    from core.accounts import services as accounts
    from core.extensions import db
    from core.clock import this_year
    from core.management import filings
    from core.models import Role, User
    from sqlalchemy import select

    app = make_app(request.param, WTF_CSRF_ENABLED=False, GREENMFG_EVIDENCE_DIR=str(tmp_path / "evidence"))
    with app.app_context():
        DEMO_COPIES.load(app)
        if db.session.scalar(select(User).where(User.username == "ministry")) is None:  # the national demo has one
            accounts.create_user(username="ministry", password=DEMO_PASSWORD, display_name="工业和信息化部节能司",
                                 role=Role.MINISTRY, actor="test")
        draft = _half_done_draft()
        accounts.create_user(username="drafter", password=DEMO_PASSWORD, display_name=draft.organization.name,
                             role=Role.APPLICANT, actor="test", organization_id=draft.organization_id)
        filings.open_year(this_year(), "test")  # the annual dynamic-management tables of the listed units
        # the hourly scheduled work, as a served instance runs it: this year's tables are overdue, so removals
        # are proposed (reasons the platform writes in both languages, "scheduled work" as who proposed them)
        from core.management.jobs import run_due

        run_due("scheduler")
        db.session.commit()
        db.session.remove()
    return app


@pytest.mark.parametrize("demo_site", REGIONS, indirect=True)
def test_every_main_page_reads_plainly_in_both_languages(demo_site):
    allowed_texts, english_names = _data_texts(demo_site)
    allowed = {lang: _allowed_pattern(_halves(allowed_texts, lang) | _as_cited(demo_site, allowed_texts, lang))
               for lang in ("zh", "en")}
    report, reached, scanned, read = [], {}, {"zh": {}, "en": {}}, {"zh": set(), "en": set()}
    for role in ROLES:
        for lang in ("zh", "en"):
            client = demo_site.test_client()
            if role != "public":
                login = client.post("/login", data={"username": role, "password": DEMO_PASSWORD})
                assert login.status_code == 302, f"{role} cannot log in"
            found, seen = crawl(client, lang, ["/"] + ENTRY[role], allowed[lang], english_names, scanned[lang],
                                read[lang])
            reached[role] = seen
            report += [f"{role} {lang} {url}: {p}" for url, problems in found.items() for p in problems]
    # every role reached its entry pages and at least one record's page (the scan is not of empty pages)
    for role in ROLES:
        assert {_pattern(u) for u in ENTRY[role]} <= reached[role], role
    _deadline_reads_one_way(demo_site)
    assert all(any("N" in p for p in reached[role]) for role in ("enterprise", "drafter", "province"))
    # the scheduled work's removal proposals and their messages were read (seed 001: 未按时填报 → 移出名单)
    assert {"/management/removals/N", "/inbox/N"} <= reached["city"] & reached["province"]
    assert not report, "\n".join(report[:80]) + f"\n… {len(report)} problems"


def _deadline_reads_one_way(app):
    """The campaign closes at the end of 12-31: the list and the detail page both say "12-31 24:00",
    labelled 截止时间 (issue 20 saw "2026-12-31 24:00" on the list and "2027-01-01 00:00:00" labelled 事项)."""
    from core.clock import this_year

    client = app.test_client()
    client.post("/login", data={"username": "drafter", "password": DEMO_PASSWORD})
    mine = client.get("/applications?lang=zh").get_data(as_text=True)
    detail_url = re.search(r'href="(/applications/\d+)"', mine).group(1)
    detail = client.get(detail_url).get_data(as_text=True)
    deadline = f"{this_year()}-12-31 24:00"
    assert deadline in mine and deadline in detail and f"{this_year() + 1}-01-01 00:00" not in detail
    assert re.search(r"截止时间</dt><dd[^>]*>" + deadline, detail)


def test_scan_finds_the_cases_the_issue_lists():
    """The scan catches what issue 20 saw on the demo: raw codes, Python values, wrong-language labels."""
    nothing = re.compile("")
    names = {"湖南省", "绿色工厂"}
    cases = {
        ("zh", "['焦化', '钢铁']"), ("zh", "{'a': 1}"), ("zh", "True"), ("zh", "application.saved"),
        ("zh", "ext.hunan.x"), ("zh", "missing_value"), ("zh", "factory: 无名额限制 national"),
        ("zh", "（状态：submitted）"), ("zh", "rejected"), ("zh", "unchanged"), ("zh", "Decimal('3.5')"),
        ("en", "Apply as 绿色工厂"), ("en", "Log in · 湖南省"), ("en", "needs_reference"), ("en", "字段"),
    }
    for lang, text in cases:
        assert scan(text, lang, nothing, names), (lang, text)
    for lang, text in (("zh", "统一社会信用代码 USCC · PDF · greenmfg"), ("en", "None recommended yet."),
                       ("en", "False declarations lead to removal and a ban."),
                       ("en", "Deadline 2026-12-31 24:00"), ("zh", "截止时间 2026-12-31 24:00")):
        assert not scan(text, lang, nothing, names), (lang, text)
    # issue 61: a label said twice; one value at two precisions on a page
    for lang, text in (("zh", "平台默认（文件未作规定）：平台默认：年度动态管理表的关键指标"),
                       ("en", "platform default (no document sets it): platform default: the key figures")):
        assert scan(text, lang, nothing, names), (lang, text)
    assert not scan("平台默认（文件未作规定）：至多10日", "zh", nothing, names)
    assert precision_problems(["得分 6.0", "自评价得分：6.00"]) and not precision_problems(["6.00", "6.00", "7.5"])
    assert not precision_problems(["版本 1.2.3", "2026-12-31 24:00", "85.00 · 60.5", "3.2", "3.20"])
    data = _allowed_pattern({"长沙绿色工厂有限公司"})
    assert not scan("Applicant: 长沙绿色工厂有限公司", "en", data, names)
