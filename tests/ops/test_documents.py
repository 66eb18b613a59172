"""The README is for people (issue 44): at most 250 lines, the two commands first, every document it names
exists; docs/operations.md covers what an operator needs; `greenmfg --version` is greenmfg's."""
from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from core.cli import cli

ROOT = Path(__file__).parents[2]


def test_the_readme_is_short_starts_with_the_two_commands_and_links_what_exists():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 250
    first_block = re.search(r"```sh\n(.*?)```", text, re.S).group(1)
    assert "bash scripts/demo" in first_block and "bash scripts/test" in first_block
    assert (ROOT / "scripts" / "demo").exists() and (ROOT / "scripts" / "test").exists()
    for link in re.findall(r"\]\(((?:docs/)[^)#]+)\)", text):
        assert (ROOT / link).exists(), link
    assert "Test suite:" in text


def test_operations_covers_backups_upgrades_services_logs_probes_keys_and_outages():
    text = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    headings = set(re.findall(r"^## (.+)$", text, re.M))
    assert {"Services", "Logs", "Health probes", "Back-up", "Restore", "Upgrade",
            "Rotating the province's signing key", "When the database or Redis is down"} <= headings
    for needed in ("pg_dump", "pg_restore", "greenmfg-web.service", "greenmfg-worker.service", "/readyz",
                   "greenmfg db downgrade", "What Redis holds", "keys revoke", "journalctl"):
        assert needed in text, needed


def test_version_is_greenmfgs():
    answer = CliRunner().invoke(cli, ["--version"])
    assert answer.exit_code == 0 and re.fullmatch(r"greenmfg \S+\n", answer.output), answer.output
    assert "Flask" not in answer.output
