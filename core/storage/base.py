"""The file-store interface every back end implements."""
from __future__ import annotations

import abc
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass


class StorageError(RuntimeError):
    """The store did not answer or refused (a transient fault: jobs retry it)."""


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
