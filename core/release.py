"""What a release is: the package's version (its metadata, setup.cfg ``version``) and the migration head its
code brings (issue 56). ``greenmfg --version`` prints both; CHANGELOG.md says what changed in each release."""
from __future__ import annotations

from pathlib import Path

MIGRATIONS = Path(__file__).parent / "migrations"


def version() -> str:
    """The installed package's version, from its metadata; ``unknown`` in a checkout never installed."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("greenmfg")
    except PackageNotFoundError:
        return "unknown"


def migration_heads() -> list[str]:
    """The revisions this code migrates a database to (one, unless two branches were never merged)."""
    from alembic.script import ScriptDirectory

    return sorted(ScriptDirectory(str(MIGRATIONS)).get_heads())


def describe() -> str:
    """``greenmfg 0.9.0 (migrations 0042_year_free_steps)``."""
    return f"greenmfg {version()} (migrations {', '.join(migration_heads())})"
