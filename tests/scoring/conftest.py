"""Fixtures for the scoring tests."""
import pytest

from core.extensions import db


@pytest.fixture
def scoring_db(app):
    """The migrated test database's session (the scoring tables come from migration 0002)."""
    yield db.session
    db.session.remove()
