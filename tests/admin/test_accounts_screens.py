"""Accounts on the web, used as officers would (CSRF on; SQLite and PostgreSQL): an administrator opens a
city bureau's account, the bureau opens and resets its own applicants' accounts and is refused, in Chinese
and English, another city's; a closed account cannot log in; non-officers get 403."""
from __future__ import annotations

import re

from sqlalchemy import select

from core.extensions import db
from core.models import AuditLog, Organization, User

NEW_OWN = "岳麓山下的枫叶-爱晚亭-2026"


def _temporary(page: str) -> str:
    return re.search(r'id="temporary-password">([^<]+)<', page).group(1)


def _first_login(browser, username: str, temporary: str):
    """Log in with the one-time password and choose one's own, as the log-in forces."""
    one = browser()
    assert one.login(username, temporary).status_code == 302
    forced = one.get("/admin")
    assert forced.status_code == 302 and forced.headers["Location"].endswith("/account/password")
    changed = one.post("/account/password", {"old_password": temporary, "new_password": NEW_OWN,
                                             "new_password2": NEW_OWN})
    assert changed.status_code == 302
    one._token = None  # the session starts anew under the new password
    return one


def _user(world, username: str) -> User:
    with world["app"].app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        db.session.expunge(user)
        return user


def test_admin_opens_a_city_account_the_city_opens_and_resets_its_own_applicants(world, browser):
    admin = browser("admin1")
    assert 'id="nav-admin"' in admin.get("/admin/users").get_data(as_text=True)
    # a city bureau needs its city: refused beside the input, nothing saved
    missing = admin.post("/admin/users/new?lang=zh", {"role": "city", "username": "city_changsha",
                                                      "display_name": "长沙市工信局"})
    page = missing.get_data(as_text=True)
    assert missing.status_code == 422 and "city_changsha" in page
    assert _user_count(world, "city_changsha") == 0
    opened = admin.post("/admin/users/new?lang=zh", {"role": "city", "username": "city_changsha",
                                                     "display_name": "长沙市工信局",
                                                     "admin_unit_id": str(world["changsha"])})
    assert opened.status_code == 200, opened.get_data(as_text=True)[:500]
    city_user = _user(world, "city_changsha")
    assert city_user.admin_unit_id == world["changsha"] and city_user.must_change_password

    city = _first_login(browser, "city_changsha", _temporary(opened.get_data(as_text=True)))
    page = city.get("/admin?lang=zh").get_data(as_text=True)
    assert "账户" in page and "/admin/units" not in page  # a city looks after accounts only
    # the city opens an account for a new organization of its own city
    new_org = {"role": "applicant", "username": "firm_changsha", "display_name": "长沙联系人",
               "uscc": "91430100000000099X", "org_name": "长沙新材料有限公司"}
    from stdnum.cn import uscc as stdnum_uscc

    body = "91430100MA4L000099"[:17]
    new_org["uscc"] = body + stdnum_uscc.calc_check_digit(body)
    created = city.post("/admin/users/new?lang=zh", new_org)
    assert created.status_code == 200, created.get_data(as_text=True)[:800]
    firm = _user(world, "firm_changsha")
    with world["app"].app_context():
        assert db.session.get(Organization, firm.organization_id).admin_unit_id == world["changsha"]
    temporary = _temporary(created.get_data(as_text=True))
    # ...but not for another city's organization: refused in Chinese, and in English
    other = {"role": "applicant", "username": "intruder", "display_name": "株洲", "uscc": world["org_zhuzhou"]}
    refused = city.post("/admin/users/new?lang=zh", other)
    assert refused.status_code == 403 and "其他城市" in refused.get_data(as_text=True)
    refused = city.post("/admin/users/new?lang=en", other)
    assert refused.status_code == 403 and "another city" in refused.get_data(as_text=True)
    assert _user_count(world, "intruder") == 0
    # the city sees its own applicants only, and resets its own
    listing = city.get("/admin/users").get_data(as_text=True)
    assert "firm_changsha" in listing and "firm_zhuzhou" not in listing
    zhuzhou = _user(world, "firm_zhuzhou")
    assert city.get(f"/admin/users/{zhuzhou.id}").status_code == 404
    assert city.post(f"/admin/users/{zhuzhou.id}/reset").status_code == 404
    reset = city.post(f"/admin/users/{firm.id}/reset")
    again = _temporary(reset.get_data(as_text=True))
    assert reset.status_code == 200 and again != temporary
    assert browser().login("firm_changsha", temporary).status_code == 401  # the first one is gone
    applicant = _first_login(browser, "firm_changsha", again)
    assert applicant.get("/admin").status_code == 403 and applicant.get("/admin/users").status_code == 403
    with world["app"].app_context():
        actions = set(db.session.scalars(select(AuditLog.action).where(AuditLog.actor == "city_changsha")))
    assert {"account.created", "organization.added", "account.password_reset"} <= actions


