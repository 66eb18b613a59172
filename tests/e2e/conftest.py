"""The browser every test of the folder shares: Debian's chromium, launched once per test session (a launch costs
1-3 s); each test opens its own context (:func:`browser_kit.open_page`), so no cookie or storage crosses tests."""
from __future__ import annotations

import pytest

from browser_kit import CHROMIUM, CHROMIUM_ARGS, require_browser


@pytest.fixture(scope="session")
def chromium():
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
