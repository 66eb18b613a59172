"""The kept pages' three Redis commands (MGET, SET with EX, INCR) over one socket, for :mod:`core.kernel.changes`.

redis-py's client costs each web worker about 6 MB: ``import redis`` loads its whole package (the asyncio
client, cluster, observability...) where a worker serving kept pages only reads and writes a few keys a
request (issue 23, W5). Here the commands are written and the answers read by hiredis, the Redis project's
protocol library (redis-py reads with it too when it is installed), over a plain socket. Jobs (RQ) and rate
limits (limits) still talk through redis-py, loaded when they are first used.

:func:`connect` speaks itself to a plain ``redis://[[user]:password@]host[:port][/db]`` address and gives
redis-py's client for any other (``rediss://``, ``unix://``, options in the query). Both answer ``mget``,
``set(key, value, ex=seconds)`` and ``incr`` alike: bytes, ``None`` for a missing key, integers.
"""
from __future__ import annotations

import os
import socket
import threading
from typing import Any
from urllib.parse import unquote, urlsplit

import hiredis

#: bytes asked of the socket at a time (a kept page is at most 1 MB)
CHUNK = 65536


class Client:
    """One connection to the Redis at ``host``:``port``, made at the first command and again after a failure
    or a fork; one command at a time (a lock: the in-process job threads share it with the request)."""

    def __init__(self, host: str, port: int, db: int = 0, username: str | None = None,
                 password: str | None = None, timeout: float | None = None) -> None:
        self.host, self.port, self.db = host, port, db
        self.username, self.password, self.timeout = username, password, timeout
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._reader: Any = None
        self._pid = 0

    def mget(self, *keys: str) -> list[bytes | None]:
        return self._command("MGET", *keys)

    def set(self, key: str, value: bytes, ex: int | None = None) -> bool:
        return self._command("SET", key, value, *(("EX", ex) if ex else ())) == b"OK"

    def incr(self, key: str) -> int:
        return self._command("INCR", key)

    def close(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None:
            sock.close()  # only this process's descriptor: a parent's connection carries on after a fork

    def _command(self, *args: Any) -> Any:
        with self._lock:
            try:
                if self._sock is None or self._pid != os.getpid():
                    self._connect()
                reply = self._round_trip(args)
            except BaseException:
                self.close()  # a half-read answer or a dead socket: the next command connects afresh
                raise
        if isinstance(reply, hiredis.ReplyError):
            raise reply
        return reply

    def _connect(self) -> None:
        self.close()
        self._sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._reader, self._pid = hiredis.Reader(), os.getpid()
        greeting = []
        if self.password:
            greeting.append(("AUTH", self.username, self.password) if self.username else ("AUTH", self.password))
        if self.db:
            greeting.append(("SELECT", self.db))
        for args in greeting:
            reply = self._round_trip(args)
            if isinstance(reply, hiredis.ReplyError):
                raise reply

    def _round_trip(self, args: tuple) -> Any:
        assert self._sock is not None
        self._sock.sendall(hiredis.pack_command(args))
        reply = self._reader.gets()
        while reply is False:
            data = self._sock.recv(CHUNK)
            if not data:
                raise ConnectionError(f"Redis at {self.host}:{self.port} closed the connection")
            self._reader.feed(data)
            reply = self._reader.gets()
        return reply


def connect(url: str, timeout: float) -> Any:
    """A client for ``url`` whose commands wait at most ``timeout`` seconds (connecting, and each answer)."""
    parts = urlsplit(url)
    if parts.scheme != "redis" or parts.query or parts.fragment:
        import redis

        return redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
    path = parts.path.strip("/")
    return Client(parts.hostname or "localhost", parts.port or 6379, int(path or 0),
                  unquote(parts.username) if parts.username else None,
                  unquote(parts.password) if parts.password else None, timeout)