def _user_count(world, username: str) -> int:
    with world["app"].app_context():
        return len(db.session.scalars(select(User.id).where(User.username == username)).all())


def test_closing_an_account_blocks_its_log_in_and_reopening_restores_it(world, browser):
    admin = browser("admin1")
    target = _user(world, "firm_zhuzhou")
    session = browser("firm_zhuzhou")
    closed = admin.post(f"/admin/users/{target.id}/active?lang=zh", {"active": "0"}, follow_redirects=True)
    assert "账户已关闭" in closed.get_data(as_text=True)
    assert session.get("/applications").status_code == 302  # its open session ended
    assert browser().login("firm_zhuzhou").status_code == 401
    admin.post(f"/admin/users/{target.id}/active", {"active": "1"})
    assert browser().login("firm_zhuzhou").status_code == 302
    # an officer never closes its own account, nor an administrator another's
    me = _user(world, "admin1")
    refused = admin.post(f"/admin/users/{me.id}/active?lang=en", {"active": "0"}, follow_redirects=True)
    assert "may not open or change accounts" in refused.get_data(as_text=True)
    assert browser().login("admin1").status_code == 302


def test_binding_search_and_pages(world, browser):
    admin = browser("admin1")
    target = _user(world, "firm_zhuzhou")
    moved = admin.post(f"/admin/users/{target.id}/binding", {"uscc": world["org_changsha"]})
    assert moved.status_code == 302
    assert "长沙市绿色工厂有限公司" in admin.get(f"/admin/users/{target.id}").get_data(as_text=True)
    unknown = admin.post(f"/admin/users/{target.id}/binding?lang=zh", {"uscc": "91430100MA4L0000XX"})
    page = unknown.get_data(as_text=True)
    assert unknown.status_code == 422 and 'aria-describedby="uscc-error"' in page and 'id="uscc-error"' in page
    with world["app"].app_context():
        from core.accounts import services
        from core.models import Role

        for n in range(30):
            services.create_user(username=f"expert{n:02d}", password=world["password"], display_name=f"专家{n}",
                                 role=Role.EXPERT, actor="test")
        db.session.commit()
    first = admin.get("/admin/users?q=expert").get_data(as_text=True)
    assert "expert00" in first and "expert29" not in first and "firm_zhuzhou" not in first
    nxt = re.search(r'id="next-page" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    second = admin.get(nxt).get_data(as_text=True)  # keyset paging by user name (issue 23)
    assert "expert29" in second and "expert00" not in second and 'id="next-page"' not in second
    back = re.search(r'id="prev-page" href="([^"]+)"', second).group(1).replace("&amp;", "&")
    assert re.findall(r'id="user-(\d+)"', admin.get(back).get_data(as_text=True)) == re.findall(r'id="user-(\d+)"', first)
    assert "firm_zhuzhou" in admin.get("/admin/users?q=长沙市绿色").get_data(as_text=True)


def test_who_opens_which_screen(world, browser):
    province = browser("province1")
    assert province.get("/admin/users").status_code == 200
    for url in ("/admin/units", "/admin/holidays", "/admin/firms", "/admin/references"):
        assert province.get(url).status_code == 403, url
    applicant = browser("firm_zhuzhou")
    page = applicant.get("/admin/users?lang=zh")
    assert page.status_code == 403 and "无权" in page.get_data(as_text=True)
    assert 'id="nav-admin"' not in applicant.get("/account").get_data(as_text=True)
    # province staff open experts' and cities' accounts, but no administrator's
    made = province.post("/admin/users/new?lang=en", {"role": "admin", "username": "root2", "display_name": "x"})
    assert made.status_code == 422 and _user_count(world, "root2") == 0
    assert browser().get("/admin/users").status_code == 302  # signed out: to the log-in page
