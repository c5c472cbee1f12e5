"""The reader on real public DDI-L files (../shared/samples/ddi): counts and links checked against lxml
XPath computed here, independently of the reader, and texts checked by hand."""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from lxml import etree

from catalogue.ddi.reader import ReadResult, read_ddi
from catalogue.model import CodeList, Item, QuestionGrid, QuestionItem, Ref, Variable

VALID_SAMPLES = [
    "QuestionExample.xml",
    "RepresentationExamples.xml",
    "RepresentedVariableExample.xml",
    "archivist_fragment_instance_3_2.xml",
    "insee_colectica_physicalInstance.xml",
    "insee_eno_ddi-l20g2ba7.xml",
    "insee_eno_ddi-llxh9g6g.xml",
    "insee_eno_ddi-loops-sequence.xml",
    "insee_eno_ddi-mcq.xml",
    "insee_eno_ddi33_m5o3qhu0.xml",
    "statcan_colectica_Quality_of_Life.xml",
    "team_cohort_minimal_3_3.xml",
]
COUNTED = {  # DDI element (and catalogue type) → its module
    "QuestionItem": "datacollection",
    "QuestionGrid": "datacollection",
    "Variable": "logicalproduct",
    "CodeList": "logicalproduct",
    "Code": "logicalproduct",
    "Category": "logicalproduct",
    "Concept": "conceptualcomponent",
}


@cache
def read(samples_dir: Path, name: str) -> ReadResult:
    return read_ddi(samples_dir / "ddi" / name)


@cache
def tree(samples_dir: Path, name: str) -> etree._ElementTree:
    return etree.parse(
        str(samples_dir / "ddi" / name), etree.XMLParser(resolve_entities=False, no_network=True)
    )


def minor(document: etree._ElementTree) -> str:
    return etree.QName(document.getroot()).namespace.rsplit("_", 1)[1]


def target_id(reference: etree._Element) -> str:
    """The ID a reference names: r:ID, else the ID part of its canonical URN."""
    ids = reference.xpath("./*[local-name()='ID']/text()")
    if ids:
        return str(ids[0]).strip()
    urn = str(reference.xpath("./*[local-name()='URN']/text()")[0]).strip()
    return urn.split(":")[3]


def own_id(element: etree._Element) -> str:
    return target_id(element)


def by_id(result: ReadResult) -> dict[str, Item]:
    return {item.id: item for item in result.package.items}


@pytest.mark.parametrize("name", VALID_SAMPLES)
def test_counts_match_an_xpath_count(name: str, samples_dir: Path) -> None:
    document = tree(samples_dir, name)
    n = minor(document)
    expected = {
        element: sum(1 for _ in document.iter(f"{{ddi:{module}:3_{n}}}{element}"))
        for element, module in COUNTED.items()
    }
    counts = read(samples_dir, name).package.counts()
    assert {element: counts.get(element, 0) for element in COUNTED} == expected


@pytest.mark.parametrize("name", VALID_SAMPLES)
def test_variables_point_at_the_questions_the_xml_names(name: str, samples_dir: Path) -> None:
    document = tree(samples_dir, name)
    variables = document.xpath("//*[local-name()='Variable' and contains(namespace-uri(), 'logicalproduct')]")
    expected = {
        own_id(v): [target_id(r) for r in v.xpath("./*[local-name()='QuestionReference']")] for v in variables
    }
    items = by_id(read(samples_dir, name))
    assert {ddi_id: [q.id for q in items[ddi_id].questions] for ddi_id in expected} == expected  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", VALID_SAMPLES)
def test_questions_point_at_the_code_lists_the_xml_names(name: str, samples_dir: Path) -> None:
    document = tree(samples_dir, name)
    questions = document.xpath(
        "//*[local-name()='QuestionItem' and contains(namespace-uri(), 'datacollection')]"
    )
    expected = {
        own_id(q): [
            target_id(r)
            for r in q.xpath(
                "./*[local-name()='CodeDomain']/*[local-name()='CodeListReference']"
                " | ./*[local-name()='StructuredMixedResponseDomain']/*/*[local-name()='CodeDomain']"
                "/*[local-name()='CodeListReference']"
            )
        ]
        for q in questions
    }
    items = by_id(read(samples_dir, name))
    found = {
        ddi_id: [r.code_list.id for r in items[ddi_id].responses if r.code_list]  # type: ignore[attr-defined]
        for ddi_id in expected
    }
    assert found == expected


@pytest.mark.parametrize("name", VALID_SAMPLES)
def test_every_problem_is_a_located_warning(name: str, samples_dir: Path) -> None:
    result = read(samples_dir, name)
    assert all(p.severity == "warning" and p.location.file == name for p in result.problems)
    assert not [p for p in result.problems if p.code in ("unreadable", "unidentified", "deviation")]
    assert len([p for p in result.problems if p.code == "skipped-elements"]) <= 1


