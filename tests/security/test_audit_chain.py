"""A tamper-evident audit log (issue 47; GB/T 22239-2019 8.1.4.3 c, ASVS 4.0.3 7.3.3), on SQLite and PostgreSQL.

Before, the application's role could INSERT a back-dated row in another user's name, indistinguishable from a real
one, and the owner could disable the triggers and rewrite rows without a trace. Now every entry chains a keyed hash
of the one before; ``greenmfg audit verify`` passes on an untouched log and names the first bad entry after a forged
insert, an owner's rewrite, a removed entry or a removed tail (caught by the signed anchor in the anchor folder);
the administrator's page shows the last verification."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from core.accounts import services
from core.clock import now
from core.cli.audit_cmd import audit_group
from core.extensions import db
from core.models import AuditLog, Role
from core.services import audit

#: the chain takes its ids differently on the two databases (a sequence under a lock; counted on): run on SQLite too
pytestmark = pytest.mark.both_databases

PASSWORD = "审计日志链测试口令-2026-绿色工厂"


@pytest.fixture
def app(make_app, tmp_path):
    # the anchors are the test's own: not in an instance folder that parallel workers or earlier tests share
    app = make_app("hunan", WTF_CSRF_ENABLED=False, GREENMFG_AUDIT_ANCHOR_DIR=str(tmp_path / "anchors"))
    with app.app_context():
        services.create_user(username="admin_audit", password=PASSWORD, display_name="审计管理员", role=Role.ADMIN,
                             actor="test")
        for n in range(5):
            audit.record("province_wang", "campaign.opened", "campaign", n, note=f"第{n}轮", amount=1.5 * n)
        db.session.commit()
    return app


def _verify(app):
    result = app.test_cli_runner().invoke(audit_group, ["verify"])
    return result.exit_code, result.output


def _ids(app):
    with app.app_context():
        return list(db.session.scalars(select(AuditLog.id).order_by(AuditLog.id)))


def _owner(app, *statements, params=None):
    """Run ``statements`` as the tables' owner with the row triggers switched off (what the owner can do)."""
    with app.app_context():
        connection = db.session.connection()
        if connection.dialect.name == "postgresql":
            connection.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            for name in ("audit_log_no_update", "audit_log_no_delete"):
                connection.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
        for statement in statements:
            connection.execute(text(statement), params or {})
        db.session.commit()


def test_an_untouched_log_verifies_and_the_admin_page_shows_it(app):
    assert app.test_cli_runner().invoke(audit_group, ["anchor"]).exit_code == 0
    with app.app_context():
        rows = db.session.scalars(select(AuditLog).order_by(AuditLog.id)).all()
        assert rows[0].prev_hash == "0" * 64
        assert all(later.prev_hash == earlier.hash for earlier, later in zip(rows, rows[1:]))
    code, output = _verify(app)
    assert code == 0 and "审计日志完整" in output, output and "audit log intact" in output and "1 signed anchors" in output
    anchors = Path(app.config["GREENMFG_AUDIT_ANCHOR_DIR"], "audit-anchors.jsonl").read_text().splitlines()
    assert json.loads(anchors[-1])["alg"] == "Ed25519"

    client = app.test_client()
    client.post("/login", data={"username": "admin_audit", "password": PASSWORD})
    page = client.get("/admin?lang=zh").get_data(as_text=True)
    assert 'id="audit-verification"' in page and "审计日志完整" in page


def test_rows_written_in_bulk_join_the_chain(app):
    """A file's import writes its audit rows in one INSERT (core/applications/summary_import.py): they take their
    place in the chain between the entries the session writes in the same transaction, and the next transaction's
    entries follow them."""
    with app.app_context():
        audit.record("city_zhang", "summary.import_started", "campaign", 1)
        db.session.flush()
        audit.record_rows([{"at": now(), "actor": "city_zhang", "action": "application.created",
                            "object_type": "application", "object_id": n, "region": "hunan",
                            "data": {"via": "summary_import", "row": n}} for n in range(3)])
        audit.record("city_zhang", "summary.imported", "campaign", 1, rows=3)
        db.session.commit()
        audit.record("admin_audit", "account.opened", "user", 2)
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.hash.is_(None))) == 0
    code, output = _verify(app)
    assert code == 0 and "审计日志完整" in output, output


