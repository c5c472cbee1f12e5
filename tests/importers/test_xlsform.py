"""XLSForm import: the public pyxform/CorrelAid samples, a bilingual cohort form, bombs and bad inputs."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlrd

from catalogue.errors import InvalidInput
from catalogue.model import (
    ComputationItem,
    DDIPackage,
    IfThenElse,
    Instrument,
    Loop,
    QuestionGrid,
    QuestionItem,
    Sequence,
    StatementItem,
    Variable,
)
from importers.registry import ImportOptions
from importers.xlsform import (
    IMPORTER,
    MAX_XLSFORM_BYTES,
    column_key,
    constraint_range,
    language_code,
    read_form,
)
from tests.importers.packages import by_id, categories_of, named, of_type, sample_file, written_valid

OPTIONS = ImportOptions(agency="fr.ddicat.test", id_prefix="xf")
FIXTURE = "xlsform/eveil_sommeil_2a_fr_en.xlsx"
SAMPLES = (
    "correlaid_testB_de_en.xlsx",
    "pyxform_UCL_biomass_sw_en.xlsx",
    "pyxform_or_other.xlsx",
    "pyxform_table_list_matrix.xls",
)
# Types that hold no answer of their own (in the data and in the model).
NO_DATA = {"begin_group", "end_group", "begin_repeat", "end_repeat", "note"}
METADATA = {
    "start",
    "end",
    "today",
    "deviceid",
    "subscriberid",
    "simserial",
    "phonenumber",
    "username",
    "email",
    "instanceid",
    "hidden",
    "audit",
}


# Reading the sheets independently of importers.spreadsheet (openpyxl with the sheet size ignored, or xlrd).


def independent_sheets(path: Path) -> dict[str, list[list[str]]]:
    def text(value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value).strip()

    if path.suffix == ".xls":
        book = xlrd.open_workbook(str(path))
        return {s.name: [[text(c) for c in s.row_values(r)] for r in range(s.nrows)] for s in book.sheets()}
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    sheets = {}
    for sheet in book.worksheets:
        sheet.reset_dimensions()  # some writers declare 1,048,576 formatted rows
        rows = []
        for row in sheet.iter_rows(values_only=True):
            if len(rows) > 5000:
                break
            rows.append([text(v) for v in row])
        while rows and not any(rows[-1]):
            rows.pop()
        width = max((len(r) for r in rows), default=0)
        sheets[sheet.title] = [r + [""] * (width - len(r)) for r in rows]
    book.close()
    return sheets


def expected_counts(sheets: dict[str, list[list[str]]]) -> dict[str, int]:
    """Questions, variables, code lists and categories by the documented rules, counted from the raw cells."""
    survey, choices = sheets["survey"], sheets.get("choices", [])
    head = [h.strip().lower() for h in survey[0]]
    type_at = head.index("type")
    chead = [h.strip().lower().replace(" ", "_") for h in choices[0]] if choices else []
    lists: dict[str, list[tuple[str, ...]]] = {}
    for row in choices[1:]:
        if row[chead.index("list_name")] and row[chead.index("name")]:
            lists.setdefault(row[chead.index("list_name")], []).append(tuple(row[1:]))
    questions = variables = 0
    used: set[tuple] = set()
    multiple = False
    for row in survey[1:]:
        cell = " ".join(row[type_at].split()).lower()
        if cell.startswith(("begin ", "end ")) and len(cell.split()) == 2:
            cell = cell.replace(" ", "_")  # "begin group", "end repeat"...
        words = cell.split()
        if not words or words[0] in NO_DATA:
            continue
        kind = words[0]
        if kind in METADATA or kind == "calculate":
            variables += 1
            continue
        questions += 1
        if kind in ("select_one", "select_multiple"):
            options = list(lists[words[1]])
            if words[-1] == "or_other":
                options.append(("other",))
                questions += 1
                variables += 1
            used.add(tuple(options))
            if kind == "select_multiple":
                multiple = True
                variables += len(options)
                continue
        variables += 1
    code_lists = len(used) + (1 if multiple else 0)
    categories = sum(len(options) for options in used) + (2 if multiple else 0)
    return {"QuestionItem": questions, "Variable": variables, "CodeList": code_lists, "Category": categories}


# The public samples -----------------------------------------------------------------------------------------


def test_correlaid_german_english_form(samples_dir: Path, schemas_dir: Path) -> None:
    path = sample_file(samples_dir, "xlsform", "correlaid_testB_de_en.xlsx")
    result = IMPORTER.read(path.name, path.read_bytes(), OPTIONS)
    package = result.package
    counts = package.counts()
    # Counted from the survey/choices sheets read with openpyxl: 43 questions, 59 variables (3 select_multiple
    # expanded per choice), 9 code lists (3 rating lists are identical and shared) + the checked list.
    expected = expected_counts(independent_sheets(path))
    assert expected == {"QuestionItem": 43, "Variable": 59, "CodeList": 9, "Category": 30}
    assert {k: counts[k] for k in expected} == expected
    questions = named(package, QuestionItem)
    assert questions["gender"].text == {"de": "Was ist dein Geschlecht?", "en": "What is your gender?"}
    assert questions["gender"].instruction["en"].startswith("Note: We ask this question")
    # The extra non-XLSForm sheets (projects, roles, survey_skills...) are not read.
    assert "sosci_survey" in questions and "project-alpha" not in questions
    conditions = {i.then.id: i.condition for i in of_type(package, IfThenElse)}
    condition = conditions[f"{OPTIONS.id_prefix}-qc-past_applications_details"]
    assert (condition.program_language, condition.text) == (
        "XLSForm",
        "${past_applications} = 'not_successful'",
    )
    variables = named(package, Variable)
    assert (
        variables["project_id/project-beta"].label["en"]
        == "Which project(s) do you want to apply for?: Project Beta"
    )
    instrument = of_type(package, Instrument)[0]
    assert instrument.name == "correlaid_testB_de_en"  # no form_id in settings: the file name
    assert ("xlsform:version", "vw6VTbhmVCMEtuN7LhcmjP") in instrument.user_attributes
    written_valid(package, schemas_dir)


def test_or_other_sample(samples_dir: Path, schemas_dir: Path) -> None:
    path = sample_file(samples_dir, "xlsform", "pyxform_or_other.xlsx")
    package = IMPORTER.read(path.name, path.read_bytes(), OPTIONS).package
    # By hand: fav_color (or_other) + its "Specify other." text + fav_pastel; the colors list with "other" and
    # without it are two lists (5 + 6 categories).
    assert expected_counts(independent_sheets(path)) == {
        "QuestionItem": 3,
        "Variable": 3,
        "CodeList": 2,
        "Category": 11,
    }
    counts = package.counts()
    assert (counts["QuestionItem"], counts["Variable"], counts["CodeList"], counts["Category"]) == (
        3,
        3,
        2,
        11,
    )
    variables = named(package, Variable)
    assert variables["fav_color_other"].representation.kind == "text"
    colors = categories_of(package, variables["fav_color"].representation.code_list.id)
    assert list(colors) == ["red", "green", "blue", "mauve", "apricot", "other"]
    guard = next(i for i in of_type(package, IfThenElse) if i.name == "fav_color_other")
    assert guard.condition.text == "selected(${fav_color}, 'other')"
    written_valid(package, schemas_dir)


def test_table_list_xls_becomes_grids(samples_dir: Path, schemas_dir: Path) -> None:
    path = sample_file(samples_dir, "xlsform", "pyxform_table_list_matrix.xls")
    package = IMPORTER.read(path.name, path.read_bytes(), OPTIONS).package
    # By hand (read with xlrd): two table-list groups of two select rows each → 2 grids, no plain question;
    # variables: table_list_3, table_list_4 and 2 × 2 happy_sad dummies; code lists yes_no, happy_sad, the two
    # row lists and the checked list.
    sheets = independent_sheets(path)
    assert [r[1] for r in sheets["survey"][1:] if r[0].startswith("select")] == [
        "table_list_3",
        "table_list_4",
        "happy_sad_brian",
        "happy_sad_michael",
    ]
    grids = named(package, QuestionGrid)
    assert set(grids) == {"table_list_test2", "happy_sad_table"}
    assert not of_type(package, QuestionItem)
    assert grids["table_list_test2"].text == {"und": "Table (made with an easier method)"}
    rows = categories_of(package, grids["table_list_test2"].dimensions[0].code_list.id)
    assert {code: c.label["und"] for code, c in rows.items()} == {
        "table_list_3": "Q1",
        "table_list_4": "Question 2",
    }
    assert grids["happy_sad_table"].responses[0].max_responses == 2
    variables = named(package, Variable)
    assert set(variables) == {
        "table_list_3",
        "table_list_4",
        "happy_sad_brian/happy",
        "happy_sad_brian/sad",
        "happy_sad_michael/happy",
        "happy_sad_michael/sad",
    }
    assert all(v.questions == [grids["happy_sad_table"].ref()] for n, v in variables.items() if "/" in n)
    assert package.counts()["CodeList"] == 5
    written_valid(package, schemas_dir)


def test_swahili_english_biomass_form(samples_dir: Path, schemas_dir: Path) -> None:
    """Read through read_form: importers.spreadsheet pads this sheet's 1,048,576 declared rows (next test)."""
    path = sample_file(samples_dir, "xlsform", "pyxform_UCL_biomass_sw_en.xlsx")
    sheets = independent_sheets(path)
    result = read_form(path.name, sheets, OPTIONS)
    package = result.package
    # Counted from the raw sheet: 54 questions (incl. 6 select_one_from_file and 4 geopoint/image) and 68
    # variables (5 calculate + start/end/deviceid + one select_multiple of 7 choices).
    expected = expected_counts(
        {
            "survey": sheets["survey"],
            "choices": [
                row
                for row in sheets["choices"]
                if row[0]
                in {
                    "yes_no",
                    "health_id",
                    "decay_class",
                    "disturbance",
                    "enumerator",
                    "plant_phase",
                    "list_name",
                }
            ],
        }
    )
    assert expected["QuestionItem"] == 54 and expected["Variable"] == 68
    counts = package.counts()
    assert (counts["QuestionItem"], counts["Variable"], counts["Loop"]) == (54, 68, 5)
    questions = named(package, QuestionItem)
    assert questions["tree_distance"].text == {
        "sw": "Mti upo umbali gani kutoka kati kati ya kitalu kwa Mita?",
        "en": "What is the distance from the centre in meters?",
    }
    codes = {p.code for p in result.problems}
    assert "xlsform-choices-file" in codes and "xlsform-other-type" in codes
    files = [p for p in result.problems if p.code == "xlsform-choices-file"]
    assert files[0].location.sheet == "survey" and files[0].location.row == 16
    loops = named(package, Loop)
    assert loops["stems"].loop_while.text == "position(..) <= ${stem_count}"
    assert named(package, Variable)["region_id"].user_attributes == [
        ("xlsform:choicesFile", "UCL_regions.csv")
    ]
    written_valid(package, schemas_dir)


