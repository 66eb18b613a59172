"""The audit log's hash chain and its signed anchors (issue 47; GB/T 22239-2019 8.1.4.3 安全审计 c, ASVS 4.0.3 7.3.3).

**Chain.** Every entry keeps ``prev_hash``, the hash of the entry before it (64 zeros for the first), and ``hash``,
an HMAC-SHA-256 over ``prev_hash`` and the entry's fields (when, who, what, on which object, in which region, the
details), keyed with a secret the database never holds (``GREENMFG_AUDIT_CHAIN_KEY``, else derived from the
instance's ``SECRET_KEY``). The application writes entries only through :func:`core.services.audit.record` (and
:func:`core.services.audit.record_rows` for a file's import), whose rows get their place in the chain as they are
inserted (:func:`_extend`, :func:`chained`): the first append of a transaction takes an advisory lock on
PostgreSQL, so appends are serialised until the transaction ends and no two entries follow the same one. Someone
who can only reach the database (the application's role inserting a back-dated row in another user's name, the
owner rewriting a row with the triggers disabled) cannot compute the keyed hash, so the chain breaks at that row;
removing a row breaks the link of the row after it.

**Anchors.** At intervals (the ``audit.anchor`` job, hourly; ``greenmfg audit anchor``) the instance signs the
chain's last entry (its id and hash) with its key (Ed25519, or SM2-SM3 with ``GREENMFG_SIGNING_ALGORITHM=sm2``:
:mod:`core.services.signing`) and appends the signed anchor to a file in the anchor
folder (``GREENMFG_AUDIT_ANCHOR_DIR``, default the instance folder), apart from the database: removing the newest
entries, or rewriting the chain with the key, no longer matches an anchor. Between anchors, each commit that
appends entries records the newest one's id and hash beside them (:mod:`core.services.audit_head`), so the entries
written since the newest anchor cannot be removed unseen either (issue 55).

**Verification.** :func:`verify` (``greenmfg audit verify``) reads the whole log in order and reports the first
entry that breaks the chain or an anchor; the last result is kept beside the anchors and shown on the
administrator's page.
"""
from __future__ import annotations

import datetime as dt
import functools
import hmac
import json
import os
import re
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import orjson
from flask import current_app
from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session, object_session

from core.clock import now
from core.config import json_text
from core.extensions import db
from core.models import AuditLog
from core.services import audit_head
from core.services.audit_keys import anchor_file, chain_key

GENESIS = "0" * 64
#: the advisory lock that serialises appends on PostgreSQL (any fixed 64-bit number of our own)
LOCK_KEY = 4_047_202_611
#: the most statements the chain adds to a transaction that writes audit entries, however many (:func:`_reserve`):
#: the append lock, and the tail read with the entries' ids (PostgreSQL); the write lock and the tail read (SQLite)
STATEMENTS = 2
_TAIL = "greenmfg_audit_tail"
_IDS = "greenmfg_audit_ids"
ANCHORS_FILE = "audit-anchors.jsonl"
VERIFICATION_FILE = "audit-verification.json"
ANCHOR_KEY_FILE = "audit-anchor.key"


# ------------------------------------------------------------------ the chain --

