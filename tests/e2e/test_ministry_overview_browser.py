"""The ministry clicks from its to-do page to the national overview and from each finding to the rows that raise it
(issue 54), on the national instance that imported the signed files of Hunan, Hubei and Jiangxi
(tests/three_provinces.py): one evaluator firm with 18 national projects in the year, over the limit of 15 per
legal representative (《绿色工厂梯度培育及管理暂行办法》 第二十条; 003_a3fa60aeba77aa34.txt 二（四）), and one credit code
recommended by Hunan (row 2) and Jiangxi (row 4)."""
from __future__ import annotations

import pytest
import three_provinces as tp
from browser_kit import open_page, serving

from core.lists.overview import EVALUATOR_OVER_CAP, SAME_CODE


@pytest.fixture
def national(make_app, database_url, national_url, tmp_path_factory, sqlite_template):
    sent = tp.provinces(make_app, database_url, tmp_path_factory, sqlite_template)
    return tp.ministry(make_app, national_url, sent)


def _rows(section) -> list[tuple[str, str, str]]:
    """(province, row of its file, unit name) of each row a finding's table lists."""
    out = []
    for tr in section.locator("table tr").all()[1:]:
        cells = tr.locator("td").all_inner_texts()
        out.append((cells[0], cells[1], cells[2]))
    return out


def test_the_ministry_clicks_from_its_to_do_page_to_the_overview_and_from_each_finding_to_its_rows(national,
                                                                                                  chromium):
    from playwright.sync_api import expect

    sent, queued = national.sent, national.queued
    names = {(tp.PROVINCE_NAMES[region], str(n)): (name, queued[region][n - 1])
             for region, s in sent.items() for n, name in enumerate(s.names, start=1)}
    with serving(national.app) as base, open_page(chromium) as (page, errors):
        page.goto(base + "/")
        page.click("header a[href$='/login']")
        page.fill("#username", tp.MINISTRY_USER)
        page.fill("#password", tp.PASSWORD)
        with page.expect_navigation():  # the log-in's answer before the next step
            page.click("#login-submit")
        page.click("header >> text=首页")
        expect(page.locator("#todo-title")).to_contain_text("待办事项")
        # the three files wait on the to-do page; the overview is one click away
        for province in ("湖南省", "湖北省", "江西省"):
            expect(page.locator("main")).to_contain_text(f"查阅{province}推荐的2025年度国家级候选单位")
        page.locator("a[href='/ministry/overview']").first.click()
        page.wait_for_load_state("domcontentloaded")
        expect(page.locator("h1")).to_have_text("全国汇总 2025")
        for province in ("湖南省", "湖北省", "江西省"):
            expect(page.locator("#overview-provinces")).to_contain_text(province)

        same = page.locator(f"section.finding[data-kind='{SAME_CODE}']")
        cap = page.locator(f"section.finding[data-kind='{EVALUATOR_OVER_CAP}']")
        expect(same.locator("h3")).to_have_text(
            f"{tp.SHARED['name']}（统一社会信用代码 {tp.SHARED['uscc']}）被 2 个省份同时推荐。")
        expect(cap.locator("h3")).to_have_text(
            "法定代表人为 王评价 的评价机构本年度在各省共有 18 个国家级评价项目，超过 15 项的上限。")
        assert _rows(same) == [("湖南省", "2", tp.SHARED["name"]), ("江西省", "4", tp.SHARED["name"])]
        assert sorted(_rows(cap)) == sorted((province, n, name) for (province, n), (name, _) in names.items())

        # every row links to the application the import queued; each row of the code in two provinces, and the
        # first row of each province under the firm, is clicked and opens the unit
        overview_url = page.url
        clicked = set()
        for kind in (SAME_CODE, EVALUATOR_OVER_CAP):
            section = page.locator(f"section.finding[data-kind='{kind}']")
            rows = section.locator("table tr").all()[1:]
            for tr in rows:
                province, n = tr.locator("td").all_inner_texts()[:2]
                assert tr.locator("a").get_attribute("href") == f"/review/applications/{names[(province, n)][1]}"
            for i in range(len(rows)):
                row = page.locator(f"section.finding[data-kind='{kind}'] table tr").nth(i + 1)
                province, n, name = row.locator("td").all_inner_texts()[:3]
                if kind == EVALUATOR_OVER_CAP and (kind, province) in clicked:
                    continue
                clicked.add((kind, province))
                row.locator("a").click()
                page.wait_for_load_state("domcontentloaded")
                assert page.url == f"{base}/review/applications/{names[(province, n)][1]}", (kind, province, n)
                expect(page.locator("h1 small")).to_have_text(name)
                page.goto(overview_url)
        assert len(clicked) == 5
        assert errors == []
