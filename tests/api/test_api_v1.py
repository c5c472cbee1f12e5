"""The JSON API on the demo catalogue, through the real FastAPI app."""

from __future__ import annotations

from lxml import etree

VARIABLE = "urn:ddi:fr.ddicat.elfe:elfe-v-m12-troubles-sommeil:1"
QUESTION = "urn:ddi:fr.ddicat.elfe:elfe-qi-sleep-hours:1"


def test_studies_lists_the_demo_cohorts_with_counts(demo_client) -> None:
    body = demo_client.get("/api/v1/studies").json()
    slugs = {s["slug"]: s for s in body["studies"]}
    assert {"elfe", "epipage2"} <= set(slugs) and body["total"] == len(body["studies"])
    assert slugs["elfe"]["counts"]["Variable"] >= 300
    assert slugs["elfe"]["title"]["fr"] and slugs["elfe"]["title"]["en"]


def test_a_study_gives_its_waves_with_ages_dates_counts_and_instruments(demo_client) -> None:
    body = demo_client.get("/api/v1/studies/elfe").json()
    waves = {w["name"]: w for w in body["waves"]}
    assert ["maternite", "2m", "1a", "3a5", "5a5"] == [w for w in waves if w != "8a5"][:5]
    assert waves["2m"]["age_min_months"] == 2 and waves["2m"]["counts"]["Variable"] > 0
    assert waves["1a"]["instruments"] and waves["1a"]["start_date"]


def test_an_unknown_study_is_a_problem_document(demo_client) -> None:
    response = demo_client.get("/api/v1/studies/nope")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 404 and problem["type"].endswith("/not-found") and "nope" in problem["detail"]


def test_an_item_is_json_by_default_and_ddi_l_with_accept_or_suffix(demo_client, schemas_dir) -> None:
    body = demo_client.get(f"/api/v1/items/{VARIABLE}").json()
    assert body["type"] == "Variable" and body["name"] == "m12_troubles_sommeil"
    assert body["label"]["fr"] and body["label"]["en"]
    codes = body["representation"]["code_list"]["codes"]
    assert any(c["missing"] for c in codes) and any(not c["missing"] for c in codes)
    assert body["questions"][0]["urn"].startswith("urn:ddi:fr.ddicat.elfe:elfe-qi-sleep-problems")
    assert {link["reason"] for link in body["other_waves"]} == {"same question"}

    schema = etree.XMLSchema(etree.parse(str(schemas_dir / "3.3" / "instance.xsd")))
    for response in (demo_client.get(f"/api/v1/items/{VARIABLE}.xml"),
                     demo_client.get(f"/api/v1/items/{VARIABLE}", headers={"accept": "application/xml"})):
        assert response.status_code == 200 and response.headers["content-type"].startswith("application/xml")
        document = etree.fromstring(response.content)
        assert schema.validate(document), schema.error_log.last_error
        assert document.tag == "{ddi:instance:3_3}FragmentInstance"


def test_a_urn_without_version_names_the_latest(demo_client) -> None:
    body = demo_client.get(QUESTION.rsplit(":", 1)[0].join(("/api/v1/items/", ""))).json()
    assert body["urn"] == QUESTION and body["variables"]


def test_search_returns_hits_facets_and_total(demo_client) -> None:
    body = demo_client.get("/api/v1/search", params={"q": "allaitement", "limit": 5}).json()
    assert body["total"] > 5 and len(body["hits"]) == 5
    hit = body["hits"][0]
    assert {"urn", "type", "name", "label", "question_text", "study", "waves", "highlights"} <= set(hit)
    assert {f["value"] for f in body["facets"]["study"]} == {"elfe", "epipage2"}
    assert sum(f["count"] for f in body["facets"]["study"]) == body["total"]


def test_search_filters_by_study_wave_type_and_pages(demo_client) -> None:
    params = {"q": "sommeil", "study": "elfe", "wave": "1a", "type": "Variable", "limit": 2}
    body = demo_client.get("/api/v1/search", params=params).json()
    assert body["total"] >= 1
    assert all(h["study"] == "elfe" and "1a" in h["waves"] and h["type"] == "Variable" for h in body["hits"])
    second = demo_client.get("/api/v1/search", params={**params, "offset": 2}).json()
    assert second["total"] == body["total"]
    assert not {h["urn"] for h in second["hits"]} & {h["urn"] for h in body["hits"]}


def test_bad_search_parameters_are_problem_documents(demo_client) -> None:
    response = demo_client.get("/api/v1/search", params={"limit": 0})
    assert response.status_code == 422 and response.json()["type"].endswith("/invalid-request")


def test_openapi_document_describes_the_api(demo_client) -> None:
    spec = demo_client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/search", "/api/v1/studies", "/api/v1/studies/{slug}", "/api/v1/items/{urn}"} <= set(
        spec["paths"]
    )
