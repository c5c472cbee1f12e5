"""The reader's own fixtures are what they claim to be: valid DDI-L of their version (the lenient one not)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest
from lxml import etree

VALID_FIXTURES = [
    ("cohort_3_3.xml", "3.3"),
    ("fragments_3_3.xml", "3.3"),
    ("single_wave_3_2.xml", "3.2"),
    ("single_wave_3_1.xml", "3.1"),
]


@lru_cache(maxsize=3)
def official_schema(schemas_dir: Path, version: str) -> etree.XMLSchema:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.XMLSchema(etree.parse(str(schemas_dir / version / "instance.xsd"), parser))


def xsd_errors(path: Path, schemas_dir: Path, version: str) -> list[str]:
    schema = official_schema(schemas_dir, version)
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    if schema.validate(etree.parse(str(path), parser)):
        return []
    return [f"line {error.line}: {error.message}" for error in schema.error_log]


@pytest.mark.parametrize(("name", "version"), VALID_FIXTURES)
def test_fixture_validates_against_its_official_schema(
    name: str, version: str, fixtures_dir: Path, schemas_dir: Path
) -> None:
    assert xsd_errors(fixtures_dir / "ddi" / name, schemas_dir, version) == []


def test_lenient_fixture_fails_the_schema_where_it_departs(fixtures_dir: Path, schemas_dir: Path) -> None:
    errors = xsd_errors(fixtures_dir / "ddi" / "lenient_3_3.xml", schemas_dir, "3.3")
    assert any("GridResponseDomain" in e for e in errors)
    assert any("codeListID" in e for e in errors)
    assert any("SourceQuestion" in e for e in errors)
    assert any("StructuredMixedGridResponseDomain" in e for e in errors)
