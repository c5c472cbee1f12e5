"""Reading a Colectica-style FragmentInstance: no schemes, containment by references, several versions."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalogue.ddi.reader import ReadResult, read_ddi
from catalogue.model import ItemKey, QuestionConstruct, QuestionItem, Ref, Sequence, Variable

AGENCY = "fr.exemple.tabac"


@pytest.fixture(scope="module")
def result(fixtures_dir: Path) -> ReadResult:
    return read_ddi((fixtures_dir / "ddi" / "fragments_3_3.xml").read_bytes(), file_name="tabac.xml")


def test_every_version_is_kept(result: ReadResult) -> None:
    versions = {i.version: i for i in result.package.items if i.id == "qi-tabac"}
    assert set(versions) == {"1", "2"}
    first, second = versions["1"], versions["2"]
    assert isinstance(first, QuestionItem) and isinstance(second, QuestionItem)
    assert first.text == {"fr": "As-tu déjà fumé une cigarette ?", "en": "Have you ever smoked a cigarette?"}
    assert second.text["en"] == "Have you ever smoked a cigarette, even a puff?"
    assert (first.version_date, first.is_universally_unique) == ("2020-06-01T00:00:00Z", False)


def test_identical_repeated_fragment_is_kept_once(result: ReadResult) -> None:
    assert [i.id for i in result.package.items].count("cl-ouinon") == 1
    assert result.package.counts() == {
        "Category": 2,
        "Code": 2,
        "CodeList": 1,
        "Instrument": 2,
        "QuestionConstruct": 2,
        "QuestionItem": 2,
        "Sequence": 2,
        "Variable": 2,
    }
    assert any(p.code == "repeated-fragments" for p in result.problems)


def test_late_bound_reference_means_the_latest_version(result: ReadResult) -> None:
    (sequence,) = [i for i in result.package.items if i.id == "seq-a"]
    assert isinstance(sequence, Sequence)
    assert sequence.children == [Ref(AGENCY, "qc-tabac-a", None, "QuestionConstruct")]


def test_reference_to_a_missing_version_is_kept_and_reported(result: ReadResult) -> None:
    (variable,) = [i for i in result.package.items if i.id == "var-tabac-b"]
    assert isinstance(variable, Variable)
    assert variable.questions == [Ref(AGENCY, "qi-tabac", "3", "QuestionItem")]
    skew = [p for p in result.problems if p.code == "version-skew"]
    assert len(skew) == 1 and "qi-tabac:3" in skew[0].message


def test_study_and_waves_from_references(result: ReadResult) -> None:
    study = result.package.study
    assert study is not None and (study.element, study.id, study.version) == ("Group", "cohorte-tabac", "2")
    assert study.title == {"fr": "Cohorte Tabac Jeunes", "en": "Youth Tobacco Cohort"}
    baseline, follow_up = result.package.waves
    assert (baseline.id, baseline.name) == ("vague-a", "t0")
    assert (baseline.start_date, baseline.end_date) == (
        "2020-09-01",
        "2021-01-31",
    )  # via DataCollectionReference
    assert baseline.instruments == [Ref(AGENCY, "instr-a", "1", "Instrument")]
    assert (follow_up.id, follow_up.name) == ("vague-b", "follow-up-age-15")  # first language is English
    assert follow_up.instruments == [Ref(AGENCY, "instr-b", "1", "Instrument")]


def test_placement_follows_references_from_each_wave(result: ReadResult) -> None:
    placement = result.package.placement
    assert placement[ItemKey(AGENCY, "qi-tabac", "1")] == "vague-a"
    assert placement[ItemKey(AGENCY, "qi-tabac", "2")] == "vague-b"
    assert placement[ItemKey(AGENCY, "qc-tabac-a", "2")] == "vague-a"  # through the late-bound reference
    # StudyUnit -> PhysicalInstance -> DataRelationship -> VariableUsedReference (all skipped, still followed)
    assert placement[ItemKey(AGENCY, "var-tabac-a", "1")] == "vague-a"
    assert placement[ItemKey(AGENCY, "var-tabac-b", "1")] is None  # no wave reaches it
    assert placement[ItemKey(AGENCY, "cl-ouinon", "1")] is None  # both waves
    assert placement[ItemKey(AGENCY, "cat-non", "1")] is None


def test_links_between_versions(result: ReadResult) -> None:
    items = {i.key: i for i in result.package.items}
    construct = items[ItemKey(AGENCY, "qc-tabac-b", "1")]
    assert isinstance(construct, QuestionConstruct) and construct.question is not None
    question = items[construct.question.key]
    assert isinstance(question, QuestionItem) and question.version == "2"
    assert question.responses[0].code_list == Ref(AGENCY, "cl-ouinon", "1", "CodeList")


def test_problems_carry_the_given_file_name(result: ReadResult) -> None:
    assert {p.location.file for p in result.problems} == {"tabac.xml"}
    skipped = [p for p in result.problems if p.code == "skipped-elements"]
    assert len(skipped) == 1 and "PhysicalInstance ×1" in skipped[0].message
