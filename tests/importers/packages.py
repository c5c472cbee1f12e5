"""What importer tests ask of a package: written as the catalogue writes it (and valid), and looked into."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest
from lxml import etree

from catalogue.ddi.writer import ddi_bytes
from catalogue.model import Category, CodeList, DDIPackage, Item
from catalogue.versioning import assign_versions

SAFE = {"resolve_entities": False, "no_network": True}


@lru_cache(maxsize=1)
def _schema(path: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(path, etree.XMLParser(**SAFE)))


def written_valid(package: DDIPackage, schemas_dir: Path) -> bytes:
    """Versions assigned as on a first import, written by the catalogue's writer, valid against 3.3."""
    assign_versions(package, lambda pairs: {})
    xml = ddi_bytes(package)
    schema = _schema(str(schemas_dir / "3.3" / "instance.xsd"))
    document = etree.fromstring(xml, etree.XMLParser(huge_tree=True, **SAFE))
    assert schema.validate(document), [str(e) for e in schema.error_log][:5]
    return xml


def sample_file(samples_dir: Path, folder: str, name: str) -> Path:
    """A public sample of ../shared/samples/<folder>/, the test skipped when it is not there."""
    path = samples_dir / folder / name
    if not path.is_file():
        pytest.skip(f"{folder}/{name} is absent from the samples")
    return path


def of_type(package: DDIPackage, cls: type) -> list:
    return [item for item in package.items if isinstance(item, cls)]


def named(package: DDIPackage, cls: type) -> dict:
    return {item.name: item for item in of_type(package, cls)}


def by_id(package: DDIPackage) -> dict[str, Item]:
    return {item.id: item for item in package.items}


def categories_of(package: DDIPackage, code_list_id: str) -> dict[str, Category]:
    items = by_id(package)
    return {code.value: items[code.category.id] for code in items[code_list_id].codes}  # type: ignore[attr-defined]


def code_labels(package: DDIPackage, list_id: str) -> dict[str, tuple[dict[str, str], bool]]:
    """Each code of a code list: its category's labels and whether it is a missing code."""
    items = by_id(package)
    code_list = items[list_id]
    assert isinstance(code_list, CodeList)
    result = {}
    for code in code_list.codes:
        category = items[code.category.id]  # type: ignore[union-attr]
        assert isinstance(category, Category)
        result[code.value] = (category.label, category.is_missing)
    return result
