"""A request whose transaction only read ends with a COMMIT, any other with the rollback it always had
(core/kernel/uow.py, issue 23 W1). On PostgreSQL this keeps the statements a page runs again and again prepared
on their connection (psycopg forgets them at every ROLLBACK), so the server stops planning them."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import abort

from core.extensions import db
from core.kernel import changes
from core.models import AdminUnit

#: SQL that differs between the two databases (tests/conftest.py BOTH): run on SQLite too
pytestmark = [pytest.mark.both_databases, pytest.mark.own_app]  # the tests add routes to their app


def _app_with_routes(make_app):
    app = make_app("hunan")
    with app.app_context():
        db.session.add(AdminUnit(region="hunan", code="hunan.test", name="测试市", kind="市", source="test"))
        db.session.commit()

    def unit():
        return db.session.scalars(sa.select(AdminUnit).where(AdminUnit.code == "hunan.test")).one()

    @app.get("/_test/read")
    def read():
        return {"name": unit().name}

    @app.get("/_test/no-statement")
    def no_statement():
        # as a request whose signed-in user is remembered (core/accounts/remembered.py attached): a record put
        # in the session without a statement, which begins the session's transaction but takes no connection
        from sqlalchemy.orm import make_transient_to_detached

        known = AdminUnit(id=10_000, region="hunan", code="hunan.known", name="已知市", kind="市", source="test")
        make_transient_to_detached(known)
        db.session.add(known)
        return {"name": known.name}

    @app.get("/_test/orm-write")
    def orm_write():
        unit().name = "改名市"
        db.session.flush()
        return {}

    @app.get("/_test/pending")
    def pending():
        unit().name = "未写市"  # changed, never flushed
        return {}

    @app.get("/_test/driver-write")
    def driver_write():
        connection = db.session.connection()
        changes.wrote(connection)  # as core.services.bulk_writes marks its COPY
        connection.execute(sa.text("UPDATE admin_unit SET name = '驱动市' WHERE code = 'hunan.test'"))
        return {}

    @app.get("/_test/write-then-fail")
    def write_then_fail():
        unit().name = "失败市"
        db.session.flush()
        abort(409)

    ends: list[str] = []
    with app.app_context():
        for name in ("commit", "rollback", "checkout"):
            target = db.engine.pool if name == "checkout" else db.engine
            sa.event.listen(target, name, lambda *args, name=name: ends.append(name))
    return app, ends


def _name(app) -> str:
    with app.app_context():
        return db.session.scalar(sa.select(AdminUnit.name).where(AdminUnit.code == "hunan.test"))


def test_a_request_that_only_read_ends_with_a_commit(make_app):
    app, ends = _app_with_routes(make_app)
    ends.clear()
    assert app.test_client().get("/_test/read").json == {"name": "测试市"}
    assert ends == ["checkout", "commit"]


def test_a_request_that_ran_no_statement_takes_no_connection_and_ends_nothing(make_app):
    """Issue 57 (W1): a request that ran no statement (its user remembered, a page not found) took a connection
    from the pool only to COMMIT an empty transaction: 11 % of a signed-in page not found."""
    app, ends = _app_with_routes(make_app)
    ends.clear()
    assert app.test_client().get("/_test/no-statement").json == {"name": "已知市"}
    assert ends == []
    # and the next request that reads still ends with its commit
    assert app.test_client().get("/_test/read").json == {"name": "测试市"}
    assert ends == ["checkout", "commit"]


@pytest.mark.parametrize("path", ["/_test/orm-write", "/_test/pending", "/_test/driver-write",
                                  "/_test/write-then-fail"])
def test_a_request_that_wrote_without_committing_still_writes_nothing(make_app, path):
    """A view that changed rows and did not commit (a bug, or a refusal answered as a page) loses the change,
    as it always did: only a transaction that wrote nothing is committed at the end."""
    app, ends = _app_with_routes(make_app)
    ends.clear()
    app.test_client().get(path)
    assert "commit" not in ends
    assert _name(app) == "测试市"


def test_statements_stay_prepared_between_requests_on_postgresql(make_app, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("prepared statements are PostgreSQL's (SQLite has no ROLLBACK that forgets them)")
    app, _ = _app_with_routes(make_app)
    client = app.test_client()
    for _ in range(8):
        client.get("/_test/read")
    with app.app_context():
        prepared = db.session.execute(sa.text(
            "SELECT generic_plans + custom_plans FROM pg_prepared_statements WHERE statement LIKE '%admin_unit%'"
        )).scalars().all()
    assert prepared and max(prepared) >= 3  # prepared at the 5th request, run again by the 6th to the 8th


def test_what_was_read_stays_readable_after_the_context_as_a_rollback_left_it(make_app):
    """A job's or a command's rows read in an app context are still read after it ends (the commit does not
    expire them, as the rollback did not)."""
    app, _ = _app_with_routes(make_app)
    with app.app_context():
        unit = db.session.scalars(sa.select(AdminUnit).where(AdminUnit.code == "hunan.test")).one()
    assert unit.name == "测试市"
