"""The ministry's register of provinces' public signing keys (issue 22).

A national instance accepts a province's recommendation file only if it is signed by a key registered
here for that province and not revoked. Staff register a key the province sends them out of band
(``greenmfg keys register``, the *Province keys* page, ``POST /api/v1/province-keys``); a province that
rotates its key registers the new one and the old one is revoked. Every change is audited. A key is Ed25519 or
SM2 (issue 47), told apart by its length; files it signs must carry its algorithm.

A province sees its own key on its *Signing key* page (``/province/signing-key``, ``GET /api/v1/signing-key``,
issue 54): algorithm, public key, fingerprint and the key file (:func:`key_file`) the ministry registers by
uploading it (:func:`register_file`)."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from core.errors import InvalidInput, NotFound, Refused
from core.extensions import db
from core.clock import now
from core.kernel.rules import region_rules
from core.services import signing
from core.models import ProvinceKey
from core.services import audit

#: who keeps the register on a national instance
KEEPER_ROLES = frozenset({"ministry", "admin"})


def _national() -> None:
    if region_rules().region.authority != "national":
        raise Refused("Only a national (ministry) instance registers provinces' signing keys.")


def register(actor: str, province: str, public_key: str, note: str = "") -> ProvinceKey:
    _national()
    code = (province or "").strip().lower()
    if not code or len(code) > 40 or not code.replace("_", "").replace("-", "").isalnum():
        raise InvalidInput("Give the province's code (the region code its instance shows, as in its recommendation files).", field="province")
    try:
        public = signing.parse_public(public_key)
    except signing.KeyProblem:
        raise InvalidInput("This is not an Ed25519 or SM2 public key (in base64, as `greenmfg keys generate` "
                           "prints it).", field="public_key") from None
    kid = signing.key_id(public)
    existing = db.session.scalar(select(ProvinceKey).where(ProvinceKey.key_id == kid))
    if existing is not None:
        raise Refused("This key is already registered (for %(province)s, key %(key)s).", province=existing.province,
                      key=kid)
    row = ProvinceKey(province=code, public_key=signing.public_text(public), key_id=kid, alg=signing.alg_of(public),
                      note=(note or "").strip()[:300] or None, registered_by=actor,
                      registered_at=now())
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "province_key.registered", "province_key", row.id, province=code, key_id=kid,
                 alg=row.alg, note=row.note)
    return row


def revoke(actor: str, key_id: str) -> ProvinceKey:
    _national()
    row = db.session.scalar(select(ProvinceKey).where(ProvinceKey.key_id == str(key_id)[:40]))
    if row is None:
        raise NotFound("No such key.")
    if row.revoked_at is not None:
        raise Refused("This key was already revoked.")
    row.revoked_at, row.revoked_by = now(), actor
    audit.record(actor, "province_key.revoked", "province_key", row.id, province=row.province, key_id=row.key_id)
    return row


def provinces() -> list[tuple[str, str, str]]:
    """The provinces whose plugin is installed here, as (code, name, name_en): the choices of the register form
    (a province's recommendation file names its province by this code)."""
    from core.plugins.manager import NATIONAL, installed_regions

    out = []
    for code, entry in sorted(installed_regions().items()):
        if code == NATIONAL:
            continue
        plugin = entry.load()
        region = plugin.gm_region() if hasattr(plugin, "gm_region") else None
        if region is not None:
            out.append((code, region.name, region.name_en))
    return out


def province_names(english: bool = False) -> dict[str, str]:
    """Province code → name (English with ``english``) of the installed provinces, read once per page or answer."""
    return {code: name_en if english else name for code, name, name_en in provinces()}


def listing() -> list[ProvinceKey]:
    return list(db.session.scalars(select(ProvinceKey).order_by(ProvinceKey.province, ProvinceKey.id)))


def by_key_id(kid: str) -> ProvinceKey | None:
    return db.session.scalar(select(ProvinceKey).where(ProvinceKey.key_id == str(kid)[:40]))


def key_json(row: ProvinceKey) -> dict[str, Any]:
    return {"province": row.province, "key_id": row.key_id, "alg": row.alg, "public_key": row.public_key,
            "note": row.note,
            "registered_by": row.registered_by, "registered_at": row.registered_at,
            "revoked_at": row.revoked_at, "revoked_by": row.revoked_by}


# ----------------------------------------------- the province's own key (issue 54) --

#: the file a province downloads from its key page and the ministry uploads to register the key
KEY_FILE_FORMAT = "greenmfg.signing-key/1"
#: how big a key file may be (it is a few hundred bytes)
KEY_FILE_MAX_BYTES = 16 * 1024


def fingerprint(public_key: str) -> str:
    """The SHA-256 of the public key's bytes in groups of four hex digits, read out by telephone to compare what
    the ministry registered with what the province's page shows (the key id is its first 16 digits)."""
    digest = hashlib.sha256(signing.public_raw(signing.parse_public(public_key))).hexdigest()
    return " ".join(digest[i:i + 4] for i in range(0, len(digest), 4))


def own_key(config: Mapping[str, Any]) -> dict[str, Any] | None:
    """This province's signing key as its page, the API and the key file show it (algorithm, public key, key id,
    fingerprint, province), or ``None`` where none is configured; a key that cannot be used is refused with the
    reason (:func:`core.services.signing.load_configured`)."""
    try:
        key = signing.load_configured(config)
    except signing.KeyProblem as exc:
        raise Refused("The signing key cannot be used: %(problem)s.", problem=str(exc)) from None
    if key is None:
        return None
    region = region_rules().region
    public = signing.public_text(key)
    return {"province": region_rules().region_code, "province_name": region.name, "province_name_en": region.name_en,
            "alg": signing.alg_of(key), "key_id": signing.key_id(key), "public_key": public,
            "fingerprint": fingerprint(public)}


def key_file(info: Mapping[str, Any]) -> bytes:
    """The file the ministry registers (:func:`register_file`): the province and its public key, as JSON."""
    document = {"format": KEY_FILE_FORMAT,
                "province": {"code": info["province"], "name": info["province_name"],
                             "name_en": info["province_name_en"]},
                "alg": info["alg"], "key_id": info["key_id"], "fingerprint": info["fingerprint"],
                "public_key": info["public_key"]}
    return json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


def register_file(actor: str, raw: bytes, note: str = "") -> ProvinceKey:
    """Register the key of a province's key file (its key page's download): the province and the key it names,
    checked against the key id and algorithm the file states (a changed character is refused, nothing kept)."""
    if len(raw) > KEY_FILE_MAX_BYTES:
        raise InvalidInput("This is not a province's signing key file (download it from the province's Signing key "
                           "page).", field="file")
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        document = None
    province = document.get("province") if isinstance(document, dict) else None
    if (not isinstance(document, dict) or document.get("format") != KEY_FILE_FORMAT or not isinstance(province, dict)
            or not isinstance(document.get("public_key"), str)):
        raise InvalidInput("This is not a province's signing key file (download it from the province's Signing key "
                           "page).", field="file")
    try:
        public = signing.parse_public(document["public_key"])
    except signing.KeyProblem:
        raise InvalidInput("This is not an Ed25519 or SM2 public key (in base64, as `greenmfg keys generate` "
                           "prints it).", field="file") from None
    if document.get("key_id") != signing.key_id(public) or document.get("alg") != signing.alg_of(public):
        raise InvalidInput("The key file was changed: its key id or algorithm does not match its public key. Ask "
                           "the province for the file again.", field="file")
    return register(actor, str(province.get("code") or ""), document["public_key"], note)
