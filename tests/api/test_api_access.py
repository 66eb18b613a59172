"""The JSON API decides access through the permission registry (issue 45): what an instance withholds from a
role (core.kernel.permissions.withheld) is refused by the API too, where the API used to compare the user's role
itself (``user.role != Role.ADMIN``) and so kept granting it."""
from __future__ import annotations

import pytest

import api_kit as kit


@pytest.fixture
def world(make_app):
    from core.accounts import services as accounts
    from core.extensions import db
    from core.models import User

    app = make_app("hunan")
    people = kit.people(app, division="430100", experts=0)
    with app.app_context():
        people.tokens = {role: accounts.create_token(db.session.get(User, people.user_ids[role]), "access")[0]
                         for role in ("admin", "province")}
        db.session.commit()
    return app, people


def _as(people, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {people.tokens[role]}"}


def test_the_accounts_list_follows_the_registry(world):
    from core.kernel.permissions import withheld

    app, people = world
    client = app.test_client()
    assert client.get("/api/v1/users", headers=_as(people, "admin")).status_code == 200
    # province staff look after applicant, city, expert and evaluator accounts (issue 48: as on the web)
    listed = client.get("/api/v1/users", headers=_as(people, "province")).get_json()["items"]
    assert {u["role"] for u in listed} == {"applicant", "city", "evaluator"}
    withheld(app, "province", ["accounts.manage.city"])
    listed = client.get("/api/v1/users", headers=_as(people, "province")).get_json()["items"]
    assert {u["role"] for u in listed} == {"applicant", "evaluator"}
    withheld(app, "admin", [f"accounts.manage.{role}" for role in
                            ("applicant", "city", "expert", "evaluator", "province", "ministry", "admin")])
    refused = client.get("/api/v1/users", headers=_as(people, "admin"))
    assert refused.status_code == 403 and refused.get_json()["message_en"] == "Your role looks after no accounts."
    assert "管理" in refused.get_json()["message_zh"]


def test_units_and_calendar_follow_the_registry(world):
    from core.kernel.permissions import withheld

    app, people = world
    client = app.test_client()
    admin = _as(people, "admin")
    day = client.put("/api/v1/holidays/2025-10-11", headers=admin, json={"is_workday": True, "name": "国庆调休"})
    assert day.status_code == 200
    withheld(app, "admin", ["admin.holidays"])
    assert client.put("/api/v1/holidays/2025-10-11", headers=admin, json={"is_workday": False}).status_code == 403
    assert client.delete("/api/v1/holidays/2025-10-11", headers=admin).status_code == 403
    withheld(app, "admin", ["admin.units"])
    added = client.post("/api/v1/admin-units", headers=admin,
                        json={"code": "hunan.liuyang", "name": "浏阳市", "kind": "省直管试点县"})
    assert added.status_code == 403
    assert client.get("/api/v1/admin-units").status_code == 200  # reading stays public
