"""Installing verified schemas: from a local copy, from a release tarball, and failing well offline."""

from __future__ import annotations

import io
import shutil
import tarfile
from pathlib import Path

import pytest

from ddi_schemas.compiled import SchemaSet
from ddi_schemas.fetch import fetch
from ddi_schemas.locate import verify_root
from ddi_schemas.problems import SchemasUnavailable
from ddi_schemas.releases import RELEASES, pinned_files
from ddi_schemas.validate import validate


def test_fetch_copies_and_verifies_a_local_folder(
    schemas_dir: Path, tmp_path: Path, fixtures_dir: Path
) -> None:
    target = tmp_path / "data" / "ddi-schemas"
    installed = fetch(target, source=schemas_dir)
    assert installed == {v: target / v for v in ("3.1", "3.2", "3.3")}
    assert verify_root(target) == installed
    assert sorted(p.name for p in target.iterdir()) == ["3.1", "3.2", "3.3"]  # no staging folder left behind
    assert not (target / "3.3" / "README.md").exists()  # only pinned files are installed
    report = validate(fixtures_dir / "ddi" / "cohort_two_waves_3_3.xml", SchemaSet(target))
    assert report.valid


def test_an_intact_install_is_kept_and_force_reinstalls(schemas_dir: Path, tmp_path: Path) -> None:
    fetch(tmp_path, source=schemas_dir, versions=("3.3",))
    marker = tmp_path / "3.3" / "NOTES.md"
    marker.write_text("gardé\n")
    fetch(tmp_path, source=schemas_dir, versions=("3.3",))
    assert marker.exists()
    fetch(tmp_path, source=schemas_dir, versions=("3.3",), force=True)
    assert not marker.exists()
    verify_root(tmp_path, ("3.3",))


def test_a_tampered_source_is_refused_and_the_installed_copy_stays(schemas_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "target"
    fetch(target, source=schemas_dir, versions=("3.3",))
    source = tmp_path / "source"
    shutil.copytree(schemas_dir / "3.3", source / "3.3")
    (source / "3.3" / "logicalproduct.xsd").write_bytes(b"<xs:schema/>")
    with pytest.raises(SchemasUnavailable) as raised:
        fetch(target, source=source, versions=("3.3",), force=True)
    message = str(raised.value)
    assert "logicalproduct.xsd does not match the pinned SHA-256 of release DDI_3.3" in message
    assert "\n" not in message
    verify_root(target, ("3.3",))


def test_a_missing_source_file_is_named(schemas_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "source"
    shutil.copytree(schemas_dir / "3.2", source / "3.2")
    (source / "3.2" / "dcterms.xsd").unlink()
    with pytest.raises(SchemasUnavailable, match=r"3\.2/dcterms\.xsd is missing"):
        fetch(tmp_path / "target", source=source, versions=("3.2",))
    assert not (tmp_path / "target" / "3.2").exists()


def add_bytes(archive: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    archive.addfile(info, io.BytesIO(content))


def add_link(archive: tarfile.TarFile, name: str, target: str) -> None:
    info = tarfile.TarInfo(name)
    info.type = tarfile.SYMTYPE
    info.linkname = target
    archive.addfile(info)


def release_tarball(schemas_dir: Path, path: Path, *, link_instead_of: str | None = None) -> Path:
    """A tarball laid out like GitHub's (`ddi-l_3-<commit>/XMLSchema/...`), with hostile extra members."""
    prefix = f"ddi-l_3-{RELEASES['3.3'].commit}"
    with tarfile.open(path, "w:gz") as archive:
        add_bytes(archive, f"{prefix}/README.md", b"# DDI-Lifecycle\n")
        add_bytes(archive, f"{prefix}/Documentation/instance.xsd", b"<not-the-schema/>")
        add_bytes(archive, "../escaped.txt", b"must never be written")
        add_link(archive, f"{prefix}/XMLSchema/passwd.xsd", "/etc/passwd")
        for relative in pinned_files("3.3"):
            name = f"{prefix}/XMLSchema/{relative}"
            if relative == link_instead_of:
                add_link(archive, name, "/etc/passwd")
            else:
                add_bytes(archive, name, (schemas_dir / "3.3" / relative).read_bytes())
    return path


def test_fetch_finds_the_schema_folder_in_a_release_tarball(schemas_dir: Path, tmp_path: Path) -> None:
    tarball = release_tarball(schemas_dir, tmp_path / "ddi-l_3.tar.gz")
    target = tmp_path / "deep" / "target"
    fetch(target, source=tarball, versions=("3.3",))
    verify_root(target, ("3.3",))
    assert not (target / "3.3" / "passwd.xsd").exists()
    assert not list(tmp_path.rglob("escaped.txt"))


def test_a_link_where_a_schema_file_should_be_is_refused(schemas_dir: Path, tmp_path: Path) -> None:
    tarball = release_tarball(schemas_dir, tmp_path / "ddi-l_3.tar.gz", link_instead_of="reusable.xsd")
    with pytest.raises(SchemasUnavailable, match="reusable.xsd is a link or a special file, refused"):
        fetch(tmp_path / "target", source=tarball, versions=("3.3",))
    assert not (tmp_path / "target" / "3.3").exists()


def test_a_tarball_of_another_release_is_refused(schemas_dir: Path, tmp_path: Path) -> None:
    tarball = release_tarball(schemas_dir, tmp_path / "ddi-l_3.tar.gz")
    with pytest.raises(SchemasUnavailable, match="holds no folder matching release DDI_3.2"):
        fetch(tmp_path / "target", source=tarball, versions=("3.2",))


@pytest.mark.parametrize("source", [None, "http://127.0.0.1:9/ddi-l_3/{commit}.tar.gz"])
def test_without_network_the_download_fails_with_one_line(tmp_path: Path, source: str | None) -> None:
    with pytest.raises(SchemasUnavailable) as raised:
        fetch(tmp_path / "target", source=source, versions=("3.3",), timeout=2)
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith("Could not fetch the DDI-L 3.3 schemas: cannot reach ")
    assert RELEASES["3.3"].commit in message
    assert "DDICAT_DDI_SCHEMAS" in message
    assert not (tmp_path / "target" / "3.3").exists()
    assert not [p for p in (tmp_path / "target").iterdir()]  # the download scratch folder is gone
