"""Rate limits on what anyone can reach without an account: log-in, registration, public
objections and complaints (ASVS 2.2.1, 11.1.4; ecosystem.md section 3).

Requests are counted per client address and per *scope* with the ``limits`` library (moving
window), so the web form and the JSON API of one action share one allowance. Counters live in
Redis when it answers (shared by every worker), else in the worker's memory; a Redis that stops
answering is replaced by memory for the rest of the worker's life rather than failing requests.
Behind a reverse proxy set ``GREENMFG_PROXY_HOPS`` so that the address is the client's.

Configuration (limit strings such as ``"10 per minute;60 per hour"``):
``GREENMFG_RATELIMIT_LOGIN``, ``GREENMFG_RATELIMIT_REGISTER``, ``GREENMFG_RATELIMIT_PUBLIC_REPORT``;
``GREENMFG_RATELIMIT_STORAGE`` (default: the instance's ``GREENMFG_REDIS_URL`` if it answers at start-up,
else ``memory://``); ``GREENMFG_RATELIMIT_ENABLED`` (default on).
"""
from __future__ import annotations

import hashlib
import logging
import math
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from flask import Flask, current_app, g, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import TooManyRequests
from werkzeug.middleware.proxy_fix import ProxyFix

if TYPE_CHECKING:  # limits itself is loaded at the first count: a worker that counts nothing never loads it
    from limits import RateLimitItem
    from limits.storage import Storage
    from limits.strategies import MovingWindowRateLimiter

DEFAULTS: dict[str, Any] = {
    "GREENMFG_RATELIMIT_ENABLED": True,
    "GREENMFG_RATELIMIT_LOGIN": "10 per minute;60 per hour",
    "GREENMFG_RATELIMIT_REGISTER": "5 per hour;20 per day",
    "GREENMFG_RATELIMIT_PUBLIC_REPORT": "5 per hour;20 per day",
    "GREENMFG_RATELIMIT_STORAGE": None,
    #: failed log-ins (ASVS 2.2.1: throttling, not lock-out). Per account and client address: a guesser
    #: at one address gets this many tries; per account from every address: past this, each address
    #: waits at most the window (a minute), so the right password from a new address is never refused
    #: for longer than that
    "GREENMFG_RATELIMIT_LOGIN_FAILURES_PER_ADDRESS": "5 per 15 minutes",
    "GREENMFG_RATELIMIT_LOGIN_FAILURES_PER_ACCOUNT": "10 per minute",
    "GREENMFG_PROXY_HOPS": 0,
}
#: ``GREENMFG_REDIS_URL``'s default (core.jobs), where the settings are read before the jobs' defaults are set
LOCAL_REDIS = "redis://127.0.0.1:6379/0"
#: what a refused user reads (HTML pages and JSON), with the seconds to wait
TOO_MANY = _l("Too many attempts from your address. Please wait %(n)s seconds and try again.")
log = logging.getLogger(__name__)


class RateLimited(TooManyRequests):
    description = "Too many requests from your address; please wait and try again."


#: while counting in memory after the shared store failed, try the shared store again this often (seconds)
RETRY_SHARED_SECONDS = 30.0
#: seconds the shared store may take to connect or answer before counting falls back to memory
STORE_TIMEOUT = 2.0


