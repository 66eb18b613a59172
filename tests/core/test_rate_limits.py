"""Rate limits on what anyone can reach without an account (core/ratelimit.py): log-in, registration,
public objections and complaints. Past the allowance: 429 in the user's language with Retry-After, the
web form and the JSON API sharing one allowance, each client address counted on its own."""
from __future__ import annotations

import pytest
from limits.storage import MemoryStorage, storage_from_string

LIMITED = {"GREENMFG_RATELIMIT_ENABLED": True, "GREENMFG_RATELIMIT_STORAGE": "memory://",
           "GREENMFG_RATELIMIT_LOGIN": "3 per minute", "GREENMFG_RATELIMIT_PUBLIC_REPORT": "2 per hour",
           "GREENMFG_RATELIMIT_REGISTER": "2 per hour", "WTF_CSRF_ENABLED": False}


@pytest.fixture
def limited(make_app):
    return make_app("hunan", **LIMITED)


def test_log_in_attempts_per_address_then_429_with_retry_after(limited):
    client = limited.test_client()
    for _ in range(3):
        r = client.post("/login", data={"username": "nobody", "password": "wrong-password-123"})
        assert r.status_code == 401
    assert client.get("/login").status_code == 200  # reading the form is not an attempt
    r = client.post("/login", data={"username": "nobody", "password": "wrong-password-123"})
    assert r.status_code == 429 and 1 <= int(r.headers["Retry-After"]) <= 60
    assert "尝试次数过多" in r.get_data(as_text=True)
    r = client.post("/login?lang=en", data={"username": "nobody", "password": "x"})
    assert r.status_code == 429 and "Too many attempts from your address" in r.get_data(as_text=True)
    other = limited.test_client()  # another address has its own allowance
    r = other.post("/login", data={"username": "nobody", "password": "wrong-password-123"},
                   environ_base={"REMOTE_ADDR": "10.0.0.7"})
    assert r.status_code == 401


def test_public_reports_share_one_allowance_across_web_and_api(limited):
    client = limited.test_client()
    assert client.post("/management/complaints/new", data={}).status_code in (200, 400, 422)
    r = client.post("/api/v1/management/complaints", json={})
    assert r.status_code == 422  # counted, then refused for its content
    r = client.post("/api/v1/management/complaints", json={})
    assert r.status_code == 429 and r.headers["Retry-After"]
    body = r.get_json()
    assert body["status"] == 429 and body["code"] == "rate_limited"
    assert "尝试次数过多" in body["message_zh"] and "Too many attempts" in body["message_en"]
    r = client.post("/notices/1/objections", data={})  # objections: the same allowance
    assert r.status_code == 429 and "尝试次数过多" in r.get_data(as_text=True)
    assert client.get("/management/complaints/new").status_code == 200


def _uscc(n: int) -> str:
    from stdnum.cn import uscc

    body = f"91430100{n:08d}7"
    return body + uscc.calc_check_digit(body)


def test_registration_counts_successes_not_typos_and_keeps_the_form(limited):
    """ASVS 2.2.1 without locking out a training room behind one address: typos cost nothing."""
    from core.extensions import db
    from core.services.admin_units import sync_admin_units

    with limited.app_context():
        sync_admin_units("test")
        db.session.commit()
    client = limited.test_client()
    for _ in range(5):  # refused for their content: not counted
        assert client.post("/register", data={"username": "x"}).status_code == 422

    def form(n: int) -> dict:
        return {"uscc": _uscc(n), "org_name": f"长沙绿色制造{n}号有限公司", "admin_unit": "hunan.changsha",
                "display_name": "周敏", "username": f"firm{n}", "password": "橘子洲头的晚霞-2025-绿色",
                "password2": "橘子洲头的晚霞-2025-绿色"}

    for n in (1, 2):
        assert client.post("/register", data=form(n)).status_code == 302
        client.post("/logout")
        client = limited.test_client()
    third = client.post("/register", data=form(3))
    page = third.get_data(as_text=True)
    assert third.status_code == 429 and third.headers["Retry-After"] and "尝试次数过多" in page
    assert _uscc(3) in page and "长沙绿色制造3号有限公司" in page  # what was typed is still there


def test_storage_is_the_instances_redis_when_it_answers_else_memory():
    from core import ratelimit

    assert ratelimit.storage_uri("memory://", "redis://127.0.0.1:6379/3") == "memory://"
    assert ratelimit.storage_uri(None, "redis://127.0.0.1:1/3") == "memory://"  # nothing listens on port 1
    # with Redis answering, the instance's own database: tests/ops/test_redis_per_instance.py


def test_a_failing_store_falls_back_to_memory(limited):
    # a Redis that does not answer (nothing listens on port 1)
    limited.extensions["greenmfg_limits"].storage = storage_from_string("redis://127.0.0.1:1/0")
    client = limited.test_client()
    statuses = [client.post("/login", data={"username": "a", "password": "b"}).status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]  # still limited, now in memory


def test_counting_goes_back_to_redis_when_it_answers_again(limited, monkeypatch, tmp_path):
    """A Redis that stops answering is replaced by memory, and used again once it answers (issue 19):
    workers do not count alone for the rest of their lives."""
    import shutil
    import socket
    import subprocess
    import time

    from core import ratelimit

    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setattr(ratelimit, "RETRY_SHARED_SECONDS", 0.0)
    limits = limited.extensions["greenmfg_limits"]
    limits.storage = storage_from_string(f"redis://127.0.0.1:{port}/0")  # not started yet
    client = limited.test_client()
    assert client.post("/login", data={"username": "a", "password": "b"}).status_code == 401
    assert isinstance(limits.storage, MemoryStorage) and limits.shared is not None
    redis = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                              "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.1)
        assert client.post("/login", data={"username": "a", "password": "b"}).status_code == 401
        assert limits.shared is None and not isinstance(limits.storage, MemoryStorage)
        keys = subprocess.run(["redis-cli", "-p", str(port), "--scan"], capture_output=True, text=True).stdout
        assert "login" in keys  # the attempt was counted in Redis, shared by every worker
    finally:
        redis.terminate()
        redis.wait(timeout=10)


def test_the_address_behind_a_proxy_is_the_clients(make_app):
    app = make_app("hunan", **LIMITED, GREENMFG_PROXY_HOPS=1)
    client = app.test_client()
    for i in range(4):  # four clients behind one proxy: each has its own allowance
        r = client.post("/login", data={"username": "a", "password": "b"},
                        headers={"X-Forwarded-For": f"203.0.113.{i}"})
        assert r.status_code == 401
