"""SPSS/Stata/SAS metadata import: real pyreadstat test files, French files written here, bad inputs."""

from __future__ import annotations

import io
import json
import struct
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from catalogue.errors import InvalidInput
from catalogue.model import Category, CodeList, DDIPackage, QuestionItem, Variable, item_content
from importers.registry import ImportOptions
from importers.statfiles import IMPORTER
from tests.importers.packages import sample_file, written_valid

OPTIONS = ImportOptions(agency="fr.ddicat.test", id_prefix="test")
SAMPLES = "spss_stata_sas"


def variables(package: DDIPackage) -> dict[str, Variable]:
    return {item.name or "": item for item in package.items if isinstance(item, Variable)}


def categories(package: DDIPackage) -> dict[str, Category]:
    return {item.id: item for item in package.items if isinstance(item, Category)}


def code_labels(package: DDIPackage, variable: Variable) -> dict[str, tuple[dict[str, str], bool]]:
    """Code → (category label, is_missing) for a coded variable."""
    assert variable.representation is not None and variable.representation.code_list is not None
    lists = {item.id: item for item in package.items if isinstance(item, CodeList)}
    cats = categories(package)
    code_list = lists[variable.representation.code_list.id]
    return {
        code.value: (cats[code.category.id].label, cats[code.category.id].is_missing)
        for code in code_list.codes
        if code.category
    }


def sample(samples_dir: Path, name: str) -> bytes:
    path = sample_file(samples_dir, SAMPLES, name)
    return path.read_bytes()


# Real samples. Expected counts were read by hand from the files' documentation in pyreadstat's test_data
# (the same table every ReadStat test uses: mychar, mynum, mydate, dtime, mylabl {1 Male, 2 Female},
# myord {1 low, 2 medium, 3 high}, mytime) — not from this importer.
SAMPLE_COUNTS = {
    "pyreadstat_basic_sample.sav": (7, 2, 5),
    "pyreadstat_basic_sample.zsav": (7, 2, 5),
    "pyreadstat_basic_sample.por": (7, 2, 5),
    "pyreadstat_basic_sample.dta": (7, 2, 5),
    "pyreadstat_basic_sample.sas7bdat": (7, 0, 0),  # no catalogue: formats only
    "pyreadstat_basic_sample.xpt": (7, 0, 0),
    "pyreadstat_basic_sample_missing.sav": (7, 2, 7),  # adds -1 "undetermined" and -1 "missing"
    "pyreadstat_basic_hebrews.sav": (1, 0, 0),
    "pyreadstat_basic_tegulu.sav": (2, 0, 0),
    "pyreadstat_missing_data_missing_test.dta": (9, 1, 1),  # var1 labelled .a "missing"
    "pyreadstat_missing_data_missing_test.sas7bdat": (9, 0, 0),
    "pyreadstat_missing_data_missing_test.sav": (1, 1, 1),
}


@pytest.mark.parametrize("name", sorted(SAMPLE_COUNTS))
def test_each_sample_imports_as_valid_ddi(samples_dir: Path, schemas_dir: Path, name: str) -> None:
    result = IMPORTER.read(name, sample(samples_dir, name), OPTIONS)
    n_variables, n_lists, n_categories = SAMPLE_COUNTS[name]
    counts = result.package.counts()
    assert (counts.get("Variable", 0), counts.get("CodeList", 0), counts.get("Category", 0)) == (
        n_variables,
        n_lists,
        n_categories,
    )
    assert result.data_file is True
    for variable in variables(result.package).values():
        assert ("ddicat:dataSource", "data-file") in variable.user_attributes
        assert variable.questions == []
    written_valid(result.package, schemas_dir)


