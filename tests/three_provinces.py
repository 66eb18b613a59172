"""Three provinces send the ministry their signed recommendation files, and the ministry imports them (issue 54):
shared by tests/lists/test_three_provinces_to_ministry.py and tests/e2e/test_ministry_overview_browser.py.

Hunan, Hubei and Jiangxi are three instances, each its own app and database (Hunan on the worker's PostgreSQL
database, Hubei and Jiangxi on SQLite files of their own, the ministry on the worker's second PostgreSQL database).
Each province makes six third-party evaluated units through the services (the firm engaged and its report filed,
the city's opinion, the provincial panel's grade, the provincial list), recommends them (``recommend.add``) and
exports its signed file (``recommend.export``; Hubei signs with SM2, the others with Ed25519). In all three files
one evaluator firm (one credit code, one legal representative) evaluated the six units: 18 national projects in
the year, over the national limit of 15 per legal representative (《绿色工厂梯度培育及管理暂行办法》 第二十条, restated
word for word by 003_a3fa60aeba77aa34.txt 二（四）: 同一法定代表人的第三方机构每年度开展的国家级绿色制造评价项目（包括
绿色工厂、绿色园区、绿色供应链管理企业）总计不得超过15项; plugins/national/rules.py ``EVALUATOR_CAP_NATIONAL``);
each province alone sees six. One enterprise credit code is recommended by Hunan (a green factory, row 2) and by
Jiangxi (a green industrial park, row 4; the 2025 national round takes factories and parks, 001
一): the national import refuses a row whose unit another file already queued that year as the same unit type
(naming that file's province and row), so the same code reaches the queue from two provinces only under two unit
types, and only the overview sees it came from two provinces.

The ministry registers each province's key from the file the province's key page downloads
(``keys.register_file``, the page's upload) and imports each file with ``recommend.import_document`` (the import
page's and the API's service). Dates: exported 2025-10-20 and imported 2025-10-28, before the 2025 deadline of the
recommendation to the ministry, 2025-11-07 (001_3f04a56fc6693327.txt 附件1 三).
"""
from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stdnum.cn import uscc as stdnum_uscc

sys.path.insert(0, str(Path(__file__).resolve().parent / "review"))  # kit.py, shared with tests/review
import kit
from helpers import new_signing_key

YEAR = 2025
EXPORTED = kit.beijing(dt.date(2025, 10, 20))
IMPORTED = kit.beijing(dt.date(2025, 10, 28))
PASSWORD = "三省推荐部级汇总测试口令-2025"
MINISTRY_USER = "miit"
CONSULTED = ["ecology_environment", "emergency_management", "market_regulation"]
#: the national limit of projects per legal representative a year (办法 第二十条; 003 二（四）)
NATIONAL_CAP = 15
PER_PROVINCE = 6


def _code(body: str) -> str:
    return body + stdnum_uscc.calc_check_digit(body)


#: the one evaluator firm of all three files (registered in Beijing: 110000)
FIRM = {"name": "中绿评价技术服务有限公司", "uscc": _code("91110000MA0GR0015"), "legal_representative": "王评价"}
#: the enterprise two provinces recommend
SHARED = {"name": "跨省重复推荐科技有限公司", "uscc": _code("91430100MA4TH0D2X")}
#: its row in each province's file, and the unit type it is recommended as there
SHARED_ROWS = {"hunan": (2, "factory"), "jiangxi": (4, "park")}
PROVINCE_NAMES = {"hunan": "湖南省", "hubei": "湖北省", "jiangxi": "江西省"}
CITIES = {"hunan": "长沙市", "hubei": "武汉市", "jiangxi": "南昌市"}
ALGORITHMS = {"hunan": "ed25519", "hubei": "sm2", "jiangxi": "ed25519"}


def _private_key(algorithm: str) -> str:
    if algorithm == "sm2":
        from core.services import signing
        from core.services.sm2 import SM2PrivateKey

        return signing.private_pem(SM2PrivateKey.generate()).decode()
    return new_signing_key()


