"""The catalogue's rules beyond the XSD, checked in one streaming pass, each problem with its line.

- references resolve, in the document or in the catalogue (the caller's `known` callback), else a warning
  (an error when `strict`); a reference that finds only another version of its target is a warning;
- an agency:id:version defined twice with different content on the same element type is an error (exact
  copies are fine: Colectica repeats fragments); the same identity on two element types is a warning;
  identifiables (l:Code...) are compared only inside one occurrence of their parent, since tools copy
  code lists with their codes' IDs;
- `r:TypeOfObject` names the element the reference lands on, else a warning;
- URNs are well formed and agree with r:Agency/r:ID/r:Version, else an error;
- texts (r:String, r:Content, d:Text...) carry `xml:lang`, on them or an ancestor, else a warning.
3.1 documents identify objects with attributes (`id`, `agency` on maintainables, `version`).

The checker reads a document in one of two ways. The subtree road (`container_start`, `container_end`,
`subtree`; driven by `stream(walker=...)`) walks each subtree in one loop and computes no content digest:
digests only matter when one identity is defined twice, and then `exact_needed` says so and
`settled_report` reads the document again on the element road (`start`/`end`), which digests everything.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree

from ddi_schemas.compiled import SchemaSet
from ddi_schemas.document import DocumentInfo, open_document
from ddi_schemas.namespaces import XML_LANG, ddi_module_namespace, prefixed, split_clark
from ddi_schemas.problems import Location, Problem, Severity
from ddi_schemas.prolog import Prolog
from ddi_schemas.stream import Source, StreamOutcome, stream
from ddi_schemas.urns import Urn, parse_urn
from ddi_schemas.vocabulary import Vocabulary

Known = Callable[[str, str, str | None], bool]
"""Whether the catalogue holds (agency, id, version); version None asks for any version."""

_VOLATILE_ATTRIBUTES = frozenset({"versionDate"})


@dataclass(slots=True)
class ProfileReport:
    """The profile's problems (errors first, then by line) and how many identified objects of each element."""

    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity == "warning"]

    @property
    def valid(self) -> bool:
        return not self.errors


class _Open:
    """An identified object or a reference whose element is still open: its identity as read so far."""

    __slots__ = (
        "tag",
        "depth",
        "line",
        "reference",
        "urn",
        "urn_line",
        "agency",
        "id",
        "version",
        "type_of_object",
        "parts",
        "children_seen",
    )

    def __init__(self, tag: str, depth: int, line: int, reference: bool) -> None:
        self.tag, self.depth, self.line, self.reference = tag, depth, line, reference
        self.urn: str | None = None
        self.urn_line: int | None = None
        self.agency: str | None = None
        self.id: str | None = None
        self.version: str | None = None
        self.type_of_object: str | None = None
        self.parts: list[str] = []
        self.children_seen: dict[tuple[str, str, str, str | None], tuple[str, int]] | None = None


_Definition = tuple[str, int, str | None]
"""An identity defined on one element type: local name, first line, digest (None for identifiables)."""


@dataclass(frozen=True, slots=True)
class _Reference:
    agency: str
    id: str
    version: str | None
    type_of_object: str | None
    late_bound: bool
    line: int
    element: str


