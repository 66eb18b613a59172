"""Settings declared once (issue 44): every ``GREENMFG_*`` name the code in core/ and plugins/ reads is in
core/config/declaration.py; ``greenmfg config list --format json`` names exactly those (and the test suite's
own); the defaults the features still keep beside their readers agree with the declaration;
docs/configuration.md is the generated list; ``greenmfg config check`` refuses a misspelt or mistyped
setting before a start."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from core.cli import cli
from core.cli.ops_cmd import settings_markdown
from core.config import DEFAULTS
from core.config.declaration import BY_NAME, PREFIXES, SETTINGS

ROOT = Path(__file__).parents[2]
NAME = re.compile(r"GREENMFG_[A-Z0-9_]*[A-Z0-9]\b")


def names_read_in_code() -> dict[str, str]:
    """Every GREENMFG_* name in core/ and plugins/ (code, comments and messages alike), with a file naming it."""
    found: dict[str, str] = {}
    for folder in ("core", "plugins"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path == ROOT / "core" / "config" / "declaration.py":
                continue
            for name in NAME.findall(path.read_text(encoding="utf-8")):
                found.setdefault(name, str(path.relative_to(ROOT)))
    return found


def test_every_setting_the_code_reads_is_declared():
    missing = {name: where for name, where in names_read_in_code().items()
               if name not in BY_NAME and not name.startswith(PREFIXES + ("GREENMFG_TEST_",))}
    assert not missing, f"declare these in core/config/declaration.py: {missing}"


def test_config_list_json_names_every_setting_the_code_reads():
    answer = CliRunner().invoke(cli, ["config", "list", "--format", "json"])
    assert answer.exit_code == 0, answer.output
    listed = {entry["name"]: entry for entry in json.loads(answer.output)}
    read = set(names_read_in_code())
    assert read <= set(listed), sorted(read - set(listed))
    assert set(listed) - read == {s.name for s in SETTINGS if s.kind == "test"}  # nothing declared and unread
    for entry in listed.values():
        assert entry["type"] and entry["component"] and len(entry["description"]) > 5, entry


def test_the_defaults_kept_beside_the_readers_agree_with_the_declaration():
    from core import jobs, notifications, ratelimit, storage
    from core.api import validation
    from core.applications import evidence, pdfcheck
    from core.management import CONFIG_DEFAULTS as management_defaults

    kept = {**jobs.CONFIG_DEFAULTS, **notifications.CONFIG_DEFAULTS, **ratelimit.DEFAULTS,
            **storage.CONFIG_DEFAULTS, **validation.DEFAULTS, **management_defaults,
            "GREENMFG_EVIDENCE_MAX_BYTES": evidence.DEFAULT_MAX_BYTES,
            "GREENMFG_PDF_CHECK_CPU_SECONDS": pdfcheck.CPU_SECONDS,
            "GREENMFG_PDF_CHECK_SECONDS": pdfcheck.WALL_SECONDS}
    for name, value in kept.items():
        declared = BY_NAME[name].default
        norm = (lambda v: list(v) if isinstance(v, tuple) else v)
        assert norm(value) == norm(declared), f"{name}: kept {value!r}, declared {declared!r}"
    for setting in SETTINGS:
        if setting.kind == "config" and setting.name not in ("GREENMFG_DATABASE_URL", "GREENMFG_SECRET_KEY"):
            assert setting.name in DEFAULTS


def test_an_app_starts_with_every_declared_default(app):
    for setting in SETTINGS:
        if setting.kind == "config" and setting.name not in ("GREENMFG_DATABASE_URL", "GREENMFG_SECRET_KEY"):
            assert setting.name in app.config


def test_docs_configuration_is_generated_from_the_declaration():
    doc = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert doc == settings_markdown(), "regenerate: greenmfg config list --format markdown > docs/configuration.md"
    for setting in SETTINGS:
        assert f"`{setting.name}`" in doc


def _check(tmp_path, **env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("GREENMFG_")}
    base.update({"PYTHONPATH": str(ROOT), "GREENMFG_INSTANCE_PATH": str(tmp_path / "instance"),
                 "GREENMFG_JOBS_BACKEND": "thread", "GREENMFG_PAGE_CACHE": "off", **env})
    return subprocess.run([sys.executable, "-c", "from core.cli import main; main()", "config", "check"],
                          env=base, cwd=tmp_path, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize(("env", "said"), [
    ({"GREENMFG_REGOIN": "hubei"}, "did you mean GREENMFG_REGION"),
    ({"GREENMFG_SMTP_PORT": "twenty-five"}, "GREENMFG_SMTP_PORT: 应为 int / should be int"),
    ({"GREENMFG_LOG_FORMAT": "xml"}, "should be one of plain, json"),
    ({"GREENMFG_REGION": "atlantis"}, "atlantis"),
    ({"GREENMFG_PRODUCTION": "true"}, "GREENMFG_HTTPS is not set"),
])
def test_config_check_refuses_what_would_fail_or_be_ignored_at_start(tmp_path, env, said):
    done = _check(tmp_path, **env)
    assert done.returncode == 1 and said in done.stderr, done.stderr[-2000:]


def test_config_check_passes_a_valid_environment(tmp_path):
    done = _check(tmp_path, GREENMFG_REGION="hubei", GREENMFG_SMTP_PORT="587", GREENMFG_LOG_FORMAT="json")
    assert done.returncode == 0 and "configuration valid: 6 settings set" in done.stdout, done.stderr[-2000:]
