"""REDCap project XML import: events as waves, repeats, missing-data codes, and no individual data kept."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from catalogue.errors import InvalidInput
from catalogue.model import (
    IfThenElse,
    Instrument,
    Loop,
    QuestionGrid,
    QuestionItem,
    Sequence,
    StatementItem,
    Variable,
    item_content,
)
from importers.redcap_dictionary import IMPORTER as DICTIONARY
from importers.redcap_fields import parse_choices
from importers.redcap_project import IMPORTER
from importers.registry import ImportOptions
from tests.importers.packages import by_id, code_labels, named, of_type, sample_file, written_valid

OPTIONS = ImportOptions(agency="fr.ddicat.test", id_prefix="test")
BILINGUAL = ImportOptions(agency="fr.ddicat.test", id_prefix="cb", split_languages=("fr", "en"))
PROJECTS = (
    "isaric_ccp_setup_French.REDCap.xml",
    "redcapr_longitudinal_project.xml",
    "redcapr_russian_bilingual_project.xml",
)
ODM = "{http://www.cdisc.org/ns/odm/v1.3}"
RC = "{https://projectredcap.org}"
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def sample(samples_dir: Path, name: str) -> bytes:
    path = sample_file(samples_dir, "redcap", name)
    return path.read_bytes()


def fixture(fixtures_dir: Path, name: str) -> bytes:
    return (fixtures_dir / "redcap" / name).read_bytes()


def _tree(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))


def expected_counts(data: bytes) -> dict[str, int]:
    """Counts read off the XML with XPath-like walks, not with the importer.

    Form-status ItemDefs (`<form>_complete`, section "Form Status") are left out, as the importer documents.
    Variables: every other ItemDef except descriptive ones (a checkbox has one ItemDef per choice already).
    Questions: distinct redcap:Variable outside matrices, calc and descriptive excluded. Code lists: distinct
    choice sets (CodeList decodes, or CheckboxChoices) plus generated yes/no, true/false and checked lists,
    one row list per matrix. Loops: forms named by RepeatingInstrument or run by a Repeating="Yes" event.
    """
    root = _tree(data)
    items = [i for i in root.iter(f"{ODM}ItemDef") if i.get(f"{RC}SectionHeader") != "Form Status"]
    lists = {c.get("OID"): c for c in root.iter(f"{ODM}CodeList")}
    fields: dict[str, etree._Element] = {}
    for item in items:
        fields.setdefault(item.get(f"{RC}Variable"), item)
    choice_sets: set[tuple[tuple[str, str], ...]] = set()
    generated: set[str] = set()
    matrices: dict[str, list[str]] = {}
    questions = routings = 0
    for item in fields.values():
        kind = item.get(f"{RC}FieldType")
        ref = item.find(f"{ODM}CodeListRef")
        code_list = lists.get(ref.get("CodeListOID")) if ref is not None else None
        if kind in ("radio", "select"):
            choice_sets.add(
                tuple(
                    (c.get("CodedValue"), "".join(c.find(f"{ODM}Decode").itertext()).strip())
                    for c in code_list.iter(f"{ODM}CodeListItem")
                )
            )
        elif kind == "checkbox":
            choice_sets.add(
                tuple(
                    (code, label)
                    for code, label in parse_choices(code_list.get(f"{RC}CheckboxChoices"), None)[0]
                )
            )
            generated.add("checked")
        elif kind in ("yesno", "truefalse"):
            generated.add(kind)
        if item.get(f"{RC}MatrixGroupName"):
            matrices.setdefault(item.get(f"{RC}MatrixGroupName"), []).append(
                item.get(f"{RC}BranchingLogic", "")
            )
            continue
        questions += kind not in ("descriptive", "calc")
        routings += bool(item.get(f"{RC}BranchingLogic", "").strip())
    routings += sum(len(set(logics) - {""}) == 1 and len(set(logics)) == 1 for logics in matrices.values())
    repeating = {node.get(f"{RC}RepeatInstrument") for node in root.iter(f"{RC}RepeatingInstrument")}
    for event in root.iter(f"{ODM}StudyEventDef"):
        if event.get("Repeating") == "Yes":
            repeating |= {ref.get(f"{RC}FormName") for ref in event.iter(f"{ODM}FormRef")}
    return {
        "Variable": sum(1 for i in items if i.get(f"{RC}FieldType") != "descriptive"),
        "QuestionItem": questions,
        "QuestionGrid": len(matrices),
        "IfThenElse": routings,
        "StatementItem": sum(1 for i in fields.values() if i.get(f"{RC}FieldType") == "descriptive"),
        "Instrument": len(root.findall(f".//{ODM}FormDef")),
        "Loop": len(repeating),
        "CodeList": len(choice_sets) + len(generated) + len(matrices),
        "Category": sum(len(c) for c in choice_sets)
        + 2 * len(generated)
        + sum(len(m) for m in matrices.values()),
    }


@pytest.mark.parametrize("name", PROJECTS)
def test_each_sample_imports_as_valid_ddi_with_the_expected_counts(
    samples_dir: Path, schemas_dir: Path, name: str
) -> None:
    data = sample(samples_dir, name)
    result = IMPORTER.read(name, data, OPTIONS)
    counts = result.package.counts()
    expected = expected_counts(data)
    assert {key: counts.get(key, 0) for key in expected} == expected
    assert len(result.package.waves) == len(_tree(data).findall(f".//{ODM}StudyEventDef"))
    written_valid(result.package, schemas_dir)


def test_events_become_waves_and_forms_are_placed(samples_dir: Path) -> None:
    package = IMPORTER.read("p.xml", sample(samples_dir, "redcapr_longitudinal_project.xml"), OPTIONS).package
    waves = {w.name: w for w in package.waves}
    assert list(waves)[:3] == ["enrollment_arm_1", "dose_1_arm_1", "visit_1_arm_1"]
    final = waves["final_visit_arm_1"]
    assert final.title == {"und": "Final visit (Arm 1: Drug A)"}
    assert final.attributes["redcap:dayOffset"] == "30" and final.attributes["redcap:armName"] == "Drug A"
    assert [ref.id for ref in final.instruments] == [
        "test-instr-completion_data",
        "test-instr-completion_project_questionnaire",
    ]
    assert package.study is not None and package.study.title == {"und": "REDCapR: longitudinal"}
    placed = {v.name: package.placement[v.key] for v in of_type(package, Variable)}
    # completion_data runs only at final_visit_arm_1; demographics at both enrolment events (shared).
    assert placed["withdraw_reason"] == final.id
    assert placed["ethnicity"] is None and placed["vob1"] is None
    instruments = named(package, Instrument)
    assert package.placement[instruments["completion_data"].key] == final.id
    # A code list used at one wave only goes with it (with its categories); one used at several is shared.
    withdraw = by_id(package)[named(package, Variable)["withdraw_reason"].representation.code_list.id]
    assert package.placement[withdraw.key] == final.id
    assert package.placement[withdraw.codes[0].category.key] == final.id
    assert (
        package.placement[
            by_id(package)[named(package, Variable)["ethnicity"].representation.code_list.id].key
        ]
        is None
    )
    assert "demographics_complete" not in placed


def test_csv_and_xml_of_one_project_give_the_same_items(samples_dir: Path) -> None:
    xml = IMPORTER.read("p.xml", sample(samples_dir, "redcapr_longitudinal_project.xml"), OPTIONS).package
    csv = DICTIONARY.read(
        "d.csv", sample(samples_dir, "redcapr_longitudinal_dictionary.csv"), OPTIONS
    ).package
    assert [v.id for v in of_type(xml, Variable)] == [v.id for v in of_type(csv, Variable)]
    assert {q.id: q.text for q in of_type(xml, QuestionItem)} == {
        q.id: q.text for q in of_type(csv, QuestionItem)
    }
    assert {v.name: v.representation.kind for v in of_type(xml, Variable)} == {
        v.name: v.representation.kind for v in of_type(csv, Variable)
    }
    weight = named(xml, Variable)["weight"].representation
    assert (weight.numeric_type, weight.minimum, weight.maximum) == (
        "Integer",
        "35",
        "200",
    )  # "int" in the XML
    assert named(xml, Instrument)["demographics"].label == {"und": "Demographics"}


def test_french_project_keeps_accents_and_repeats(samples_dir: Path) -> None:
    options = ImportOptions(agency="fr.ddicat.test", id_prefix="isaric", default_language="fr")
    package = IMPORTER.read(
        "f.xml", sample(samples_dir, "isaric_ccp_setup_French.REDCap.xml"), options
    ).package
    waves = {w.name: w for w in package.waves}
    assert waves["valuation_initiale_arm_1"].title == {"fr": "Évaluation initiale / Admissio"}
    assert waves["issue__fin_de_ltud_arm_1"].title == {"fr": "Issue / Fin de l'étude"}
    assert waves["suivi_arm_1"].attributes["redcap:repeatingEvent"] == "true"
    loops = {loop.name: loop for loop in of_type(package, Loop)}
    assert sorted(loops) == ["fotografias", "medicament", "pathogenes", "quotidien", "suivi"]
    assert ("redcap:repeatingIn", "rsum__mdicaments_arm_1") in loops["medicament"].user_attributes
    assert named(package, Instrument)["medicament"].root == loops["medicament"].ref()
    # quotidien runs at the initial evaluation and at the daily event: shared; suivi only at its own.
    assert package.placement[named(package, Instrument)["quotidien"].key] is None
    assert package.placement[named(package, Instrument)["suivi"].key] == waves["suivi_arm_1"].id


def test_russian_english_labels_split_when_asked(samples_dir: Path, schemas_dir: Path) -> None:
    data = sample(samples_dir, "redcapr_russian_bilingual_project.xml")
    package = IMPORTER.read(
        "r.xml", data, ImportOptions(agency="fr.ddicat.test", id_prefix="ru", split_languages=("ru", "en"))
    ).package
    questions = named(package, QuestionItem)
    assert questions["date_interview"].text == {"ru": "Дата", "en": "Date"}
    assert (
        questions["age"].instruction["en"] == "if the participant younger 18 or older 44, she is not eligible"
    )
    split = sum(1 for q in questions.values() if set(q.text) == {"ru", "en"})
    assert split > 0.8 * len(questions)
    texts = json.dumps([item_content(i) for i in package.items], ensure_ascii=False)
    assert "<br" not in texts and "&lt;" not in texts and "&quot;" not in texts
    unsplit = IMPORTER.read("r.xml", data, OPTIONS).package
    assert named(unsplit, QuestionItem)["date_interview"].text == {"und": "Дата / Date"}
    written_valid(package, schemas_dir)


def test_no_value_of_the_clinical_data_reaches_the_package(samples_dir: Path, schemas_dir: Path) -> None:
    data = sample(samples_dir, "redcapr_longitudinal_project.xml")
    root = _tree(data)
    metadata = etree.tostring(root.find(f"{ODM}Study"), encoding="unicode")
    clinical = root.find(f"{ODM}ClinicalData")
    values = {v for node in clinical.iter() for v in (node.get("Value"), node.get("SubjectKey")) if v}
    distinctive = {v for v in values if len(v) >= 4 and v not in metadata}
    assert {"Zharko", "zlehnox@gmail.com"} <= distinctive
    package = IMPORTER.read("p.xml", data, OPTIONS).package
    stored = json.dumps([item_content(i) for i in package.items], ensure_ascii=False)
    written = written_valid(package, schemas_dir).decode()
    assert not {v for v in distinctive if v in stored or v in written}


# The bilingual fixture ------------------------------------------------------------------------------------


def test_bilingual_fixture_missing_codes_repeats_and_placement(fixtures_dir: Path, schemas_dir: Path) -> None:
    result = IMPORTER.read(
        "projet.xml", fixture(fixtures_dir, "cohorte_bilingue_projet.REDCap.xml"), BILINGUAL
    )
    package = result.package
    variables = named(package, Variable)
    # 16 ItemDefs once the 3 form-status ones are left out, minus the descriptive one: 15 + 3 checkbox choices
    # counted once each already → record_id, nom_mere, sexe, poids_naissance, date_naissance, symptomes___1,
    # symptomes___a, symptomes____1, fievre_jours, humeur_triste, humeur_calme, sommeil_qualite, gain_poids,
    # creche, med_nom, med_voie.
    assert len(variables) == 16 and "inclusion_complete" not in variables
    # Project-level missing-data codes: listed on every representation, categories on every coded one.
    assert variables["poids_naissance"].representation.missing_values == ["NSP", "REF"]
    sexe = code_labels(package, variables["sexe"].representation.code_list.id)
    assert sexe == {
        "1": ({"fr": "Garçon", "en": "Boy"}, False),
        "2": ({"fr": "Fille", "en": "Girl"}, False),
        "NSP": ({"fr": "Ne sait pas", "en": "Don't know"}, True),
        "REF": ({"fr": "Refus", "en": "Refused"}, True),
    }
    mood = code_labels(package, variables["humeur_calme"].representation.code_list.id)
    assert mood["-9"][1] and variables["humeur_calme"].representation.missing_values == ["-9", "NSP", "REF"]
    assert variables["symptomes____1"].label == {
        "fr": "Symptômes depuis la dernière visite: Aucun",
        "en": "Symptoms since the last visit: None",
    }
    weight = variables["poids_naissance"].representation
    assert (weight.numeric_type, weight.minimum, weight.maximum) == ("Integer", "300", "6000")
    assert named(package, QuestionItem)["poids_naissance"].instruction == {
        "fr": "en grammes",
        "en": "in grams",
    }
    assert named(package, Sequence)["section_sexe"].label == {
        "fr": "Caractéristiques de l'enfant",
        "en": "Child characteristics",
    }
    assert (
        named(package, StatementItem)["presentation"].text["en"]
        == "The next questions are about the child's health."
    )
    grid = named(package, QuestionGrid)["humeur"]
    assert grid.text == {"fr": "Cette semaine, l'enfant était-il...", "en": "This week, was the child..."}
    assert [i.condition.text for i in of_type(package, IfThenElse)] == ["[symptomes(1)] = '1'"]
    assert ("ddicat:identifier", "true") in variables["date_naissance"].user_attributes
    assert [ref.id for ref in variables["gain_poids"].source_variables] == ["cb-v-poids_naissance"]
    assert any(p.code == "redcap-reference" and "[poids_6m]" in p.message for p in result.problems)

    waves = {w.name: w for w in package.waves}
    assert waves["visite__6_mois_arm_1"].title == {"und": "Visite à 6 mois"}
    assert package.placement[variables["med_nom"].key] == waves["visite__6_mois_arm_1"].id
    assert package.placement[variables["sexe"].key] == waves["inclusion_arm_1"].id
    assert package.placement[variables["creche"].key] is None  # suivi_sante runs at two events
    loops = {loop.name: loop for loop in of_type(package, Loop)}
    assert sorted(loops) == ["medicaments", "suivi_sante"]
    written = written_valid(package, schemas_dir).decode()
    assert "Guillemette" not in written and "Zyxwv" not in written and "EL-0042" not in written


# Bad inputs -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01", "not-odm"),
        (b"field_name,form_name,field_type,field_label\nx,f,text,X\n", "not-odm"),
        (b'<?xml version="1.0"?><root xmlns:redcap="https://projectredcap.org"/>', "not-odm"),
        (
            b'<?xml version="1.0"?><!DOCTYPE ODM [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            b'<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:redcap="https://projectredcap.org">&xxe;</ODM>',
            "xml-entities",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE ODM [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;">]>'
            b'<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:redcap="https://projectredcap.org">&b;</ODM>',
            "xml-entities",
        ),
        (
            b'<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:redcap="https://projectredcap.org"><ClinicalData/></ODM>',
            "odm-structure",
        ),
    ],
)
def test_inputs_that_are_not_project_xml_are_refused(data: bytes, code: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        IMPORTER.read("bad.xml", data, OPTIONS)
    assert refused.value.problems[0].code == code


def test_truncated_xml_is_refused_with_its_line(fixtures_dir: Path) -> None:
    data = fixture(fixtures_dir, "cohorte_bilingue_projet.REDCap.xml")
    with pytest.raises(InvalidInput) as refused:
        IMPORTER.read("cut.xml", data[: data.index(b'<ItemDef OID="sexe"') + 40], OPTIONS)
    problem = refused.value.problems[0]
    assert (
        problem.code == "xml-syntax"
        and problem.location.line == data[: data.index(b'<ItemDef OID="sexe"')].count(b"\n") + 1
    )


_MEASURE = """
import json, resource, sys
sys.path.insert(0, sys.argv[2])
from importers.redcap_project import IMPORTER
from importers.registry import ImportOptions
data = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
result = IMPORTER.read("big.xml", data, ImportOptions())
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"grew_kb": after - before, "variables": result.package.counts()["Variable"]}))
"""


@pytest.mark.slow
def test_a_100_mb_export_with_data_is_read_in_bounded_memory(samples_dir: Path, tmp_path: Path) -> None:
    text = sample(samples_dir, "redcapr_longitudinal_project.xml").decode("utf-8")
    metadata = text[: text.index("<ClinicalData")]
    subject = (
        '<SubjectData SubjectKey="{n}" redcap:RecordIdField="study_id"><StudyEventData '
        'StudyEventOID="Event.enrollment_arm_1"><FormData FormOID="Form.demographics"><ItemGroupData '
        'ItemGroupOID="demographics.study_id"><ItemData ItemOID="study_id" Value="{n}"/><ItemData '
        'ItemOID="first_name" Value="Prénom-{n}"/><ItemData ItemOID="email" Value="p{n}@example.org"/>'
        "</ItemGroupData></FormData></StudyEventData></SubjectData>\n"
    )
    path = tmp_path / "big.xml"
    with path.open("w", encoding="utf-8") as out:
        out.write(metadata + '<ClinicalData StudyOID="Project.REDCapRLongitudinal" MetaDataVersionOID="x">\n')
        number = 0
        while out.tell() < 100 * 1024 * 1024:
            out.write("".join(subject.format(n=number + i) for i in range(2000)))
            number += 2000
        out.write("</ClinicalData>\n</ODM>\n")
    run = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(path), str(PROJECT_ROOT)],
        capture_output=True,
        text=True,
        check=True,
    )
    measured = json.loads(run.stdout)
    assert measured["variables"] == 115
    # Parsing the whole tree would take about 1 GB here; streaming past the data keeps growth to a few MB.
    assert measured["grew_kb"] < 64 * 1024


def test_project_xml_is_recognised_by_content(samples_dir: Path, fixtures_dir: Path) -> None:
    for name in PROJECTS:
        assert IMPORTER.sniff("export.odm", sample(samples_dir, name)), name
    assert IMPORTER.sniff("projet.txt", fixture(fixtures_dir, "cohorte_bilingue_projet.REDCap.xml"))
    for path in sorted(samples_dir.rglob("*")):
        if path.is_file() and path.parent.name != "redcap":
            assert not IMPORTER.sniff(path.name, path.read_bytes()), path.name
