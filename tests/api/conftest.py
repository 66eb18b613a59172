"""Fixtures of the API contract tests: cheap password hashes (tokens are asked for with a password
on every step of a journey)."""
from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _cheap_hashes(cheap_hashes):
    """Accounts made and signed in by the dozen: argon2's cheapest settings (tests/conftest.py)."""
