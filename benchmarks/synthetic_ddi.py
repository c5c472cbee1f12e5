"""Write a large synthetic DDI-L 3.3 cohort document for import and search benchmarks.

    python benchmarks/synthetic_ddi.py --variables 100000 -o benchmarks/out/synthetic-100k.xml [--seed 1]

N variables spread over 10 waves, bilingual (fr/en) labels and question texts drawn from a vocabulary with
varied French inflections, about 70% of questions reused across waves, shared code lists with missing
codes, numeric (with units), text and date representations. Streams with `lxml.etree.xmlfile`: items are
copied from prototypes and written one at a time, so memory stays flat whatever N (a few bytes per question
for the wave plan). lxml and the standard library only; the output is identical for the same arguments.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from copy import deepcopy
from pathlib import Path

from lxml import etree
from synthetic_bank import (
    CATEGORIES,
    CODE_LISTS,
    DATE_TYPES,
    FORMATS,
    NUMERIC_FORMATS,
    TEXT_LENGTHS,
    TOPICS,
    WAVES,
    Bank,
    texts,
)

AGENCY = "fr.ddicat.synthetic"
PREFIX = "syn"
SECTION_SIZE = 50
DEFAULT_OUT = Path(__file__).resolve().parent / "out"

NS = {
    None: "ddi:instance:3_3",
    "r": "ddi:reusable:3_3",
    "g": "ddi:group:3_3",
    "s": "ddi:studyunit:3_3",
    "c": "ddi:conceptualcomponent:3_3",
    "d": "ddi:datacollection:3_3",
    "l": "ddi:logicalproduct:3_3",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
Element = etree._Element


def q_tag(qualified: str) -> str:
    """Clark notation for `prefix:Local`, the form lxml names elements by."""
    prefix, _, local = qualified.rpartition(":")
    return f"{{{NS[prefix or None]}}}{local}"


def sub(
    parent: Element, qualified: str, text: str | None = None, attrib: dict[str, str] | None = None
) -> Element:
    """Append a child with optional text and attributes."""
    element = etree.SubElement(parent, q_tag(qualified), attrib or {})
    element.text = text
    return element


def new(qualified: str, *prefixes: str) -> Element:
    """A detached element declaring only the prefixes it uses (each written item redeclares them)."""
    return etree.Element(q_tag(qualified), nsmap={p: NS[p] for p in prefixes})


def identity(parent: Element, id: str, urn: str | None = None) -> None:
    """URN then Agency/ID/Version, as every identified DDI object starts."""
    sub(parent, "r:URN", urn or f"urn:ddi:{AGENCY}:{id}:1")
    sub(parent, "r:Agency", AGENCY)
    sub(parent, "r:ID", id)
    sub(parent, "r:Version", "1")


def ref(parent: Element, qualified: str, id: str, type_of_object: str) -> None:
    """A reference by Agency/ID/Version with its mandatory TypeOfObject."""
    element = sub(parent, qualified)
    sub(element, "r:Agency", AGENCY)
    sub(element, "r:ID", id)
    sub(element, "r:Version", "1")
    sub(element, "r:TypeOfObject", type_of_object)


def bilingual(parent: Element, qualified: str, fr: str, en: str, inner: str = "r:Content") -> Element:
    """A label, title or name carrying its French and English texts."""
    element = sub(parent, qualified)
    sub(element, inner, fr, {XML_LANG: "fr"})
    sub(element, inner, en, {XML_LANG: "en"})
    return element


class Prototype:
    """An element built once with `{slot}` texts, then copied and filled per item: 4x faster than building."""

    def __init__(self, element: Element) -> None:
        self.element = element
        self.slots = [
            (i, e.text[1:-1])
            for i, e in enumerate(element.iter())
            if e.text and e.text.startswith("{") and e.text.endswith("}")
        ]

    def fill(self, values: dict[str, str]) -> Element:
        """A copy with every slot set from `values`; the URN is derived from `id`."""
        values = {**values, "urn": f"urn:ddi:{AGENCY}:{values['id']}:1"}
        element = deepcopy(self.element)
        nodes = list(element.iter())
        for position, slot in self.slots:
            nodes[position].text = values[slot]
        return element


def response_domain(parent: Element, fmt: tuple[str, int]) -> None:
    """The question side of a format: code, numeric, text or date domain."""
    kind, i = fmt
    if kind == "code":
        ref(sub(parent, "d:CodeDomain"), "r:CodeListReference", f"{PREFIX}-cl-{CODE_LISTS[i][0]}", "CodeList")
    elif kind == "numeric":
        numeric(sub(parent, "d:NumericDomain", attrib=_decimals(i)), i)
    elif kind == "text":
        sub(parent, "d:TextDomain", attrib={"maxLength": str(TEXT_LENGTHS[i])})
    else:
        sub(sub(parent, "d:DateTimeDomain"), "r:DateTypeCode", DATE_TYPES[i])


def representation(parent: Element, fmt: tuple[str, int]) -> None:
    """The variable side of the same format, numeric ones declaring -9 and -8 as missing."""
    kind, i = fmt
    if kind == "code":
        ref(
            sub(parent, "r:CodeRepresentation"),
            "r:CodeListReference",
            f"{PREFIX}-cl-{CODE_LISTS[i][0]}",
            "CodeList",
        )
    elif kind == "numeric":
        numeric(sub(parent, "r:NumericRepresentation", attrib={**_decimals(i), "missingValue": "-9 -8"}), i)
    elif kind == "text":
        sub(parent, "r:TextRepresentation", attrib={"maxLength": str(TEXT_LENGTHS[i])})
    else:
        sub(sub(parent, "r:DateTimeRepresentation"), "r:DateTypeCode", DATE_TYPES[i])


def _decimals(i: int) -> dict[str, str]:
    return {"decimalPositions": str(NUMERIC_FORMATS[i][3])} if NUMERIC_FORMATS[i][3] else {}


def numeric(element: Element, i: int) -> None:
    """Unit, range and number type, in the order the XSD requires."""
    unit, low, high, decimals = NUMERIC_FORMATS[i]
    if unit:
        sub(element, "r:MeasurementUnit", unit, {"controlledVocabularyName": "UCUM"})
    number_range = sub(element, "r:NumberRange")
    sub(number_range, "r:Low", low, {"isInclusive": "true"})
    sub(number_range, "r:High", high, {"isInclusive": "true"})
    sub(element, "r:NumericTypeCode", "Decimal" if decimals else "Integer")


def question_prototype(fmt: tuple[str, int]) -> Prototype:
    """A QuestionItem of one response format, texts and identity left as slots."""
    item = new("d:QuestionItem", "r", "d")
    identity(item, "{id}", "{urn}")
    sub(sub(item, "d:QuestionItemName"), "r:String", "{name}", {XML_LANG: "fr"})
    bilingual(item, "r:Label", "{label_fr}", "{label_en}")
    for lang in ("fr", "en"):
        text = sub(item, "d:QuestionText", attrib={"audienceLanguage": lang})
        sub(sub(text, "d:LiteralText"), "d:Text", f"{{text_{lang}}}", {XML_LANG: lang})
    response_domain(item, fmt)
    ref(item, "r:ConceptReference", "{concept}", "Concept")
    return Prototype(item)


def variable_prototype(fmt: tuple[str, int]) -> Prototype:
    """A Variable of one format, pointing at its question and topic concept."""
    variable = new("l:Variable", "r", "l")
    identity(variable, "{id}", "{urn}")
    sub(sub(variable, "l:VariableName"), "r:String", "{name}", {XML_LANG: "fr"})
    bilingual(variable, "r:Label", "{label_fr}", "{label_en}")
    ref(variable, "r:ConceptReference", "{concept}", "Concept")
    ref(variable, "r:QuestionReference", "{question}", "QuestionItem")
    representation(sub(variable, "l:VariableRepresentation"), fmt)
    return Prototype(variable)


def construct_prototype() -> Prototype:
    """The use of a question in a wave's flow."""
    construct = new("d:QuestionConstruct", "r", "d")
    identity(construct, "{id}", "{urn}")
    sub(sub(construct, "d:ConstructName"), "r:String", "{name}", {XML_LANG: "fr"})
    ref(construct, "r:QuestionReference", "{question}", "QuestionItem")
    return Prototype(construct)


