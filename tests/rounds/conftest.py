"""Fixtures for the end-to-end round tests: cheap password hashes (accounts are created per round)."""
from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _cheap_hashes(cheap_hashes):
    """Accounts made and signed in by the dozen: argon2's cheapest settings (tests/conftest.py)."""
