"""What the demo's records are made of: who acted where no demo account did (:data:`ACTOR`), the demo accounts'
password, invented names of people and companies, the area codes of the region's places (GB/T 2260, from
python-stdnum's table) in valid 统一社会信用代码, the list-history table a clerk uploads and blank PDFs."""
from __future__ import annotations

import io
import random
from functools import cache
from pathlib import Path

import stdnum
from stdnum.cn import uscc as stdnum_uscc



#: who the demo data says acted where no demo account did (a colon: never an account's name); pages name it in words
ACTOR = "demo:data"
_TRADES = ["新材料", "精密机械", "电子科技", "化工", "食品", "建材", "汽车零部件", "生物医药", "有色金属", "纺织"]
_SUFFIX = ["股份有限公司", "有限公司", "集团有限公司"]
_PEOPLE = ["王建国", "李红梅", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄丽", "周强", "吴敏"]

#: printed by ``greenmfg demo``; demo instances only
DEMO_PASSWORD = "greenmfg-demo-2025"


@cache
def _divisions() -> dict[str, dict[str, str]]:
    """Current area codes by province name, then by city name (python-stdnum's GB/T 2260 table)."""
    out: dict[str, dict[str, str]] = {}
    province: dict[str, str] = {}
    for line in (Path(stdnum.__file__).parent / "cn" / "loc.dat").read_text(encoding="utf-8").splitlines():
        if line[:1].isdigit():
            code, _, rest = line.partition(" ")
            province = out.setdefault(rest.split('"')[1], {"": code + "0000"})
        elif line.startswith("  ") and line[2:3].isdigit():
            code, _, rest = line.strip().partition(" ")
            name = rest.split('"')[1].split(",")[-1]
            if name.startswith("[") and not name.split("]")[0].endswith("-"):
                continue  # a former name: "[1983-1998]…"
            province[name.split("]")[-1]] = province[""][:2] + code
    return out


def division_code(province: str, unit: str = "") -> str:
    """The 6-digit area code of ``unit`` (a city's name) in ``province``; the province's own when not found,
    Beijing's for an instance that is no province (the ministry)."""
    codes = _divisions().get(province)
    if not codes:
        return "110000"
    return codes.get(unit) or codes[""]


def place_name(unit: str) -> str:
    """How a company's name says where it is: a city without 市 (长沙市 → 长沙, 郴州市 → 郴州), an autonomous
    prefecture by its first two characters (湘西土家族苗族自治州 → 湘西), any other unit as it is (赣江新区)."""
    if unit.endswith("自治州"):
        return unit[:2]
    if unit.endswith("市") and len(unit) > 2:
        return unit[:-1]
    return unit


def make_uscc(rng: random.Random, division: str = "110000") -> str:
    body = "91" + division + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    body += rng.choice("0123456789")
    return body + stdnum_uscc.calc_check_digit(body)


def history_table(rows: list[list]) -> bytes:
    """The rows as the CSV a clerk uploads (headers of :mod:`core.lists.history`)."""
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["层级", "年度", "类型", "统一社会信用代码", "名称", "市州", "文号", "发布日期", "状态", "移出日期", "移出原因"])
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8-sig")



def _pdf(pages: int) -> bytes:
    from pypdf import PdfWriter

    writer, buf = PdfWriter(), io.BytesIO()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    writer.write(buf)
    return buf.getvalue()
