"""Builders of the API contract tests (import as ``import api_kit as kit``): a region's people with one
account per role, tokens asked for through the API, the served OpenAPI document, a client generated
from it by openapi-python-client, and an in-process httpx transport to the app."""
from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import io
import itertools
import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator
from zoneinfo import ZoneInfo

from stdnum.cn import uscc as stdnum_uscc

REGIONS = ("national", "hunan", "hubei", "jiangxi", "shanxi")
PASSWORD = "绿色制造-接口测试-2025"
SHANGHAI = ZoneInfo("Asia/Shanghai")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_numbers = itertools.count(1)


def make_uscc(division: str = "140100") -> str:
    body = f"91{division}{next(_numbers):08d}7"
    return body + stdnum_uscc.calc_check_digit(body)


def bj(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@contextlib.contextmanager
def at(moment: dt.datetime) -> Iterator[None]:
    import time_machine

    with time_machine.travel(moment, tick=False):
        yield


def pdf(pages: int = 1) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def served_document(app) -> dict[str, Any]:
    response = app.test_client().get("/api/openapi.json")
    assert response.status_code == 200
    return response.get_json()


# ------------------------------------------------------------------- people --


@dataclass
class People:
    """One account per role in a region (the applicant's organization and the city in the first unit)."""

    app: Any
    usernames: dict[str, str] = field(default_factory=dict)
    user_ids: dict[str, int] = field(default_factory=dict)
    unit_code: str = ""
    unit_id: int = 0
    org_id: int = 0
    uscc: str = ""
    firm_id: int = 0
    expert_ids: list[int] = field(default_factory=list)

    def token(self, role: str, **extra: Any) -> str:
        """A token asked for through ``POST /api/v1/tokens`` with the role's password."""
        r = self.app.test_client().post("/api/v1/tokens", json={"username": self.usernames[role],
                                                                "password": PASSWORD, **extra})
        assert r.status_code == 201, r.get_json()
        return r.get_json()["token"]

    def headers(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(role)}"}


def people(app, division: str = "140100", experts: int = 3, unit_code: str | None = None) -> People:
    from sqlalchemy import select

    from core.accounts import services as accounts
    from core.extensions import db
    from core.models import AdminUnit, EvaluatorFirm, Organization, Role
    from core.review import experts as expert_service
    from core.services.admin_units import sync_admin_units

    out = People(app)
    with app.app_context():
        region = app.extensions["greenmfg"].rules.region_code
        sync_admin_units("test")
        db.session.flush()
        query = select(AdminUnit).where(AdminUnit.region == region, AdminUnit.active).order_by(AdminUnit.code)
        unit = db.session.scalar(query.where(AdminUnit.code == unit_code) if unit_code else query)
        if unit is None:  # the national instance's units come with the provinces' recommendations
            unit = AdminUnit(region=region, code=unit_code or f"{region}.test_city", name="测试市", kind="市",
                             source="admin", active=True)
            db.session.add(unit)
            db.session.flush()
        out.unit_code, out.unit_id = unit.code, unit.id
        org = Organization(uscc=make_uscc(division), name="接口测试精密制造有限公司", admin_unit_id=unit.id,
                           legal_representative="王建国")
        firm = EvaluatorFirm(uscc=make_uscc("110000"), name="接口测试评价有限公司", legal_representative="孙立新",
                             qualifications={})
        db.session.add_all([org, firm])
        db.session.flush()
        out.org_id, out.uscc, out.firm_id = org.id, org.uscc, firm.id
        specs = {"admin": dict(role=Role.ADMIN), "province": dict(role=Role.PROVINCE),
                 "ministry": dict(role=Role.MINISTRY), "city": dict(role=Role.CITY, admin_unit_id=unit.id),
                 "applicant": dict(role=Role.APPLICANT, organization_id=org.id),
                 "evaluator": dict(role=Role.EVALUATOR, evaluator_firm_id=firm.id)}
        for role, spec in specs.items():
            name = f"api_{role}"
            user = accounts.create_user(username=name, password=PASSWORD, display_name=f"{role} 接口测试",
                                        actor="test", **spec)
            out.usernames[role], out.user_ids[role] = name, user.id
        for n in range(experts):
            profile = expert_service.add_expert("test", username=f"api_expert{n + 1}", password=PASSWORD,
                                                name=f"接口评审专家{n + 1}", fields=["factory", "park", "supply_chain"])
            out.expert_ids.append(profile.id)
            out.usernames[f"expert{n + 1}"] = profile.user.username
        out.usernames["expert"] = out.usernames.get("expert1", "")
        db.session.commit()
    return out


# ------------------------------------------------------------ generated client --

#: openapi-python-client's configuration: no formatter run, files (PDF, xlsx) as binary bodies
#: the generator's only setting: no formatter run on its output (ruff need not be on the PATH); the document
#: itself offers every file answer as application/octet-stream (core/api/spec.py), so no content-type overrides
CLIENT_CONFIG = "post_hooks: []\n"


def generate_client(document: dict[str, Any], where: Path, package: str):
    """Generate a client with openapi-python-client from ``document`` into ``where`` and import it."""
    where.mkdir(parents=True, exist_ok=True)
    spec, config = where / "openapi.json", where / "config.yaml"
    spec.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    config.write_text(CLIENT_CONFIG, encoding="utf-8")
    command = [str(Path(sys.executable).with_name("openapi-python-client")), "generate", "--path", str(spec),
               "--output-path", str(where / package), "--meta", "none", "--config", str(config), "--overwrite"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Warning" not in done.stdout + done.stderr, done.stdout + done.stderr
    if str(where) not in sys.path:
        sys.path.insert(0, str(where))
    importlib.invalidate_caches()
    return importlib.import_module(package)


def http_client(package, app, token: str | None = None):
    """The generated client talking to ``app`` in process (httpx's WSGI transport)."""
    import httpx

    transport = httpx.WSGITransport(app=app)
    if token is None:
        client = package.Client(base_url="http://greenmfg.test")
    else:
        client = package.AuthenticatedClient(base_url="http://greenmfg.test", token=token)
    client.set_httpx_client(httpx.Client(transport=transport, base_url="http://greenmfg.test",
                                         headers={"Authorization": f"Bearer {token}"} if token else {}))
    return client
