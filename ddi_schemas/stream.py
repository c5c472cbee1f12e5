"""One safe, streaming read of an XML document: the prolog checked by hand, then libxml2 fed in chunks.

Everything a DDI-L input goes through passes here. The parser never resolves entities, never loads a
DTD, never touches the network, and accepts huge documents; elements are dropped as soon as they are
done, so memory stays bounded whatever the file size.

How lxml reports XSD errors while streaming (measured with lxml 6.1.3 / libxml2 2.14.6):
- validation (iterparse or a pull parser with `schema=`) does not stop at the first error: libxml2 goes
  on, skipping the rest of an invalid element's content, and appends each error to the parser's
  `feed_error_log` while it parses, but with line 0 and no path;
- `close()` then raises one `XMLSyntaxError` with only the first message; its `error_log` is the
  thread's global log, which still holds errors of earlier, unrelated parses;
- worse, with `schema=` lxml loses well-formedness errors: a truncated document passes, a stray `<`
  after the root passes, a tag mismatch becomes "no element found (line 0)".
So the gate validates with a separate parser whose target keeps nothing (well-formedness errors are
then raised normally, and validation costs no Python call per element), and places XSD errors on
their lines in a second pass, only for documents that have some.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol, cast

from lxml import etree

from ddi_schemas.problems import InvalidInput, Location, Problem
from ddi_schemas.prolog import Prolog, scan_prolog

Source = str | os.PathLike[str] | bytes
Event = Literal["start", "end"]

BLOCK_SIZE = 1 << 20
LONGEST_FEED = 1 << 16
_ELEMENT_IN_MESSAGE = re.compile(r"^Element '(?P<tag>[^']+)'(?P<attribute>, attribute '[^']+')?")
_START_PHASE = ("This element is not expected", "No matching global declaration", "attribute")
_NOT_TRUNCATION = frozenset(
    {
        etree.ErrorTypes.ERR_DOCUMENT_END,
        etree.ErrorTypes.ERR_UNDECLARED_ENTITY,
        etree.ErrorTypes.WAR_UNDECLARED_ENTITY,
    }
)
_ENCODING_TYPES = frozenset(
    {
        etree.ErrorTypes.ERR_INVALID_ENCODING,
        etree.ErrorTypes.ERR_UNSUPPORTED_ENCODING,
        etree.ErrorTypes.ERR_UNKNOWN_ENCODING,
    }
)


class ElementHandler(Protocol):
    """Told about each element at its start and at its end (then with its text, attributes and last child)."""

    def start(self, element: etree._Element) -> None: ...

    def end(self, element: etree._Element) -> None: ...


class SubtreeHandler(Protocol):
    """Told about its containers as they open and close, and about every other element once, whole.

    One Python call per subtree instead of two per element: the handler walks each subtree with lxml's C
    iterators. Any element may come as a container (the ancestors of a container always do), so the
    handler must reach the same verdict however the document is cut.
    """

    containers: frozenset[str]

    def container_start(self, element: etree._Element) -> None: ...

    def container_end(self, element: etree._Element) -> None: ...

    def subtree(self, element: etree._Element) -> None: ...


@dataclass(frozen=True, slots=True)
class SchemaError:
    """One XSD error as libxml2 worded it, with the line we found for it."""

    message: str
    line: int | None
    tag: str | None


@dataclass(slots=True)
class StreamOutcome:
    """The XSD errors met on the way, and whether the stream read the document to its end."""

    schema_errors: list[SchemaError] = field(default_factory=list)
    complete: bool = True
    chunks: int = 0  # how many 64 KiB chunks were read


def pull_parser(
    events: tuple[Event, ...], schema: etree.XMLSchema | None = None, tags: list[str] | None = None
) -> etree.XMLPullParser:
    """A pull parser that never resolves entities, loads a DTD or touches the network; huge files are fine."""
    return etree.XMLPullParser(
        events=events,
        tag=tags,
        schema=schema,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=True,
        remove_comments=True,
        remove_pis=True,
    )


def tree_parser() -> etree.XMLParser:
    """The same safe options, for a parser that builds the whole tree."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=True,
        remove_comments=True,
        remove_pis=True,
    )


