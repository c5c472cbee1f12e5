"""Each profile rule proven on a small bilingual fixture: what it reports, where, and how severely."""

from __future__ import annotations

from pathlib import Path

import pytest

from ddi_schemas.compiled import SchemaSet
from ddi_schemas.profile import ProfileReport, profile
from ddi_schemas.validate import validate


def found(report: ProfileReport) -> list[tuple[str, str, int | None, str | None]]:
    return [(p.severity, p.code, p.location.line, p.location.element) for p in report.problems]


def test_a_clean_cohort_has_no_problem_and_counts_its_objects(schemas: SchemaSet, ddi_fixtures: Path) -> None:
    report = profile(ddi_fixtures / "cohort_two_waves_3_3.xml", schemas)
    assert report.problems == []
    assert (
        report.counts["QuestionItem"] == 1 and report.counts["Variable"] == 2 and report.counts["Code"] == 2
    )
    assert report.counts["StudyUnit"] == 2 and report.counts["DDIInstance"] == 1


def test_the_fragment_rules(schemas: SchemaSet, ddi_fixtures: Path) -> None:
    path = ddi_fixtures / "profile_fragments_3_3.xml"
    assert validate(path, schemas).valid  # everything below is invisible to the XSD
    report = profile(path, schemas, file_name="fragments.xml")
    assert found(report) == [
        (
            "error",
            "duplicate-id",
            22,
            "d:QuestionItem",
        ),  # same identity, other English text; line 31 is an exact copy
        ("error", "urn-mismatch", 81, "l:Category"),  # URN says version 2, r:Version says 1
        (
            "warning",
            "type-mismatch",
            59,
            "r:QuestionReference",
        ),  # typed QuestionItem, lands on a QuestionGrid
        ("warning", "duplicate-id-type", 140, "c:Universe"),  # fr.cohorte-exemple:sommeil:1 is also a Concept
        ("warning", "no-lang", 151, "r:Content"),
        ("warning", "dangling-reference", 152, "r:UniverseReference"),
        ("warning", "version-skew", 156, "r:ConceptReference"),
        ("warning", "dangling-reference", 166, "r:CodeListReference"),
    ]
    assert report.problems[0].message.startswith(
        "fr.cohorte-exemple:qi-sommeil:1 is defined again with different content (first at line 13)"
    )
    assert "resolves only to version 1" in report.problems[6].message
    assert str(report.problems[0]).startswith("fragments.xml, line 22, element d:QuestionItem: error:")
    assert report.counts == {
        "Category": 3,
        "Code": 4,
        "CodeList": 2,
        "Concept": 1,
        "QuestionConstruct": 1,
        "QuestionGrid": 1,
        "QuestionItem": 3,
        "Universe": 1,
        "Variable": 1,
    }


def test_the_catalogue_resolves_what_the_document_lacks(schemas: SchemaSet, ddi_fixtures: Path) -> None:
    asked: list[tuple[str, str, str | None]] = []

    def known(agency: str, id: str, version: str | None) -> bool:
        asked.append((agency, id, version))
        return (id, version) in {("cl-heures", "3"), ("u-nourrissons", None)}

    report = profile(ddi_fixtures / "profile_fragments_3_3.xml", schemas, known=known)
    references = [
        (p.code, p.location.line) for p in report.problems if "reference" in p.code or "skew" in p.code
    ]
    assert references == [("version-skew", 152), ("version-skew", 156)]
    assert "another version held by the catalogue" in report.problems[5].message
    assert ("fr.cohorte-exemple", "cl-heures", "3") in asked
    assert len(asked) == len(set(asked))  # each identity asked once


def test_strict_makes_dangling_references_errors(schemas: SchemaSet, ddi_fixtures: Path) -> None:
    report = profile(ddi_fixtures / "profile_fragments_3_3.xml", schemas, strict=True)
    dangling = [p for p in report.problems if p.code == "dangling-reference"]
    assert [p.severity for p in dangling] == ["error", "error"]
    assert not report.valid


def test_urns_malformed_or_disagreeing(schemas: SchemaSet, ddi_fixtures: Path) -> None:
    report = profile(ddi_fixtures / "profile_urns_3_3.xml", schemas)
    assert found(report) == [
        ("error", "urn-mismatch", 11, "c:Concept"),
        ("error", "bad-urn", 29, "d:QuestionItem"),
        ("error", "bad-urn", 37, "r:ConceptReference"),
    ]
    assert "disagrees with its ID 'con-taille'" in report.problems[0].message
    # the URN scoped to its maintainable (qs-mesures.qi-taille) is found by a reference to qi-taille,
    # and texts without xml:lang inherit the root's xml:lang="fr": neither is reported


