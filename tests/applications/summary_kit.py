"""Summary-table worlds: a city, a round and recommended applications with realistic data, per region.

Each case is a round whose table the seeds (or the platform) define:

* ``hunan-2024``: 000 附件2-1 and 附件2-2 (provincial creation plan);
* ``hunan-2025``: 001 附件2 新申报国家级绿色制造单位信息汇总表 (national round; platform columns);
* ``jiangxi-2024``: 003 附件 2024年绿色制造名单推荐汇总表 (one sheet, three tables, tick boxes);
* ``hubei-2025``, ``shanxi-2025``: the cities' recommendation tables (platform layouts).

Rows are written with bulk INSERTs so that 10,000 of them take a second.
"""
from __future__ import annotations

import datetime as dt
import io
import random
from dataclasses import dataclass

from sqlalchemy import insert, select
from stdnum.cn import uscc as stdnum_uscc

from core.declared_fields import api_field
from core.extensions import db
from core.clock import end_of_day
from core.models import AdminUnit, Application, Campaign, EvaluatorFirm, Organization
from core.models import ApplicationStatus as S


@dataclass(frozen=True)
class Case:
    name: str
    region: str
    year: int
    level: str
    types: tuple[str, ...]
    city_code: str
    city: str


CASES = {c.name: c for c in (
    Case("hunan-2024", "hunan", 2024, "provincial", ("factory", "supply_chain", "park"), "hunan.changsha", "长沙市"),
    Case("hunan-2025", "hunan", 2025, "national", ("factory", "park"), "hunan.zhuzhou", "株洲市"),
    Case("jiangxi-2024", "jiangxi", 2024, "national", ("factory", "park", "supply_chain"), "jiangxi.nanchang",
         "南昌市"),
    Case("hubei-2025", "hubei", 2025, "national", ("factory", "park", "supply_chain", "product"), "hubei.wuhan",
         "武汉市"),
    Case("shanxi-2025", "shanxi", 2025, "provincial", ("factory", "park", "supply_chain"), "shanxi.taiyuan", "太原市"),
)}

TRADES = ("精细化工", "新材料", "装备制造", "电子信息", "食品加工", "生物医药", "有色金属", "建筑材料")
COUNTIES = ("青山湖区", "新建区", "南昌县", "进贤县", "安义县")
PARK_TYPES = ("国家级经济技术开发区", "省级高新技术产业开发区", "省级工业园区")
HUNAN_INDUSTRIES = ("有色金属", "冶金", "建材", "化工", "机械", "汽车", "电子", "轻工", "食品", "生物医药", "其它")
MODERN = ("现代石化", "工程机械", "轨道交通", "数字产业", "新能源", "前沿材料")


def uscc(n: int, prefix: str = "91430100") -> str:
    body = f"{prefix}{n:09d}"
    return body + stdnum_uscc.calc_check_digit(body)


def world(case: Case, *, opens: dt.datetime | None = None) -> tuple[AdminUnit, Campaign]:
    """The case's city and round (open from the year before the round until a year from today, so drafts
    may still be changed)."""
    unit = db.session.scalar(select(AdminUnit).where(AdminUnit.code == case.city_code))
    if unit is None:
        unit = AdminUnit(region=case.region, code=case.city_code, name=case.city, kind="市", source="test")
        db.session.add(unit)
    today = dt.date.today()
    c = Campaign(region=case.region, year=case.year, level=case.level, title=f"{case.year}年 {case.level}",
                 unit_types=list(case.types), opens_at=opens or dt.datetime(case.year - 1, 1, 1, tzinfo=dt.UTC),
                 closes_at=end_of_day(today + dt.timedelta(days=365)))
    db.session.add(c)
    db.session.flush()
    return unit, c


def ext_for(case: Case, unit_type: str, i: int, rng: random.Random) -> dict:
    """What the region's form fields hold for the i-th unit (the values the table prints)."""
    y = case.year
    if case.region == "hunan" and case.level == "provincial":
        if unit_type == "park":
            return {"hunan.leading_industry": f"{rng.choice(TRADES)}、{rng.choice(TRADES)}",
                    "hunan.park_built_area": round(rng.uniform(3, 60), 2),
                    "hunan.park_total_output_est": round(rng.uniform(50, 900), 2),
                    "hunan.park_industrial_output_est": round(rng.uniform(40, 800), 2)}
        return {"hunan.main_business": f"{rng.choice(TRADES)}产品的研发、生产与销售",
                "hunan.industry": rng.choice(HUNAN_INDUSTRIES), "hunan.modern_industry": rng.choice(MODERN),
                "hunan.finances": [{"year": year, "total_assets": 5000 + i, "debt_ratio": 45.5,
                                    "revenue": round(rng.uniform(1000, 90000), 2), "profit": round(rng.uniform(-50, 900), 2),
                                    "tax": round(rng.uniform(10, 600), 2)} for year in (y - 3, y - 2, y - 1)]}
    if case.region == "jiangxi":
        ext = {"jiangxi.county": rng.choice(COUNTIES)}
        if unit_type == "park":
            ext["jiangxi.park_type"] = rng.choice(PARK_TYPES)
        return ext
    return {}


