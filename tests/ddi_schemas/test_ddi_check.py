"""XSD and profile in one streaming pass, on our fixtures and on a generated multi-megabyte document."""

from __future__ import annotations

from pathlib import Path

import pytest

from ddi_schemas.check import check, check_document
from ddi_schemas.compiled import SchemaSet
from ddi_schemas.problems import InvalidInput
from ddi_schemas.validate import validate

FRAGMENT = """  <ddi:Fragment>
    <d:QuestionItem versionDate="2024-03-01T10:00:00">
      <r:URN>urn:ddi:fr.cohorte-exemple:qi-{n}:1</r:URN>
      <r:Agency>fr.cohorte-exemple</r:Agency><r:ID>qi-{n}</r:ID><r:Version>{version}</r:Version>
      <d:QuestionItemName><r:String xml:lang="fr">q{n}</r:String></d:QuestionItemName>
      <d:QuestionText><d:LiteralText>
        <d:Text xml:lang="fr">Question {n} : votre enfant a-t-il dormi plus de {n} minutes ?</d:Text>
      </d:LiteralText></d:QuestionText>
      <d:QuestionText><d:LiteralText>
        <d:Text xml:lang="en">Question {n}: did your child sleep more than {n} minutes?</d:Text>
      </d:LiteralText></d:QuestionText>
      <d:CodeDomain>
        <r:CodeListReference>
          <r:Agency>fr.cohorte-exemple</r:Agency><r:ID>cl-ouinon</r:ID><r:Version>1</r:Version>
          <r:TypeOfObject>CodeList</r:TypeOfObject>
        </r:CodeListReference>
      </d:CodeDomain>
    </d:QuestionItem>
  </ddi:Fragment>
"""


def many_questions(count: int, bad_every: int) -> bytes:
    """A Colectica-like FragmentInstance of `count` questions; every `bad_every`-th has version v1."""
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<ddi:FragmentInstance xmlns:ddi="ddi:instance:3_3" '
        'xmlns:r="ddi:reusable:3_3" xmlns:d="ddi:datacollection:3_3">\n'
    )
    body = "".join(
        FRAGMENT.format(n=n, version="v1" if n % bad_every == bad_every - 1 else "1") for n in range(count)
    )
    return (head + body + "</ddi:FragmentInstance>\n").encode()


def test_one_pass_reports_xsd_and_profile_problems(schemas: SchemaSet, ddi_fixtures: Path) -> None:
    report = check(ddi_fixtures / "profile_urns_3_3.xml", schemas, file_name="urns.xml")
    assert [(p.code, p.location.line) for p in report.validation.problems] == [("xsd", 29), ("xsd", 37)]
    assert [(p.code, p.location.line) for p in report.profile.problems] == [
        ("urn-mismatch", 11),
        ("bad-urn", 29),
        ("bad-urn", 37),
    ]
    assert not report.valid
    assert [p.severity for p in report.problems] == ["error"] * 5
    with pytest.raises(InvalidInput) as raised:
        report.raise_for_errors()
    assert str(raised.value).startswith("urns.xml, line 29, element r:URN: error: ")
    assert str(raised.value).endswith("(and 4 more errors)")


def test_a_valid_document_with_profile_errors_is_refused_by_check(
    schemas: SchemaSet, ddi_fixtures: Path
) -> None:
    report = check(ddi_fixtures / "profile_fragments_3_3.xml", schemas)
    assert report.validation.valid and not report.profile.valid and not report.valid
    assert report.problems[0].code == "duplicate-id"
    assert report.document.root == "FragmentInstance"


def test_a_clean_document_passes_check(schemas: SchemaSet, ddi_fixtures: Path) -> None:
    report = check(ddi_fixtures / "cohort_two_waves_3_3.xml", schemas)
    assert report.valid and report.problems == []
    report.raise_for_errors()


def test_a_multi_megabyte_document_streams_with_every_error_on_its_line(schemas: SchemaSet) -> None:
    document = many_questions(1500, bad_every=300)
    assert len(document) > 1_300_000  # about twenty 64 KiB chunks
    streamed = check(document, schemas, file_name="grand.xml")
    whole = validate(document, schemas, all_errors=True)
    assert len(streamed.validation.problems) == 5
    assert [(p.location.line, p.message) for p in streamed.validation.problems] == [
        (p.location.line, p.message) for p in whole.problems
    ]
    assert streamed.profile.counts == {"QuestionItem": 1500}
    dangling = [p for p in streamed.profile.problems if p.code == "dangling-reference"]
    assert len(dangling) == 1500  # the code list is not in the file
    bad_lines = [p.location.line for p in streamed.validation.problems]
    lines = document.split(b"\n")
    assert all(b"<r:Version>v1</r:Version>" in lines[line - 1] for line in bad_lines if line)


def test_the_import_gate_lists_every_error_when_asked(schemas: SchemaSet) -> None:
    document = many_questions(400, bad_every=2)  # 200 invalid versions
    gate = check_document(document, schemas, file_name="grand.xml")
    assert len(gate.validation.problems) == 100 and not gate.validation.complete
    lenient = check_document(document, schemas, file_name="grand.xml", collect_all=True)
    assert len(lenient.validation.problems) == 200 and lenient.validation.complete
    assert lenient.version == "3.3"
    codes = [p.code for p in lenient.errors]
    assert codes.count("xsd") == 200 and codes.count("urn-mismatch") == 200  # the URNs still say version 1
    assert {p.code for p in lenient.warnings} == {"dangling-reference"}
    assert lenient.errors == lenient.problems[:400]