def test_a_3_1_document_identified_by_attributes(schemas: SchemaSet, ddi_fixtures: Path) -> None:
    report = profile(ddi_fixtures / "cohort_variables_3_1.xml", schemas)
    assert found(report) == [
        ("error", "duplicate-id", 17, "l:Category"),
        ("warning", "no-lang", 37, "r:Label"),
        ("warning", "dangling-reference", 38, "l:ConceptReference"),
    ]
    # references without r:IdentifyingAgency take the agency of their maintainable and resolve
    assert "fr.cohorte-exemple:con-mode-de-garde:1.0.0" in report.problems[2].message
    assert report.counts == {
        "Category": 3,
        "CategoryScheme": 1,
        "CodeScheme": 1,
        "LogicalProduct": 1,
        "Variable": 1,
        "VariableScheme": 1,
    }


def test_a_3_1_urn_that_disagrees_with_the_version_attribute(schemas: SchemaSet, ddi_fixtures: Path) -> None:
    text = (ddi_fixtures / "cohort_variables_3_1.xml").read_bytes()
    assert b"Variable.var-a1-creche.1.0.0" in text
    report = profile(text.replace(b"Variable.var-a1-creche.1.0.0", b"Variable.var-a1-creche.2.0.0"), schemas)
    mismatch = [p for p in report.problems if p.code == "urn-mismatch"]
    assert [(p.location.line, p.location.element) for p in mismatch] == [(34, "l:Variable")]
    assert "version '1.0.0'" in mismatch[0].message


CODES = """<?xml version="1.0" encoding="UTF-8"?>
<l:CodeList xmlns:l="ddi:logicalproduct:3_3" xmlns:r="ddi:reusable:3_3" xml:lang="fr">
  <r:Agency>fr.cohorte-exemple</r:Agency><r:ID>cl-garde</r:ID><r:Version>1</r:Version>
  <l:Code>
    <r:Agency>fr.cohorte-exemple</r:Agency><r:ID>code-creche</r:ID><r:Version>1</r:Version>
    <r:Value>{first}</r:Value>
  </l:Code>
  <l:Code>
    <r:Agency>fr.cohorte-exemple</r:Agency><r:ID>code-creche</r:ID><r:Version>1</r:Version>
    <r:Value>{second}</r:Value>
  </l:Code>
</l:CodeList>
"""


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("1", "1", []),
        ("1", "2", [("error", "duplicate-id", 8, "l:Code")]),
    ],
)
def test_codes_are_compared_inside_their_code_list(
    schemas: SchemaSet, first: str, second: str, expected: list[tuple[str, str, int, str]]
) -> None:
    report = profile(CODES.format(first=first, second=second).encode(), schemas)
    assert found(report) == expected


def test_whitespace_and_version_dates_do_not_make_content_differ(
    schemas: SchemaSet, ddi_fixtures: Path
) -> None:
    text = (ddi_fixtures / "profile_fragments_3_3.xml").read_text(encoding="utf-8")
    reindented = text.replace("\n      <d:NumericDomain>", "\n\n            <d:NumericDomain>")
    report = profile(reindented.encode(), schemas)
    assert [p.code for p in report.errors] == ["duplicate-id", "urn-mismatch"]


CATEGORIES = """<?xml version="1.0" encoding="UTF-8"?>
<l:CategoryScheme xmlns:l="ddi:logicalproduct:3_3" xmlns:r="ddi:reusable:3_3" xmlns:h="http://www.w3.org/1999/xhtml">
  <r:Agency>fr.cohorte-exemple</r:Agency><r:ID>cats-sommeil</r:ID><r:Version>1</r:Version>
  <l:Category>
    <r:Agency>fr.cohorte-exemple</r:Agency><r:ID>cat-nuit</r:ID><r:Version>1</r:Version>
    <r:Label><r:Content xml:lang="fr" isPlainText="false">Dort <h:b>toute</h:b> la nuit</r:Content></r:Label>
  </l:Category>
  <l:Category>
    <r:Agency>fr.cohorte-exemple</r:Agency><r:ID>cat-nuit</r:ID><r:Version>1</r:Version>
    <r:Label><r:Content xml:lang="fr" isPlainText="false">Dort <h:b>toute</h:b> {tail}</r:Content></r:Label>
  </l:Category>
  <l:Category>
    <r:Agency>fr.cohorte-exemple</r:Agency><r:ID>cat-jour</r:ID><r:Version>1</r:Version>
    <r:Label><r:Content isPlainText="false"><h:p>Dort le jour</h:p></r:Content></r:Label>
  </l:Category>
</l:CategoryScheme>
"""


@pytest.mark.parametrize(("tail", "duplicates"), [("la nuit", 0), ("la journée", 1)])
def test_text_between_xhtml_elements_is_content(schemas: SchemaSet, tail: str, duplicates: int) -> None:
    report = profile(CATEGORIES.format(tail=tail).encode(), schemas)
    assert [p.code for p in report.errors] == ["duplicate-id"] * duplicates
    assert [(p.code, p.location.line) for p in report.warnings] == [("no-lang", 14)]  # its text is all XHTML