def populate(case: Case, unit: AdminUnit, campaign: Campaign, n: int, *, status: S = S.CITY_RECOMMENDED,
             start: int = 1, seed: int = 21, types: tuple[str, ...] | None = None) -> list[int]:
    """``n`` applications of the city, spread over ``types`` (default: the round's unit types) with bulk
    INSERTs; their ids."""
    types = types or case.types
    from flask import current_app

    rng = random.Random(seed + start)
    rules = current_app.extensions["greenmfg"].rules
    industries = sorted(rules.industries)
    firm = db.session.scalar(select(EvaluatorFirm).where(EvaluatorFirm.name == "江南绿色低碳评价技术有限公司"))
    if firm is None:
        firm = EvaluatorFirm(uscc=uscc(900001, "91360100"), name="江南绿色低碳评价技术有限公司",
                             legal_representative="孙立新")
        db.session.add(firm)
        db.session.flush()
    now = dt.datetime.now(dt.UTC)
    orgs = []
    for i in range(start, start + n):
        trade = TRADES[i % len(TRADES)]
        name = f"{case.city}{'第' + str(i) + '号' if i % 3 else ''}{trade}{'科技股份' if i % 2 else ''}有限公司"
        orgs.append({"uscc": uscc(i + 100000 * (list(CASES).index(case.name) + 1)), "name": name,
                     "admin_unit_id": unit.id, "created_at": now, "updated_at": now})
    db.session.execute(insert(Organization), orgs)
    ids = dict(db.session.execute(select(Organization.uscc, Organization.id)
                                  .where(Organization.uscc.in_([o["uscc"] for o in orgs]))).all())
    apps = []
    for k, o in enumerate(orgs):
        i = start + k
        unit_type = types[k % len(types)]
        levels = ["national", "provincial"] if case.region in ("jiangxi", "hubei") and i % 2 else [case.level]
        third = case.region in ("jiangxi", "hubei", "shanxi") and i % 4 != 0
        industry = industries[i % len(industries)] if industries and unit_type != "park" and (
            case.region != "hunan" or case.level == "national") else None
        apps.append({"campaign_id": campaign.id, "organization_id": ids[o["uscc"]], "admin_unit_id": unit.id,
                     "unit_type": unit_type, "level": case.level,
                     "evaluation_mode": "third_party" if third else "self",
                     "evaluator_firm_id": firm.id if third else None, "status": status, "industry": industry,
                     "indicator_values": {}, "extension_data": ext_for(case, unit_type, i, rng),
                     "score": None if status == S.DRAFT else round(rng.uniform(60, 98), 2),
                     "requested_levels": levels, "contact_name": rng.choice(("王建国", "李娜", "欧阳晓明")),
                     "contact_phone": f"1380013{i % 10000:04d}", "declarations": {}, "version": 1,
                     "submitted_at": None if status == S.DRAFT else now, "created_at": now, "updated_at": now})
    db.session.execute(insert(Application), apps)
    db.session.commit()
    return [a for (a,) in db.session.execute(select(Application.id).where(
        Application.campaign_id == campaign.id, Application.organization_id.in_(list(ids.values()))))]


def rows_of(ws) -> list[list]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def header_row(rows: list[list], first: str = "序号") -> int:
    """The index of the first header row (the row whose first cell is 序号)."""
    return next(i for i, r in enumerate(rows) if r and r[0] == first)


def data_rows(rows: list[list]) -> list[list]:
    """The rows whose first cell is a row number."""
    return [r for r in rows if r and isinstance(r[0], int)]


