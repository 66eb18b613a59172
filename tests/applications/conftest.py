"""Fixtures for the application tests.

Password hashing is made cheap here (argon2 with minimal cost) so tests can log in often;
the production parameters are tested in tests/core.
"""
from __future__ import annotations

import pytest
from argon2 import PasswordHasher


@pytest.fixture(autouse=True)
def _cheap_hashes(monkeypatch):
    from core.services import passwords

    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
