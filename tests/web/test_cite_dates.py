"""A deadline's citation reads as its document writes it (issue 42: the 2024 and 2026 rounds showed
"三 (2025年11月7日前)").

The province's recommendation to the Ministry is due 每年7月31日前 (办法 第十二条, national plugin); the 2025 notice
moved that year's to 2025年11月7日 (seed 001_3f04a56fc6693327.txt line 72: "于 2025 年 11 月 7 日前将推荐名单…报送工业和
信息化部", 附件1 三). A Chinese page writes the dates in the document's full-width brackets, an English page in English;
a 2026 deadline cites no 2025 date, while the 2025 round's row keeps it.
"""
from __future__ import annotations

from bs4 import BeautifulSoup


def _rows(app, lang: str) -> tuple[str, str]:
    """The cite of this year's (2026) recommendation deadline and of the 2025 round's, on the home page."""
    page = app.test_client().get(f"/?year=2026&lang={lang}").get_data(as_text=True)
    soup = BeautifulSoup(page, "html.parser")
    sections = soup.select("section table.grid")
    this_year = next(tr for tr in sections[0].select("tr") if "2026-07-31" in tr.get_text())
    other = next(tr for tr in sections[1].select("tr") if "2025-11-07" in tr.get_text())
    return this_year.select_one(".cite").get_text(), other.select_one(".cite").get_text()


def test_dates_in_a_cite_read_as_the_document_writes_them(make_app):
    app = make_app("hubei")
    this_year, round_2025 = _rows(app, "zh")
    assert "第十二条（每年7月31日前）" in this_year, this_year
    assert "11月7日" not in this_year and "390号" not in this_year, this_year  # the 2025 notice set 2025's only
    assert "三（2025年11月7日前）" in round_2025, round_2025
    assert "(2025年11月7日前)" not in round_2025 and "(每年7月31日前)" not in round_2025

    this_year, round_2025 = _rows(app, "en")
    assert "第十二条 (by 31 July each year)" in this_year and "7月31日前" not in this_year, this_year
    assert "三 (by 7 November 2025)" in round_2025 and "11月7日前" not in round_2025, round_2025


def test_the_rules_page_writes_them_so_too(make_app):
    client = make_app("hubei").test_client()
    row = next(tr for tr in BeautifulSoup(client.get("/rules?year=2026&lang=zh").get_data(as_text=True),
                                          "html.parser").select("tr") if "省级主管部门向工业和信息化部报送推荐名单" in tr.get_text())
    # the 办法 is cited as the document writes the date, and as a text the platform ships no copy of (issue 43)
    assert row.select_one(".cite").get_text(strip=True).endswith("第十二条（每年7月31日前）（本平台未收录原文）"), row
    row = next(tr for tr in BeautifulSoup(client.get("/rules?year=2025&lang=en").get_data(as_text=True),
                                          "html.parser").select("tr") if "to the Ministry" in tr.get_text())
    assert row.select_one(".cite").get_text(strip=True).endswith("三 (by 7 November 2025)"), row
