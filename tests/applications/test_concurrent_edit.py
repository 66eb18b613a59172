"""Two clerks of one enterprise edit its draft at once (issue 48): the edit page carries the version it shows as a
hidden field; a save made on an older version saves nothing, says in Chinese or English that someone else changed
the application, shows the saved values that differ, and keeps every value the clerk typed.

The form is Hunan's provincial factory form (seed ../shared/seeds/000_5ae1342e00264ea1.txt, 附件1 基本情况表: 联系人,
联系电话)."""
from __future__ import annotations

import re

import pytest
from app_world import build_world, open_campaign, start_draft


@pytest.fixture
def world(make_app):
    app = make_app("hunan", WTF_CSRF_ENABLED=False)
    world = build_world(app)
    world.campaign_id = open_campaign(app, level="provincial", unit_types=("factory",))
    world.app_id = start_draft(world, world.campaign_id)
    return world


def _tag(html: str) -> str:
    found = re.findall(r'<input type="hidden" name="etag" value="([0-9a-f]+)">', html)
    assert len(found) == 1, "the edit form carries its version once"
    return found[0]


def _saved(world):
    from core.extensions import db
    from core.models import Application

    with world.app.app_context():
        a = db.session.get(Application, world.app_id)
        return a.contact_name, a.contact_phone


def test_the_second_save_on_an_old_version_is_refused_and_keeps_what_was_typed(world):
    url = f"/applications/{world.app_id}/edit"
    first, second = world.client("applicant_changsha"), world.client("applicant_changsha")
    opened_first = _tag(first.get(url).get_data(as_text=True))
    opened_second = _tag(second.get(url).get_data(as_text=True))
    assert opened_first == opened_second
    r = first.post(url, data={"contact_name": "刘晓燕", "contact_phone": "0731-85556666", "etag": opened_first})
    assert r.status_code == 302
    assert _tag(first.get(url).get_data(as_text=True)) != opened_first  # the saved draft is a new version

    # the second clerk saves what they typed on the page opened before: nothing is saved, nothing is lost
    typed = {"contact_name": "王芳", "contact_phone": "0731-85557777", "ext_hunan__main_business": "锂电池正极材料"}
    r = second.post(url, data={**typed, "etag": opened_second})
    assert r.status_code == 409
    html = r.get_data(as_text=True)
    assert "其他人" in html and "未保存" in html
    assert 'value="王芳"' in html and 'value="0731-85557777"' in html and "锂电池正极材料" in html
    conflicts = html[html.index('id="conflicts"'):html.index('id="application-form"')]
    assert "刘晓燕" in conflicts and "0731-85556666" in conflicts
    assert _saved(world) == ("刘晓燕", "0731-85556666")
    # the page now carries the saved version: saving again (having seen it) replaces it with the clerk's values
    r = second.post(url, data={**typed, "etag": _tag(html)})
    assert r.status_code == 302 and _saved(world) == ("王芳", "0731-85557777")


def test_the_refusal_speaks_english_to_an_english_page(world):
    url = f"/applications/{world.app_id}/edit"
    ent = world.client("applicant_changsha")
    stale = _tag(ent.get(url).get_data(as_text=True))
    assert ent.post(url, data={"contact_name": "刘晓燕", "etag": stale}).status_code == 302
    r = ent.post(f"{url}?lang=en", data={"contact_name": "王芳", "etag": stale})
    assert r.status_code == 409, r.get_data(as_text=True)[-3000:]
    html = r.get_data(as_text=True)
    assert "Someone else saved this application after you opened it" in html and 'value="王芳"' in html
    assert "The saved version now reads" in html