def test_swahili_english_biomass_form_through_the_importer(samples_dir: Path) -> None:
    # The sheet declares 1,048,576 formatted rows: the reader must stop at the long empty run.
    path = sample_file(samples_dir, "xlsform", "pyxform_UCL_biomass_sw_en.xlsx")
    package = IMPORTER.read(path.name, path.read_bytes(), OPTIONS).package
    assert package.counts()["Variable"] == 68


# A bilingual cohort form ------------------------------------------------------------------------------------


@pytest.fixture
def form(fixtures_dir: Path) -> DDIPackage:
    path = fixtures_dir / FIXTURE
    return IMPORTER.read(path.name, path.read_bytes(), OPTIONS).package


def test_bilingual_labels_with_accents_and_the_header_traps(form: DDIPackage) -> None:
    questions = named(form, QuestionItem)
    # The "label::Français (fr)" header carries a BOM and spaces, as copy-pasted headers do.
    assert questions["heures_sommeil"].text == {
        "fr": "Combien d'heures l'enfant dort-il par nuit ?",
        "en": "How many hours does the child sleep per night?",
    }
    assert questions["heures_sommeil"].instruction == {
        "fr": "Arrondir à l'heure près.",
        "en": "Round to the nearest hour.",
    }
    statement = named(form, StatementItem)["intro"]
    assert statement.text["fr"] == "Bienvenue dans l'enquête « Sommeil à 2 ans » de la cohorte Éveil."
    instrument = of_type(form, Instrument)[0]
    assert instrument.label == {"fr": "Sommeil à 2 ans"}
    assert ("xlsform:version", "2024031501") in instrument.user_attributes


