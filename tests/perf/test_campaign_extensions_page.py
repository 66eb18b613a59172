"""Issue 57: the province's campaign page lists a round's applicant deadline extensions a page at a time (it listed
every one: 25,000 rows at 500,000 applications, bench/bench_pages.py ``--buffers``), newest first, and the pages
around it reach every extension once."""
from __future__ import annotations

import sys
from pathlib import Path

from bs4 import BeautifulSoup

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_statement_counts import grow, world  # noqa: E402,F401  (the fixture)

from core.applications.extension_page import PER_PAGE  # noqa: E402


def _shown(client, url: str) -> tuple[list[str], dict[str, str]]:
    soup = BeautifulSoup(client.get(url).get_data(as_text=True), "html.parser")
    table = soup.select_one("#extensions").find_next_sibling("table")
    names = [tr.select("td")[0].get_text(" ", strip=True) for tr in table.select("tr") if len(tr.select("td")) == 4]
    links = {a["id"]: a["href"] for a in soup.select("#extensions-pager a")}
    return names, links


def test_the_campaign_page_shows_a_page_of_extensions_and_links_to_the_rest(world):
    grow(world, 300)  # one organization in five is given an extension: 60
    province = world.client("province")
    first, links = _shown(province, f"/province/campaigns/{world.campaign_id}")
    assert len(first) == PER_PAGE == 50 and set(links) == {"extensions-next"}
    assert first[0].startswith("长沙第00297号")  # newest first: the last organization grown with one (k = 297)
    rest, links = _shown(province, links["extensions-next"])
    assert len(rest) == 10 and set(links) == {"extensions-prev"} and not set(rest) & set(first)
    back, _ = _shown(province, links["extensions-prev"])
    assert back == first
    # a cursor that is no id reads the first page
    again, _ = _shown(province, f"/province/campaigns/{world.campaign_id}?ext_after=x&ext_before=99999999999")
    assert again == first
