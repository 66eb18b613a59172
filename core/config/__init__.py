"""Core configuration: the defaults of every declared ``GREENMFG_*`` setting (core/config/declaration.py) and
Flask's own keys. No secrets here.

Precedence, highest first: ``create_app(config=...)``, environment variables (every
``GREENMFG_<KEY>``, with ``GREENMFG_DATABASE_URL`` and ``GREENMFG_SECRET_KEY`` standing for
``SQLALCHEMY_DATABASE_URI`` and ``SECRET_KEY``, and any ``FLASK_<KEY>``), the instance folder's
``config.py``, region plugin defaults, these.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import orjson


from core.config.declaration import BY_NAME, SETTINGS, Setting  # noqa: F401  (Setting: for readers)


def _copy(value: Any) -> Any:
    """A fresh copy of a mutable default, so one app's changes never reach another's."""
    return json.loads(json.dumps(value)) if isinstance(value, (list, dict)) else value


#: Flask's own keys this platform sets, then every declared ``GREENMFG_*`` configuration key with its default
#: (core/config/declaration.py is the one place a setting and its default are written)
FLASK_DEFAULTS = {
    "BABEL_DEFAULT_LOCALE": "zh",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
    "LANGUAGES": ["zh", "en"],
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
}
#: environment variables that stand for another configuration key (read as plain text)
ENV_KEYS = {
    "GREENMFG_DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "GREENMFG_SECRET_KEY": "SECRET_KEY",
}
#: ``GREENMFG_`` variables that are not configuration (where the instance lives; test settings)
NOT_CONFIG = frozenset(s.name for s in SETTINGS if s.kind != "config")
DEFAULTS: dict[str, Any] = {
    **FLASK_DEFAULTS,
    **{s.name: _copy(s.default) for s in SETTINGS if s.kind == "config" and s.name not in ENV_KEYS},
}


def setting(name: str, config: Mapping[str, Any] | None = None) -> Any:
    """A declared setting's value: from ``config`` (default: the current app's), else its declared default.

    :raises KeyError: ``name`` is not declared (declare it in core/config/declaration.py).
    """
    declared = BY_NAME[name]
    if config is None:
        from flask import current_app

        config = current_app.config
    return config.get(name, declared.default)


def from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """The configuration the environment sets: every non-empty ``GREENMFG_<KEY>`` variable.

    Values are read as JSON when they parse (``true``, ``30``, ``["a", "b"]``, ``{"shanxi": "..."}``),
    else as text (``hubei``, ``redis://127.0.0.1:6379/3``); the two keys of :data:`ENV_KEYS` always as text.
    """
    out: dict[str, Any] = {}
    for name, raw in environ.items():
        if not name.startswith("GREENMFG_") or name in NOT_CONFIG or raw == "":
            continue
        if name in ENV_KEYS:
            out[ENV_KEYS[name]] = raw
            continue
        try:
            out[name] = json.loads(raw)
        except ValueError:
            out[name] = raw
    return out


def engine_options(config: Mapping[str, Any]) -> dict[str, Any]:
    """SQLAlchemy engine options with the connect and statement timeouts of ``config``."""
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    url = str(config.get("SQLALCHEMY_DATABASE_URI") or "")
    connect = float(config.get("GREENMFG_DB_CONNECT_TIMEOUT") or 5)
    args = dict(options.get("connect_args") or {})
    if url.startswith("postgresql"):
        args.setdefault("connect_timeout", max(1, int(round(connect))))
        statement_ms = int(float(config.get("GREENMFG_DB_STATEMENT_TIMEOUT") or 0) * 1000)
        if statement_ms and "options" not in args:
            args["options"] = f"-c statement_timeout={statement_ms}"
        # a peer that stops acknowledging (a cable pulled, a host gone) is noticed in seconds, not hours
        args.setdefault("keepalives", 1)
        args.setdefault("keepalives_idle", 10)
        args.setdefault("keepalives_interval", 3)
        args.setdefault("keepalives_count", 3)
        args.setdefault("tcp_user_timeout", int(float(config.get("GREENMFG_DB_CLIENT_TIMEOUT") or 9) * 1000))
        options.setdefault("pool_timeout", connect)  # waiting for a free connection of the pool
        options["pool_pre_ping"] = False  # core.kernel.db_deadline pings with a deadline (SQLAlchemy's has none)
    elif url.startswith("sqlite"):
        args.setdefault("timeout", connect)  # waiting for another writer's lock
    options["connect_args"] = args
    # JSON columns (extension data, audit data) read with orjson: 3-5x json.loads on a 10,000-row export
    options.setdefault("json_deserializer", orjson.loads)
    options.setdefault("json_serializer", json_text)
    return options


_JSON_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def json_text(value: Any) -> str:
    """A JSON column's value as the text written: what ``json.dumps`` accepts, in a sixth of its time (orjson;
    W4, a summary import writes some 6,000 JSON values). Keys that are numbers become strings, as with
    ``json``; what orjson would write but ``json`` refuses (a time, a dataclass) is refused, and what only
    ``json`` writes (an integer beyond 64 bits) is written by ``json``. The text is compact UTF-8, where
    ``json.dumps`` wrote ``", "`` and ``\\uXXXX``: both read back the same."""
    try:
        return orjson.dumps(value, option=_JSON_OPTIONS).decode()
    except TypeError:  # orjson.JSONEncodeError: json says whether the value can be written at all
        return json.dumps(value, ensure_ascii=False)


class ConfigurationError(RuntimeError):
    """The configuration cannot run an instance (a production setting is missing)."""


def production_problems(config: Mapping[str, Any], secret_given: bool, authority: str) -> list[str]:
    """What a production instance (``GREENMFG_PRODUCTION``) lacks, in Chinese and English."""
    problems = []
    if str(config.get("GREENMFG_TRAINING")).lower() in {"1", "true", "yes", "on"}:
        problems.append("生产实例不能以培训模式运行，其时钟不能调整 / GREENMFG_TRAINING is set: a production instance "
                        "cannot be a training instance (its clock is never moved); unset it, or start a separate "
                        "training instance without GREENMFG_PRODUCTION")
    if not config.get("GREENMFG_HTTPS"):
        problems.append("未启用 HTTPS / GREENMFG_HTTPS is not set (serve the instance over HTTPS)")
    if not secret_given:
        problems.append("未配置会话密钥 / SECRET_KEY (GREENMFG_SECRET_KEY) is not configured")
    if authority != "national" and not (config.get("GREENMFG_RECOMMENDATION_KEY_FILE")
                                        or config.get("GREENMFG_RECOMMENDATION_KEY")):
        problems.append("未配置推荐文件签名密钥 / GREENMFG_RECOMMENDATION_KEY_FILE is not configured "
                        "(create it with `greenmfg keys generate`)")
    if str(config.get("GREENMFG_JOBS_BACKEND") or "auto").lower() == "thread":
        problems.append("生产模式不使用进程内任务 / GREENMFG_JOBS_BACKEND=thread is for the demo; production runs "
                        "jobs on Redis with `greenmfg worker`")
    return problems
