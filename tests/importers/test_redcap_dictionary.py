"""REDCap data dictionary import: REDCapR samples, bilingual fixtures, ZIPs with events, bad inputs."""

from __future__ import annotations

import csv
import io
import re
import struct
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pytest
from lxml import etree

from catalogue.errors import InvalidInput
from catalogue.model import (
    Category,
    CodeList,
    ComputationItem,
    DDIPackage,
    IfThenElse,
    Instrument,
    QuestionGrid,
    QuestionItem,
    Sequence,
    StatementItem,
    Variable,
    content_hash,
)
from catalogue.versioning import assign_versions
from importers.odm import IMPORTER as ODM
from importers.redcap_dictionary import IMPORTER, MAX_BYTES
from importers.redcap_project import IMPORTER as PROJECT
from importers.registry import ImportOptions
from tests.importers.packages import by_id, named, of_type, sample_file, written_valid

OPTIONS = ImportOptions(agency="fr.ddicat.test", id_prefix="test")
BILINGUAL = ImportOptions(agency="fr.ddicat.test", id_prefix="cb", split_languages=("fr", "en"))
DICTIONARIES = (
    "redcapr_checkboxes_dictionary.csv",
    "redcapr_longitudinal_dictionary.csv",
    "redcapr_problematic_bom_encoding_dictionary.csv",
    "redcapr_validation_types_dictionary.csv",
)
REDCAP_NS = "{https://projectredcap.org}"
ODM_NS = "{http://www.cdisc.org/ns/odm/v1.3}"


def code_labels(package: DDIPackage, list_id: str) -> dict[str, tuple[dict[str, str], bool]]:
    """code → (category label, missing flag) of one code list."""
    items = by_id(package)
    code_list = items[list_id]
    assert isinstance(code_list, CodeList)
    result = {}
    for code in code_list.codes:
        category = items[code.category.id]
        assert isinstance(category, Category)
        result[code.value] = (category.label, category.is_missing)
    return result


def sample(samples_dir: Path, name: str) -> bytes:
    path = sample_file(samples_dir, "redcap", name)
    return path.read_bytes()


def fixture(fixtures_dir: Path, name: str) -> bytes:
    return (fixtures_dir / "redcap" / name).read_bytes()


# Independent counts of a dictionary, from the csv module and string splitting (not the importer's code) ----


def expected_counts(data: bytes) -> dict[str, int]:
    """Counts the importer must reach, computed from the raw rows by type.

    Variables: one per row, none for descriptive, one per choice for checkbox. Questions: rows other than
    descriptive/calc outside matrices. Code lists: distinct choice strings (split on "|" then on the first
    comma), plus the generated yes/no, true/false and checked lists, plus one row list per matrix.
    """
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    kinds = [row["Field Type"] for row in rows]
    choice_sets: set[tuple[tuple[str, str], ...]] = set()
    generated: set[str] = set()
    matrices: dict[str, list[dict[str, str]]] = {}
    variables = questions = routings = 0
    for row, kind in zip(rows, kinds, strict=True):
        choices = tuple(
            (code.strip(), label.strip())
            for code, _, label in (
                part.partition(",")
                for part in row["Choices, Calculations, OR Slider Labels"].split("|")
                if part.strip()
            )
        )
        if kind in ("radio", "dropdown", "checkbox"):
            choice_sets.add(choices)
        if kind in ("yesno", "truefalse"):
            generated.add(kind)
        if kind == "checkbox":
            generated.add("checked")
        variables += 0 if kind == "descriptive" else len(choices) if kind == "checkbox" else 1
        if row["Matrix Group Name"]:
            matrices.setdefault(row["Matrix Group Name"], []).append(row)
            continue
        questions += kind not in ("descriptive", "calc")
        routings += bool(row["Branching Logic (Show field only if...)"].strip())
    for group in matrices.values():
        routings += len({row["Branching Logic (Show field only if...)"] for row in group} - {""}) == 1
    return {
        "Variable": variables,
        "QuestionItem": questions,
        "QuestionGrid": len(matrices),
        "StatementItem": kinds.count("descriptive"),
        "ComputationItem": kinds.count("calc"),
        "IfThenElse": routings,
        "Instrument": len({row["Form Name"] for row in rows}),
        "CodeList": len(choice_sets) + len(generated) + len(matrices),
        "Category": sum(len(c) for c in choice_sets)
        + 2 * len(generated)
        + sum(len(g) for g in matrices.values()),
    }


