"""Two people of a listed unit fill in its annual filing at once (issue 48; the filing of
004_7a8ddd82f611ab67.txt 第二十二条): the page carries the version it shows as a hidden field, a save made on an
older version is refused with the saved values beside what was typed, and nothing typed is lost."""
from __future__ import annotations

import re

import pytest
from mgmt_world import factory_values, web
from sqlalchemy import select
from test_web_api_cli import _world


def _form(strength: float, output: str) -> dict[str, str]:
    form = {"industry": "", "key_output_value": output}
    for number, value in factory_values(strength).items():
        form[f"ind_{number}"] = value if not isinstance(value, bool) else ("yes" if value else "no")
    return form


def _tag(html: str) -> str:
    found = re.findall(r'<input type="hidden" name="etag" value="([0-9a-f]+)">', html)
    assert len(found) == 1
    return found[0]


@pytest.mark.region("shanxi")
def test_a_filing_saved_on_an_old_version_is_refused_and_keeps_what_was_typed(app):
    from core.extensions import db
    from core.models import AnnualFiling

    _ids, org, _other, _people, _year = _world(app)
    filing = db.session.scalar(select(AnnualFiling).where(AnnualFiling.organization_id == org.id))
    url = f"/management/filings/{filing.id}"
    first, second = web(app, "ty_ent"), web(app, "ty_ent")
    opened = _tag(first.get(url).get_data(as_text=True))
    assert _tag(second.get(url).get_data(as_text=True)) == opened
    assert first.post(url, data={**_form(0.8, "5200"), "etag": opened}).status_code == 302
    r = second.post(url, data={**_form(0.8, "4100"), "etag": opened})
    assert r.status_code == 409
    html = r.get_data(as_text=True)
    assert "其他人" in html and 'value="4100"' in html
    assert "5200" in html[html.index('id="conflicts"'):html.index('id="filing-form"')]
    db.session.expire_all()
    assert db.session.get(AnnualFiling, filing.id).key_data["output_value"] == 5200
    assert second.post(url, data={**_form(0.8, "4100"), "etag": _tag(html)}).status_code == 302
    db.session.expire_all()
    assert db.session.get(AnnualFiling, filing.id).key_data["output_value"] == 4100