def test_labels_formats_and_measures_of_the_spss_sample(samples_dir: Path) -> None:
    package = IMPORTER.read("sample.sav", sample(samples_dir, "pyreadstat_basic_sample.sav"), OPTIONS).package
    found = variables(package)
    assert found["mylabl"].label == {"und": "labeled"}
    assert code_labels(package, found["myord"]) == {
        "1": ({"und": "low"}, False),
        "2": ({"und": "medium"}, False),
        "3": ({"und": "high"}, False),
    }
    mynum = found["mynum"].representation
    assert mynum is not None and (mynum.kind, mynum.decimal_positions, mynum.format) == ("numeric", 2, "F8.2")
    mychar = found["mychar"].representation
    assert mychar is not None and (mychar.kind, mychar.max_length) == ("text", 1)
    mydate = found["mydate"].representation
    assert mydate is not None and (mydate.kind, mydate.date_type, mydate.format) == (
        "datetime",
        "Date",
        "EDATE10",
    )
    assert found["dtime"].representation.date_type == "DateTime"  # type: ignore[union-attr]
    assert found["mytime"].representation.date_type == "Time"  # type: ignore[union-attr]
    assert ("ddicat:measure", "ordinal") in found["myord"].user_attributes


def test_no_individual_value_reaches_the_catalogue(samples_dir: Path, schemas_dir: Path) -> None:
    # The sample's five rows hold, among others, 1.1, 1.2, -1000.3, -1.4 and 1000.3, dates 2018-05-06 and
    # 1880-05-06 and the times 10:10:10 / 23:10:10 (pyreadstat's test_data README).
    package = IMPORTER.read("sample.sav", sample(samples_dir, "pyreadstat_basic_sample.sav"), OPTIONS).package
    content = json.dumps([item_content(item) for item in package.items], ensure_ascii=False)
    xml = written_valid(package, schemas_dir).decode()
    for value in ("1000.3", "-1.4", "1.2", "2018", "1880", "10:10:10", "23:10:10"):
        assert value not in content and value not in xml


def test_french_spss_file_with_bilingual_labels_and_user_missing(tmp_path: Path, schemas_dir: Path) -> None:
    data = french_sav(tmp_path)
    options = ImportOptions(agency="fr.ddicat.test", id_prefix="test", split_languages=("fr", "en"))
    result = IMPORTER.read("suivi.sav", data, options)
    package = result.package
    found = variables(package)
    assert found["allait"].label == {"fr": "Allaitement à 2 mois", "en": "Breastfeeding at 2 months"}
    assert code_labels(package, found["allait"]) == {
        "1": ({"fr": "Oui", "en": "Yes"}, False),
        "2": ({"fr": "Non", "en": "No"}, False),
        "-9": ({"fr": "Ne sait pas", "en": "Don't know"}, True),
        "-8": ({"fr": "Refus", "en": "Refused"}, True),
    }
    allait = found["allait"].representation
    assert allait is not None and allait.missing_values == ["-9", "-8"]
    poids = found["poids"].representation
    assert poids is not None and poids.missing_values == ["-999..-1"] and poids.decimal_positions == 2
    ville = found["ville"].representation
    # pyreadstat sizes a string column to its longest value: "Zéphyrine-7781" is 15 bytes in UTF-8 → A15.
    assert ville is not None and (ville.kind, ville.max_length, ville.format) == ("text", 15, "A15")
    assert found["date_naiss"].representation.date_type == "Date"  # type: ignore[union-attr]
    assert ("ddicat:dataFileLabel", "Suivi à 2 mois (démo)") in found["poids"].user_attributes
    xml = written_valid(package, schemas_dir).decode()
    assert "Zéphyrine" not in xml and "987654" not in xml  # the rows' values
    assert "Allaitement à 2 mois" in xml


def test_same_file_gives_the_same_ids(tmp_path: Path) -> None:
    data = french_sav(tmp_path)
    first = IMPORTER.read("suivi.sav", data, OPTIONS).package
    second = IMPORTER.read("suivi.sav", data, OPTIONS).package
    assert [i.id for i in first.items] == [i.id for i in second.items]
    assert [item_content(i) for i in first.items] == [item_content(i) for i in second.items]


