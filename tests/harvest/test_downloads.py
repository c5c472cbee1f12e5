"""CSV downloads (one row per code, missing codes flagged) and a wave's DDI-L document."""

from __future__ import annotations

import csv
import io

from lxml import etree

VARIABLE = "urn:ddi:fr.ddicat.elfe:elfe-v-m12-troubles-sommeil:1"
QUESTION = "urn:ddi:fr.ddicat.elfe:elfe-qi-sleep-hours:1"


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_variable_csv_has_one_row_per_code_with_missing_codes_flagged(demo_client) -> None:
    response = demo_client.get(f"/api/v1/items/{VARIABLE}.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = rows_of(response.text)
    assert {r["urn"] for r in rows} == {VARIABLE} and len(rows) >= 3
    missing = [r for r in rows if r["missing"] == "yes"]
    assert missing and all(r["code"].startswith("-") for r in missing)
    assert all(r["category_fr"] and r["category_en"] for r in rows)
    assert rows[0]["question_urn"].startswith("urn:ddi:fr.ddicat.elfe:")


def test_question_csv_lists_its_response_domain(demo_client) -> None:
    rows = rows_of(demo_client.get(f"/api/v1/items/{QUESTION}.csv").text)
    assert rows and rows[0]["type"] == "QuestionItem" and rows[0]["representation"] == "numeric"


def test_study_csv_covers_every_variable_and_filters_by_wave(demo_client) -> None:
    variables = demo_client.get("/api/v1/studies/elfe").json()["counts"]["Variable"]
    everything = rows_of(demo_client.get("/api/v1/studies/elfe/variables.csv").text)
    wave = rows_of(demo_client.get("/api/v1/studies/elfe/variables.csv", params={"wave": "1a"}).text)
    assert len({r["urn"] for r in everything}) == variables
    assert 0 < len({r["urn"] for r in wave}) < variables and all("1a" in r["waves"].split() for r in wave)
    assert demo_client.get("/api/v1/studies/elfe/variables.csv", params={"wave": "9z"}).status_code == 404


def test_a_wave_downloads_as_valid_ddi_l(demo_client, schemas_dir) -> None:
    from ddi_schemas.compiled import SchemaSet

    response = demo_client.get("/api/v1/studies/elfe/waves/1a.xml")
    assert response.status_code == 200
    document = etree.fromstring(response.content)
    assert SchemaSet(schemas_dir).validator("3.3").validate(etree.ElementTree(document))
