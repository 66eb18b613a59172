"""Fixtures for the end-to-end round tests: cheap password hashes (accounts are created per round)."""
from __future__ import annotations

import pytest
from argon2 import PasswordHasher


@pytest.fixture(autouse=True)
def _cheap_hashes(monkeypatch):
    from core.services import passwords

    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
