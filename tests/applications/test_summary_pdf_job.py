"""The summary table as PDF is a background job (issues 42, 46 W6): the city's user starts it from the
recommendations page, follows its progress on the job's page and downloads the PDF there; LibreOffice prints it
(the kept one, started once and started again after it died; a one-shot soffice only when the kept one cannot
start), the PDF reads back with poppler; a missing or failing LibreOffice fails the job with its message in both
languages and offers nothing; and a job's file is named in the language of the person who started it.

Without LibreOffice or poppler the tests that print skip with the reason (under CI they fail: .ci/run installs
both)."""
from __future__ import annotations

import logging
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from app_world import build_world
from summary_kit import CASES, populate, world

from core.services import office

#: the kept LibreOffice of these tests listens here (the helper ports of this branch), never on a deployment's 2003
PORT = 5713
CONFIG = {"WTF_CSRF_ENABLED": False, "GREENMFG_PDF_PORT": PORT, "GREENMFG_JOBS_HEARTBEAT_SECONDS": 0.1}
TITLE = "2024年湖南省绿色制造体系申报汇总表"


def _require_tools() -> None:
    missing = [t for t in ("soffice", "pdftotext") if shutil.which(t) is None]
    if office.Kept(office.Settings(port=PORT)).python() is None:  # the kept LibreOffice's listener needs uno
        missing.append("python3-uno")
    if missing:
        reason = (f"{', '.join(missing)} not installed "
                  "(apt-get install -y libreoffice-calc-nogui python3-uno poppler-utils)")
        if os.environ.get("CI"):
            pytest.fail(f"CI must print the summary PDF: {reason}")
        pytest.skip(reason)


@pytest.fixture
def city(make_app):
    """A Hunan city with 4 recommended applications in the 2024 provincial round, and its user's client."""
    app = make_app("hunan", **CONFIG)
    w = build_world(app)
    case = CASES["hunan-2024"]
    with app.app_context():
        from core.extensions import db

        unit, campaign = world(case)
        populate(case, unit, campaign, 4, types=("factory",))
        w.campaign_id = campaign.id
        db.session.commit()
    w.city = w.client("city_changsha")
    return w


def _start(w, lang: str = "zh") -> str:
    page = w.city.get(f"/city/recommended?campaign={w.campaign_id}&lang={lang}").get_data(as_text=True)
    assert 'id="export-pdf-form"' in page and "/city/summary.pdf" in page
    started = w.city.post(f"/city/summary.pdf?campaign={w.campaign_id}&lang={lang}")
    assert started.status_code == 302 and "/jobs/" in started.headers["Location"]
    return started.headers["Location"].rsplit("/", 1)[1]


def _wait(app) -> None:
    app.extensions["greenmfg_jobs"].wait(180)


def _text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "table.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return "".join(out.split())


def _job(app, public_id: str):
    from sqlalchemy import select

    from core.extensions import db
    from core.models import Job

    with app.app_context():
        row = db.session.scalar(select(Job).where(Job.public_id == public_id))
        db.session.expunge(row)
        return row


def test_the_city_starts_the_pdf_follows_it_and_downloads_it(city, tmp_path):
    """Start → the job's page (progress, refreshing) → done → the download: a PDF printed by the kept LibreOffice,
    with the table's title, named for people; the page links back to the recommendations."""
    _require_tools()
    app = city.app
    public_id = _start(city)
    _wait(app)
    page = city.city.get(f"/jobs/{public_id}")
    html = page.get_data(as_text=True)
    assert 'data-status="done"' in html and "汇总表PDF" in html and "Refresh" not in page.headers
    assert 'id="job-download"' in html and "汇总表-2024-长沙市.pdf" in html
    assert "表中共列出 4 份申报" in html and f"/city/recommended?campaign={city.campaign_id}" in html
    download = city.city.get(f"/jobs/{public_id}/download")
    assert download.status_code == 200 and download.mimetype == "application/pdf" and download.data[:5] == b"%PDF-"
    assert quote("汇总表-2024-长沙市.pdf") in download.headers["Content-Disposition"]
    assert TITLE in _text(download.data, tmp_path)
    row = _job(app, public_id)
    assert row.result["printed_by"] == office.KEPT and row.result["applications"] == 4
    # the export is audited once, as the xlsx export is
    with app.app_context():
        from sqlalchemy import func, select

        from core.extensions import db
        from core.models import AuditLog

        assert db.session.scalar(select(func.count()).select_from(AuditLog).where(
            AuditLog.action == "summary.exported")) == 1


