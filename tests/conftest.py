"""Test fixtures: the database tests run on PostgreSQL, the production database, and those whose SQL differs
between the two databases on SQLite as well.

``database_url`` is PostgreSQL for every test; a test file marked ``both_databases`` (row locks and counters,
upserts and bulk writes, keyset paging, JSON and dates as stored, migrations, statement counts, the round walks
and the SQLite demo's own tests) gets a SQLite run too (:func:`pytest_generate_tests`). PostgreSQL tests use a
throwaway database per worker, created on the server at ``GREENMFG_TEST_PG_URL`` (default: the local ``test``
database with trust auth), emptied before each test and dropped afterwards. Without a server they skip with the
reason; with ``CI`` set they fail instead, so CI can never pass without PostgreSQL.

What a test costs before its own work is kept small: the database is emptied by deleting rows (not truncating
46 tables), an app built for a region and configuration is kept for the worker's later tests (:class:`_KeptApps`),
passwords are hashed with argon2's cheapest settings (but in tests marked ``real_hashing``), and the browser and
LibreOffice start once (tests/e2e/conftest.py, tests/applications/test_summary_print.py).
"""
from __future__ import annotations

import gc
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from helpers import PgDatabase
from tiers import heavy

PG_URL = os.environ.get("GREENMFG_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
#: the test databases are named this plus a random suffix (two checkouts or CI jobs on one server keep apart)
DB_PREFIX = os.environ.get("GREENMFG_TEST_DB_PREFIX", "greenmfg_test_")
#: rate limits off: tests log in far more often than a person (tests/core/test_rate_limits.py turns them on);
#: no second factor required of staff (tests/accounts/test_mfa.py requires it)
BASE_CONFIG = {"SECRET_KEY": "test-secret", "TESTING": True, "GREENMFG_RULES_YEAR": 2025,
               "GREENMFG_RATELIMIT_ENABLED": False, "GREENMFG_RATELIMIT_STORAGE": "memory://",
               "GREENMFG_MFA_ROLES": [],
               # jobs run in threads of the test process (tests/jobs start real Redis workers themselves); no
               # scheduler thread: an app made with TESTING=False would otherwise run the hourly due work
               # (overdue filings → removal proposals) on the database of every later test
               "GREENMFG_JOBS_BACKEND": "thread", "GREENMFG_JOBS_EMBEDDED_SCHEDULER": False}
#: ``GREENMFG_TEST_PAGE_CACHE=1`` runs every test with the list pages kept in Redis (core/web/pagecache.py), in a
#: Redis database per xdist worker (8, 9, ...) emptied before each test: a test that then fails where it passes
#: without it found a page kept past a change it shows
KEEP_PAGES = os.environ.get("GREENMFG_TEST_PAGE_CACHE") == "1"


def _migrate(url: str) -> None:
    from flask_migrate import upgrade

    from core import create_app
    from core.extensions import init_migrate

    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    init_migrate(app)
    with app.app_context():
        upgrade()
        from core.extensions import db

        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sqlite") / "template.sqlite3"
    _migrate(f"sqlite:///{path}")
    return path


def _throwaway_database(admin: sa.Engine, suffix: str = "") -> Iterator[PgDatabase]:
    """A migrated PostgreSQL database of its own, dropped afterwards."""
    name = f"{DB_PREFIX}{uuid.uuid4().hex[:10]}{suffix}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        # a throwaway database: a commit need not wait for its WAL to reach the disk (a crash loses the last
        # commits, never consistency); the tests commit thousands of times
        conn.execute(sa.text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    url = sa.engine.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    try:
        _migrate(url)
        db = PgDatabase(url)
        yield db
        db.engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[sa.Engine]:
    """The server's administrative connection (skips, or fails under CI, without a server)."""
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool,
                             connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        reason = f"no PostgreSQL server at {PG_URL} ({type(exc.orig).__name__}); set GREENMFG_TEST_PG_URL"
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the PostgreSQL tests: {reason}")
        pytest.skip(reason)
    yield admin
    admin.dispose()


@pytest.fixture(scope="session")
def pg_database(pg_admin) -> Iterator[PgDatabase]:
    """The worker's PostgreSQL test database, migrated once, emptied before each test (``database_url``)."""
    yield from _throwaway_database(pg_admin)


@pytest.fixture(scope="session")
def pg_national_url(pg_admin, pg_database) -> Iterator[PgDatabase]:
    """A second migrated PostgreSQL database for the worker (the province's is ``pg_database``): the national
    (ministry) instance that imports a province's file; emptied by each test that uses it (:func:`national_url`)."""
    yield from _throwaway_database(pg_admin, "_national")


def _fresh_sqlite(path: Path, template: Path) -> str:
    """The URL of ``path``, the migrated template copied over it afresh (with no journal left from before)."""
    for leftover in (path.with_name(path.name + "-journal"), path.with_name(path.name + "-wal"),
                     path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    shutil.copy(template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def national_url(database_url, request, tmp_path_factory) -> Iterator[str]:
    """An empty migrated database for a national instance, on the back end of ``database_url``: the worker's
    second SQLite file copied afresh from the template, or its second PostgreSQL database emptied (one URL per
    worker, so the national apps built on it are kept like the others)."""
    if database_url.startswith("sqlite"):
        yield _fresh_sqlite(tmp_path_factory.getbasetemp() / "national.sqlite3",
                            request.getfixturevalue("sqlite_template"))
        return
    national: PgDatabase = request.getfixturevalue("pg_national_url")
    national.reset()
    yield national.url


def _kept_pages_redis() -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return f"redis://127.0.0.1:6379/{8 + int(worker.removeprefix('gw') or 0) % 8}"


#: the test files whose tests run on both databases (``pytestmark = pytest.mark.both_databases``); the others
#: run on PostgreSQL, the production database. See :func:`pytest_generate_tests`.
BOTH = ("sqlite", "postgresql")


def pytest_configure(config):
    # names the run for the folder its workers share (tests/helpers.py demo_dir); set here, in the controller,
    # before xdist starts the workers, which inherit it
    os.environ.setdefault("GREENMFG_TEST_RUN", uuid.uuid4().hex[:12])
    # an app a test builds without its own instance folder writes there (the audit's verification and anchors, a
    # secret key), never into the checkout's ./instance (issue 56)
    import tempfile

    os.environ.setdefault("GREENMFG_INSTANCE_PATH", tempfile.mkdtemp(prefix="greenmfg-test-instance-"))
    config.addinivalue_line("markers", "both_databases: run this test's database on SQLite as well as PostgreSQL "
                                       "(its SQL differs between them: locking, JSON, dates, bulk writes, the demo)")
    config.addinivalue_line("markers", "real_hashing: passwords hashed with the production argon2 parameters")
    config.addinivalue_line("markers", "own_app: the test changes its app (adds routes...): make_app builds it afresh "
                                       "and keeps it for no other test")


#: the files that take longest on the 2-core machine (``GREENMFG_TEST_LOG``, summed per file), longest first: they
#: are handed out first (scripts/test runs xdist with ``--no-loadscope-reorder``), so no worker ends the run alone
#: on one of them while the other is idle; the other files follow, those with more tests first
SLOW_FILES = ("e2e/test_round_walk.py", "api/test_schemathesis.py", "web/test_plain_language.py",
              "e2e/test_phone_axe.py", "ops/test_documented_blocks.py", "e2e/test_clerk_traps_walk.py",
              "review/test_evaluator_caps.py", "api/test_if_match_race.py", "core/test_demo_data.py",
              "perf/test_crawl_statements.py", "core/test_cli.py", "applications/test_summary_print.py",
              "api/test_api_citations.py", "web/test_menus_by_role.py", "perf/test_statement_counts.py",
              "api/test_generated_client.py", "security/test_stalled_database.py",
              "applications/test_summary_pdf_job.py", "api/test_generated_clients.py", "e2e/test_next_year_notice.py",
              "core/test_limits.py", "kit/test_contract_catches.py", "ops/test_deployment.py",
              "applications/test_summary_statements.py")


def pytest_addoption(parser):
    parser.addoption("--fast", action="store_true", default=False,
                     help="the fast tier: leave out the browser journeys, schemathesis, the crawl, the renders, "
                          "gunicorn, the demo builds, the slow tests and the SQLite runs (tests/tiers.py)")


def pytest_collection_modifyitems(config, items):
    def file_of(item) -> str:
        return item.nodeid.split("::", 1)[0].removeprefix("tests/")

    if config.getoption("--fast"):
        left_out = [item for item in items if heavy(item.nodeid, item.get_closest_marker("slow") is not None,
                                                    getattr(item, "callspec", None) and item.callspec.params.get(
                                                        "database_url"))]
        if left_out:
            config.hook.pytest_deselected(items=left_out)
            dropped = set(map(id, left_out))
            items[:] = [item for item in items if id(item) not in dropped]

    counts: dict[str, int] = {}
    for item in items:
        counts[file_of(item)] = counts.get(file_of(item), 0) + 1

    def weight(item) -> tuple[int, int, str]:
        name = file_of(item)
        return (SLOW_FILES.index(name) if name in SLOW_FILES else len(SLOW_FILES), -counts[name], name)

    items.sort(key=weight)  # stable: a file's tests keep their order


def pytest_generate_tests(metafunc):
    """``database_url`` is PostgreSQL, the production database; tests marked ``both_databases`` (the SQL that
    differs between the two: row locks, upserts, bulk writes, JSON, dates, the SQLite demo) run on SQLite too."""
    if "database_url" in metafunc.fixturenames:
        both = metafunc.definition.get_closest_marker("both_databases") is not None
        metafunc.parametrize("database_url", BOTH if both else ("postgresql",), indirect=True)


@pytest.fixture
def database_url(request, tmp_path_factory) -> Iterator[str]:
    """A migrated, empty database: the worker's SQLite file copied afresh from the template, or the worker's
    PostgreSQL test database emptied. One URL per back end and worker, so the apps built on it can be kept."""
    if KEEP_PAGES:
        import redis

        redis.Redis.from_url(_kept_pages_redis()).flushdb()
    if request.param == "sqlite":
        yield _fresh_sqlite(tmp_path_factory.getbasetemp() / "worker.sqlite3",
                            request.getfixturevalue("sqlite_template"))
    else:
        pg: PgDatabase = request.getfixturevalue("pg_database")
        pg.reset()
        yield pg.url


class _KeptApps:
    """Apps kept for the worker's later tests: building one costs 0.25-0.4 s of CPU (262 URL rules, the API's
    schemas), and most tests ask for the same few (a region on the worker's database with the test
    configuration). An app goes back only as it was built: a test that changed its configuration, its extensions
    or its plugins throws it away; what a request leaves behind (remembered reads, login-failure counters) is
    dropped when the test ends."""

    #: about 2.5 MiB an app; a worker's run asks for some 100 different apps (regions, settings, databases), and
    #: 16 kept made tests/lists alone build 54 apps for 35 settings
    LIMIT = 96
    #: settings the app reads at each use, with their value when not given: the folders (core.storage.store,
    #: core.services.audit_chain; usually the test's own ``tmp_path``) and whether forms ask for the CSRF token
    #: (Flask-WTF reads it at each request and form). Not part of the key: a kept app is given the test's values
    #: when it is taken
    PER_TEST = {"GREENMFG_EVIDENCE_DIR": None, "GREENMFG_AUDIT_ANCHOR_DIR": None, "WTF_CSRF_ENABLED": True}
    #: extensions that follow a per-test folder (the local file store is made anew when the folder changes)
    FOLLOWS_FOLDERS = ("greenmfg_store",)

    def __init__(self) -> None:
        self.apps: dict[str, tuple[Any, tuple]] = {}

    @classmethod
    def key(cls, config: dict[str, Any]) -> str | None:
        plain = (str, int, float, bool, type(None))
        if all(isinstance(v, plain) or (isinstance(v, (list, tuple)) and all(isinstance(i, plain) for i in v))
               for v in config.values()):
            return repr(sorted((k, v) for k, v in config.items() if k not in cls.PER_TEST))
        return None  # a plugin object, a callable: this test's own app

    @classmethod
    def point(cls, app, config: dict[str, Any]) -> None:
        """The test's own values of the :data:`PER_TEST` settings (or what an app built without them has)."""
        for name, default in cls.PER_TEST.items():
            app.config[name] = config.get(name, default)

    @classmethod
    def state(cls, app) -> tuple:
        extensions = tuple(sorted((k, type(v).__name__ if k in cls.FOLLOWS_FOLDERS else id(v),
                                   dict(v) if isinstance(v, dict) else _withheld(v))
                                  for k, v in app.extensions.items()))
        plugins = tuple(sorted(name for name, _ in app.extensions["greenmfg"].pm.list_name_plugin()))
        config = sorted((k, v) for k, v in app.config.items() if k not in cls.PER_TEST)
        return repr(config), extensions, plugins

    def take(self, key: str):
        kept = self.apps.pop(key, None)
        if kept is None:
            return None
        self.apps[key] = kept  # most recently used last
        return kept[0]

    def keep(self, key: str, app) -> None:
        self.apps[key] = (app, self.state(app))
        while len(self.apps) > self.LIMIT:
            old_key = next(iter(self.apps))
            self.drop(old_key)

    def give_back(self, key: str, app, built: frozenset) -> None:
        """The test is over: clear what requests left, and throw the app away if the test changed it."""
        for name in set(app.extensions) - built:
            del app.extensions[name]
        for limits in (app.extensions.get("greenmfg_login_failures"), app.extensions.get("greenmfg_limits")):
            if limits is not None:  # counters in this process's memory start again
                limits.storage, limits.shared = None, None
        if key in self.apps and self.state(app) != self.apps[key][1]:
            self.drop(key)

    def drop(self, key: str) -> None:
        app, _ = self.apps.pop(key)
        _dispose(app)


def _withheld(extension: Any) -> Any:
    """What a permission registry withholds (a test's ``withheld(app, ...)`` changes the app: it is not kept)."""
    withheld = getattr(extension, "_withheld", None)
    return dict(withheld) if isinstance(withheld, dict) else None


_KEPT = _KeptApps()


def _dispose(app) -> None:
    from core.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def make_app(database_url, request) -> Iterator[Callable[..., Any]]:
    """An app on the test database: ``make_app(region="hubei", **config)``; the same region and configuration
    on the same database give the app an earlier test built (:class:`_KeptApps`)."""
    from core import create_app

    used: list[tuple[str | None, Any, frozenset]] = []

    def factory(region: str = "national", **config: Any):
        kept = {"GREENMFG_PAGE_CACHE": "redis", "GREENMFG_REDIS_URL": _kept_pages_redis()} if KEEP_PAGES else {}
        settings = {**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, "GREENMFG_REGION": region,
                    **kept, **config}
        key = None if request.node.get_closest_marker("own_app") else _KEPT.key(settings)
        app = _KEPT.take(key) if key else None
        if app is None:
            app = create_app(settings)
            if key:
                _KEPT.keep(key, app)
                # the kept app (and the modules, collected tests and apps before it) out of the collector's
                # sight: a full collection (core.services.memory.trim after an export) scanned them all, 1.5 s
                # each on a loaded worker, and every automatic one of the oldest generation too
                gc.freeze()
        else:
            _KEPT.point(app, settings)
        used.append((key, app, frozenset(app.extensions)))
        return app

    yield factory
    from core.jobs.schedule import stop_embedded

    for key, app, built in used:
        stop_embedded(app)  # a test that turned the scheduler on ends it with the test
        jobs = app.extensions.get("greenmfg_jobs")
        if getattr(jobs, "kind", None) == "thread":  # background work (notification deliveries) ends with its test,
            try:                                     # never holding locks into the next test's reset
                jobs.wait(30)
            except TimeoutError:
                pass
        _dispose(app)  # no connection outlives the test: the next one empties (or replaces) the database
        if key:
            _KEPT.give_back(key, app, built)


@pytest.fixture(scope="session", autouse=True)
def cheap_hashes():
    """Passwords hashed with argon2's cheapest settings (accounts are made and signed in by the dozen); tests
    marked ``real_hashing`` use the production parameters (tests/core/test_password_hashing.py)."""
    from helpers import cheap_hashing

    with cheap_hashing():
        yield


@pytest.fixture(autouse=True)
def _real_hashing(request):
    if request.node.get_closest_marker("real_hashing") is None:
        yield
        return
    from core.services import passwords

    cheap, passwords._hasher = passwords._hasher, None  # made with the production parameters at first use
    try:
        yield
    finally:
        passwords._hasher = cheap


@pytest.fixture
def app(make_app, request):
    marker = request.node.get_closest_marker("region")
    app = make_app(marker.args[0] if marker else "national")
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


#: ``GREENMFG_TEST_LOG=path`` appends one line per test phase as it ends (worker, outcome, seconds, test id), so a
#: run cut short (a CI time limit) still tells where its time went and what failed
TEST_LOG = os.environ.get("GREENMFG_TEST_LOG")


def pytest_runtest_logreport(report):
    if getattr(report, "node", None) is not None:
        return  # the xdist controller hears every worker's report again
    if TEST_LOG:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        with open(TEST_LOG, "a", encoding="utf-8") as log:
            log.write(f"{worker}\t{report.when}\t{report.outcome}\t{report.duration:.2f}\t{report.nodeid}\n")


def pytest_sessionfinish(session):
    """The run's demo copies (tests/helpers.py :class:`DemoCopies`) go when the run ends: in the controller of an
    xdist run, after every worker is done, or in the only process."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        from helpers import demo_dir

        shutil.rmtree(demo_dir(), ignore_errors=True)
