"""Odd input: what is not DDI-L is refused with a located error, what cannot be read is a located warning."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from catalogue.ddi.reader import read_ddi
from catalogue.model import UNDETERMINED_LANGUAGE, Instrument, QuestionItem
from ddi_schemas.problems import InvalidInput

NS = (
    'xmlns="ddi:instance:3_3" xmlns:r="ddi:reusable:3_3" xmlns:g="ddi:group:3_3" '
    'xmlns:d="ddi:datacollection:3_3" xmlns:l="ddi:logicalproduct:3_3"'
)


def package_xml(body: str, prolog: str = "") -> bytes:
    """A ResourcePackage around `body` (the package's own identity first)."""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{prolog}'
        f"<g:ResourcePackage {NS}>\n<r:Agency>fr.test</r:Agency><r:ID>rp</r:ID><r:Version>1</r:Version>\n"
        f"{body}\n</g:ResourcePackage>\n"
    ).encode()


def identity(ddi_id: str) -> str:
    return f"<r:Agency>fr.test</r:Agency><r:ID>{ddi_id}</r:ID><r:Version>1</r:Version>"


def question(ddi_id: str, text: str = "Votre âge ?", extra: str = "") -> str:
    return (
        f"<d:QuestionItem>{identity(ddi_id)}<d:QuestionText><d:LiteralText>"
        f'<d:Text xml:lang="fr">{text}</d:Text></d:LiteralText></d:QuestionText>{extra}</d:QuestionItem>'
    )


def scheme(*questions: str) -> str:
    body = "\n".join(questions)
    return f"<d:QuestionScheme>{identity('qs')}\n{body}\n</d:QuestionScheme>"


def refusal(source: bytes) -> InvalidInput:
    with pytest.raises(InvalidInput) as raised:
        read_ddi(source, file_name="upload.xml")
    return raised.value


def test_not_well_formed_xml_is_refused_with_its_line() -> None:
    error = refusal(package_xml(scheme(question("q1")) + "\n<d:Oops>"))
    (problem,) = error.problems
    assert (problem.severity, problem.code, problem.location.file) == ("error", "xml-syntax", "upload.xml")
    assert problem.location.line is not None and problem.location.line >= 5


def test_empty_input_is_refused() -> None:
    assert refusal(b"").problems[0].severity == "error"


def test_other_xml_is_not_ddi() -> None:
    (problem,) = refusal(b'<?xml version="1.0"?>\n<codeBook xmlns="ddi:codebook:2_5"/>').problems
    assert problem.code == "not-ddi" and problem.location.line == 2


def test_an_unknown_ddi_version_is_refused() -> None:
    (problem,) = refusal(b'<DDIInstance xmlns="ddi:instance:3_4"/>').problems
    assert problem.code == "not-ddi" and "3.4" in problem.message


def test_an_element_without_identity_is_skipped_with_its_line() -> None:
    anonymous = (
        '<d:QuestionItem><d:QuestionText><d:LiteralText><d:Text xml:lang="fr">Sans identité</d:Text>'
        "</d:LiteralText></d:QuestionText></d:QuestionItem>"
    )
    result = read_ddi(package_xml(scheme(question("q1"), anonymous, question("q2"))), file_name="upload.xml")
    assert [i.id for i in result.package.items] == ["q1", "q2"]
    (problem,) = [p for p in result.problems if p.code == "unidentified"]
    assert (problem.location.line, problem.location.element) == (6, "QuestionItem")


def test_unreadable_values_and_references_are_warnings() -> None:
    odd = question(
        "q1",
        extra='<d:TextDomain maxLength="beaucoup"/><r:ConceptReference><r:TypeOfObject>Concept'
        "</r:TypeOfObject></r:ConceptReference>",
    )
    result = read_ddi(package_xml(scheme(odd)))
    (item,) = result.package.items
    assert isinstance(item, QuestionItem)
    assert item.responses[0].kind == "text" and item.responses[0].max_length is None
    assert item.concepts == []
    assert {p.code for p in result.problems} >= {"unreadable-value", "unreadable-reference"}
    assert all(p.location.line == 5 for p in result.problems if p.code.startswith("unreadable"))


def test_external_entities_are_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    prolog = f'<!DOCTYPE g:ResourcePackage [<!ENTITY leak SYSTEM "{secret.as_uri()}">]>\n'
    result = read_ddi(package_xml(scheme(question("q1", text="Fuite : &leak; ?")), prolog=prolog))
    (item,) = result.package.items
    assert isinstance(item, QuestionItem)
    assert "TOP-SECRET" not in item.text["fr"]


def test_same_package_from_path_bytes_and_stream(fixtures_dir: Path) -> None:
    path = fixtures_dir / "ddi" / "fragments_3_3.xml"
    from_path = read_ddi(path)
    from_bytes = read_ddi(path.read_bytes())
    from_stream = read_ddi(io.BytesIO(path.read_bytes()))
    assert [i.urn for i in from_path.package.items] == [i.urn for i in from_bytes.package.items]
    assert from_bytes.package.placement == from_stream.package.placement
    assert from_path.problems[0].location.file == "fragments_3_3.xml"
    assert from_bytes.problems[0].location.file is None


