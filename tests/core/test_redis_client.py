"""The platform's one Redis client (core/ratelimit.py ``redis_pool``: redis-py reading with hiredis): the kept pages'
generation and the rate limits share one pool per process and address, on the database the address names; a
Redis that does not answer costs a page its timeout, not more, and Redis is asked again once it answers; a forked
child (an RQ work horse) never shares a socket with its parent. Redis database 6; every key is this run's own."""
from __future__ import annotations

import os
import socket
import threading
import time
import uuid

import pytest
from helpers import redis_client

from core import ratelimit as shared
from core.kernel import changes

URL = "redis://127.0.0.1:6379/6"


@pytest.fixture
def redis_py():
    from core.ratelimit import redis_answers

    if not redis_answers(URL):
        pytest.skip("no Redis at 127.0.0.1:6379")
    client = redis_client(URL)  # database 6 is shared: only the keys a test made are deleted
    client.made = []
    yield client
    if client.made:
        client.delete(*client.made)


def _keys(redis_py, n: int) -> list[str]:
    keys = [f"greenmfg-test:client:{uuid.uuid4().hex}" for _ in range(n)]
    redis_py.made.extend(keys)
    return keys


def test_answers_are_read_by_hiredis():
    from redis._parsers import _HiredisParser

    connection = shared.redis_pool(URL, 1).make_connection()
    assert isinstance(connection._parser, _HiredisParser)
    connection.disconnect()


def test_the_generation_reads_and_keeps_pages_on_the_named_database(redis_py):
    prefix = f"greenmfg-test:client:{uuid.uuid4().hex}"
    generation = changes.Generation(URL, f"{prefix}:generation", timeout=1)
    page, missing = _keys(redis_py, 2)
    redis_py.made.append(f"{prefix}:generation")
    body = "页".encode() * 400_000 + b"\x00\r\n"  # 1.2 MB, larger than a kept page may be
    assert generation.read(page) == (0, [None])
    generation.put(page, body, 100)
    generation.bump()
    generation.bump()
    assert generation.read(page, missing) == (2, [body, None])
    assert redis_py.get(page) == body and 95 <= redis_py.ttl(page) <= 100  # on database 6, expiring


def test_pages_and_rate_limits_share_one_pool(redis_py):
    from core.ratelimit import STORE_TIMEOUT, Limits

    limits = Limits(uri=URL, prefix=f"greenmfg-test:client:{uuid.uuid4().hex}", _parsed={})
    assert limits.storage.storage.connection_pool is shared.redis_pool(URL, STORE_TIMEOUT)
    generation = changes.Generation(URL, "unused", timeout=STORE_TIMEOUT)
    assert generation.client.connection_pool is limits.storage.storage.connection_pool
    assert shared.redis_pool(URL, 0.25) is not shared.redis_pool(URL, STORE_TIMEOUT)  # another timeout, another pool


def test_no_answer_fails_within_the_timeout_and_redis_is_asked_again_later(redis_py, monkeypatch):
    with socket.socket() as silent:  # accepts connections (the backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        generation = changes.Generation(f"redis://127.0.0.1:{port}/0", "greenmfg-test:silent", timeout=0.2)
        started = time.monotonic()
        assert generation.read("x") is None
        generation.bump()  # not counted now: sent first once Redis answers
        assert time.monotonic() - started < 2
    assert generation._pending
    (key,) = _keys(redis_py, 1)
    generation.key, generation._client = key, shared.redis_client(URL, 0.2)  # the same address, answering now
    assert generation.read() is None  # still waiting out the retry
    monkeypatch.setattr(changes, "RETRY_SECONDS", 0.0)
    generation._down_until = time.monotonic()
    assert generation.read() == (1, [])  # the bump that failed was sent first


def test_threads_share_one_client(redis_py):
    client = shared.redis_client(URL, 2)
    (key,) = _keys(redis_py, 1)

    def bump():
        for _ in range(200):
            client.incr(key)

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert int(redis_py.get(key)) == 800


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork")
def test_a_forked_child_gets_its_own_connection(redis_py):
    """An RQ work horse forks from a process whose client may be connected: the two never share a socket."""
    client = shared.redis_client(URL, 1)
    key, done = _keys(redis_py, 2)
    assert client.incr(key) == 1
    pid = os.fork()
    if pid == 0:  # the child
        try:
            child = shared.redis_client(URL, 1)
            code = 0 if child.incr(key) == 2 and child.set(done, b"yes") else 1
        except BaseException:  # noqa: BLE001
            code = 2
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert client.incr(key) == 3 and client.mget(done) == [b"yes"]