AGES_MONTHS = (0, 2, 12, 24, 42, 66, 96, 132, 168, 216)
STUDY_ATTRIBUTES = (
    ("ddicat:dataSource", "questionnaire"),
    ("ddicat:population", "Synthetic children and their parents, generated for benchmarks"),
    ("ddicat:startYear", "2000"),
    ("ddicat:participants", "10000"),
    ("ddicat:country", "FR"),
    ("ddicat:design", "synthetic benchmark cohort"),
    ("ddicat:license", "https://creativecommons.org/licenses/by/4.0/"),
)


def wave_handle(wave: int) -> str:
    """What users type to name a wave: v01 … v10."""
    return f"v{wave + 1:02d}"


def citation(fr: str, en: str) -> Element:
    """A citation with a bilingual title."""
    element = new("r:Citation", "r")
    bilingual(element, "r:Title", fr, en, inner="r:String")
    return element


def structured(qualified: str, fr: str, en: str) -> Element:
    """An abstract or purpose: r:Content per language."""
    element = new(qualified, "r")
    sub(element, "r:Content", fr, {XML_LANG: "fr"})
    sub(element, "r:Content", en, {XML_LANG: "en"})
    return element


def sequence(id: str, label: tuple[str, str], children: list[tuple[str, str]]) -> Element:
    """A Sequence referencing (id, TypeOfObject) children in order."""
    element = new("d:Sequence", "r", "d")
    identity(element, id)
    bilingual(element, "r:Label", *label)
    for child_id, child_type in children:
        ref(element, "d:ControlConstructReference", child_id, child_type)
    return element


