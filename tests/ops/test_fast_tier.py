"""The fast tier (`bash scripts/test --fast`, README): the tests a developer runs between edits, without the browser
journeys, schemathesis, the crawl, the LibreOffice renders, gunicorn, the demo builds and the slow package builds;
the README gives both tiers."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tiers import HEAVY_FILES, heavy

ROOT = Path(__file__).parents[2]


def _collected(*args: str) -> list[str]:
    run = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    return [line for line in run.stdout.splitlines() if "::" in line]


def test_fast_leaves_out_the_heavy_files_and_keeps_the_rest():
    fast = _collected("--fast", "tests/e2e/test_browser.py", "tests/web/test_plain_language.py",
                      "tests/kit/test_contract_catches.py", "tests/kit/test_field_declaration.py",
                      "tests/core/test_hook_examples.py", "tests/core/test_limits.py")
    files = {nodeid.split("::")[0] for nodeid in fast}
    assert files == {"tests/kit/test_field_declaration.py", "tests/core/test_hook_examples.py",
                     "tests/core/test_limits.py"}, files
    limits = [nodeid for nodeid in fast if nodeid.startswith("tests/core/test_limits.py")]
    assert limits and all("postgresql" in nodeid for nodeid in limits)  # both_databases: PostgreSQL only
    # without --fast every file runs, the marked-slow test too
    everything = {nodeid.split("::")[0] for nodeid in _collected("tests/e2e/test_browser.py",
                                                                   "tests/kit/test_contract_catches.py")}
    assert everything == {"tests/e2e/test_browser.py", "tests/kit/test_contract_catches.py"}


def test_every_heavy_file_exists_and_the_rules_read_paths_as_written():
    for prefix in HEAVY_FILES:
        assert (ROOT / "tests" / prefix).exists(), prefix
    assert heavy("tests/e2e/test_round_walk.py::test_x", slow=False)
    assert heavy("tests/api/test_schemathesis.py::test_x[postgresql]", slow=False)
    assert not heavy("tests/api/test_schemathesis_kit.py::test_x", slow=False)
    assert heavy("tests/core/test_cli.py::test_x", slow=True) and not heavy("tests/core/test_cli.py::test_x", slow=False)
    # a test marked both_databases keeps its PostgreSQL run
    assert heavy("tests/core/test_limits.py::test_x[sqlite]", False, "sqlite")
    assert not heavy("tests/core/test_limits.py::test_x[postgresql]", False, "postgresql")


def test_the_readme_gives_both_tiers_with_their_times():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "bash scripts/test --fast" in text
    fast = re.search(r"`bash scripts/test --fast`[^\n]*(?:\n[^\n]+)*", text).group(0)
    assert re.search(r"\d+ min \d+ s|\d+ s\b", fast), "the README gives the fast tier's measured time"