class ProfileChecker:
    """The element handler that applies the profile rules while the document streams by.

    Content digests are built bottom-up: each identified object hashes its own start tags, attributes and
    texts, and the digests of the identified objects nested in it, so every element is hashed once.
    """

    def __init__(
        self,
        document: DocumentInfo,
        vocabulary: Vocabulary,
        *,
        known: Known | None = None,
        strict: bool = False,
    ) -> None:
        self.document = document
        self.vocabulary = vocabulary
        self.known = known
        self.strict = strict
        self.file = document.file_name
        self.attributes_identify = document.version == "3.1"
        reusable = ddi_module_namespace("reusable", document.version)
        agency = "IdentifyingAgency" if self.attributes_identify else "Agency"
        self.fields = {
            f"{{{reusable}}}{name}": slot
            for name, slot in (
                ("URN", "urn"),
                (agency, "agency"),
                ("ID", "id"),
                ("Version", "version"),
                ("TypeOfObject", "type_of_object"),
            )
        }
        self.identified = vocabulary.maintainable | vocabulary.versionable | vocabulary.identifiable
        self.references = vocabulary.reference
        self.texts = vocabulary.text
        self.depth = 0
        self.text_depth = 0  # depth of the open language-tagged text element, 0 outside any
        self.langs: list[tuple[int, str]] = []
        self.open: list[_Open] = []
        self.objects: list[_Open] = []
        self.outside: list[str] = []
        self.problems: list[Problem] = []
        self.counts: dict[str, int] = {}
        # (agency lower-cased, id, version) → one (element name, first line, digest) per element type
        self.targets: dict[tuple[str, str, str | None], list[_Definition]] = {}
        self.pending: list[_Reference] = []
        self.known_cache: dict[tuple[str, str, str | None], bool] = {}
        # the subtree road: its containers, the elements it looks at, and whether digests turned out needed
        self.containers = vocabulary.maintainable
        self.relevant = self.identified | self.references | self.texts
        self.exact_needed = False

    def _report(self, severity: Severity, code: str, message: str, line: int | None, tag: str | None) -> None:
        location = Location(file=self.file, line=line, element=prefixed(tag) if tag else None)
        self.problems.append(Problem(severity, message, location, code))

    # -- streaming ------------------------------------------------------------------------------------

    def start(self, element: etree._Element) -> None:
        self.depth += 1
        tag: str = element.tag  # type: ignore[assignment]  # never a comment or PI: the parser drops them
        lang = element.get(XML_LANG)
        if lang is not None:
            self.langs.append((self.depth, lang))
        parts = self.objects[-1].parts if self.objects else self.outside
        if self.text_depth:  # mixed content (XHTML in a text): the tails between elements are text too
            previous = element.getprevious()
            if previous is not None and previous.tail and (tail := previous.tail.strip()):
                parts.append(tail)
        elif tag in self.texts:
            self.text_depth = self.depth
        if tag in self.identified or tag in self.references:
            reference = tag in self.references
            record = _Open(tag, self.depth, element.sourceline or 0, reference)
            if self.attributes_identify:
                self._attributes(record, element)
            self.open.append(record)
            if not reference:
                self.objects.append(record)
                parts = record.parts
        parts.append(tag)
        attributes = element.items()
        if attributes:
            parts.append(repr(sorted(item for item in attributes if item[0] not in _VOLATILE_ATTRIBUTES)))

    def _attributes(self, record: _Open, element: etree._Element) -> None:
        """3.1 identification: `id`, `urn`, `version`, and `agency` on maintainables (inherited below)."""
        owner = self.objects[-1] if self.objects else None
        record.agency = owner.agency if owner else None
        if record.reference:
            return
        record.id, record.urn = element.get("id"), element.get("urn")
        record.urn_line = record.line if record.urn else None
        record.agency = element.get("agency") or record.agency
        record.version = element.get("version")
        if (
            record.version is None
            and self.vocabulary.kind(record.tag) == "identifiable"
            and owner is not None
        ):
            record.version = owner.version

    def end(self, element: etree._Element) -> None:
        depth = self.depth
        tag: str = element.tag  # type: ignore[assignment]
        text = element.text.strip() if element.text else ""
        slot = self.fields.get(tag)
        if slot is not None and self.open and self.open[-1].depth == depth - 1:
            owner = self.open[-1]
            if not self.attributes_identify or owner.reference:
                if getattr(owner, slot) is None or (slot == "agency" and self.attributes_identify):
                    setattr(owner, slot, text)
                    if slot == "urn":
                        owner.urn_line = element.sourceline
        lang = self.langs[-1][1] if self.langs else ""
        if tag in self.texts and not lang and (text or len(element)):
            self._report(
                "warning",
                "no-lang",
                "this text has no xml:lang (on it or an ancestor): say which language it is in",
                element.sourceline,
                tag,
            )
        parts = self.objects[-1].parts if self.objects else self.outside
        if text:
            parts.append(text)
        if self.text_depth and len(element) and (tail := (element[-1].tail or "").strip()):
            parts.append(tail)
        if self.text_depth == depth:
            self.text_depth = 0
        parts.append("/")
        if self.open and self.open[-1].depth == depth:
            record = self.open.pop()
            if record.reference:
                self._reference(element, record)
            else:
                self.objects.pop()
                material = "\x1f".join(record.parts).encode("utf-8", "surrogatepass")
                digest = hashlib.blake2b(material, digest_size=12).hexdigest()
                (self.objects[-1].parts if self.objects else self.outside).append(digest)
                self._definition(record, digest)
        if self.langs and self.langs[-1][0] == depth:
            self.langs.pop()
        self.depth -= 1
        if not self.objects:
            self.outside.clear()

    # -- subtrees (no digests) -------------------------------------------------------------------------

    def container_start(self, element: etree._Element) -> None:
        """A container starts: what `start` does for the element itself (its children come later)."""
        self.depth += 1
        tag: str = element.tag  # type: ignore[assignment]
        if tag in self.identified or tag in self.references:
            self._push(element, tag, self.depth)

    def container_end(self, element: etree._Element) -> None:
        """A container ends, its children all seen."""
        tag: str = element.tag  # type: ignore[assignment]
        if tag in self.texts:
            self._check_language(element, tag)
        identified = tag in self.identified or tag in self.references
        if identified and self.open and self.open[-1].depth == self.depth:
            self._settle(element, self.open.pop(), fields_read=True)
        self.depth -= 1

    def subtree(self, element: etree._Element) -> None:
        """A complete element inside the innermost container: every rule for each element of its subtree,
        visiting only identified objects, references and texts (identity fields are read as children)."""
        tag = element.tag
        if not isinstance(tag, str):
            return
        slot = self.fields.get(tag)
        if slot is not None and self.open and self.open[-1].depth == self.depth:
            self._field(self.open[-1], slot, element)
        # lxml's own tag filter costs more than this loop (it is rebuilt for each subtree, from 450 names).
        # `opened` holds the relevant elements whose subtree is being walked: each one ends (in the order of
        # ends the element road sees) when the walk leaves it.
        relevant, identified, references = self.relevant, self.identified, self.references
        opened: list[tuple[etree._Element, _Open | None]] = []
        for node in element.iter():
            name = node.tag
            if name not in relevant:
                continue
            while opened and not _within(node, opened[-1][0], element):
                self._leave(*opened.pop())
            record = None
            if name in identified or name in references:
                record = self._push(node, name, -1)  # type: ignore[arg-type]
            opened.append((node, record))
        while opened:
            self._leave(*opened.pop())

    def _push(self, element: etree._Element, tag: str, depth: int) -> _Open:
        reference = tag in self.references
        record = _Open(tag, depth, element.sourceline or 0, reference)
        if self.attributes_identify:
            self._attributes(record, element)
        self.open.append(record)
        if not reference:
            self.objects.append(record)
        return record

    def _field(self, owner: _Open, slot: str, element: etree._Element) -> None:
        """An identity field (r:URN, r:Agency, r:ID, r:Version, r:TypeOfObject) of `owner`: the first wins."""
        if not self.attributes_identify or owner.reference:
            if getattr(owner, slot) is None or (slot == "agency" and self.attributes_identify):
                setattr(owner, slot, element.text.strip() if element.text else "")
                if slot == "urn":
                    owner.urn_line = element.sourceline

    def _leave(self, element: etree._Element, record: _Open | None) -> None:
        """What `end` checks, for a relevant element whose subtree has been walked."""
        tag: str = element.tag  # type: ignore[assignment]
        if tag in self.texts:
            self._check_language(element, tag)
        if record is not None:
            self.open.pop()
            self._settle(element, record, fields_read=False)

    def _check_language(self, element: etree._Element, tag: str) -> None:
        text = element.text.strip() if element.text else ""
        if (text or len(element)) and not _language(element):
            self._report(
                "warning",
                "no-lang",
                "this text has no xml:lang (on it or an ancestor): say which language it is in",
                element.sourceline,
                tag,
            )

    def _settle(self, element: etree._Element, record: _Open, *, fields_read: bool) -> None:
        """An identified object or a reference is complete: its identity read, it is checked."""
        if not fields_read and (record.reference or not self.attributes_identify):
            fields = self.fields
            for child in element:
                slot = fields.get(child.tag)  # type: ignore[call-overload]
                if slot is not None:
                    self._field(record, slot, child)
        if record.reference:
            self._reference(element, record)
        else:
            self.objects.pop()
            self._definition(record, None)

    # -- identity -------------------------------------------------------------------------------------

    def _identity(self, record: _Open) -> tuple[str, str, str | None, Urn | None] | None:
        """The agency, ID and version an element names (the URN wins), after checking the URN."""
        urn = None
        if record.urn is not None:
            urn = parse_urn(record.urn, self.document.version)
            if urn is None:
                self._report(
                    "error",
                    "bad-urn",
                    f"malformed DDI URN {record.urn!r} (expected urn:ddi:agency:id:version)",
                    record.urn_line or record.line,
                    record.tag,
                )
            else:
                self._check_urn_agrees(record, urn)
        if urn is not None:
            return urn.agency, urn.id, urn.version, urn
        if record.id is None or not record.agency:
            return None
        return record.agency, record.id, record.version or None, None

    def _check_urn_agrees(self, record: _Open, urn: Urn) -> None:
        disagreements = []
        if record.agency is not None and record.agency.lower() != urn.agency.lower():
            disagreements.append(f"agency {record.agency!r}")
        if record.id is not None and not urn.matches_id(record.id):
            disagreements.append(f"ID {record.id!r}")
        if record.version is not None and urn.version is not None and record.version != urn.version:
            disagreements.append(f"version {record.version!r}")
        if disagreements:
            self._report(
                "error",
                "urn-mismatch",
                f"the URN {record.urn} disagrees with its {', '.join(disagreements)}",
                record.urn_line or record.line,
                record.tag,
            )

    def _definition(self, record: _Open, digest: str | None) -> None:
        identity = self._identity(record)
        if identity is None:
            return
        agency, id, version, urn = identity
        tag = sys.intern(record.tag)
        local = sys.intern(split_clark(tag)[1])
        agency_key = sys.intern(agency.lower())
        self.counts[local] = self.counts.get(local, 0) + 1
        identifiable = self.vocabulary.kind(tag) == "identifiable"
        definitions = self.targets.get((agency_key, id, version))
        if definitions is None:
            definitions = self.targets[(agency_key, id, version)] = []
            for alias in {urn.object_id if urn else id, record.id or id} - {id}:
                self.targets.setdefault((agency_key, alias, version), definitions)
        name = f"{agency}:{id}:{version or '-'}"
        same_type = next((d for d in definitions if d[0] == local), None)
        if same_type is None:
            if definitions:
                other, line, _ = definitions[0]
                self._report(
                    "warning",
                    "duplicate-id-type",
                    f"{name} also identifies a {other} (line {line}): one identity should name one object",
                    record.line,
                    tag,
                )
            definitions.append((local, record.line, None if identifiable else digest))
        elif not identifiable:
            if digest is None:
                self.exact_needed = True
            elif same_type[2] != digest:
                self._report_duplicate(name, same_type[1], record)
        if identifiable and self.objects:
            owner = self.objects[-1]
            if owner.children_seen is None:
                owner.children_seen = {}
            key = (tag, agency_key, id, version)
            first = owner.children_seen.get(key)
            if first is None:
                owner.children_seen[key] = (digest or "", record.line)
            elif digest is None:
                self.exact_needed = True
            elif first[0] != digest:
                self._report_duplicate(name, first[1], record)

    def _report_duplicate(self, name: str, first_line: int, record: _Open) -> None:
        self._report(
            "error",
            "duplicate-id",
            f"{name} is defined again with different content (first at line "
            f"{first_line}): a changed object needs a new version",
            record.line,
            record.tag,
        )

    # -- references -----------------------------------------------------------------------------------

    def _reference(self, element: etree._Element, record: _Open) -> None:
        if self.attributes_identify and self.open and self.open[-1].reference:
            return  # 3.1 r:Module / r:Scheme inside a reference only give its context
        identity = self._identity(record)
        if identity is None:
            return
        agency, id, version, _ = identity
        late_bound = element.get("lateBound") == "true"
        reference = _Reference(
            agency, id, version, record.type_of_object, late_bound, record.line, record.tag
        )
        definitions = self.targets.get((agency.lower(), id, version)) if version is not None else None
        if definitions:
            self._check_type(reference, definitions)
        else:
            self.pending.append(reference)

    def _check_type(self, reference: _Reference, definitions: list[_Definition]) -> None:
        expected = reference.type_of_object
        if expected and all(local != expected for local, _, _ in definitions):
            other, line, _ = definitions[0]
            self._report(
                "warning",
                "type-mismatch",
                f"TypeOfObject says {expected} but "
                f"{reference.agency}:{reference.id}:{reference.version or '-'} is a {other} (line {line})",
                reference.line,
                reference.element,
            )

    def _known(self, agency: str, id: str, version: str | None) -> bool:
        if self.known is None:
            return False
        key = (agency, id, version)
        if key not in self.known_cache:
            self.known_cache[key] = bool(self.known(agency, id, version))
        return self.known_cache[key]

    def finish(self) -> ProfileReport:
        """Resolve the references still open once the whole document is known, and build the report."""
        versions: dict[tuple[str, str], list[str | None]] = {}
        if self.pending:
            for agency_key, id, version in self.targets:
                versions.setdefault((agency_key, id), []).append(version)
        for reference in self.pending:
            self._resolve_at_end(reference, versions.get((reference.agency.lower(), reference.id), []))
        self.pending.clear()
        ordered = sorted(self.problems, key=lambda p: (p.severity != "error", p.location.line or 0))
        return ProfileReport(ordered, dict(sorted(self.counts.items())))

    def _resolve_at_end(self, reference: _Reference, versions: list[str | None]) -> None:
        agency, id, version = reference.agency, reference.id, reference.version
        if version in versions or (version is None and versions):
            found = version if version in versions else max(versions, key=_version_order)
            self._check_type(reference, self.targets[(agency.lower(), id, found)])
            return
        if self._known(agency, id, version):
            return
        name = f"{agency}:{id}:{version or '-'}"
        late = " (late-bound: the latest version applies)" if reference.late_bound else ""
        if versions:
            found_versions = ", ".join(sorted((v or "-" for v in versions), key=_version_order))
            self._report(
                "warning",
                "version-skew",
                f"the reference to {name} resolves only to version {found_versions}{late}",
                reference.line,
                reference.element,
            )
        elif version is not None and self._known(agency, id, None):
            self._report(
                "warning",
                "version-skew",
                f"the reference to {name} resolves only to another version held by the catalogue{late}",
                reference.line,
                reference.element,
            )
        else:
            severity: Severity = "error" if self.strict else "warning"
            self._report(
                severity,
                "dangling-reference",
                f"the reference to {name} resolves neither in the document nor in the catalogue",
                reference.line,
                reference.element,
            )


