"""The file-store interface every back end implements."""
from __future__ import annotations

import abc
import datetime as dt
from collections.abc import Iterator
import errno
import time
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l

from core.errors import GreenmfgError
from core.i18n import msgid


class StorageError(RuntimeError):
    """The store did not answer or refused (a transient fault: jobs retry it)."""


#: the store has no room (a full disk, a quota): the user is told so (507), nothing is half-written
STORE_FULL = _l("The file store is full, so the file was not saved and nothing was changed. Please tell the "
                "platform's administrator; try again once they have made room.")
#: where the app keeps when a write last found no room (:func:`note_full`)
FULL_AT = "greenmfg_store_full_at"
#: the system errors that mean "no room": disk full, quota exceeded
NO_ROOM = frozenset({errno.ENOSPC, errno.EDQUOT})


class StoreFull(GreenmfgError):
    """No room in the file store (HTTP 507 Insufficient Storage, RFC 4918 11.5)."""

    code = "store_full"
    http_status = 507

    def __init__(self) -> None:
        super().__init__(msgid(STORE_FULL))
        try:
            note_full()
        except RuntimeError:  # outside an app (a script): nothing to report to
            pass


def note_full() -> None:
    """A write was refused for want of room (:class:`StoreFull`): :func:`core.storage.storage_status` says so for
    a while."""
    current_app.extensions[FULL_AT] = time.monotonic()


@dataclass(frozen=True)
class StoredFile:
    key: str
    size: int
    modified: dt.datetime


class FileStore(abc.ABC):
    """Keys are ``/``-separated relative names (``"<uuid>"``, ``"management/<uuid>"``, ``"pending/<uuid>"``,
    ``"jobs/<id>/<name>"``); a key never starts with ``/`` nor holds ``..``."""

    kind: str = "abstract"

    @staticmethod
    def check_key(key: str) -> str:
        parts = key.split("/")
        if not key or key.startswith("/") or any(p in ("", ".", "..") for p in parts):
            raise ValueError(f"invalid storage key {key!r}")
        return key

    @abc.abstractmethod
    def put(self, key: str, data: bytes) -> None:
        """Write ``data`` under ``key`` (whole or not at all)."""

    @abc.abstractmethod
    def get(self, key: str) -> bytes:
        """The bytes under ``key``; :class:`FileNotFoundError` if none."""

    @abc.abstractmethod
    def exists(self, key: str) -> bool:
        ...

    @abc.abstractmethod
    def delete(self, key: str) -> None:
        """Remove ``key``; no error if it is gone."""

    @abc.abstractmethod
    def move(self, src: str, dst: str) -> None:
        """Rename ``src`` to ``dst`` (replacing it); :class:`FileNotFoundError` if ``src`` is gone."""

    @abc.abstractmethod
    def list(self, prefix: str = "") -> Iterator[StoredFile]:
        """Every file whose key starts with ``prefix`` (recursively)."""

    def describe(self) -> str:
        return self.kind


def no_room(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in NO_ROOM
