"""What the audit chain (:mod:`core.services.audit_chain`) and its head kept outside the database
(:mod:`core.services.audit_head`) both need: the chain's key and the anchor folder."""
from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

from flask import current_app


def chain_key() -> bytes:
    app = current_app._get_current_object()
    key = app.extensions.get("greenmfg_audit_chain_key")
    if key is None:
        secret = app.config.get("GREENMFG_AUDIT_CHAIN_KEY") or app.config["SECRET_KEY"]
        key = hmac.new(str(secret).encode(), b"greenmfg audit chain v1", hashlib.sha256).digest()
        app.extensions["greenmfg_audit_chain_key"] = key
    return key


def anchor_file(name: str) -> Path:
    """``name`` in the anchor folder: ``GREENMFG_AUDIT_ANCHOR_DIR`` (made if missing), else the instance folder."""
    configured = current_app.config.get("GREENMFG_AUDIT_ANCHOR_DIR")
    folder = Path(configured) if configured else Path(current_app.instance_path)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder / name
