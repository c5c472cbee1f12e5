"""OAI-PMH requests a harvester may get wrong, and what the repository answers (error codes, tokens)."""

from __future__ import annotations

import pytest
from lxml import etree

OAI = {"o": "http://www.openarchives.org/OAI/2.0/"}


def answer(demo_client, **params) -> etree._Element:
    response = demo_client.get("/oai", params=params)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/xml")
    return etree.fromstring(response.content)


def error_of(document: etree._Element) -> str | None:
    found = document.find("o:error", OAI)
    return found.get("code") if found is not None else None


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({}, "badVerb"),
        ({"verb": "ListEverything"}, "badVerb"),
        ({"verb": "ListRecords"}, "badArgument"),
        ({"verb": "Identify", "metadataPrefix": "oai_dc"}, "badArgument"),
        ({"verb": "GetRecord", "metadataPrefix": "oai_dc"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "28/11/2026"}, "badArgument"),
        (
            {
                "verb": "ListRecords",
                "metadataPrefix": "oai_dc",
                "from": "2020-01-01",
                "until": "2021-01-01T00:00:00Z",
            },
            "badArgument",
        ),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2021-01-02", "until": "2021-01-01"},
            "badArgument",
        ),
        ({"verb": "ListRecords", "metadataPrefix": "marc21"}, "cannotDisseminateFormat"),
        ({"verb": "ListRecords", "resumptionToken": "not-a-token"}, "badResumptionToken"),
        ({"verb": "ListRecords", "resumptionToken": "x", "metadataPrefix": "oai_dc"}, "badArgument"),
        ({"verb": "ListSets", "resumptionToken": "x"}, "badResumptionToken"),
        ({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "study:nope"}, "noRecordsMatch"),
        ({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "until": "1999-12-31"}, "noRecordsMatch"),
        (
            {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "oai:elsewhere:urn:ddi:a:b"},
            "idDoesNotExist",
        ),
        (
            {
                "verb": "GetRecord",
                "metadataPrefix": "oai_dc",
                "identifier": "oai:127.0.0.1:urn:ddi:fr.ddicat.elfe:nope",
            },
            "idDoesNotExist",
        ),
        ({"verb": "ListMetadataFormats", "identifier": "oai:127.0.0.1:not-a-urn"}, "idDoesNotExist"),
        (
            {
                "verb": "GetRecord",
                "metadataPrefix": "marc21",
                "identifier": "oai:127.0.0.1:urn:ddi:fr.ddicat.elfe:elfe-qi-sleep-hours",
            },
            "cannotDisseminateFormat",
        ),
    ],
)
def test_bad_requests_get_their_oai_error_code(demo_client, params, code) -> None:
    document = answer(demo_client, **params)
    assert error_of(document) == code
    request = document.find("o:request", OAI)
    assert request.text == "http://127.0.0.1:8000/oai"
    if code in ("badVerb", "badArgument"):
        assert dict(request.attrib) == {}  # the protocol: no arguments echoed for a bad request


def test_a_repeated_argument_is_bad(demo_client) -> None:
    response = demo_client.get("/oai?verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=ddi-l")
    assert error_of(etree.fromstring(response.content)) == "badArgument"


def test_post_takes_the_same_arguments(demo_client) -> None:
    response = demo_client.post("/oai", data={"verb": "Identify"})
    document = etree.fromstring(response.content)
    assert (
        error_of(document) is None
        and document.findtext("o:Identify/o:protocolVersion", namespaces=OAI) == "2.0"
    )


def test_resumption_tokens_carry_cursor_and_list_size_to_the_end(demo_client) -> None:
    demo_client.app.state.oai_page_size = 100
    try:
        seen: list[str] = []
        token = None
        cursors = []
        while True:
            params = {"verb": "ListIdentifiers"}
            params.update(
                {"resumptionToken": token} if token else {"metadataPrefix": "oai_dc", "set": "study:elfe"}
            )
            document = answer(demo_client, **params)
            seen += [
                h.findtext("o:identifier", namespaces=OAI) for h in document.iterfind(".//o:header", OAI)
            ]
            element = document.find(".//o:resumptionToken", OAI)
            cursors.append(int(element.get("cursor")))
            size = int(element.get("completeListSize"))
            token = element.text
            if not token:
                break
        assert len(seen) == len(set(seen)) == size > 200
        assert cursors == list(range(0, size, 100))
    finally:
        del demo_client.app.state.oai_page_size


def test_get_record_of_a_cohort_is_dublin_core_in_both_languages(demo_client) -> None:
    document = answer(
        demo_client,
        verb="GetRecord",
        metadataPrefix="oai_dc",
        identifier="oai:127.0.0.1:urn:ddi:fr.ddicat.elfe:elfe-cohort",
    )
    titles = {
        t.get("{http://www.w3.org/XML/1998/namespace}lang"): t.text
        for t in document.iterfind(".//{http://purl.org/dc/elements/1.1/}title")
    }
    assert titles == {"fr": "Cohorte de naissance démo Elfe", "en": "Elfe-like demo birth cohort"}
    assert document.findtext(".//o:datestamp", namespaces=OAI).endswith("Z")