@pytest.mark.parametrize("name", DICTIONARIES)
def test_each_sample_imports_as_valid_ddi_with_the_expected_counts(
    samples_dir: Path, schemas_dir: Path, name: str
) -> None:
    data = sample(samples_dir, name)
    result = IMPORTER.read(name, data, OPTIONS)
    counts = result.package.counts()
    expected = expected_counts(data)
    assert {key: counts.get(key, 0) for key in expected} == expected
    written_valid(result.package, schemas_dir)


def test_longitudinal_sample_in_detail(samples_dir: Path) -> None:
    package = IMPORTER.read(
        "d.csv", sample(samples_dir, "redcapr_longitudinal_dictionary.csv"), OPTIONS
    ).package
    variables = named(package, Variable)
    # 95 rows; 5 checkbox fields with 5 choices each (gym, aerobics, eat, drink, meds) → 95 - 5 + 25.
    assert len(variables) == 115
    assert variables["gym___0"].label == {"und": "Gym (Weight Training): Monday"}
    assert variables["meds___5"].label == {
        "und": "Is patient taking any of the following medications? (check all that apply): Zoloft"
    }
    ethnicity = variables["ethnicity"].representation
    assert code_labels(package, ethnicity.code_list.id)["2"] == ({"und": "Unknown / Not Reported"}, True)
    assert ethnicity.missing_values == ["2"]
    height = variables["height"].representation
    assert (height.kind, height.numeric_type, height.minimum, height.maximum) == (
        "numeric",
        "Decimal",
        "130",
        "215",
    )
    assert variables["weight"].representation.numeric_type == "Integer"
    mood = named(package, QuestionItem)["specify_mood"].responses[0]
    assert (mood.minimum, mood.maximum, mood.label) == (
        "0",
        "100",
        {"und": "Very sad | Indifferent | Very happy"},
    )

    routing = {item.then.id: item.condition for item in of_type(package, IfThenElse)}
    condition = routing["test-qc-num_children"]
    assert (condition.program_language, condition.text) == ("REDCap", '[sex] = "0" and [given_birth] = "1"')

    bmi = named(package, ComputationItem)["bmi"]
    assert bmi.command.text == "round(([weight]*10000)/(([height])^(2)),1)"
    assert [ref.id for ref in variables["bmi"].source_variables] == ["test-v-weight", "test-v-height"]
    assert variables["bmi"].questions == []

    grid = named(package, QuestionGrid)["weekly_schedule"]
    rows = code_labels(package, grid.dimensions[0].code_list.id)
    assert list(rows) == ["gym", "aerobics", "eat", "drink"]
    assert grid.responses[0].max_responses == 5
    assert variables["drink___4"].questions == [grid.ref()]
    assert grid.text == {"und": "Please provide the patient's weekly schedule for the activities below."}

    identifier = ("ddicat:identifier", "true")
    assert (
        identifier in variables["first_name"].user_attributes
        and identifier not in variables["age"].user_attributes
    )
    instruments = named(package, Instrument)
    assert list(instruments)[:2] == ["demographics", "contact_info"] and len(instruments) == 9
    sections = named(package, Sequence)
    assert sections["section_date_enrolled"].label == {"und": "Consent Information"}


def test_checkbox_codes_that_are_letters(samples_dir: Path) -> None:
    package = IMPORTER.read(
        "c.csv", sample(samples_dir, "redcapr_checkboxes_dictionary.csv"), OPTIONS
    ).package
    names = list(named(package, Variable))
    assert names == [
        "record_id",
        "check_one___1",
        "check_one___2",
        "check_one___3",
        "check_one___4",
        "check_two___a",
        "check_two___b",
        "check_two___c",
        "check_two___d",
        "check_two___e",
        "desired_result",
    ]
    question = named(package, QuestionItem)["check_two"]
    assert question.responses[0].max_responses == 5
    assert list(code_labels(package, question.responses[0].code_list.id)) == ["a", "b", "c", "d", "e"]


