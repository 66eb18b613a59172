"""Issue 58: rate-limit and deprecation headers on the API's answers (core.api.policy_headers).

Asking for a token is counted against the log-in allowance (``GREENMFG_RATELIMIT_LOGIN``, here 3 a minute and 5 an
hour): each answer says how many are left in the tightest window, the refused fourth too, beside Retry-After. A
collection read with the deprecated ``page`` or ``per_page`` is answered with ``Deprecation``, ``Sunset`` and a
``Link`` to the documentation; read by its cursor it carries none of them."""
from __future__ import annotations

import datetime as dt
from email.utils import parsedate_to_datetime

import pytest

import api_kit as kit


def test_each_counted_answer_says_where_the_caller_stands(make_app):
    app = make_app("hunan", GREENMFG_RATELIMIT_ENABLED=True, GREENMFG_RATELIMIT_LOGIN="3 per minute;5 per hour")
    people = kit.people(app, division="430100", experts=0)
    client, seen = app.test_client(), []
    for _ in range(4):
        answer = client.post("/api/v1/tokens", json={"username": people.usernames["applicant"],
                                                     "password": kit.PASSWORD})
        seen.append((answer.status_code, answer.headers.get("RateLimit-Limit"),
                     answer.headers.get("RateLimit-Remaining"), answer.headers.get("RateLimit-Policy")))
        reset = int(answer.headers["RateLimit-Reset"])
        assert 0 <= reset <= 60
    assert seen == [(201, "3", "2", "3;w=60, 5;w=3600"), (201, "3", "1", "3;w=60, 5;w=3600"),
                    (201, "3", "0", "3;w=60, 5;w=3600"), (429, "3", "0", "3;w=60, 5;w=3600")]
    assert int(answer.headers["Retry-After"]) >= 1
    # a read counted against nothing carries none
    assert "RateLimit-Limit" not in client.get("/api/v1/rules").headers


@pytest.mark.parametrize("path, query", [("/api/v1/applications", {"page": "1"}),
                                         ("/api/v1/applications", {"per_page": "20"}),
                                         ("/api/v1/users", {"page": "2"})])
def test_a_deprecated_parameter_is_answered_with_its_sunset(make_app, path, query):
    from core.accounts import services as accounts
    from core.extensions import db
    from core.models import User

    app = make_app("hunan")
    people = kit.people(app, division="430100", experts=0)
    with app.app_context():
        token, _ = accounts.create_token(db.session.get(User, people.user_ids["admin"]), "issue 58")
        db.session.commit()
    client, bearer = app.test_client(), {"Authorization": f"Bearer {token}"}
    old = client.get(path, headers=bearer, query_string=query)
    assert old.status_code == 200, old.get_json()
    assert old.headers["Deprecation"] == f"@{int(dt.datetime(2026, 11, 25, tzinfo=dt.UTC).timestamp())}"
    assert parsedate_to_datetime(old.headers["Sunset"]) == dt.datetime(2027, 5, 31, tzinfo=dt.UTC)
    assert '</api/docs>; rel="deprecation"; type="text/html"' in old.headers.getlist("Link")
    new = client.get(path, headers=bearer, query_string={"limit": "20"})
    assert new.status_code == 200 and "Deprecation" not in new.headers and "Sunset" not in new.headers


def test_the_document_declares_the_headers_where_they_are_sent():
    from core import create_app

    app = create_app({"SECRET_KEY": "t", "TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "GREENMFG_REGION": "hunan", "GREENMFG_RULES_YEAR": 2025, "GREENMFG_RATELIMIT_STORAGE": "memory://"})
    doc = kit.served_document(app)
    counted = sorted(f"{method} {path}" for path, item in doc["paths"].items() for method, op in item.items()
                     if method != "parameters" and "RateLimit-Remaining" in next(a for s, a in op["responses"].items() if s.startswith("2")
                                                      ).get("headers", {}))
    assert counted == ["post /api/v1/management/complaints", "post /api/v1/me/password",
                       "post /api/v1/notices/{notice_id}/objections", "post /api/v1/tokens"], counted
    retiring = sorted(path for path, item in doc["paths"].items()
                      if "Sunset" in item.get("get", {}).get("responses", {}).get("200", {}).get("headers", {}))
    assert retiring == ["/api/v1/applications", "/api/v1/users"]
    assert "Retry-After" in doc["components"]["responses"]["TOO_MANY_REQUESTS"]["headers"]
