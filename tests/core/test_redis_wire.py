"""The kept pages' Redis client (core/kernel/redis_wire.py) answers the page cache's three commands as redis-py
does, on the database the address names, and fails as redis-py fails when Redis does not answer, connecting
afresh at the next command. Redis database 6; every key is this run's own (nothing is flushed)."""
from __future__ import annotations

import os
import socket
import threading
import time
import uuid

import pytest
from helpers import redis_client

from core.kernel import redis_wire

URL = "redis://127.0.0.1:6379/6"


@pytest.fixture
def redis_py():
    client = redis_client(URL)  # database 6 is shared: only the keys a test made are deleted
    client.made = []
    yield client
    if client.made:
        client.delete(*client.made)


def _keys(redis_py, n: int) -> list[str]:
    keys = [f"greenmfg-test:wire:{uuid.uuid4().hex}" for _ in range(n)]
    redis_py.made.extend(keys)
    return keys


def test_the_three_commands_answer_as_redis_py_does(redis_py):
    wire = redis_wire.connect(URL, timeout=1)
    assert isinstance(wire, redis_wire.Client)
    number, page, missing = _keys(redis_py, 3)
    body = "页".encode() * 400_000 + b"\x00\r\n"  # 1.2 MB, larger than a kept page may be: read in pieces
    assert wire.set(page, body, ex=100) is True
    assert redis_py.get(page) == body and 95 <= redis_py.ttl(page) <= 100  # on database 6, expiring
    assert [wire.incr(number) for _ in range(3)] == [1, 2, 3]
    assert wire.mget(number, page, missing) == redis_py.mget(number, page, missing) == [b"3", body, None]
    wire.set(missing, b"kept")
    assert redis_py.ttl(missing) == -1  # no seconds: kept until deleted


def test_an_error_answer_is_raised_and_the_connection_goes_on(redis_py):
    wire = redis_wire.connect(URL, timeout=1)
    key, number = _keys(redis_py, 2)
    wire.set(key, b"not a number")
    with pytest.raises(Exception, match="not an integer"):
        wire.incr(key)
    assert wire.incr(number) == 1


def test_a_password_redis_refuses_stops_the_command():
    from core.ratelimit import redis_answers

    if not redis_answers(URL):
        pytest.skip("no Redis at 127.0.0.1:6379")
    wire = redis_wire.connect("redis://:wrong%20password@127.0.0.1:6379/6", timeout=1)
    assert wire.password == "wrong password" and wire.db == 6
    with pytest.raises(Exception, match="AUTH|password"):
        wire.mget("greenmfg-test:wire:any")


def test_no_answer_fails_within_the_timeout_and_the_next_command_connects_afresh(redis_py):
    with socket.socket() as silent:  # accepts connections (the backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        wire = redis_wire.connect(f"redis://127.0.0.1:{port}/0", timeout=0.2)
        started = time.monotonic()
        with pytest.raises(OSError):
            wire.mget("x")
        assert time.monotonic() - started < 2
    with pytest.raises(OSError):  # nobody listens there any more
        wire.mget("x")
    wire.port = 6379  # the same client, once Redis answers: a new connection
    wire.db = 6
    (key,) = _keys(redis_py, 1)
    assert wire.incr(key) == 1


def test_threads_share_one_client(redis_py):
    wire = redis_wire.connect(URL, timeout=2)
    (key,) = _keys(redis_py, 1)

    def bump():
        for _ in range(200):
            wire.incr(key)

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert int(redis_py.get(key)) == 800


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork")
def test_a_forked_child_gets_its_own_connection(redis_py):
    """An RQ work horse forks from a process whose client may be connected: the two never share a socket."""
    wire = redis_wire.connect(URL, timeout=1)
    key, done = _keys(redis_py, 2)
    assert wire.incr(key) == 1
    pid = os.fork()
    if pid == 0:  # the child
        try:
            code = 0 if wire.incr(key) == 2 and wire.set(done, b"yes") else 1
        except BaseException:  # noqa: BLE001
            code = 2
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert wire.incr(key) == 3 and wire.mget(done) == [b"yes"]


def test_other_addresses_use_redis_py():
    import redis

    for url in ("rediss://127.0.0.1:6380/0", "unix:///run/redis.sock?db=2", "redis://127.0.0.1:6379/0?protocol=3"):
        assert isinstance(redis_wire.connect(url, timeout=0.25), redis.Redis)
