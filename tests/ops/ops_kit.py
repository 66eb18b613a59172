"""What the operations tests share: the Redis databases they may take, from one setting.

``GREENMFG_TEST_REDIS_URL`` (default ``redis://127.0.0.1:6379/1``) names the Redis server and the first database
of the :data:`TAKEN` the operations tests use (the deployment block, ``greenmfg check``, two instances side by
side); another checkout or CI job on the same server sets another first database. Each test empties the ones it
takes, never database 0 or another's.
"""
from __future__ import annotations

import os
import socket
from urllib.parse import urlsplit, urlunsplit

TEST_REDIS = os.environ.get("GREENMFG_TEST_REDIS_URL", "redis://127.0.0.1:6379/1")
#: how many databases from the first one the operations tests take
TAKEN = 4


def redis_url(offset: int) -> str:
    """The ``offset``-th (0 to TAKEN - 1) of the operations tests' Redis databases."""
    assert 0 <= offset < TAKEN, offset
    parts = urlsplit(TEST_REDIS)
    first = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{first + offset}"))


def redis_address() -> tuple[str, int]:
    parts = urlsplit(TEST_REDIS)
    return parts.hostname or "127.0.0.1", parts.port or 6379


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
