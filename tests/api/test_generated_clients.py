"""Issue 58, done as an integrator does it, with tools nobody here wrote: ``greenmfg openapi write`` writes the
document; Redocly's recommended rules find no error in it (every region); openapi-typescript (default options) and
openapi-python-client (default options) generate clients from it; a TypeScript sync program
(tests/clients/sync_journey.ts, openapi-fetch) compiles under ``tsc --strict`` with no cast; and both clients keep
a Hunan city's complaints in step against a live server: a full fetch page by page, a 304 to ``If-None-Match``, a
complaint verified (a change), an ``updated_since`` fetch answering exactly the changed complaint, listings sorted
by ``-updated_at`` and ``-id``.

The Node tools are pinned in tests/clients/package.json and its package-lock.json; :func:`node_tools` runs
``npm ci`` there once (again only when the lock changes); where node or npm is missing the Node checks skip with
the reason (under CI they fail instead: CI has Node 20 and npm)."""
from __future__ import annotations

import fcntl
import hashlib
import importlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

import api_kit as kit
from api_kit import bj

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from browser_kit import serving  # noqa: E402  (a live server thread)

CLIENTS = Path(__file__).resolve().parents[1] / "clients"
BIN = CLIENTS / "node_modules" / ".bin"
#: no usage report sent and no update check by Redocly (the suite talks to nobody)
QUIET = {"REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true", "NO_COLOR": "1"}
BASE = {"SECRET_KEY": "t", "TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "GREENMFG_RULES_YEAR": 2025,
        "GREENMFG_RATELIMIT_STORAGE": "memory://"}


def _run(command: list, cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess:
    done = subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **QUIET})
    assert done.returncode == 0, f"{command[0]}: {done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return done


