"""Issue 57, W1: the libraries' floor of a page (bench/floor_app.py, ``bench/bench_pages.py --floor --gunicorn
--libraries``) makes the page's own statements and template through Flask-SQLAlchemy, Flask-Login, Flask-Babel
and Flask-WTF, and the product's form through WTForms' widgets, so the bench measures what these libraries cost a
page beside what the product's own code adds."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests" / "web"))

from floor_app import _form_controls, capture, create_libraries_floor, floor_path  # noqa: E402


def test_the_first_form_that_posts_is_read_control_by_control():
    html = ('<form method="post" action="/logout"><input type="hidden" name="csrf_token" value="x">'
            '<button type="submit">Log out</button></form>'
            '<form method="get"><input name="q"></form>'
            '<form method="post" class="form"><input id="csrf_token" name="csrf_token" type="hidden" value="t">'
            '<select id="level" name="level"><option value="a">A</option><option value="b">B</option></select>'
            '<input id="year" name="year" type="number" value="2026"><textarea name="reason"></textarea>'
            '<ul><li><input name="ids" type="checkbox" value="1"></li><li><input name="ids" type="checkbox" '
            'value="2"></li><li><input name="ids" type="checkbox" value="3"></li></ul>'
            '<input name="agree" type="checkbox" value="y"><input name="file" type="file">'
            '<button type="submit">Go</button></form>')
    start, end, controls = _form_controls(html)
    assert controls == [("level", "select", 2), ("year", "number", 1), ("reason", "textarea", 1),
                        ("ids", "checkboxes", 3), ("agree", "checkboxes", 1), ("file", "file", 1)]
    assert html[start:end].startswith('<input id="csrf_token"') and html[end:].startswith("</form>")
    assert _form_controls('<form method="post"><button>Log out</button></form>') is None


@pytest.fixture
def world(make_app, cheap_hashes):
    from home_world import seed

    app = make_app("hubei")
    return app, seed(app)


def _signed_in(app, username: str):
    from home_world import PASSWORD

    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    answer = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    assert answer.status_code == 302, answer.get_data(as_text=True)[:300]
    return client


def test_the_province_notices_page_is_made_through_the_libraries_with_its_form_in_wtforms_widgets(world):
    from home_world import USERS

    app, _ = world
    client = _signed_in(app, USERS["province"])
    spec = capture(app, client, "/province/notices", {}, "cookie")
    floor = create_libraries_floor(app.config["SQLALCHEMY_DATABASE_URI"], app.config["SECRET_KEY"], [spec])
    visitor = floor.test_client()
    assert visitor.get(floor_path(0, spec.path)).status_code == 401  # no session: Flask-Login finds no one

    signed = floor.test_client()
    signed.set_cookie(app.config["SESSION_COOKIE_NAME"], client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value)
    answer = signed.get(floor_path(0, spec.path))
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    page = answer.get_data(as_text=True)
    # the product's form, control by control, now written by WTForms' widgets (labels "Field n"), with a token of
    # Flask-WTF's; the page around it is the product's page as captured
    controls = _form_controls(spec.template)[2]
    assert [name for name, *_ in controls][:4] == ["level", "year", "starts_on", "start_reason"]
    for i, (name, _kind, _options) in enumerate(controls, 1):
        assert f'<label for="{name}">Field {i}</label>' in page
        assert f'name="{name}"' in page
    assert re.search(r'<input id="csrf_token" name="csrf_token" type="hidden" value="[^"]+">', page)
    assert 'id="manage-notices"' in page
