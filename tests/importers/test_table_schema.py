"""Frictionless Table Schema: the SNDS, HEAL (JSON and CSV), data packages, and what must be refused."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest

from catalogue.errors import InvalidInput
from catalogue.model import Category, CodeList, DDIPackage, Variable
from importers.registry import ImportOptions
from importers.table_schema import IMPORTER
from tests.importers.packages import sample_file, written_valid

OPTIONS = ImportOptions(agency="fr.ddicat.test", id_prefix="snds")
ADMINISTRATIVE = ("ddicat:dataSource", "administrative")


def variables(package: DDIPackage) -> list[Variable]:
    return [item for item in package.items if isinstance(item, Variable)]


def code_labels(package: DDIPackage, variable: Variable) -> dict[str, tuple[dict[str, str], bool]]:
    assert variable.representation is not None and variable.representation.code_list is not None
    cats = {c.id: c for c in package.items if isinstance(c, Category)}
    code_list = next(
        c for c in package.items if isinstance(c, CodeList) and c.id == variable.representation.code_list.id
    )
    return {
        code.value: (cats[code.category.id].label, cats[code.category.id].is_missing)
        for code in code_list.codes
    }


def folder_zip(root: Path, prefix: str = "") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                archive.write(path, prefix + str(path.relative_to(root)))
    return buffer.getvalue()


# HEAL ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["heal_vlmd_template_submission.json", "heal_vlmd_template_submission.csv"])
def test_heal_sample(samples_dir: Path, schemas_dir: Path, name: str) -> None:
    path = sample_file(samples_dir, "table_schema", name)
    fields = json.loads((samples_dir / "table_schema" / "heal_vlmd_template_submission.json").read_text())[
        "fields"
    ]
    result = IMPORTER.read(name, path.read_bytes(), OPTIONS)
    package = result.package
    # Counted with the json module: one variable per field; race has 8 enum codes + 99 labelled only in
    # enumLabels; sex_at_birth 6 enum values; hispanic is a boolean (true/false values + its missing value).
    assert len(variables(package)) == len(fields) == 7
    race = next(v for v in variables(package) if v.name == "race")
    labels = code_labels(package, race)
    assert len(labels) == 9 and labels["1"] == ({"und": "White"}, False)
    assert labels["99"] == ({"und": "Not reported"}, True)
    assert race.representation.missing_values == ["99"]  # type: ignore[union-attr]
    sex = next(v for v in variables(package) if v.name == "sex_at_birth")
    assert code_labels(package, sex)["Prefer not to answer"][1] is True
    participant = next(v for v in variables(package) if v.name == "participant_id").representation
    assert participant is not None and participant.regex == "[A-Z][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9]"
    age = next(v for v in variables(package) if v.name == "age").representation
    assert age is not None and (age.minimum, age.maximum, age.numeric_type) == ("0", "90", "Integer")
    assert package.study is None  # HEAL describes a study's questionnaires, not an administrative source
    assert all(ADMINISTRATIVE not in v.user_attributes for v in variables(package))
    assert ("ddicat:section", "Demographics") in race.user_attributes
    written_valid(package, schemas_dir)


# SNDS ---------------------------------------------------------------------------------------------------


def test_one_snds_table_records_its_nomenclatures_by_name(samples_dir: Path, schemas_dir: Path) -> None:
    path = sample_file(samples_dir, "table_schema", "snds/schemas/BENEFICIAIRE/IR_BEN_R.json")
    body = json.loads(path.read_text(encoding="utf-8"))
    nomenclatures = {
        f["nomenclature"].split(":")[0] for f in body["fields"] if f["nomenclature"] not in ("-", "")
    }
    result = IMPORTER.read(path.name, path.read_bytes(), OPTIONS)
    package = result.package
    assert len(variables(package)) == len(body["fields"])
    warned = {p.message.split()[1] for p in result.problems if p.code == "unresolved-nomenclature"}
    assert warned == nomenclatures
    first = variables(package)[0]
    assert first.name == "BEN_NIR_PSA" and first.label == {
        "fr": "Identifiant anonyme du patient dans le SNIIRAM"
    }
    assert ADMINISTRATIVE in first.user_attributes and ("ddicat:table", "IR_BEN_R") in first.user_attributes
    sex = next(v for v in variables(package) if v.name == "BEN_SEX_COD")
    assert ("ddicat:nomenclature", "IR_SEX_V") in sex.user_attributes
    assert package.study is not None and package.study.attributes == {"ddicat:dataSource": "administrative"}
    assert package.study.title == {"fr": body["title"]}
    written_valid(package, schemas_dir)


def test_whole_snds_sample_as_a_zip(samples_dir: Path, schemas_dir: Path) -> None:
    root = samples_dir / "table_schema" / "snds"
    if not root.is_dir():
        pytest.skip("the SNDS sample is absent")
    # Independent counts with json and csv: fields of every table; code lists = distinct contents among the
    # nomenclatures that have a CSV (identical lists, like the regions, are one code list) and the enum lists;
    # categories = the codes of those distinct lists.
    fields: list[dict] = []
    for schema in sorted((root / "schemas").rglob("*.json")):
        fields += json.loads(schema.read_text(encoding="utf-8"))["fields"]
    csvs = {p.stem: p for p in (root / "nomenclatures").rglob("*.csv")}
    used = {f["nomenclature"].split(":")[0] for f in fields if f["nomenclature"] not in ("-", "")}
    contents = {
        tuple((v, v) for v in f["constraints"]["enum"]) for f in fields if "enum" in f.get("constraints", {})
    }
    for name in used & set(csvs):
        column = next(
            (f["nomenclature"].split(":")[1] for f in fields if f["nomenclature"].startswith(name + ":")),
            None,
        )
        roles = {
            f.get("role"): f["name"]
            for f in json.loads(csvs[name].with_suffix(".json").read_text())["fields"]
        }
        rows = list(
            csv.reader(io.StringIO(csvs[name].read_bytes().decode("utf-8", "replace")), delimiter=";")
        )
        code_at = rows[0].index(column or roles["code"])
        label_at = rows[0].index(roles["label"]) if "label" in roles else 1
        contents.add(
            tuple(
                dict.fromkeys(
                    (row[code_at].strip(), row[label_at].strip())
                    for row in rows[1:]
                    if len(row) > max(code_at, label_at) and row[code_at].strip()
                )
            )
        )
    if any(f["type"] == "boolean" for f in fields):
        contents.add((("true", "Vrai"), ("false", "Faux")))  # booleans share the catalogue's true/false list
    codes_by_content = [len({code for code, _label in content}) for content in contents]
    result = IMPORTER.read("schema-snds.zip", folder_zip(root, "schema-snds/"), OPTIONS)
    package = result.package
    assert len(variables(package)) == len(fields)
    assert package.counts()["CodeList"] == len(contents)
    assert package.counts()["Category"] == sum(codes_by_content)
    assert all(ADMINISTRATIVE in v.user_attributes for v in variables(package))
    assert len({v.id for v in variables(package)}) == len(fields)  # the table names every ID
    sex = next(v for v in variables(package) if v.id == "snds-v-IR_BEN_R-BEN_SEX_COD")
    sexes = list(csv.reader(io.StringIO(csvs["IR_SEX_V"].read_text(encoding="utf-8")), delimiter=";"))
    assert code_labels(package, sex)[sexes[1][0]][0] == {"fr": sexes[1][1]}
    written_valid(package, schemas_dir)


def test_snds_like_folder_with_a_cp1252_nomenclature(fixtures_dir: Path, schemas_dir: Path) -> None:
    data = folder_zip(fixtures_dir / "table_schema" / "snds_like")
    result = IMPORTER.read("pmsi.zip", data, OPTIONS)
    package = result.package
    assert [v.name for v in variables(package)] == ["ETA_NUM", "GRG_GHM", "SOR_MOD", "SEJ_NBJ", "ENT_DAT"]
    ghm = next(v for v in variables(package) if v.name == "GRG_GHM")
    labels = code_labels(package, ghm)  # code column named in the field's "MCO_GHM:GHM_COD"
    assert labels["15M05A"] == ({"fr": "Nouveau-nés de 2500 g et âge gestationnel de 37 SA et plus"}, False)
    assert labels["99Z99Z"] == ({"fr": "Non renseigné"}, True)
    assert [p.code for p in result.problems] == ["encoding", "unresolved-nomenclature"]
    eta = next(v for v in variables(package) if v.name == "ETA_NUM").representation
    assert eta is not None and (eta.kind, eta.max_length) == ("text", 9)
    entree = next(v for v in variables(package) if v.name == "ENT_DAT").representation
    assert entree is not None and (entree.date_type, entree.format) == ("Date", "%d%m%Y")
    assert ("ddicat:product", "PMSI_MCO") in ghm.user_attributes
    written_valid(package, schemas_dir)


# Data packages ----------------------------------------------------------------------------------------------


def test_bilingual_data_package(fixtures_dir: Path, schemas_dir: Path) -> None:
    data = (fixtures_dir / "table_schema" / "datapackage.json").read_bytes()
    options = ImportOptions(agency="fr.ddicat.test", id_prefix="eveil", split_languages=("fr", "en"))
    package = IMPORTER.read("datapackage.json", data, options).package
    assert len(variables(package)) == 9
    assert package.study is not None and package.study.title == {
        "fr": "Données chaînées de la cohorte Éveil",
        "en": "Éveil cohort linked data",
    }
    found = {v.id: v for v in variables(package)}
    assert {"eveil-v-sejours-id_enfant", "eveil-v-consultations-id_enfant"} <= set(found)
    duree = found["eveil-v-sejours-duree"]
    assert duree.label == {"fr": "Durée du séjour (jours)", "en": "Length of stay (days)"}
    assert duree.representation.missing_values == ["-9"]  # type: ignore[union-attr]
    mode = found["eveil-v-sejours-mode_sortie"]
    assert code_labels(package, mode)["9"] == ({"fr": "Décès", "en": "Death"}, False)
    ident = found["eveil-v-sejours-id_enfant"].representation
    assert ident is not None and (ident.regex, ident.max_length) == ("EV[0-9]{6}", 8)
    assert found["eveil-v-sejours-mois_sortie"].representation.date_type == "YearMonth"  # type: ignore[union-attr]
    assert set(code_labels(package, found["eveil-v-sejours-reanimation"])) == {"true", "false", "-9"}
    assert all(ADMINISTRATIVE in v.user_attributes for v in variables(package))
    written_valid(package, schemas_dir)


def test_same_schema_gives_the_same_ids(fixtures_dir: Path) -> None:
    data = (fixtures_dir / "table_schema" / "datapackage.json").read_bytes()
    first = IMPORTER.read("datapackage.json", data, OPTIONS).package
    second = IMPORTER.read("datapackage.json", data, OPTIONS).package
    assert [i.id for i in first.items] == [i.id for i in second.items]


# Bad inputs ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, code",
    [
        (b"", "empty"),
        (b'{"fields": [{"name": "a", "type": "integer"}, {"name": "b"', "bad-json"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"variable;modalite;libelle\nsexe;1;Homme\n", "no-schema"),
        (b'{"title": "not a schema"}', "no-schema"),
        (
            b'{"fields": [{"name": "a", "type": "integer"}, {"name": "a", "type": "string"}, '
            b'{"type": "string"}]}',
            "duplicate-field",
        ),
    ],
)
def test_bad_inputs_are_refused_with_a_location(data: bytes, code: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        IMPORTER.read("upload.json", data, OPTIONS)
    assert refused.value.problems[0].code == code
    assert (refused.value.problems[0].location.file or "").startswith("upload.json")


def test_every_bad_field_is_reported() -> None:
    data = json.dumps({"fields": [{"type": "string"}] * 50}).encode()
    with pytest.raises(InvalidInput) as refused:
        IMPORTER.read("upload.json", data, OPTIONS)
    assert len(refused.value.problems) == 50
    assert refused.value.problems[49].location.element == "fields[49]"


def test_hundred_megabyte_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    field = b'{"name": "v", "type": "string", "description": "' + b"x" * 1000 + b'"},'
    with path.open("wb") as out:
        out.write(b'{"fields": [')
        for _ in range(100 * 1024 * 1024 // len(field) + 1):
            out.write(field)
        out.write(b'{"name": "end", "type": "string"}]}')
    with pytest.raises(InvalidInput) as refused:
        IMPORTER.read("big.json", path.read_bytes(), OPTIONS)
    assert refused.value.problems[0].code == "too-large"


# Sniffing --------------------------------------------------------------------------------------------------


def test_sniff_recognises_schemas_by_content(fixtures_dir: Path, samples_dir: Path) -> None:
    assert IMPORTER.sniff("upload.txt", (fixtures_dir / "table_schema" / "datapackage.json").read_bytes())
    assert IMPORTER.sniff("upload", folder_zip(fixtures_dir / "table_schema" / "snds_like"))
    heal = samples_dir / "table_schema" / "heal_vlmd_template_submission.csv"
    if heal.is_file():
        assert IMPORTER.sniff("upload.txt", heal.read_bytes())


@pytest.mark.parametrize(
    "folder, name",
    [
        ("redcap", "redcapr_longitudinal_dictionary.csv"),
        ("redcap", "redcapr_longitudinal_project.xml"),
        ("odm", "odm132_matrix_crf_dyslipidemia.xml"),
        ("xlsform", "pyxform_or_other.xlsx"),
        ("qualtrics", "rios_qualtrics_health.qsf"),
        ("spss_stata_sas", "pyreadstat_basic_sample.sav"),
        ("limesurvey", "xlsform2lstsv_testB_de_en.tsv"),
        ("ddi", "QuestionExample.xml"),
    ],
)
def test_sniff_leaves_other_formats_alone(samples_dir: Path, folder: str, name: str) -> None:
    path = sample_file(samples_dir, folder, name)
    assert not IMPORTER.sniff(name, path.read_bytes())


def test_sniff_leaves_codebooks_alone(fixtures_dir: Path) -> None:
    for name in ("wide_crf.csv", "long_dictionnaire_cp1252.csv", "opal_variables.csv"):
        assert not IMPORTER.sniff(name, (fixtures_dir / "codebook" / name).read_bytes())
