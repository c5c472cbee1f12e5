"""schema.org JSON-LD in the pages, and /urn/ resolution by content negotiation."""

from __future__ import annotations

import json
import re

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF

SDO = Namespace("https://schema.org/")
HTML = {"accept": "text/html"}
VARIABLE = "urn:ddi:fr.ddicat.elfe:elfe-v-m12-troubles-sommeil:1"


def embedded(html: str) -> str:
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(found) == 1
    return found[0]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_cohort_page_embeds_a_dataset_google_can_use(demo_client, lang) -> None:
    html = demo_client.get("/studies/elfe" + ("?lang=en" if lang == "en" else ""), headers=HTML).text
    data = json.loads(embedded(html))
    study = demo_client.get("/api/v1/studies/elfe").json()
    variables = study["counts"]["Variable"]
    # Google's Dataset rich results: name, and a description of 50 to 5000 characters.
    assert data["@type"] == "Dataset" and data["name"] and 50 <= len(data["description"]) <= 5000
    assert data["identifier"] == "urn:ddi:fr.ddicat.elfe:elfe-cohort:1"
    assert data["temporalCoverage"].startswith("2011-04-01/20")
    assert data["spatialCoverage"][0]["address"]["addressCountry"] == "FR"
    assert data["creator"]["@type"] == "Organization" and data["creator"]["name"]
    assert data["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert data["includedInDataCatalog"]["@type"] == "DataCatalog"
    assert (
        len(data["variableMeasured"]) == min(variables, 500)
        and data["variableMeasured"][0]["@type"] == "PropertyValue"
    )
    assert len(data["hasPart"]) == len(study["waves"])
    graph = Graph().parse(data=embedded(html), format="json-ld")
    dataset = URIRef("http://127.0.0.1:8000/studies/elfe#dataset")
    assert (dataset, RDF.type, SDO.Dataset) in graph
    names = list(graph.objects(dataset, SDO.name))
    assert [n.language for n in names] == [lang]
    assert len(list(graph.objects(dataset, SDO.variableMeasured))) == min(variables, 500)


def test_variable_page_json_ld_parses_as_a_property_value(demo_client) -> None:
    html = demo_client.get(f"/variables/{VARIABLE}", headers=HTML).text
    graph = Graph().parse(data=embedded(html), format="json-ld")
    node = URIRef(f"http://127.0.0.1:8000/variables/{VARIABLE}")
    assert (node, RDF.type, SDO.PropertyValue) in graph
    assert str(graph.value(node, SDO.propertyID)) == VARIABLE
    assert len(list(graph.objects(node, SDO.valueReference))) >= 3


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("application/xml", "application/xml"),
        ("application/json", "application/json"),
        ("application/ld+json", "application/ld+json"),
        ("text/html;q=0.5, application/json", "application/json"),
    ],
)
def test_urn_resolution_negotiates_the_representation(demo_client, accept, media) -> None:
    response = demo_client.get(f"/urn/{VARIABLE}", headers={"accept": accept})
    assert response.status_code == 200 and response.headers["content-type"].startswith(media)
    assert "Accept" in response.headers["vary"]
    assert VARIABLE in response.text


def test_browsers_are_sent_to_the_page_and_versionless_urns_to_the_latest_version(demo_client) -> None:
    response = demo_client.get(f"/urn/{VARIABLE}", headers=HTML, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"/variables/{VARIABLE}"
    latest = demo_client.get(f"/urn/{VARIABLE.rsplit(':', 1)[0]}", headers=HTML, follow_redirects=False)
    assert latest.status_code == 303 and latest.headers["location"] == f"/variables/{VARIABLE}"
    xml = demo_client.get(f"/urn/{VARIABLE.rsplit(':', 1)[0]}", params={"format": "xml"})
    assert b"FragmentInstance" in xml.content and VARIABLE.encode() in xml.content


def test_cohort_and_wave_urns_resolve_too(demo_client) -> None:
    page = demo_client.get("/urn/urn:ddi:fr.ddicat.elfe:elfe-cohort:1", headers=HTML, follow_redirects=False)
    assert page.headers["location"] == "/studies/elfe"
    wave = demo_client.get("/urn/urn:ddi:fr.ddicat.elfe:elfe-su-m12:1", headers=HTML, follow_redirects=False)
    assert wave.headers["location"] == "/studies/elfe/waves/1a"
    graph = Graph().parse(
        data=demo_client.get(
            "/urn/urn:ddi:fr.ddicat.elfe:elfe-cohort", headers={"accept": "application/ld+json"}
        ).text,
        format="json-ld",
    )
    names = {
        n.language for n in graph.objects(URIRef("http://127.0.0.1:8000/studies/elfe#dataset"), SDO.name)
    }
    assert names == {"fr", "en"}


def test_unknown_urns_are_problem_documents(demo_client) -> None:
    for urn in ("urn:ddi:fr.ddicat.elfe:nope:1", "not-a-urn"):
        response = demo_client.get(f"/urn/{urn}", headers={"accept": "application/json"})
        assert response.status_code == 404 and response.headers["content-type"] == "application/problem+json"