class _Validator(Protocol):
    """What the gate uses of lxml's validating feed parser."""

    def feed(self, data: bytes) -> None: ...

    def close(self) -> object: ...

    @property
    def feed_error_log(self) -> etree._ListErrorLog: ...


def _validating_parser(schema: etree.XMLSchema) -> _Validator:
    """A validating parser whose target keeps nothing (it has no start/end/data for lxml to call)."""
    parser = etree.XMLParser(  # type: ignore[call-overload]  # lxml accepts a target with close() only
        target=_Discard(),
        schema=schema,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=True,
    )
    return cast(_Validator, parser)


def display_name(source: Source, file_name: str | None) -> str | None:
    """What messages call the document: the given name, else the path as the caller wrote it."""
    if file_name is not None:
        return file_name
    return None if isinstance(source, bytes) else str(source)


def read_blocks(source: Source, size: int = BLOCK_SIZE) -> Iterator[bytes]:
    """The document's bytes, block by block, from a path or from bytes already in memory."""
    if isinstance(source, bytes):
        for start in range(0, len(source), size):
            yield source[start : start + size]
        return
    with Path(source).open("rb") as stream:
        yield from iter(lambda: stream.read(size), b"")


def refusal(
    code: str, message: str, *, file: str | None, line: int | None = None, element: str | None = None
) -> InvalidInput:
    """An input refused for one reason, as a one-problem InvalidInput."""
    return InvalidInput([Problem("error", message, Location(file=file, line=line, element=element), code)])


def check_prolog(source: Source, file: str | None) -> Prolog:
    """The prolog of the document, or InvalidInput when it is empty, not XML, or declares entities."""
    try:
        prolog = scan_prolog(read_blocks(source, LONGEST_FEED))
    except OSError as error:
        raise refusal(
            "unreadable", f"the file cannot be read: {error.strerror or error}", file=file
        ) from None
    if prolog.refusal == "empty":
        raise refusal("empty", "the file is empty: there is no XML document in it", file=file)
    if prolog.refusal == "not-xml":
        raise refusal(
            "not-xml",
            f"this is not an XML document: {prolog.refusal_detail}",
            file=file,
            line=prolog.refusal_line,
        )
    if prolog.refusal == "entities":
        raise refusal(
            "entities",
            f"the document declares {prolog.refusal_detail}; DOCTYPE declarations are "
            "refused so that no entity is ever expanded or fetched",
            file=file,
            line=prolog.refusal_line,
        )
    return prolog


def syntax_refusal(
    error: etree.XMLSyntaxError,
    log: etree._ListErrorLog,
    *,
    file: str | None,
    prolog: Prolog,
    at_end: bool,
    root_seen: bool,
) -> InvalidInput:
    """A well-formedness error turned into the refusal a cohort team can act on."""
    entry = next((e for e in log if e.level_name in ("ERROR", "FATAL") and e.domain_name != "SCHEMASV"), None)
    kind = entry.type if entry is not None else error.code
    message = (entry.message if entry is not None else str(error.msg)).strip()
    line = (entry.line if entry is not None else error.lineno) or None
    declared = prolog.encoding or prolog.bom
    if kind in _ENCODING_TYPES or "UTF-8" in message or "encoding" in message.lower():
        claim = (
            f"its XML declaration says {declared}"
            if declared
            else "it has no encoding declaration, so UTF-8 applies"
        )
        return refusal(
            "encoding",
            f"the bytes do not match the document's encoding ({claim}): {message}; "
            're-save the file as UTF-8 or declare its real encoding (e.g. encoding="ISO-8859-1")',
            file=file,
            line=line,
        )
    if at_end and root_seen and kind not in _NOT_TRUNCATION:
        return refusal(
            "truncated", f"the document ends too early, it looks truncated ({message})", file=file, line=line
        )
    return refusal("malformed", f"this is not well-formed XML: {message}", file=file, line=line)


def _lines(chunk: bytes) -> Iterator[bytes]:
    """A chunk cut after each newline (the last piece may be a partial line)."""
    start = 0
    while (newline := chunk.find(b"\n", start)) >= 0:
        yield chunk[start : newline + 1]
        start = newline + 1
    if start < len(chunk):
        yield chunk[start:]