def test_bom_mojibake_and_quotes_survive(samples_dir: Path) -> None:
    result = IMPORTER.read(
        "p.csv", sample(samples_dir, "redcapr_problematic_bom_encoding_dictionary.csv"), OPTIONS
    )
    questions = named(result.package, QuestionItem)
    assert list(questions)[0] == "record_id"  # the BOM is not part of the first header
    assert questions["v1"].text == {"und": "Is the laser mounted on the shark?\ufffd?\ufffd"}
    assert questions["curly_quote_double_left"].text == {"und": 'Maybe I don\'t "look the part"'}
    assert "\u2212or even" in questions["long_dash"].text["und"]
    assert not [p for p in result.problems if p.code == "encoding"]


def test_every_validation_type_has_a_representation(samples_dir: Path) -> None:
    result = IMPORTER.read("v.csv", sample(samples_dir, "redcapr_validation_types_dictionary.csv"), OPTIONS)
    reps = {name: v.representation for name, v in named(result.package, Variable).items()}
    assert (reps["v_integer"].kind, reps["v_integer"].numeric_type) == ("numeric", "Integer")
    assert reps["v_number_3dp"].decimal_positions == 3
    assert (reps["v_date_mdy"].date_type, reps["v_date_mdy"].format) == ("Date", "MM-DD-YYYY")
    assert reps["v_datetime_seconds_dmy"].format == "DD-MM-YYYY HH:MM:SS"
    assert (reps["v_time_mm_ss"].kind, reps["v_time_mm_ss"].format) == ("datetime", "MM:SS")
    assert (reps["v_email"].kind, reps["v_email"].format) == ("text", "email")
    assert (reps["f_slider"].minimum, reps["f_slider"].maximum) == ("-1", "101")
    assert reps["f_file_upload"].kind == "other" and reps["f_signature"].format == "signature"
    assert reps["f_sql"].kind == "text"
    assert code_labels(result.package, reps["f_true_false"].code_list.id) == {
        "1": ({"en": "True", "fr": "Vrai"}, False),
        "0": ({"en": "False", "fr": "Faux"}, False),
    }
    assert code_labels(result.package, reps["f_yes_no"].code_list.id)["1"][0] == {"en": "Yes", "fr": "Oui"}
    assert named(result.package, StatementItem)["f_descriptive"].text == {"und": "Descriptive Text"}
    assert [p.code for p in result.problems] == ["redcap-sql"]
    assert result.problems[0].location.row == 12


@pytest.mark.parametrize("name", ["redcapr_longitudinal_events.csv", "redcapr_longitudinal_arms.csv"])
def test_events_or_arms_alone_are_refused_with_the_way_forward(samples_dir: Path, name: str) -> None:
    data = sample(samples_dir, name)
    assert IMPORTER.sniff(name, data)
    with pytest.raises(InvalidInput) as refused:
        IMPORTER.read(name, data, OPTIONS)
    message = refused.value.problems[0].message
    assert "not a data dictionary" in message and "project XML" in message and "ZIP" in message


# The bilingual fixture ------------------------------------------------------------------------------------


