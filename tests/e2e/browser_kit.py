"""What every browser test shares: Debian's chromium, a live server thread, a page that records errors.

Import as ``from browser_kit import ...``.
"""
from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path
from typing import Iterator

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
#: ``GREENMFG_E2E_SCREENSHOTS=1``: tests that check many pages save each (otherwise only a page with a problem)
EVERY_SCREENSHOT = os.environ.get("GREENMFG_E2E_SCREENSHOTS") == "1"
#: the launch flags that work on this machine (ecosystem.md 4.5); no outside connections
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def require_browser() -> None:
    """Skip without chromium or playwright; under CI fail instead, so CI never passes without the browser."""
    missing = None
    if not os.path.exists(CHROMIUM):
        missing = f"{CHROMIUM} not found (apt-get install -y chromium fonts-wqy-microhei)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing = "the playwright package is not installed (pip install -e '.[test]')"
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser test: {missing}")
        pytest.skip(missing)


_RUNNING: dict = {}


def session_chromium():
    """This test process's one chromium: Playwright's sync API runs one instance per thread, so every conftest's
    ``chromium`` fixture (tests/e2e, tests/oidc) hands out this one; closed when the process ends."""
    if "browser" not in _RUNNING:
        require_browser()
        import atexit

        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        _RUNNING["playwright"] = playwright
        _RUNNING["browser"] = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        atexit.register(_stop_chromium)
    return _RUNNING["browser"]


def _stop_chromium() -> None:
    with contextlib.suppress(Exception):
        _RUNNING.pop("browser").close()
    with contextlib.suppress(Exception):
        _RUNNING.pop("playwright").stop()


@contextlib.contextmanager
def serving(app) -> Iterator[str]:
    """Serve ``app`` on a free loopback port in a thread; yield its base URL; stop and release the database."""
    from werkzeug.serving import make_server

    from core.extensions import db

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@contextlib.contextmanager
def open_page(browser, **context_options) -> Iterator[tuple]:
    """A fresh zh-CN page (its own cookies and storage) in the session's chromium (the ``chromium`` fixture,
    tests/e2e/conftest.py); yield (page, errors), errors collecting the page's script errors."""
    options = {"viewport": {"width": 1280, "height": 900}, "locale": "zh-CN", **context_options}
    context = browser.new_context(**options)
    try:
        page = context.new_page()
        page.set_default_timeout(15000)
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        yield page, errors
    finally:
        context.close()