def test_insee_pagination_questionnaire(samples_dir: Path) -> None:
    result = read(samples_dir, "insee_eno_ddi-llxh9g6g.xml")
    counts = result.package.counts()
    assert (counts["QuestionItem"], counts["QuestionGrid"], counts["Variable"]) == (
        191,
        20,
        423,
    )  # samples/README
    items = by_id(result)
    variable = items["krm7ey4p"]
    assert isinstance(variable, Variable) and variable.representation is not None
    assert (variable.name, variable.label) == ("CADR", {"fr-FR": "CADR label"})
    question = items[variable.questions[0].id]
    assert isinstance(question, QuestionItem) and question.name == "CADR"
    # VTL kept as written, with INSEE's ¤…¤ references
    assert question.text == {
        "fr-FR": '"Confirmez-vous que vous habitez toujours à l\'adresse suivante : " '
        '|| ¤kcoks7di-GOP¤ || " ?"'
    }
    (domain,) = question.responses
    assert (
        domain.code_list == variable.representation.code_list == Ref("fr.insee", "kb9ht98f", "1", "CodeList")
    )
    assert domain.max_responses == 1
    code_list = items["kb9ht98f"]
    assert isinstance(code_list, CodeList) and code_list.label == {"fr-FR": "L_CADR"}
    labels = tree(samples_dir, "insee_eno_ddi-llxh9g6g.xml").xpath(
        "//*[local-name()='CodeList'][*[local-name()='ID']='kb9ht98f']/*[local-name()='Code']"
        "/*[local-name()='CategoryReference']/*[local-name()='ID']/text()"
    )
    assert [c.category.id for c in code_list.codes if c.category] == [str(x) for x in labels]
    street = items["kbakywwy"]
    assert isinstance(street, QuestionItem)
    assert street.text == {"fr-FR": "Numéro de voie :"}
    assert street.instruction == {"fr-FR": "En précisant bis, ter si besoin. Par exemple : 12 bis."}
    study = result.package.study
    assert study is not None and study.element == "StudyUnit"
    (wave,) = result.package.waves
    assert wave.instruments == [Ref("fr.insee", "Instrument-llxh9g6g", "1", "Instrument")]


def test_insee_test_questionnaire_texts_domains_and_instructions(samples_dir: Path) -> None:
    items = by_id(read(samples_dir, "insee_eno_ddi-l20g2ba7.xml"))
    decimal = items["jfjhb2pz"]
    assert isinstance(decimal, QuestionItem)
    assert decimal.text == {"fr-FR": '"Numérique décimal sans unité (entre 0 et 1000.00)"'}
    (numeric,) = decimal.responses
    assert (numeric.numeric_type, numeric.minimum, numeric.maximum, numeric.decimal_positions) == (
        "Decimal",
        "0",
        "1000",
        2,
    )
    assert decimal.instruction["fr-FR"].splitlines() == [
        '"Controle par rapport à question 3 dont la valeur est :" || cast(¤jfjh1ndk-QOP-jfjhmav1¤,string)',
        '"Test :  saisir un nombre plus grand que celui de la question 3 et vérifier affichage du controle"',
    ]
    date = items["jfjfckyw"]
    assert isinstance(date, QuestionItem)
    assert [(r.kind, r.date_type, r.format, r.minimum, r.maximum) for r in date.responses] == [
        ("datetime", "date", "YYYY-MM-DD", "2000-01-01", "2020-03-31")
    ]
    radio = items["l8ubg466"]
    assert isinstance(radio, Variable)
    assert [q.id for q in radio.questions] == ["jfjepz6i"]


def test_insee_multiple_choice_grids(samples_dir: Path) -> None:
    items = by_id(read(samples_dir, "insee_eno_ddi-mcq.xml"))
    grid = items["lo5vms0u"]
    assert isinstance(grid, QuestionGrid)
    assert grid.text == {"fr-FR": '"Multiple choice question - Table - Radio buttons"'}
    assert grid.dimensions[0].rank == 1 and grid.dimensions[0].code_list is not None
    variable = items["lo5w0299"]
    assert isinstance(variable, Variable)
    assert variable.label == {"fr-FR": 'c1 - "Code 1"'}
    assert variable.questions == [Ref("fr.insee", "lo5vms0u", "1", "QuestionGrid")]


