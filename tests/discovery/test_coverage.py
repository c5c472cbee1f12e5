"""The coverage grid through the HTTP app: cohort × wave × topic counts of variables, each cell the search
that lists them, on a page and in the API."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit


def test_the_grid_counts_the_variables_of_each_cohort_wave_and_topic(discovery_client) -> None:
    grid = discovery_client.get("/api/v1/coverage").json()
    studies = {g["study"]["slug"]: g for g in grid["studies"]}
    assert set(studies) == {"elfe", "epipage2", "snds"}
    elfe = studies["elfe"]
    assert [w["name"] for w in elfe["waves"]] == ["maternite", "2m", "1a", "3a5", "5a5", "8a5", "prelevements"]
    assert elfe["waves"][1]["age_min_months"] == 2
    topics = {row["concept"]["facet"]: row for row in elfe["rows"]}
    assert {"Sleep", "Breastfeeding", "Biological samples"} <= set(topics)
    samples = {cell["wave"]: cell["count"] for cell in topics["Biological samples"]["cells"]}
    assert samples == {"maternite": 0, "2m": 0, "1a": 0, "3a5": 0, "5a5": 0, "8a5": 0, "prelevements": 5}
    # every variable of a wave is on some row: its topics, or "without topic"
    for index, total in enumerate(elfe["variables_per_wave"]):
        on_rows = sum(row["cells"][index]["count"] for row in elfe["rows"]) + elfe["without_topic"][index]
        assert on_rows >= total > 0
    assert elfe["without_topic"][5] > 0  # the REDCap wave names no topic
    assert studies["snds"]["waves"] == [] and studies["snds"]["variables_without_wave"] > 800
    assert {"Sleep", "Breastfeeding"} <= {t["facet"] for t in grid["topics"]}


def test_each_cell_is_the_search_of_its_variables(discovery_client) -> None:
    grid = discovery_client.get("/api/v1/coverage", params={"study": ["elfe", "epipage2"]}).json()
    assert {g["study"]["slug"] for g in grid["studies"]} == {"elfe", "epipage2"}
    checked = 0
    for study in grid["studies"]:
        for row in study["rows"]:
            for cell in row["cells"]:
                if not cell["count"]:
                    continue
                found = discovery_client.get("/api/v1/search", params={**cell["search"], "limit": 1}).json()
                assert found["total"] == cell["count"], (study["study"]["slug"], row["concept"]["facet"], cell)
                checked += 1
    assert checked > 50


def test_the_coverage_page_is_an_accessible_table_whose_cells_lead_to_the_variables(discovery_client) -> None:
    html = discovery_client.get("/coverage", params={"lang": "fr"}).text
    assert "<caption>Variables par thème et par vague · Cohorte de naissance démo Elfe</caption>" in html
    assert '<th scope="col">Thème</th>' in html and '<th scope="row"><a href=' in html
    links = [unescape(href) for href in re.findall(r'<td class="covered"><a href="([^"]+)"', html)]
    assert links
    link = next(link for link in links if "concept=Sommeil" in link or "concept=Sleep" in link)
    query = parse_qs(urlsplit(link).query)
    assert query["type"] == ["Variable"] and "lang" not in query and len(query["wave"]) == 1
    page = discovery_client.get(link).text
    cell = re.search(re.escape(link.replace("&", "&amp;")) + r'" aria-label="[^"]*">([\d\s\u202f]+)</a>', html)
    assert cell is not None
    total = re.search(r'<p class="total" role="status">([\d\s\u202f,.]+)', page)
    assert total is not None and re.sub(r"\D", "", total.group(1)) == re.sub(r"\D", "", cell.group(1))
    assert "Cette étude ne décrit aucune vague" in html  # the SNDS
