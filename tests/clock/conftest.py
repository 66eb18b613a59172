"""Fixtures for the training clock tests: cheap password hashes."""
from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _cheap_hashes(cheap_hashes):
    """Accounts made and signed in by the handful: argon2's cheapest settings (tests/conftest.py)."""