#: one key per province and test process (the apps built with them are kept for the process's later tests)
KEYS = {region: _private_key(algorithm) for region, algorithm in ALGORITHMS.items()}


@dataclass
class Sent:
    """What one province sent: its signed file as exported (bytes), its key file, the rows' unit names."""
    region: str
    raw: bytes
    key_file: bytes
    names: list[str] = field(default_factory=list)

    @property
    def document(self) -> dict[str, Any]:
        return json.loads(self.raw)


@dataclass
class Ministry:
    app: Any
    sent: dict[str, Sent]
    #: per province, the applications the import queued, in the file's order
    queued: dict[str, list[int]]
    reports: dict[str, dict[str, Any]]


def sqlite_url(tmp_path_factory, template: Path, name: str) -> str:
    """A migrated, empty SQLite database of the worker for one instance (one file per name, copied afresh)."""
    path = tmp_path_factory.getbasetemp() / f"{name}.sqlite3"
    for leftover in (path.with_name(path.name + "-journal"), path.with_name(path.name + "-wal")):
        leftover.unlink(missing_ok=True)
    shutil.copy(template, path)
    return f"sqlite:///{path}"


def province_app(make_app, region: str, url: str):
    return make_app(region, SQLALCHEMY_DATABASE_URI=url, GREENMFG_REVIEW_MIN_EXPERTS=1,
                    GREENMFG_RECOMMENDATION_KEY=KEYS[region], GREENMFG_SIGNING_ALGORITHM=ALGORITHMS[region])


def _evaluated(region: str, c, city, org, firm, unit_type: str):
    """One unit the firm evaluated for the national round: engagement accepted, report filed, the city's opinion,
    graded by the provincial panel (one expert), on the provincial list of the year."""
    from core.extensions import db
    from core.models import ApplicationStatus, EvaluationRequest, ListEntry

    values = None if unit_type == "factory" else {}
    a = kit.application(c, city, unit_type=unit_type, org=org, mode="third_party", values=values)
    if region == "hubei":  # what Hubei's applicants declare (002_9c75e1d2ebfbdf50.txt 附件1 一(二) 基本条件)
        a.extension_data = {f"hubei.{key}": True for key in (
            "meets_type_standard", "independent_legal_person", "actual_manufacturing", "complies_with_laws",
            "factory_leading_performance", "factory_management_systems")}
    if region == "jiangxi" and unit_type == "park":  # the park conditions of 003_a3fa60aeba77aa34.txt 二（二）
        a.extension_data = {"jiangxi.park_main_function": True, "jiangxi.park_industrial_va_share": 62.5,
                            "jiangxi.park_legal_boundary": True, "jiangxi.park_unified_management": True,
                            "jiangxi.park_rank": "provincial"}
    request = EvaluationRequest(application_id=a.id, firm_id=firm.id, status="accepted", self_evaluation_by="self",
                                requested_by="t")
    db.session.add(request)
    db.session.flush()
    report = kit.firm_report(request, score=86.5)
    report.sha256 = f"{region}{a.id}".encode().hex().ljust(64, "0")[:64]
    a.evaluator_firm_id = firm.id
    a.city_opinion = f"经{city.name}工信局会同生态环境、应急管理、市场监管部门审核，同意推荐。"
    kit.panel(a, [90], [kit.expert(f"专家{region}{a.id}", region, unit_=kit.unit(region), fields=(unit_type,))])
    db.session.add(ListEntry(organization_id=a.organization_id, unit_type=unit_type, level="provincial", year=YEAR,
                             status="listed", listed_on=dt.date(YEAR, 6, 30), notice_no="省级名单文号",
                             application_id=a.id))
    a.status = ApplicationStatus.LISTED
    db.session.flush()
    return a


