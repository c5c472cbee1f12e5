"""Codebooks in CSV or Excel: Opal/Maelstrom, long, wide layouts, column mapping, and what must be refused."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest

from catalogue.errors import InvalidInput
from catalogue.model import (
    Category,
    CodeList,
    DDIPackage,
    IfThenElse,
    Instrument,
    QuestionConstruct,
    QuestionGrid,
    QuestionItem,
    Sequence,
    StatementItem,
    Variable,
)
from importers.codebook import IMPORTER
from importers.registry import ImportOptions
from tests.importers.packages import of_type, sample_file, written_valid

OPTIONS = ImportOptions(agency="fr.ddicat.test", id_prefix="test")


def by_name(package: DDIPackage) -> dict[str, Variable]:
    return {v.name or "": v for v in of_type(package, Variable)}


def code_labels(package: DDIPackage, list_ref_id: str) -> dict[str, tuple[dict[str, str], bool]]:
    cats = {c.id: c for c in of_type(package, Category)}
    code_list = next(c for c in of_type(package, CodeList) if c.id == list_ref_id)
    return {
        code.value: (cats[code.category.id].label, cats[code.category.id].is_missing)
        for code in code_list.codes
    }


def opal_zip(fixtures_dir: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "dictionnaire/variables.csv", (fixtures_dir / "codebook" / "opal_variables.csv").read_bytes()
        )
        archive.writestr(
            "dictionnaire/categories.csv", (fixtures_dir / "codebook" / "opal_categories.csv").read_bytes()
        )
    return buffer.getvalue()


def opal_workbook(fixtures_dir: Path) -> bytes:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.remove(book.active)
    for sheet, name in (("Variables", "opal_variables.csv"), ("Categories", "opal_categories.csv")):
        target = book.create_sheet(sheet)
        text = (fixtures_dir / "codebook" / name).read_text(encoding="utf-8")
        for row in csv.reader(io.StringIO(text)):
            target.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# Opal / Maelstrom -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["zip", "xlsx"])
def test_opal_dictionary_with_two_tables_makes_two_waves(
    fixtures_dir: Path, schemas_dir: Path, form: str
) -> None:
    data = opal_zip(fixtures_dir) if form == "zip" else opal_workbook(fixtures_dir)
    assert IMPORTER.sniff(f"dico.{form}", data)
    package = IMPORTER.read(f"dico.{form}", data, OPTIONS).package
    # 6 Variables rows in the fixture; allait's categories are identical in both tables → one code list.
    assert package.counts()["Variable"] == 6
    assert package.counts()["CodeList"] == 2 and package.counts()["Category"] == 4
    assert [w.name for w in package.waves] == ["suivi_2m", "suivi_1a"]
    ids = {v.id for v in of_type(package, Variable)}
    assert {"test-v-suivi_2m-allait", "test-v-suivi_1a-allait"} <= ids
    allait = next(v for v in of_type(package, Variable) if v.id == "test-v-suivi_2m-allait")
    assert allait.label == {"fr": "Allaitement au sein à 2 mois", "en": "Breastfeeding at 2 months"}
    assert ("ddicat:table", "suivi_2m") in allait.user_attributes
    assert package.placement[allait.key] == next(w.id for w in package.waves if w.name == "suivi_2m")
    rep = allait.representation
    assert rep is not None and rep.missing_values == ["-9"]
    assert code_labels(package, rep.code_list.id)["-9"] == ({"fr": "Ne sait pas", "en": "Don't know"}, True)
    poids = by_name(package)["poids_naiss"].representation
    assert poids is not None and (poids.kind, poids.numeric_type, poids.unit) == ("numeric", "Decimal", "g")
    assert by_name(package)["date_visite"].representation.date_type == "Date"  # type: ignore[union-attr]
    medic = by_name(package)["medic"]
    assert ("ddicat:repeatable", "true") in medic.user_attributes
    written_valid(package, schemas_dir)


def test_opal_with_a_wave_given_makes_no_wave(fixtures_dir: Path) -> None:
    options = ImportOptions(agency="fr.ddicat.test", id_prefix="test", wave="2m")
    package = IMPORTER.read("dico.zip", opal_zip(fixtures_dir), options).package
    assert package.waves == [] and package.study is None
    assert package.counts()["Variable"] == 6  # the table still names the IDs: no two variables collide


# Wide layout ---------------------------------------------------------------------------------------------


def test_wide_crf_with_checkbox_matrix_skip_logic_and_missing(fixtures_dir: Path, schemas_dir: Path) -> None:
    data = (fixtures_dir / "codebook" / "wide_crf.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # the encoding trap: a BOM before "Form"
    result = IMPORTER.read("crf.csv", data, OPTIONS)
    package = result.package
    # Counted by hand in wide_crf.csv: 9 rows; descriptive → StatementItem; checkbox aliments (3 options)
    # → 3 variables; 2 matrix rows → 1 grid; so 10 variables, 6 QuestionItems, 1 QuestionGrid.
    counts = package.counts()
    assert (counts["Variable"], counts["QuestionItem"], counts["QuestionGrid"], counts["StatementItem"]) == (
        10,
        6,
        1,
        1,
    )
    sexe = by_name(package)["sexe"]
    question = next(q for q in of_type(package, QuestionItem) if q.name == "sexe")
    assert question.text == {"fr": "Sexe de l'enfant", "en": "Child's sex"}
    assert sexe.questions == [question.ref()]
    assert code_labels(package, sexe.representation.code_list.id) == {  # type: ignore[union-attr]
        "1": ({"fr": "Garçon", "en": "Boy"}, False),
        "2": ({"fr": "Fille", "en": "Girl"}, False),
        "99": ({"fr": "Inconnu", "en": "Unknown"}, True),
    }
    # checkbox: one question allowing 3 answers, one 0/1 variable per option named as REDCap names them
    aliments = next(q for q in of_type(package, QuestionItem) if q.name == "aliments")
    assert aliments.responses[0].max_responses == 3
    dummies = [v for v in of_type(package, Variable) if (v.name or "").startswith("aliments___")]
    assert [v.name for v in dummies] == ["aliments___1", "aliments___2", "aliments___3"]
    assert all(v.questions == [aliments.ref()] for v in dummies)
    assert set(code_labels(package, dummies[0].representation.code_list.id)) == {"1", "0"}  # type: ignore[union-attr]
    # matrix: rows and answer options as the two dimensions, each row variable pointing at the grid
    grid = of_type(package, QuestionGrid)[0]
    assert [d.rank for d in grid.dimensions] == [1, 2]
    rows = code_labels(package, grid.dimensions[0].code_list.id)  # type: ignore[union-attr]
    assert rows["2"][0] == {"fr": "Sommeil la nuit", "en": "Night sleep"}
    assert by_name(package)["sommeil_nuit"].questions == [grid.ref()]
    # skip logic, kept verbatim in its dialect, wrapping the construct it guards
    branch = of_type(package, IfThenElse)[0]
    assert (branch.condition.program_language, branch.condition.text) == ("REDCap", "[allait] = '1'")
    guarded = next(c for c in of_type(package, QuestionConstruct) if c.id == branch.then.id)  # type: ignore[union-attr]
    assert guarded.question.id == "test-qi-allait_duree"  # type: ignore[union-attr]
    duree = by_name(package)["allait_duree"].representation
    assert duree is not None and (duree.minimum, duree.maximum, duree.numeric_type) == ("0", "104", "Integer")
    age = by_name(package)["age_mere"].representation
    assert age is not None and (age.minimum, age.maximum) == ("12", "60")
    # flow: one instrument, its sections in order
    instrument = of_type(package, Instrument)[0]
    sections = [s for s in of_type(package, Sequence) if s.id != instrument.root.id]  # type: ignore[union-attr]
    assert [s.name for s in sections] == ["Données démographiques", "Alimentation", "Sommeil"]
    assert of_type(package, StatementItem)[0].text == {
        "fr": "Les questions suivantes portent sur le sommeil.",
        "en": "The next questions are about sleep.",
    }
    assert by_name(package)["allait"].representation.missing_values == ["-9"]  # type: ignore[union-attr]
    written_valid(package, schemas_dir)


def test_same_codebook_gives_the_same_ids(fixtures_dir: Path) -> None:
    data = (fixtures_dir / "codebook" / "wide_crf.csv").read_bytes()
    first = IMPORTER.read("crf.csv", data, OPTIONS).package
    second = IMPORTER.read("crf.csv", data, OPTIONS).package
    assert [i.id for i in first.items] == [i.id for i in second.items]


# Long layout -----------------------------------------------------------------------------------------------


def test_long_latin1_dictionary(fixtures_dir: Path, schemas_dir: Path) -> None:
    data = (fixtures_dir / "codebook" / "long_dictionnaire_cp1252.csv").read_bytes()
    result = IMPORTER.read("dico.csv", data, OPTIONS)
    assert [p.code for p in result.problems] == ["encoding"]
    package = result.package
    found = by_name(package)
    assert list(found) == ["sexe", "revenu", "statut", "age"]
    assert found["revenu"].label == {"und": "Tranche de revenu mensuel du foyer"}
    revenu = code_labels(package, found["revenu"].representation.code_list.id)  # type: ignore[union-attr]
    assert revenu["1"] == ({"und": "Moins de 1 000 €"}, False)  # leading spaces dropped, € decoded
    assert revenu["9"] == ({"und": "(NSP)"}, True)
    statut = code_labels(package, found["statut"].representation.code_list.id)  # type: ignore[union-attr]
    assert statut["1"] == ({"und": "Salarié.e du privé"}, False)
    assert (statut["8"][1], statut["9"][1]) == (True, True)  # Refus, Ne sait pas
    assert found["age"].representation is None
    written_valid(package, schemas_dir)


def test_user_column_mapping(schemas_dir: Path) -> None:
    data = (
        "Nom de la variable;Valeur;Intitulé;Manquante\n"
        "q1;;Fréquence du sport\nq1;1;Jamais;0\nq1;2;Souvent;0\nq1;7;Sans réponse;1\n"
    ).encode()
    mapping = {
        "name": "Nom de la variable",
        "code": "Valeur",
        "code_label": "Intitulé",
        "missing": "Manquante",
    }
    options = ImportOptions(
        agency="fr.ddicat.test", id_prefix="test", column_mapping=mapping, default_language="fr"
    )
    package = IMPORTER.read("maison.csv", data, options).package
    q1 = by_name(package)["q1"]
    assert q1.label == {"fr": "Fréquence du sport"}
    labels = code_labels(package, q1.representation.code_list.id)  # type: ignore[union-attr]
    assert labels == {
        "1": ({"fr": "Jamais"}, False),
        "2": ({"fr": "Souvent"}, False),
        "7": ({"fr": "Sans réponse"}, True),
    }
    written_valid(package, schemas_dir)


def test_forced_preset_and_unknown_preset(fixtures_dir: Path) -> None:
    data = (fixtures_dir / "codebook" / "wide_crf.csv").read_bytes()
    forced = ImportOptions(agency="fr.ddicat.test", id_prefix="test", preset="wide")
    assert IMPORTER.read("crf.csv", data, forced).package.counts()["Variable"] == 10
    with pytest.raises(InvalidInput) as refused:
        IMPORTER.read("crf.csv", data, ImportOptions(preset="spss"))
    assert refused.value.problems[0].code == "unknown-preset"


def test_duplicate_variables_are_all_reported() -> None:
    data = "variable;question;type\n" + "".join(f"v{i % 3};Question {i};integer\n" for i in range(9))
    with pytest.raises(InvalidInput) as refused:
        IMPORTER.read("dup.csv", data.encode(), OPTIONS)
    duplicates = [p for p in refused.value.problems if p.code == "duplicate-variable"]
    assert len(duplicates) == 6 and [p.location.row for p in duplicates] == [5, 6, 7, 8, 9, 10]


# Bad inputs ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, code",
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"<?xml version='1.0'?><ODM xmlns='http://www.cdisc.org/ns/odm/v1.3'/>", "no-header"),
        (b"a;b;c\n1;2;3\n", "no-header"),
    ],
)
def test_bad_inputs_are_refused_with_a_location(data: bytes, code: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        IMPORTER.read("upload.csv", data, OPTIONS)
    assert refused.value.problems[0].code == code
    assert refused.value.problems[0].location.file == "upload.csv"


def test_truncated_workbook_is_refused(fixtures_dir: Path) -> None:
    data = opal_workbook(fixtures_dir)
    with pytest.raises(InvalidInput) as refused:
        IMPORTER.read("dico.xlsx", data[: len(data) // 2], OPTIONS)
    assert refused.value.problems[0].code in ("truncated", "bad-excel")


def test_zip_bomb_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (300 * 1024 * 1024))
    with pytest.raises(InvalidInput) as refused:
        IMPORTER.read("bomb.xlsx", buffer.getvalue(), OPTIONS)
    assert refused.value.problems[0].code == "zip-bomb"


def test_formula_bomb_is_never_evaluated() -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["variable", "question", "type"])
    sheet.append(["q1", "Âge", "integer"])
    for row in range(3, 400):  # each cell sums the whole previous row: exponential if computed
        sheet.append([f"=SUM(A{row - 1}:Z{row - 1})*2", f'=REPT("x",{10**6})', "=1/0"])
    out = io.BytesIO()
    book.save(out)
    result = IMPORTER.read("bombe.xlsx", out.getvalue(), OPTIONS)
    # formulas have no cached value (never computed here): their rows read as empty and are skipped
    assert [v.name for v in of_type(result.package, Variable)] == ["q1"]
    assert not [p for p in result.problems if p.severity == "error"]


def test_hundred_megabyte_codebook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "enorme.csv"
    line = b"v;1;Une modalite assez longue pour remplir le fichier rapidement\n"
    with path.open("wb") as out:
        out.write(b"variable;modalite;libelle\n")
        for _ in range(100 * 1024 * 1024 // len(line) + 1):
            out.write(line)
    with pytest.raises(InvalidInput) as refused:
        IMPORTER.read("enorme.csv", path.read_bytes(), OPTIONS)
    assert refused.value.problems[0].code == "too-large"


# Sniffing -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["wide_crf.csv", "long_dictionnaire_cp1252.csv"])
def test_sniff_recognises_codebooks_by_content(fixtures_dir: Path, name: str) -> None:
    assert IMPORTER.sniff("upload.dat", (fixtures_dir / "codebook" / name).read_bytes())


def test_sniff_recognises_opal_zip_with_any_name(fixtures_dir: Path) -> None:
    assert IMPORTER.sniff("export", opal_zip(fixtures_dir))


@pytest.mark.parametrize(
    "folder, name",
    [
        ("redcap", "redcapr_longitudinal_dictionary.csv"),
        ("redcap", "redcapr_checkboxes_dictionary.csv"),
        ("redcap", "redcapr_problematic_bom_encoding_dictionary.csv"),
        ("redcap", "redcapr_longitudinal_project.xml"),
        ("xlsform", "pyxform_or_other.xlsx"),
        ("xlsform", "correlaid_testB_de_en.xlsx"),
        ("xlsform", "pyxform_table_list_matrix.xls"),
        ("xlsform", "pyxform_UCL_biomass_sw_en.xlsx"),
        ("limesurvey", "xlsform2lstsv_testB_de_en.tsv"),
        ("limesurvey", "xlsform2lstsv_multilingual_en_es.tsv"),
        ("table_schema", "heal_vlmd_template_submission.csv"),
        ("table_schema", "heal_vlmd_template_submission.json"),
        ("odm", "odm20_race_check_all_that_apply.xml"),
        ("spss_stata_sas", "pyreadstat_basic_sample.sav"),
        ("qualtrics", "qtools_side_by_side.qsf"),
        ("ddi", "QuestionExample.xml"),
    ],
)
def test_sniff_leaves_other_formats_alone(samples_dir: Path, folder: str, name: str) -> None:
    path = sample_file(samples_dir, folder, name)
    assert not IMPORTER.sniff(name, path.read_bytes())


# Real codebooks (kept aside in some checkouts: skipped when absent) -----------------------------------------


def test_opal_core_questionnaire_sample(samples_dir: Path, schemas_dir: Path) -> None:
    path = sample_file(samples_dir, "opal", "opal_fs_core_questionnaire.xlsx")
    package = IMPORTER.read(path.name, path.read_bytes(), OPTIONS).package
    # importer-notes.md §3.6, counted there with pandas: 571 variables, 1 519 categories, 642 flagged missing.
    assert package.counts()["Variable"] == 571
    missing = sum(1 for c in of_type(package, Category) if c.is_missing)
    assert missing > 0
    written_valid(package, schemas_dir)


def test_isaric_arc_sample(samples_dir: Path, schemas_dir: Path) -> None:
    path = sample_file(samples_dir, "codebook_csv", "isaric_ARC_en.csv")
    rows = list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    # Independent count with the csv module: one variable per row, none for descriptive rows, one per option
    # for checkbox rows that list their options.
    expected = 0
    for row in rows:
        kind = row["Type"].strip().lower()
        options = [o for o in row.get("Answer Options", "").split("|") if o.strip()]
        if kind == "descriptive":
            continue
        expected += len(options) if kind == "checkbox" and options else 1
    package = IMPORTER.read(path.name, path.read_bytes(), OPTIONS).package
    assert package.counts()["Variable"] == expected
    written_valid(package, schemas_dir)


def test_drees_long_sample(samples_dir: Path) -> None:
    path = sample_file(samples_dir, "codebook_csv", "drees_barometre_dictionnaire_2000-2018_latin1.csv")
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("latin-1")), delimiter=";"))
    names = list(dict.fromkeys(row[0].strip() for row in rows[1:] if row and row[0].strip()))
    package = IMPORTER.read(path.name, path.read_bytes(), OPTIONS).package
    assert package.counts()["Variable"] == len(names)
    assert any(c.is_missing and "NSP" in next(iter(c.label.values())) for c in of_type(package, Category))
