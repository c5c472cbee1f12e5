"""LimeSurvey import (.lss of LimeSurvey 3 and 6, TSV structure): samples, bilingual fixtures, bad inputs."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from lxml import etree

from catalogue.errors import InvalidInput
from catalogue.model import (
    ComputationItem,
    DDIPackage,
    IfThenElse,
    Instrument,
    QuestionGrid,
    QuestionItem,
    Sequence,
    StatementItem,
    Variable,
)
from importers.limesurvey import IMPORTER, MAX_SURVEY_BYTES
from importers.limesurvey_tsv import IMPORTER as TSV
from importers.registry import ImportOptions
from tests.importers.packages import categories_of, named, of_type, sample_file, written_valid

OPTIONS = ImportOptions(agency="fr.ddicat.test", id_prefix="ls")
LS6 = "limesurvey/eveil_sommeil_ls6_fr_en.lss"
LS3 = "limesurvey/tabac_ls3_fr_en.lss"
TSV_FIXTURE = "limesurvey/eveil_alimentation_fr_en.txt"
EXPRESSION = "LimeSurvey-ExpressionScript"


def lss_rows(path: Path, table: str) -> list[dict[str, str]]:
    """One table of an .lss read with lxml's ElementPath, independently of the importer."""
    root = etree.parse(str(path)).getroot()
    return [{cell.tag: cell.text or "" for cell in row} for row in root.iterfind(f"{table}/rows/row")]


# The public samples -----------------------------------------------------------------------------------------


def test_citric_array_and_multiple_choice(samples_dir: Path, schemas_dir: Path) -> None:
    path = sample_file(samples_dir, "limesurvey", "citric_answers_array_multi.lss")
    package = IMPORTER.read(path.name, path.read_bytes(), OPTIONS).package
    questions = lss_rows(path, "questions")
    subquestions = lss_rows(path, "subquestions")
    # From the tables: Q01 (M, 3 subquestions) → 3 dummies; Q02 (F, 5 subquestions, 5 answers) → 5 variables.
    assert [(q["title"], q["type"]) for q in questions] == [("Q01", "M"), ("Q02", "F")]
    assert len(subquestions) == 8 and len(lss_rows(path, "answers")) == 5
    counts = package.counts()
    assert (counts["Variable"], counts["QuestionItem"], counts["QuestionGrid"]) == (3 + 5, 1, 1)
    # Code lists: Q01's options, checked, Q02 rows, Q02 answers (3 + 2 + 5 + 5 categories).
    assert (counts["CodeList"], counts["Category"]) == (4, 15)
    variables = named(package, Variable)
    assert variables["Q02_SQ003"].label == {"en": "This is the second question: Creaminess"}
    grid = named(package, QuestionGrid)["Q02"]
    assert categories_of(package, grid.dimensions[1].code_list.id)["AO03"].label == {"en": "Just Right"}
    assert variables["Q01_SQ002"].questions == [named(package, QuestionItem)["Q01"].ref()]
    instrument = of_type(package, Instrument)[0]
    assert instrument.label == {"en": "Survey with Question Answers"}
    written_valid(package, schemas_dir)


def test_citric_survey_types(samples_dir: Path, schemas_dir: Path) -> None:
    path = sample_file(samples_dir, "limesurvey", "citric_survey.lss")
    result = IMPORTER.read(path.name, path.read_bytes(), OPTIONS)
    package = result.package
    questions = lss_rows(path, "questions")
    # Four questions (T, 5, |, Y) in two groups, one variable each; code lists: the fixed 5-point and yes/no.
    assert [q["type"] for q in questions] == ["T", "5", "|", "Y"]
    counts = package.counts()
    assert (counts["QuestionItem"], counts["Variable"], counts["CodeList"], counts["Category"]) == (
        4,
        4,
        2,
        7,
    )
    items = named(package, QuestionItem)
    assert items["G01Q01"].text == {"en": "Text for first question"}  # <strong> stripped
    assert items["G01Q01"].instruction == {"en": "This is a question help text."}
    assert items["G02Q03"].responses[0].kind == "other"
    assert [p.code for p in result.problems] == ["limesurvey-type"]
    assert len(named(package, Sequence)) == 3  # two groups and the survey
    written_valid(package, schemas_dir)


