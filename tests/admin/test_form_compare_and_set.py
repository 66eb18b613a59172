"""Issue 55: a web form's version field is a compare-and-set, not only a comparison.

Issue 48 compared the version a page was opened on with the record as read at the start of the save; a save that
another officer committed after that read and before this one's write was silently overwritten. Now the save
requires the version it compared (``UPDATE ... WHERE id = ? AND version = ?``, core.api.etags.claim_form): the
competing save is made exactly in that gap here, and the late save is refused (409) with what was typed kept and
the saved value beside it; nothing of the competitor's is lost."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

import factories
from core.extensions import db
from core.models import EvaluatorFirm

pytestmark = pytest.mark.both_databases


def test_a_save_made_between_the_check_and_the_write_is_not_overwritten(world, browser, monkeypatch):
    from core.api import etags
    from core.review import evaluators

    app, code = world["app"], factories.uscc(779)
    officer = browser("admin1")
    assert officer.post("/admin/firms", {"uscc": code, "name": "潇湘评价有限公司", "legal_representative": "周明"}
                        ).status_code == 302
    with app.app_context():
        firm_id = db.session.scalar(select(EvaluatorFirm.id).where(EvaluatorFirm.uscc == code))
    url = f"/admin/firms/{firm_id}"
    opened = re.search(r'name="etag" value="([0-9a-f]+)"', officer.get(url).get_data(as_text=True)).group(1)

    checked, original = [], etags.stale_form

    def check_then_someone_saves(saved):
        stale = original(saved)
        if not checked:  # right after this save's check: another officer's save commits (its own session)
            checked.append(stale)
            with app.app_context():
                evaluators.update_firm("other", db.session.get(EvaluatorFirm, firm_id), legal_representative="李华")
                db.session.commit()
        return stale

    monkeypatch.setattr(etags, "stale_form", check_then_someone_saves)
    r = officer.post(f"{url}?lang=zh", {"name": "潇湘评价有限公司", "legal_representative": "王强", "etag": opened})
    assert checked == [False]  # the page's version was current when compared
    assert r.status_code == 409
    html = r.get_data(as_text=True)
    assert 'value="王强"' in html and "李华" in html[html.index('id="conflicts"'):]
    with app.app_context():
        assert db.session.get(EvaluatorFirm, firm_id).legal_representative == "李华"
