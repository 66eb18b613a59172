"""The one Redis client of the platform: redis-py, reading the answers with hiredis (installed beside it, so
redis-py's parser is the Redis project's C one).

The kept pages and their generation (:mod:`core.kernel.changes`) and the rate limits and failed log-ins
(``limits``' Redis storage, given this pool: :attr:`core.ratelimit.Limits.storage`) share one connection pool
per address and timeout in a process (redis-py's pool starts afresh in a forked child), so a web worker that
keeps pages and counts log-ins holds one pool, not one per library. The job queue (RQ, :mod:`core.jobs.backends`)
and the health check make their redis-py clients with their own timeouts. ``import redis`` (about 5.5 MB a
worker) happens at the first use, not at start-up.
"""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import redis

_pools: dict[tuple[str, float | None], redis.ConnectionPool] = {}
_lock = threading.Lock()


def pool(url: str, timeout: float | None) -> redis.ConnectionPool:
    """This process's pool for ``url`` whose connections wait at most ``timeout`` seconds to connect and for
    each answer (``None``: as long as it takes)."""
    key = (url, timeout)
    found = _pools.get(key)
    if found is None:
        with _lock:
            found = _pools.get(key)
            if found is None:
                import redis

                found = _pools[key] = redis.ConnectionPool.from_url(url, socket_timeout=timeout,
                                                                    socket_connect_timeout=timeout)
    return found


def client(url: str, timeout: float | None) -> redis.Redis:
    """A redis-py client on this process's pool for ``url`` (:func:`pool`): bytes in, bytes out."""
    import redis

    return redis.Redis(connection_pool=pool(url, timeout))

