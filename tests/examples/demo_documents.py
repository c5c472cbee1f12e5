"""Shared by the demo tests: where the demo files are, the DDI namespaces, and small XPath helpers."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

PROJECT = Path(__file__).resolve().parents[2]
EXAMPLES = PROJECT / "examples"
BENCHMARKS = PROJECT / "benchmarks"
DEMO_FILES = ("elfe-demo.xml", "epipage2-demo.xml")
NS = {
    "ddi": "ddi:instance:3_3",
    "r": "ddi:reusable:3_3",
    "g": "ddi:group:3_3",
    "s": "ddi:studyunit:3_3",
    "c": "ddi:conceptualcomponent:3_3",
    "d": "ddi:datacollection:3_3",
    "l": "ddi:logicalproduct:3_3",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def parse(path: Path) -> etree._ElementTree:
    """Parse as the catalogue does: no network, no entities, large files allowed."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    return etree.parse(str(path), parser)


def xsd(schemas_dir: Path) -> etree.XMLSchema:
    """The official DDI-L 3.3 schema, compiled from the instance module that imports all others."""
    return etree.XMLSchema(parse(schemas_dir / "3.3" / "instance.xsd"))


def texts(element: etree._Element, path: str) -> dict[str, str]:
    """The texts under `path`, by xml:lang."""
    return {node.get(XML_LANG, ""): node.text or "" for node in element.iterfind(path, NS)}


def wave_of_variable(doc: etree._ElementTree) -> dict[str, str]:
    """Variable ID → ID of the StudyUnit (wave) holding it."""
    return {
        variable.findtext("r:ID", namespaces=NS): unit.findtext("r:ID", namespaces=NS)
        for unit in doc.iterfind(".//s:StudyUnit", NS)
        for variable in unit.iterfind(".//l:Variable", NS)
    }


def question_waves(doc: etree._ElementTree) -> dict[str, set[str]]:
    """Question ID → the StudyUnits whose variables reference it."""
    waves: dict[str, set[str]] = {}
    for unit in doc.iterfind(".//s:StudyUnit", NS):
        unit_id = unit.findtext("r:ID", namespaces=NS)
        for question_id in unit.xpath(".//l:Variable/r:QuestionReference/r:ID/text()", namespaces=NS):
            waves.setdefault(str(question_id), set()).add(unit_id)
    return waves
