"""Qualtrics .qsf import: the QualtricsTools and rios samples, a French/English survey, bad inputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from catalogue.errors import InvalidInput
from catalogue.model import (
    DDIPackage,
    IfThenElse,
    Instrument,
    QuestionGrid,
    QuestionItem,
    Sequence,
    StatementItem,
    Variable,
)
from importers.qualtrics import IMPORTER, MAX_QSF_BYTES, logic_text, qualtrics_language
from importers.registry import ImportOptions
from tests.importers.packages import categories_of, named, of_type, sample_file, written_valid

OPTIONS = ImportOptions(agency="fr.ddicat.test", id_prefix="qx")
FIXTURE = "qualtrics/eveil_2ans_fr_en.qsf"


def export_columns(path: Path) -> list[str]:
    """The data columns a Qualtrics export would have, by the documented naming rule, from the raw JSON."""
    survey = json.loads(path.read_text("utf-8"))
    payloads = {
        e["Payload"]["QuestionID"]: e["Payload"] for e in survey["SurveyElements"] if e["Element"] == "SQ"
    }
    blocks = next(e["Payload"] for e in survey["SurveyElements"] if e["Element"] == "BL")
    blocks = blocks.values() if isinstance(blocks, dict) else blocks
    order = [
        el["QuestionID"]
        for b in blocks
        if b["Type"] != "Trash"
        for el in b["BlockElements"]
        if el.get("Type") == "Question"
    ]
    columns: list[str] = []

    def keys(collection: object) -> list[str]:
        if isinstance(collection, dict):
            return [str(k) for k in collection]
        return [str(i) for i in range(1, len(collection) + 1)] if isinstance(collection, list) else []

    for qid in order:
        p = payloads[qid]
        tag, kind, selector = p["DataExportTag"], p["QuestionType"], p.get("Selector")
        recodes = p.get("RecodeValues") or {}
        if kind in ("DB", "Timing", "Meta"):
            continue
        if kind == "MC" and selector in ("MAVR", "MAHR", "MACOL", "MSB"):
            columns += [f"{tag}_{recodes.get(c, c)}" for c in keys(p["Choices"])]
        elif kind in ("MC", "TE") and selector != "FORM":
            columns.append(tag)
        elif kind == "Matrix":
            tags = p.get("ChoiceDataExportTags") or {}
            rows = [tags.get(c) or f"{tag}_{c}" for c in keys(p["Choices"])]
            if p.get("SubSelector") == "MultipleAnswer":
                columns += [f"{r}_{recodes.get(a, a)}" for r in rows for a in keys(p["Answers"])]
            else:
                columns += rows
        elif kind == "SBS":
            for column in p["AdditionalQuestions"].values():
                answers = keys(column["Answers"])
                column_recodes = (
                    column["RecodeValues"] if isinstance(column.get("RecodeValues"), dict) else {}
                )
                for c in keys(p["Choices"]):
                    if column.get("SubSelector") == "MultipleAnswer":
                        columns += [
                            f"{column['DataExportTag']}_{c}_{column_recodes.get(a, a)}" for a in answers
                        ]
                    else:
                        columns.append(f"{column['DataExportTag']}_{c}")
        else:  # Slider, CS, RO, TE FORM
            columns += [f"{tag}_{c}" for c in keys(p["Choices"])]
        if kind == "MC":
            columns += [
                f"{tag}_{recodes.get(c, c)}_TEXT" for c, v in p["Choices"].items() if v.get("TextEntry")
            ]
    return columns


# The public samples -----------------------------------------------------------------------------------------


def test_many_question_types(samples_dir: Path, schemas_dir: Path) -> None:
    path = sample_file(samples_dir, "qualtrics", "qtools_many_question_types.qsf")
    result = IMPORTER.read(path.name, path.read_bytes(), OPTIONS)
    package = result.package
    # 52 SQ elements, 20 of them in the Trash block: 32 questions asked, 164 export columns (export_columns).
    columns = export_columns(path)
    assert len(columns) == 164
    variables = [v.name for v in of_type(package, Variable)]
    assert variables == columns
    counts = package.counts()
    assert counts["QuestionItem"] + counts["QuestionGrid"] == 32
    assert [p.code for p in result.problems] == ["qualtrics-trash"]
    # Recoded single answer: the export codes are the recode values.
    q45 = named(package, Variable)["Q45"].representation
    assert set(categories_of(package, q45.code_list.id)) == {"143", "132", "142"}
    # Side by side: one grid, a domain per column.
    sbs = named(package, QuestionGrid)["Q4"]
    assert len(sbs.responses) == 2 and [d.rank for d in sbs.dimensions] == [1, 2]
    assert named(package, Variable)["Q4#2_3"].label["en"].startswith("This is a side-by-side question")
    guard = next(i for i in of_type(package, IfThenElse) if i.name == "Q36")
    assert guard.condition.program_language == "Qualtrics"
    assert guard.condition.text == (
        "If This is a multiple choice single answer vertical question, please choose one "
        "of the fruits below. Oranges Is Selected [q://QID1/SelectableChoice/1 Selected]"
    )
    text = named(package, QuestionItem)["Q25"].text["en"]
    assert (
        text
        == "This is a free response text entry question. Please tell us what your favorite fruit is, and why."
    )
    blocks = [s.label.get("en") for s in of_type(package, Sequence)]
    assert blocks[:4] == ["Normal", "With HTML", "With Survey Logic", "With Recoded Values"]
    written_valid(package, schemas_dir)


def test_side_by_side_and_health_samples(samples_dir: Path, schemas_dir: Path) -> None:
    path = sample_file(samples_dir, "qualtrics", "qtools_side_by_side.qsf")
    package = IMPORTER.read(path.name, path.read_bytes(), OPTIONS).package
    assert [v.name for v in of_type(package, Variable)] == export_columns(path)
    assert package.counts()["QuestionGrid"] == 8
    written_valid(package, schemas_dir)

    path = samples_dir / "qualtrics" / "rios_qualtrics_health.qsf"
    package = IMPORTER.read(path.name, path.read_bytes(), OPTIONS).package
    # 29 SQ: 4 descriptive (DB) → statements; 22 MC single + 3 TE → 25 questions, 25 variables.
    survey = json.loads(path.read_text("utf-8"))
    kinds = [e["Payload"]["QuestionType"] for e in survey["SurveyElements"] if e["Element"] == "SQ"]
    assert (kinds.count("DB"), kinds.count("MC"), kinds.count("TE")) == (4, 22, 3)
    counts = package.counts()
    assert (counts["StatementItem"], counts["QuestionItem"], counts["Variable"]) == (4, 25, 25)
    # Choices as a JSON list (an older export): codes are their positions.
    age = named(package, Variable)["Q22"]
    assert categories_of(package, age.representation.code_list.id)["7"].label == {"en": "85+"}
    assert named(package, QuestionItem)["Q15"].text == {"en": "(do 15?"}
    written_valid(package, schemas_dir)


# The French/English survey ----------------------------------------------------------------------------------


@pytest.fixture
def survey(fixtures_dir: Path) -> DDIPackage:
    path = fixtures_dir / FIXTURE
    return IMPORTER.read(path.name, path.read_bytes(), OPTIONS).package


def test_translations_become_languages(survey: DDIPackage) -> None:
    intro = named(survey, StatementItem)["intro"]
    assert intro.text == {
        "fr": "Bienvenue dans l'enquête Éveil : l'enfant à 2 ans.",
        "en": "Welcome to the Éveil survey: the child at 2 years.",
    }
    care = named(survey, QuestionItem)["garde"]
    assert care.text == {
        "fr": "Qui garde l'enfant en semaine ?",
        "en": "Who looks after the child on weekdays?",
    }
    answers = categories_of(survey, care.responses[0].code_list.id)
    assert answers["2"].label == {"fr": "Une crèche", "en": "A nursery"}
    assert of_type(survey, Instrument)[0].label == {"fr": "Éveil – l'enfant à 2 ans"}
    assert survey.study is not None and survey.study.title == {"fr": "Éveil – l'enfant à 2 ans"}


def test_multiple_answers_text_entry_and_missing(survey: DDIPackage) -> None:
    variables = named(survey, Variable)
    screens = named(survey, QuestionItem)["ecrans"]
    assert screens.responses[0].max_responses == 3
    assert [n for n in variables if n.startswith("ecrans_")] == ["ecrans_1", "ecrans_2", "ecrans_5"]
    assert variables["ecrans_5"].questions == [screens.ref()]
    assert variables["garde_3_TEXT"].representation.kind == "text"
    care = variables["garde"].representation
    assert care.missing_values == ["-9"]
    assert categories_of(survey, care.code_list.id)["-9"].is_missing  # "Ne sait pas", recoded -9
    minutes = variables["duree_ecrans"].representation
    assert (minutes.kind, minutes.minimum, minutes.maximum) == ("numeric", "0", "1440")
    assert (
        variables["vague"].questions == []
        and ("qualtrics:embeddedData", "true") in variables["vague"].user_attributes
    )


def test_matrices_and_sliders_are_grids(survey: DDIPackage) -> None:
    grids = named(survey, QuestionGrid)
    mood = grids["humeur"]
    assert categories_of(survey, mood.dimensions[1].code_list.id)["99"].label == {
        "fr": "Refus",
        "en": "Refused",
    }
    assert categories_of(survey, mood.dimensions[1].code_list.id)["99"].is_missing
    variables = named(survey, Variable)
    assert variables["humeur_2"].label == {
        "fr": "Au cours du dernier mois, l'enfant était-il: irritable",
        "en": "Over the last month, was the child: irritable",
    }
    # Multiple-answer matrix rows with export tags: <row tag>_<answer>.
    assert {"lecture_1", "lecture_2", "dehors_1", "dehors_2"} <= set(variables)
    assert grids["activites"].responses[0].max_responses == 2
    sleep = variables["sommeil_2"].representation
    assert (sleep.kind, sleep.minimum, sleep.maximum, sleep.decimal_positions) == ("numeric", "0", "16", 1)


def test_flow_branch_display_logic_trash_and_timing(fixtures_dir: Path) -> None:
    result = IMPORTER.read("eveil.qsf", (fixtures_dir / FIXTURE).read_bytes(), OPTIONS)
    survey = result.package
    assert sorted(p.code for p in result.problems) == ["qualtrics-skipped", "qualtrics-trash"]
    assert "ancien" not in named(survey, Variable) and "Q8" not in named(survey, Variable)
    guards = {i.name: i for i in of_type(survey, IfThenElse)}
    assert guards["duree_ecrans"].condition.text == (
        "If Quels écrans Télévision Is Selected [q://QID3/SelectableChoice/1 Selected] "
        "Or q://QID3/SelectableChoice/2 Selected"
    )
    branch = guards["FL_4"]
    assert branch.condition.text.startswith("If Qui garde l'enfant Une crèche Is Selected")
    body = {i.id: i for i in survey.items}[branch.then.id]
    assert body.children == [named(survey, Sequence)["BL_humeur"].ref()]
    top = named(survey, Sequence)["SV_eveil2ans"]
    assert top.children == [named(survey, Sequence)["BL_garde"].ref(), branch.ref()]


def test_fixture_validates_and_reimports_with_the_same_ids(fixtures_dir: Path, schemas_dir: Path) -> None:
    data = (fixtures_dir / FIXTURE).read_bytes()
    first = IMPORTER.read("a.qsf", b"\xef\xbb\xbf" + data, OPTIONS).package  # a BOM is accepted
    again = IMPORTER.read("b.qsf", data, OPTIONS).package
    assert [i.id for i in first.items] == [i.id for i in again.items]
    written_valid(first, schemas_dir)


def test_helpers() -> None:
    assert [qualtrics_language(c) for c in ("EN", "FR", "ES-ES", "ZH-S", "PT-BR", "EN-GB")] == [
        "en",
        "fr",
        "es-ES",
        "zh-Hans",
        "pt-BR",
        "en-GB",
    ]
    assert logic_text(
        {
            "0": {
                "0": {"LeftOperand": "q://QID1/SelectableChoice/1", "Operator": "Selected"},
                "1": {
                    "LeftOperand": "q://QID2/SelectableChoice/2",
                    "Operator": "NotSelected",
                    "Conjuction": "And",
                },
                "Type": "If",
            },
            "Type": "BooleanExpression",
        }
    ) == ("If q://QID1/SelectableChoice/1 Selected And q://QID2/SelectableChoice/2 NotSelected")


# Bad inputs -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, data, code",
    [
        ("vide.qsf", b"   ", "empty"),
        ("image.qsf", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "encoding"),
        ("export.qsf", "Q1,Q2\n1,Très\n".encode("cp1252"), "encoding"),
        ("table.qsf", b'{"fields": [{"name": "age"}]}', "not-qsf"),
    ],
)
def test_empty_and_wrong_format_files_are_refused(name: str, data: bytes, code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        IMPORTER.read(name, data, OPTIONS)
    assert caught.value.problems[0].code == code


def test_truncated_file_is_refused_at_its_line(fixtures_dir: Path) -> None:
    data = (fixtures_dir / FIXTURE).read_bytes()
    cut = data[: len(data) // 2]
    with pytest.raises(InvalidInput) as caught:
        IMPORTER.read("coupe.qsf", cut, OPTIONS)
    problem = caught.value.problems[0]
    assert problem.code == "json-syntax" and problem.location.line == cut.count(b"\n") + 1


def test_hundred_megabyte_file_is_refused() -> None:
    """Refused: a survey definition is kilobytes to a few megabytes; 100 MB is not parsed."""
    data = b'{"SurveyEntry": {}, "SurveyElements": [' + b" " * (100 * 1024 * 1024) + b"]}"
    assert len(data) > MAX_QSF_BYTES
    with pytest.raises(InvalidInput) as caught:
        IMPORTER.read("enorme.qsf", data, OPTIONS)
    assert caught.value.problems[0].code == "too-large"


def test_survey_without_questions_is_refused() -> None:
    data = json.dumps({"SurveyEntry": {"SurveyName": "Vide"}, "SurveyElements": []}).encode()
    with pytest.raises(InvalidInput) as caught:
        IMPORTER.read("vide.qsf", data, OPTIONS)
    assert caught.value.problems[0].code == "qualtrics-empty"


# Sniffing ---------------------------------------------------------------------------------------------------


def test_sniff_by_content_whatever_the_extension(fixtures_dir: Path, samples_dir: Path) -> None:
    for path in [fixtures_dir / FIXTURE, *(samples_dir / "qualtrics").glob("*.qsf")]:
        assert IMPORTER.sniff("survey.json", path.read_bytes()), path.name


def test_other_formats_are_not_claimed(samples_dir: Path, fixtures_dir: Path) -> None:
    others = [p for p in samples_dir.rglob("*") if p.is_file() and "qualtrics" not in p.parts]
    others += [p for p in fixtures_dir.rglob("*") if p.is_file() and "qualtrics" not in p.parts]
    assert [p.name for p in others if IMPORTER.sniff(p.name, p.read_bytes())] == []
