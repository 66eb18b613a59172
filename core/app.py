"""The application factory."""
from __future__ import annotations

import functools
import logging
import os
import secrets
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any, Mapping

import pluggy
from babel import Locale
from flask import Flask, has_request_context, request
from flask_login import current_user
from sqlalchemy import event
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header
from sqlalchemy.engine import Engine

from core import config as core_config, i18n, jobs, ratelimit, storage
from core.services import memory
from core.storage import staging
from core.extensions import babel, csrf, db, login_manager
from core.kernel import uow
from core.clock import install as note_arrivals, this_year
from core.plugins.errors import PolicyViolation
from core.plugins.lifecycle import implementations
from core.plugins.manager import build_plugin_manager
from core.plugins.rules import RegionRules
from core.web.json_answers import OrjsonProvider


@dataclass(frozen=True)
class Greenmfg:
    """What ``app.extensions["greenmfg"]`` holds for one instance."""

    pm: pluggy.PluginManager
    rules: RegionRules


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build a greenmfg instance.

    :param config: overrides applied last (tests pass ``SQLALCHEMY_DATABASE_URI``,
        ``GREENMFG_REGION``...).
    :raises core.plugins.UnknownRegion: the configured region is not installed;
        the message lists the installed ones.
    :raises core.plugins.PluginError: a plugin broke the contract (clashing codes,
        a cap above the national one...); the message names the plugin.
    """
    instance_path = str(instance_folder())
    app = Flask("core", instance_path=instance_path, instance_relative_config=True)
    app.json = OrjsonProvider(app)  # JSON answers written by orjson (core.web.json_answers)
    app.config.update(core_config.DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(core_config.from_environment(os.environ))
    app.config.from_prefixed_env()
    app.config.update(config or {})
    secret_given = bool(app.config.get("SECRET_KEY"))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.setdefault(
        "SQLALCHEMY_DATABASE_URI", f"sqlite:///{Path(app.instance_path) / 'greenmfg.sqlite3'}"
    )
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = core_config.engine_options(app.config)
    from core import logs  # issue 44: one logging set-up for web, worker and command line

    logs.init_app(app)

    if str(app.config.get("GREENMFG_TRACE_HOOKS")).lower() in {"1", "true", "yes", "on"}:
        _trace_hooks()
    region = app.config["GREENMFG_REGION"]
    extra = [_load_extra(spec) for spec in app.config["GREENMFG_EXTRA_PLUGINS"]]
    pm = build_plugin_manager(region, extra)
    _apply_plugin_defaults(app, pm, region)
    rules = RegionRules(pm, settings=app.config)  # the deployer's values where documents leave them open
    with app.app_context():  # plugins may read their (prefixed) config while answering
        rules.validate(app.config["GREENMFG_RULES_YEAR"] or this_year())
    app.extensions["greenmfg"] = Greenmfg(pm=pm, rules=rules)
    from core.services import signing  # issue 22: a configured signing key must load, or the start stops

    try:
        signing.load_configured(app.config)
    except signing.KeyProblem as exc:
        raise core_config.ConfigurationError(str(exc)) from None
    if app.config.get("GREENMFG_PRODUCTION"):
        problems = core_config.production_problems(app.config, secret_given, rules.region.authority)
        if problems:
            raise core_config.ConfigurationError(
                "生产模式无法启动 / production mode cannot start: " + "; ".join(problems))
    from core.accounts.sessions import apply_cookie_settings

    apply_cookie_settings(app)

    db.init_app(app)
    uow.init_app(app)  # issue 23: a transaction that only read ends with a COMMIT (keeps prepared statements)
    storage.init_app(app)  # issue 22: the file store (local folder or S3-compatible)
    staging.install()  # its writes follow the database transaction
    memory.init_app(app)  # issue 23: a worker gives back the memory of a large export or import
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    i18n.init_app(app)
    login_manager.init_app(app)

    from core import models  # noqa: F401  (register the tables)
    from core.api import init_api
    from core.security import init_security
    from core.web import NAV as web_nav, bp as web_bp
    from core.web.nav import register as register_nav

    app.register_blueprint(web_bp)
    register_nav(app, *web_nav)
    from core.web import static_versions

    static_versions.init_app(app)  # style sheets and scripts kept by the browser, addressed by their content
    from core.web import pagecache

    with app.app_context():  # issue 23: list pages kept in Redis until the data they show changes
        pagecache.init_app(app, db.engine)
        from core.kernel import db_deadline

        db_deadline.install(db.engine, app.config)  # issue 47: no wait on a stalled database outlasts 10 s
        from core.kernel import forks

        forks.install(db.engine)  # issue 57: a forked worker (gunicorn --preload, a job's work horse) opens its own
    from core import accounts, applications
    from core.accounts.permissions import PERMISSIONS as accounts_permissions
    from core.admin.access import PERMISSIONS as admin_permissions
    from core.kernel import permissions
    from core.lists.access import PERMISSIONS as lists_permissions
    from core.management.access import PERMISSIONS as management_permissions
    from core.review.access import PERMISSIONS as review_permissions

    # issue 22: the one permission registry, filled by every feature for this app only
    permissions.init_app(app, accounts_permissions, review_permissions, management_permissions, admin_permissions,
                         lists_permissions)
    accounts.init_app(app)
    applications.init_app(app)
    from core import lists, review  # issue 5: review, notices, lists, recommendation

    review.init_app(app)
    lists.init_app(app)
    from core import management  # issue 6: listed units over the years

    management.init_app(app)
    from core import admin  # issue 20: administrators' and officers' screens

    admin.init_app(app)
    # issue 22: the features' background jobs (each registered beside its services), then the job system
    import core.applications.jobs  # noqa: F401
    import core.lists.jobs  # noqa: F401
    import core.management.jobs  # noqa: F401
    import core.scoring.jobs  # noqa: F401
    from core import notifications  # issue 20: inbox, e-mail and SMS, from the audit log

    notifications.init_app(app)
    from core import webhooks  # issue 58: other systems subscribe to the platform's events

    webhooks.init_app(app)
    jobs.init_app(app)
    _register_apis(app, init_api(app))
    init_security(app)
    ratelimit.init_app(app)
    from core import health  # issue 44: /healthz and /readyz for a load balancer

    health.init_app(app)
    note_arrivals(app)  # issue 46: a deadline is judged by when a request arrived (the outermost WSGI layer)
    memory.settle(app)  # issue 46: what the start made is left out of the collector's full passes
    return app


def instance_folder() -> Path:
    """The instance folder: ``GREENMFG_INSTANCE_PATH``, else ``./instance`` of the working directory."""
    return Path(os.environ.get("GREENMFG_INSTANCE_PATH") or "instance").resolve()


def _register_apis(app: Flask, api) -> None:
    """Each feature's part of the JSON API, in the order of the OpenAPI document."""
    from core.accounts.api import register_api as accounts_api
    from core.admin.api import register_api as instance_api
    from core.applications.api import register_api as applications_api
    from core.jobs.api import register_api as jobs_api
    from core.lists.api import register_api as lists_api
    from core.management.api import register_api as management_api
    from core.notifications.api import register_api as notifications_api
    from core.review.api import register_api as review_api
    from core.webhooks.api import register_api as webhooks_api

    applications_api(api, app)
    review_api(api, app)
    lists_api(api, app)
    management_api(api, app)
    accounts_api(api)
    notifications_api(api)
    jobs_api(api)
    instance_api(api)
    webhooks_api(api)


