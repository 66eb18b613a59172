"""Flask extensions, created unbound and initialised in :func:`core.app.create_app`."""
from pathlib import Path

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
MIGRATIONS_DIR = str(Path(__file__).parent / "migrations")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def init_migrate(app: Flask) -> None:
    """Flask-Migrate on ``app`` with the project's migrations (``flask_migrate.upgrade()`` and the ``db``
    commands then work in its app context). Called only by what migrates (the ``db`` commands, ``greenmfg
    demo``, the tests' template databases): a web worker never imports alembic (11 MB a process)."""
    from flask_migrate import Migrate

    if "migrate" not in app.extensions:
        Migrate(app, db, directory=MIGRATIONS_DIR, render_as_batch=True)


db = SQLAlchemy(model_class=Base)
csrf = CSRFProtect()
babel = Babel()
login_manager = LoginManager()