def test_select_multiple_expands_to_one_variable_per_choice(form: DDIPackage) -> None:
    question = named(form, QuestionItem)["ecrans"]
    assert question.responses[0].kind == "code" and question.responses[0].max_responses == 4
    dummies = {n: v for n, v in named(form, Variable).items() if n.startswith("ecrans/")}
    assert list(dummies) == ["ecrans/tv", "ecrans/tablette", "ecrans/telephone", "ecrans/aucun"]
    for variable in dummies.values():
        assert variable.questions == [question.ref()]
        assert set(categories_of(form, variable.representation.code_list.id)) == {"1", "0"}
    assert dummies["ecrans/tablette"].label["fr"] == "Quels écrans l'enfant regarde-t-il ?: Tablette"


def test_table_list_group_is_a_grid_with_its_rows_as_variables(form: DDIPackage) -> None:
    grid = named(form, QuestionGrid)["alimentation"]
    assert grid.text == {"fr": "Fréquence de consommation", "en": "How often does the child eat"}
    rows = categories_of(form, grid.dimensions[0].code_list.id)
    assert list(rows) == ["legumes", "fruits", "sucreries"]
    columns = categories_of(form, grid.dimensions[1].code_list.id)
    assert columns["99"].is_missing and columns["99"].label == {"fr": "Refus", "en": "Refused"}
    variables = named(form, Variable)
    assert variables["sucreries"].questions == [grid.ref()]
    assert variables["sucreries"].representation.missing_values == ["99"]


