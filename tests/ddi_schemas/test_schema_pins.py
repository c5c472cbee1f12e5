"""The pins: one release per DDI-L version, and a SHA-256 for every file of its schema folder."""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path

import pytest

from ddi_schemas.releases import RELEASES, VERSIONS, pinned_files


def test_each_version_comes_from_its_tagged_ddi_alliance_commit() -> None:
    assert VERSIONS == ("3.1", "3.2", "3.3")
    assert {v: (r.tag, r.commit) for v, r in RELEASES.items()} == {
        "3.3": ("DDI_3.3", "bbeef2c0b9521b0e6d0497c26db3c466666a3ddf"),
        "3.2": ("DDI_3.2", "b43926439b25e50f4baadcfd8b42020927713bd4"),
        "3.1": ("DDI_3.1", "ee0033b8410287a8032dfdcd75d0e43ad84ce200"),
    }
    assert RELEASES["3.3"].tarball_url == (
        "https://codeload.github.com/ddialliance/ddi-l_3/tar.gz/bbeef2c0b9521b0e6d0497c26db3c466666a3ddf"
    )


def test_pins_are_package_data_named_txt() -> None:
    names = {entry.name for entry in resources.files("ddi_schemas.pins").iterdir()}
    assert {"3.1.sha256.txt", "3.2.sha256.txt", "3.3.sha256.txt"} <= names


@pytest.mark.parametrize("version", VERSIONS)
def test_every_file_of_the_official_folder_is_pinned_with_its_digest(schemas_dir: Path, version: str) -> None:
    folder = schemas_dir / version
    on_disk = {p.relative_to(folder).as_posix(): p for p in folder.rglob("*") if p.is_file()}
    pins = pinned_files(version)
    # The shared copy adds the release's licence and readme beside the schema folder; only the schema
    # folder itself is pinned, as the published SHA256SUMS lists it.
    assert set(pins) == set(on_disk) - {"license.txt", "readme.txt"}
    assert "instance.xsd" in pins and "reusable.xsd" in pins and "XHTML/xhtml-lat1.ent" in pins
    for relative, path in on_disk.items():
        if relative not in pins:
            continue
        assert hashlib.sha256(path.read_bytes()).hexdigest() == pins[relative], relative


def test_each_version_pins_the_45_files_of_its_schema_folder() -> None:
    assert {len(pinned_files(v)) for v in VERSIONS} == {45}


def test_an_unknown_version_is_a_clear_value_error() -> None:
    with pytest.raises(ValueError, match="3.4"):
        pinned_files("3.4")