@dataclass
class Limits:
    """One app's counters: in the shared store (Redis), or in this worker's memory while the shared
    store does not answer, going back to the shared store as soon as it answers again."""

    #: where to count (``redis://...``, ``memory://``); connected at the first count
    uri: str
    prefix: str
    _parsed: dict[str, list[RateLimitItem]]
    #: the shared store while counting in memory, and when it was last tried
    shared: Storage | None = None
    tried_at: float = 0.0
    _storage: Storage | None = None

    @property
    def storage(self) -> Storage:
        if self._storage is None:
            if self.uri.startswith(("redis://", "rediss://")):
                # the process's one pool for this address (redis_pool), shared with the kept pages; redis-py is
                # imported whole first: limits reads a module another thread is still importing (the job queue's
                # client, in the in-process scheduler) as "redis 0.0.0"
                from limits.storage import RedisStorage

                self._storage = RedisStorage(self.uri, connection_pool=redis_pool(self.uri, STORE_TIMEOUT))
            else:
                from limits.storage import storage_from_string

                self._storage = storage_from_string(self.uri)
        return self._storage

    @storage.setter
    def storage(self, value: Storage) -> None:
        self._storage = value

    def _back_to_shared(self) -> None:
        if self.shared is None or time.monotonic() - self.tried_at < RETRY_SHARED_SECONDS:
            return
        self.tried_at = time.monotonic()
        try:
            answers = self.shared.check()
        except Exception:  # noqa: BLE001 - still gone
            answers = False
        if answers:
            log.warning("rate-limit storage %s answers again; counting there", type(self.shared).__name__)
            self.storage, self.shared = self.shared, None

    @property
    def strategy(self) -> MovingWindowRateLimiter:
        from limits.strategies import MovingWindowRateLimiter

        return MovingWindowRateLimiter(self.storage)

    def items(self, scope: str) -> list[RateLimitItem]:
        key = f"GREENMFG_RATELIMIT_{scope.upper()}"
        text = current_app.config[key]
        parsed = self._parsed.get(text)
        if parsed is None:
            from limits import parse_many

            parsed = self._parsed[text] = parse_many(text)
        return parsed

    def hit(self, scope: str, address: str) -> float | None:
        """Count one request; ``None`` if allowed, else the seconds until the next one would be."""
        items = self.items(scope)
        self._back_to_shared()
        try:
            return self._hit(items, scope, address)
        except Exception:  # the shared store is gone: keep limiting, in this worker's memory, for now
            from limits.storage import MemoryStorage

            if isinstance(self.storage, MemoryStorage):
                raise
            log.warning("rate-limit storage %s failed; counting in memory until it answers again",
                        type(self.storage).__name__)
            self.shared, self.tried_at = self.storage, time.monotonic()
            self.storage = MemoryStorage()
            return self._hit(items, scope, address)

    def wait(self, scope: str, key: str) -> float | None:
        """Without counting: ``None`` if one more would be allowed, else the seconds to wait."""
        try:
            return self._refused(self.items(scope), scope, key, count=False)
        except Exception:  # noqa: BLE001 - the store is gone: the next hit() falls back to memory
            log.warning("rate-limit storage %s failed while testing", type(self.storage).__name__)
        return None

    def _hit(self, items: list[RateLimitItem], scope: str, address: str) -> float | None:
        return self._refused(items, scope, address, count=True)

    def _refused(self, items: list[RateLimitItem], scope: str, key: str, *, count: bool) -> float | None:
        """Seconds until ``key`` may act again in ``scope`` (counting this act when ``count``), or ``None``."""
        strategy = self.strategy
        for item in items:
            allowed = strategy.hit if count else strategy.test
            if not allowed(item, self.prefix, scope, key):
                reset = strategy.get_window_stats(item, self.prefix, scope, key).reset_time
                return max(1.0, reset - time.time())
        return None


_pools: dict[tuple[str, float | None], Any] = {}
_pools_lock = threading.Lock()


def redis_pool(url: str, timeout: float | None) -> Any:
    """The platform's one Redis client is redis-py, reading with hiredis (installed beside it). This is the
    process's connection pool for ``url`` whose connections wait at most ``timeout`` seconds to connect and for
    each answer (``None``: as long as it takes), made at the first use (``import redis``: 5.5 MB a worker).

    The kept pages' generation (:mod:`core.kernel.changes`) and the rate limits and failed log-ins (limits'
    ``RedisStorage``, :attr:`Limits.storage`) share it, so a web worker that keeps pages and counts log-ins holds one
    pool per address, not one per library (redis-py's pool starts afresh in a forked child). The job queue (RQ,
    :mod:`core.jobs.backends`) and the health check make their redis-py clients with their own timeouts."""
    key = (url, timeout)
    found = _pools.get(key)
    if found is None:
        with _pools_lock:
            found = _pools.get(key)
            if found is None:
                import redis

                found = _pools[key] = redis.ConnectionPool.from_url(url, socket_timeout=timeout,
                                                                    socket_connect_timeout=timeout)
    return found


def redis_client(url: str, timeout: float | None) -> Any:
    """A redis-py client on this process's pool for ``url`` (:func:`redis_pool`): bytes in, bytes out."""
    import redis

    return redis.Redis(connection_pool=redis_pool(url, timeout))


def redis_answers(uri: str, timeout: float = 0.3) -> bool:
    """Whether a server accepts a connection at ``uri``'s address (checked at start-up by the rate limits,
    the job queue and the page cache)."""
    parts = urlsplit(uri)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), timeout=timeout):
            return True
    except OSError:
        return False