ARRAYS = set("FABCEH1:;KQ")


def _tsv_counts(path: Path) -> dict[str, int]:
    """Questions, variables, code lists and categories of a TSV structure, counted with the csv module.

    Rules (the documented mapping): X holds no answer; * is a variable without question; M gives one variable
    per subquestion (+ the checked list), arrays one per row, others one; identical option sets are one list.
    """
    text = path.read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE))
    base = next(r["text"] for r in rows if r["class"] == "S" and r["name"] == "language")
    questions: list[dict[str, object]] = []
    for row in rows:
        if row["language"] != base:
            continue
        if row["class"] == "Q":
            questions.append({"type": row["type/scale"], "sq": [], "a": []})
        elif row["class"] in ("SQ", "A") and questions:
            questions[-1]["sq" if row["class"] == "SQ" else "a"].append((row["name"], row["text"]))
    counted = {"questions": 0, "variables": 0}
    option_sets: set[tuple] = set()
    for question in questions:
        kind, subs, answers = question["type"], question["sq"], question["a"]
        if kind == "X":
            continue
        counted["variables"] += len(subs) if kind == "M" or kind in ARRAYS else 1
        if kind == "*":
            continue
        counted["questions"] += 1
        option_sets.update(tuple(options) for options in (subs, answers) if options)
        if kind == "M":
            option_sets.add((("1", "checked"), ("0", "unchecked")))
    counted["code_lists"] = len(option_sets)
    counted["categories"] = sum(len(options) for options in option_sets)
    return counted


def test_converter_tsv_samples(samples_dir: Path, schemas_dir: Path) -> None:
    path = sample_file(samples_dir, "limesurvey", "xlsform2lstsv_multilingual_en_es.tsv")
    package = TSV.read(path.name, path.read_bytes(), OPTIONS).package
    # 4 questions (S, N, L, L), two 3-answer lists.
    assert _tsv_counts(path) == {"questions": 4, "variables": 4, "code_lists": 2, "categories": 6}
    counts = package.counts()
    assert (counts["QuestionItem"], counts["Variable"], counts["CodeList"], counts["Category"]) == (
        4,
        4,
        2,
        6,
    )
    items = named(package, QuestionItem)
    assert items["satisfaction"].text == {"en": "How satisfied are you?", "es": "¿Qué tan satisfecho estás?"}
    sections = named(package, Sequence)
    assert sections["g1"].label == {"en": "Demographics", "es": "Datos demográficos"}
    written_valid(package, schemas_dir)

    path = samples_dir / "limesurvey" / "xlsform2lstsv_testB_de_en.tsv"
    package = TSV.read(path.name, path.read_bytes(), OPTIONS).package
    # 24 Q rows in German: 3 X, 3 *, 4 M (15 subquestions), 3 F arrays (25 rows, one shared 4-answer scale),
    # 5 S, 3 T, 3 L: 18 questions, 54 variables, 12 code lists (the three rating scales are one), 55
    # categories.
    assert _tsv_counts(path) == {"questions": 18, "variables": 54, "code_lists": 12, "categories": 55}
    model = package.counts()
    assert (model["QuestionItem"], model["QuestionGrid"], model["Variable"]) == (15, 3, 54)
    assert (model["CodeList"], model["Category"], model["ComputationItem"], model["StatementItem"]) == (
        12,
        55,
        3,
        3,
    )
    assert named(package, Variable)["projectid_proje"].label["de"] == (
        "Für welche Projekte möchtest Du dich bewerben?: Projekt Alpha"
    )
    guard = next(i for i in of_type(package, IfThenElse) if i.name == "projectroleprojectal")
    assert guard.condition.text == "(projectid_proje.NAOK == 'Y')"
    # Groups are matched across languages by their number: "Hallo!" (de) and "groupgi4rv46" (en) are one.
    assert named(package, Sequence)["g1"].label == {"de": "Hallo!", "en": "groupgi4rv46"}
    written_valid(package, schemas_dir)


