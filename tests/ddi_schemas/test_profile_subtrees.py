"""The profile's subtree road (containers opened, everything else walked whole) reaches exactly the verdict
of the element road (a Python call per element), however the document is cut; it goes back to the
element road when an identity is defined twice (only then are content digests needed)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from ddi_schemas.check import check
from ddi_schemas.compiled import SchemaSet
from ddi_schemas.document import open_document
from ddi_schemas.profile import Known, ProfileChecker, ProfileReport, profile
from ddi_schemas.stream import Source, stream

FIXTURES = (
    "cohort_3_3.xml",
    "cohort_two_waves_3_3.xml",
    "cohort_variables_3_1.xml",
    "fragments_3_3.xml",
    "lenient_3_3.xml",
    "profile_fragments_3_3.xml",
    "profile_urns_3_3.xml",
    "single_wave_3_1.xml",
    "single_wave_3_2.xml",
)
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def element_road(
    source: Source, schemas: SchemaSet, *, known: Known | None = None, strict: bool = False,
    validate: bool = False,
) -> ProfileReport:
    """The profile as it was first written: `start`/`end` for every element (and the XSD beside it)."""
    document, prolog = open_document(source)
    checker = ProfileChecker(document, schemas.vocabulary(document.version), known=known, strict=strict)
    schema = schemas.validator(document.version) if validate else None
    stream(source, file=document.file_name, prolog=prolog, schema=schema, handler=checker,
           root_tag=document.tag)
    return checker.finish()


def seen(report: ProfileReport) -> tuple[object, ...]:
    problems = [(p.severity, p.code, p.location.line, p.location.element, p.message) for p in report.problems]
    return tuple(problems), tuple(report.counts.items())


def one_line(data: bytes) -> bytes:
    """Every element on the root's line: problems then tie on their line and keep their order."""
    return re.sub(rb">\s*\n\s*<", b"><", data)


def fewer_languages(data: bytes) -> bytes:
    """Every other xml:lang removed: texts inherit from their ancestors, or have none."""
    count = iter(range(1_000_000))
    return re.sub(rb' xml:lang="[^"]*"', lambda m: m.group(0) if next(count) % 2 else b"", data)


def changed_copy(data: bytes) -> bytes:
    """The last identified child of a container repeated after it, with a word changed: a duplicate."""
    root = etree.fromstring(data)
    identified = [  # 3.2 and 3.3 name objects with r:ID, 3.1 with an id attribute
        e for e in root.iter() if e.getparent() is not None and not str(e.tag).endswith("Reference")
        and (e.get("id") is not None or any(str(c.tag).endswith("}ID") for c in e)) and len(words(e)) > 0
    ]
    item = identified[-1]
    copy = etree.fromstring(etree.tostring(item))
    changed = list(words(copy))[-1]
    changed.text = f"{changed.text} (bis)"
    item.addnext(copy)
    return etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8")


def words(element: etree._Element) -> list[etree._Element]:
    """The texts, labels and values an object says (not its identity, nor what its references name)."""
    return [e for e in element.iter() if str(e.tag).endswith(("}String", "}Content", "}Text", "}Value"))
            and (e.text or "").strip()]


RESHAPINGS = {"as written": lambda data: data, "on one line": one_line, "fewer languages": fewer_languages,
              "changed copy": changed_copy}


@pytest.mark.parametrize("name", FIXTURES)
@pytest.mark.parametrize("reshaping", sorted(RESHAPINGS))
def test_both_roads_agree(schemas: SchemaSet, ddi_fixtures: Path, name: str, reshaping: str) -> None:
    data = RESHAPINGS[reshaping]((ddi_fixtures / name).read_bytes())
    asked: list[tuple[str, str, str | None]] = []

    def known(agency: str, id: str, version: str | None) -> bool:
        asked.append((agency, id, version))
        return len(id) % 2 == 0

    for strict in (False, True):
        expected = element_road(data, schemas, known=known, strict=strict)
        asked.clear()
        assert seen(profile(data, schemas, known=known, strict=strict)) == seen(expected)
        assert len(asked) == len(set(asked))  # the catalogue is asked once per identity, whichever road
    assert seen(check(data, schemas, known=known).profile) == seen(element_road(data, schemas, known=known))


