"""DDI-L 3.2 and 3.1 documents, and the three ways of identifying an element."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalogue.ddi.reader import ReadResult, read_ddi
from catalogue.model import (
    CodeList,
    ComputationItem,
    IfThenElse,
    ItemKey,
    Loop,
    QuestionConstruct,
    QuestionGrid,
    QuestionItem,
    Ref,
    Sequence,
    Variable,
)


@pytest.fixture(scope="module")
def v32(fixtures_dir: Path) -> ReadResult:
    return read_ddi(fixtures_dir / "ddi" / "single_wave_3_2.xml")


@pytest.fixture(scope="module")
def v31(fixtures_dir: Path) -> ReadResult:
    with open(fixtures_dir / "ddi" / "single_wave_3_1.xml", "rb") as stream:
        return read_ddi(stream, file_name="ecoles.xml")


def by_id(result: ReadResult) -> dict[str, object]:
    return {i.id: i for i in result.package.items}


def test_32_single_study_unit_is_the_study_and_its_wave(v32: ReadResult) -> None:
    package = v32.package
    assert package.ddi_version == "3.2"
    assert package.study is not None and package.study.element == "StudyUnit"
    (wave,) = package.waves
    assert (package.study.id, wave.id) == ("enquete-habitudes", "enquete-habitudes")
    assert package.study.agency == "CA.Exemple.Sante"  # kept as written
    assert package.study.attributes == {"ddicat:country": "CA"}
    assert (wave.name, wave.start_date, wave.end_date) == ("survey-of-daily-habits-2019", "2019-03-15", None)
    assert set(package.placement.values()) == {"enquete-habitudes"}


def test_32_identification_styles(v32: ReadResult, fixtures_dir: Path) -> None:
    items = by_id(v32)
    # scopeOfUniqueness="Maintainable": the URN's ID is MaintainableID.ObjectID and agrees with r:ID
    screen = items["qs-habitudes.qi-ecran"]
    assert isinstance(screen, QuestionItem) and screen.version == "1"
    # URN and Agency/ID/Version disagree: the URN wins, with a warning on the element's line
    sport = items["qi-sport"]
    assert isinstance(sport, QuestionItem) and sport.version == "2"
    (mismatch,) = [p for p in v32.problems if p.code == "identity-mismatch"]
    lines = (fixtures_dir / "ddi" / "single_wave_3_2.xml").read_text(encoding="utf-8").splitlines()
    start = next(n for n, line in enumerate(lines, start=1) if "qi-sport:2</r:URN>" in line) - 1
    assert (mismatch.location.line, mismatch.location.element) == (start, "QuestionItem")
    # URN only, with the agency in capitals: kept as written, matched case-blind
    yes = items["cat-yes"]
    assert (yes.agency, yes.label) == ("CA.Exemple.Sante", {"en": "Yes", "fr": "Oui"})  # type: ignore[attr-defined]
    assert yes.key == ItemKey("ca.exemple.sante", "cat-yes", "1")  # type: ignore[attr-defined]
    assert v32.package.placement[yes.key] == "enquete-habitudes"  # type: ignore[attr-defined]  # via the code list
    variable = items["var-ecran"]
    assert isinstance(variable, Variable)
    assert variable.questions == [Ref("ca.exemple.sante", "qs-habitudes.qi-ecran", "1", "QuestionItem")]
    assert variable.questions[0].key in {i.key for i in v32.package.items}


def test_32_grid_response_domain(v32: ReadResult) -> None:
    grid = by_id(v32)["qg-repas"]
    assert isinstance(grid, QuestionGrid)
    assert grid.text["fr"] == "Quels repas avez-vous pris hier ?"
    assert grid.dimensions[0].code_list == Ref("ca.exemple.sante", "cl-repas", "1", "CodeList")
    (response,) = grid.responses
    assert response.code_list == Ref("ca.exemple.sante", "cl-yesno", "1", "CodeList")
    assert not [p for p in v32.problems if p.code == "deviation"]  # GridResponseDomain is right in 3.2


def test_31_attribute_identification_and_inherited_agency(v31: ReadResult) -> None:
    package = v31.package
    assert package.ddi_version == "3.1"
    items = by_id(v31)
    cantine = items["qi-cantine"]
    assert isinstance(cantine, QuestionItem)
    assert (cantine.agency, cantine.version, cantine.name) == ("fr.ecoles", "1.0.0", "CANTINE")
    # a 3.1 URN attribute: urn:ddi:agency:QuestionScheme.qs.1.0.0:QuestionItem.qi-fruits.1.1.0
    fruits = items["qi-fruits"]
    assert isinstance(fruits, QuestionItem) and fruits.version == "1.1.0"
    # the text's language comes from d:QuestionText/@xml:lang, inherited by d:Text
    assert fruits.text == {
        "fr": "Combien de fruits as-tu mangés hier ?",
        "en": "How many pieces of fruit did you eat yesterday?",
    }
    (numeric,) = fruits.responses
    assert (numeric.numeric_type, numeric.minimum, numeric.maximum, numeric.maximum_inclusive) == (
        "Integer",
        "0",
        "20",
        False,
    )
    assert fruits.concepts == [Ref("fr.ecoles", "con-alimentation", None, "Concept")]
    assert package.study is not None and package.study.version == "2.0.0"
    assert package.study.abstract == {
        "fr": "Santé et habitudes de vie des élèves de primaire.",
        "en": "Health and lifestyle of primary school pupils.",
    }
    (wave,) = package.waves
    assert (wave.start_date, wave.end_date) == ("2008-01-07", "2008-06-27")


def test_31_code_scheme_is_a_code_list(v31: ReadResult) -> None:
    code_list = by_id(v31)["cl-ouinon"]
    assert isinstance(code_list, CodeList) and code_list.name == "OUI_NON"
    # 3.1 codes have no identity: they are numbered within their list
    assert [(c.id, c.value, c.category.id if c.category else None) for c in code_list.codes] == [
        ("cl-ouinon-1", "1", "cat-oui"),
        ("cl-ouinon-2", "2", "cat-non"),
        ("cl-ouinon-3", "8", "cat-refus"),
    ]
    assert by_id(v31)["cat-refus"].is_missing is True  # type: ignore[attr-defined]  # 3.1 `missing`
    cantine = by_id(v31)["qi-cantine"]
    assert isinstance(cantine, QuestionItem)
    assert cantine.responses[0].code_list == Ref("fr.ecoles", "cl-ouinon", "1.0.0", "CodeList")


def test_31_reference_types_come_from_their_targets(v31: ReadResult) -> None:
    items = by_id(v31)
    sequence = items["seq-ecoles"]
    assert isinstance(sequence, Sequence)
    assert [(c.id, c.type) for c in sequence.children] == [
        ("loop-jours", "Loop"),
        ("ci-score", "ComputationItem"),
    ]
    branch = items["ite-cantine"]
    assert isinstance(branch, IfThenElse)
    assert branch.then == Ref("fr.ecoles", "qc-fruits", None, "QuestionConstruct")
    assert (branch.condition.program_language, branch.condition.text) == ("SPSS", "CANTINE = 1")
    construct = items["qc-cantine"]
    assert isinstance(construct, QuestionConstruct)
    assert construct.question == Ref("fr.ecoles", "qi-cantine", None, "QuestionItem")
    assert not [p for p in v31.problems if p.code == "reference-type"]  # guesses are settled silently


def test_31_loop_over_two_constructs_gets_a_body_sequence(v31: ReadResult) -> None:
    items = by_id(v31)
    loop = items["loop-jours"]
    assert isinstance(loop, Loop)
    assert loop.body == Ref("fr.ecoles", "loop-jours-body", "1.0.0", "Sequence")
    body = items["loop-jours-body"]
    assert isinstance(body, Sequence)
    assert [(c.id, c.type) for c in body.children] == [
        ("qc-cantine", "QuestionConstruct"),
        ("ite-cantine", "IfThenElse"),
    ]
    score = items["ci-score"]
    assert isinstance(score, ComputationItem) and score.command.text == "COMPUTE SCORE = FRUITS * 2."


def test_31_variables(v31: ReadResult) -> None:
    items = by_id(v31)
    fruits = items["var-fruits"]
    assert isinstance(fruits, Variable) and fruits.representation is not None
    assert fruits.questions == [Ref("fr.ecoles", "qi-fruits", "1.1.0", "QuestionItem")]
    assert fruits.concept == Ref("fr.ecoles", "con-alimentation", None, "Concept")
    assert fruits.universes == [Ref("fr.ecoles", "uni-eleves", None, "Universe")]
    assert (fruits.representation.kind, fruits.representation.unit) == ("numeric", "fruits")
    cantine = items["var-cantine"]
    assert isinstance(cantine, Variable) and cantine.representation is not None
    assert cantine.representation.code_list == Ref("fr.ecoles", "cl-ouinon", "1.0.0", "CodeList")
    assert v31.problems == []
    assert v31.package.placement[ItemKey("fr.ecoles", "var-cantine", "1.0.0")] == "enquete-ecoles"