# Bilingual fixtures -----------------------------------------------------------------------------------------


@pytest.fixture
def survey(fixtures_dir: Path) -> DDIPackage:
    path = fixtures_dir / LS6
    return IMPORTER.read(path.name, path.read_bytes(), OPTIONS).package


def test_ls6_texts_in_both_languages_without_html(survey: DDIPackage) -> None:
    intro = named(survey, StatementItem)["INTRO"]
    assert intro.text == {
        "fr": "Merci de participer & bienvenue dans l'enquête.",
        "en": "Thank you for taking part & welcome.",
    }
    hours = named(survey, QuestionItem)["HEURES"]
    assert hours.text == {
        "fr": "Combien d'heures l'enfant dort-il ?",
        "en": "How many hours does the child sleep?",
    }
    assert hours.instruction["fr"] == "Arrondir à l'heure près."
    rep = hours.responses[0]
    assert (rep.kind, rep.numeric_type, rep.minimum, rep.maximum) == ("numeric", "Integer", "0", "24")
    instrument = of_type(survey, Instrument)[0]
    assert instrument.label == {"fr": "Éveil : sommeil à 2 ans", "en": "Éveil: sleep at 2 years"}
    assert named(survey, Sequence)["g11"].label == {"fr": "Écrans et alimentation", "en": "Screens and food"}


def test_multiple_choice_with_other_expands(survey: DDIPackage) -> None:
    question = named(survey, QuestionItem)["ECRANS"]
    assert question.responses[0].max_responses == 4  # three options and "other"
    variables = named(survey, Variable)
    assert [n for n in variables if n.startswith("ECRANS_")] == [
        "ECRANS_TV",
        "ECRANS_TAB",
        "ECRANS_TEL",
        "ECRANS_other",
    ]
    assert set(categories_of(survey, variables["ECRANS_TAB"].representation.code_list.id)) == {"1", "0"}
    assert variables["ECRANS_other"].representation.kind == "text"
    assert all(variables[n].questions == [question.ref()] for n in ("ECRANS_TV", "ECRANS_other"))


def test_arrays_dual_scale_and_multiple_numeric_are_grids(survey: DDIPackage) -> None:
    grids = named(survey, QuestionGrid)
    food = grids["ALIM"]
    assert [d.rank for d in food.dimensions] == [1, 2]
    assert categories_of(survey, food.dimensions[1].code_list.id)["Q"].label == {
        "fr": "Tous les jours",
        "en": "Every day",
    }
    nights = grids["NUIT"]
    assert len(nights.responses) == 2  # one code domain per scale
    variables = named(survey, Variable)
    assert {"NUIT_SEM_0", "NUIT_SEM_1", "NUIT_WE_0", "NUIT_WE_1"} <= set(variables)
    assert variables["NUIT_WE_1"].representation.code_list == nights.responses[1].code_list
    times = grids["TEMPS"]
    assert [d.rank for d in times.dimensions] == [1]
    assert variables["TEMPS_WE"].representation.maximum == "24"
    bottles = grids["REPAS"]
    assert [d.rank for d in bottles.dimensions] == [1, 2]
    assert (bottles.responses[0].kind, bottles.responses[0].maximum) == ("numeric", "12")
    assert [n for n in variables if n.startswith("REPAS_")] == [
        "REPAS_LAIT_JOUR",
        "REPAS_LAIT_NUIT",
        "REPAS_EAU_JOUR",
        "REPAS_EAU_NUIT",
    ]
    assert variables["REPAS_EAU_NUIT"].label == {
        "fr": "Nombre de biberons: d'eau: la nuit",
        "en": "Number of bottles: of water: at night",
    }
    assert variables["ALIM_FRU"].label == {
        "fr": "À quelle fréquence l'enfant mange-t-il: Fruits",
        "en": "How often does the child eat: Fruit",
    }


