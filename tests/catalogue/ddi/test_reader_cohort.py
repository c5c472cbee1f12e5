"""Reading a bilingual two-wave cohort (DDI-L 3.3 DDIInstance: Group, two StudyUnits, a ResourcePackage)."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalogue.ddi.reader import ReadResult, read_ddi
from catalogue.model import (
    CodeList,
    ComputationItem,
    IfThenElse,
    Instrument,
    Item,
    ItemKey,
    Loop,
    QuestionConstruct,
    QuestionGrid,
    QuestionItem,
    Ref,
    Sequence,
    StatementItem,
    Variable,
)

AGENCY = "fr.exemple.cohorte"


@pytest.fixture(scope="module")
def result(fixtures_dir: Path) -> ReadResult:
    return read_ddi(fixtures_dir / "ddi" / "cohort_3_3.xml")


def item(result: ReadResult, ddi_id: str) -> Item:
    found = [i for i in result.package.items if i.id == ddi_id]
    assert len(found) == 1, f"{ddi_id}: {len(found)} items"
    return found[0]


def test_counts_and_version(result: ReadResult) -> None:
    assert result.package.ddi_version == "3.3"
    assert result.package.source_name == "cohort_3_3.xml"
    assert result.package.counts() == {
        "Category": 9,
        "Code": 8,
        "CodeList": 3,
        "ComputationItem": 1,
        "Concept": 2,
        "IfThenElse": 2,
        "Instrument": 2,
        "Loop": 1,
        "QuestionConstruct": 8,
        "QuestionGrid": 1,
        "QuestionItem": 6,
        "Sequence": 2,
        "StatementItem": 1,
        "Universe": 1,
        "Variable": 4,
    }


def test_study_is_the_group(result: ReadResult) -> None:
    study = result.package.study
    assert study is not None
    assert (study.element, study.agency, study.id, study.version) == ("Group", AGENCY, "cohorte", "3")
    assert study.title == {"fr": "Cohorte Naissance Exemple", "en": "Example Birth Cohort"}
    assert study.abstract["en"] == "Follow-up of children from birth to adulthood."
    assert study.purpose == {"und": "Health and development of children."}  # no xml:lang
    assert study.attributes == {
        "ddicat:population": "Enfants nés en France métropolitaine en 2011",
        "ddicat:startYear": "2011",
    }


def test_waves_are_the_study_units(result: ReadResult) -> None:
    first, second = result.package.waves
    assert (first.id, first.name) == ("vague-2m", "2m")  # ddicat:waveName
    assert first.title == {"fr": "Enquête à deux mois", "en": "Two-month survey"}
    assert (first.start_date, first.end_date) == ("2011-06-01", "2011-12-31")  # r:Coverage
    assert (first.age_min_months, first.age_max_months) == (2.0, 3.5)
    assert first.attributes == {"ddicat:mode": "CATI"}
    assert first.instruments == [Ref(AGENCY, "instr-2m", "1", "Instrument")]
    assert (second.id, second.name) == ("vague-1a", "vague-1-an")  # slug of the first title
    assert (second.start_date, second.end_date) == ("2012-05-01", "2012-10-15")  # both CollectionEvents
    assert second.age_min_months is None
    assert second.instruments == [Ref(AGENCY, "instr-1a", "1", "Instrument")]


def test_question_texts_names_and_instructions(result: ReadResult) -> None:
    weight = item(result, "qi-poids")
    assert isinstance(weight, QuestionItem)
    assert (weight.name, weight.version, weight.version_date) == ("POIDS", "2", "2011-05-02T10:00:00Z")
    assert weight.text == {
        "fr": "Quel est le poids de l'enfant aujourd'hui ?",
        "en": "How much does the child weigh today?",
    }
    assert weight.label == {"fr": "Poids de l'enfant", "en": "Child's weight"}
    assert weight.user_ids == [("cohorte:code", "Q12")]
    assert weight.instruction == {
        "fr": "Demander la dernière pesée.\nLe carnet de santé peut aider.",
        "en": "Ask for the latest weighing.",
    }
    first_name = item(result, "qi-prenom")
    assert isinstance(first_name, QuestionItem)
    assert first_name.text == {
        "fr": "Quel est le prénom de l'enfant ? (tel qu'inscrit à l'état civil)",
        "en": "What is the child's first name?",
    }
    feeding = item(result, "qi-allaitement")
    assert isinstance(feeding, QuestionItem)
    assert feeding.text == {"fr": "Comment va ¤PRENOM¤ ? L'allaitez-vous, et combien d'heures par jour ?"}


def test_response_domains(result: ReadResult) -> None:
    weight = item(result, "qi-poids")
    assert isinstance(weight, QuestionItem)
    (numeric,) = weight.responses
    assert (numeric.kind, numeric.numeric_type, numeric.unit, numeric.decimal_positions) == (
        "numeric",
        "Decimal",
        "kg",
        3,
    )
    assert (numeric.minimum, numeric.minimum_inclusive, numeric.maximum, numeric.maximum_inclusive) == (
        "0",
        False,
        "12.5",
        True,
    )
    assert numeric.missing_values == ["-9", "-8"]
    birth = item(result, "qi-naissance")
    assert isinstance(birth, QuestionItem)
    assert (birth.responses[0].kind, birth.responses[0].date_type, birth.responses[0].format) == (
        "datetime",
        "date",
        "YYYY-MM-DD",
    )
    first_name = item(result, "qi-prenom")
    assert isinstance(first_name, QuestionItem)
    text = first_name.responses[0]
    assert (text.kind, text.min_length, text.max_length, text.regex) == ("text", 1, 50, "[A-Za-zÀ-ÿ' -]+")


def test_mixed_domain_and_managed_representation(result: ReadResult) -> None:
    feeding = item(result, "qi-allaitement")
    assert isinstance(feeding, QuestionItem)
    coded, hours = feeding.responses
    assert coded.kind == "code"
    assert coded.code_list == Ref(AGENCY, "cl-ouinon", "1", "CodeList")
    assert (coded.min_responses, coded.max_responses) == (1, 1)
    # d:NumericDomainReference → r:ManagedNumericRepresentation in the ResourcePackage
    assert (hours.kind, hours.minimum, hours.maximum, hours.decimal_positions) == ("numeric", "0", "24", 1)
    assert hours.label == {"fr": "Heures par jour", "en": "Hours a day"}


def test_grid(result: ReadResult) -> None:
    grid = item(result, "qg-activites")
    assert isinstance(grid, QuestionGrid)
    rows, columns = grid.dimensions
    assert (rows.rank, rows.code_list) == (1, Ref(AGENCY, "cl-activites", "1", "CodeList"))
    assert (columns.rank, columns.code_list, columns.roster_size) == (2, None, 2)
    assert columns.label == {"fr": "Parent", "en": "Parent"}
    assert [r.kind for r in grid.responses] == ["code", "text"]
    assert grid.responses[0].code_list == Ref(AGENCY, "cl-frequence", "1", "CodeList")
    assert grid.responses[1].max_length == 200


def test_control_constructs(result: ReadResult) -> None:
    intro = item(result, "si-intro-2m")
    assert isinstance(intro, StatementItem)
    assert intro.text["en"] == "We are going to talk about your child."
    routing = item(result, "ite-allaitement")
    assert isinstance(routing, IfThenElse)
    assert (routing.condition.program_language, routing.condition.text) == ("vtl", "AGEJ < 60")
    assert routing.then == Ref(AGENCY, "qc-allaitement", "1", "QuestionConstruct")
    # the ElseIf becomes a nested IfThenElse whose else is the original Else
    assert routing.else_ == Ref(AGENCY, "ite-allaitement-elseif-1", "1", "IfThenElse")
    nested = item(result, "ite-allaitement-elseif-1")
    assert isinstance(nested, IfThenElse)
    assert nested.condition.text == "AGEJ < 90"
    assert nested.then == Ref(AGENCY, "qc-poids", "1", "QuestionConstruct")
    assert nested.else_ == Ref(AGENCY, "si-intro-2m", "1", "StatementItem")
    repeat = item(result, "loop-parents")
    assert isinstance(repeat, Loop)
    assert repeat.name == "BOUCLE_PARENTS"
    assert repeat.loop_while is not None and repeat.loop_while.text == "I <= NBPARENTS"
    assert repeat.initial_value is not None and repeat.initial_value.text == "1"
    assert repeat.body == Ref(AGENCY, "qc-activites", "1", "QuestionConstruct")
    age = item(result, "ci-age-jours")
    assert isinstance(age, ComputationItem)
    assert age.command.text == "AGEJ := datediff(DATENAIS, current_date())"
    assert age.command.description == {"fr": "Âge de l'enfant en jours"}
    main = item(result, "seq-2m")
    assert isinstance(main, Sequence)
    assert [c.id for c in main.children] == [
        "si-intro-2m",
        "qc-naissance",
        "qc-prenom",
        "ci-age-jours",
        "ite-allaitement",
        "loop-parents",
        "qc-sommeil-2m",
    ]
    instrument = item(result, "instr-2m")
    assert isinstance(instrument, Instrument)
    assert (instrument.root, instrument.instrument_type) == (Ref(AGENCY, "seq-2m", "1", "Sequence"), "CATI")
    assert instrument.label["en"] == "Two-month telephone questionnaire"


def test_wrong_type_of_object_takes_its_target_type(result: ReadResult) -> None:
    construct = item(result, "qc-activites")
    assert isinstance(construct, QuestionConstruct)
    assert construct.question == Ref(AGENCY, "qg-activites", "1", "QuestionGrid")
    assert any(p.code == "reference-type" and "QuestionGrid" in p.message for p in result.problems)


def test_variables_link_to_questions_and_code_lists(result: ReadResult) -> None:
    items = {i.key: i for i in result.package.items}
    sleep = item(result, "var-sommeil-1a")
    assert isinstance(sleep, Variable)
    assert sleep.name == "A01_SOMMEIL"
    assert sleep.label == {"fr": "Dort bien (1 an)", "en": "Sleeps well (1 year)"}
    (question_ref,) = sleep.questions
    question = items[question_ref.key]
    assert isinstance(question, QuestionItem)
    assert question.text["en"] == "Does your child sleep well?"
    assert question.responses[0].code_list == sleep.representation.code_list  # type: ignore[union-attr]
    code_list = items[question.responses[0].code_list.key]  # type: ignore[union-attr]
    assert isinstance(code_list, CodeList)
    assert [c.value for c in code_list.codes] == ["1", "2", "9"]
    assert sleep.concept == Ref(AGENCY, "con-sommeil", "1", "Concept")
    weight = item(result, "var-poids-2m")
    assert isinstance(weight, Variable) and weight.representation is not None
    assert (weight.representation.unit, weight.representation.minimum_inclusive) == ("kg", False)
    assert weight.universes == [Ref(AGENCY, "uni-enfants", "1", "Universe")]
    assert (weight.analysis_unit, weight.description) == ("Enfant", {"fr": "Déclaré par le parent."})
    grams = item(result, "var-imc-2m")
    assert isinstance(grams, Variable) and grams.representation is not None
    assert grams.source_variables == [Ref(AGENCY, "var-poids-2m", "1", "Variable")]
    representation = grams.representation
    assert (representation.kind, representation.numeric_type, representation.maximum) == (
        "numeric",
        "Integer",
        "12500",
    )
    assert representation.label == {}  # r:NumericRepresentation has no r:Label to carry it


def test_code_lists_categories_and_concepts(result: ReadResult) -> None:
    activities = item(result, "cl-activites")
    assert isinstance(activities, CodeList)
    # the nested code comes right after its parent
    assert [(c.id, c.value) for c in activities.codes] == [
        ("cl-activites-1", "1"),
        ("cl-activites-2", "2"),
        ("cl-activites-2-1", "21"),
    ]
    assert activities.codes[2].category == Ref(AGENCY, "cat-jeux-exterieur", "1", "Category")
    assert item(result, "cat-nsp").is_missing is True  # type: ignore[attr-defined]
    assert item(result, "cat-oui").is_missing is False  # type: ignore[attr-defined]
    sleep = item(result, "con-sommeil")
    assert sleep.label == {"fr": "Sommeil", "en": "Sleep"}
    assert sleep.parents == [Ref(AGENCY, "con-sante", "1", "Concept")]  # type: ignore[attr-defined]


def test_placement_by_containment_and_references(result: ReadResult) -> None:
    placement = result.package.placement
    assert set(placement) == {i.key for i in result.package.items}

    def wave(ddi_id: str) -> str | None:
        (found,) = [v for k, v in placement.items() if k.id == ddi_id]
        return found

    assert wave("qi-poids") == "vague-2m"
    assert wave("ite-allaitement-elseif-1") == "vague-2m"
    assert wave("qi-marche") == "vague-1a"
    assert wave("var-sommeil-1a") == "vague-1a"
    assert wave("cl-activites") == "vague-2m"  # in the ResourcePackage, used by one wave only
    assert wave("uni-enfants") == "vague-2m"
    assert wave("qi-sommeil") is None  # asked in both waves
    assert wave("cl-ouinon") is None
    assert wave("cat-oui") is None
    assert wave("con-sommeil") is None
    assert wave("cat-inutilisee") is None  # reached by no wave
    assert placement[ItemKey(AGENCY, "qi-poids", "2")] == "vague-2m"


def test_one_warning_sums_up_what_is_skipped(result: ReadResult) -> None:
    skipped = [p for p in result.problems if p.code == "skipped-elements"]
    assert len(skipped) == 1
    assert "Instruction ×2" in skipped[0].message
    assert "ManagedNumericRepresentation ×2" in skipped[0].message
    assert all(p.severity == "warning" and p.location.file == "cohort_3_3.xml" for p in result.problems)
    assert not [p for p in result.problems if p.code == "deviation"]
