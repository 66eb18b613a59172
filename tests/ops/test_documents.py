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


def test_version_is_greenmfgs_from_the_package_metadata_with_the_migration_head():
    from importlib.metadata import version

    answer = CliRunner().invoke(cli, ["--version"])
    assert answer.exit_code == 0, answer.output
    heads = sorted(p.stem for p in (ROOT / "core" / "migrations" / "versions").glob("0*.py"))
    # the package's own version (setup.cfg, as installed) and the newest migration file's revision
    assert answer.output == f"greenmfg {version('greenmfg')} (migrations {heads[-1]})\n", answer.output
    assert version("greenmfg") != "0.1.0" and "Flask" not in answer.output


def test_the_changelog_has_this_releases_entry_for_deployers():
    from importlib.metadata import version

    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    entry = re.search(rf"^## {re.escape(version('greenmfg'))}\b.*?(?=^## |\Z)", text, re.M | re.S)
    assert entry, f"CHANGELOG.md has no entry for {version('greenmfg')}"
    body = entry.group(0)
    for part in ("### Changed", "### Migrations", "### Settings", "### Upgrade notes"):
        assert part in body, part
    heads = sorted(p.stem for p in (ROOT / "core" / "migrations" / "versions").glob("0*.py"))
    assert heads[-1] in body  # the migration head this release brings


def test_the_guides_command_table_names_every_command_of_the_cli():
    """docs/guide.md's *Command line* table names every command and subcommand `greenmfg --help` lists (but Flask's
    `routes` and `shell`, and Flask-Migrate's commands for developers)."""
    import click

    text = (ROOT / "docs" / "guide.md").read_text(encoding="utf-8")
    table = re.search(r"^## Command line\n(.*?)^## ", text, re.M | re.S).group(1)
    rows = [line for line in table.splitlines() if line.startswith("| `greenmfg")]
    context = click.Context(cli)
    missing = []
    for name in click.Group.list_commands(cli, context):  # click's own: Flask's would build an app
        if name in ("routes", "shell"):
            continue
        command = click.Group.get_command(cli, context, name)
        subcommands = list(command.commands) if isinstance(command, click.Group) else []
        if name == "db":
            subcommands = ["upgrade", "downgrade", "current"]
        mine = [row for row in rows if f"`greenmfg {name}" in row]
        if not mine:
            missing.append(name)
        for sub in subcommands:
            if not any(f"`greenmfg {name} {sub}" in row or f"`{name} {sub}" in row for row in mine):
                missing.append(f"{name} {sub}")
    assert missing == [], f"docs/guide.md's command table lacks: {', '.join(missing)}"