def concept_scheme() -> Element:
    """One concept per topic, referenced by questions and variables."""
    scheme = new("c:ConceptScheme", "r", "c")
    identity(scheme, f"{PREFIX}-cs-topics")
    for key, fr, en, _ in TOPICS:
        concept = sub(scheme, "c:Concept")
        identity(concept, f"{PREFIX}-con-{key}")
        bilingual(concept, "r:Label", fr, en)
    return scheme


def category_scheme() -> Element:
    """The shared categories, missing ones flagged isMissing."""
    scheme = new("l:CategoryScheme", "r", "l")
    identity(scheme, f"{PREFIX}-cats-shared")
    for key, (fr, en, missing) in CATEGORIES.items():
        category = sub(scheme, "l:Category", attrib={"isMissing": "true"} if missing else {})
        identity(category, f"{PREFIX}-cat-{key}")
        bilingual(category, "r:Label", fr, en)
    return scheme


def code_list_scheme() -> Element:
    """The shared code lists, each ending with its missing codes."""
    scheme = new("l:CodeListScheme", "r", "l")
    identity(scheme, f"{PREFIX}-cls-shared")
    for key, codes in CODE_LISTS:
        code_list = sub(scheme, "l:CodeList")
        identity(code_list, f"{PREFIX}-cl-{key}")
        for value, category in codes:
            code = sub(code_list, "l:Code")
            identity(code, f"{PREFIX}-cl-{key}-{value.replace('-', 'm')}")
            ref(code, "r:CategoryReference", f"{PREFIX}-cat-{category}", "Category")
            sub(code, "r:Value", value)
    return scheme


