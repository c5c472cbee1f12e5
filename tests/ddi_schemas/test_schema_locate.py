"""Verifying a schema folder against the pins, and what SchemasUnavailable says when it does not match."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ddi_schemas.compiled import SchemaSet
from ddi_schemas.locate import verify_root, verify_version
from ddi_schemas.problems import SchemasUnavailable


@pytest.fixture()
def copied(schemas_dir: Path, tmp_path: Path) -> Path:
    root = tmp_path / "ddi-schemas"
    for version in ("3.2", "3.3"):
        shutil.copytree(schemas_dir / version, root / version)
    return root


def assert_says_how_to_get_them(error: SchemasUnavailable) -> None:
    message = str(error)
    assert "\n" not in message
    assert "`ddicat schemas fetch`" in message
    assert "DDICAT_DDI_SCHEMAS" in message


def test_the_shared_copy_verifies_and_extra_files_are_ignored(schemas_dir: Path) -> None:
    assert (schemas_dir / "README.md").exists()  # not pinned, ignored
    folders = verify_root(schemas_dir)
    assert folders == {v: schemas_dir / v for v in ("3.1", "3.2", "3.3")}


def test_an_extra_file_inside_a_version_is_ignored(copied: Path) -> None:
    (copied / "3.3" / "NOTES.md").write_text("copie locale, non modifiée\n")
    assert verify_version(copied, "3.3") == copied / "3.3"


def test_a_altered_file_is_named(copied: Path) -> None:
    path = copied / "3.3" / "reusable.xsd"
    path.write_bytes(path.read_bytes().replace(b"Identifiable", b"Identifyable", 1))
    with pytest.raises(SchemasUnavailable) as raised:
        verify_version(copied, "3.3")
    assert "3.3/reusable.xsd does not match the DDI-L 3.3 release (DDI_3.3)" in str(raised.value)
    assert_says_how_to_get_them(raised.value)


def test_a_missing_file_is_named(copied: Path) -> None:
    (copied / "3.2" / "XHTML" / "xhtml-symbol.ent").unlink()
    with pytest.raises(SchemasUnavailable) as raised:
        verify_version(copied, "3.2")
    assert "3.2/XHTML/xhtml-symbol.ent is missing" in str(raised.value)
    assert_says_how_to_get_them(raised.value)


def test_a_missing_version_folder_is_named(copied: Path) -> None:
    with pytest.raises(SchemasUnavailable) as raised:
        verify_root(copied)
    assert f"{copied / '3.1'} does not exist" in str(raised.value)
    assert_says_how_to_get_them(raised.value)


def test_schema_set_refuses_only_the_altered_version(copied: Path) -> None:
    path = copied / "3.3" / "datacollection.xsd"
    path.write_bytes(path.read_bytes() + b"\n")
    schemas = SchemaSet(copied)
    with pytest.raises(SchemasUnavailable, match="datacollection.xsd"):
        schemas.validator("3.3")
    assert schemas.validator("3.2") is schemas.validator("3.2")


def test_an_empty_configuration_folder_says_how_to_get_the_schemas(tmp_path: Path) -> None:
    with pytest.raises(SchemasUnavailable) as raised:
        SchemaSet(tmp_path / "nowhere").validator("3.3")
    assert_says_how_to_get_them(raised.value)