def test_bilingual_fixture_in_french_and_english(fixtures_dir: Path, schemas_dir: Path) -> None:
    result = IMPORTER.read(
        "cohorte.csv", fixture(fixtures_dir, "cohorte_bilingue_dictionnaire.csv"), BILINGUAL
    )
    package = result.package
    # 23 rows: 1 descriptive (no variable), 1 checkbox of 4 choices → 23 - 1 - 1 + 4 = 25 variables.
    variables = named(package, Variable)
    assert len(variables) == 25
    assert variables["allait_duree_sem"].label == {
        "fr": "Durée de l'allaitement (semaines)",
        "en": "Breastfeeding duration (weeks)",
    }
    questions = named(package, QuestionItem)
    assert questions["allait_duree_sem"].instruction == {
        "fr": "Arrondir à la semaine",
        "en": "Round to the week",
    }
    assert named(package, StatementItem)["intro"].text == {
        "fr": "Merci d'avoir accepté de répondre.",
        "en": "Thank you for agreeing to answer.",
    }
    assert named(package, Sequence)["section_intro"].label == {
        "fr": "Santé de l'enfant",
        "en": "Child health",
    }

    # Checkbox: one multiple-answer question, one variable per choice named as REDCap exports them.
    symptoms = questions["symptomes"].responses[0]
    assert (symptoms.min_responses, symptoms.max_responses) == (0, 4)
    assert [n for n in variables if n.startswith("symptomes")] == [
        "symptomes___1",
        "symptomes___2",
        "symptomes___a",
        "symptomes____1",
    ]
    assert variables["symptomes___a"].label == {
        "fr": "Symptômes au cours du dernier mois: Éruption cutanée",
        "en": "Symptoms in the past month: Rash",
    }
    checked = code_labels(package, variables["symptomes____1"].representation.code_list.id)
    assert checked == {
        "1": ({"en": "Checked", "fr": "Coché"}, False),
        "0": ({"en": "Unchecked", "fr": "Non coché"}, False),
    }

    # Missing codes: -9 (negative) and "Refus" (label) flagged; 88 "Autre" is an answer.
    allaite = code_labels(package, variables["allaite"].representation.code_list.id)
    assert allaite["-9"] == ({"fr": "Ne sait pas", "en": "Don't know"}, True) and not allaite["1"][1]
    assert variables["allaite"].representation.missing_values == ["-9"]
    mood = code_labels(package, variables["humeur_calme"].representation.code_list.id)
    assert mood["99"] == ({"fr": "Refus", "en": "Refused"}, True)
    assert code_labels(package, variables["medecin"].representation.code_list.id)["88"][1] is False

    # Matrix: one grid, rows listed in its first dimension, one variable per row pointing at the grid.
    grid = named(package, QuestionGrid)["humeur"]
    assert code_labels(package, grid.dimensions[0].code_list.id)["humeur_irritable"][0] == {
        "fr": "irritable ?",
        "en": "irritable?",
    }
    assert all(
        variables[n].questions == [grid.ref()] for n in ("humeur_triste", "humeur_irritable", "humeur_calme")
    )

    # Routing: raw REDCap logic, checkbox references included.
    conditions = {item.name: item.condition.text for item in of_type(package, IfThenElse)}
    assert conditions == {"if_allait_duree_sem": "[allaite] = '1'", "if_fievre_jours": "[symptomes(1)] = '1'"}

    slider = questions["sommeil_qualite"].responses[0]
    assert slider.label == {"fr": "Mauvaise | Excellente", "en": "Poor | Excellent"}
    assert [r.id for r in variables["imc"].source_variables] == ["cb-v-poids_kg", "cb-v-taille_cm"]
    assert ("redcap:calculation", "round([poids_kg]/(([taille_cm]/100)^2),1)") in variables[
        "imc"
    ].user_attributes
    assert variables["date_visite"].representation.format == "DD-MM-YYYY"
    assert variables["examen_date"].representation.date_type == "DateTime"
    assert variables["consentement"].representation.kind == "other"
    assert variables["nom_enfant"].user_attributes == [
        ("ddicat:identifier", "true"),
        ("redcap:@HIDDEN-SURVEY", ""),
        ("redcap:@DEFAULT", "'inconnu'"),
        ("redcap:fieldAnnotation", "Champ nominatif"),
    ]
    assert [(p.code, p.location.row) for p in result.problems] == [("redcap-sql", 23)]
    assert named(package, Instrument)["examen_clinique"].root.id == "cb-seq-examen_clinique"
    written_valid(package, schemas_dir)


def test_api_headers_semicolons_and_int_spelling(fixtures_dir: Path, schemas_dir: Path) -> None:
    result = IMPORTER.read("api.csv", fixture(fixtures_dir, "cohorte_api_metadata.csv"), BILINGUAL)
    variables = named(result.package, Variable)
    assert list(variables) == [
        "participant_id",
        "sexe",
        "age_mois",
        "langues___fr",
        "langues___en",
        "langues___ar",
        "langues___autre",
    ]
    age = variables["age_mois"].representation
    assert (age.kind, age.numeric_type, age.minimum, age.maximum) == ("numeric", "Integer", "0", "24")
    assert code_labels(result.package, variables["sexe"].representation.code_list.id)["-8"] == (
        {"fr": "Refus", "en": "Refused"},
        True,
    )
    assert variables["langues___autre"].label == {
        "fr": "Langues parlées à la maison: Autre",
        "en": "Languages spoken at home: Other",
    }
    written_valid(result.package, schemas_dir)


