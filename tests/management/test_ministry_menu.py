"""The ministry's 名单内单位 menu link answered 403 (issue 42).

The header shows the ministry 名单内单位 (the listed units; MIIT runs the national lists' dynamic management,
《绿色工厂梯度培育及管理暂行办法》第十六条), but the page behind it refused the ministry. It now opens the listed
units' dashboard, and every link of that page's own navigation opens too.
"""
from __future__ import annotations

import re


from core.extensions import db
from core.models import Role

PASSWORD = "部委名单内单位测试口令-2026"


def test_ministry_opens_listed_units_from_its_menu(make_app):
    from core.accounts import services as accounts

    app = make_app("national", WTF_CSRF_ENABLED=False)
    with app.app_context():
        accounts.create_user(username="miit", password=PASSWORD, display_name="工信部节能司", role=Role.MINISTRY,
                             actor="test")
        db.session.commit()
    client = app.test_client()
    assert client.post("/login", data={"username": "miit", "password": PASSWORD}).status_code == 302
    home = client.get("/?lang=zh", follow_redirects=True).get_data(as_text=True)
    link = re.search(r'<a href="([^"]+)"[^>]*>名单内单位</a>', home)
    assert link, home[:3000]
    page = client.get(link.group(1), follow_redirects=True)
    assert page.status_code == 200, page.status_code
    html = page.get_data(as_text=True)
    nav = html[html.index('id="management-nav"'):]
    nav = nav[:nav.index("</nav>")]
    hrefs = re.findall(r'href="([^"]+)"', nav)
    assert len(hrefs) >= 3
    for href in hrefs:
        assert client.get(href).status_code == 200, href