def test_progress_is_visible_while_libreoffice_prints(city, monkeypatch):
    """While LibreOffice prints, the job's page says so (its stage and the percentage, refreshing by itself)."""
    from core.applications import summary

    printing, release = threading.Event(), threading.Event()
    real = summary.print_pdf

    def slow(data, settings=None):
        printing.set()
        release.wait(30)
        return office.Printed(b"%PDF-1.4 test", office.KEPT, 0.0)

    monkeypatch.setattr(summary, "print_pdf", slow)
    try:
        public_id = _start(city, lang="en")
        assert printing.wait(30)
        time.sleep(0.5)  # the heartbeat (0.1 s here) writes the progress to the job's row
        page = city.city.get(f"/jobs/{public_id}?lang=en")
        html = page.get_data(as_text=True)
        assert page.headers.get("Refresh") == "1" and 'data-status="running"' in html  # young: every second
        assert "Printing the table to PDF with LibreOffice" in html and 'value="50"' in html
        zh = city.city.get(f"/jobs/{public_id}?lang=zh").get_data(as_text=True)
        assert "正在将汇总表打印为PDF" in zh
    finally:
        release.set()
        monkeypatch.setattr(summary, "print_pdf", real)
        _wait(city.app)
    assert 'data-status="done"' in city.city.get(f"/jobs/{public_id}").get_data(as_text=True)


def test_without_libreoffice_the_job_fails_with_a_clear_message_and_offers_nothing(city, monkeypatch):
    monkeypatch.setattr(office, "pdf_available", lambda: False)
    public_id = _start(city)
    _wait(city.app)
    zh = city.city.get(f"/jobs/{public_id}?lang=zh").get_data(as_text=True)
    en = city.city.get(f"/jobs/{public_id}?lang=en").get_data(as_text=True)
    assert 'data-status="failed"' in zh and "job-download" not in zh and "job-download" not in en
    assert "服务器未安装LibreOffice" in zh and "needs LibreOffice on the server" in en
    row = _job(city.app, public_id)
    assert row.result_key is None and row.attempts == 1  # refused at once, not retried
    assert city.city.get(f"/jobs/{public_id}/download").status_code == 404
    with city.app.app_context():
        from sqlalchemy import func, select

        from core.extensions import db
        from core.models import AuditLog

        assert not db.session.scalar(select(func.count()).select_from(AuditLog).where(
            AuditLog.action == "summary.exported"))  # nothing half-made: the export is not recorded either


def test_a_failing_libreoffice_fails_the_job_in_both_languages(make_app, tmp_path, monkeypatch):
    """A LibreOffice that fails (here an soffice that exits 1) is reported, not retried, and nothing is stored."""
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "soffice").write_text("#!/bin/sh\necho broken >&2\nexit 1\n")
    (fake / "soffice").chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake}:{os.environ['PATH']}")
    app = make_app("hunan", **CONFIG, GREENMFG_PDF_RENDERER="oneshot")
    w = build_world(app)
    with app.app_context():
        from core.extensions import db

        unit, campaign = world(CASES["hunan-2024"])
        populate(CASES["hunan-2024"], unit, campaign, 2, types=("factory",))
        w.campaign_id = campaign.id
        db.session.commit()
    w.city = w.client("city_changsha")
    public_id = _start(w)
    _wait(app)
    zh = w.city.get(f"/jobs/{public_id}?lang=zh").get_data(as_text=True)
    en = w.city.get(f"/jobs/{public_id}?lang=en").get_data(as_text=True)
    assert "生成PDF失败" in zh and "Printing to PDF failed" in en and "job-download" not in zh
    assert _job(app, public_id).result_key is None


def test_a_job_names_its_file_in_the_language_of_whoever_started_it(make_app):
    """Issue 42: a summary export made by a job was named in the platform's first language (汇总表-…) whatever the
    language of the page that started it."""
    app = make_app("hunan", **CONFIG, GREENMFG_JOBS_INLINE_ROWS=-1)
    w = build_world(app)
    with app.app_context():
        from core.extensions import db

        unit, campaign = world(CASES["hunan-2024"])
        populate(CASES["hunan-2024"], unit, campaign, 2, types=("factory",))
        campaign_id = campaign.id
        db.session.commit()
    client = w.client("city_changsha")
    names = {}
    for lang in ("en", "zh"):
        started = client.get(f"/city/summary.xlsx?campaign={campaign_id}&lang={lang}")
        assert started.status_code == 302
        _wait(app)
        download = client.get(started.headers["Location"] + "/download")
        names[lang] = unquote(download.headers["Content-Disposition"].split("''", 1)[1])
    assert names["zh"] == "汇总表-2024-长沙市.xlsx"
    assert names["en"].startswith("Summary table-2024-") and "汇总表" not in names["en"], names
    # the API starts it in the request's language too
    started = w.api("city_changsha").get(f"/api/v1/summary?campaign_id={campaign_id}",
                                         headers={"Accept-Language": "en"})
    assert started.status_code == 202
    _wait(app)
    assert _job(app, started.get_json()["id"]).result_name.startswith("Summary table-2024-")


# ---------------------------------------------------------------- the kept LibreOffice --