def test_languages_inherited_or_undetermined() -> None:
    body = (
        f'<d:InstrumentScheme xml:lang="fr-FR">{identity("is")}<d:Instrument>{identity("instr")}'
        "<d:InstrumentName><r:String>QUEST</r:String></d:InstrumentName>"
        "<r:Label><r:Content>Questionnaire principal</r:Content></r:Label>"
        "</d:Instrument></d:InstrumentScheme>" + scheme(question("q1").replace(' xml:lang="fr"', ""))
    )
    result = read_ddi(package_xml(body))
    instrument, plain = result.package.items
    assert isinstance(instrument, Instrument) and isinstance(plain, QuestionItem)
    assert (instrument.name, instrument.label) == ("QUEST", {"fr-FR": "Questionnaire principal"})
    assert plain.text == {UNDETERMINED_LANGUAGE: "Votre âge ?"}
    assert result.package.study is None and result.package.waves == []
    assert set(result.package.placement.values()) == {None}


def test_a_single_item_can_be_the_root() -> None:
    root = question("seule").replace("<d:QuestionItem>", f"<d:QuestionItem {NS}>", 1)
    result = read_ddi(root.encode())
    (item,) = result.package.items
    assert (item.id, item.text) == ("seule", {"fr": "Votre âge ?"})  # type: ignore[attr-defined]


def test_lines_past_65535_stay_right_after_children_are_freed() -> None:
    block = (
        "<d:QuestionBlock><r:Agency>fr.test</r:Agency><r:ID>bloc</r:ID><r:Version>1</r:Version>"
        "<d:QuestionItemReference><r:Agency>fr.test</r:Agency><r:ID>q1</r:ID><r:Version>1</r:Version>"
        "<r:TypeOfObject>QuestionItem</r:TypeOfObject></d:QuestionItemReference></d:QuestionBlock>"
    )
    padding = "\n" * 70_000
    result = read_ddi(package_xml(scheme(question("q1"), padding + block)))
    (skipped,) = [p for p in result.problems if p.code == "skipped-elements"]
    assert skipped.location.line == 70_006 and "QuestionBlock ×1" in skipped.message


def test_very_long_text_nodes_are_read() -> None:
    long_text = "très long " * 1_100_000  # past libxml2's 10 MB text limit without huge_tree
    result = read_ddi(package_xml(scheme(question("q1", text=long_text))))
    (item,) = result.package.items
    assert len(item.text["fr"]) == len(long_text.strip())  # type: ignore[attr-defined]


def test_same_identity_with_other_content_keeps_the_first() -> None:
    result = read_ddi(package_xml(scheme(question("q1"), question("q1", text="Autre texte ?"))))
    (kept,) = result.package.items
    assert kept.text == {"fr": "Votre âge ?"}  # type: ignore[attr-defined]
    (collision,) = [p for p in result.problems if p.code == "identity-collision"]
    assert collision.location.line == 6


def test_many_deviations_of_one_kind_are_summed_up() -> None:
    untyped = "".join(f"<r:ConceptReference>{identity(f'c{n}')}</r:ConceptReference>" for n in range(150))
    result = read_ddi(package_xml(scheme(question("q1", extra=untyped))), lenient=True)
    deviations = [p for p in result.problems if p.code == "deviation"]
    assert len(deviations) == 101
    assert deviations[-1].message.startswith("50 more deviations of the kind 'reference-without-type'")


def study_units(*ids: str) -> str:
    return "".join(f'<s:StudyUnit xmlns:s="ddi:studyunit:3_3">{identity(i)}</s:StudyUnit>' for i in ids)


def test_study_units_without_group_are_waves_of_no_study() -> None:
    document = (f"<DDIInstance {NS}>{identity('inst')}{study_units('w1', 'w2')}</DDIInstance>").encode()
    result = read_ddi(document)
    assert result.package.study is None
    assert [w.name for w in result.package.waves] == ["w1", "w2"]
    assert any(p.code == "no-study" for p in result.problems)


def test_group_reference_to_an_absent_study_unit_is_reported() -> None:
    reference = (
        f"<r:StudyUnitReference>{identity('absente')}<r:TypeOfObject>StudyUnit</r:TypeOfObject>"
        "</r:StudyUnitReference>"
    )
    document = (
        f"<DDIInstance {NS}>{identity('inst')}<g:Group>{identity('cohorte')}{study_units('w1')}"
        f"{reference}</g:Group></DDIInstance>"
    ).encode()
    result = read_ddi(document)
    assert result.package.study is not None and result.package.study.id == "cohorte"
    assert [w.id for w in result.package.waves] == ["w1"]
    (missing,) = [p for p in result.problems if p.code == "missing-study-unit"]
    assert "absente" in missing.message


def test_cardinality_on_the_question_applies_to_its_only_domain() -> None:
    domain = (
        f"<d:CodeDomain><r:CodeListReference>{identity('cl')}<r:TypeOfObject>CodeList</r:TypeOfObject>"
        "</r:CodeListReference></d:CodeDomain>"
        '<r:ResponseCardinality minimumResponses="1" maximumResponses="3"/>'
    )
    result = read_ddi(package_xml(scheme(question("q1", extra=domain))))
    (item,) = result.package.items
    assert isinstance(item, QuestionItem)
    assert [(r.kind, r.min_responses, r.max_responses) for r in item.responses] == [("code", 1, 3)]