def _trace_hooks() -> None:
    """Log every hook call and answer to stderr (GREENMFG_TRACE_HOOKS=1)."""
    logger = logging.getLogger("greenmfg.hooks")
    logger.setLevel(logging.DEBUG)
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("hook: %(message)s"))
        logger.addHandler(handler)


def _instance_secret(instance: Path) -> str:
    """A per-instance secret kept in the instance folder (set GREENMFG_SECRET_KEY in production)."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _load_extra(spec: str | tuple[str, object]) -> tuple[str, object]:
    if isinstance(spec, tuple):
        return spec
    name, _, module = spec.partition("=")
    return name, import_module(module)


def _apply_plugin_defaults(app: Flask, pm: pluggy.PluginManager, region: str) -> None:
    for impl in implementations(pm, "gm_setup_config_defaults"):
        prefix = impl.plugin_name.upper() + "_"
        for key, value in (impl.function() or {}).items():
            if not key.startswith(prefix):
                raise PolicyViolation(
                    f"gm_setup_config_defaults: plugin {impl.plugin_name!r} key {key!r} must start with {prefix!r}"
                )
            app.config.setdefault(key, value)


def _select_locale() -> Locale:
    """The page language: ``?lang=``, the ``lang`` cookie, the account's, the browser's, else the first (also
    outside a request, where no ``force_locale`` names one: a job, the command line, a service called by a test)."""
    languages = app_languages()
    if not has_request_context():
        return _locale(languages[0])
    chosen = request.args.get("lang") or request.cookies.get("lang")
    if chosen not in languages:
        user = current_user._get_current_object()
        if getattr(user, "is_authenticated", False) and user.locale in languages:
            chosen = user.locale
        else:
            chosen = _browser_choice(request.headers.get("Accept-Language", ""), tuple(languages))
    return _locale(chosen)


@functools.lru_cache(maxsize=256)
def _browser_choice(header: str, languages: tuple[str, ...]) -> str:
    """The best of ``languages`` for an ``Accept-Language`` header, else the first (browsers send
    a handful of distinct headers, each parsed once)."""
    return parse_accept_header(header, LanguageAccept).best_match(languages) or languages[0]


@functools.lru_cache(maxsize=32)
def _locale(code: str) -> Locale:
    """Parsed once per process (Flask-Babel would parse the selector's string on every request)."""
    return Locale.parse(code)


def app_languages() -> list[str]:
    from flask import current_app

    return current_app.config["LANGUAGES"]


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()