def test_statcan_group_fragments(samples_dir: Path) -> None:
    result = read(samples_dir, "statcan_colectica_Quality_of_Life.xml")
    study = result.package.study
    assert study is not None and study.element == "Group"
    assert study.title == {"en-CA": "Quality of Life", "fr-CA": "Qualité de vie"}
    (wave,) = result.package.waves
    assert wave.title["fr-CA"] == "Enquête sur la qualité de vie PMV - Enquête sociale canadienne"
    assert (wave.start_date, wave.end_date) == ("2024-01-26", "2024-03-10")
    items = by_id(result)
    birth = items["e456b9c6-3d56-466c-b2fe-8f37b31ffefe"]
    assert isinstance(birth, QuestionItem)
    # one QuestionText per language, told apart by audienceLanguage
    assert birth.text == {
        "en-CA": "What is DTYOUR2 date of birth?",
        "fr-CA": "Quelle est DTYOUR2 date de naissance?",
    }
    variable = items["0a3fc451-0d0d-4fed-8677-f835f4065971"]
    assert isinstance(variable, Variable)
    assert variable.label == {"en-CA": "Date of birth? (Year)", "fr-CA": "Date de naissance? (Année)"}
    assert [q.id for q in variable.questions] == [birth.id]
    placed = Counter(result.package.placement.values())
    assert placed[wave.id] > placed[None] > 0


def test_ddi_alliance_examples(samples_dir: Path) -> None:
    questions = by_id(read(samples_dir, "QuestionExample.xml"))
    first = questions["PISA_QS.QI_1"]  # scopeOfUniqueness="Maintainable" URN
    assert isinstance(first, QuestionItem)
    assert first.text == {"und": "What is the extract from the play about? The duchess thinks of a trick"}
    code_list = questions["PISA_CL_1"]
    assert isinstance(code_list, CodeList)
    assert [c.value for c in code_list.codes] == ["A", "B", "C", "D"]
    category = questions["CS_PISA_1.Cat_1"]
    assert (category.name, category.label) == (
        "Attract Prince",
        {"en-us": "to get the Prince to come and see her more often."},
    )
    xhtml = questions["PISA_QS.QI_2"]
    assert isinstance(xhtml, QuestionItem)
    assert xhtml.text["und"].endswith(
        "theatre technicians to follow. B. How can these directions be recognized in the script?"
    )
    assert [(r.kind, r.max_length) for r in xhtml.responses] == [("text", 250)]  # ManagedTextRepresentation
    representations = by_id(read(samples_dir, "RepresentationExamples.xml"))
    nominal = representations["QGNomDel_1"]
    assert isinstance(nominal, QuestionGrid)
    assert [(r.kind, r.regex) for r in nominal.responses] == [("other", "[Xx]")]
    variables = read(samples_dir, "RepresentedVariableExample.xml")
    teen = by_id(variables)["Var_Age_13_19"]
    assert isinstance(teen, Variable) and teen.representation is not None
    assert (teen.representation.minimum, teen.representation.maximum, teen.representation.unit) == (
        "13",
        "19",
        "Years",
    )
    assert any(p.code == "external-representation" for p in variables.problems)
    # a representation DDI-L has no words for in the catalogue model is left out, and said so
    adult = by_id(variables)["Var_Age"]
    assert isinstance(adult, Variable) and adult.representation is None
    assert any(p.code == "unknown-representation" for p in variables.problems)
    geography = by_id(read(samples_dir, "RepresentationExamples.xml"))["VarGeoLoc"]
    assert isinstance(geography, Variable) and geography.representation is None


def test_archivist_fragment_32(samples_dir: Path) -> None:
    result = read(samples_dir, "archivist_fragment_instance_3_2.xml")
    assert result.package.ddi_version == "3.2"
    items = by_id(result)
    question = items["bcs_86_mo-qi-026543"]
    assert isinstance(question, QuestionItem)
    assert question.text == {
        "en-GB": "Write down one way in which the advertisement limits the type of people "
        "who would apply for the flat."
    }
    assert [r.kind for r in question.responses] == ["code", "datetime", "numeric", "text"]
    code, _date, number, text = question.responses
    assert (code.min_responses, code.max_responses) == (1, 2)
    assert (number.minimum, number.minimum_inclusive, number.label) == ("0", False, {"en-GB": "How many"})
    assert (text.min_length, text.max_length) == (0, 200)
    assert question.instruction == {"en-GB": "This is the interview instruction"}
    assert items["bcs_86_mo-ca-248370"].label == {"en-GB": "Yes uxx"}


def test_team_minimal_cohort(samples_dir: Path) -> None:
    result = read(samples_dir, "team_cohort_minimal_3_3.xml")
    assert [w.name for w in result.package.waves] == ["sweep-1-age-11", "sweep-2-age-14"]
    placement = {key.id: wave for key, wave in result.package.placement.items()}
    assert placement["var-w1-smoke"] == "su-w1" and placement["var-w2-smoke"] == "su-w2"
    assert placement["qi-smoke"] is None  # asked in sweep 1, used by a sweep 2 variable
    assert placement["cl-yesno"] is None


def test_invalid_alliance_example_is_still_read(samples_dir: Path) -> None:
    result = read_ddi(samples_dir / "ddi" / "Example_QuestionnaireDevelopment.xml", lenient=True)
    assert result.package.counts() == {"QuestionItem": 1}