def test_relevance_groups_repeats_and_calculations(form: DDIPackage) -> None:
    guards = {i.name: i for i in of_type(form, IfThenElse)}
    assert guards["nb_reveils"].condition.text == "${reveil_nuit} = '1'"
    assert guards["nb_reveils"].condition.program_language == "XLSForm"
    loop = named(form, Loop)["fratrie"]
    assert guards["fratrie"].then == loop.ref()
    body = by_id(form)[loop.body.id]
    assert isinstance(body, Sequence)
    assert [by_id(form)[c.id].name for c in body.children] == ["prenom_frere", "age_frere"]
    section = named(form, Sequence)["sommeil"]
    assert section.label["en"] == "The child's sleep"
    computation = named(form, ComputationItem)["score_ecrans"]
    assert computation.command.text == "count-selected(${ecrans})"
    assert named(form, Variable)["score_ecrans"].questions == []


def test_constraints_and_missing_codes(form: DDIPackage) -> None:
    variables = named(form, Variable)
    hours = variables["heures_sommeil"].representation
    assert (hours.kind, hours.numeric_type, hours.minimum, hours.maximum) == ("numeric", "Integer", "0", "24")
    awakenings = variables["nb_reveils"].representation
    assert (awakenings.minimum, awakenings.maximum, awakenings.missing_values) == ("1", "20", ["9999"])
    age = variables["age_frere"].representation
    assert (age.minimum, age.maximum, age.minimum_inclusive, age.maximum_inclusive) == (
        "0",
        "30",
        False,
        False,
    )
    wake = variables["reveil_nuit"].representation
    assert wake.missing_values == ["-9"]
    assert categories_of(form, wake.code_list.id)["-9"].is_missing
    assert not categories_of(form, wake.code_list.id)["0"].is_missing
    assert variables["start"].representation.date_type == "DateTime" and variables["start"].questions == []
    assert variables["lieu"].representation.kind == "other"


def test_fixture_writes_valid_ddi_and_reimports_with_the_same_ids(
    fixtures_dir: Path, schemas_dir: Path
) -> None:
    data = (fixtures_dir / FIXTURE).read_bytes()
    first = IMPORTER.read("form.xlsx", data, OPTIONS).package
    again = IMPORTER.read("form.xlsx", data, OPTIONS).package
    assert [i.id for i in first.items] == [i.id for i in again.items]
    assert all(item.version is None and item.agency == "fr.ddicat.test" for item in first.items)
    xml = written_valid(first, schemas_dir)
    assert "Combien d&apos;heures" in xml.decode() or "Combien d'heures" in xml.decode()


