"""Flask extensions, created unbound and initialised in :func:`core.app.create_app`."""
from typing import Any

from flask import Flask
from flask_babel import Babel
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Migrations:
    """Flask-Migrate for :func:`core.app.create_app`, imported (with alembic: 11 MB a process) only when
    something migrates: ``app.extensions["migrate"]`` builds Flask-Migrate's own on first use, so a web
    worker never loads it. The ``db`` commands are added by :mod:`core.cli`."""

    def init_app(self, app: Flask, db: SQLAlchemy, **kwargs: Any) -> None:
        app.extensions["migrate"] = _MigrateOnUse(db, kwargs)


class _MigrateOnUse:
    def __init__(self, db: SQLAlchemy, kwargs: dict[str, Any]):
        self._args = (db, kwargs)
        self._real = None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        if self._real is None:
            from flask_migrate import Migrate, _MigrateConfig

            db, kwargs = self._args
            migrate = Migrate(db=db, **kwargs)
            self._real = _MigrateConfig(migrate, db, **migrate.alembic_ctx_kwargs)
        return getattr(self._real, name)


db = SQLAlchemy(model_class=Base)
migrate = Migrations()
csrf = CSRFProtect()
babel = Babel()
login_manager = LoginManager()