def test_windows_1252_and_bom_give_the_same_labels(fixtures_dir: Path) -> None:
    utf8 = fixture(fixtures_dir, "cohorte_bilingue_dictionnaire.csv")
    reference = IMPORTER.read("u.csv", utf8, BILINGUAL)
    legacy = IMPORTER.read("w.csv", utf8.decode("utf-8").encode("cp1252"), BILINGUAL)
    with_bom = IMPORTER.read("b.csv", b"\xef\xbb\xbf" + utf8, BILINGUAL)
    # A BOM in front of Windows-1252 bytes (a file re-saved by hand): read as cp1252 after the BOM.
    mixed = IMPORTER.read("m.csv", b"\xef\xbb\xbf" + utf8.decode("utf-8").encode("cp1252"), BILINGUAL)
    results = (reference, legacy, with_bom, mixed)
    texts = [{q.name: q.text for q in of_type(r.package, QuestionItem)} for r in results]
    assert texts[0] == texts[1] == texts[2] == texts[3]
    assert texts[1]["allaite"]["fr"] == "L'enfant a-t-il été allaité ?"
    warning = next(p for p in legacy.problems if p.code == "encoding")
    assert "cp1252" in warning.message and warning.severity == "warning"
    assert not [p for p in with_bom.problems if p.code == "encoding"]


def test_same_file_same_ids_and_unchanged_items_keep_their_version(fixtures_dir: Path) -> None:
    data = fixture(fixtures_dir, "cohorte_bilingue_dictionnaire.csv")
    first = IMPORTER.read("c.csv", data, BILINGUAL).package
    assert [i.id for i in first.items] == [
        i.id for i in IMPORTER.read("c.csv", data, BILINGUAL).package.items
    ]
    assign_versions(first, lambda pairs: {})
    stored = {(i.agency.lower(), i.id): [(i.version, content_hash(i))] for i in first.items}

    again = IMPORTER.read("c.csv", data, BILINGUAL).package
    outcome = assign_versions(again, lambda pairs: stored)
    assert not outcome.new and len(outcome.reused) == len(again.items)

    changed = IMPORTER.read(
        "c.csv", data.replace(b"Poids (kg) / Weight", b"Poids (en kg) / Weight"), BILINGUAL
    )
    outcome = assign_versions(changed.package, lambda pairs: stored)
    new = {key.id for key in outcome.new}
    assert {"cb-qi-poids_kg", "cb-v-poids_kg", "cb-v-imc"} <= new
    assert not {"cb-v-allaite", "cb-qi-allaite", "cb-cl-allaite", "cb-v-taille_cm"} & new


# Longitudinal projects as a ZIP of dictionary + events + arms + mapping ------------------------------------


def _mapping_csv(project_xml: bytes) -> bytes:
    """The instrument-event mapping REDCap would export, read off the project XML's FormRefs with lxml."""
    root = etree.fromstring(
        project_xml, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    )
    lines = ["arm_num,unique_event_name,form"]
    for event in root.iter(f"{ODM_NS}StudyEventDef"):
        for ref in event.iter(f"{ODM_NS}FormRef"):
            lines.append(
                f"{event.get(REDCAP_NS + 'ArmNum')},{event.get(REDCAP_NS + 'UniqueEventName')},"
                f"{ref.get(REDCAP_NS + 'FormName')}"
            )
    return ("\n".join(lines) + "\n").encode()


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_zip_with_events_gives_the_waves_of_the_project_xml(samples_dir: Path, schemas_dir: Path) -> None:
    xml = sample(samples_dir, "redcapr_longitudinal_project.xml")
    data = _zip(
        {
            "longitudinal/dictionary.csv": sample(samples_dir, "redcapr_longitudinal_dictionary.csv"),
            "longitudinal/event.csv": sample(samples_dir, "redcapr_longitudinal_events.csv"),
            "longitudinal/arm.csv": sample(samples_dir, "redcapr_longitudinal_arms.csv"),
            "longitudinal/instrument_event_mapping.csv": _mapping_csv(xml),
        }
    )
    assert IMPORTER.sniff("project.bin", data)
    zipped = IMPORTER.read("project.zip", data, OPTIONS).package
    reference = PROJECT.read("project.xml", xml, OPTIONS).package
    assert [(w.name, w.title, w.attributes["redcap:armNum"]) for w in zipped.waves] == [
        (w.name, w.title, w.attributes["redcap:armNum"]) for w in reference.waves
    ]
    assert zipped.waves[7].title == {"und": "Deadline to opt out of study (Arm 2: Drug B)"}
    placed = {v.name: zipped.placement[v.key] for v in of_type(zipped, Variable)}
    assert placed == {v.name: reference.placement[v.key] for v in of_type(reference, Variable)}
    assert placed["cpq1"] is None and placed["withdraw_reason"] == "test-wave-final_visit_arm_1"
    written_valid(zipped, schemas_dir)


