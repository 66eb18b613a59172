"""Fixtures for the application tests.

Password hashing is made cheap here (argon2 with minimal cost) so tests can log in often;
the production parameters are tested in tests/core.
"""
from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _cheap_hashes(cheap_hashes):
    """Accounts made and signed in by the dozen: argon2's cheapest settings (tests/conftest.py)."""
