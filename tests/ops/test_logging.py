"""One logging set-up for web workers, job workers and commands (issue 44; docs/operations.md "Logs"):
level and format from the settings, every line with its dated time and the request id, the e-mail log
gateway visible at the default level."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]
PLAIN_LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d{4} (?P<level>[A-Z]+) \[\d+\] (?P<logger>\S+) "
                        r"req=(?P<rid>\S+): (?P<message>.*)$")

SCRIPT = """
import logging, sys
from core.app import create_app
app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite:///" + sys.argv[1]})
from core.notifications import mail
with app.app_context():
    mail.send("zhang@example.cn", "申报已退回", "请在 2026-12-01 前修改")
logging.getLogger("greenmfg.test").debug("a debug line")
with app.test_request_context("/"):
    app.preprocess_request()
    logging.getLogger("greenmfg.test").warning("inside a request")
"""


def _run(tmp_path, **settings) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GREENMFG_")}
    env.update({"PYTHONPATH": str(ROOT), "GREENMFG_INSTANCE_PATH": str(tmp_path / "instance"),
                "GREENMFG_JOBS_BACKEND": "thread", "GREENMFG_PAGE_CACHE": "off", **settings})
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "db.sqlite3")], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stderr


def test_plain_lines_carry_time_level_and_request_id_and_the_mail_gateway_shows_at_info(tmp_path):
    lines = [PLAIN_LINE.match(line) for line in _run(tmp_path).splitlines() if line and not line.startswith(" ")]
    records = [m for m in lines if m]
    mail = [m for m in records if m["logger"] == "core.notifications.mail"]
    assert mail and "zhang@example.cn" in mail[0]["message"] and mail[0]["level"] == "INFO"
    assert mail[0]["rid"] == "-"  # outside a request
    inside = [m for m in records if m["message"] == "inside a request"]
    assert inside and re.fullmatch(r"[0-9a-f]{12}", inside[0]["rid"])
    assert not [m for m in records if m["message"] == "a debug line"]  # INFO is the default level


def test_json_lines_and_the_level_come_from_the_settings(tmp_path):
    out = _run(tmp_path, GREENMFG_LOG_FORMAT="json", GREENMFG_LOG_LEVEL="DEBUG")
    records = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert {"time", "level", "logger", "pid", "request_id", "message"} <= set(records[0])
    assert any(r["message"] == "a debug line" and r["level"] == "DEBUG" for r in records)
    inside = next(r for r in records if r["message"] == "inside a request")
    assert re.fullmatch(r"[0-9a-f]{12}", inside["request_id"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d{4}", inside["time"])


def test_every_answer_names_its_request_id(app):
    answer = app.test_client().get("/healthz")
    assert re.fullmatch(r"[0-9a-f]{12}", answer.headers["X-Request-Id"])


def test_refusals_before_any_view_and_kept_pages_name_their_own_request_id(make_app):
    """A form posted without its CSRF token, the forced second-factor redirect, and a page kept in Redis (answered
    under Flask) each carry an id of their own (issue 56)."""
    from core.accounts import services
    from core.extensions import db
    from core.models import Role

    from ops_kit import redis_url

    rid = re.compile(r"[0-9a-f]{12}")
    guarded = make_app("hubei", WTF_CSRF_ENABLED=True)
    refused = guarded.test_client().post("/login", data={"username": "a", "password": "b"})
    assert refused.status_code == 400 and rid.fullmatch(refused.headers["X-Request-Id"])
    app = make_app("hubei", WTF_CSRF_ENABLED=False, GREENMFG_MFA_ROLES=["admin"], GREENMFG_PAGE_CACHE="redis",
                   GREENMFG_REDIS_URL=redis_url(2))
    with app.app_context():
        services.create_user(username="admin", password="日志测试口令-2026-绿色工厂与园区", display_name="管理员",
                             role=Role.ADMIN, actor="test")
        db.session.commit()
    client = app.test_client()
    assert client.post("/login", data={"username": "admin", "password": "日志测试口令-2026-绿色工厂与园区"}).status_code == 302
    forced = client.get("/admin")
    assert forced.status_code == 302 and forced.headers["Location"].endswith("/account/mfa")
    assert rid.fullmatch(forced.headers["X-Request-Id"])
    anonymous = app.test_client()
    ids = [anonymous.get("/notices").headers["X-Request-Id"] for _ in range(3)]  # made, then kept
    assert all(rid.fullmatch(i) for i in ids) and len(set(ids)) == 3, ids
