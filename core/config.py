"""Core configuration defaults (``GREENMFG_*`` and Flask's own keys). No secrets here.

Precedence, highest first: ``create_app(config=...)``, environment variables
(``GREENMFG_REGION``, ``GREENMFG_DATABASE_URL``, ``GREENMFG_SECRET_KEY`` and any
``FLASK_<KEY>``), the instance folder's ``config.py``, region plugin defaults, these.
"""

DEFAULTS = {
    "GREENMFG_REGION": "national",
    #: extra plugin modules to register, as "name=module.path" strings
    "GREENMFG_EXTRA_PLUGINS": [],
    #: the year used to validate year-dependent rules at start-up (default: this year)
    "GREENMFG_RULES_YEAR": None,
    "GREENMFG_TIMEZONE": "Asia/Shanghai",
    #: log every hook call and its answer (logger "greenmfg.hooks", DEBUG) for debugging a plugin
    "GREENMFG_TRACE_HOOKS": False,
    "BABEL_DEFAULT_LOCALE": "zh",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
    "LANGUAGES": ["zh", "en"],
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
}

#: environment variables read directly (besides FLASK_* prefixed ones)
ENV_KEYS = {
    "GREENMFG_REGION": "GREENMFG_REGION",
    "GREENMFG_DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "GREENMFG_SECRET_KEY": "SECRET_KEY",
    "GREENMFG_TRACE_HOOKS": "GREENMFG_TRACE_HOOKS",
}