def test_relevance_equations_dates_and_missing(survey: DDIPackage) -> None:
    guards = {i.name: i for i in of_type(survey, IfThenElse)}
    assert (guards["NBREV"].condition.program_language, guards["NBREV"].condition.text) == (
        EXPRESSION,
        'REVEIL == "A1"',
    )
    assert guards["g12"].then == named(survey, Sequence)["g12"].ref()  # group relevance
    equation = named(survey, ComputationItem)["SCORE"]
    assert equation.command.text.startswith("{sum(ECRANS_TV.NAOK == 'Y'")
    date = named(survey, Variable)["DATEV"].representation
    assert (date.kind, date.date_type, date.format, date.minimum) == (
        "datetime",
        "Date",
        "dd/mm/yyyy",
        "2013-01-01",
    )
    wake = named(survey, Variable)["REVEIL"].representation
    assert wake.missing_values == ["NSP"]
    assert categories_of(survey, wake.code_list.id)["NSP"].is_missing


def test_ls6_fixture_validates_and_reimports_with_the_same_ids(fixtures_dir: Path, schemas_dir: Path) -> None:
    data = (fixtures_dir / LS6).read_bytes()
    first = IMPORTER.read("a.lss", data, OPTIONS).package
    again = IMPORTER.read("b.lss", data, OPTIONS).package
    assert [i.id for i in first.items] == [i.id for i in again.items]
    written_valid(first, schemas_dir)


def test_limesurvey_3_language_columns(fixtures_dir: Path, schemas_dir: Path) -> None:
    package = IMPORTER.read("tabac.lss", (fixtures_dir / LS3).read_bytes(), OPTIONS).package
    smoke = named(package, QuestionItem)["FUME"]
    assert smoke.text == {"fr": "Fumez-vous ?", "en": "Do you smoke?"}
    answers = categories_of(package, smoke.responses[0].code_list.id)
    assert answers["-9"].is_missing and answers["-9"].label == {"fr": "Refus", "en": "Refused"}
    assert named(package, Sequence)["g5"].label == {"fr": "Tabac", "en": "Tobacco"}
    assert of_type(package, IfThenElse)[0].condition.text == "FUME == 1"
    written_valid(package, schemas_dir)


def test_tsv_with_bom_quotes_and_languages(fixtures_dir: Path, schemas_dir: Path) -> None:
    data = (fixtures_dir / TSV_FIXTURE).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    result = TSV.read("alimentation.txt", data, OPTIONS)
    package = result.package
    assert result.problems == []
    allergies = named(package, QuestionItem)["ALLERG"]
    assert allergies.text == {
        "fr": 'Allergies "confirmées" par un médecin :',
        "en": 'Allergies "confirmed" by a doctor:',
    }
    variables = named(package, Variable)
    assert {"ALLERG_LAIT", "ALLERG_ARACH", "ALLERG_other", "GOUT_LEG", "GOUT_POI"} <= set(variables)
    assert variables["COMMENT"].representation.max_length == 500
    meals = categories_of(package, variables["REPAS"].representation.code_list.id)
    assert meals["-9"].is_missing and meals["2"].label == {"fr": "Quatre ou plus", "en": "Four or more"}
    assert of_type(package, IfThenElse)[0].condition.text == "ALLERG_LAIT == 'Y'"
    assert named(package, Sequence)["g20"].label == {"fr": "Alimentation", "en": "Food"}
    written_valid(package, schemas_dir)


def test_tsv_in_windows_1252_is_read_with_a_warning(fixtures_dir: Path) -> None:
    text = (fixtures_dir / TSV_FIXTURE).read_bytes().decode("utf-8-sig")
    result = TSV.read("alimentation.txt", text.encode("cp1252"), OPTIONS)
    assert [p.code for p in result.problems] == ["encoding"]
    assert named(result.package, QuestionItem)["AGEDIV"].text["fr"].startswith("À quel âge")


