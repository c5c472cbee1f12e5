"""The two demo cohorts in examples/: valid DDI-L 3.3, current with their generator, rich enough to demo."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from demo_documents import DEMO_FILES, EXAMPLES, NS, XML_LANG, parse, question_waves, texts, xsd
from lxml import etree

AGENCIES = {"elfe-demo.xml": "fr.ddicat.elfe", "epipage2-demo.xml": "fr.ddicat.epipage2"}
WAVE_NAMES = {
    "elfe-demo.xml": ["maternite", "2m", "1a", "3a5", "5a5"],
    "epipage2-demo.xml": ["neonat", "1a", "2a", "5a5"],
}
STUDY_KEYS = {
    "ddicat:dataSource",
    "ddicat:population",
    "ddicat:startYear",
    "ddicat:participants",
    "ddicat:country",
    "ddicat:design",
    "ddicat:accessUrl",
    "ddicat:license",
}


@pytest.fixture(scope="module")
def demos() -> dict[str, etree._ElementTree]:
    return {name: parse(EXAMPLES / name) for name in DEMO_FILES}


def pairs(element: etree._Element) -> dict[str, str]:
    return {
        pair.findtext("r:AttributeKey", namespaces=NS): pair.findtext("r:AttributeValue", namespaces=NS)
        for pair in element.iterfind("r:UserAttributePair", NS)
    }


@pytest.mark.parametrize("name", DEMO_FILES)
def test_demo_document_is_valid_against_the_official_xsd(schemas_dir: Path, name: str) -> None:
    schema = xsd(schemas_dir)
    document = parse(EXAMPLES / name)
    assert schema.validate(document), [f"{e.line}: {e.message}" for e in schema.error_log][:5]


def test_build_demo_is_deterministic_and_the_committed_files_are_current(tmp_path: Path) -> None:
    for run in ("first", "second"):
        result = subprocess.run(
            [sys.executable, str(EXAMPLES / "build_demo.py"), "--out", str(tmp_path / run)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
    for name in DEMO_FILES:
        first = (tmp_path / "first" / name).read_bytes()
        assert first == (tmp_path / "second" / name).read_bytes(), f"{name} differs between two runs"
        assert first == (EXAMPLES / name).read_bytes(), (
            f"examples/{name} is stale: run examples/build_demo.py"
        )


def test_build_demo_imports_only_lxml_and_the_standard_library() -> None:
    allowed = set(sys.stdlib_module_names) | {"lxml", "demo_cohorts"}
    for path in [EXAMPLES / "build_demo.py", *sorted((EXAMPLES / "demo_cohorts").rglob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                roots = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                roots = [(node.module or "").split(".")[0]]
            else:
                continue
            assert set(roots) <= allowed, f"{path.name} imports {roots}"


def test_each_cohort_has_enough_variables(demos: dict[str, etree._ElementTree]) -> None:
    counts = {name: len(doc.findall(".//l:Variable", NS)) for name, doc in demos.items()}
    assert all(count >= 150 for count in counts.values()), counts
    assert sum(counts.values()) >= 400, counts


def test_every_variable_has_a_french_and_an_english_label(demos: dict[str, etree._ElementTree]) -> None:
    for name, doc in demos.items():
        for variable in doc.iterfind(".//l:Variable", NS):
            labels = texts(variable, "r:Label/r:Content")
            assert labels.get("fr") and labels.get("en"), (name, variable.findtext("r:ID", namespaces=NS))


def test_every_question_has_french_and_english_wording(demos: dict[str, etree._ElementTree]) -> None:
    for doc in demos.values():
        for question in doc.xpath("//d:QuestionItem | //d:QuestionGrid", namespaces=NS):
            wording = texts(question, "d:QuestionText/d:LiteralText/d:Text")
            assert wording.get("fr") and wording.get("en"), question.findtext("r:ID", namespaces=NS)


def test_every_text_carries_its_language(demos: dict[str, etree._ElementTree]) -> None:
    for doc in demos.values():
        for node in doc.xpath("//r:String | //r:Content | //d:Text | //r:Subject", namespaces=NS):
            assert node.get(XML_LANG) in {"fr", "en"}, etree.tostring(node)[:120]


def test_questions_are_reused_across_waves(demos: dict[str, etree._ElementTree]) -> None:
    for name, doc in demos.items():
        shared_questions = set(doc.xpath("//g:ResourcePackage//d:QuestionItem/r:ID/text()", namespaces=NS))
        reused = {question for question, waves in question_waves(doc).items() if len(waves) >= 2}
        assert len(reused) >= 5, name
        assert reused <= shared_questions | set(
            doc.xpath("//g:ResourcePackage//d:QuestionGrid/r:ID/text()", namespaces=NS)
        ), "a question asked at several waves must live in the shared ResourcePackage"


def test_code_lists_are_shared_and_carry_missing_codes(demos: dict[str, etree._ElementTree]) -> None:
    for name, doc in demos.items():
        missing = set(doc.xpath("//l:Category[@isMissing='true']/r:ID/text()", namespaces=NS))
        labels = {
            texts(c, "r:Label/r:Content")["en"]
            for c in doc.xpath("//l:Category[@isMissing='true']", namespaces=NS)
        }
        assert {"Don't know", "Refused", "Not applicable"} <= labels, name
        for code in doc.iterfind(".//l:Code", NS):
            value = code.findtext("r:Value", namespaces=NS)
            category = code.findtext("r:CategoryReference/r:ID", namespaces=NS)
            assert (category in missing) == (value in {"-9", "-8", "99"}), (
                name,
                code.findtext("r:ID", namespaces=NS),
            )
        uses = Counter(doc.xpath("//r:CodeListReference/r:ID/text()", namespaces=NS))
        assert uses.most_common(1)[0][1] >= 50, (
            "the yes/no list should be used by many questions and variables"
        )


def test_instrument_flow_has_sections_routing_a_loop_and_a_grid(demos: dict[str, etree._ElementTree]) -> None:
    for name, doc in demos.items():
        units = doc.findall(".//s:StudyUnit", NS)
        assert len(doc.findall(".//d:Instrument", NS)) == len(units), name
        for unit in units:
            instrument = unit.find(".//d:Instrument", NS)
            top = instrument.findtext("d:ControlConstructReference/r:ID", namespaces=NS)
            sections = unit.xpath(f".//d:Sequence[r:ID='{top}']/d:ControlConstructReference", namespaces=NS)
            assert sections and all(
                s.findtext("r:TypeOfObject", namespaces=NS) == "Sequence" for s in sections
            )
        assert doc.findall(".//d:QuestionGrid/d:GridDimension", NS), name
        assert doc.findall(".//d:StatementItem/d:DisplayText", NS), name
        assert doc.findall(".//d:Loop/d:LoopWhile/r:Command", NS), name
        conditions = doc.xpath("//d:IfThenElse/d:IfCondition/r:Command", namespaces=NS)
        assert conditions and all(
            c.findtext("r:ProgramLanguage", namespaces=NS) == "ddicat-condition" for c in conditions
        )
        assert all(c.findtext("r:CommandContent", namespaces=NS) for c in conditions)


def test_a_question_allows_several_answers(demos: dict[str, etree._ElementTree]) -> None:
    for doc in demos.values():
        maxima = doc.xpath("//d:CodeDomain/r:ResponseCardinality/@maximumResponses", namespaces=NS)
        assert any(int(value) > 1 for value in maxima)


def test_representations_cover_units_ranges_text_dates_and_codes(
    demos: dict[str, etree._ElementTree],
) -> None:
    for name, doc in demos.items():
        representations = doc.findall(".//l:VariableRepresentation/*", NS)
        kinds = Counter(etree.QName(r).localname for r in representations)
        assert {
            "CodeRepresentation",
            "NumericRepresentation",
            "TextRepresentation",
            "DateTimeRepresentation",
        } <= set(kinds)
        units = set(doc.xpath("//r:NumericRepresentation/r:MeasurementUnit/text()", namespaces=NS))
        assert {"kg", "cm", "h", "wk"} & units and len(units) >= 4, (name, units)
        for numeric in doc.iterfind(".//r:NumericRepresentation", NS):
            low = numeric.findtext("r:NumberRange/r:Low", namespaces=NS)
            high = numeric.findtext("r:NumberRange/r:High", namespaces=NS)
            assert low is not None and high is not None and float(low) < float(high)


def test_some_variables_are_derived(demos: dict[str, etree._ElementTree]) -> None:
    for name, doc in demos.items():
        variables = doc.findall(".//l:Variable", NS)
        computed = [v for v in variables if v.find("r:SourceVariableReference", NS) is not None]
        from_two_questions = [v for v in variables if len(v.findall("r:QuestionReference", NS)) >= 2]
        without_question = [v for v in variables if v.find("r:QuestionReference", NS) is None]
        assert computed and without_question, name
        assert all(v.find("r:QuestionReference", NS) is None for v in computed)
        if name == "elfe-demo.xml":
            assert from_two_questions


def test_references_resolve_to_an_element_of_their_type(demos: dict[str, etree._ElementTree]) -> None:
    for name, doc in demos.items():
        identified = {
            (node.findtext("r:Agency", namespaces=NS), node.findtext("r:ID", namespaces=NS)): etree.QName(
                node
            ).localname
            for node in doc.xpath("//*[r:URN]", namespaces=NS)
        }
        references = doc.xpath("//*[r:TypeOfObject]", namespaces=NS)
        assert len(references) > 1000, name
        for reference in references:
            key = (reference.findtext("r:Agency", namespaces=NS), reference.findtext("r:ID", namespaces=NS))
            assert identified.get(key) == reference.findtext("r:TypeOfObject", namespaces=NS), (name, key)


def test_identities_are_unique_mnemonic_and_consistent(demos: dict[str, etree._ElementTree]) -> None:
    for name, doc in demos.items():
        seen: set[str] = set()
        for node in doc.xpath("//*[r:URN]", namespaces=NS):
            agency, id, version = (
                node.findtext(f"r:{part}", namespaces=NS) for part in ("Agency", "ID", "Version")
            )
            assert agency == AGENCIES[name] and version == "1"
            assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", id), id
            assert node.findtext("r:URN", namespaces=NS) == f"urn:ddi:{agency}:{id}:{version}"
            assert id not in seen, id
            seen.add(id)


def test_cohort_and_waves_carry_the_catalogue_attributes(demos: dict[str, etree._ElementTree]) -> None:
    for name, doc in demos.items():
        group = doc.find("g:Group", NS)
        attributes = pairs(group)
        assert STUDY_KEYS <= set(attributes), name
        assert attributes["ddicat:startYear"] == "2011" and attributes["ddicat:country"] == "FR"
        assert int(attributes["ddicat:participants"]) > 0
        titles = texts(group, "r:Citation/r:Title/r:String")
        assert titles["fr"] and titles["en"]
        assert "fictitious" in texts(group, "r:Abstract/r:Content")["en"]
        units = group.findall("s:StudyUnit", NS)
        assert [pairs(unit)["ddicat:waveName"] for unit in units] == WAVE_NAMES[name]
        for unit in units:
            ages = pairs(unit)
            low, high = (
                int(ages["ddicat:participantAgeMinMonths"]),
                int(ages["ddicat:participantAgeMaxMonths"]),
            )
            assert 0 <= low <= high
            assert unit.find("r:Coverage/r:TemporalCoverage/r:ReferenceDate/r:StartDate", NS) is not None
            assert (
                unit.find("d:DataCollection", NS) is not None
                and unit.find("l:LogicalProduct", NS) is not None
            )


def test_topics_are_worded_alike_in_both_cohorts(demos: dict[str, etree._ElementTree]) -> None:
    labels = [
        {texts(c, "r:Label/r:Content")["en"] for c in doc.iterfind(".//c:Concept", NS)}
        for doc in demos.values()
    ]
    assert {"Breastfeeding", "Sleep", "Language", "Health-care use", "Growth"} <= labels[0] & labels[1]


def test_french_wording_varies_its_morphology() -> None:
    words = set(re.findall(r"\w+", (EXAMPLES / "elfe-demo.xml").read_text(encoding="utf-8").lower()))
    forms = {
        "allaitement",
        "allaité",
        "allaitée",
        "allaitait",
        "hospitalisation",
        "hospitalisé",
        "hospitalisée",
        "hospitalisations",
        "sommeil",
        "dort",
        "dormez",
    }
    assert forms <= words, forms - words
