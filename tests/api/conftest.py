"""Fixtures of the API contract tests: cheap password hashes (tokens are asked for with a password
on every step of a journey)."""
from __future__ import annotations

import pytest
from argon2 import PasswordHasher


@pytest.fixture(autouse=True)
def _cheap_hashes(monkeypatch):
    from core.services import passwords

    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
