"""Passwords are stored with argon2id at the production parameters (OWASP ASVS 4.0.3 2.4.1 and 2.4.4: argon2id,
memory at least 19 MiB). The rest of the suite hashes with argon2's cheapest settings (tests/conftest.py
``cheap_hashes``); these tests use what an instance uses."""
from __future__ import annotations

import pytest

from core.services.passwords import hash_password, verify_password

pytestmark = pytest.mark.real_hashing


def test_a_stored_password_is_argon2id_with_the_production_cost():
    stored = hash_password("绿色工厂申报-2026-长沙")
    variant, version, params, _salt, _digest = stored.lstrip("$").split("$")
    cost = dict(part.split("=") for part in params.split(","))
    assert variant == "argon2id" and version == "v=19"
    assert int(cost["m"]) >= 19 * 1024 and int(cost["t"]) >= 2, cost
    assert verify_password(stored, "绿色工厂申报-2026-长沙")
    assert not verify_password(stored, "绿色工厂申报-2026-株洲")


def test_the_suite_s_cheap_hashes_are_told_apart_from_production(request):
    from helpers import cheap_hashing

    with cheap_hashing():
        cheap = hash_password("x" * 16)
    assert "m=1024," in cheap and "m=1024," not in hash_password("x" * 16)