def test_helpers() -> None:
    assert language_code("Français (fr)") == ("fr", True)
    assert language_code("English") == ("en", True)
    assert language_code("Français (fr-CA)") == ("fr-CA", True)
    assert language_code("Klingon")[0] == "x-klingon"
    assert column_key("\ufefflabel::Français (fr) ") == ("label", "Français (fr)")
    assert column_key("label:fr") == ("label", "fr")
    assert column_key("list name") == ("list_name", None)
    assert constraint_range(". >= 0 and . <= 120") == ("0", "120", True, True, [])
    assert constraint_range("0 < .") == ("0", None, False, True, [])
    assert constraint_range("(. >= 1 and . <= 5) or . = 9999") == ("1", "5", True, True, ["9999"])
    assert constraint_range("regex(., '^[0-9]+$')") is None


# Bad inputs -------------------------------------------------------------------------------------------------


def _workbook(survey: list[list[object]], choices: list[list[object]] | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "survey"
    for row in survey:
        sheet.append(row)
    if choices:
        other = book.create_sheet("choices")
        for row in choices:
            other.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_rank_range_and_unknown_types() -> None:
    data = _workbook(
        [
            ["type", "name", "label::Français (fr)"],
            ["rank loisirs", "classement", "Classez les loisirs"],
            ["range", "douleur", "Douleur (0 à 10)"],
            ["ascii_art", "dessin", "Dessin"],
        ],
        [
            ["list_name", "name", "label::Français (fr)"],
            ["loisirs", "lecture", "Lecture"],
            ["loisirs", "sport", "Sport"],
            ["loisirs", "musique", "Musique"],
        ],
    )
    book = openpyxl.load_workbook(io.BytesIO(data))
    book["survey"]["D1"], book["survey"]["D3"] = "parameters", "start=0 end=10 step=1"
    out = io.BytesIO()
    book.save(out)
    result = IMPORTER.read("classement.xlsx", out.getvalue(), OPTIONS)
    questions = named(result.package, QuestionItem)
    ranking = questions["classement"].responses[0]
    assert (ranking.kind, ranking.min_responses, ranking.max_responses) == ("code", 3, 3)
    pain = questions["douleur"].responses[0]
    assert (pain.kind, pain.numeric_type, pain.minimum, pain.maximum) == ("numeric", "Integer", "0", "10")
    assert questions["dessin"].responses[0].kind == "other"
    assert [(p.code, p.location.row) for p in result.problems] == [("xlsform-type", 4)]


def test_duplicate_names_are_kept_with_a_warning() -> None:
    data = _workbook(
        [
            ["type", "name", "label"],
            ["begin_group", "menage", "Ménage"],
            ["text", "nom", "Nom"],
            ["end_group"],
            ["begin_group", "enfant", "Enfant"],
            ["text", "nom", "Nom de l'enfant"],
            ["end_group"],
        ]
    )
    result = IMPORTER.read("doublons.xlsx", data, OPTIONS)
    assert [(p.code, p.location.row) for p in result.problems] == [("xlsform-duplicate", 6)]
    ids = [v.id for v in of_type(result.package, Variable)]
    assert len(ids) == 2 and len(set(ids)) == 2


def test_every_bad_row_is_reported_with_its_location() -> None:
    data = _workbook(
        [
            ["type", "name", "label"],
            ["integer", "", "Sans nom"],
            ["select_one absente", "q2", "Q2"],
            ["end_group", "", ""],
            ["", "q4", "Sans type"],
            ["text", "q5", "OK"],
        ]
    )
    with pytest.raises(InvalidInput) as caught:
        IMPORTER.read("mauvais.xlsx", data, OPTIONS)
    errors = [p for p in caught.value.problems if p.severity == "error"]
    assert sorted((p.location.sheet, p.location.row, p.code) for p in errors) == [
        ("survey", 2, "xlsform-name"),
        ("survey", 3, "xlsform-list"),
        ("survey", 4, "xlsform-nesting"),
        ("survey", 5, "xlsform-type"),
    ]


def test_formula_bomb_is_never_evaluated() -> None:
    # A chain of cells doubling the previous one: evaluated, the last would hold 2**40 characters.
    survey = [["type", "name", "label"], ['=REPT("select_one ",1)&"x"', "q1", "=A2&A2"]]
    survey += [["text", f"q{i}", f"=C{i}&C{i}"] for i in range(3, 43)]
    data = _workbook(survey)
    # Only cached values are read: openpyxl wrote none, so every formula cell is empty, and the row whose type
    # is a formula is reported as a row without a type.
    with pytest.raises(InvalidInput) as caught:
        IMPORTER.read("formules.xlsx", data, OPTIONS)
    problem = caught.value.problems[0]
    assert (problem.location.sheet, problem.location.row, problem.code) == ("survey", 2, "xlsform-type")
    assert len(caught.value.problems) == 1


def test_zip_bomb_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bombe.xlsx"
    good = _workbook([["type", "name", "label"], ["text", "q1", "Q1"]])
    with (
        zipfile.ZipFile(io.BytesIO(good)) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb,
    ):
        for info in source.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                with bomb.open(info.filename, "w") as sheet:
                    chunk = b" " * (1024 * 1024)
                    for _ in range(64):  # 64 MB of blanks inflated from a few kilobytes
                        sheet.write(chunk)
            else:
                bomb.writestr(info, source.read(info))
    data = path.read_bytes()
    assert len(data) < 1024 * 1024
    with pytest.raises(InvalidInput) as caught:
        IMPORTER.read(path.name, data, OPTIONS)
    assert caught.value.problems[0].code == "zip-bomb"


def test_hundred_megabyte_file_is_refused_before_unzipping(tmp_path: Path) -> None:
    """Refused: an XLSForm is a few hundred kilobytes; 100 MB is never inflated into memory."""
    path = tmp_path / "enorme.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("xl/workbook.xml", '<workbook><sheets><sheet name="survey"/></sheets></workbook>')
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            row = b'<row><c t="inlineStr"><is><t>text</t></is></c></row>' * 1000
            while archive.fp.tell() < 100 * 1024 * 1024:  # type: ignore[union-attr]
                sheet.write(row)
    data = path.read_bytes()
    assert len(data) > MAX_XLSFORM_BYTES
    with pytest.raises(InvalidInput) as caught:
        IMPORTER.read(path.name, data, OPTIONS)
    assert caught.value.problems[0].code == "too-large"


@pytest.mark.parametrize(
    "name, data, code",
    [
        ("vide.xlsx", b"", "empty"),
        ("image.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "not-excel"),
        ("dictionnaire.csv", "Variable;Libellé\nage;Âge\n".encode("cp1252"), "not-excel"),
    ],
)
def test_empty_and_wrong_format_files_are_refused(name: str, data: bytes, code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        IMPORTER.read(name, data, OPTIONS)
    assert caught.value.problems[0].code == code


def test_truncated_and_survey_less_workbooks_are_refused(fixtures_dir: Path) -> None:
    data = (fixtures_dir / FIXTURE).read_bytes()
    with pytest.raises(InvalidInput) as caught:
        IMPORTER.read("coupe.xlsx", data[: len(data) // 2], OPTIONS)
    assert caught.value.problems[0].code in ("truncated", "bad-excel")
    book = openpyxl.Workbook()
    book.active.title = "Variables"
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(InvalidInput) as caught:
        IMPORTER.read("opal.xlsx", out.getvalue(), OPTIONS)
    assert caught.value.problems[0].code == "xlsform-no-survey"


# Sniffing ---------------------------------------------------------------------------------------------------


def test_sniff_by_content_whatever_the_extension(fixtures_dir: Path, samples_dir: Path) -> None:
    assert IMPORTER.sniff("formulaire.bin", (fixtures_dir / FIXTURE).read_bytes())
    for name in SAMPLES:
        path = samples_dir / "xlsform" / name
        if path.exists():
            assert IMPORTER.sniff("renamed.dat", path.read_bytes()), name


def test_other_formats_are_not_claimed(samples_dir: Path, fixtures_dir: Path) -> None:
    others = [p for p in samples_dir.rglob("*") if p.is_file() and "xlsform" not in p.parts]
    others += [p for p in fixtures_dir.rglob("*") if p.is_file() and "xlsform" not in p.parts]
    claimed = [p.name for p in others if IMPORTER.sniff(p.name, p.read_bytes())]
    assert claimed == []