def _chunks(source: Source) -> Iterator[bytes]:
    """The document in 64 KiB pieces, the size both parsers are fed."""
    for block in read_blocks(source):
        for start in range(0, len(block), LONGEST_FEED):
            yield block[start : start + LONGEST_FEED]


def _locate(
    message: str, events: list[tuple[str, etree._Element]], fallback: int
) -> tuple[int | None, str | None]:
    """The line of the element an XSD error is about, among the events of the line that raised it."""
    match = _ELEMENT_IN_MESSAGE.match(message)
    if not match:
        return fallback, None
    tag = match["tag"]
    phase = "start" if match["attribute"] or any(hint in message for hint in _START_PHASE) else "end"
    candidates = [element for event, element in events if element.tag == tag and event == phase]
    candidates = candidates or [element for _, element in events if element.tag == tag]
    line = candidates[0].sourceline if candidates else None
    return (line or fallback), tag


def _forget(element: etree._Element) -> None:
    """Drop a finished element's content and its finished elder siblings: memory stays bounded."""
    element.clear(keep_tail=True)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def first_element(source: Source, file: str | None, prolog: Prolog) -> etree._Element:
    """The root element as soon as its start tag is read (the rest of the document is not read)."""
    parser = pull_parser(("start",))
    try:
        for chunk in read_blocks(source, LONGEST_FEED):
            parser.feed(chunk)
            for _, element in parser.read_events():
                return element
        parser.close()
    except etree.XMLSyntaxError as error:
        raise syntax_refusal(
            error, parser.feed_error_log, file=file, prolog=prolog, at_end=True, root_seen=False
        ) from None
    raise refusal("not-xml", "this is not an XML document: it holds no element", file=file)


def _schema_errors(log: etree._ListErrorLog, already: int) -> list[str]:
    """The XSD errors among the log entries after the first `already` ones."""
    return [
        entry.message
        for entry in list(log)[already:]
        if entry.domain_name == "SCHEMASV" and entry.level_name in ("ERROR", "FATAL")
    ]


class _Discard:
    """A parser target that keeps nothing: the validator builds no tree and calls no Python per element."""

    def close(self) -> None:
        return None


def _close(parser: etree.XMLPullParser) -> list[tuple[str, etree._Element]]:
    """Finish a pull parse and return its last events."""
    parser.close()
    return list(parser.read_events())


class _Edge:
    """Where `_Segments` stops handling a container's children: before its last child, or after all."""


BEFORE_LAST, ALL = _Edge(), _Edge()


class _Segments:
    """The document cut for a `SubtreeHandler`: containers open and close on their pull-parser events (the
    parser reports nothing else), every other element goes to `subtree` once complete, then leaves the tree.

    Each open container keeps only its last handled child (emptied, so that a container still knows it had
    children), its unhandled ones and the one being parsed: memory stays within a chunk and the open path.
    An element between two containers (a wrapper the handler does not name) is opened when a container
    inside it starts, and closed when the parse is seen to have left it.
    """

    def __init__(self, handler: SubtreeHandler) -> None:
        self.handler = handler
        self.stack: list[etree._Element] = []
        self.kept: list[etree._Element | None] = []

    def take(self, events: Iterator[tuple[str, etree._Element]] | list[tuple[str, etree._Element]]) -> bool:
        """Follow one batch of container events, then hand over what is complete; whether any came."""
        seen = False
        for event, element in events:
            seen = True
            if event == "start":
                self._reach(element.getparent())
                if self.stack:
                    self._handle(element)
                self._open(element)
            else:
                while self.stack[-1] is not element:
                    self._close_top()
                self._close_top()
        if self.stack:
            self._handle(BEFORE_LAST)
        return seen

    def _open(self, element: etree._Element) -> None:
        self.handler.container_start(element)
        self.stack.append(element)
        self.kept.append(None)

    def _reach(self, parent: etree._Element | None) -> None:
        """Make `parent` the innermost open container: close those the parse has left, open the elements
        between the innermost one still open and `parent`."""
        if parent is None:
            return
        while self.stack and not _inside(parent, self.stack[-1]):
            self._close_top()
        top = self.stack[-1] if self.stack else None
        chain: list[etree._Element] = []
        node: etree._Element | None = parent
        while node is not None and node is not top:
            chain.append(node)
            node = node.getparent()
        for ancestor in reversed(chain):
            if self.stack:
                self._handle(ancestor)
            self._open(ancestor)

    def _handle(self, until: etree._Element | _Edge) -> None:
        """Give the innermost container's complete children to the handler, up to `until`."""
        container, kept = self.stack[-1], self.kept[-1]
        children = list(container)
        first = 1 if kept is not None and children and children[0] is kept else 0
        if until is ALL:
            stop = len(children)
        elif until is BEFORE_LAST:
            stop = len(children) - 1
        else:
            stop = children.index(until, first)
        if stop <= first:
            return
        whole = self.handler.subtree
        for child in children[first:stop]:
            whole(child)
        last = children[stop - 1]
        del container[: stop - 1]
        last.clear(keep_tail=True)
        self.kept[-1] = last

    def _close_top(self) -> None:
        self._handle(ALL)
        container = self.stack.pop()
        self.kept.pop()
        self.handler.container_end(container)
        if self.stack:
            if self.kept[-1] is not None:
                self.stack[-1].remove(self.kept[-1])
            container.clear(keep_tail=True)
            self.kept[-1] = container


