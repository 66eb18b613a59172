"""Builders for the end-to-end round tests (issue 15 "Done when"): a region's people, a clock that
stands at the dates the seed gives, and a JSON API client with each person's bearer token.

Import as ``import round_kit as rk`` (tests/review has a ``kit`` module; this one has its own name).

Setup of people (cities, applicants, experts, evaluator firms) uses services directly, inside the
travelled time of the round's start (tokens expire); every step of a round goes through the JSON API.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import io
import itertools
import json
from dataclasses import dataclass, field
from typing import Any, Iterator
from zoneinfo import ZoneInfo

import time_machine
from stdnum.cn import uscc as stdnum_uscc

SHANGHAI = ZoneInfo("Asia/Shanghai")
PASSWORD = "绿色制造-测试口令-2025"
CONSULTED = ["ecology_environment", "emergency_management", "market_regulation"]

SEED_HUNAN_2024 = "000_5ae1342e00264ea1.txt"
SEED_NATIONAL_2025 = "001_3f04a56fc6693327.txt"
SEED_HUBEI = "002_9c75e1d2ebfbdf50.txt"
SEED_JIANGXI = "003_a3fa60aeba77aa34.txt"
SEED_SHANXI = "004_7a8ddd82f611ab67.txt"

_numbers = itertools.count(1)


def bj(year: int, month: int, day: int, hour: int = 10, minute: int = 0, second: int = 0) -> dt.datetime:
    """A Beijing wall-clock instant."""
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


@contextlib.contextmanager
def at(moment: dt.datetime) -> Iterator[None]:
    """Stand the clock still at ``moment`` (Beijing time) for one step."""
    with time_machine.travel(moment, tick=False):
        yield


def make_uscc(division: str) -> str:
    body = f"91{division}{next(_numbers):08d}3"
    return body + stdnum_uscc.calc_check_digit(body)


def pdf(pages: int = 1) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def error_text(response) -> str:
    """Everything a refusal says (both languages), for matching reasons and sources."""
    body = response.get_json(silent=True) or {}
    parts = [str(body.get("message", ""))]
    for e in body.get("errors", []) if isinstance(body.get("errors"), list) else [body.get("errors")]:
        if isinstance(e, dict):
            parts += [str(e.get(k, "")) for k in ("message", "message_zh", "message_en", "code")]
        else:
            parts.append(str(e))
    parts.append(str(body.get("fields", "")))
    return " | ".join(parts)


def show(response) -> str:
    """Status and body (readable Chinese; a refusal's errors first) for assertion messages."""
    body = response.get_json(silent=True)
    if body is None:
        return f"{response.status_code}: {response.get_data(as_text=True)[:600]}"
    if isinstance(body, dict) and "errors" in body:
        body = {"errors": body["errors"], "fields": body.get("fields")}
    return f"{response.status_code}: {json.dumps(body, ensure_ascii=False, default=str)[:900]}"


@dataclass
class Round:
    """One region's people and their API tokens; every call stands the clock at the given instant."""

    app: Any
    region: str
    units: dict[str, int] = field(default_factory=dict)  # key → AdminUnit.id
    unit_codes: dict[str, str] = field(default_factory=dict)
    orgs: dict[str, int] = field(default_factory=dict)  # applicant key → Organization.id
    usccs: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    experts: dict[str, int] = field(default_factory=dict)  # key → ExpertProfile.id
    firms: dict[str, int] = field(default_factory=dict)

    def call(self, who: str | None, method: str, url: str, when: dt.datetime, **kwargs: Any):
        headers = kwargs.setdefault("headers", {})
        if who is not None:
            headers["Authorization"] = f"Bearer {self.tokens[who]}"
        with at(when):
            from helpers import with_tag

            return with_tag(self.app.test_client(), method, url, **kwargs)  # a change sends the tag it read

    def get(self, who, url, when, **kw):
        return self.call(who, "get", url, when, **kw)

    def post(self, who, url, when, **kw):
        return self.call(who, "post", url, when, **kw)

    def patch(self, who, url, when, **kw):
        return self.call(who, "patch", url, when, **kw)

    def put(self, who, url, when, **kw):
        return self.call(who, "put", url, when, **kw)

    # ------------------------------------------------------------- reads --

    def status(self, app_id: int) -> str:
        from core.extensions import db
        from core.models import Application

        with self.app.app_context():
            return db.session.get(Application, app_id).status.value

    def rules(self):
        return self.app.extensions["greenmfg"].rules

    def negative_list(self, unit_type: str, level: str) -> dict[str, bool]:
        return {i.code: True for i in self.rules().negative_list_for(unit_type, level)}

    # ------------------------------------------------------------ people --

    def setup(self, when: dt.datetime, *, cities: dict[str, str], applicants: dict[str, tuple[str, str]],
              pilot_counties: dict[str, tuple[str, str]] | None = None, experts: int = 0,
              firms: dict[str, dict] | None = None, division: str = "430100") -> "Round":
        """At ``when``: admin units (plugin cities by code; pilot counties entered by the admin), one
        applicant account per organization, city staff per unit, province staff, experts, evaluator firms."""
        from sqlalchemy import select

        from core.accounts import services as accounts
        from core.extensions import db
        from core.models import AdminUnit, EvaluatorFirm, Organization, Role
        from core.review import experts as expert_service
        from core.services.admin_units import add_configurable_unit, sync_admin_units

        users: dict[str, Any] = {}
        with at(when), self.app.app_context():
            sync_admin_units("test")
            db.session.flush()
            for key, code in cities.items():
                unit = db.session.scalar(select(AdminUnit).where(AdminUnit.code == code))
                assert unit is not None, f"the plugin registers no admin unit {code}"
                self.units[key], self.unit_codes[key] = unit.id, code
            for key, (code, name) in (pilot_counties or {}).items():
                unit = add_configurable_unit(code, name, "省直管试点县", "admin")
                db.session.flush()
                self.units[key], self.unit_codes[key] = unit.id, unit.code
            for key in self.units:
                users[f"city_{key}"] = accounts.create_user(
                    username=f"city_{key}", password=PASSWORD, display_name=f"{key}工信局", role=Role.CITY,
                    actor="admin", admin_unit_id=self.units[key])
            for key, (unit_key, name) in applicants.items():
                org = Organization(uscc=make_uscc(division), name=name, admin_unit_id=self.units[unit_key],
                                   legal_representative=f"{name[:2]}法人")
                db.session.add(org)
                db.session.flush()
                self.orgs[key], self.usccs[key] = org.id, org.uscc
                users[key] = accounts.create_user(username=f"ent_{key}", password=PASSWORD, display_name=name,
                                                  role=Role.APPLICANT, actor="admin", organization_id=org.id)
            users["province"] = accounts.create_user(username="province_staff", password=PASSWORD,
                                                     display_name="省厅节能处", role=Role.PROVINCE, actor="admin")
            users["ministry"] = accounts.create_user(username="miit_staff", password=PASSWORD,
                                                     display_name="工信部节能司", role=Role.MINISTRY, actor="admin")
            for key, spec in (firms or {}).items():
                firm = EvaluatorFirm(uscc=make_uscc("110000"), name=spec.get("name", f"{key}评价有限公司"),
                                     legal_representative=spec.get("legal_representative", "孙立新"),
                                     qualifications=dict(spec.get("qualifications", {})))
                db.session.add(firm)
                db.session.flush()
                self.firms[key] = firm.id
                users[f"firm_{key}"] = accounts.create_user(
                    username=f"firm_{key}", password=PASSWORD, display_name=firm.name, role=Role.EVALUATOR,
                    actor="admin", evaluator_firm_id=firm.id)
            for n in range(experts):
                profile = expert_service.add_expert("province_staff", username=f"expert{n + 1}", password=PASSWORD,
                                                    name=f"评审专家{n + 1}", fields=["factory", "park", "supply_chain"])
                self.experts[f"expert{n + 1}"] = profile.id
                users[f"expert{n + 1}"] = profile.user
            db.session.flush()
            for key, user in users.items():
                self.tokens[key], _ = accounts.create_token(user, "round test", days=366)  # a round lasts months
            db.session.commit()
        return self

    # ------------------------------------------------------- API journeys --

    def apply(self, who: str, campaign_id: int, unit_type: str, body: dict, when: dt.datetime,
              evidence: dict[str, int] | None = None, submit: bool = True) -> int:
        """Start a draft, save ``body``, upload PDF evidence per section and submit, all through the API."""
        r = self.post(who, "/api/v1/applications", when, json={"campaign_id": campaign_id, "unit_type": unit_type})
        assert r.status_code == 201, f"{who} starts a draft: {show(r)}"
        app_id = r.get_json()["id"]
        r = self.patch(who, f"/api/v1/applications/{app_id}", when, json=body)
        assert r.status_code == 200, f"{who} saves the form: {show(r)}"
        for section, pages in (evidence or {}).items():
            r = self.post(who, f"/api/v1/applications/{app_id}/evidence", when, content_type="multipart/form-data",
                          data={"section": section, "file": (io.BytesIO(pdf(pages)), f"{section}.pdf")})
            assert r.status_code == 201, f"{who} uploads {section}: {show(r)}"
        if submit:
            r = self.post(who, f"/api/v1/applications/{app_id}/submit", when)
            assert r.status_code == 200 and r.get_json()["status"] == "submitted", f"{who} submits: {show(r)}"
        return app_id

    def expert_review(self, app_id: int, totals: list[float], when: dt.datetime) -> dict:
        """Province assigns the experts, each scores ``totals[i]`` (per indicator, in proportion to the
        weights) and submits blind, then the province records the panel result (grade)."""
        from core.extensions import db
        from core.models import Application
        from core.review import experts as expert_service

        with self.app.app_context():
            weights = {str(i["number"]): float(i["weight"])
                       for i in expert_service.score_items(db.session.get(Application, app_id))}
        keys = list(self.experts)[:len(totals)]
        for key, total in zip(keys, totals, strict=True):
            r = self.post("province", f"/api/v1/review/applications/{app_id}/assignments", when,
                          json={"expert_id": self.experts[key]})
            assert r.status_code == 201, f"province assigns {key}: {show(r)}"
            assignment = r.get_json()["id"]
            whole = sum(weights.values())
            scores = {k: round(w * total / whole, 2) for k, w in weights.items()}
            first = next(iter(scores))
            scores[first] = round(scores[first] + round(total - sum(scores.values()), 2), 2)
            r = self.patch(key, f"/api/v1/assignments/{assignment}", when, json={"scores": scores})
            assert r.status_code == 200, f"{key} scores: {show(r)}"
            r = self.post(key, f"/api/v1/assignments/{assignment}/submit", when)
            assert r.status_code == 200, f"{key} submits: {show(r)}"
        r = self.post("province", f"/api/v1/review/applications/{app_id}/grade", when)
        assert r.status_code == 200, f"province grades {app_id}: {show(r)}"
        return r.get_json()

    def public_list(self, when: dt.datetime, **query) -> list[dict]:
        r = self.get(None, "/api/v1/lists", when, query_string=query)
        assert r.status_code == 200, show(r)
        return r.get_json()["items"]
