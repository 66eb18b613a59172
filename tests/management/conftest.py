"""Fixtures for the dynamic-management tests (helpers live in mgmt_world.py)."""
from __future__ import annotations

import pytest
from argon2 import PasswordHasher


@pytest.fixture(autouse=True)
def _cheap_hashes(monkeypatch):
    """Log-ins in these tests need no production-strength hashing (tested in tests/core)."""
    from core.services import passwords

    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