def _inside(node: etree._Element, ancestor: etree._Element) -> bool:
    """Whether `ancestor` is `node` or one of its ancestors."""
    current: etree._Element | None = node
    while current is not None:
        if current is ancestor:
            return True
        current = current.getparent()
    return False


def well_formedness_refusal(source: Source, *, file: str | None, prolog: Prolog) -> InvalidInput | None:
    """Why the document is not well-formed, read by a plain parser (whose messages are the clearest)."""
    parser = pull_parser(("end",))
    at_end = root_seen = False
    try:
        for chunk in _chunks(source):
            parser.feed(chunk)
            for _, element in parser.read_events():
                root_seen = True
                _forget(element)
        at_end = True
        parser.close()
    except etree.XMLSyntaxError as error:
        return syntax_refusal(
            error, parser.feed_error_log, file=file, prolog=prolog, at_end=at_end, root_seen=root_seen
        )
    return None


def stream(
    source: Source,
    *,
    file: str | None,
    prolog: Prolog,
    schema: etree.XMLSchema | None = None,
    handler: ElementHandler | None = None,
    walker: SubtreeHandler | None = None,
    max_errors: int | None = 100,
    root_tag: str | None = None,
    max_chunks: int | None = None,
) -> StreamOutcome:
    """Read the whole document once, validating against `schema` and telling `handler` about each element
    (or `walker` about its containers and the subtrees between them; `root_tag` is then always a container).

    Two parsers read the same 64 KiB chunks: a plain pull parser gives the handler its elements, and a
    validating parser with a do-nothing target (no tree, no Python call per element) collects XSD errors.
    `max_chunks` stops reading after that many chunks (to repeat a pass that stopped early).
    A pull parser with `schema=` is not used for the gate: lxml then loses well-formedness errors (a
    truncated document passes, a stray `<` after the root passes, others become "no element found").
    When the XSD finds errors, a second, validation-only pass feeds the chunks that raised them one line
    at a time to give each error its line.
    """
    segments = _Segments(walker) if walker is not None else None
    if segments is not None:
        tags = walker.containers | {root_tag} if root_tag else walker.containers  # type: ignore[union-attr]
        events: etree.XMLPullParser | None = pull_parser(("start", "end"), tags=sorted(tags))
    else:
        events = pull_parser(("start", "end")) if handler is not None else None
    validator = _validating_parser(schema) if schema is not None else None
    if events is None and validator is None:
        events = pull_parser(("start", "end"))
    outcome = StreamOutcome()
    messages: list[str] = []
    error_chunks: set[int] = set()
    logged = 0
    index = -1
    at_end = root_seen = False

    def take(pairs: Iterator[tuple[str, etree._Element]] | list[tuple[str, etree._Element]]) -> None:
        nonlocal root_seen
        if segments is not None:
            root_seen = segments.take(pairs) or root_seen
            return
        for event, element in pairs:
            root_seen = True
            if event == "start":
                if handler is not None:
                    handler.start(element)
            else:
                if handler is not None:
                    handler.end(element)
                _forget(element)

    def note_errors(chunk_index: int) -> None:
        nonlocal logged
        assert validator is not None
        log = validator.feed_error_log
        if len(log) > logged:
            found = _schema_errors(log, logged)
            logged = len(log)
            if found:
                messages.extend(found)
                error_chunks.add(chunk_index)

    try:
        for index, chunk in enumerate(_chunks(source)):
            outcome.chunks = index + 1
            if events is not None:
                events.feed(chunk)
                take(events.read_events())
            if validator is not None:
                validator.feed(chunk)
                note_errors(index)
                if max_errors is not None and len(messages) >= max_errors:
                    outcome.complete = False
                    break
            if max_chunks is not None and outcome.chunks >= max_chunks:
                outcome.complete = False
                break
        else:
            at_end = True
            if events is not None:
                take(_close(events))
            if validator is not None:
                validator.close()
                note_errors(index)
    except etree.XMLSyntaxError as error:
        if events is not None and any(e.domain_name != "SCHEMASV" for e in events.feed_error_log):
            raise syntax_refusal(
                error, events.feed_error_log, file=file, prolog=prolog, at_end=at_end, root_seen=root_seen
            ) from None
        refused = well_formedness_refusal(source, file=file, prolog=prolog)
        raise refused or refusal("malformed", f"this is not well-formed XML: {error}", file=file) from None
    if messages and schema is not None:
        outcome.schema_errors = _placed(source, schema, error_chunks, messages[:max_errors], root_tag)
    return outcome


