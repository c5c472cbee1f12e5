"""Reading a DDI-L 3.1, 3.2 or 3.3 document into the catalogue model, streaming.

The document is walked with `lxml.etree.iterparse` and never held whole: containers (instances,
packages, study units, modules, schemes, fragments) are followed as a stack of frames, each of their
children is read as one small subtree and then cleared with its preceding siblings, and elements the
catalogue does not keep are cleared as they go by, keeping only their identity and references. What
links items across the document (managed representations, instructions, reference types, the waves
each item belongs to) is settled at the end, from a graph of identities.

The reader does not validate: the import pipeline puts the document through the XSD first. It never
fails on odd content either: what it cannot read becomes a warning with its line.
"""

from __future__ import annotations

import gc
import io
import itertools
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from catalogue.ddi.reader_context import ReadContext
from catalogue.ddi.reader_graph import DocumentGraph, Node
from catalogue.ddi.reader_identity import (
    SUPPORTED_VERSIONS,
    Identity,
    element_type,
    local_name,
    namespace_version,
    read_identity,
    read_reference,
    settle_identity,
)
from catalogue.ddi.reader_items import instruction_text, item_builder, managed_representation
from catalogue.ddi.reader_representation import MANAGED_REPRESENTATIONS
from catalogue.ddi.reader_resolution import (
    drop_unknown_variable_representations,
    fill_instructions,
    fill_managed_representations,
    report_skipped,
    report_version_skew,
    settle_reference_types,
    unique_items,
)
from catalogue.ddi.reader_study import STUDY_ELEMENTS, StudyElement, assemble_study, placement
from catalogue.ddi.reader_text import by_name, child, children, strings
from catalogue.model import DDIPackage, Item, LangText, Ref, Representation
from ddi_schemas.problems import InvalidInput, Location, Problem

__all__ = ["ReadResult", "collector_paused", "read_ddi"]

_CONTAINERS = frozenset(
    {
        "DDIInstance",
        "FragmentInstance",
        "Fragment",
        "Group",
        "SubGroup",
        "ResourcePackage",
        "LocalHoldingPackage",
        "StudyUnit",
        "DataCollection",
        "LogicalProduct",
        "BaseLogicalProduct",
        "ConceptualComponent",
        "PhysicalDataProduct",
        "Archive",
    }
)
_IDENTITY = frozenset({"URN", "Agency", "ID", "Version"})
_IDENTITY_TAIL = ("}URN", "}Agency", "}ID", "}Version")
_STUDY_HEADERS = frozenset({"Citation", "Abstract", "Purpose", "Coverage", "UserAttributePair"})
# References inside skipped elements that never lead to an element: parameters and bindings.
_PARAMETER_REFERENCES = frozenset(
    {"SourceParameterReference", "TargetParameterReference", "ParameterReference"}
)
# 3.2 names and attributes INSEE production files use inside 3.3 namespaces.
_NAMES_32 = {
    "SourceQuestion": "InputQuestionReference",
    "SourceVariable": "InputVariableReference",
    "GridResponseDomain": "GridResponseDomainInMixed",
}
_ATTRIBUTES_32 = {
    "codeListID": "controlledVocabularyID",
    "codeListName": "controlledVocabularyName",
    "codeListAgencyName": "controlledVocabularyAgencyName",
    "codeListVersionID": "controlledVocabularyVersionID",
}

_ITEM, _AUX, _HEADER, _SKIP = "item", "aux", "header", "skip"


@dataclass(slots=True)
class ReadResult:
    """The package a DDI-L document describes, and the warnings met on the way (with their lines)."""

    package: DDIPackage
    problems: list[Problem] = field(default_factory=list)