def test_audited_writes_at_once_each_take_their_own_place_in_the_chain(app):
    """Eight requests at once (threads, as the demo's server and gunicorn's threads serve them), each writing 25
    audited changes: every change is written, none refused, and the log verifies. On SQLite the ids were counted on
    from a tail read before the transaction held the write lock: two writers read the same tail and the second
    failed on the audit log's primary key (97 of these 200 changes refused before the change)."""
    import threading

    from core.models import Organization

    refused: list[str] = []

    def writer(k: int) -> None:
        with app.app_context():
            for i in range(25):
                try:
                    audit.record("city_zhang", "organization.created", "organization", f"{k}-{i}")
                    db.session.add(Organization(name=f"并发写入单位{k}-{i}", uscc=f"9143{k:02d}{i:012d}"))
                    db.session.commit()
                except Exception as error:  # noqa: BLE001 - the test counts every refusal, whatever it is
                    refused.append(f"{type(error).__name__}: {str(error).splitlines()[0]}")
                    db.session.rollback()

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert refused == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditLog)
                                 .where(AuditLog.action == "organization.created")) == 200
    code, output = _verify(app)
    assert code == 0 and "审计日志完整" in output, output


def test_a_forged_insert_is_found(app):
    """The application's role may INSERT: a back-dated row in another user's name, chained with a plain SHA-256 to
    the last entry, is still found (the hash is keyed with a secret the database does not hold)."""
    with app.app_context():
        tail = db.session.execute(select(AuditLog.id, AuditLog.hash).order_by(AuditLog.id.desc()).limit(1)).first()
        forged_hash = hashlib.sha256((tail.hash + "forged").encode()).hexdigest()
        db.session.execute(text("INSERT INTO audit_log (id, at, actor, action, object_type, object_id, region, data, "
                                "prev_hash, hash) VALUES (:id, :at, 'province_li', 'list.published', 'list', '7', "
                                "'hunan', :data, :prev, :hash)"),
                           {"id": tail.id + 1, "at": "2026-01-05 09:00:00", "data": "{}", "prev": tail.hash,
                            "hash": forged_hash})
        db.session.commit()
        if db.session.connection().dialect.name == "postgresql":
            db.session.execute(text("SELECT setval(pg_get_serial_sequence('audit_log', 'id'), :n)"),
                               {"n": tail.id + 1})
            db.session.commit()
        # the application writes on: its entries chain after the forged one, which stays the first bad entry
        audit.record("admin_audit", "account.opened", "user", 1)
        db.session.commit()
    code, output = _verify(app)
    assert code == 1 and f"#{tail.id + 1}" in output and "被改写或伪造插入" in output


def test_an_owners_rewrite_is_found(app):
    second = _ids(app)[2]
    _owner(app, "UPDATE audit_log SET actor = 'someone_else' WHERE id = :id", params={"id": second})
    code, output = _verify(app)
    assert code == 1 and f"#{second}" in output and "rewritten" in output


def test_a_removed_entry_and_a_removed_tail_are_found(app):
    assert app.test_cli_runner().invoke(audit_group, ["anchor"]).exit_code == 0
    ids = _ids(app)
    _owner(app, "DELETE FROM audit_log WHERE id = :id", params={"id": ids[-1]})  # the newest: only the anchor knows
    code, output = _verify(app)
    assert code == 1 and f"#{ids[-1]}" in output and "the newest entries were removed" in output
    _owner(app, "DELETE FROM audit_log WHERE id = :id", params={"id": ids[1]})
    code, output = _verify(app)
    assert code == 1 and f"#{ids[2]}" in output and "an entry was removed" in output


