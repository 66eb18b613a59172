"""One way to decide access (issue 45): what a role may do is a named permission in the one registry
(:mod:`core.kernel.permissions`), asked through ``may``/``require`` in code and ``may`` in pages, so an
instance can withhold it; one row is loaded through the user's scope by one helper
(:func:`core.kernel.permissions.load_or_404`). Roles are compared only in the access modules, which
declare the permissions and build the row scopes; a role comparison anywhere else in core (Python or a
template) fails :func:`test_no_role_comparison_outside_the_access_modules`, naming the file and line.

Behaviour pinned here for the decisions that were inline role comparisons and had no test of their own:
where each role lands after log-in, who looks after which accounts (a city bureau: its own city's
applicants), what each account acts for, the one loader's 404/403, and that an instance withholding one
of these permissions takes it away (the comparison it replaced could not be withdrawn).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import render_template_string
from sqlalchemy import select

from core import create_app
from core.accounts import services
from core.accounts.permissions import (
    BINDINGS, Perm, accounts_of, city_of, firm_of, looks_after_accounts, managed_scope, manage_perm, may_manage,
    may_reset, organization_of,
)
from core.accounts.views import LANDING, home_for
from core.errors import AccessDenied, NotFound
from core.extensions import db
from core.kernel.permissions import holders, load_or_404, may, registry, withheld
from core.lists.access import ListsPerm, publish_perm
from core.management.access import ManagementPerm
from core.models import AdminUnit, Organization, Role, User
from core.review.access import ReviewPerm
from core.services.admin_units import sync_admin_units
from tests.conftest import BASE_CONFIG

ROOT = Path(__file__).resolve().parents[2]

#: the access modules: the only places that compare a user's role (they declare the permissions and build
#: the row scopes every other module asks for)
ACCESS_MODULES = ("core/kernel/permissions.py", "core/*/permissions.py", "core/*/access.py")


#: ``x.role == ...``, ``x.role != ...``, ``x.role in ...``, ``x.role not in ...`` (``.role.value`` and
#: ``str(x.role)`` too), and the comparison written the other way round (``Role.CITY == user.role``);
#: ``User.role.in_(...)`` is a query built from the registry (:func:`core.kernel.permissions.holders`), not a
#: comparison
ROLE_COMPARISON = re.compile(
    r"\.role(?:\.value)?\)?\s*(?:==|!=|\bnot\s+in\b|\bin\b)"
    r"|(?:==|!=)\s*(?:str\()?[A-Za-z_][\w.()]*\.role(?:\.value)?\b(?!\s*\.in_)")


def _access_module(rel: str) -> bool:
    return any(Path(rel).match(pattern) and rel.count("/") == pattern.count("/") for pattern in ACCESS_MODULES)


def role_comparisons(text: str) -> list[int]:
    """The lines of ``text`` that compare a role."""
    return [n for n, line in enumerate(text.splitlines(), start=1) if ROLE_COMPARISON.search(line)]


def _core_files() -> list[Path]:
    return sorted(p for p in (ROOT / "core").rglob("*")
                  if p.suffix in {".py", ".html", ".txt", ".jinja", ".j2"} and "migrations" not in p.parts)


def _offenders() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in _core_files():
        rel = path.relative_to(ROOT).as_posix()
        if _access_module(rel):
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        hits = role_comparisons("\n".join(lines))
        if hits:
            found[rel] = [f"{rel}:{n}: {lines[n - 1].strip()}" for n in hits]
    return found


def test_no_role_comparison_outside_the_access_modules():
    offenders = [hit for hits in _offenders().values() for hit in hits]
    assert offenders == [], ("compare roles only in an access module (" + ", ".join(ACCESS_MODULES) + "); "
                             "elsewhere ask may(user, '<permission>') or a scope/binding helper of the access "
                             "module:\n" + "\n".join(offenders))


def test_the_access_modules_are_where_the_permissions_are_declared():
    declared = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "core").rglob("*.py")
                      if _access_module(p.relative_to(ROOT).as_posix()))
    assert declared == ["core/accounts/permissions.py", "core/admin/access.py", "core/jobs/access.py",
                        "core/kernel/permissions.py", "core/lists/access.py", "core/management/access.py",
                        "core/review/access.py", "core/webhooks/access.py"]
    for rel in declared[:2] + declared[4:]:
        assert "PERMISSIONS = (" in (ROOT / rel).read_text(encoding="utf-8"), rel


@pytest.mark.parametrize("line", [
    "if user.role == Role.APPLICANT:", "if user.role != Role.CITY or x:", "city=me.role == Role.CITY",
    "if officer.role not in (Role.ADMIN, Role.PROVINCE):", "ok = user.role in STAFF",
    "{% if current_user.role != 'applicant' %}", "{% if current_user.role.value == 'applicant' %}",
    "{% if target.role in ('applicant', 'city') %}", "if Role.CITY == user.role:",
    "select(User).where(User.role == Role.EXPERT)", 'if str(user.role) != "city" or x:',
    "if str(_user().role) not in IMPORTER_ROLES:", "return str(user.role) in set(roles)",
    "if 'city' == str(user.role):",
])
def test_the_check_finds_a_role_comparison(line):
    assert role_comparisons(f"x = 1\n{line}\n") == [2]


@pytest.mark.parametrize("line", [
    "select(User).where(User.role.in_(holders(ReviewPerm.EXPERT_SCORE)))", "labels[target.role]",
    "create_user(role=Role.EXPERT)", "if may(user, Perm.APPLICATION_EDIT):", "{{ labels[u.role] }}",
    "role = Role(form.role.data)", "if role == Role.APPLICANT:",
])
def test_the_check_leaves_other_uses_of_a_role_alone(line):
    assert role_comparisons(line) == []


# ------------------------------------------------------------------ behaviour --

def _app(region: str = "national"):
    return create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://", "GREENMFG_REGION": region})


def _user(role: Role, **binding) -> User:
    return User(id=list(Role).index(role) + 1, username=f"u-{role}", role=role, active=True, **binding)


def test_every_permission_a_page_or_the_landing_asks_is_registered():
    """A code a page asks by name (``may(current_user, 'code')``) and the landing table's codes exist: an
    unknown code is denied to everyone, silently."""
    known = set(registry(_app()).permissions)
    asked = {code for path in _core_files() if path.suffix == ".html"
             for code in re.findall(r"\bmay\(\s*current_user\s*,\s*'([^']+)'", path.read_text(encoding="utf-8"))}
    assert asked and asked <= known, asked - known
    assert {str(code) for code, _endpoint in LANDING} <= known


def test_may_is_a_template_global_on_every_page():
    app = _app()
    with app.test_request_context():
        page = "{{ may(u, 'application.edit') }}|{{ may(u, 'application.review') }}"
        assert render_template_string(page, u=_user(Role.APPLICANT)) == "True|False"
        assert render_template_string(page, u=_user(Role.CITY)) == "False|True"


@pytest.mark.parametrize(("role", "landing"), [
    (Role.APPLICANT, "/applications"), (Role.CITY, "/city"), (Role.EVALUATOR, "/review/engagements"),
    (Role.EXPERT, "/expert"), (Role.PROVINCE, "/"), (Role.MINISTRY, "/"), (Role.ADMIN, "/"),
])
def test_each_role_lands_on_its_main_task_page(role, landing):
    app = _app()
    with app.test_request_context():
        assert home_for(_user(role)) == landing


def test_an_instance_that_withholds_a_task_lands_the_role_on_the_home_page():
    app = _app()
    withheld(app, Role.CITY, [Perm.APPLICATION_REVIEW])
    with app.test_request_context():
        assert home_for(_user(Role.CITY)) == "/"  # not on a queue that would answer 403
        assert home_for(_user(Role.APPLICANT)) == "/applications"


#: who looks after accounts of each role (before issue 45: the comparisons of core/accounts/resets.py)
LOOKS_AFTER = {
    Role.ADMIN: set(Role), Role.PROVINCE: {Role.APPLICANT, Role.CITY, Role.EXPERT, Role.EVALUATOR},
    Role.CITY: {Role.APPLICANT},
}


@pytest.mark.parametrize("officer_role", list(Role))
def test_who_looks_after_which_accounts(officer_role):
    app = _app()
    officer = _user(officer_role, admin_unit_id=7 if officer_role == Role.CITY else None)
    with app.app_context():
        expected = LOOKS_AFTER.get(officer_role, set())
        assert {role for role in Role if may_manage(officer, role, 7)} == expected
        assert looks_after_accounts(officer) == bool(expected)
        if officer_role == Role.CITY:  # its own city's applicants only
            assert not may_manage(officer, Role.APPLICANT, 8) and not may_manage(officer, Role.APPLICANT, None)
            unbound = _user(Role.CITY)
            assert not may_manage(unbound, Role.APPLICANT, None)
        closed = _user(officer_role, admin_unit_id=7)
        closed.active = False
        assert not looks_after_accounts(closed)


def test_an_administrator_resets_no_other_administrator_nor_itself():
    app = _app()
    admin, other = _user(Role.ADMIN), User(id=999, username="admin2", role=Role.ADMIN, active=True)
    with app.app_context():
        assert not may_reset(admin, other) and not may_reset(admin, admin)
        assert may_manage(admin, Role.ADMIN)  # it may still open one


def test_an_instance_can_withhold_looking_after_accounts_from_city_bureaus():
    app = _app()
    withheld(app, Role.CITY, [manage_perm(Role.APPLICANT)])
    with app.app_context():
        city, province = _user(Role.CITY, admin_unit_id=7), _user(Role.PROVINCE)
        assert not may_manage(city, Role.APPLICANT, 7) and not looks_after_accounts(city)
        assert may_manage(province, Role.APPLICANT, 7)


def test_what_an_account_acts_for_is_its_roles_binding_only():
    app = _app()
    with app.app_context():
        applicant = _user(Role.APPLICANT, organization_id=3, admin_unit_id=4, evaluator_firm_id=5)
        city = _user(Role.CITY, organization_id=3, admin_unit_id=4, evaluator_firm_id=5)
        firm = _user(Role.EVALUATOR, organization_id=3, admin_unit_id=4, evaluator_firm_id=5)
        assert (organization_of(applicant), city_of(applicant), firm_of(applicant)) == (3, None, None)
        assert (organization_of(city), city_of(city), firm_of(city)) == (None, 4, None)
        assert (organization_of(firm), city_of(firm), firm_of(firm)) == (None, None, 5)
        province = _user(Role.PROVINCE, admin_unit_id=4)
        assert (organization_of(province), city_of(province), firm_of(province)) == (None, None, None)
        firm.active = False
        assert firm_of(firm) is None
    assert set(BINDINGS) == {Role.APPLICANT, Role.CITY, Role.EVALUATOR}


#: who publishes the lists of each publisher the region's documents name (before issue 45: PUBLISHER_ROLES,
#: compared to the role's name in core/lists/views.py)
PUBLISHERS = {"city": {Role.CITY}, "province": {Role.PROVINCE, Role.ADMIN}, "ministry": {Role.MINISTRY, Role.ADMIN}}


def test_who_publishes_which_list_and_loads_the_history():
    app = _app("shanxi")
    with app.app_context():
        for publisher, roles in PUBLISHERS.items():
            assert holders(publish_perm(publisher)) == roles, publisher
        assert holders(publish_perm("someone else")) == frozenset()
        assert holders(ListsPerm.HISTORY) == {Role.PROVINCE, Role.ADMIN}
    withheld(app, Role.CITY, [ListsPerm.PUBLISH_CITY])
    with app.test_request_context():
        assert not may(_user(Role.CITY, admin_unit_id=4), ListsPerm.PUBLISH_CITY)
        from core.lists.views import NAV  # the page's link follows the grant

        city_link = next(link for link in NAV if link.endpoint == "lists.city_lists")
        assert not city_link.visible_to("city")


def test_the_accounts_that_may_score_follow_the_registry():
    app = _app()
    with app.app_context():
        assert holders(ReviewPerm.EXPERT_SCORE) == {Role.EXPERT}
        assert holders(ReviewPerm.REPORT_FILE) == {Role.EVALUATOR}
        assert holders(ManagementPerm.FILES) == {Role.CITY, Role.PROVINCE, Role.ADMIN}
    withheld(app, Role.EXPERT, [ReviewPerm.EXPERT_SCORE])
    with app.app_context():
        assert holders(ReviewPerm.EXPERT_SCORE) == frozenset()


# ------------------------------------------------------------ with a database --

def _uscc(n: int) -> str:
    from stdnum.cn import uscc

    body = f"91430100{n:08d}7"
    return body + uscc.calc_check_digit(body)


@pytest.fixture
def officers(make_app, cheap_hashes):
    """Two cities of Hunan, an organization and an applicant in each, a city bureau and province staff."""
    app = make_app("hunan")
    with app.app_context():
        sync_admin_units("test")
        units = {u.code: u for u in db.session.scalars(select(AdminUnit))}
        people = {}
        for n, code in enumerate(("hunan.changsha", "hunan.zhuzhou"), start=1):
            org = Organization(uscc=_uscc(n), name=f"{units[code].name}工厂", admin_unit_id=units[code].id)
            db.session.add(org)
            db.session.flush()
            city = code.split(".")[1]
            people[f"firm_{city}"] = services.create_user(
                username=f"firm_{city}", password="口令-足够长-2026-access", display_name=city, role=Role.APPLICANT,
                actor="test", organization_id=org.id)
            people[f"city_{city}"] = services.create_user(
                username=f"city_{city}", password="口令-足够长-2026-access", display_name=city, role=Role.CITY,
                actor="test", admin_unit_id=units[code].id)
        people["province"] = services.create_user(username="province", password="口令-足够长-2026-access",
                                                  display_name="省厅", role=Role.PROVINCE, actor="test")
        db.session.commit()
        yield app, {name: user.id for name, user in people.items()}


def _managed(officer_id: int) -> set[str]:
    officer = db.session.get(User, officer_id)
    return set(db.session.scalars(select(User.username).where(managed_scope(officer))))


def test_the_accounts_an_officer_looks_after_and_their_withdrawal(officers):
    app, ids = officers
    assert _managed(ids["city_changsha"]) == {"firm_changsha"}
    assert _managed(ids["province"]) == {"firm_changsha", "firm_zhuzhou", "city_changsha", "city_zhuzhou"}
    assert _managed(ids["firm_changsha"]) == set()
    withheld(app, Role.CITY, [manage_perm(Role.APPLICANT)])
    assert _managed(ids["city_changsha"]) == set()
    assert _managed(ids["province"]) == {"firm_changsha", "firm_zhuzhou", "city_changsha", "city_zhuzhou"}


def test_who_is_told_of_an_organizations_and_a_citys_business(officers):
    _app_, ids = officers
    org = db.session.get(User, ids["firm_zhuzhou"]).organization_id
    unit = db.session.get(User, ids["city_zhuzhou"]).admin_unit_id
    told = lambda where: set(db.session.scalars(select(User.username).where(where)))  # noqa: E731
    assert told(accounts_of(Role.APPLICANT, org)) == {"firm_zhuzhou"}
    assert told(accounts_of(Role.CITY, unit)) == {"city_zhuzhou"}
    assert told(accounts_of(Role.PROVINCE)) == {"province"}
    assert told(accounts_of(Role.CITY, None)) == set()  # a role with a binding: nobody without one
    assert told(accounts_of("city")) == {"city_changsha", "city_zhuzhou"}  # an officer's filter by role


def test_one_loader_404_outside_the_scope_403_without_the_permission(officers):
    _app_, ids = officers
    city = db.session.get(User, ids["city_changsha"])
    own = db.session.scalar(select(Organization).where(Organization.admin_unit_id == city.admin_unit_id))
    other = db.session.scalar(select(Organization).where(Organization.admin_unit_id != city.admin_unit_id))
    scope = Organization.admin_unit_id == city.admin_unit_id
    assert load_or_404(city, Organization, str(own.id), scope, Perm.APPLICATION_REVIEW) is own
    for ident in (other.id, 0, -1, 2**31, "x", None, f"{own.id}.5"):
        with pytest.raises(NotFound, match="No such record"):
            load_or_404(city, Organization, ident, scope, Perm.APPLICATION_REVIEW)
    with pytest.raises(NotFound, match="No such organization"):
        load_or_404(city, Organization, other.id, scope, message="No such organization.")
    with pytest.raises(AccessDenied):  # in its scope, but a city bureau does not edit applications
        load_or_404(city, Organization, own.id, scope, Perm.APPLICATION_EDIT)
    withheld(_app_, Role.CITY, [Perm.APPLICATION_REVIEW])
    with pytest.raises(AccessDenied):
        load_or_404(city, Organization, own.id, scope, Perm.APPLICATION_REVIEW)
    assert not may(city, Perm.APPLICATION_REVIEW)
