"""DDI-Codebook 2.5 (and the 1.2.2 namespace NADA exports) read into the model, streaming, on local names.

The three namespace forms real files use (`ddi:codebook:2_5` as default namespace or with a `ddi:` prefix,
`http://www.icpsr.umich.edu/DDI`, or none) are all read by local name. `var` elements are handled as they
close and then dropped, so memory follows the number of variables, not the size of the XML.

Mapping: stdyDscr title/abstract → the study; each `var` → a Variable (`labl`, representation from its
categories, `varFormat`, `@intrvl`, `@dcml`, `location/@width`, `valrng`), plus a QuestionItem when `qstn`
carries text (preQTxt + qstnLit + postQTxt; `ivuInstr` and the `forward` routing text → instruction);
`catgry` → a code list (identical lists shared) whose `missing="Y"` categories, and those listed in
`invalrng`, are missing. A numeric variable whose only categories are missing codes keeps a numeric
representation: the codes go to its missing values and their labels to `ddicat:missingValueLabel` user
attributes. `universe` → Universe,
`concept` → Concept, `varGrp` → a `ddicat:variableGroup` user attribute on its variables and, when the
codebook has question texts, a section Sequence of an Instrument listing the questions. Several `fileDscr`
→ one wave per data file, each variable placed by `var/@files`; every variable records its data file
(`ddicat:dataFile`). `sumStat`/`catStat` are statistics and are skipped.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import PurePath

from lxml import etree

from catalogue.errors import InvalidInput, Location, Problem
from catalogue.model import (
    Concept,
    LangText,
    Ref,
    Representation,
    StudyInfo,
    Universe,
    Variable,
    WaveInfo,
)
from importers.choice_sets import Choice, place_code_lists
from importers.instrument_builder import InstrumentBuilder, listable_missing
from importers.registry import ImportOptions, ImportResult

CODEBOOK_NAMESPACES = frozenset({"ddi:codebook:2_5", "http://www.icpsr.umich.edu/DDI", ""})
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?codeBook[\s>/]")
DATE_CATEGORIES = {"date": "Date", "time": "Time"}


def local(tag: object) -> str:
    """An element's name without its namespace (comments and PIs have none)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def children(element: etree._Element, name: str) -> list[etree._Element]:
    """The child elements of that local name, whatever their namespace."""
    return list(element.iterchildren(f"{{*}}{name}"))


def child(element: etree._Element, *path: str) -> etree._Element | None:
    current: etree._Element | None = element
    for name in path:
        if current is None:
            return None
        current = next(current.iterchildren(f"{{*}}{name}"), None)
    return current


def element_text(element: etree._Element) -> str:
    """The element's text, markup inside it dropped, whitespace collapsed."""
    raw = element.text or "" if len(element) == 0 else "".join(element.itertext())
    return " ".join(raw.split())


def element_lang(element: etree._Element) -> str | None:
    """`xml:lang`, or the `xml-lang` attribute older DDI-Codebook generators write."""
    return element.get(XML_LANG) or element.get("xml-lang") or None


@dataclass(slots=True)
class DataFile:
    """A `fileDscr`: its ID, file name and, when the codebook has several, the wave it stands for."""

    id: str
    name: str
    wave: WaveInfo | None = None


@dataclass(slots=True)
class VarGroup:
    """A `varGrp`: its label and member variable IDs."""

    name: str
    label: LangText
    members: list[str]


@dataclass(slots=True)
class _State:
    """What the stream has read so far."""

    title: LangText = field(default_factory=dict)
    abstract: LangText = field(default_factory=dict)
    files: list[DataFile] = field(default_factory=list)
    groups: list[VarGroup] = field(default_factory=list)
    # Per var, in document order: (source ID, variable, its question construct or None, its data files).
    variables: list[tuple[str, Variable, Ref | None, list[str]]] = field(default_factory=list)
    universes: dict[str, Ref] = field(default_factory=dict)
    concepts: dict[str, Ref] = field(default_factory=dict)
    names: set[str] = field(default_factory=set)
    choices: dict[tuple[object, ...], Choice] = field(default_factory=dict)
    root_id: str | None = None


class DDICodebookImporter:
    """DDI-Codebook 2.5 and 1.2.2 XML (NADA, Nesstar, Dataverse, Colectica exports)."""

    name = "ddi-codebook"
    title = "DDI-Codebook 2.5 / 1.2.2"
    extensions = (".xml",)

    def sniff(self, file_name: str, data: bytes) -> bool:
        """A `codeBook` root element (any prefix) in the first 64 KB."""
        head = data[:65536].lstrip(b"\xef\xbb\xbf")
        return head.lstrip().startswith(b"<") and _ROOT.search(head) is not None

    def read(self, file_name: str, data: bytes, options: ImportOptions | None = None) -> ImportResult:
        options = options or ImportOptions()
        if not data.strip():
            raise InvalidInput([Problem("error", "the file is empty", Location(file=file_name), "empty")])
        return _CodebookReader(file_name, options).read(data)