@pytest.fixture(scope="session")
def node_tools() -> Path:
    """tests/clients/node_modules/.bin, installed by ``npm ci`` from the lock (once; a lock file keeps two test
    workers from installing at the same time)."""
    if not (shutil.which("npm") and shutil.which("node")):
        missing = ("Node.js and npm not found (Node 20 and npm: apt-get install -y nodejs npm); the clients "
                   "generated with openapi-typescript and Redocly's lint are not checked")
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the generated clients' checks: {missing}")
        pytest.skip(missing)
    lock = (CLIENTS / "package-lock.json").read_bytes()
    wanted = hashlib.sha256(lock + (CLIENTS / "package.json").read_bytes()).hexdigest()
    marker = CLIENTS / "node_modules" / ".greenmfg-installed"
    guard = Path(tempfile.gettempdir()) / f"greenmfg-npm-ci-{hashlib.sha256(str(CLIENTS).encode()).hexdigest()[:12]}"
    with open(guard, "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        if not marker.exists() or marker.read_text() != wanted:
            _run(["npm", "ci", "--no-audit", "--no-fund"], CLIENTS, timeout=600)
            marker.write_text(wanted)
    return BIN


def _write_document(app, target: Path) -> Path:
    from core.cli import cli

    written = app.test_cli_runner().invoke(cli, ["openapi", "write", str(target)])
    assert written.exit_code == 0, written.output
    return target


@pytest.mark.parametrize("region", kit.REGIONS)
def test_redocly_recommended_rules_find_no_error_in_the_written_document(node_tools, region, tmp_path):
    from core import create_app

    document = _write_document(create_app({**BASE, "GREENMFG_REGION": region}), tmp_path / "openapi.json")
    done = subprocess.run([str(node_tools / "redocly"), "lint", "--extends=recommended", "--format=json",
                           str(document)], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env={**os.environ, **QUIET})
    report = json.loads(done.stdout)
    errors = [(p["ruleId"], p["message"], p["location"][0]["pointer"]) for p in report["problems"]
              if p["severity"] == "error"]
    assert errors == [] and report["totals"]["errors"] == 0 and done.returncode == 0, errors[:20]


def _python_client(document: Path, where: Path):
    """openapi-python-client's default generation of ``document`` (its ruff run included), imported."""
    venv_bin = Path(sys.executable).parent
    done = subprocess.run([str(venv_bin / "openapi-python-client"), "generate", "--path", str(document),
                           "--output-path", str(where)], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PATH": f"{venv_bin}{os.pathsep}{os.environ.get('PATH', '')}"})
    assert done.returncode == 0 and "Warning" not in done.stdout + done.stderr, done.stdout + done.stderr
    (package,) = [p.parent for p in where.glob("*/__init__.py")]
    sys.path.insert(0, str(where))
    importlib.invalidate_caches()
    try:
        return importlib.import_module(package.name)
    finally:
        sys.path.remove(str(where))


def _typescript_program(node_tools: Path, document: Path, build: Path) -> Path:
    """The types openapi-typescript generates (default options) and the sync program compiled with them."""
    build.mkdir()
    (build / "node_modules").symlink_to(CLIENTS / "node_modules", target_is_directory=True)
    source = (CLIENTS / "sync_journey.ts").read_text(encoding="utf-8")
    code = "\n".join(line.split("//")[0] for line in source.splitlines())
    casts = re.findall(r"\bas\s+(?!const\b)[A-Za-z{\[(]|<[A-Z]\w*>\s*\w|\w!\.", code)
    assert casts == [], "the sync program takes the generated types as they are, with no cast"
    (build / "sync_journey.ts").write_text(source, encoding="utf-8")
    _run([node_tools / "openapi-typescript", document, "--output", build / "schema.d.ts"], build)
    _run([node_tools / "tsc", "--strict", "--noEmitOnError", "--target", "es2022", "--module", "nodenext",
          "--types", "node", "sync_journey.ts"], build)
    return build / "sync_journey.js"


def _walk(listing, client, **query) -> list:
    """Every record through the generated client, page by page (next_after passed back as after)."""
    seen, after = [], None
    while True:
        page = listing.sync_detailed(client=client, **query, **({"after": after} if after else {}))
        assert page.status_code == 200, page.content
        seen += page.parsed.items
        after = page.parsed.next_after
        if after is None:
            return seen


def test_generated_clients_keep_the_complaints_in_step(node_tools, make_app, tmp_path):
    app = make_app("hunan")
    people = kit.people(app, division="430100", experts=0)
    document = _write_document(app, tmp_path / "openapi.json")
    program = _typescript_program(node_tools, document, tmp_path / "ts")
    py = _python_client(document, tmp_path / "python")
    api = lambda op: importlib.import_module(f"{py.__name__}.api.management_api.{op}")  # noqa: E731
    models = importlib.import_module(f"{py.__name__}.models")
    with app.app_context():
        from core.extensions import db
        from core.models import EvaluatorFirm

        firm_uscc = db.session.get(EvaluatorFirm, people.firm_id).uscc

    with serving(app) as base:
        # a member of the public files three complaints on three days (no token), through the generated client
        public = py.Client(base_url=base)
        ids = []
        for day in (2, 3, 4):
            with kit.at(bj(2026, 3, day)):
                filed = api("post_complaints").sync_detailed(client=public, body=models.ComplaintCreate(
                    subject_uscc=firm_uscc, complainant_name="张建华", complainant_contact="13800000000",
                    content=f"评价报告数据与现场不符（3月{day}日）", evidence_note="现场照片", admin_unit=people.unit_code))
                assert filed.status_code == 201, filed.content
                ids.append(filed.parsed.id)

        # the city's OA system, in Python: a full fetch, then a 304 while nothing changed
        with kit.at(bj(2026, 3, 10)):
            issued = importlib.import_module(f"{py.__name__}.api.accounts_api.post_tokens").sync_detailed(
                client=public, body=models.TokenRequest(username=people.usernames["city"], password=kit.PASSWORD,
                                                        name="OA sync", minutes=1440))
            assert issued.status_code == 201, issued.content
            city = py.AuthenticatedClient(base_url=base, token=issued.parsed.token)
            listing = api("get_complaints")
            full = _walk(listing, city, limit=2)
            assert [(c.id, c.status.value, c.updated_at.isoformat()) for c in full] == [
                (ids[n], "received", f"2026-03-0{day}T02:00:00+00:00") for n, day in enumerate((2, 3, 4))]
            first = listing.sync_detailed(client=city)
            etag = first.headers["ETag"]
            assert listing.sync_detailed(client=city, if_none_match=etag).status_code == 304
        started = bj(2026, 3, 10)  # kept by the client for its next run
        with kit.at(bj(2026, 3, 10, 15)):  # the city dismisses the second complaint
            verified = api("post_complaint_verify").sync_detailed(ids[1], client=city, body=models.ComplaintVerify(
                outcome=models.ComplaintVerifyOutcome.DISMISSED, finding="核查不属实"))
            assert verified.status_code == 200, verified.content
        with kit.at(bj(2026, 3, 10, 16)):
            assert listing.sync_detailed(client=city, if_none_match=etag).status_code == 200
            changed = _walk(listing, city, updated_since=started)
            assert [(c.id, c.status.value, c.updated_at.isoformat()) for c in changed] == [
                (ids[1], "dismissed", "2026-03-10T07:00:00+00:00")]
            by_change = _walk(listing, city, sort=models.GetComplaintsSort("-updated_at"), limit=1)
            assert [c.id for c in by_change] == [ids[1], ids[2], ids[0]]
            assert [c.id for c in _walk(listing, city, sort=models.GetComplaintsSort("-id"))] == ids[::-1]

        # the same journey in TypeScript, compiled by tsc --strict, run by node: it verifies the last complaint
        with kit.at(bj(2026, 3, 20)):
            ran = _run(["node", program, base, people.usernames["city"], kit.PASSWORD, "2026-03-20T10:00:00+08:00"],
                       program.parent, timeout=120)
    seen = json.loads(ran.stdout)
    assert [(c["id"], c["status"]) for c in seen["full"]] == [(ids[0], "received"), (ids[1], "dismissed"),
                                                             (ids[2], "received")]
    assert (seen["not_modified"], seen["after_change"]) == (304, 200)
    assert seen["verified"] == {"id": ids[2], "status": "dismissed", "updated_at": "2026-03-20T02:00:00+00:00"}
    assert seen["changed"] == [seen["verified"]]
    assert seen["sorted"] == [ids[2], ids[1], ids[0]]