def test_a_changed_copy_is_found_by_going_back_to_the_element_road(
    schemas: SchemaSet, ddi_fixtures: Path
) -> None:
    data = changed_copy((ddi_fixtures / "cohort_two_waves_3_3.xml").read_bytes())
    report = profile(data, schemas)
    assert [p.code for p in report.errors] == ["duplicate-id"]
    clean = (ddi_fixtures / "cohort_two_waves_3_3.xml").read_bytes()
    document, prolog = open_document(clean)
    checker = ProfileChecker(document, schemas.vocabulary(document.version))
    stream(clean, file=None, prolog=prolog, walker=checker, root_tag=document.tag)
    assert not checker.exact_needed  # no identity twice: no digest needed, one pass


QUESTION = """<ddi:Fragment><d:QuestionItem>
<r:URN>urn:ddi:fr.cohorte-exemple:qi-{n}:1</r:URN><r:Agency>fr.cohorte-exemple</r:Agency><r:ID>qi-{n}</r:ID>
<r:Version>{version}</r:Version>
<d:QuestionItemName><r:String xml:lang="fr">q{n}</r:String></d:QuestionItemName>
<d:QuestionText><d:LiteralText><d:Text>Votre enfant a-t-il dormi {n} minutes ?</d:Text></d:LiteralText>
</d:QuestionText>
<d:CodeDomain><r:CodeListReference><r:Agency>fr.cohorte-exemple</r:Agency><r:ID>cl-ouinon</r:ID>
<r:Version>1</r:Version><r:TypeOfObject>CodeList</r:TypeOfObject></r:CodeListReference></d:CodeDomain>
</d:QuestionItem></ddi:Fragment>
"""


def questions(count: int, *, bad_every: int, repeat: int | None = None) -> bytes:
    """A FragmentInstance of questions (texts without a language): every `bad_every`-th has an invalid
    version, and question `repeat` comes twice."""
    head = ('<?xml version="1.0" encoding="UTF-8"?>\n<ddi:FragmentInstance xmlns:ddi="ddi:instance:3_3" '
            'xmlns:r="ddi:reusable:3_3" xmlns:d="ddi:datacollection:3_3">\n')
    numbers = list(range(count)) + ([repeat] if repeat is not None else [])
    body = "".join(QUESTION.format(n=n, version="v1" if n % bad_every == 1 else "1") for n in numbers)
    return (head + body + "</ddi:FragmentInstance>\n").encode()


@pytest.mark.parametrize("repeat", [None, 5])
def test_a_check_that_stops_early_keeps_what_the_element_road_kept(
    schemas: SchemaSet, repeat: int | None
) -> None:
    data = questions(3000, bad_every=12, repeat=repeat)  # 250 XSD errors: reading stops after 100
    report = check(data, schemas)
    assert not report.validation.complete and len(report.validation.problems) == 100
    expected = element_road(data, schemas, validate=True)
    assert seen(report.profile) == seen(expected)
    assert {p.code for p in report.profile.problems} >= {"no-lang", "dangling-reference", "urn-mismatch"}


class HeldChildren:
    """A walker that records how many children the innermost container holds each time one is handed over."""

    def __init__(self, containers: frozenset[str]) -> None:
        self.containers = containers
        self.largest = 0
        self.handed = 0
        self.open: list[etree._Element] = []

    def container_start(self, element: etree._Element) -> None:
        self.open.append(element)

    def container_end(self, element: etree._Element) -> None:
        self.open.pop()

    def subtree(self, element: etree._Element) -> None:
        self.handed += 1
        self.largest = max(self.largest, len(self.open[-1]))


def test_a_long_scheme_never_sits_whole_in_memory(schemas: SchemaSet) -> None:
    variable = ('<l:Variable><r:Agency>fr.cohorte-exemple</r:Agency><r:ID>v{n}</r:ID><r:Version>1</r:Version>'
                '<r:Label><r:Content xml:lang="fr">Variable {n}</r:Content></r:Label></l:Variable>\n')
    data = ('<?xml version="1.0" encoding="UTF-8"?>\n<l:VariableScheme xmlns:l="ddi:logicalproduct:3_3" '
            'xmlns:r="ddi:reusable:3_3"><r:Agency>fr.cohorte-exemple</r:Agency><r:ID>vs</r:ID>'
            '<r:Version>1</r:Version>\n' + "".join(variable.format(n=n) for n in range(20_000))
            + "</l:VariableScheme>\n").encode()
    assert len(data) > 3_000_000
    document, prolog = open_document(data)
    walker = HeldChildren(schemas.vocabulary("3.3").maintainable)
    stream(data, file=None, prolog=prolog, walker=walker, root_tag=document.tag)
    assert walker.handed == 20_003  # the three identity fields, then every variable, each once
    assert walker.largest < 1_000  # about one 64 KiB chunk of variables at a time, not 20,000