class _CodebookReader:
    def __init__(self, file_name: str, options: ImportOptions) -> None:
        self.file_name = file_name
        self.options = options
        self.b = InstrumentBuilder(file_name, options, "DDI-Codebook")
        self.state = _State()

    def loc(self, element: etree._Element, name: str | None = None) -> Location:
        return self.b.location(line=element.sourceline, element=name or local(element.tag))

    def read(self, data: bytes) -> ImportResult:
        try:
            for element in self._stream(data):
                self._handle(element)
        except etree.XMLSyntaxError as error:
            line = error.lineno or None
            raise InvalidInput(
                [
                    Problem(
                        "error",
                        f"not well-formed XML: {error.msg}",
                        Location(file=self.file_name, line=line),
                        "xml-syntax",
                    )
                ]
            ) from error
        if not self.state.variables and not self.state.title:
            self.b.error(
                "the codebook describes no variable (no dataDscr/var)",
                self.b.location(element="dataDscr"),
                "ddic-empty",
            )
        study, waves, placement = self._study_and_waves()
        self._apply_groups()
        self._instrument()
        result = self.b.result(study)
        result.package.waves = waves
        if waves:
            result.package.placement = {item.key: placement.get(item.key) for item in result.package.items}
            place_code_lists(result.package.items, result.package.placement)
        return result

    def _stream(self, data: bytes) -> Iterator[etree._Element]:
        """The elements the importer reads, as they close; everything already handled is freed.

        Only these elements raise Python events (libxml2 filters the rest), so a file heavy with statistics
        costs parsing time only.
        """
        wanted = ("codeBook", "stdyDscr", "fileDscr", "var", "varGrp", "docDscr", "otherMat")
        events = etree.iterparse(
            io.BytesIO(data),
            events=("start", "end"),
            tag=[f"{{*}}{name}" for name in wanted],
            resolve_entities=False,
            no_network=True,
            huge_tree=True,
            load_dtd=False,
            remove_comments=True,
            remove_pis=True,
        )
        for event, element in events:
            if event == "start":
                if self.state.root_id is None:
                    self._check_root(element)
                continue
            if element.getparent() is None:
                continue
            yield element
            element.clear()
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]
        if self.state.root_id is None:
            root = events.root
            self._check_root(root if root is not None else etree.Element("nothing"))

    def _check_root(self, root: etree._Element) -> None:
        namespace = root.tag.rpartition("}")[0].lstrip("{") if isinstance(root.tag, str) else ""
        if local(root.tag) != "codeBook" or namespace not in CODEBOOK_NAMESPACES:
            raise InvalidInput(
                [
                    Problem(
                        "error",
                        f"not a DDI-Codebook document: the root element is {root.tag!r}, not codeBook",
                        Location(file=self.file_name, line=root.sourceline, element=local(root.tag)),
                        "not-ddi-codebook",
                    )
                ]
            )
        self.state.root_id = root.get("ID") or ""

    def _handle(self, element: etree._Element) -> None:
        name = local(element.tag)
        if name == "var":
            self._var(element)
        elif name == "stdyDscr":
            statement = child(element, "citation", "titlStmt")
            if statement is not None:
                self.state.title = self._texts(children(statement, "titl"))
            abstract = child(element, "stdyInfo")
            if abstract is not None:
                self.state.abstract = self._texts(children(abstract, "abstract"))
        elif name == "fileDscr":
            file_name = child(element, "fileTxt", "fileName")
            given = element_text(file_name) if file_name is not None else ""
            file_id = element.get("ID") or given or f"file{len(self.state.files) + 1}"
            self.state.files.append(DataFile(file_id, given or file_id))
        elif name == "varGrp":
            members = (element.get("var") or "").split()
            label = self._texts(children(element, "labl"))
            group_name = element.get("name") or element.get("ID") or f"group{len(self.state.groups) + 1}"
            self.state.groups.append(
                VarGroup(group_name, label or {self.b.texts.default: group_name}, members)
            )

    def _texts(self, elements: list[etree._Element]) -> LangText:
        """Texts per language; several elements in one language are joined in order."""
        merged: LangText = {}
        for element in elements:
            for lang, text in self.b.texts.lang_text(element_text(element), element_lang(element)).items():
                merged[lang] = f"{merged[lang]} {text}" if lang in merged else text
        return merged

    # One variable ----------------------------------------------------------------------------------

    def _var(self, var: etree._Element) -> None:
        name = (var.get("name") or "").strip()
        if not name:
            self.b.error("a var has no name attribute", self.loc(var), "ddic-var")
            return
        if name in self.state.names:
            self.b.warn(f"variable {name!r} is described twice: both kept", self.loc(var), "ddic-duplicate")
        self.state.names.add(name)
        labels = [e for e in children(var, "labl") if e.get("level") in (None, "variable", "var")]
        label = self._texts(labels)
        representation, attributes = self._representation(var, name)
        question = self._question(var, name, representation, label)
        universe_texts = [u for u in children(var, "universe") if element_text(u)]
        universes = [self._universe(universe_texts, name)] if universe_texts else []
        concepts = [self._concept(c) for c in children(var, "concept") if element_text(c)]
        variable = Variable(
            agency=self.options.agency,
            id=self.b.id("v", name),
            version=None,
            name=name,
            label=label,
            description=self._texts(children(var, "txt")),
            representation=representation,
            questions=[question] if question else [],
            universes=universes,
            concept=concepts[0] if concepts else None,
            user_attributes=attributes,
        )
        self.b.add(variable)
        files = (var.get("files") or "").split()
        construct = self.b.construct(name, question) if question else None
        self.state.variables.append((var.get("ID") or name, variable, construct, files))

    def _question(
        self, var: etree._Element, name: str, representation: Representation, label: LangText
    ) -> Ref | None:
        qstn = child(var, "qstn")
        if qstn is None:
            return None
        parts = [e for part in ("preQTxt", "qstnLit", "postQTxt") for e in children(qstn, part)]
        text = self._texts(parts) if parts else self._texts([qstn])
        if not text:
            return None
        instruction = self._texts(children(qstn, "ivuInstr") + children(qstn, "forward"))
        responses = [_question_domain(representation)]
        return self.b.question(name, text, responses, instruction=instruction, label=label)

    def _representation(self, var: etree._Element, name: str) -> tuple[Representation, list[tuple[str, str]]]:
        invalid = [
            item.get("VALUE", "").strip()
            for rng in children(var, "invalrng")
            for item in children(rng, "item")
        ]
        invalid = [value for value in invalid if value]
        attributes: list[tuple[str, str]] = []
        for rng in children(var, "invalrng"):
            for span in children(rng, "range"):
                attributes.append(("ddicat:missingRange", f"{span.get('min', '')}..{span.get('max', '')}"))
        choices: list[Choice] = []
        for catgry in var.iter("{*}catgry"):
            value = child(catgry, "catValu")
            code = element_text(value) if value is not None else ""
            if not code:
                continue
            labels = tuple((element_lang(e), element_text(e)) for e in children(catgry, "labl"))
            missing = catgry.get("missing", "").upper() == "Y" or code in invalid
            choices.append(self._choice(code, labels, missing))
        fmt = child(var, "varFormat")
        var_type = fmt.get("type", "") if fmt is not None else ""
        category = fmt.get("category", "") if fmt is not None else ""
        fmt_text = element_text(fmt) if fmt is not None else ""
        coded = any(not c.missing for c in choices) or (choices and var_type == "character")
        if coded:
            code_list = self.b.code_list(name, choices)
            return self.b.coded(code_list, extra_missing=invalid), attributes
        if category in DATE_CATEGORIES:
            return Representation(
                "datetime", date_type=DATE_CATEGORIES[category], format=fmt_text or None
            ), attributes
        width = child(var, "location")
        length = width.get("width") if width is not None else None
        if var_type == "character":
            rep = Representation(
                "text",
                max_length=int(length) if length and length.isdigit() else None,
                format=fmt_text or None,
            )
            return rep, attributes
        missing = invalid + [c.code for c in choices]
        attributes += [("ddicat:missingValueLabel", f"{c.code} {_first(c.label)}".strip()) for c in choices]
        return self._numeric(var, fmt_text, missing), attributes

    def _choice(self, code: str, labels: tuple[tuple[str | None, str], ...], missing: bool) -> Choice:
        """A category, made once per distinct (code, labels, missing): codebooks repeat their scales."""
        key = (code, labels, missing)
        found = self.state.choices.get(key)
        if found is None:
            label: LangText = {}
            for lang, text in labels:
                for language, cleaned in self.b.texts.lang_text(text, lang).items():
                    label[language] = f"{label[language]} {cleaned}" if language in label else cleaned
            found = self.state.choices[key] = self.b.choice(code, label, missing)
        return found

    def _numeric(self, var: etree._Element, fmt_text: str, missing: list[str]) -> Representation:
        decimals = var.get("dcml")
        rep = Representation("numeric", missing_values=listable_missing(missing), format=fmt_text or None)
        if decimals and decimals.isdigit():
            rep.decimal_positions = int(decimals)
            rep.numeric_type = "Integer" if decimals == "0" else "Decimal"
        elif var.get("intrvl") == "contin":
            rep.numeric_type = "Decimal"
        for valrng in children(var, "valrng"):
            for span in children(valrng, "range"):
                rep.minimum = _number(span.get("min")) or rep.minimum
                rep.maximum = _number(span.get("max")) or rep.maximum
        return rep

    def _universe(self, elements: list[etree._Element], var_name: str) -> Ref:
        """One Universe per distinct text (its `universe` elements are one text in several languages)."""
        text = self._texts(elements)
        key = repr(sorted(text.items()))
        if key not in self.state.universes:
            universe = Universe(
                agency=self.options.agency,
                id=self.b.id("univ", elements[0].get("ID") or var_name),
                version=None,
                label=text,
            )
            self.state.universes[key] = self.b.add(universe)
        return self.state.universes[key]

    def _concept(self, element: etree._Element) -> Ref:
        text = self._texts([element])
        key = repr(sorted(text.items()))
        if key not in self.state.concepts:
            name = element_text(element)
            concept = Concept(
                agency=self.options.agency,
                id=self.b.id("con", element.get("ID") or name[:60]),
                version=None,
                name=name,
                label=text,
            )
            if element.get("vocab"):
                concept.user_attributes.append(("ddicat:vocabulary", element.get("vocab", "")))
            self.state.concepts[key] = self.b.add(concept)
        return self.state.concepts[key]

    # The whole codebook ----------------------------------------------------------------------------

    def _study_and_waves(self) -> tuple[StudyInfo, list[WaveInfo], dict[object, str | None]]:
        state = self.state
        by_file = {f.id: f for f in state.files}
        if len(state.files) > 1:
            for data_file in state.files:
                stem = PurePath(data_file.name).stem or data_file.id
                data_file.wave = WaveInfo(
                    agency=self.options.agency,
                    id=self.b.id("wave", data_file.id),
                    version="1",
                    name=stem,
                    title={self.b.texts.default: data_file.name},
                    attributes={"ddicat:dataFile": data_file.name},
                )
        placement: dict[object, str | None] = {}
        for _, variable, construct, files in state.variables:
            known = [by_file[f] for f in files if f in by_file] or (
                state.files[:1] if len(state.files) == 1 else []
            )
            for data_file in known:
                variable.user_attributes.append(("ddicat:dataFile", data_file.name))
            wave = known[0].wave if len(known) == 1 else None
            if wave is not None:
                placement[variable.key] = wave.id
                for question in variable.questions:
                    placement[question.key] = wave.id
                if construct is not None:
                    placement[construct.key] = wave.id
        waves = [f.wave for f in state.files if f.wave is not None]
        title = state.title or {self.b.texts.default: PurePath(self.file_name).stem}
        study = StudyInfo(
            agency=self.options.agency,
            id=self.b.id("study", state.root_id or "codebook"),
            version="1",
            element="Group" if waves else "StudyUnit",
            title=title,
            abstract=state.abstract,
        )
        return study, waves, placement

    def _apply_groups(self) -> None:
        by_id = {source_id: variable for source_id, variable, _, _ in self.state.variables}
        for group in self.state.groups:
            for member in group.members:
                if member in by_id:
                    by_id[member].user_attributes.append(("ddicat:variableGroup", _first(group.label)))
                else:
                    self.b.warn(
                        f"varGrp {group.name!r} names {member!r}, which no var has as ID",
                        self.b.location(element="varGrp"),
                        "ddic-group",
                    )

    def _instrument(self) -> None:
        """With question texts, an Instrument listing them: one section Sequence per varGrp, in var order."""
        constructs = [
            (source_id, construct) for source_id, _, construct, _ in self.state.variables if construct
        ]
        if not constructs:
            return
        group_of: dict[str, VarGroup] = {}
        for group in self.state.groups:
            for member in group.members:
                group_of.setdefault(member, group)
        top: list[Ref] = []
        placed: set[str] = set()
        for source_id, _ in constructs:
            group = group_of.get(source_id)
            if group is None:
                top.append(next(c for s, c in constructs if s == source_id))
            elif group.name not in placed:
                placed.add(group.name)
                members = [c for s, c in constructs if group_of.get(s) is group]
                top.append(self.b.sequence(group.name, members, group.label))
        name = self.state.root_id or PurePath(self.file_name).stem
        root = self.b.sequence(name, top, self.state.title)
        self.b.instrument(name, root, self.state.title)


def _question_domain(representation: Representation) -> Representation:
    """The question's response domain: the variable's representation, one answer for a code list."""
    return replace(
        representation,
        missing_values=list(representation.missing_values),
        max_responses=1 if representation.kind == "code" else representation.max_responses,
    )


def _first(text: LangText) -> str:
    return next((value for value in text.values() if value), "")


def _number(value: str | None) -> str | None:
    value = (value or "").strip()
    return value if re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", value) else None


IMPORTER = DDICodebookImporter()