def save(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ----------------------------------------------------------- editing a table --


def layout_columns(campaign: Campaign):
    """[(section, [Col…])] of the round's layout, in print order."""
    from core.applications.summary_layout import layout_for, resolve_columns, section_types

    choice = layout_for(campaign)
    return choice, [(s, resolve_columns(s, choice.year, section_types(s, campaign)))
                    for sheet in choice.layout.sheets for s in sheet.sections if s.columns]


def _positions(cols) -> dict[str, int]:
    return {c.key: i for i, c in enumerate([c for c in cols if c.printed] + [c for c in cols if not c.printed])}


def table_rows(ws, sections) -> list[tuple[int, list]]:
    """(row number, columns) of every data row of a sheet, with the section's columns."""
    out, current = [], None
    rows = list(ws.iter_rows(values_only=True))
    for r, values in enumerate(rows, start=1):
        texts = {str(v).strip() for v in values if v not in (None, "")}
        below = {str(v).strip() for v in rows[r] if v not in (None, "")} if r < len(rows) else set()
        for section, cols in sections:
            headers = {c.header for c in cols if c.printed}
            if headers and headers <= (texts | below) and values[0] == "序号":
                current = cols
        if current is not None and isinstance(values[0], int):
            out.append((r, current))
    return out


def new_value(col, old, n: int, unit_type: str, campaign: Campaign):
    """A different valid value for an editable column (what a clerk would type)."""
    from flask import current_app
    from marshmallow import fields as ma

    from core.applications.summary_layout import number, ticks_text

    rules = current_app.extensions["greenmfg"].rules
    key = col.key
    if key == "contact":
        return f"赵新{n} 139{n:08d}"
    if key == "industry":
        names = [ind.name for ind in rules.industries.values()]
        return next(x for x in names[n % len(names):] + names if x != old)
    if key == "requested_levels":
        from core.applications.services import requested_level_choices

        allowed = requested_level_choices(campaign, unit_type)
        options = [[c] for c in col.choices if c in allowed] + [[c for c in col.choices if c in allowed]]
        chosen = next(o for o in options if (ticks_text(o, col.choices) if col.ticks else "、".join(
            col.choices[c] for c in o)) != old)
        return ticks_text(chosen, col.choices) if col.ticks else "、".join(col.choices[c] for c in chosen)
    if key == "evaluation_mode":
        from core.plugins.types import Level

        allowed = [str(m) for m in rules.evaluation_modes(unit_type, Level(campaign.level), campaign.year).allowed]
        labels = {"self": "自评价", "third_party": "第三方评价"}
        options = [labels[m] for m in allowed if labels[m] != old]
        return options[0] if options else None
    if col.cell is not None:
        return float((number(old) or 0) + 100) + 0.25 + n
    field = api_field(col.form_field)
    choices = field.metadata.get("choices")
    if choices:
        return next(c for c in choices[n % len(choices):] + list(choices) if c != old)
    if isinstance(field, ma.Boolean):
        return "否" if old == "是" else "是"
    if isinstance(field, ma.Number):
        return float((number(old) or 0) + 1) + 0.5
    return f"{old or ''}（改{n}）"


def edit_every_column(wb, campaign: Campaign) -> dict[tuple[str, str], object]:
    """Change every editable column of every data row of ``wb`` (openpyxl, not read-only);
    returns {(credit code, column key): new value}."""
    from core.applications.summary_layout import USCC_KEY, text

    _, sections = layout_columns(campaign)
    edits = {}
    n = 0
    for ws in wb.worksheets:
        for r, cols in table_rows(ws, sections):
            pos = _positions(cols)
            code = text(ws.cell(row=r, column=pos[USCC_KEY] + 1).value)
            unit_type = _unit_type_of(cols, ws, r, pos, campaign)
            for c in cols:
                if c.kind != "editable":
                    continue
                n += 1
                cell = ws.cell(row=r, column=pos[c.key] + 1)
                value = new_value(c, text(cell.value), n, unit_type, campaign)
                if value is None:
                    continue
                cell.value = value
                edits[(code, c.key)] = value
    return edits


def _unit_type_of(cols, ws, r, pos, campaign) -> str:
    from flask import current_app

    rules = current_app.extensions["greenmfg"].rules
    types = list(campaign.unit_types)
    col = next((c for c in cols if c.key == "unit_type"), None)
    if col is None:
        return types[0] if len(types) == 1 else _by_caption(cols, campaign)
    label = ws.cell(row=r, column=pos["unit_type"] + 1).value
    for t in types:
        if label in (col.choices.get(t), rules.unit_types[t].name):
            return t
    raise AssertionError(label)


def _by_caption(cols, campaign) -> str:
    """The unit type of a section without a 创建类型 column (Jiangxi: one type a table)."""
    from core.applications.summary_layout import layout_for
    from core.plugins.types import year_text

    choice = layout_for(campaign)
    for sheet in choice.layout.sheets:
        for s in sheet.sections:
            if [year_text(c.header, choice.year) for c in s.columns] == [c.header for c in cols if c.printed]:
                return s.unit_types[0]
    raise AssertionError("no section")


def stored_value(col, app_row, org_row, campaign):
    """What the database holds for a column of an application, as the clerk typed it."""
    from flask import current_app

    from core.applications.summary_layout import table_row, ticks_text

    rules = current_app.extensions["greenmfg"].rules
    key = col.key
    ext = app_row.extension_data or {}
    if key == "contact":
        return f"{app_row.contact_name} {app_row.contact_phone}"
    if key == "industry":
        return rules.industries[app_row.industry].name if app_row.industry else None
    if key == "requested_levels":
        chosen = list(app_row.requested_levels)
        return ticks_text(chosen, col.choices) if col.ticks else "、".join(col.choices[c] for c in col.choices
                                                                           if c in chosen)
    if key == "evaluation_mode":
        return {"self": "自评价", "third_party": "第三方评价"}[app_row.evaluation_mode]
    if col.cell is not None:
        row = table_row(ext.get(col.cell[0]), col)
        return None if row is None else row.get(col.cell[3])
    value = ext.get(key)
    if isinstance(value, bool):
        return "是" if value else "否"
    return value
