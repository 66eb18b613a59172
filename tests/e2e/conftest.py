"""The browser every test of the folder shares: Debian's chromium, launched once per test process (a launch costs
1-3 s; :func:`browser_kit.session_chromium`, which tests/oidc shares too); each test opens its own context
(:func:`browser_kit.open_page`), so no cookie or storage crosses tests."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def chromium():
    from browser_kit import session_chromium

    return session_chromium()