def test_zip_without_mapping_warns_and_zip_without_dictionary_is_refused(samples_dir: Path) -> None:
    events = sample(samples_dir, "redcapr_longitudinal_events.csv")
    result = IMPORTER.read(
        "p.zip",
        _zip(
            {
                "dictionary.csv": sample(samples_dir, "redcapr_longitudinal_dictionary.csv"),
                "event.csv": events,
            }
        ),
        OPTIONS,
    )
    assert len(result.package.waves) == 12 and all(not w.instruments for w in result.package.waves)
    assert "no instrument-event mapping" in result.problems[-1].message
    with pytest.raises(InvalidInput, match="no REDCap data dictionary"):
        IMPORTER.read("e.zip", _zip({"event.csv": events}), OPTIONS)


def test_zip_bomb_and_truncated_zip_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.zip"
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("dictionary.csv", "w") as member,
    ):
        member.write(b"field_name,form_name,field_type,field_label\n")
        zeros = b"0" * (1 << 20)
        for _ in range(MAX_BYTES // len(zeros) + 2):
            member.write(zeros)
    data = path.read_bytes()
    assert len(data) < MAX_BYTES // 100
    with pytest.raises(InvalidInput) as refused:
        IMPORTER.read("bomb.zip", data, OPTIONS)
    assert refused.value.problems[0].code == "zip-bomb"
    good = _zip({"d.csv": b"field_name,form_name,field_type,field_label\nx,f,text,X\n"})
    with pytest.raises(InvalidInput) as truncated:
        IMPORTER.read("cut.zip", good[: len(good) // 2], OPTIONS)
    assert truncated.value.problems[0].code == "truncated"


# Bad inputs -----------------------------------------------------------------------------------------------


def _png() -> bytes:
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    return (
        b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(header)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    )


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"  \r\n ", "empty"),
        (b"Variable / Field Name,Form Name,Section Header,Field Type,Field Label\n", "empty"),
        (_png(), "binary"),
        (b'<?xml version="1.0"?><ODM xmlns="http://www.cdisc.org/ns/odm/v1.3"/>', "redcap-header"),
        (b"nom;prenom;age\nDupont;Zoe;8\n", "redcap-header"),
    ],
)
def test_inputs_that_are_not_dictionaries_are_refused(data: bytes, code: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        IMPORTER.read("bad.csv", data, OPTIONS)
    assert refused.value.problems[0].code == code
    assert refused.value.problems[0].location.file == "bad.csv"


def test_truncated_dictionary_is_refused_with_located_problems(fixtures_dir: Path) -> None:
    data = fixture(fixtures_dir, "cohorte_bilingue_dictionnaire.csv")
    cut = data[: data.index(b"symptomes,") + 60]  # inside the checkbox row, before its choices end
    with pytest.raises(InvalidInput) as refused:
        IMPORTER.read("cut.csv", cut, BILINGUAL)
    problems = refused.value.problems
    assert problems[0].severity == "error" and problems[0].location.row == 7
    assert any(p.code == "redcap-short-row" and p.location.row == 7 for p in problems)


def test_every_bad_row_is_reported_not_only_the_first() -> None:
    header = b"field_name,form_name,field_type,field_label,select_choices_or_calculations\n"
    rows = b"".join(b"q%d,f,radio,Question %d,\n" % (i, i) for i in range(1000))
    with pytest.raises(InvalidInput) as refused:
        IMPORTER.read("many.csv", header + rows + b"q5,f,text,Again,\n", OPTIONS)
    errors = [p for p in refused.value.problems if p.severity == "error"]
    assert len(errors) == 1001
    assert errors[0].location.row == 2 and errors[-1].code == "redcap-duplicate"


@pytest.mark.slow
def test_a_100_mb_file_is_refused_before_being_decoded(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    row = b"champ_%07d,formulaire,,text,Question %07d sur l'enfant / On the child,,,,,,,,,,,,,\n"
    with path.open("wb") as out:
        out.write(
            b"field_name,form_name,section_header,field_type,field_label,select_choices_or_calculations,"
            b"field_note,text_validation_type_or_show_slider_number,text_validation_min,text_validation_max,"
            b"identifier,branching_logic,required_field,custom_alignment,question_number,matrix_group_name,"
            b"matrix_ranking,field_annotation\n"
        )
        number = 0
        while out.tell() < 100 * 1024 * 1024:
            out.write(b"".join(row % (number + i, number + i) for i in range(10_000)))
            number += 10_000
    data = path.read_bytes()
    tracemalloc.start()
    try:
        with pytest.raises(InvalidInput) as refused:
            IMPORTER.read("huge.csv", data, OPTIONS)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert refused.value.problems[0].code == "too-large"
    assert peak < 1024 * 1024  # refused on its size: nothing was decoded or split


# Recognising the format -----------------------------------------------------------------------------------


def test_dictionaries_are_recognised_by_content_whatever_their_extension(
    samples_dir: Path, fixtures_dir: Path
) -> None:
    for name in DICTIONARIES:
        assert IMPORTER.sniff("export.txt", sample(samples_dir, name)), name
    assert IMPORTER.sniff("metadata", fixture(fixtures_dir, "cohorte_api_metadata.csv"))
    assert IMPORTER.sniff("x.xlsx", fixture(fixtures_dir, "cohorte_bilingue_dictionnaire.csv"))


def test_other_formats_are_not_claimed(samples_dir: Path) -> None:
    claimed = []
    for path in sorted(samples_dir.rglob("*")):
        if not path.is_file() or path.parent.name == "redcap" or path.name == "README.md":
            continue
        data = path.read_bytes()
        if IMPORTER.sniff(path.name, data):
            claimed.append(path.name)
    assert claimed == []
    for name in ("redcapr_longitudinal_project.xml", "redcapr_russian_bilingual_project.xml"):
        data = sample(samples_dir, name)
        assert not IMPORTER.sniff(name, data) and not ODM.sniff(name, data)
    for name in DICTIONARIES:
        data = sample(samples_dir, name)
        assert not PROJECT.sniff(name, data) and not ODM.sniff(name, data)
    assert re.match(r"^redcap-", IMPORTER.name)


def test_the_demo_dictionary_of_the_elfe_8_5_year_wave(schemas_dir: Path) -> None:
    path = Path(__file__).resolve().parents[2] / "examples" / "elfe-8a5-redcap.csv"
    options = ImportOptions(agency="fr.ddicat.elfe", id_prefix="elfe-8a5", split_languages=("fr", "en"))
    result = IMPORTER.read(path.name, path.read_bytes(), options)
    package = result.package
    assert result.problems == []
    assert sorted(named(package, Instrument)) == ["sante_ecole_activite", "sommeil_ecrans"]
    questions = of_type(package, QuestionItem) + of_type(package, QuestionGrid)
    assert all(set(q.text) == {"fr", "en"} for q in questions)
    variables = named(package, Variable)
    assert variables["ecrans_utilises____9"].label["en"].endswith(": Don't know")
    assert [r.id for r in variables["ecrans_h_jour_total"].source_variables] == [
        "elfe-8a5-v-tv_h_jour",
        "elfe-8a5-v-tablette_h_jour",
        "elfe-8a5-v-jeux_video_h_jour",
    ]
    assert {q.name for q in of_type(package, QuestionGrid)} == {"troubles_sommeil"}
    assert len(of_type(package, IfThenElse)) == 6
    written_valid(package, schemas_dir)