def province_file(app, region: str) -> Sent:
    """The province's six units recommended and its file exported, signed, through the services."""
    from core.extensions import db
    from core.lists import keys, recommend
    from core.models import EvaluatorFirm, Organization

    with app.app_context():
        c = kit.campaign(region, year=YEAR, level="national", types=("factory", "park"))
        city = kit.unit(region, name=CITIES[region])
        firm = EvaluatorFirm(uscc=FIRM["uscc"], name=FIRM["name"], legal_representative=FIRM["legal_representative"],
                             qualifications=dict(kit.HUBEI_QUALIFIED))
        db.session.add(firm)
        db.session.flush()
        rec = recommend.recommendation_for(YEAR, "province", create=True)
        recommend.set_consulted("province", rec, CONSULTED)
        names = []
        for row in range(1, PER_PROVINCE + 1):
            shared = SHARED_ROWS.get(region)
            if shared and shared[0] == row:
                org = Organization(uscc=SHARED["uscc"], name=SHARED["name"], admin_unit_id=city.id)
                db.session.add(org)
                db.session.flush()
                unit_type = shared[1]
            else:
                org = kit.organization(city, name=f"{PROVINCE_NAMES[region]}绿色示范{row}号有限公司")
                unit_type = "factory"
            a = _evaluated(region, c, city, org, firm, unit_type)
            recommend.add("province", rec, a, acknowledge_warnings=True, at=EXPORTED)
            names.append(org.name)
        recommend.export("province", rec, at=EXPORTED)
        db.session.commit()
        raw = recommend.recommendation_for(YEAR).document.encode("utf-8")
        key_file = keys.key_file(keys.own_key(app.config))
        db.session.remove()
    return Sent(region, raw, key_file, names)


#: the files the provinces sent, made once per test process: what a province sent is bytes, the same for every
#: later test (which builds its own national instance to import them)
_SENT: dict[str, Sent] = {}


def provinces(make_app, database_url: str, tmp_path_factory, template: Path) -> dict[str, Sent]:
    """Hunan on the worker's database, Hubei and Jiangxi on SQLite files of their own: each exports its file."""
    if not _SENT:
        urls = {"hunan": database_url, "hubei": sqlite_url(tmp_path_factory, template, "province-hubei"),
                "jiangxi": sqlite_url(tmp_path_factory, template, "province-jiangxi")}
        made = {region: province_file(province_app(make_app, region, url), region) for region, url in urls.items()}
        _SENT.update(made)  # all three or none: a test that failed half-way leaves nothing half-made
    return dict(_SENT)


def ministry(make_app, national_url: str, sent: dict[str, Sent], imported=tuple(PROVINCE_NAMES)) -> Ministry:
    """The national instance: the ministry's account, each province's key registered from its key file, the files
    of ``imported`` (all three by default, in the order Hunan, Hubei, Jiangxi) imported and committed."""
    from core.accounts import services as accounts
    from core.extensions import db
    from core.lists import keys, recommend
    from core.models import Role

    # files are taken whatever their age (the import is dated 2025-10-28; an API import is dated today)
    app = make_app("national", SQLALCHEMY_DATABASE_URI=national_url, GREENMFG_RECOMMENDATION_MAX_AGE_DAYS=0)
    queued, reports = {}, {}
    with app.app_context():
        accounts.create_user(username=MINISTRY_USER, password=PASSWORD, display_name="工业和信息化部节能司",
                             role=Role.MINISTRY, actor="t")
        for region, s in sent.items():
            keys.register_file("miit", s.key_file, note=f"{PROVINCE_NAMES[region]}签名公钥")
        db.session.commit()
        for region in imported:
            report = recommend.import_document(MINISTRY_USER, sent[region].raw, at=IMPORTED)
            assert report["ok"], (region, report)
            db.session.commit()
            queued[region], reports[region] = report["application_ids"], report
        db.session.remove()
    return Ministry(app, sent, queued, reports)
