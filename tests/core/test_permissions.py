"""One permission registry (issue 22): every feature's permissions registered on each app at start-up,
one may/require, per-instance withholding, and which role may do what pinned to the table before the
registry (accounts' Perm, review's ReviewPerm and management's actions), plus the admin screens' (issue 20)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
from flask_babel import force_locale

from core import create_app
from core.accounts.permissions import Perm, manage_perm
from core.admin.access import AdminPerm
from core.errors import AccessDenied
from core.kernel.permissions import DuplicatePermission, Permission, Registry, granted, may, registry, require
from core.lists.access import ListsPerm
from core.management.access import ManagementPerm
from core.models import Role, User
from core.jobs.access import start_perm
from core.jobs.registry import specs
from core.review.access import ReviewPerm
from core.webhooks.access import WebhookPerm
from tests.conftest import BASE_CONFIG

ROOT = Path(__file__).resolve().parents[2]

#: today's full role -> permission table (accounts, review and management before the registry; issue 45: the
#: decisions that were inline role comparisons, which an instance could not withdraw: who looks after which
#: accounts, who handles the files of removals, complaints and re-reviews, who files an evaluation report, who
#: publishes the lists of each publisher and loads the list history)
_OFFICER_ACCOUNTS = {"accounts.manage.applicant", "accounts.manage.city", "accounts.manage.expert",
                     "accounts.manage.evaluator"}
PINNED: dict[str, frozenset[str]] = {
    "applicant": frozenset({"application.view", "application.create", "application.edit", "tokens",
                            "evaluator.request", "management.view", "management.file"}),
    "city": frozenset({"application.view", "application.review", "summary", "tokens", "management.view",
                       "management.review", "management.propose", "management.dashboard", "management.verify",
                       "admin.accounts", "accounts.manage.applicant", "management.files", "lists.publish.city"}),
    "province": frozenset({"application.view", "campaign.manage", "extension.grant", "tokens", "evaluator.registry",
                           "review.manage", "notice.manage", "recommend", "management.view", "management.propose",
                           "management.decide", "management.dashboard", "management.verify", "management.jobs",
                           "admin.accounts", *_OFFICER_ACCOUNTS, "management.files", "lists.history",
                           "lists.publish.province", "jobs.start.scores.recompute"}),
    "admin": frozenset({"application.view", "campaign.manage", "extension.grant", "tokens", "evaluator.registry",
                        "review.manage", "notice.manage", "recommend", "recommendation.import", "management.view",
                        "management.propose", "management.decide", "management.dashboard", "management.verify",
                        "management.jobs", "admin.accounts", "admin.units", "admin.holidays", "admin.firms",
                        "admin.references", "admin.clock", "admin.audit", *_OFFICER_ACCOUNTS, "accounts.manage.province",
                        "accounts.manage.ministry",
                        "accounts.manage.admin", "management.files", "lists.history", "lists.publish.province",
                        "lists.publish.ministry", "accounts.users", "jobs.start.scores.recompute",
                        "admin.webhooks"}),
    "evaluator": frozenset({"application.view", "tokens", "engagement.decide", "evaluation.report"}),
    "expert": frozenset({"tokens", "expert.score"}),
    "ministry": frozenset({"tokens", "evaluator.registry", "review.manage", "notice.manage",
                           "recommendation.import", "management.view", "management.dashboard",  # issue 42: 名单内单位
                           "lists.publish.ministry", "jobs.start.scores.recompute",
                           "management.jobs"}),  # issue 61: the national instance's yearly filings
}


def _app(region: str = "national", **config):
    return create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://", "GREENMFG_REGION": region, **config})


def _user(role: Role, active: bool = True) -> User:
    return User(username=f"u-{role}", role=role, active=active)


def test_pinned_role_permission_table():
    table = registry(_app()).table()
    assert {str(role): codes for role, codes in table.items()} == PINNED


def test_a_fresh_app_has_every_features_permissions_with_descriptions():
    app = _app()
    registered = registry(app).permissions
    assert set(registered) == {str(p) for p in (*Perm, *ReviewPerm, *ManagementPerm, *AdminPerm, *ListsPerm,
                                                        *WebhookPerm)} | {
        manage_perm(role) for role in Role} | {start_perm(name) for name, spec in specs().items() if spec.startable_by}
    with app.test_request_context(), force_locale("zh"):
        zh = str(registered[ManagementPerm.DECIDE].description)
    with app.test_request_context(), force_locale("en"):
        assert str(registered[ManagementPerm.DECIDE].description) == "Decide and publish removals and bans"
    assert zh != "Decide and publish removals and bans"


def test_withheld_grants_stay_on_their_instance():
    national, hubei = _app(), _app("hubei")
    opted_out = _app("hubei", GREENMFG_MINISTRY_MAY_MANAGE=True)
    ministry = _user(Role.MINISTRY)
    with hubei.app_context():  # a provincial instance withholds the province's work from the ministry
        assert not may(ministry, ReviewPerm.REVIEW_MANAGE)
        assert not may(ministry, ReviewPerm.NOTICE_MANAGE)
        assert not may(ministry, ReviewPerm.EVALUATOR_REGISTRY)
        assert may(ministry, ReviewPerm.RECOMMENDATION_IMPORT)
        assert not granted(Role.MINISTRY, ReviewPerm.REVIEW_MANAGE)
        # and the page is not linked for it (a link would only lead to a 403)
        from core.web.nav import NavLink

        review_link = NavLink(endpoint="review.queue", label="review", perm=ReviewPerm.REVIEW_MANAGE)
        assert not review_link.visible_to(Role.MINISTRY) and review_link.visible_to(Role.PROVINCE)
    for app in (national, opted_out):
        with app.app_context():
            assert may(ministry, ReviewPerm.REVIEW_MANAGE)
            assert require(ministry, ReviewPerm.NOTICE_MANAGE) is ministry


def test_registering_one_code_with_different_grants_is_an_error():
    reg = Registry()
    reg.register(Permission("x.do", frozenset({Role.CITY}), "do"))
    reg.register(Permission("x.do", frozenset({Role.CITY}), "do"))  # the same declaration twice is harmless
    with pytest.raises(DuplicatePermission, match="x.do"):
        reg.register(Permission("x.do", frozenset({Role.PROVINCE}), "do"))
    from core.kernel import permissions

    clash = (Permission(Perm.SUMMARY, frozenset({Role.PROVINCE}), "summary"),)
    with pytest.raises(DuplicatePermission, match="summary"):
        permissions.init_app(_app(), permissions.registry(_app()).permissions.values(), clash)


def test_require_refuses_in_chinese_and_english_and_denies_by_default():
    app = _app()
    city = _user(Role.CITY)
    with app.test_request_context():
        with pytest.raises(AccessDenied) as refused:
            require(city, ManagementPerm.DECIDE)
        message = refused.value.to_dict()
        assert message["message_en"] == "Your role may not do this."
        assert message["message_zh"] != message["message_en"]
        assert may(city, ManagementPerm.REVIEW)
        assert not may(_user(Role.CITY, active=False), ManagementPerm.REVIEW)
        assert not may(None, ManagementPerm.REVIEW)
        assert not may(city, "no.such.permission")
    assert not may(city, ManagementPerm.REVIEW)  # outside an app nothing is granted


def _role_tables(tree: ast.AST) -> list[int]:
    """Lines of dicts that map roles to permission sets, or permissions to role sets."""
    def role(node) -> bool:
        return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "Role"

    def a_set(node) -> bool:
        return isinstance(node, ast.Set) or (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                                              and node.func.id in {"set", "frozenset"})

    def of_roles(node) -> bool:
        return a_set(node) and any(role(n) for n in ast.walk(node))

    return [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Dict) and node.keys and (
        any(role(k) and a_set(v) for k, v in zip(node.keys, node.values)) or any(of_roles(v) for v in node.values))]


def test_one_permission_registry():
    """Only core/kernel/permissions.py holds a role table or defines may/require."""
    offenders = []
    for path in sorted([*(ROOT / "core").rglob("*.py"), *(ROOT / "plugins").rglob("*.py")]):
        rel = path.relative_to(ROOT).as_posix()
        if rel == "core/kernel/permissions.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        offenders += [f"{rel}:{line} role table" for line in _role_tables(tree)]
        offenders += [f"{rel}:{node.lineno} def {node.name}" for node in ast.walk(tree)
                      if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in {"may", "require"}]
    assert offenders == []
    # the check finds what it looks for: the tables removed by issue 22
    assert _role_tables(ast.parse("ACTIONS = {'view': frozenset({Role.CITY})}")) == [1]
    assert _role_tables(ast.parse("T = {Role.CITY: frozenset({Perm.SUMMARY})}")) == [1]


def test_the_registry_imports_no_feature_package():
    tree = ast.parse((ROOT / "core/kernel/permissions.py").read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    assert {name for name in imported if name.startswith("core")} <= {"core.models", "core.errors", "core.extensions"}
