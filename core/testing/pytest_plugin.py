"""pytest plugin for region-plugin authors: app, client and rules fixtures on a fresh database.

Loaded automatically through the ``pytest11`` entry point ``greenmfg`` wherever greenmfg is
installed; no ``conftest.py`` is needed. Every fixture is prefixed ``greenmfg_`` so it never
shadows a project's own ``app`` or ``client``.

* ``greenmfg_make_app(region=..., **config)``: a greenmfg app on a freshly migrated SQLite
  database in the test's ``tmp_path`` (migrated once per session with Flask-Migrate, then
  copied), with its instance folder in ``tmp_path`` too.
* ``greenmfg_app``: one app for the region named by ``@pytest.mark.greenmfg_region("hunan")``
  (default ``national``), with an app context pushed; ``greenmfg_client``: its test client.
* ``greenmfg_rules(region, year)``: the validated :class:`~core.plugins.rules.RegionRules` of
  a region, without an app (pure rule tests).

Entry-point autoloading is never used to pick a region: the region is always named.
This module imports greenmfg lazily, so loading the plugin costs nothing in test runs that
do not use it.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

#: configuration every kit app starts from; a test's own keys win
#: rate limits off: a test suite logs in far more often than a person would
BASE_CONFIG: dict[str, Any] = {"SECRET_KEY": "greenmfg-test-secret", "TESTING": True, "GREENMFG_RULES_YEAR": 2025,
                               "GREENMFG_RATELIMIT_ENABLED": False}
MARKER = "greenmfg_region"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{MARKER}(code): region of the greenmfg_app / greenmfg_make_app fixtures (default national)"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the contract tests a RegionContract subclass lists in ``expected_failures`` as strict xfail.

    Strict: once the plugin is fixed the test passes, the run fails, and the entry must go.
    """
    checked: set[type] = set()
    for item in items:
        cls = getattr(item, "cls", None)
        if cls is None or not getattr(cls, "_greenmfg_region_contract", False):
            continue
        failures = getattr(cls, "expected_failures", None) or {}
        if cls not in checked:
            checked.add(cls)
            unknown = sorted(name for name in failures if not callable(getattr(cls, name, None)))
            if unknown:
                raise pytest.UsageError(f"{cls.__name__}.expected_failures names no contract test: {unknown}")
        name = getattr(item, "originalname", None) or item.name
        if name in failures:
            item.add_marker(pytest.mark.xfail(reason=failures[name], strict=True))


def migrate_database(url: str) -> None:
    """Create greenmfg's schema at ``url`` with the project's Alembic migrations (``flask db upgrade``)."""
    from flask_migrate import upgrade

    from core import create_app
    from core.extensions import db, init_migrate

    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url, "GREENMFG_REGION": "national",
                      "GREENMFG_EXTRA_PLUGINS": []})
    init_migrate(app)
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def greenmfg_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite database, made once per session; tests get copies."""
    path = tmp_path_factory.mktemp("greenmfg-db") / "template.sqlite3"
    migrate_database(f"sqlite:///{path}")
    return path


@pytest.fixture
def greenmfg_database_url(greenmfg_sqlite_template: Path, tmp_path: Path) -> str:
    """A fresh, migrated, empty SQLite database in ``tmp_path``."""
    path = tmp_path / "greenmfg.sqlite3"
    shutil.copy(greenmfg_sqlite_template, path)
    return f"sqlite:///{path}"


def _marked_region(request: pytest.FixtureRequest) -> str:
    marker = request.node.get_closest_marker(MARKER)
    return marker.args[0] if marker and marker.args else "national"


@pytest.fixture
def greenmfg_make_app(greenmfg_database_url: str, tmp_path: Path, request: pytest.FixtureRequest,
                      monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Any]]:
    """Build apps on the test's database: ``greenmfg_make_app(region="hunan", **config)``.

    ``region`` defaults to the ``greenmfg_region`` marker, else ``national``. Extra plugins go
    in ``GREENMFG_EXTRA_PLUGINS=[("name", obj)]``.
    """
    from core import create_app
    from core.extensions import db

    monkeypatch.setenv("GREENMFG_INSTANCE_PATH", str(tmp_path / "instance"))
    apps = []

    def factory(region: str | None = None, **config: Any):
        app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": greenmfg_database_url,
                          "GREENMFG_REGION": region or _marked_region(request), **config})
        apps.append(app)
        return app

    yield factory
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def greenmfg_app(greenmfg_make_app: Callable[..., Any]) -> Iterator[Any]:
    """The app of the marked region (``@pytest.mark.greenmfg_region("hunan")``) in an app context."""
    app = greenmfg_make_app()
    with app.app_context():
        yield app


@pytest.fixture
def greenmfg_client(greenmfg_app: Any) -> Any:
    return greenmfg_app.test_client()


@pytest.fixture
def greenmfg_rules() -> Callable[..., Any]:
    """``greenmfg_rules(region, year=2025, extra_plugins=())``: validated rules, no app, no database."""

    def factory(region: str = "national", year: int = 2025, extra_plugins=()):
        from core.plugins.manager import build_plugin_manager
        from core.plugins.rules import RegionRules

        rules = RegionRules(build_plugin_manager(region, extra_plugins))
        rules.validate(year)
        return rules

    return factory
