"""Compiling each version's instance.xsd once, offline, and reading element roles from the XSDs."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from lxml import etree

from ddi_schemas.compiled import SchemaSet, compile_schema
from ddi_schemas.problems import SchemasUnavailable

XSD = "http://www.w3.org/2001/XMLSchema"


def test_each_version_compiles_once_and_is_shared(schemas_dir: Path) -> None:
    schemas = SchemaSet(schemas_dir)
    compiled: list[etree.XMLSchema] = []
    barrier = threading.Barrier(6)

    def compile_concurrently() -> None:
        barrier.wait()
        compiled.append(schemas.validator("3.3"))

    threads = [threading.Thread(target=compile_concurrently) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(compiled) == 6 and all(schema is compiled[0] for schema in compiled)
    assert schemas.validator("3.1") is not schemas.validator("3.2")
    assert isinstance(schemas.validator("3.3"), etree.XMLSchema)


def test_an_unknown_version_is_a_value_error(schemas: SchemaSet) -> None:
    with pytest.raises(ValueError, match="3.4"):
        schemas.validator("3.4")


def write_schema(path: Path, import_location: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f'<xs:schema xmlns:xs="{XSD}" targetNamespace="urn:cohorte" xmlns="urn:cohorte">'
        f'<xs:import namespace="urn:ailleurs" schemaLocation="{import_location}"/>'
        '<xs:element name="Vague" type="xs:string"/></xs:schema>'
    )
    return path


def write_other_schema(path: Path) -> None:
    path.write_text(
        f'<xs:schema xmlns:xs="{XSD}" targetNamespace="urn:ailleurs">'
        '<xs:element name="X" type="xs:string"/></xs:schema>'
    )


@pytest.mark.parametrize(
    "location",
    ["http://www.ddialliance.org/ailleurs.xsd", "https://example.org/a.xsd", "ftp://example.org/a.xsd"],
)
def test_remote_imports_are_refused_not_fetched(tmp_path: Path, location: str) -> None:
    with pytest.raises(SchemasUnavailable) as raised:
        compile_schema(write_schema(tmp_path / "cohorte.xsd", location))
    assert f"refused to load {location}" in str(raised.value)


def test_files_outside_the_schema_folder_are_refused(tmp_path: Path) -> None:
    write_other_schema(tmp_path / "ailleurs.xsd")
    with pytest.raises(SchemasUnavailable, match="refused to load"):
        compile_schema(write_schema(tmp_path / "ddi" / "cohorte.xsd", "../ailleurs.xsd"))


def test_local_imports_beside_the_schema_load(tmp_path: Path) -> None:
    write_other_schema(tmp_path / "ailleurs.xsd")
    schema = compile_schema(write_schema(tmp_path / "cohorte.xsd", "ailleurs.xsd"))
    assert schema.validate(etree.fromstring(b'<Vague xmlns="urn:cohorte">2 mois</Vague>'))


def test_the_vocabulary_is_read_from_the_3_3_xsds(schemas: SchemaSet) -> None:
    vocabulary = schemas.vocabulary("3.3")
    d, r, lp = "{ddi:datacollection:3_3}", "{ddi:reusable:3_3}", "{ddi:logicalproduct:3_3}"
    assert vocabulary.kind(f"{d}QuestionItem") == "versionable"
    assert vocabulary.kind(f"{lp}CodeList") == "maintainable"
    assert vocabulary.kind(f"{lp}Code") == "identifiable"
    assert vocabulary.kind(f"{d}QuestionText") is None
    assert {
        f"{r}CodeListReference",
        f"{r}QuestionReference",
        f"{d}ControlConstructReference",
    } <= vocabulary.reference
    assert {f"{r}String", f"{r}Content", f"{d}Text"} <= vocabulary.text
    assert f"{r}Label" not in vocabulary.text  # a container of r:Content in 3.3


def test_the_vocabulary_of_3_1_uses_its_own_base_types(schemas: SchemaSet) -> None:
    vocabulary = schemas.vocabulary("3.1")
    lp, r = "{ddi:logicalproduct:3_1}", "{ddi:reusable:3_1}"
    assert vocabulary.kind(f"{lp}Category") == "versionable"
    assert vocabulary.kind(f"{lp}CodeScheme") == "maintainable"
    assert f"{r}Label" in vocabulary.text  # 3.1 labels carry xml:lang themselves
    assert f"{lp}CategoryReference" in vocabulary.reference
