"""The example row of the list-history template, from the instance's own region (issue 61).

A clerk downloads the template and reads its second row as "what a row of mine looks like": a city of the
region, one of its unit types, a credit code with the region's division code, a 文号 as the region's department
writes it, at the level the instance keeps. The row passes the import's own checks on its instance.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import select

from core.clock import today
from core.extensions import db
from core.kernel.rules import region_rules
from core.models import AdminUnit

_DATA = Path(__file__).parent / "data" / "provinces.txt"
_LEVEL_WORDS = {"province": "省级", "national": "国家级"}
#: MIIT's own list announcements (工业和信息化部办公厅 节函)
_NATIONAL_PREFIX = "工信厅节函"


class Province(NamedTuple):
    code: str
    name: str
    abbreviation: str
    capital: str
    department: str


@cache
def provinces() -> dict[str, Province]:
    """GB/T 2260's province-level divisions by name (``data/provinces.txt``)."""
    rows = (line.split() for line in _DATA.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#"))
    return {r[1]: Province(*r) for r in rows}


def credit_code(division: str, body: str = "MA4L0000") -> str:
    """A well-formed 统一社会信用代码 of a company (91) registered in ``division``, its check character computed."""
    from stdnum.cn import uscc

    stem = f"91{division}{body}".ljust(17, "0")[:17]
    return stem + uscc.calc_check_digit(stem)


def example_row() -> list[Any]:
    """层级, 年度, 类型, 统一社会信用代码, 名称, 市州, 文号, 发布日期, 状态 of an example unit of this instance's region."""
    rules = region_rules()
    region = rules.region
    province = provinces().get(region.name)
    units = db.session.scalars(select(AdminUnit).where(AdminUnit.region == rules.region_code,
                                                       AdminUnit.active.is_(True)).order_by(AdminUnit.id)).all()
    names = [u.name for u in units]
    if province is not None and province.capital in names:
        city, division = province.capital, f"{province.code}0100"
    else:
        city = names[0] if names else (province.capital if province else "")
        division = f"{province.code}0000" if province else "110000"
    unit_type = rules.unit_types.get("factory") or next(iter(rules.unit_types.values()))
    year = today().year - 1
    if region.authority == "national" or province is None:
        document_no = f"{_NATIONAL_PREFIX}〔{year}〕100号"
    else:
        document_no = f"{province.abbreviation}{province.department}节能〔{year}〕100号"
    return [_LEVEL_WORDS.get(region.authority, "省级"), year, unit_type.name, credit_code(division),
            f"{city.removesuffix('市')}示例绿色制造有限公司", city, document_no, f"{year}-12-20", "列入"]