def _prune(root: etree._Element | None) -> None:
    """Drop every finished element: only the open path (each level's last child) stays in the tree."""
    node = root
    while node is not None and len(node):
        if len(node) > 1:
            del node[:-1]
        node = node[-1]


def _placed(
    source: Source,
    schema: etree.XMLSchema | None,
    error_chunks: set[int],
    messages: list[str],
    root_tag: str | None,
) -> list[SchemaError]:
    """The same XSD errors again, this time with lines: the chunks that raised them are fed line by line.

    libxml2 reports the same errors in the same order however the input is cut, so the n-th error of this
    pass is the n-th of the first one. Each is placed on the element it names among the events of the
    line that raised it. Only the root and the elements the errors name make events; the tree is pruned
    after each chunk.
    """
    named = {match["tag"] for message in messages if (match := _ELEMENT_IN_MESSAGE.match(message))}
    tags = sorted(named | {root_tag}) if root_tag else None
    parser = pull_parser(("start", "end"), schema, tags)
    placed: list[SchemaError] = []
    logged = 0
    line = 1
    root: etree._Element | None = None

    def place(events: list[tuple[str, etree._Element]]) -> None:
        nonlocal logged, root
        if root is None and events:
            root = events[0][1].getroottree().getroot()
        log = parser.feed_error_log
        if len(log) > logged:
            for message in _schema_errors(log, logged):
                found_line, tag = _locate(message, events, line)
                placed.append(SchemaError(message, found_line, tag))
            logged = len(log)
        if tags is None:
            for event, element in events:
                if event == "end":
                    _forget(element)

    try:
        for index, chunk in enumerate(_chunks(source)):
            for piece in _lines(chunk) if index in error_chunks else (chunk,):
                parser.feed(piece)
                place(list(parser.read_events()))
                line += piece.count(b"\n")
            if len(placed) >= len(messages):
                break
            if tags is not None:
                _prune(root)
        else:
            try:
                parser.close()
            except etree.XMLSyntaxError:
                pass  # close() raises for any invalid document; the errors are in the log
            place(list(parser.read_events()))
    except etree.XMLSyntaxError:
        pass  # the first pass read this document without a syntax error; keep what was placed
    placed = placed[: len(messages)]
    return placed + [SchemaError(message, None, None) for message in messages[len(placed) :]]