@functools.lru_cache(maxsize=64)
def _instant(at: dt.datetime) -> str:
    """The entry's time as the hash reads it (an import's rows share one time: written out once)."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.timezone.utc)
    return at.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(at: dt.datetime, actor: str, action: str, object_type: str, object_id: str | None, region: str,
              data: Any) -> bytes:
    """The entry's fields as the hash reads them: ``json.dumps`` with sorted keys, UTF-8, no spaces.

    orjson writes the same bytes in a fraction of the time (W4: an import hashes 2,000 entries) for every value
    it accepts but floats below 1e-4 or from 1e16 on, which it writes in other forms (``0.00001`` for ``1e-05``,
    ``4.2e-7`` for ``4.2e-07``): where its text may hold such a float (:data:`_FLOAT_APART`), or orjson refuses the
    value (an integer beyond 64 bits, a lone surrogate), ``json.dumps`` writes it
    (tests/security/test_audit_chain.py compares the two)."""
    entry = {"at": _instant(at), "actor": actor, "action": action, "object_type": object_type,
             "object_id": object_id, "region": region, "data": data if data is not None else {}}
    try:
        body = orjson.dumps(entry, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # orjson.JSONEncodeError: an integer beyond 64 bits, a lone surrogate, a key not text
        body = None
    if body is None or _FLOAT_APART.search(body):
        return json.dumps(entry, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    return body


#: where orjson's text may differ from json's: a float it writes with an exponent or as ``0.0000…`` (every float
#: from 1e-4 up to 1e16 both write alike); a string holding such text is written by json too, to the same bytes
_FLOAT_APART = re.compile(rb"[0-9]e|0\.0000")


def entry_hash(key: bytes, prev_hash: str, row: Any) -> str:
    body = canonical(row.at, row.actor, row.action, row.object_type, row.object_id, row.region, row.data)
    return hmac.digest(key, prev_hash.encode() + b"\n" + body, "sha256").hex()


def _reserve(connection: Any, info: dict, count: int) -> list[int]:
    """``count`` ids, in chain order, for entries about to be appended, with the chain's tail known in ``info``.

    On PostgreSQL the first append of a transaction takes the append lock (a transaction-level advisory lock, held
    until the transaction ends: the next append reads this one's entries as its predecessors), then reads the tail
    and takes the ids from the table's sequence in one statement; later appends of the transaction take the ids
    only. On SQLite (one writer at a time) the first append takes the database's write lock (a write that changes
    nothing), then reads the tail once and counts the ids on from it. So a request, a job or an import adds at most
    two statements however many entries it writes."""
    tail = info.get(_TAIL)
    if connection.dialect.name == "postgresql":
        ids = "SELECT nextval(pg_get_serial_sequence('audit_log', 'id')) AS id"
        if tail is None:
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
            rows = connection.execute(text(f"{ids}, (SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1) AS tail "
                                           "FROM generate_series(1, :n)"), {"n": count}).all()
            info[_TAIL] = {"hash": rows[0].tail}
        else:
            rows = connection.execute(text(f"{ids} FROM generate_series(1, :n)"), {"n": count}).all()
        return sorted(row.id for row in rows)
    if tail is None:
        # SQLite has one writer at a time, but a transaction takes the write lock at its first write only: the tail
        # read before it could be read by a concurrent request too (two threads of the demo's server, two workers),
        # and both would count the same ids on from it. A write that changes nothing takes the lock first.
        connection.execute(text("UPDATE audit_log SET id = id WHERE id IS NULL"))
        last = connection.execute(select(AuditLog.id, AuditLog.hash).order_by(AuditLog.id.desc()).limit(1)).first()
        tail = info[_TAIL] = {"hash": last.hash, "next_id": last.id + 1} if last else {"hash": None, "next_id": 1}
    first = tail["next_id"]
    tail["next_id"] = first + count
    return list(range(first, first + count))


def _link(info: dict, entry: Any, entry_id: int, key: bytes | None = None) -> None:
    """Give ``entry`` (a row being inserted, or its fields) its id, normalised fields and place after the tail."""
    entry.id = entry_id
    if entry.at is None:
        entry.at = now()
    entry.object_id = None if entry.object_id is None else str(entry.object_id)
    entry.data = _stored(entry.data if entry.data is not None else {})
    entry.prev_hash = info[_TAIL]["hash"] or GENESIS
    entry.hash = entry_hash(key or chain_key(), entry.prev_hash, entry)
    info[_TAIL]["hash"] = entry.hash
    audit_head.note(info, entry_id, entry.hash)  # written outside the database once committed (issue 55)


def _stored(data: Any) -> Any:
    """``data`` as the database gives it back (written as the JSON column writes it, read as it reads it), so the
    hash is of what is stored."""
    written = json_text(data)
    try:
        return orjson.loads(written)
    except orjson.JSONDecodeError:  # what only json writes (NaN, an integer beyond 64 bits)
        return json.loads(written)


@event.listens_for(Session, "before_flush")
def _reserve_ids(session: Session, _context: Any, _instances: Any) -> None:
    """The ids of the flush's new entries, taken at once (:func:`_reserve`); :func:`_extend` hands them out."""
    count = sum(1 for o in session.new if isinstance(o, AuditLog) and o.id is None)
    if count:
        session.info[_IDS] = _reserve(session.connection(), session.info, count)


