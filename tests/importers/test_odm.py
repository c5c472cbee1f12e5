"""CDISC ODM 1.3 / 2.0 import: the CDISC samples, bilingual fixtures (one in ISO-8859-1), bad inputs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from catalogue.errors import InvalidInput
from catalogue.model import (
    ComputationItem,
    IfThenElse,
    Instrument,
    Loop,
    QuestionConstruct,
    QuestionGrid,
    QuestionItem,
    Sequence,
    Variable,
    item_content,
)
from importers.odm import IMPORTER
from importers.redcap_project import IMPORTER as REDCAP_XML
from importers.registry import ImportOptions
from tests.importers.packages import by_id, code_labels, named, of_type, sample_file, written_valid

OPTIONS = ImportOptions(agency="fr.ddicat.test", id_prefix="odm")
SAMPLES = (
    "odm132_matrix_crf_dyslipidemia.xml",
    "odm20_cdash_mh_conditions_rangechecks.xml",
    "odm20_race_check_all_that_apply.xml",
)
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def sample(samples_dir: Path, name: str) -> bytes:
    path = sample_file(samples_dir, "odm", name)
    return path.read_bytes()


def fixture(fixtures_dir: Path, name: str) -> bytes:
    return (fixtures_dir / "odm" / name).read_bytes()


def expected_counts(data: bytes) -> dict[str, int]:
    """Counts read off the ODM with lxml, independently of the importer.

    Variables: distinct ItemOIDs referenced from ItemGroupDefs. A grid: a repeating group with one
    Repeat="Yes" ItemRef whose item has a code list. Questions: referenced items with a Question, outside
    grids. Code lists:
    distinct referenced CodeLists (by codes and decodes), a generated yes/no list when a boolean has none, one
    column list per grid. Conditions and methods count where they sit on refs outside grids.
    """
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    ns = etree.QName(root).namespace
    q = lambda local: f"{{{ns}}}{local}"  # noqa: E731
    items = {i.get("OID"): i for i in root.iter(q("ItemDef"))}
    lists = {c.get("OID"): c for c in root.iter(q("CodeList"))}
    groups = list(root.iter(q("ItemGroupDef")))
    grids = []
    for group in groups:
        keys = [r for r in group.findall(q("ItemRef")) if r.get("Repeat") == "Yes"]
        if (
            group.get("Repeating", "No") != "No"
            and len(keys) == 1
            and items[keys[0].get("ItemOID")].find(q("CodeListRef")) is not None
        ):
            grids.append(group)
    in_grids = {r.get("ItemOID") for g in grids for r in g.findall(q("ItemRef"))}
    refs = [r for g in groups for r in g.findall(q("ItemRef"))]
    used = {r.get("ItemOID") for r in refs}
    signatures = set()
    booleans = False
    for oid in used:
        ref = items[oid].find(q("CodeListRef"))
        if ref is not None:
            entries = lists[ref.get("CodeListOID")]
            signatures.add(
                tuple(
                    (e.get("CodedValue"), "|".join(e.itertext()).strip())
                    for e in entries
                    if etree.QName(e).localname in ("CodeListItem", "EnumeratedItem")
                )
            )
        elif items[oid].get("DataType") == "boolean":
            booleans = True
    conditions = {c.get("OID") for c in root.iter(q("ConditionDef"))}
    methods = {m.get("OID") for m in root.iter(q("MethodDef"))}
    outside = [r for g in groups if g not in grids for r in g]
    columns = sum(len(g.findall(q("ItemRef"))) - 1 for g in grids)
    return {
        "Variable": len(used),
        "QuestionGrid": len(grids),
        "QuestionItem": sum(1 for oid in used - in_grids if items[oid].find(q("Question")) is not None),
        "CodeList": len(signatures) + booleans + len(grids),
        "Category": sum(len(s) for s in signatures) + 2 * booleans + columns,
        "IfThenElse": sum(1 for r in outside if r.get("CollectionExceptionConditionOID") in conditions),
        "ComputationItem": len({r.get("ItemOID") for r in refs if r.get("MethodOID") in methods}),
        "Instrument": len(list(root.iter(q("FormDef")))) + sum(1 for g in groups if g.get("Type") == "Form"),
    }


@pytest.mark.parametrize("name", SAMPLES)
def test_each_sample_imports_as_valid_ddi_with_the_expected_counts(
    samples_dir: Path, schemas_dir: Path, name: str
) -> None:
    data = sample(samples_dir, name)
    result = IMPORTER.read(name, data, OPTIONS)
    counts = result.package.counts()
    expected = expected_counts(data)
    assert {key: counts.get(key, 0) for key in expected} == expected
    written = written_valid(result.package, schemas_dir).decode()
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    values = {"".join(v.itertext()).strip() for v in root.iter("{*}Value")}
    leaked = {
        v for v in values if len(v) > 3 and v.lower() not in data.split(b"<ClinicalData")[0].decode().lower()
    }
    assert not {v for v in leaked if v in written}


@pytest.mark.parametrize("name", ["etude_bilingue_odm132_latin1.xml", "etude_odm20_sommeil.xml"])
def test_each_fixture_has_the_expected_counts(fixtures_dir: Path, name: str) -> None:
    data = fixture(fixtures_dir, name)
    counts = IMPORTER.read(name, data, OPTIONS).package.counts()
    expected = expected_counts(data)
    assert {key: counts.get(key, 0) for key in expected} == expected


def test_matrix_crf_becomes_a_two_dimensional_grid(samples_dir: Path) -> None:
    package = IMPORTER.read(
        "m.xml", sample(samples_dir, "odm132_matrix_crf_dyslipidemia.xml"), OPTIONS
    ).package
    grid = named(package, QuestionGrid)["MH term / Family Relationship matrix"]
    rows = code_labels(package, grid.dimensions[0].code_list.id)
    assert rows["1"][0] == {"und": "History of Hypercholesterolemia"} and len(rows) == 4
    columns = code_labels(package, grid.dimensions[1].code_list.id)
    assert [label["und"] for label, _ in columns.values()] == [
        "Father (Biological)",
        "Mother (Biological)",
        "Brothers (Biological)",
        "Sisters (Biological)",
        "Sons (Biological)",
        "Daughters (Biological)",
    ]
    assert len(grid.responses) == 2  # Y/N/UNK and Y/N/UNK/NA cells
    unknown = code_labels(package, grid.responses[1].code_list.id)
    assert unknown["UNK"] == ({"und": "Unknown"}, True) and unknown["NA"] == ({"und": "Not Applicable"}, True)
    variables = {v.user_ids[0][1]: v for v in of_type(package, Variable)}
    assert variables["I.MHMOTHER"].label == {"und": "Mother (Biological)"}
    assert all(v.questions == [grid.ref()] for v in variables.values())
    assert [w.name for w in package.waves] == ["SE.MH"]
    assert package.waves[0].title == {"und": "Medical History - Family History"}


def test_check_all_that_apply_and_repeat_key(samples_dir: Path) -> None:
    package = IMPORTER.read(
        "r.xml", sample(samples_dir, "odm20_race_check_all_that_apply.xml"), OPTIONS
    ).package
    grid = named(package, QuestionGrid)["Race"]
    races = code_labels(package, grid.dimensions[0].code_list.id)
    assert races["99"] == ({"en": "Other - specify"}, False) and len(races) == 6
    kinds = [rep.kind for rep in grid.responses]
    assert kinds == ["code", "text"]  # the boolean "checked" cell and the "other, specify" cell
    assert code_labels(package, grid.responses[0].code_list.id)["1"][0] == {"en": "Yes", "fr": "Oui"}
    questions = named(package, QuestionItem)
    assert questions["Sex"].text == {"en": "Sex"}
    dob = named(package, Variable)["IT.DOB"].representation
    assert (dob.kind, dob.date_type) == ("datetime", "Date")
    assert package.study is not None and package.study.title == {"und": "Study with Demographics example"}


def test_cdash_methods_and_value_lists(samples_dir: Path) -> None:
    result = IMPORTER.read("c.xml", sample(samples_dir, "odm20_cdash_mh_conditions_rangechecks.xml"), OPTIONS)
    package = result.package
    assert package.waves == [] and package.study is None
    computation = of_type(package, ComputationItem)[0]
    assert (computation.command.program_language, computation.command.text) == ("XPath", "position()")
    names = {
        code: label
        for code, (label, _) in code_labels(
            package, named(package, Variable)["IT.CONDITION_PROCEDURE_NAME"].representation.code_list.id
        ).items()
    }
    assert names["Stroke"] == {"und": "Stroke"}
    condition = dict(named(package, Variable)["IT.CONDITION_TYPE"].user_attributes)
    assert condition["odm:CollectionExceptionCondition"] == (
        "XPath: ../ItemData[@ItemOID='IT.CONDITION_PROCEDURE_YES_NO']='N'"
    )
    assert named(package, Variable)["IT.TYPE_OTHER"].representation.max_length == 100
    instrument = of_type(package, Instrument)[0]
    assert instrument.label == {
        "und": "Medical History of Stroke / Lung disease / IBD / Cancer Family History"
    }


# Bilingual fixtures ---------------------------------------------------------------------------------------


def test_latin1_bilingual_odm_132(fixtures_dir: Path, schemas_dir: Path) -> None:
    data = fixture(fixtures_dir, "etude_bilingue_odm132_latin1.xml")
    assert "Garçon".encode("latin-1") in data
    result = IMPORTER.read("etude.xml", data, OPTIONS)
    package = result.package
    assert result.problems == []
    variables = named(package, Variable)
    assert list(variables) == [
        "SEXE",
        "ALLAIT",
        "ALLAIT_SEM",
        "Terme",
        "POIDS",
        "TAILLE",
        "IMC",
        "MEDICAMENT",
        "VOIE",
    ]
    sexe = code_labels(package, variables["SEXE"].representation.code_list.id)
    assert sexe["1"] == ({"fr": "Garçon", "en": "Boy"}, False)
    assert ("SDTM", "DM.SEX") in variables["SEXE"].user_ids
    assert named(package, QuestionItem)["SEXE"].text == {"fr": "Sexe de l'enfant", "en": "Child's sex"}

    yes_no = code_labels(package, variables["ALLAIT"].representation.code_list.id)
    assert yes_no["99"] == ({"fr": "Ne sait pas", "en": "Don't know"}, True) and yes_no["-9"][1]
    assert variables["ALLAIT"].representation.missing_values == ["99", "-9"]
    assert code_labels(package, variables["Terme"].representation.code_list.id)["Inconnu"] == (
        {"und": "Inconnu"},
        True,
    )

    weeks = variables["ALLAIT_SEM"].representation
    assert (weeks.minimum, weeks.minimum_inclusive, weeks.maximum, weeks.maximum_inclusive) == (
        "0",
        True,
        "105",
        False,
    )
    weight = variables["POIDS"].representation
    assert (weight.numeric_type, weight.decimal_positions, weight.unit) == ("Double", 2, "kg")
    assert (weight.minimum, weight.minimum_inclusive, weight.maximum) == (
        "0.3",
        False,
        "25",
    )  # IN is not a range
    assert variables["TAILLE"].representation.unit == "cm"

    routing = of_type(package, IfThenElse)[0]
    assert routing.then is None and routing.else_ is not None
    assert by_id(package)[routing.else_.id].question.id == named(package, QuestionItem)["ALLAIT_SEM"].id
    assert (routing.condition.program_language, routing.condition.description["en"]) == (
        "XPath",
        "The child is not breastfed",
    )
    imc = of_type(package, ComputationItem)[0]
    assert imc.command.text == "POIDS / (TAILLE / 100) ** 2" and imc.label["en"] == "Body mass index"
    assert "IMC" not in named(package, QuestionItem)  # no Question: a variable only
    loop = of_type(package, Loop)[0]
    assert by_id(package)[loop.body.id].name == "Traitement"

    waves = {w.name: w for w in package.waves}
    assert waves["SE.M12"].title == {"und": "Visite à 12 mois"}
    assert package.study.title == {"und": "Étude bilingue de suivi pédiatrique"}
    assert package.placement[variables["SEXE"].key] == waves["SE.INCLUSION"].id
    assert package.placement[variables["POIDS"].key] is None  # Mesures is run at both visits
    assert package.placement[variables["VOIE"].key] == waves["SE.M12"].id
    written = written_valid(package, schemas_dir).decode()
    stored = json.dumps([item_content(i) for i in package.items], ensure_ascii=False)
    for secret in ("Hortense", "hortense@example.org", "Qwertz", "SUJ-7731"):
        assert secret not in written and secret not in stored


def test_odm_20_nested_groups_grid_and_condition(fixtures_dir: Path, schemas_dir: Path) -> None:
    package = IMPORTER.read("s.xml", fixture(fixtures_dir, "etude_odm20_sommeil.xml"), OPTIONS).package
    instrument = named(package, Instrument)["Questionnaire sommeil"]
    assert instrument.label == {"und": "Questionnaire sommeil"}
    items = by_id(package)
    top = items[instrument.root.id]
    assert isinstance(top, Sequence) and len(top.children) == 2
    habits = items[top.children[0].id]
    assert habits.label == {"fr": "Habitudes de sommeil", "en": "Sleep habits"} and len(habits.children) == 3
    routing = items[top.children[1].id]
    assert (
        isinstance(routing, IfThenElse) and routing.condition.text == "../ItemData[@ItemOID='IT.QUALITE']='1'"
    )
    construct = items[routing.else_.id]
    assert isinstance(construct, QuestionConstruct)
    grid = items[construct.question.id]
    assert isinstance(grid, QuestionGrid)
    assert grid.text == {
        "fr": "Troubles du sommeil (cocher tout ce qui s'applique)",
        "en": "Sleep problems (check all that apply)",
    }
    assert code_labels(package, grid.dimensions[0].code_list.id)["2"][0] == {
        "fr": "Somnambulisme",
        "en": "Sleepwalking",
    }
    bedtime = named(package, QuestionItem)["HEURE_COUCHER"]
    assert bedtime.text == {"fr": "Heure habituelle du coucher", "en": "Usual bedtime"}
    assert named(package, Variable)["DUREE_NUIT"].representation.decimal_positions == 1
    assert package.study.abstract == {"fr": "Étude fictive sur le sommeil", "en": "Fictitious sleep study"}
    assert "20:47" not in written_valid(package, schemas_dir).decode()


def test_same_file_same_ids(fixtures_dir: Path) -> None:
    data = fixture(fixtures_dir, "etude_bilingue_odm132_latin1.xml")
    first = [(i.TYPE, i.id) for i in IMPORTER.read("e.xml", data, OPTIONS).package.items]
    assert first == [(i.TYPE, i.id) for i in IMPORTER.read("e.xml", data, OPTIONS).package.items]
    assert len({item_id for _, item_id in first}) == len(first)


# Bad inputs and recognition -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01", "not-odm"),
        (b"field_name,form_name,field_type,field_label\nx,f,text,X\n", "not-odm"),
        (b'<?xml version="1.0"?><ODM xmlns="http://www.cdisc.org/ns/odm/v9.9"/>', "not-odm"),
        (
            b'<?xml version="1.0"?><!DOCTYPE ODM [<!ENTITY e SYSTEM "http://example.org/x">]>'
            b'<ODM xmlns="http://www.cdisc.org/ns/odm/v2.0">&e;</ODM>',
            "xml-entities",
        ),
        (b'<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3"><Study OID="S"/></ODM>', "odm-structure"),
    ],
)
def test_inputs_that_are_not_odm_are_refused(data: bytes, code: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        IMPORTER.read("bad.xml", data, OPTIONS)
    assert refused.value.problems[0].code == code


def test_truncated_odm_is_refused_with_its_line(fixtures_dir: Path) -> None:
    data = fixture(fixtures_dir, "etude_odm20_sommeil.xml")
    cut = data[: data.index(b'<ItemDef OID="IT.QUALITE"') + 30]
    with pytest.raises(InvalidInput) as refused:
        IMPORTER.read("cut.xml", cut, OPTIONS)
    assert refused.value.problems[0].code == "xml-syntax"
    assert refused.value.problems[0].location.line == cut.count(b"\n") + 1


_MEASURE = """
import json, resource, sys
sys.path.insert(0, sys.argv[2])
from importers.odm import IMPORTER
from importers.registry import ImportOptions
data = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
result = IMPORTER.read("big.xml", data, ImportOptions())
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"grew_kb": after - before, "variables": result.package.counts()["Variable"]}))
"""


@pytest.mark.slow
def test_a_100_mb_odm_with_clinical_data_is_read_in_bounded_memory(
    fixtures_dir: Path, tmp_path: Path
) -> None:
    text = fixture(fixtures_dir, "etude_odm20_sommeil.xml").decode("utf-8")
    metadata = text[: text.index("<ClinicalData")]
    subject = (
        '<SubjectData SubjectKey="S-{n}"><StudyEventData StudyEventOID="SE.V8"><ItemGroupData '
        'ItemGroupOID="FO.SOMMEIL"><ItemGroupData ItemGroupOID="IG.HABITUDES"><ItemData ItemOID="IT.COUCHER">'
        '<Value>21:{m:02d}</Value></ItemData><ItemData ItemOID="IT.DUREE"><Value>9.5</Value></ItemData>'
        "</ItemGroupData></ItemGroupData></StudyEventData></SubjectData>\n"
    )
    path = tmp_path / "big.xml"
    with path.open("w", encoding="utf-8") as out:
        out.write(metadata + '<ClinicalData StudyOID="ST.SOMMEIL" MetaDataVersionOID="MDV.2">\n')
        number = 0
        while out.tell() < 100 * 1024 * 1024:
            out.write("".join(subject.format(n=number + i, m=i % 60) for i in range(2000)))
            number += 2000
        out.write("</ClinicalData>\n</ODM>\n")
    run = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(path), str(PROJECT_ROOT)],
        capture_output=True,
        text=True,
        check=True,
    )
    measured = json.loads(run.stdout)
    assert measured["variables"] == 5
    assert measured["grew_kb"] < 64 * 1024


def test_odm_is_recognised_by_content_and_redcap_xml_is_left_to_its_importer(
    samples_dir: Path, fixtures_dir: Path
) -> None:
    for name in SAMPLES:
        data = sample(samples_dir, name)
        assert IMPORTER.sniff("crf.txt", data) and not REDCAP_XML.sniff(name, data), name
    for name in ("etude_bilingue_odm132_latin1.xml", "etude_odm20_sommeil.xml"):
        assert IMPORTER.sniff("export", fixture(fixtures_dir, name))
    assert not IMPORTER.sniff(
        "p.xml", (fixtures_dir / "redcap" / "cohorte_bilingue_projet.REDCap.xml").read_bytes()
    )
    for path in sorted(samples_dir.rglob("*")):
        if path.is_file() and path.parent.name != "odm":
            assert not IMPORTER.sniff(path.name, path.read_bytes()), path.name