def storage_uri(configured: str | None, redis_url: str) -> str:
    """The configured storage, else the instance's Redis (``GREENMFG_REDIS_URL``) when it answers, else this
    process's memory: never another Redis database than the one the instance names (issue 56)."""
    if configured:
        return configured
    return redis_url if redis_answers(redis_url) else "memory://"


def limit(scope: str) -> Callable:
    """Decorator: each POST to the view counts against the allowance ``scope`` (``login``,
    ``register``, ``public_report``) of the client's address; past it, 429 with Retry-After."""
    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any):
            limits: Limits | None = current_app.extensions.get("greenmfg_limits")
            if limits is not None and request.method == "POST":
                address = request.remote_addr or "unknown"
                wait = limits.hit(scope, address)
                g.greenmfg_rate_counted = (scope, address)  # the answer's RateLimit headers (core.api.policy_headers)
                if wait is not None:
                    raise RateLimited(retry_after=math.ceil(wait))
            return view(*args, **kwargs)
        return wrapper
    return decorate


def instance_name(app: Flask) -> str:
    """What the counters, kept pages and job queues of this instance are keyed by: ``GREENMFG_INSTANCE_NAME``,
    else the region and a digest of which database it is (kind, host, port, name), so two instances sharing one
    Redis never share them while every process of one instance always does. Never the credentials (issue 55): the
    owner's commands (``owner.env``: another role, another password) queue their jobs where the workers, which
    connect as the application's role, listen."""
    name = app.config.get("GREENMFG_INSTANCE_NAME")
    if name:
        return str(name)
    digest = hashlib.sha256(database_identity(app.config.get("SQLALCHEMY_DATABASE_URI")).encode()).hexdigest()[:12]
    return f"{app.config['GREENMFG_REGION']}:{digest}"


def database_identity(uri: object) -> str:
    """Which database ``uri`` names, without who connects nor how: ``postgresql://127.0.0.1:5432/greenmfg`` for
    every role and driver; a SQLite file by its absolute path."""
    import os

    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(str(uri))
    except ArgumentError:
        return str(uri)
    backend = url.get_backend_name()
    if backend == "sqlite":
        database = url.database or ""
        return f"sqlite:///{os.path.abspath(database) if database and database != ':memory:' else database}"
    port = url.port or {"postgresql": 5432}.get(backend, "")
    return f"{backend}://{url.host or ''}:{port}/{url.database or ''}"


def init_app(app: Flask) -> None:
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    hops = int(app.config["GREENMFG_PROXY_HOPS"] or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    _check(app, "GREENMFG_RATELIMIT_LOGIN_FAILURES_PER_ADDRESS", "GREENMFG_RATELIMIT_LOGIN_FAILURES_PER_ACCOUNT")
    uri = storage_uri(app.config["GREENMFG_RATELIMIT_STORAGE"], app.config.get("GREENMFG_REDIS_URL") or LOCAL_REDIS)
    # failed log-ins are throttled even where the per-address request limits are off
    app.extensions["greenmfg_login_failures"] = Limits(uri=uri, prefix=f"greenmfg:{instance_name(app)}:auth",
                                                       _parsed={})
    if not app.config["GREENMFG_RATELIMIT_ENABLED"]:
        return
    _check(app, "GREENMFG_RATELIMIT_LOGIN", "GREENMFG_RATELIMIT_REGISTER", "GREENMFG_RATELIMIT_PUBLIC_REPORT")
    app.extensions["greenmfg_limits"] = Limits(uri=uri, prefix=f"greenmfg:{instance_name(app)}", _parsed={})


def _check(app: Flask, *keys: str) -> None:
    """A mistyped limit stops the start, not a request. Only configured limits are parsed here (the defaults
    are known good), so a web worker loads the limits library at its first count, not at start (issue 23)."""
    configured = [app.config[key] for key in keys if app.config[key] != DEFAULTS[key]]
    if configured:
        from limits import parse_many

        for text in configured:
            parse_many(text)


def login_failures() -> Limits | None:
    """The failed-log-in counters of this app (:func:`core.accounts.services.authenticate`)."""
    return current_app.extensions.get("greenmfg_login_failures")


def register_wait(address: str) -> float | None:
    """Seconds to wait before one more registration from ``address`` (registrations are counted when
    they succeed, so a typo costs nothing), or ``None``."""
    limits: Limits | None = current_app.extensions.get("greenmfg_limits")
    return None if limits is None else limits.wait("register", address)


def count_registration(address: str) -> None:
    limits: Limits | None = current_app.extensions.get("greenmfg_limits")
    if limits is not None:
        limits.hit("register", address)