@event.listens_for(AuditLog, "before_insert")
def _extend(_mapper, connection, target: AuditLog) -> None:
    """An entry being inserted takes its place in the chain, in the order the flush inserts them (after the
    demo's listener has dated it: core/cli/demo_data.py)."""
    session = object_session(target)
    info = session.info if session is not None else connection.info
    reserved = info.get(_IDS)
    _link(info, target, reserved.pop(0) if reserved else _reserve(connection, info, 1)[0])


@event.listens_for(Session, "after_flush")
def _drop_reserved(session: Session, _context: Any) -> None:
    session.info.pop(_IDS, None)  # an id not used is a gap in the numbers, not in the chain


@event.listens_for(Session, "after_transaction_end")
def _forget_tail(session: Session, _transaction: Any) -> None:
    session.info.pop(_TAIL, None)  # read again under the lock by the next transaction (or after a savepoint)


def chained(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Entries written in bulk (a file's import, :func:`core.services.audit.record_rows`), each a dict of the
    columns (``at``, ``actor``, ``action``, ``object_type``, ``object_id``, ``region``, ``data``), in the chain like
    those the session inserts: with their ``id``, ``prev_hash`` and ``hash``, in order."""
    info = db.session.info
    key = chain_key()
    out = []
    for entry_id, row in zip(_reserve(db.session.connection(), info, len(rows)), rows):
        entry = SimpleNamespace(**{"at": None, "object_id": None, "data": None, **row})
        _link(info, entry, entry_id, key)
        out.append(vars(entry))
    return out


# ------------------------------------------------------------------ anchors --

def _anchor_key():
    """The instance's signing key: ``GREENMFG_AUDIT_ANCHOR_KEY_FILE``, else the recommendation signing key
    (``GREENMFG_RECOMMENDATION_KEY_FILE``), else a key of its own made in the anchor folder (mode 0600), of the
    algorithm ``GREENMFG_SIGNING_ALGORITHM`` chooses when it is made (Ed25519 PEM, or the SM2 key file)."""
    from core.services import signing

    config = current_app.config
    configured = config.get("GREENMFG_AUDIT_ANCHOR_KEY_FILE") or config.get("GREENMFG_RECOMMENDATION_KEY_FILE")
    path = Path(configured) if configured else anchor_file(ANCHOR_KEY_FILE)
    if not path.exists() and not configured:
        key = signing.generate(signing.configured_algorithm(config))
        pem = signing.private_pem(key)
        part = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(pem)
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(part, path)  # whole or not at all: where another process made one first, its key is read
            return key
        except FileExistsError:
            pass
        finally:
            part.unlink()
    try:
        return signing.parse_private(path.read_bytes())
    except signing.KeyProblem:
        raise ValueError(f"{path}: 不是 Ed25519 或 SM2 私钥 / not an Ed25519 or SM2 private key") from None


def _anchor_payload(anchor: dict[str, Any]) -> bytes:
    return json.dumps({k: anchor[k] for k in ("id", "hash", "at", "entries")}, sort_keys=True,
                      separators=(",", ":")).encode()


def anchor() -> dict[str, Any] | None:
    """Sign the chain's last entry and append the anchor to the anchor file (``None``: nothing to
    anchor yet, or the last entry is anchored already)."""
    from core.services import signing

    last = db.session.execute(select(AuditLog.id, AuditLog.hash).where(AuditLog.hash.is_not(None))
                              .order_by(AuditLog.id.desc()).limit(1)).first()
    if last is None:
        return None
    anchors = read_anchors()
    if anchors and anchors[-1].get("id") == last.id:
        return None
    entries = db.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.id <= last.id))
    key = _anchor_key()
    record = {"id": last.id, "hash": last.hash, "at": _instant(now()), "entries": int(entries or 0)}
    signature = signing.sign(_anchor_payload(record), key)
    record["alg"] = signature["alg"]
    record["key"] = signing.public_text(key)
    record["signature"] = signature["value"]
    with anchor_file(ANCHORS_FILE).open("a", encoding="utf-8") as out:
        out.write(json.dumps(record, sort_keys=True) + "\n")
        out.flush()
        os.fsync(out.fileno())
    return record


def read_anchors() -> list[dict[str, Any]]:
    path = anchor_file(ANCHORS_FILE)
    if not path.exists():
        return []
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                out.append(json.loads(line))
            except ValueError:
                out.append({"line": number, "unreadable": True})
    return out


def _anchor_signed(record: dict[str, Any], public_raw: bytes) -> bool:
    """Whether ``record`` is signed by the key ``public_raw``, with the algorithm the record names (anchors made
    before SM2 was possible name Ed25519) and that key's."""
    import base64

    from core.services import signing

    try:
        if base64.b64decode(record["key"]) != public_raw:
            return False
        signature = {"alg": record.get("alg", signing.ED25519), "value": record["signature"]}
        return signing.valid(_anchor_payload(record), signature, signing.public_from_raw(public_raw))
    except (KeyError, ValueError, TypeError):
        return False


# ------------------------------------------------------------- verification --

#: why an entry breaks the chain, in both languages (the CLI and the administrator's page show them)
REASONS = {
    "altered": ("记录内容与其哈希不符（被改写或伪造插入）", "its content does not match its hash (rewritten, or inserted "
                                                    "behind the application's back)"),
    "link": ("与前一条记录的链接断开（前一条被删除，或本条被插入）", "its link to the entry before is broken (an entry was "
                                                      "removed, or this one was inserted)"),
    "unchained": ("链开始后出现无哈希的记录（绕过应用写入）", "an entry without a hash after the chain began (written "
                                                 "around the application)"),
    "anchor": ("与已签名锚点记录的哈希不符（链被改写）", "does not match the signed anchor of this entry (the chain "
                                               "was rewritten)"),
    "anchor_missing": ("已签名锚点指向的记录不存在（最新记录被删除）", "the entry a signed anchor names is missing (the "
                                                       "newest entries were removed)"),
    "anchor_signature": ("锚点签名无效（锚点文件被改动）", "an anchor's signature is not valid (the anchor file was "
                                                 "changed)"),
    "head_missing": ("数据库外记录的最新一条记录不存在或不符（最新记录被删除）", "the newest entry recorded outside the "
                     "database is missing or differs (the newest entries were removed)"),
    "head_signature": ("数据库外的最新记录文件无效（文件被改动）", "the file recording the newest entry outside the "
                       "database is not valid (it was changed)"),
}


@dataclass
class Verification:
    ok: bool
    at: str
    entries: int = 0
    chained: int = 0
    before_chain: int = 0
    anchors: int = 0
    first_bad: int | None = None
    reason: str | None = None

    def describe(self, lang: str = "zh") -> str:
        index = 0 if lang == "zh" else 1
        if self.ok:
            return (f"审计日志完整：{self.entries} 条（链上 {self.chained} 条，链开始前 {self.before_chain} 条），"
                    f"{self.anchors} 个签名锚点相符" if index == 0 else
                    f"audit log intact: {self.entries} entries ({self.chained} chained, {self.before_chain} from "
                    f"before the chain began), {self.anchors} signed anchors match")
        why = REASONS[self.reason or "altered"][index]
        where = (f"第一条有问题的记录：#{self.first_bad}：" if index == 0 else f"first bad entry: #{self.first_bad}: ") \
            if self.first_bad is not None else ""
        return where + why


def verify(record_result: bool = True) -> Verification:
    """Read the whole log in order; the first entry that breaks the chain or an anchor."""
    key = chain_key()
    anchors = read_anchors()
    result = Verification(ok=True, at=_instant(now()), anchors=len(anchors))
    by_id: dict[int, str] = {}
    public = None
    for record in anchors:
        if record.get("unreadable") or "id" not in record:
            result.ok, result.reason = False, "anchor_signature"
            break
        if public is None:
            import base64

            public = _anchor_public_raw() or base64.b64decode(record.get("key", ""))
        if not _anchor_signed(record, public):
            result.ok, result.reason, result.first_bad = False, "anchor_signature", int(record["id"])
            break
        by_id[int(record["id"])] = record["hash"]
    prev: str | None = None
    seen: set[int] = set()
    head = audit_head.read() if result.ok else None  # the newest entry as recorded outside the database (issue 55)
    if head is not None and head.get("bad"):
        result.ok, result.reason = False, "head_signature"
    head_found = head is None
    if result.ok:
        columns = (AuditLog.id, AuditLog.at, AuditLog.actor, AuditLog.action, AuditLog.object_type, AuditLog.object_id,
                   AuditLog.region, AuditLog.data, AuditLog.prev_hash, AuditLog.hash)
        for row in db.session.execute(select(*columns).order_by(AuditLog.id).execution_options(yield_per=2000)):
            result.entries += 1
            if row.hash is None:
                if prev is None:
                    result.before_chain += 1
                    continue
                result.ok, result.first_bad, result.reason = False, row.id, "unchained"
                break
            if row.prev_hash != (prev or GENESIS):
                result.ok, result.first_bad, result.reason = False, row.id, "link"
                break
            if not hmac.compare_digest(entry_hash(key, row.prev_hash, row), row.hash):
                result.ok, result.first_bad, result.reason = False, row.id, "altered"
                break
            if row.id in by_id and by_id[row.id] != row.hash:
                result.ok, result.first_bad, result.reason = False, row.id, "anchor"
                break
            seen.add(row.id)
            prev = row.hash
            result.chained += 1
            if not head_found and row.id == int(head["id"]):
                head_found = row.hash == head["hash"]
        if result.ok:
            missing = sorted(set(by_id) - seen)
            if missing:
                result.ok, result.first_bad, result.reason = False, missing[0], "anchor_missing"
            elif not head_found:  # entries after the newest anchor removed: the head outside the database says so
                result.ok, result.first_bad, result.reason = False, int(head["id"]), "head_missing"
    db.session.rollback()
    if record_result:
        path = anchor_file(VERIFICATION_FILE)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(asdict(result), ensure_ascii=False), encoding="utf-8")
        temporary.replace(path)
    return result


def _anchor_public_raw() -> bytes | None:
    """The public half of the configured anchor key, when one is configured or made (else the anchors' own)."""
    from core.services import signing

    config = current_app.config
    configured = config.get("GREENMFG_AUDIT_ANCHOR_KEY_FILE") or config.get("GREENMFG_RECOMMENDATION_KEY_FILE")
    path = Path(configured) if configured else anchor_file(ANCHOR_KEY_FILE)
    if not path.exists():
        return None
    return signing.public_raw(_anchor_key())


def last_verification() -> Verification | None:
    """The result of the last ``greenmfg audit verify`` on this instance (``None``: never verified)."""
    path = anchor_file(VERIFICATION_FILE)
    try:
        return Verification(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None