# Bad inputs -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "importer, name, data, code",
    [
        (IMPORTER, "vide.lss", b"", "empty"),
        (IMPORTER, "image.lss", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "xml-syntax"),
        (IMPORTER, "codebook.lss", b'<codeBook xmlns="ddi:codebook:2_5"/>', "not-limesurvey"),
        (TSV, "vide.txt", b"\n", "empty"),
        (TSV, "dictionnaire.txt", "Variable;Libellé\nage;Âge\n".encode("cp1252"), "not-limesurvey-tsv"),
        (TSV, "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    ],
)
def test_empty_and_wrong_format_files_are_refused(
    importer: object, name: str, data: bytes, code: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        importer.read(name, data, OPTIONS)  # type: ignore[attr-defined]
    assert caught.value.problems[0].code == code


def test_truncated_files(fixtures_dir: Path) -> None:
    data = (fixtures_dir / LS6).read_bytes()
    cut = data[: len(data) // 2]
    with pytest.raises(InvalidInput) as caught:
        IMPORTER.read("coupe.lss", cut, OPTIONS)
    problem = caught.value.problems[0]
    assert problem.code == "xml-syntax" and problem.location.line is not None
    # A TSV cut inside a row: the complete rows are read, the broken one is reported.
    text = (fixtures_dir / TSV_FIXTURE).read_bytes()
    result = TSV.read("coupe.txt", text[: text.index(b"AGEDIV") + 3], OPTIONS)
    assert "AGEDIV" not in named(result.package, QuestionItem)
    assert [(p.code, p.location.row) for p in result.problems] == [("limesurvey-tsv-row", 23)]


def test_hundred_megabyte_structures_are_refused() -> None:
    """Refused: a survey structure is kilobytes; 100 MB is not parsed."""
    padding = b"<!-- " + b"x" * (100 * 1024 * 1024) + b" -->"
    data = (
        b'<?xml version="1.0"?><document><LimeSurveyDocType>Survey</LimeSurveyDocType>'
        + padding
        + b"</document>"
    )
    assert len(data) > MAX_SURVEY_BYTES
    for importer in (IMPORTER, TSV):
        with pytest.raises(InvalidInput) as caught:
            importer.read("enorme", data, OPTIONS)
        assert caught.value.problems[0].code == "too-large"


def test_questions_without_code_are_reported_with_their_line() -> None:
    data = (
        b'<?xml version="1.0"?>\n<document><LimeSurveyDocType>Survey</LimeSurveyDocType>\n'
        b"<groups><rows><row><gid>1</gid><group_order>1</group_order></row></rows></groups>\n"
        b"<questions><rows>\n<row><qid>1</qid><parent_qid>0</parent_qid><gid>1</gid><type>T</type>"
        b"<title></title></row>\n</rows></questions></document>"
    )
    with pytest.raises(InvalidInput) as caught:
        IMPORTER.read("sans-code.lss", data, OPTIONS)
    problem = caught.value.problems[0]
    assert (problem.code, problem.location.line) == ("limesurvey-question", 5)


# Sniffing ---------------------------------------------------------------------------------------------------


def test_sniff_by_content_whatever_the_extension(fixtures_dir: Path, samples_dir: Path) -> None:
    lss = [fixtures_dir / LS6, fixtures_dir / LS3, *(samples_dir / "limesurvey").glob("*.lss")]
    tsv = [fixtures_dir / TSV_FIXTURE, *(samples_dir / "limesurvey").glob("*.tsv")]
    for path in lss:
        assert IMPORTER.sniff("survey.xml", path.read_bytes()) and not TSV.sniff("x", path.read_bytes())
    for path in tsv:
        assert TSV.sniff("survey.csv", path.read_bytes()) and not IMPORTER.sniff("x", path.read_bytes())


def test_other_formats_are_not_claimed(samples_dir: Path, fixtures_dir: Path) -> None:
    others = [p for p in samples_dir.rglob("*") if p.is_file() and "limesurvey" not in p.parts]
    others += [p for p in fixtures_dir.rglob("*") if p.is_file() and "limesurvey" not in p.parts]
    for importer in (IMPORTER, TSV):
        assert [p.name for p in others if importer.sniff(p.name, p.read_bytes())] == []
