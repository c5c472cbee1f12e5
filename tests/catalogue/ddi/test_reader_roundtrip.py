"""Read, write as DDI-L 3.3, read again: the same items, study, waves and placement (both writer forms)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from lxml import etree

from catalogue.ddi.reader import read_ddi
from catalogue.ddi.writer import ddi_bytes
from catalogue.model import DDIPackage, content_hash

FIXTURES = ["cohort_3_3.xml", "lenient_3_3.xml"]
SAMPLES = [
    "team_cohort_minimal_3_3.xml",
    "statcan_colectica_Quality_of_Life.xml",
    "insee_eno_ddi-l20g2ba7.xml",
    "RepresentationExamples.xml",
    "RepresentedVariableExample.xml",
]


@cache
def schema_33(schemas_dir: Path) -> etree.XMLSchema:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.XMLSchema(etree.parse(str(schemas_dir / "3.3" / "instance.xsd"), parser))


def assert_same_package(first: DDIPackage, second: DDIPackage) -> None:
    assert {i.key: (i.TYPE, content_hash(i)) for i in second.items} == {
        i.key: (i.TYPE, content_hash(i)) for i in first.items
    }
    assert (second.study, second.waves) == (first.study, first.waves)
    assert second.placement == first.placement


def round_trip(path: Path, schemas_dir: Path, form: str) -> None:
    first = read_ddi(path, lenient=True).package
    written = ddi_bytes(first, form=form)  # type: ignore[arg-type]
    assert schema_33(schemas_dir).validate(etree.fromstring(written))
    assert_same_package(first, read_ddi(written).package)


@pytest.mark.parametrize("form", ["ddi-l", "fragment"])
@pytest.mark.parametrize("name", FIXTURES)
def test_fixture_round_trip(name: str, form: str, fixtures_dir: Path, schemas_dir: Path) -> None:
    round_trip(fixtures_dir / "ddi" / name, schemas_dir, form)


@pytest.mark.parametrize("form", ["ddi-l", "fragment"])
@pytest.mark.parametrize("name", SAMPLES)
def test_sample_round_trip(name: str, form: str, samples_dir: Path, schemas_dir: Path) -> None:
    round_trip(samples_dir / "ddi" / name, schemas_dir, form)