def test_multiple_response_set_becomes_one_question(tmp_path: Path, schemas_dir: Path) -> None:
    path = tmp_path / "mr.sav"
    write_sav(
        path,
        {"couleur_1": [1.0], "couleur_2": [0.0], "couleur_3": [1.0], "age": [8.0]},
        labels={"couleur_1": "Rouge", "couleur_2": "Vert", "couleur_3": "Bleu", "age": "Âge"},
    )
    add_mr_set(path, "couleurs", "Couleurs préférées", ["couleur_1", "couleur_2", "couleur_3"])
    package = IMPORTER.read("mr.sav", path.read_bytes(), OPTIONS).package
    questions = [item for item in package.items if isinstance(item, QuestionItem)]
    assert len(questions) == 1
    question = questions[0]
    assert question.text == {"und": "Couleurs préférées"}
    assert question.responses[0].max_responses == 3
    found = variables(package)
    for name in ("couleur_1", "couleur_2", "couleur_3"):
        assert found[name].questions == [question.ref()]
    assert found["age"].questions == []
    written_valid(package, schemas_dir)


def test_stata_labelled_special_missing_is_a_missing_category(samples_dir: Path) -> None:
    package = IMPORTER.read(
        "m.dta", sample(samples_dir, "pyreadstat_missing_data_missing_test.dta"), OPTIONS
    ).package
    var1 = variables(package)["var1"]
    assert code_labels(package, var1) == {".a": ({"und": "missing"}, True)}
    assert var1.representation.missing_values == [".a"]  # type: ignore[union-attr]


def test_spss_discrete_and_range_missing(samples_dir: Path) -> None:
    package = IMPORTER.read(
        "m.sav", sample(samples_dir, "pyreadstat_basic_sample_missing.sav"), OPTIONS
    ).package
    found = variables(package)
    assert found["mynum"].representation.missing_values == ["-1", "2000..3000"]  # type: ignore[union-attr]
    assert code_labels(package, found["mylabl"])["-1"] == ({"und": "undetermined"}, True)
    assert code_labels(package, found["mylabl"])["1"] == ({"und": "Male"}, False)


def test_sas_dataset_with_its_catalogue_in_a_zip(samples_dir: Path, schemas_dir: Path) -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr(
            "enquete/missing_test.sas7bdat",
            sample(samples_dir, "pyreadstat_missing_data_missing_test.sas7bdat"),
        )
        bundle.writestr(
            "enquete/formats.sas7bcat",
            sample(samples_dir, "pyreadstat_missing_data_missing_formats.sas7bcat"),
        )
    result = IMPORTER.read("enquete.zip", archive.getvalue(), OPTIONS)
    var1 = variables(result.package)["var1"]
    assert code_labels(result.package, var1) == {".A": ({"und": "missing"}, True)}
    assert not [p for p in result.problems if p.code == "unresolved-format"]
    written_valid(result.package, schemas_dir)


def test_sas_dataset_alone_names_its_formats_in_a_warning(samples_dir: Path) -> None:
    result = IMPORTER.read(
        "t.sas7bdat", sample(samples_dir, "pyreadstat_missing_data_missing_test.sas7bdat"), OPTIONS
    )
    warnings = [p for p in result.problems if p.code == "unresolved-format"]
    assert len(warnings) == 1 and "format A" in warnings[0].message and warnings[0].location.column == "var1"


def test_sas_catalogue_alone_is_refused(samples_dir: Path) -> None:
    with pytest.raises(InvalidInput) as refused:
        IMPORTER.read(
            "f.sas7bcat", sample(samples_dir, "pyreadstat_missing_data_missing_formats.sas7bcat"), OPTIONS
        )
    assert refused.value.problems[0].code == "catalogue-alone"