def _json_canonical(at, actor, action, object_type, object_id, region, data):
    """The canonical form as first defined (json.dumps): what every stored hash was made over."""
    from core.services.audit_chain import _instant

    return json.dumps({"at": _instant(at), "actor": actor, "action": action, "object_type": object_type,
                       "object_id": object_id, "region": region, "data": data if data is not None else {}},
                      sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


@pytest.mark.parametrize("data", [
    {}, None, {"diff": {"ext.revenue": [None, 1234.5], "contact_name": ["王", "赵新"]}, "via": "summary_import"},
    {"small": 1e-05, "tiny": 5e-324, "big": 1e16, "huge": 1.5e300, "edge": 1e-4, "below": 9999999999999998.0},
    {"zero": -0.0, "third": 1 / 3, "ints": [0, -1, 2**63 - 1, 2**63, 2**70, True, False, None]},
    {"\x1f控制\x7f": "\u2028\ufeff\uffff😀\n\t\"\\", "é": 1, "z": 2, "😀": 3, "a": [{"b": {"c": []}}]},
])
def test_the_canonical_form_is_jsons_byte_for_byte(data):
    """The hash reads orjson's bytes where they are json.dumps's (faster, W4) and json.dumps's otherwise: every
    entry hashed before, and every one verified, reads the same bytes."""
    from core.services.audit_chain import canonical

    at = now()
    assert canonical(at, "城市_张", "application.saved", "application", "7", "hunan", data) == \
        _json_canonical(at, "城市_张", "application.saved", "application", "7", "hunan", data)


def test_a_rewritten_row_among_rows_written_in_bulk_is_found(app):
    """An import's rows are hashed one by one as before (each on its own and on the one before it): rewriting
    one of them, even its data alone, is found at that row."""
    with app.app_context():
        audit.record_rows([{"at": now(), "actor": "city_zhang", "action": "application.created",
                            "object_type": "application", "object_id": n, "region": "hunan",
                            "data": {"via": "summary_import", "diff": {"ext.revenue": [None, 1000.5 + n]}}}
                           for n in range(50)])
        db.session.commit()
    assert _verify(app)[0] == 0
    target = _ids(app)[-20]
    _owner(app, "UPDATE audit_log SET data = :data WHERE id = :id",
           params={"id": target, "data": '{"via": "summary_import", "diff": {"ext.revenue": [null, 1.5]}}'})
    code, output = _verify(app)
    assert code == 1 and f"#{target}" in output and "被改写或伪造插入" in output


def test_a_tail_written_after_the_newest_anchor_and_removed_is_found(app, tmp_path):
    """Issue 55: entries written after the newest signed anchor (hourly) could be deleted by the tables' owner and
    ``audit verify`` still said intact. Each commit that appends entries now records the newest one outside the
    database (audit-head.json in the anchor folder, under an HMAC of the chain key): removing the last three
    entries, or only the last one, is found; a rolled-back entry never moves the record ahead (no false alarm)."""
    assert app.test_cli_runner().invoke(audit_group, ["anchor"]).exit_code == 0
    with app.app_context():
        for n in range(3):  # three requests after the anchor, each committing its entry
            audit.record("city_li", "filing.saved", "annual_filing", n, diff={"values.3": [None, 35 + n]})
            db.session.commit()
        audit.record("city_li", "filing.saved", "annual_filing", 99)
        db.session.rollback()  # a refused request: its entry never existed
    assert _verify(app)[0] == 0, _verify(app)[1]
    head = json.loads((tmp_path / "anchors" / "audit-head.json").read_text())
    ids = _ids(app)
    assert head["id"] == ids[-1]
    _owner(app, "DELETE FROM audit_log WHERE id = :id", params={"id": ids[-1]})  # the last one only
    code, output = _verify(app)
    assert code == 1 and f"#{ids[-1]}" in output and "the newest entries were removed" in output
    _owner(app, "DELETE FROM audit_log WHERE id >= :id", params={"id": ids[-3]})  # the whole tail since the anchor
    code, output = _verify(app)
    assert code == 1 and f"#{ids[-1]}" in output and "最新记录被删除" in output
    forged = {**head, "id": ids[-4]}  # the record moved back to hide it: its HMAC no longer matches
    (tmp_path / "anchors" / "audit-head.json").write_text(json.dumps(forged))
    code, output = _verify(app)
    assert code == 1 and "it was changed" in output
