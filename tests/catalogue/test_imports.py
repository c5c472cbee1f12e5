"""The import road end to end on a real database and a real index: what lands, what is refused, and that
a refused import leaves the catalogue exactly as it was."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from lxml import etree

from catalogue.errors import InvalidInput
from catalogue.imports import Source
from catalogue.store.reads import Viewer, published_release, study_by_slug
from catalogue.store.tables import ImportRecord
from tests.catalogue.catalogue_state import catalogue_state

COHORT = "ddi/cohort_two_waves_3_3.xml"


def source(path: Path) -> Source:
    return Source(name=path.name, data=path.read_bytes())


def test_a_cohort_document_lands_as_a_study_with_waves_and_a_published_release(runtime, fixtures_dir) -> None:
    report = runtime.import_file(source(fixtures_dir / COHORT), study="eveil")
    assert report.status == "published" and report.release == 1
    assert report.ddi_version == "3.3" and report.source_format == "ddi-l"
    assert len(report.waves) == 2
    assert report.counts["Variable"] >= 2 and report.new_items == sum(
        n for t, n in report.counts.items() if t != "Code"
    )
    with runtime.sessions() as session:
        study = study_by_slug(session, "eveil")
        assert study is not None and [w.name for w in study.waves] == report.waves
        record = session.scalar(select_import(report.import_id))
        assert record.source_sha256 == source(fixtures_dir / COHORT).sha256
        assert gzip.decompress(record.ddi_document) == (fixtures_dir / COHORT).read_bytes()
    hits = runtime.backend.search(__import__("search.base", fromlist=["SearchQuery"]).SearchQuery(text=""))
    assert hits.total > 0


def select_import(import_id: int):  # noqa: ANN201 - a SQLAlchemy select
    from sqlalchemy import select

    return select(ImportRecord).where(ImportRecord.id == import_id)


def test_reimporting_the_same_file_keeps_every_version(runtime, fixtures_dir) -> None:
    first = runtime.import_file(source(fixtures_dir / COHORT), study="eveil")
    again = runtime.import_file(source(fixtures_dir / COHORT), study="eveil")
    assert again.release == first.release + 1
    assert again.new_items == 0 and again.unchanged_items == first.new_items
    with runtime.sessions() as session:
        study = study_by_slug(session, "eveil")
        assert published_release(session, study.id).number == again.release


def test_a_changed_item_under_an_unchanged_version_is_refused_unless_lenient(runtime, fixtures_dir) -> None:
    runtime.import_file(source(fixtures_dir / COHORT), study="eveil")
    text = (fixtures_dir / COHORT).read_text(encoding="utf-8")
    changed = text.replace("Allaitement", "Allaitement maternel", 1)
    assert changed != text
    before = catalogue_state(runtime)
    with pytest.raises(InvalidInput) as refused:
        runtime.import_file(Source(name="eveil-v2.xml", data=changed.encode()), study="eveil")
    assert any(p.code == "version-conflict" for p in refused.value.problems)
    assert catalogue_state(runtime) == before
    report = runtime.import_file(Source(name="eveil-v2.xml", data=changed.encode()), study="eveil", lenient=True)
    assert any(p.code == "version-moved" for p in report.warnings)
    assert report.new_items >= 1


@pytest.mark.parametrize("name, code", [
    ("empty.xml", "empty"),
    ("not_xml.csv", None),
    ("not_ddi.xml", "not-ddi"),
    ("entities.xml", "entities"),
    ("truncated.xml", "truncated"),
    ("latin1_claims_utf8.xml", "encoding"),
    ("unknown_version.xml", "unknown-version"),
])
def test_bad_input_is_refused_with_a_reason_and_changes_nothing(runtime, fixtures_dir, name, code) -> None:
    runtime.import_file(source(fixtures_dir / COHORT), study="eveil")
    before = catalogue_state(runtime)
    bad = bad_input(name)
    with pytest.raises(InvalidInput) as refused:
        runtime.import_file(Source(name=name, data=bad), study="eveil")
    message = refused.value.message
    assert name in message and "\n" not in message
    if code is not None:
        assert refused.value.problems[0].code == code
    assert catalogue_state(runtime) == before


def bad_input(name: str) -> bytes:
    """Small bad inputs, written here so that each says what it is."""
    return {
        "empty.xml": b"",
        "not_xml.csv": "variable;libellé\nallait;Allaitement\n".encode(),
        "not_ddi.xml": b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>',
        "entities.xml": (
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
            b'<DDIInstance xmlns="ddi:instance:3_3">&b;</DDIInstance>'
        ),
        "truncated.xml": b'<?xml version="1.0" encoding="UTF-8"?>\n<DDIInstance xmlns="ddi:instance:3_3">\n<r:URN',
        "latin1_claims_utf8.xml": (
            '<?xml version="1.0" encoding="UTF-8"?>\n<DDIInstance xmlns="ddi:instance:3_3" '
            'xmlns:r="ddi:reusable:3_3"><r:Citation><r:Title><r:String xml:lang="fr">Étude</r:String>'
            "</r:Title></r:Citation></DDIInstance>"
        ).encode("latin-1"),
        "unknown_version.xml": b'<?xml version="1.0"?><DDIInstance xmlns="ddi:instance:3_4"/>',
    }[name]


def test_a_document_invalid_against_its_xsd_is_refused_with_its_line(runtime, samples_dir) -> None:
    path = samples_dir / "ddi" / "Example_QuestionnaireDevelopment.xml"
    before = catalogue_state(runtime)
    with pytest.raises(InvalidInput) as refused:
        runtime.import_file(source(path), study="alliance")
    first = refused.value.problems[0]
    assert first.location.line == 12 and "QuestionnaireDevelopment" in str(first)
    assert catalogue_state(runtime) == before


def test_lenient_import_stores_valid_ddi_made_by_the_writer(runtime, samples_dir, schemas_dir) -> None:
    path = samples_dir / "ddi" / "insee_eno_ddi33_l5v3spn0.xml"
    with pytest.raises(InvalidInput) as refused:
        runtime.import_file(source(path), study="insee")
    assert refused.value.problems[0].location.line == 1198
    report = runtime.import_file(source(path), study="insee", lenient=True)
    assert report.warnings and any(p.location.line == 1198 for p in report.warnings)
    with runtime.sessions() as session:
        record = session.scalar(select_import(report.import_id))
        stored = etree.fromstring(gzip.decompress(record.ddi_document))
    schema = etree.XMLSchema(etree.parse(str(schemas_dir / "3.3" / "instance.xsd")))
    assert schema.validate(stored), schema.error_log.last_error


def test_older_ddi_versions_are_stored_as_valid_3_3(runtime, fixtures_dir, schemas_dir, samples_dir) -> None:
    schema = etree.XMLSchema(etree.parse(str(schemas_dir / "3.3" / "instance.xsd")))
    for path, slug in ((fixtures_dir / "ddi" / "single_wave_3_1.xml", "v31"),
                       (samples_dir / "ddi" / "archivist_fragment_instance_3_2.xml", "v32")):
        report = runtime.import_file(source(path), study=slug)
        assert report.ddi_version in ("3.1", "3.2")
        with runtime.sessions() as session:
            stored = etree.fromstring(gzip.decompress(session.scalar(select_import(report.import_id)).ddi_document))
        assert stored.tag == "{ddi:instance:3_3}DDIInstance"
        assert schema.validate(stored), schema.error_log.last_error


def test_wave_option_places_a_one_wave_document_and_refuses_a_cohort(runtime, fixtures_dir, samples_dir) -> None:
    report = runtime.import_file(source(samples_dir / "ddi" / "QuestionExample.xml"), study="alliance", wave="w1")
    assert report.waves == ["w1"]
    with pytest.raises(InvalidInput) as refused:
        runtime.import_file(source(fixtures_dir / COHORT), study="eveil", wave="w1")
    assert refused.value.problems[0].code == "several-waves"


def test_importing_one_wave_keeps_the_others(runtime, fixtures_dir, samples_dir) -> None:
    runtime.import_file(source(fixtures_dir / COHORT), study="eveil")
    with runtime.sessions() as session:
        from catalogue.store.reads import release_counts

        study = study_by_slug(session, "eveil")
        before = release_counts(session, published_release(session, study.id))
    runtime.import_file(source(samples_dir / "ddi" / "QuestionExample.xml"), study="eveil", wave="extra")
    with runtime.sessions() as session:
        study = study_by_slug(session, "eveil")
        after = release_counts(session, published_release(session, study.id))
        extra = next(w for w in study.waves if w.name == "extra")
    assert {k: v for k, v in after.items() if k != extra.id} == before
    assert after[extra.id]["QuestionItem"] == 4


def test_an_export_of_a_study_validates(runtime, fixtures_dir, schemas_dir) -> None:
    from catalogue.exports import study_export

    runtime.import_file(source(fixtures_dir / COHORT), study="eveil")
    schema = etree.XMLSchema(etree.parse(str(schemas_dir / "3.3" / "instance.xsd")))
    with runtime.sessions() as session:
        for wave in (None, "w1"):
            names = [w.name for w in study_by_slug(session, "eveil").waves]
            data = study_export(session=session, slug="eveil", viewer=Viewer.public(),
                                wave=names[0] if wave else None)
            assert schema.validate(etree.fromstring(data)), schema.error_log.last_error