@pytest.fixture(scope="module", autouse=True)
def _kept_office_stopped():
    """The kept LibreOffice these tests started (by a job, so not tied to this process) ends with them."""
    yield
    office.stop_kept(office.Settings(port=PORT))


@pytest.fixture
def office_log(caplog):
    """What core.services.office logs (a migration's logging set-up may have switched existing loggers off)."""
    logger = logging.getLogger("core.services.office")
    disabled, logger.disabled = logger.disabled, False
    with caplog.at_level(logging.INFO, logger="core.services.office"):
        yield caplog
    logger.disabled = disabled


@pytest.fixture
def workbook(city):
    from core.applications import summary

    with city.app.app_context():
        from sqlalchemy import select

        from core.extensions import db
        from core.models import AdminUnit, Campaign

        unit = db.session.scalar(select(AdminUnit).where(AdminUnit.code == CASES["hunan-2024"].city_code))
        data = summary.export_xlsx(unit, db.session.get(Campaign, city.campaign_id), "test")
        db.session.rollback()
    return data


def test_the_kept_libreoffice_is_started_again_after_it_died(workbook, tmp_path, office_log):
    _require_tools()
    settings = office.Settings(port=PORT)
    kept = office.Kept(settings)
    assert kept.ensure()
    first = office.print_pdf(workbook, settings)
    assert first.by == office.KEPT and TITLE in _text(first.data, tmp_path)
    import signal

    os.killpg(kept.pid(), signal.SIGKILL)  # LibreOffice and its listener die
    time.sleep(0.5)
    # neither answering nor taken for one still starting (it was this process's child: a zombie until reaped, which
    # the next PDF waited for until GREENMFG_PDF_START_SECONDS ran out, 90 s)
    assert not kept.alive() and not kept._starting()
    office_log.clear()
    again = office.print_pdf(workbook, settings)
    assert again.by == office.KEPT and again.data[:5] == b"%PDF-" and kept.alive()
    assert "kept LibreOffice started" in office_log.text and "printed by the kept LibreOffice" in office_log.text


def test_a_print_soon_after_another_goes_straight_to_the_kept_libreoffice(workbook, monkeypatch):
    """Within a minute of a print by the same running listener, the next print does not first ask it whether it
    answers (6–11 ms beside a 0.18 s print, bench/bench_summary_pdf.py); later it asks again. A listener that died
    in between is covered by the test above: its process no longer runs, so the print asks, and starts it again."""
    _require_tools()
    settings = office.Settings(port=PORT)
    kept = office.Kept(settings)
    assert kept.ensure()
    assert office.print_pdf(workbook, settings).by == office.KEPT
    asked = []
    answers = office.Kept.alive
    monkeypatch.setattr(office.Kept, "alive", lambda self: asked.append(self.port) or answers(self))
    printed = office.print_pdf(workbook, settings)
    assert printed.by == office.KEPT and printed.data[:5] == b"%PDF-" and asked == []
    monkeypatch.setattr(office, "TRUSTED_SECONDS", 0.0)  # a minute later
    assert office.print_pdf(workbook, settings).by == office.KEPT and asked == [PORT]


def test_a_kept_libreoffice_that_cannot_start_falls_back_to_a_one_shot_and_says_so(workbook, tmp_path, office_log):
    _require_tools()
    settings = office.Settings(port=PORT + 2, python="/bin/false")  # no Python with uno: it cannot start
    printed = office.print_pdf(workbook, settings)
    assert printed.by == office.ONESHOT and TITLE in _text(printed.data, tmp_path)
    assert "could not start" in office_log.text and "printed by a one-shot soffice" in office_log.text


def test_stopping_a_kept_libreoffice_ends_its_group_without_waiting_10_s():
    """The stop waited its whole 10 s twice over: LibreOffice's launcher (oosplash) outlives a TERM, and a LibreOffice
    whose listener died first is left to process 1, which in a container often reaps nothing, so its zombie kept the
    group "alive". Here a listener stand-in (``sleep``) with a child of its own that ignores TERM; the stop ends
    both as soon as the listener has gone, and a zombie does not count as running."""
    import subprocess

    from core.services.office import Kept, _group_running

    leader = subprocess.Popen(["sh", "-c", "(trap '' TERM; sleep 30) & exec sleep 30"], start_new_session=True)
    time.sleep(0.3)
    assert len(_group_running(leader.pid)) >= 2
    started = time.monotonic()
    Kept._kill(leader.pid)
    took = time.monotonic() - started
    assert took < 3, f"the stop waited {took:.1f} s"
    time.sleep(0.2)
    assert not _group_running(leader.pid)
    zombie = subprocess.Popen(["true"], start_new_session=True)  # exits and is not reaped: a zombie
    time.sleep(0.3)
    os.killpg(zombie.pid, 0)  # its group still takes a signal, what the stop used to ask ...
    assert not _group_running(zombie.pid)  # ... but nothing in it runs
    zombie.wait()