class CohortWriter:
    """Streams one cohort: the structure through xmlfile contexts, the many items copied from prototypes."""

    def __init__(self, xf: etree.xmlfile, bank: Bank) -> None:
        self.xf = xf
        self.bank = bank
        formats = sorted(set(FORMATS))
        self.question_prototypes = {fmt: question_prototype(fmt) for fmt in formats}
        self.variable_prototypes = {fmt: variable_prototype(fmt) for fmt in formats}
        self.construct_prototype = construct_prototype()
        self.variables = 0

    def write(self) -> None:
        """The whole document: the cohort Group with its waves, then the shared ResourcePackage."""
        with self.maintainable("DDIInstance", f"{PREFIX}-ddi-instance", nsmap=NS):
            self.item(citation("Cohorte synthétique de démonstration", "Synthetic benchmark cohort"))
            with self.maintainable("g:Group", f"{PREFIX}-cohort", STUDY_ATTRIBUTES, time="T2", panel="P1"):
                self.item(citation("Cohorte synthétique de démonstration", "Synthetic benchmark cohort"))
                self.item(
                    structured(
                        "r:Abstract",
                        "Cohorte générée pour mesurer l'import et la recherche.",
                        "Cohort generated to measure import and search.",
                    )
                )
                for wave in range(WAVES):
                    self.study_unit(wave)
            with self.maintainable("g:ResourcePackage", f"{PREFIX}-rp-shared"):
                self.item(concept_scheme())
                with self.maintainable("d:QuestionScheme", f"{PREFIX}-qs-shared"):
                    for index in range(len(self.bank)):
                        if self.bank.home(index) is None:
                            self.item(self.question(index))
                self.item(category_scheme())
                self.item(code_list_scheme())

    def study_unit(self, wave: int) -> None:
        """One wave: its own questions, its flow and instrument, then its variables."""
        handle, age = wave_handle(wave), AGES_MONTHS[wave]
        pairs = (
            ("ddicat:waveName", handle),
            ("ddicat:participantAgeMinMonths", str(age)),
            ("ddicat:participantAgeMaxMonths", str(age + 1)),
        )
        with self.maintainable("s:StudyUnit", f"{PREFIX}-su-{handle}", pairs):
            self.item(citation(f"Vague {wave + 1} ({age} mois)", f"Wave {wave + 1} ({age} months)"))
            with self.maintainable("d:DataCollection", f"{PREFIX}-dc-{handle}"):
                with self.maintainable("d:QuestionScheme", f"{PREFIX}-qs-{handle}"):
                    for index in self.bank.asked_at(wave):
                        if self.bank.home(index) == wave:
                            self.item(self.question(index))
                with self.maintainable("d:ControlConstructScheme", f"{PREFIX}-ccs-{handle}"):
                    self.flow(wave, handle)
                with self.maintainable("d:InstrumentScheme", f"{PREFIX}-is-{handle}"):
                    instrument = new("d:Instrument", "r", "d")
                    identity(instrument, f"{PREFIX}-instr-{handle}")
                    bilingual(
                        instrument,
                        "d:InstrumentName",
                        f"Questionnaire vague {wave + 1}",
                        f"Wave {wave + 1} questionnaire",
                        inner="r:String",
                    )
                    ref(instrument, "d:ControlConstructReference", f"{PREFIX}-seq-{handle}", "Sequence")
                    self.item(instrument)
            with self.maintainable("l:LogicalProduct", f"{PREFIX}-lp-{handle}"):
                with self.maintainable("l:VariableScheme", f"{PREFIX}-vs-{handle}"):
                    for index in self.bank.asked_at(wave):
                        self.item(self.variable(wave, handle, index))

    def flow(self, wave: int, handle: str) -> None:
        """Question constructs in sections of SECTION_SIZE, under one top Sequence opened by a statement."""
        statement = new("d:StatementItem", "r", "d")
        identity(statement, f"{PREFIX}-st-{handle}")
        for lang, text in (
            ("fr", f"Questionnaire de la vague {wave + 1}."),
            ("en", f"Wave {wave + 1} questionnaire."),
        ):
            display = sub(statement, "d:DisplayText", attrib={"audienceLanguage": lang})
            sub(sub(display, "d:LiteralText"), "d:Text", text, {XML_LANG: lang})
        self.item(statement)
        sections: list[tuple[str, str]] = []
        pending: list[tuple[str, str]] = []
        for index in self.bank.asked_at(wave):
            construct_id = f"{PREFIX}-qc-{handle}-{index:07d}"
            self.item(
                self.construct_prototype.fill(
                    {"id": construct_id, "name": f"q{index:07d}", "question": f"{PREFIX}-qi-{index:07d}"}
                )
            )
            pending.append((construct_id, "QuestionConstruct"))
            if len(pending) == SECTION_SIZE:
                sections.append(self.section(handle, len(sections), pending))
                pending = []
        if pending:
            sections.append(self.section(handle, len(sections), pending))
        top = [(f"{PREFIX}-st-{handle}", "StatementItem"), *sections]
        self.item(sequence(f"{PREFIX}-seq-{handle}", (f"Vague {wave + 1}", f"Wave {wave + 1}"), top))

    def section(self, handle: str, number: int, children: list[tuple[str, str]]) -> tuple[str, str]:
        section_id = f"{PREFIX}-seq-{handle}-s{number:04d}"
        self.item(sequence(section_id, (f"Section {number + 1}", f"Section {number + 1}"), children))
        return section_id, "Sequence"

    def question(self, index: int) -> Element:
        q = self.bank.question(index)
        values = texts(q)
        values.update(
            id=f"{PREFIX}-qi-{index:07d}", name=f"q{index:07d}", concept=f"{PREFIX}-con-{TOPICS[q.topic][0]}"
        )
        return self.question_prototypes[q.format].fill(values)

    def variable(self, wave: int, handle: str, index: int) -> Element:
        q = self.bank.question(index)
        words = texts(q)
        topic = TOPICS[q.topic][0]
        self.variables += 1
        return self.variable_prototypes[q.format].fill(
            {
                "id": f"{PREFIX}-v-{handle}-{index:07d}",
                "name": f"{handle}_{topic}_{index:07d}",
                "label_fr": f"{words['label_fr']} – vague {wave + 1}",
                "label_en": f"{words['label_en']} – wave {wave + 1}",
                "concept": f"{PREFIX}-con-{topic}",
                "question": f"{PREFIX}-qi-{index:07d}",
            }
        )

    def item(self, element: Element) -> None:
        """Write one finished element on its own line."""
        self.xf.write("\n")
        self.xf.write(element)

    def leaf(self, qualified: str, text: str) -> None:
        with self.xf.element(q_tag(qualified)):
            self.xf.write(text)

    @contextmanager
    def maintainable(
        self,
        qualified: str,
        id: str,
        pairs: tuple[tuple[str, str], ...] = (),
        nsmap: dict[str | None, str] | None = None,
        **attributes: str,
    ) -> Iterator[None]:
        """Open a scheme or study element and write its identity and user attributes first."""
        if nsmap is None:
            self.xf.write("\n")
        with self.xf.element(q_tag(qualified), attributes, nsmap=nsmap):
            for name, value in (
                ("r:URN", f"urn:ddi:{AGENCY}:{id}:1"),
                ("r:Agency", AGENCY),
                ("r:ID", id),
                ("r:Version", "1"),
            ):
                self.xf.write("\n")
                self.leaf(name, value)
            for key, value in pairs:
                self.xf.write("\n")
                with self.xf.element(q_tag("r:UserAttributePair")):
                    self.leaf("r:AttributeKey", key)
                    self.leaf("r:AttributeValue", value)
            yield
            self.xf.write("\n")


def generate(path: Path, variables: int, seed: int) -> int:
    """Write the document; returns the number of variables written."""
    bank = Bank(variables, seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as out, etree.xmlfile(out, encoding="UTF-8") as xf:
        xf.write_declaration()
        writer = CohortWriter(xf, bank)
        writer.write()
    return writer.variables


def main(argv: list[str] | None = None) -> int:
    """Command line: how many variables, where, which seed; prints time and size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variables", type=int, default=10_000, help="number of variables (default 10000)")
    parser.add_argument(
        "-o", "--output", type=Path, help="output file (default: benchmarks/out/synthetic-N.xml)"
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of every draw (default 1)")
    args = parser.parse_args(argv)
    if args.variables < 1:
        parser.error("--variables must be at least 1")
    path = args.output or DEFAULT_OUT / f"synthetic-{args.variables}.xml"
    started = time.perf_counter()
    written = generate(path, args.variables, args.seed)
    elapsed = time.perf_counter() - started
    print(f"{path}: {written:,} variables, {path.stat().st_size / 1e6:.1f} MB in {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
