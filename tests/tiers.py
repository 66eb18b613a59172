"""The test tiers: `bash scripts/test` runs everything (as CI does); `bash scripts/test --fast` (README) leaves
out what :func:`heavy` names (tests/conftest.py deselects it)."""
from __future__ import annotations

#: what ``--fast`` (``bash scripts/test --fast``, the tier a developer runs between edits) leaves out: the browser
#: journeys (e2e/), schemathesis, the plain-language crawl, the LibreOffice renders, the runs under gunicorn or a
#: worker cluster, the demo builds, the tests marked ``slow`` (they build packages) and the SQLite runs of the
#: tests marked ``both_databases`` (their PostgreSQL runs stay); CI runs everything
HEAVY_FILES = ("e2e/", "api/test_schemathesis.py", "web/test_plain_language.py",
               "applications/test_summary_pdf_job.py", "applications/test_summary_print.py",
               "applications/test_jiangxi_print_titles.py", "jobs/test_cluster.py", "jobs/test_big_import.py",
               "ops/test_deployment.py", "ops/test_documented_blocks.py",
               "security/test_killed_at_commit.py", "security/test_races_over_http.py",
               "security/test_stalled_database.py", "web/test_page_cache.py", "api/test_if_match_race.py",
               "api/test_generated_clients.py",
               "core/test_demo_data.py", "core/test_demo_ladder.py", "core/test_demo_walkable.py",
               "core/test_demo_walk_hunan_jiangxi.py",
               # a real OpenID provider (node) and chromium (issue 60)
               "oidc/")


def heavy(nodeid: str, slow: bool, database: str | None = None) -> bool:
    """Whether ``--fast`` leaves the test out (``database``: its ``database_url`` parameter, if any)."""
    name = nodeid.split("::", 1)[0].removeprefix("tests/")
    return slow or database == "sqlite" or any(name.startswith(prefix) if prefix.endswith("/") else name == prefix
                                               for prefix in HEAVY_FILES)
