"""A real OAI-PMH client (sickle) harvests the whole demo catalogue through resumption tokens."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta

import pytest
from lxml import etree

sickle = pytest.importorskip("sickle", reason="sickle (the OAI-PMH client) is not installed")
from sickle.oaiexceptions import NoRecordsMatch  # noqa: E402

OAI = "http://www.openarchives.org/OAI/2.0/"
DC = "http://purl.org/dc/elements/1.1/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
OAI_PAGE_SIZE = 40  # conftest.live_url serves pages of 40 records


def client(live_url: str):
    return sickle.Sickle(live_url + "/oai", max_retries=0, timeout=120)


def metadata_of(record) -> etree._Element:
    return record.xml.find(f"{{{OAI}}}metadata")[0]


def test_identify_and_formats(live_url) -> None:
    harvester = client(live_url)
    identify = harvester.Identify()
    assert identify.protocolVersion == "2.0" and identify.granularity == "YYYY-MM-DDThh:mm:ssZ"
    assert {f.metadataPrefix for f in harvester.ListMetadataFormats()} == {"oai_dc", "ddi-l"}
    sets = {s.setSpec for s in harvester.ListSets()}
    assert {"study", "study:elfe", "study:epipage2", "study:elfe:1a", "study:epipage2:neonat"} <= sets


def test_dublin_core_harvest_pages_through_every_record(live_url) -> None:
    harvester = client(live_url)
    iterator = harvester.ListRecords(metadataPrefix="oai_dc")
    total = int(iterator.resumption_token.complete_list_size)
    records = list(iterator)
    assert total > 10 * OAI_PAGE_SIZE  # many pages, so many resumption tokens were followed
    assert len(records) == total == len({r.header.identifier for r in records})
    for record in records:
        dc = metadata_of(record)
        titles = dc.findall(f"{{{DC}}}title")
        assert titles and all(t.text for t in titles)
        assert record.header.identifier.startswith("oai:127.0.0.1:urn:ddi:")
    bilingual = [
        r
        for r in records
        if {t.get(XML_LANG) for t in metadata_of(r).findall(f"{{{DC}}}title")} >= {"fr", "en"}
    ]
    assert len(bilingual) > total // 2
    kinds = {metadata_of(r).findtext(f"{{{DC}}}type") for r in records}
    assert kinds == {"Variable", "Question", "Dataset"}


def test_ddi_l_records_validate_against_the_official_xsd(live_url, schemas_dir) -> None:
    from ddi_schemas.compiled import SchemaSet

    schema = SchemaSet(schemas_dir).validator("3.3")
    records = list(client(live_url).ListRecords(metadataPrefix="ddi-l"))
    assert len(records) > 10 * OAI_PAGE_SIZE
    roots = set()
    for record in records:
        document = copy.deepcopy(metadata_of(record))
        roots.add(etree.QName(document).localname)
        assert schema.validate(etree.ElementTree(document)), (
            record.header.identifier,
            str(schema.error_log)[:500],
        )
    assert roots == {"FragmentInstance", "DDIInstance"}


def test_selective_harvesting_by_set_and_date(live_url) -> None:
    harvester = client(live_url)
    headers = list(harvester.ListIdentifiers(metadataPrefix="oai_dc"))
    epipage = list(harvester.ListIdentifiers(metadataPrefix="oai_dc", set="study:epipage2"))
    wave = list(harvester.ListIdentifiers(metadataPrefix="oai_dc", set="study:elfe:1a"))
    assert 0 < len(epipage) < len(headers) and all("study:epipage2" in h.setSpecs for h in epipage)
    assert 0 < len(wave) and all("study:elfe:1a" in h.setSpecs for h in wave)
    latest = max(h.datestamp for h in headers)
    after = list(harvester.ListIdentifiers(metadataPrefix="oai_dc", **{"from": latest}))
    assert after and all(h.datestamp == latest for h in after)
    before_latest = (datetime.strptime(latest, "%Y-%m-%dT%H:%M:%SZ") - timedelta(seconds=1)).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    try:
        before = list(harvester.ListIdentifiers(metadataPrefix="oai_dc", until=before_latest))
    except NoRecordsMatch:
        before = []
    assert len(before) + len(after) == len(headers)
    with pytest.raises(NoRecordsMatch):
        list(harvester.ListIdentifiers(metadataPrefix="oai_dc", **{"from": "2999-01-01"}))


def test_get_record_by_identifier_with_and_without_version(live_url) -> None:
    harvester = client(live_url)
    first = next(iter(harvester.ListIdentifiers(metadataPrefix="oai_dc", set="study:elfe:1a")))
    record = harvester.GetRecord(identifier=first.identifier, metadataPrefix="ddi-l")
    assert record.header.identifier == first.identifier
    urn = metadata_of(record).findtext(".//{ddi:reusable:3_3}URN")
    assert urn and urn.startswith(first.identifier.split(":", 2)[2])
