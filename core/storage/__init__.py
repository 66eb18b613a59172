"""Stored files (evidence PDFs, management attachments, evaluation reports, job results) behind one
interface: a local folder (default) or an S3-compatible object store, chosen by configuration.

Every server of an instance reads and writes through :func:`store`, so a file uploaded through one
server downloads through another as long as they share the store (the same bucket, or the same
network folder). Configuration:

``GREENMFG_STORAGE``
    ``"local"`` (default) or ``"s3"``.
``GREENMFG_EVIDENCE_DIR``
    the local folder (default ``<instance>/evidence``).
``GREENMFG_S3_BUCKET``, ``GREENMFG_S3_PREFIX``, ``GREENMFG_S3_ENDPOINT_URL``, ``GREENMFG_S3_REGION``
    the bucket (required for ``s3``), a key prefix, the endpoint of an S3-compatible server (MinIO, Ceph,
    a cloud's object storage) and its region. Credentials come from the usual places of ``boto3``
    (``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY`` in the environment, a credentials file, an instance
    role), never from the instance folder.

Writes are ordered with the database transaction (:mod:`core.storage.staging`): an upload is written
under ``pending/`` and promoted to its final key only after the row that names it is committed; a
rolled-back upload's pending file is removed at once, and whatever a killed process leaves is removed by
the clean-up job (:func:`core.storage.sweep.sweep`, ``greenmfg evidence sweep``).
"""
from __future__ import annotations

from flask import current_app

from core.storage.base import FULL_AT, STORE_FULL, FileStore, StoredFile, StorageError, StoreFull
from core.storage.local import LocalStore

__all__ = ["FileStore", "LocalStore", "StoredFile", "StorageError", "StoreFull", "store", "build_store",
           "storage_status", "CONFIG_DEFAULTS"]

CONFIG_DEFAULTS = {
    "GREENMFG_STORAGE": "local",
    "GREENMFG_EVIDENCE_DIR": None,
    "GREENMFG_S3_BUCKET": None,
    "GREENMFG_S3_PREFIX": "",
    "GREENMFG_S3_ENDPOINT_URL": None,
    "GREENMFG_S3_REGION": None,
    #: below this much room a local store reports itself short of room in storage_status() (the readiness check)
    "GREENMFG_STORAGE_MIN_FREE_BYTES": 256 * 1024 * 1024,
}
#: a write refused for want of room keeps the store reported full this long, even if room seems to come back
FULL_SECONDS = 300
_KINDS = ("local", "s3")


def build_store(config, instance_path: str) -> FileStore:
    """The store the configuration names (raises :class:`core.config.ConfigurationError` if it cannot)."""
    from pathlib import Path

    from core.config import ConfigurationError

    kind = str(config.get("GREENMFG_STORAGE") or "local").lower()
    if kind not in _KINDS:
        raise ConfigurationError(f"未知的文件存储 / GREENMFG_STORAGE must be one of {', '.join(_KINDS)} (got {kind!r})")
    if kind == "s3":
        bucket = config.get("GREENMFG_S3_BUCKET")
        if not bucket:
            raise ConfigurationError("未配置对象存储桶 / GREENMFG_STORAGE is s3 but GREENMFG_S3_BUCKET is not set")
        try:
            from core.storage.s3 import S3Store
        except ImportError as exc:  # boto3 is an extra: pip install 'greenmfg[s3]'
            raise ConfigurationError("对象存储需要 boto3 / GREENMFG_STORAGE=s3 needs boto3: "
                                     "pip install 'greenmfg[s3]'") from exc
        return S3Store(bucket=str(bucket), prefix=str(config.get("GREENMFG_S3_PREFIX") or ""),
                       endpoint_url=config.get("GREENMFG_S3_ENDPOINT_URL") or None,
                       region=config.get("GREENMFG_S3_REGION") or None)
    folder = config.get("GREENMFG_EVIDENCE_DIR")
    return LocalStore(Path(folder) if folder else Path(instance_path) / "evidence")


def init_app(app) -> None:
    for key, value in CONFIG_DEFAULTS.items():
        app.config.setdefault(key, value)
    app.extensions["greenmfg_store"] = build_store(app.config, app.instance_path)


def store() -> FileStore:
    """This app's file store (a local one follows ``GREENMFG_EVIDENCE_DIR`` if it is changed at run time)."""
    current = current_app.extensions["greenmfg_store"]
    if isinstance(current, LocalStore):
        from pathlib import Path

        folder = current_app.config.get("GREENMFG_EVIDENCE_DIR")
        wanted = Path(folder) if folder else Path(current_app.instance_path) / "evidence"
        if wanted != current.root:
            current = current_app.extensions["greenmfg_store"] = LocalStore(wanted)
    return current


def storage_status() -> dict:
    """For the readiness check (/readyz) and the administrators: whether the file store has room.

    ``{"ok": bool, "kind": "local"|"s3", "free_bytes": int | None, "message": {"zh": …, "en": …} | None}``; not ok
    when a write was refused for want of room in the last :data:`FULL_SECONDS` or a local store has less than
    ``GREENMFG_STORAGE_MIN_FREE_BYTES`` left. Reads no file and no database row."""
    import time

    from core.i18n import bilingual

    current = store()
    free = current.free_bytes() if isinstance(current, LocalStore) else None
    full_at = current_app.extensions.get(FULL_AT)
    recently_full = full_at is not None and time.monotonic() - full_at < FULL_SECONDS
    short = free is not None and free < int(current_app.config["GREENMFG_STORAGE_MIN_FREE_BYTES"])
    ok = not (recently_full or short)
    return {"ok": ok, "kind": current.kind, "free_bytes": free, "message": None if ok else bilingual(STORE_FULL)}