def read_ddi(
    source: Path | bytes | BinaryIO, *, file_name: str | None = None, lenient: bool = False
) -> ReadResult:
    """Read a DDI-L 3.1/3.2/3.3 document (any DDI global element as root) into a `DDIPackage`.

    Raises `InvalidInput` only when the input is not a DDI-L document at all (not well-formed XML, or a
    root outside the DDI-L 3.x namespaces); everything else it cannot read is a warning.
    `lenient` reports, with their lines, the departures from the schema it read anyway.
    """
    if isinstance(source, Path):
        file_name = file_name or source.name
        stream: BinaryIO | str = str(source)
    elif isinstance(source, bytes | bytearray):
        stream = io.BytesIO(source)
    else:
        stream = source
    events = etree.iterparse(
        stream,
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        huge_tree=True,
        load_dtd=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        with collector_paused():
            return _read(events, file_name, lenient)
    except etree.XMLSyntaxError as error:
        line = error.lineno if error.lineno else None
        raise InvalidInput(
            [
                Problem(
                    "error",
                    f"not well-formed XML: {error.msg}",
                    Location(file=file_name, line=line),
                    "xml-syntax",
                )
            ]
        ) from None


def _read(events: Iterator[tuple[str, etree._Element]], file_name: str | None, lenient: bool) -> ReadResult:
    events = iter(events)
    try:
        _event, root = next(events)
    except StopIteration:
        raise InvalidInput(
            [Problem("error", "the document is empty", Location(file=file_name), "empty")]
        ) from None
    version = namespace_version(root.tag) if isinstance(root.tag, str) else None
    if version not in SUPPORTED_VERSIONS:
        where = Location(file=file_name, line=root.sourceline, element=local_name(root))
        message = (
            f"DDI-L {version} is not read: ddicat reads DDI-L 3.1, 3.2 and 3.3"
            if version
            else f"not a DDI-L document: the root element {root.tag} is outside the DDI-L 3.x namespaces"
        )
        raise InvalidInput([Problem("error", message, where, "not-ddi")])
    assert version is not None
    reader = _DocumentReader(ReadContext(version=version, file_name=file_name, lenient=lenient))
    reader.run(itertools.chain([("start", root)], events))
    return reader.finish()


@dataclass(slots=True)
class _Frame:
    """A container being read: its identity as it comes, what it holds, what it points at."""

    name: str
    line: int | None
    identity: Identity | None = None
    parts: dict[str, str] = field(default_factory=dict)
    contained: list[Node] = field(default_factory=list)
    refs: list[Ref] = field(default_factory=list)
    study: StudyElement | None = None


class _DocumentReader:
    """The event loop's state: the frames of open containers and what has been read so far."""

    def __init__(self, ctx: ReadContext) -> None:
        self.ctx = ctx
        self.check_32_names = ctx.lenient and ctx.version == "3.3"
        self.graph = DocumentGraph()
        self.entries: list[tuple[Item, Node, int | None]] = []
        self.instructions: dict[Node, LangText] = {}
        self.managed: dict[Node, Representation] = {}
        self.skipped: Counter[str] = Counter()
        self.skipped_line: int | None = None
        self.study_elements: list[tuple[Identity, StudyElement]] = []
        self.root_study: StudyElement | None = None
        self.frames: list[_Frame] = [_Frame(name="#document", line=None)]
        self.skip_parts: dict[str, str] = {}  # identity of the skipped element being passed over
        self.skip_refs: list[Ref] = []
        self.unit_line: int | None = None

    # --- the event loop -------------------------------------------------------------------------------

    def run(self, events: Iterator[tuple[str, etree._Element]]) -> None:
        """Walk the events: open and close containers, read each container child once it has ended.

        Kept in one function with local state: it runs for every element of files of hundreds of MB.
        """
        check_32 = self.check_32_names
        depth = unit_depth = ref_depth = 0  # ref_depth: a reference being read inside a skipped element
        kind = ""
        for event, element in events:
            if event == "start":
                depth += 1
                if check_32:
                    self._check_32(element)
                if unit_depth:
                    if kind == _SKIP and not ref_depth and element.tag.endswith("Reference"):
                        ref_depth = depth
                    continue
                name = local_name(element)
                if name in _CONTAINERS or (
                    name.endswith("Scheme")
                    and len(name) > 6
                    and not (name == "CodeScheme" and self.ctx.version == "3.1")
                ):
                    self._open(element, name)
                else:
                    unit_depth, kind = depth, self._kind(name)
                    # taken now: libxml2 loses the line of an element past 65535 once its children are freed
                    self.unit_line = element.sourceline
                    if kind == _SKIP:
                        self.skip_parts, self.skip_refs, ref_depth = {}, [], 0
                continue
            if unit_depth and depth > unit_depth:
                if kind == _SKIP:  # keep the identity and references of a skipped element, free the rest
                    if depth == ref_depth:
                        ref_depth = 0
                        self._skipped_reference(element)
                        _release(element)
                    elif not ref_depth and depth <= unit_depth + 2:  # deeper ones go with their ancestor
                        if depth == unit_depth + 1 and element.tag.endswith(_IDENTITY_TAIL):
                            self.skip_parts[local_name(element)] = (element.text or "").strip()
                        _release(element)
                depth -= 1
                continue
            if unit_depth:
                unit_depth = 0
                self._unit(element, kind)
            else:
                self._close(element)
            _release(element)
            depth -= 1

    # --- containers --------------------------------------------------------------------------------

    def _open(self, element: etree._Element, name: str) -> None:
        frame = _Frame(name=name, line=element.sourceline)
        if name in STUDY_ELEMENTS or len(self.frames) == 1:
            frame.study = StudyElement(element=name, line=element.sourceline)
        if self.ctx.version == "3.1":
            self.ctx.agencies.append(element.get("agency"))
            frame.identity = read_identity(element, self.ctx, quiet=True)
        self.frames.append(frame)

    def _close(self, element: etree._Element) -> None:
        frame = self.frames.pop()
        if self.ctx.version == "3.1":
            self.ctx.agencies.pop()
        identity = frame.identity or settle_identity(
            element,
            self.ctx,
            frame.parts.get("URN"),
            frame.parts.get("Agency"),
            frame.parts.get("ID"),
            frame.parts.get("Version"),
            quiet=True,
        )
        parent = self.frames[-1]
        if frame.study is not None:
            if len(self.frames) == 1:
                self.root_study = frame.study
            if frame.name in STUDY_ELEMENTS and identity is not None:
                self.study_elements.append((identity, frame.study))
        if identity is None:
            parent.contained += frame.contained
            parent.refs += frame.refs
            return
        node = identity.node
        self.graph.add_node(node, element_type(frame.name, self.ctx.version))
        self.graph.link(node, frame.contained)
        self.graph.link(node, frame.refs)
        parent.contained.append(node)

    def _kind(self, name: str) -> str:
        if item_builder(name, self.ctx.version) is not None:
            return _ITEM
        if name == "Instruction" or name in MANAGED_REPRESENTATIONS:
            return _AUX
        frame = self.frames[-1]
        if name in _IDENTITY or name.endswith("Reference"):
            return _HEADER
        if frame.study is not None and (name in _STUDY_HEADERS or name == "CollectionEvent"):
            return _HEADER
        return _SKIP

    # --- container children ------------------------------------------------------------------------

    def _unit(self, element: etree._Element, kind: str) -> None:
        try:
            self._read_unit(element, kind)
        except Exception as error:  # noqa: BLE001 - odd content must never stop the whole document
            name = local_name(element)
            self.ctx.warn(
                f"{name} could not be read ({type(error).__name__}: {error}): skipped",
                line=self.unit_line,
                element=name,
                code="unreadable",
            )

    def _read_unit(self, element: etree._Element, kind: str) -> None:
        if kind == _HEADER:
            self._header(element, self.frames[-1])
        elif kind == _SKIP:
            self._skipped(element)
        elif kind == _ITEM:
            self._item(element)
        else:
            identity = read_identity(element, self.ctx)
            if identity is not None:
                self._auxiliary(element, identity)

    def _item(self, element: etree._Element) -> None:
        kids = by_name(element)
        identity = read_identity(element, self.ctx, kids=kids)
        if identity is None:
            return
        builder = item_builder(local_name(element), self.ctx.version)
        assert builder is not None
        built = builder(element, kids, self.ctx, identity)
        first = identity.node
        for item in built:
            node = first if item.id == identity.id else (first[0], item.id, item.version)
            self.entries.append((item, node, self.unit_line))
            self.graph.add_node(node, item.TYPE, item=True)
        self.frames[-1].contained.append(first)

    def _auxiliary(self, element: etree._Element, identity: Identity) -> None:
        """Instructions and managed representations: kept aside for the items that use them."""
        name = local_name(element)
        if name == "Instruction":
            self.instructions[identity.node] = instruction_text(element)
        else:
            self.managed[identity.node] = managed_representation(element, self.ctx)
        self._count_skipped(name, self.unit_line)
        self.graph.add_node(identity.node, name)
        self.frames[-1].contained.append(identity.node)

    def _header(self, element: etree._Element, frame: _Frame) -> None:
        name = local_name(element)
        if name in _IDENTITY:
            frame.parts[name] = (element.text or "").strip()
            return
        if name.endswith("Reference"):
            ref = read_reference(element, self.ctx, agency=frame.identity.agency if frame.identity else None)
            if ref is not None:
                frame.refs.append(ref)
            return
        study = frame.study
        assert study is not None
        if name == "Citation":
            _merge(study.title, strings(children(element, "Title")))
        elif name == "Abstract":
            _merge(study.abstract, strings([element]))
        elif name == "Purpose":
            _merge(study.purpose, strings([element]))
        elif name == "UserAttributePair":
            key, value = child(element, "AttributeKey"), child(element, "AttributeValue")
            if key is not None:
                study.attributes.append(
                    ((key.text or "").strip(), (value.text or "").strip() if value is not None else "")
                )
        elif name == "Coverage":
            for temporal in children(element, "TemporalCoverage"):
                study.dates += [_dates(d) for d in children(temporal, "ReferenceDate")]
        elif name == "CollectionEvent":
            study.collection_dates += [_dates(d) for d in children(element, "DataCollectionDate")]

    def _skipped_reference(self, element: etree._Element) -> None:
        if local_name(element) not in _PARAMETER_REFERENCES:
            ref = read_reference(element, self.ctx, quiet=True)
            if ref is not None:
                self.skip_refs.append(ref)

    def _skipped(self, element: etree._Element) -> None:
        name = local_name(element)
        parts = self.skip_parts
        identity = None
        if parts.get("ID") or parts.get("URN") or (self.ctx.version == "3.1" and element.get("id")):
            identity = (
                read_identity(element, self.ctx, quiet=True)
                if self.ctx.version == "3.1"
                else settle_identity(
                    element,
                    self.ctx,
                    parts.get("URN"),
                    parts.get("Agency"),
                    parts.get("ID"),
                    parts.get("Version"),
                    quiet=True,
                )
            )
        frame = self.frames[-1]
        if identity is None:  # a wrapper (RequiredResourcePackages…): its references are the frame's
            frame.refs += dict.fromkeys(self.skip_refs)
            return
        self._count_skipped(name, self.unit_line)
        self.graph.add_node(identity.node, element_type(name, self.ctx.version))
        self.graph.link(identity.node, dict.fromkeys(self.skip_refs))  # a data file names a variable often
        frame.contained.append(identity.node)

    def _count_skipped(self, name: str, line: int | None) -> None:
        self.skipped[name] += 1
        if self.skipped_line is None:
            self.skipped_line = line

    def _check_32(self, element: etree._Element) -> None:
        name = local_name(element)
        if name in _NAMES_32:
            self.ctx.deviation(
                "ddi-3.2-name",
                f"{name} is a DDI-L 3.2 element (3.3: {_NAMES_32[name]})",
                line=element.sourceline,
                element=name,
            )
        if element.attrib:
            for attribute in _ATTRIBUTES_32.keys() & element.attrib.keys():
                self.ctx.deviation(
                    "ddi-3.2-attribute",
                    f"attribute {attribute} is DDI-L 3.2 (3.3: {_ATTRIBUTES_32[attribute]})",
                    line=element.sourceline,
                    element=name,
                )

    # --- the end -----------------------------------------------------------------------------------

    def finish(self) -> ReadResult:
        ctx, graph = self.ctx, self.graph
        by_node = unique_items(self.entries, ctx)
        fill_managed_representations(ctx.deferred.managed_uses, self.managed, graph, ctx)
        drop_unknown_variable_representations(list(by_node.values()), ctx)
        fill_instructions(ctx.deferred.instruction_uses, self.instructions, graph)
        references = {node: [ref for _role, ref in item.references()] for node, item in by_node.items()}
        for node, refs in references.items():
            graph.link(node, refs)
        settle_reference_types(by_node, references, graph, ctx.deferred.inferred_refs, ctx)
        graph.freeze()
        plan = assemble_study(self.study_elements, self.root_study, graph, by_node, ctx)
        package = DDIPackage(
            ddi_version=ctx.version,
            study=plan.study,
            waves=[wave for wave, _ in plan.waves],
            items=list(by_node.values()),
            placement=placement(plan.waves, graph, by_node),
            source_name=ctx.file_name,
        )
        report_skipped(self.skipped, self.skipped_line, ctx)
        report_version_skew(graph, ctx)
        ctx.close_deviations()
        return ReadResult(package=package, problems=ctx.problems)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while reading: hundreds of thousands of new, acyclic model
    objects make it rescan the heap again and again (a third of the time, measured); nothing read
    here forms cycles, and the previous state comes back afterwards. The import and the indexer pause
    it the same way around their bulk work on the item graph (JSON decoding and pydantic validation of
    every item are three to five times slower with it running)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _merge(target: LangText, more: LangText) -> None:
    """Texts repeated over several elements (3.1 writes one Abstract per language): the first wins."""
    for lang, text in more.items():
        target.setdefault(lang, text)


def _dates(holder: etree._Element) -> tuple[str | None, str | None]:
    """(start, end) of a ReferenceDate or DataCollectionDate; a SimpleDate is a start."""
    values = {local_name(c): (c.text or "").strip() or None for c in holder}
    return values.get("StartDate") or values.get("SimpleDate"), values.get("EndDate")


def _release(element: etree._Element) -> None:
    """Free a processed element and the already processed siblings before it."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]
