"""The XSD gate on our own fixtures: each document against its own version's XSD, errors on their lines."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from ddi_schemas.compiled import SchemaSet
from ddi_schemas.problems import InvalidInput
from ddi_schemas.validate import sniff, validate


@pytest.fixture(scope="module")
def cohort(fixtures_dir: Path) -> bytes:
    return (fixtures_dir / "ddi" / "cohort_two_waves_3_3.xml").read_bytes()


def broken(cohort: bytes) -> bytes:
    """The cohort with two kinds of XSD error: bad versions (text) and an unexpected element (structure)."""
    return (
        cohort.replace(b"<r:Version>1</r:Version></r:Agency>", b"")
        .replace(
            b"<r:ID>qi-allaitement</r:ID><r:Version>1</r:Version>",
            b"<r:ID>qi-allaitement</r:ID><r:Version>v1</r:Version>",
            1,
        )
        .replace(b"</d:QuestionItemName>", b"</d:QuestionItemName><d:Remarque>test</d:Remarque>")
    )


def test_a_valid_document_ignores_its_remote_schema_location(schemas: SchemaSet, ddi_fixtures: Path) -> None:
    path = ddi_fixtures / "cohort_two_waves_3_3.xml"
    assert b"xsi:schemaLocation" in path.read_bytes() and b"http://www.ddialliance.org" in path.read_bytes()
    report = validate(path, schemas)
    assert report.valid and report.problems == [] and report.complete
    assert (report.version, report.root) == ("3.3", "DDIInstance")
    assert report.document.root_name == "ddi:DDIInstance"


def test_sniff_reports_version_root_encoding_and_line(ddi_fixtures: Path) -> None:
    document = sniff(ddi_fixtures / "cohort_two_waves_3_3.xml", file_name="vague.xml")
    assert (document.version, document.root, document.namespace) == ("3.3", "DDIInstance", "ddi:instance:3_3")
    assert (document.encoding, document.file_name, document.root_line) == ("UTF-8", "vague.xml", 4)


def test_xsd_errors_come_back_with_line_and_prefixed_element(schemas: SchemaSet, cohort: bytes) -> None:
    report = validate(broken(cohort), schemas, file_name="cohorte.xml")
    assert not report.valid
    found = [(p.location.line, p.location.element) for p in report.problems]
    assert found == [(38, "r:Version"), (39, "d:Remarque")]
    assert report.problems[0].message.startswith("[facet 'pattern'] The value 'v1' is not accepted")
    assert report.problems[1].message.startswith("This element is not expected. Expected is one of ( ")
    assert "d:QuestionText" in report.problems[1].message
    assert all(p.code == "xsd" and p.location.file == "cohorte.xml" for p in report.problems)
    assert "{ddi:" not in report.problems[1].message


def test_streaming_and_whole_tree_modes_give_the_same_errors(schemas: SchemaSet, cohort: bytes) -> None:
    many = broken(cohort).replace(b"<r:Version>1</r:Version>", b"<r:Version>un</r:Version>")
    streamed = validate(many, schemas)
    whole = validate(many, schemas, all_errors=True)
    assert len(streamed.problems) == len(whole.problems) > 30
    assert [(p.location.line, p.location.element, p.message) for p in streamed.problems] == [
        (p.location.line, p.location.element, p.message) for p in whole.problems
    ]


def test_streaming_stops_after_max_errors_and_says_so(schemas: SchemaSet, cohort: bytes) -> None:
    many = cohort.replace(b"<r:Version>1</r:Version>", b"<r:Version>un</r:Version>")
    report = validate(many, schemas, max_errors=5)
    assert len(report.problems) == 5 and not report.complete
    assert validate(many, schemas).complete


def test_raise_for_errors_refuses_with_every_error(schemas: SchemaSet, cohort: bytes) -> None:
    with pytest.raises(InvalidInput) as raised:
        validate(broken(cohort), schemas, file_name="cohorte.xml").raise_for_errors()
    assert len(raised.value.problems) == 2
    assert str(raised.value).startswith("cohorte.xml, line 38, element r:Version: error: ")
    assert str(raised.value).endswith("(and 1 more error)")


def test_each_document_is_validated_against_its_own_version(
    schemas: SchemaSet, ddi_fixtures: Path, cohort: bytes
) -> None:
    report = validate(ddi_fixtures / "cohort_variables_3_1.xml", schemas)
    assert report.valid and report.version == "3.1"
    # r:Label on a QuestionItem is new in 3.3: valid as 3.3, refused once the namespaces say 3.2
    labelled = cohort.replace(
        b"</d:QuestionItemName>",
        b'</d:QuestionItemName><r:Label><r:Content xml:lang="fr">Allaitement</r:Content></r:Label>',
    )
    assert validate(labelled, schemas).valid
    as_3_2 = validate(labelled.replace(b":3_3", b":3_2"), schemas)
    assert as_3_2.version == "3.2"
    assert [p.location.element for p in as_3_2.problems] == ["r:Label"]


def test_a_latin_1_document_that_says_so_is_accepted(schemas: SchemaSet, cohort: bytes) -> None:
    latin = cohort.decode("utf-8").replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').encode("latin-1")
    assert sniff(latin).encoding == "ISO-8859-1"
    assert validate(latin, schemas).valid


def test_a_utf_16_document_is_accepted(schemas: SchemaSet, cohort: bytes) -> None:
    utf16 = cohort.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    assert sniff(utf16).encoding == "UTF-16"
    assert validate(utf16, schemas).valid


@pytest.mark.parametrize("all_errors", [False, True])
def test_threads_sharing_one_schema_set_each_get_their_own_errors(schemas: SchemaSet, cohort: bytes,
                                                                  all_errors: bool) -> None:
    documents = [cohort, broken(cohort)] * 4
    expected = [[], [(38, "r:Version"), (39, "d:Remarque")]] * 4
    results: list[list[tuple[int | None, str | None]] | None] = [None] * len(documents)
    barrier = threading.Barrier(len(documents))

    def run(index: int) -> None:
        barrier.wait()
        for _ in range(5):
            report = validate(documents[index], schemas, all_errors=all_errors)
            results[index] = [(p.location.line, p.location.element) for p in report.problems]
            if results[index] != expected[index]:
                return

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(documents))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == expected