def _within(node: etree._Element, ancestor: etree._Element, top: etree._Element) -> bool:
    """Whether `ancestor` is `node` or one of its ancestors, looking no higher than `top`."""
    current: etree._Element | None = node
    while current is not None:
        if current is ancestor:
            return True
        if current is top:
            return False
        current = current.getparent()
    return False


def _language(element: etree._Element) -> str:
    """The `xml:lang` in scope: on the element or its nearest ancestor that has one ('' when none)."""
    node: etree._Element | None = element
    while node is not None:
        lang = node.get(XML_LANG)
        if lang is not None:
            return lang
        node = node.getparent()
    return ""


def _version_order(version: str | None) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else -1 for part in (version or "").split(".") if part)


def profile(
    source: Source,
    schemas: SchemaSet,
    *,
    known: Known | None = None,
    strict: bool = False,
    file_name: str | None = None,
) -> ProfileReport:
    """Apply the catalogue's profile rules to a DDI-L document (not its XSD: see `check` for both at once)."""
    document, prolog = open_document(source, file_name=file_name)
    checker = ProfileChecker(document, schemas.vocabulary(document.version), known=known, strict=strict)
    outcome = stream(source, file=document.file_name, prolog=prolog, walker=checker, root_tag=document.tag)
    return settled_report(checker, source, prolog, outcome)


def settled_report(
    checker: ProfileChecker, source: Source, prolog: Prolog, outcome: StreamOutcome
) -> ProfileReport:
    """The report of a subtree pass; or that of an element pass over the same chunks when the subtree pass
    met an identity defined twice (the element pass compares their content) or stopped early (it then
    reports what lies in the elements already read, as the element pass does). The catalogue is asked
    once either way."""
    if not checker.exact_needed and outcome.complete:
        return checker.finish()
    exact = ProfileChecker(checker.document, checker.vocabulary, known=checker.known, strict=checker.strict)
    stream(
        source,
        file=checker.file,
        prolog=prolog,
        handler=exact,
        max_chunks=None if outcome.complete else outcome.chunks,
    )
    return exact.finish()