@pytest.mark.parametrize(
    "data, code",
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "not-a-data-file"),
        (b"variable;modalite;libelle\nsexe;1;Homme\n", "not-a-data-file"),
    ],
)
def test_bad_inputs_are_refused_with_a_location(data: bytes, code: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        IMPORTER.read("upload.sav", data, OPTIONS)
    problem = refused.value.problems[0]
    assert problem.code == code and problem.location.file == "upload.sav"


def test_truncated_file_is_refused(samples_dir: Path) -> None:
    data = sample(samples_dir, "pyreadstat_basic_sample.sav")[:300]
    with pytest.raises(InvalidInput) as refused:
        IMPORTER.read("cut.sav", data, OPTIONS)
    assert refused.value.problems[0].code == "bad-data-file"
    assert refused.value.problems[0].location.file == "cut.sav"


def test_hundred_megabyte_file_is_read_for_its_header_only(tmp_path: Path, samples_dir: Path) -> None:
    """Handled, not refused: the metadata sit at the head of the file; the rows behind are never read."""
    head = sample(samples_dir, "pyreadstat_basic_sample.sav")
    path = tmp_path / "big.sav"
    with path.open("wb") as out:
        out.write(head)
        out.write(b"\x00" * (100 * 1024 * 1024))
    data = path.read_bytes()
    tracemalloc.start()
    result = IMPORTER.read("big.sav", data, OPTIONS)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert result.package.counts()["Variable"] == 7
    assert peak < 20 * 1024 * 1024  # no copy of the 100 MB


@pytest.mark.parametrize("name", sorted(SAMPLE_COUNTS))
def test_sniff_recognises_each_format_by_content(samples_dir: Path, name: str) -> None:
    assert IMPORTER.sniff("upload.bin", sample(samples_dir, name))


@pytest.mark.parametrize(
    "folder, name",
    [
        ("redcap", "redcapr_longitudinal_dictionary.csv"),
        ("redcap", "redcapr_longitudinal_project.xml"),
        ("odm", "odm132_matrix_crf_dyslipidemia.xml"),
        ("xlsform", "pyxform_or_other.xlsx"),
        ("xlsform", "pyxform_table_list_matrix.xls"),
        ("qualtrics", "rios_qualtrics_health.qsf"),
        ("table_schema", "heal_vlmd_template_submission.json"),
        ("ddi", "QuestionExample.xml"),
        ("limesurvey", "citric_survey.lss"),
    ],
)
def test_sniff_leaves_other_formats_alone(samples_dir: Path, folder: str, name: str) -> None:
    path = sample_file(samples_dir, folder, name)
    assert not IMPORTER.sniff(name, path.read_bytes())


# Files written for the tests -----------------------------------------------------------------------------


def write_sav(path: Path, columns: dict[str, list[object]], **options: object) -> None:
    pandas = pytest.importorskip("pandas")
    pyreadstat = pytest.importorskip("pyreadstat")
    labels = options.pop("labels", None)
    pyreadstat.write_sav(pandas.DataFrame(columns), str(path), column_labels=labels, **options)


def french_sav(tmp_path: Path) -> bytes:
    """A follow-up file in French with "fr / en" labels, user-missing codes and values nobody should see."""
    import datetime

    path = tmp_path / "suivi.sav"
    write_sav(
        path,
        {
            "allait": [1.0, -9.0],
            "poids": [987654.32, -5.0],
            "ville": ["Zéphyrine-7781", "Brest"],
            "date_naiss": [datetime.date(2011, 4, 1), datetime.date(2011, 5, 2)],
        },
        labels={
            "allait": "Allaitement à 2 mois / Breastfeeding at 2 months",
            "poids": "Poids (g) / Weight (g)",
            "ville": "Ville / Town",
            "date_naiss": "Date de naissance / Birth date",
        },
        file_label="Suivi à 2 mois (démo)",
        variable_value_labels={
            "allait": {1: "Oui / Yes", 2: "Non / No", -9: "Ne sait pas / Don't know", -8: "Refus / Refused"}
        },
        missing_ranges={"allait": [-9, -8], "poids": [{"lo": -999, "hi": -1}]},
        variable_measure={"allait": "nominal", "poids": "scale", "ville": "nominal", "date_naiss": "scale"},
        variable_format={"poids": "F10.2", "date_naiss": "DATE11"},
    )
    return path.read_bytes()


def add_mr_set(path: Path, name: str, label: str, members: list[str]) -> None:
    """pyreadstat writes no mr sets: splice an MRSETS record (type 7, subtype 7) before the dictionary end."""
    data = path.read_bytes()
    end = data.find(struct.pack("<ii", 999, 0), 176)
    encoded = label.encode()
    text = f"${name}=D1 1 {len(encoded)} ".encode() + encoded + (" " + " ".join(members) + "\n").encode()
    path.write_bytes(data[:end] + struct.pack("<iiii", 7, 7, 1, len(text)) + text + data[end:])
