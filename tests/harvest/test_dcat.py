"""DCAT-AP 3 at /api/v1/dcat: RDF in Turtle and JSON-LD, with the required properties, passing SHACL."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

SHAPES = Path(__file__).resolve().parents[3] / "shared" / "dcat-ap-3.0.0-shacl"
HEALTH = Namespace("http://healthdataportal.eu/ns/health#")
BASE = "http://127.0.0.1:8000"
ELFE = URIRef(f"{BASE}/studies/elfe#dataset")


@pytest.fixture(scope="module")
def turtle(demo_client) -> Graph:
    response = demo_client.get("/api/v1/dcat")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    return Graph().parse(data=response.text, format="turtle")


def test_catalogue_has_a_dataset_per_cohort_and_per_wave(turtle, demo_client) -> None:
    elfe = demo_client.get("/api/v1/studies/elfe").json()
    catalogue = next(turtle.subjects(RDF.type, DCAT.Catalog))
    datasets = set(turtle.objects(catalogue, DCAT.dataset))
    assert ELFE in datasets and URIRef(f"{BASE}/studies/elfe/waves/1a#dataset") in datasets
    waves = set(turtle.objects(ELFE, DCTERMS.hasPart))
    assert len(waves) == len(elfe["waves"]) >= 5 and all((w, DCTERMS.isPartOf, ELFE) in turtle for w in waves)
    assert len(datasets) == len(set(turtle.subjects(RDF.type, DCAT.Dataset)))
    for predicate in (DCTERMS.title, DCTERMS.description, DCTERMS.publisher):
        assert turtle.value(catalogue, predicate) is not None


def test_cohort_dataset_carries_dcat_ap_and_healthdcat_ap_properties(turtle, demo_client) -> None:
    waves = demo_client.get("/api/v1/studies/elfe").json()["waves"]
    oldest = max(w["age_max_months"] for w in waves if w["age_max_months"] is not None)
    titles = {(t.language, str(t)) for t in turtle.objects(ELFE, DCTERMS.title)}
    assert ("fr", "Cohorte de naissance démo Elfe") in titles and (
        "en",
        "Elfe-like demo birth cohort",
    ) in titles
    assert turtle.value(ELFE, DCTERMS.identifier) == Literal("urn:ddi:fr.ddicat.elfe:elfe-cohort:1")
    assert turtle.value(ELFE, DCTERMS.accessRights) == URIRef(
        "http://publications.europa.eu/resource/authority/access-right/NON_PUBLIC"
    )
    assert turtle.value(ELFE, DCTERMS.spatial) == URIRef(
        "http://publications.europa.eu/resource/authority/country/FRA"
    )
    assert int(turtle.value(ELFE, HEALTH.numberOfUniqueIndividuals)) == 18000
    ages = (int(turtle.value(ELFE, HEALTH.minTypicalAge)), int(turtle.value(ELFE, HEALTH.maxTypicalAge)))
    assert ages == (0, -(-oldest // 12))
    assert "Children born in 2011" in str(turtle.value(ELFE, HEALTH.populationCoverage))
    period = turtle.value(ELFE, DCTERMS.temporal)
    assert str(turtle.value(period, DCAT.startDate)) == "2011-04-01"
    distribution = turtle.value(ELFE, DCAT.distribution)
    assert turtle.value(distribution, DCAT.accessURL) == URIRef(f"{BASE}/api/v1/studies/elfe.xml")
    assert turtle.value(turtle.value(ELFE, DCTERMS.publisher), FOAF.name) is not None
    keywords = {(k.language, str(k)) for k in turtle.objects(ELFE, DCAT.keyword)}
    assert ("fr", "Allaitement") in keywords and ("en", "Breastfeeding") in keywords


def test_json_ld_is_the_same_graph(demo_client, turtle) -> None:
    for request in ({"params": {"format": "jsonld"}}, {"headers": {"accept": "application/ld+json"}}):
        response = demo_client.get("/api/v1/dcat", **request)
        assert response.headers["content-type"].startswith("application/ld+json")
        graph = Graph().parse(data=response.text, format="json-ld")
        assert len(graph) == len(turtle)
        assert set(graph.subjects(RDF.type, DCAT.Dataset)) == set(turtle.subjects(RDF.type, DCAT.Dataset))


def test_the_catalogue_passes_the_official_dcat_ap_3_shapes(turtle) -> None:
    pyshacl = pytest.importorskip("pyshacl", reason="pyshacl is not installed")
    if not (SHAPES / "shapes.ttl").is_file():
        pytest.skip("../shared/dcat-ap-3.0.0-shacl is absent: the SHACL check needs the official shapes")
    shapes = Graph()
    shapes.parse(SHAPES / "shapes.ttl")
    shapes.parse(SHAPES / "range.ttl")
    conforms, _report, text = pyshacl.validate(
        turtle, shacl_graph=shapes, inference="none", allow_warnings=True
    )
    assert conforms, text[:4000]
