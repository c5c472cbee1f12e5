"""The gate every DDI-L input goes through: what the document is, and whether the official XSD accepts it.

Bad input (empty, not XML, not DDI-L, DOCTYPE with entities, truncated, wrong encoding, unknown DDI-L
version) raises `InvalidInput` with one located problem. XSD errors do not raise: they come back in the
`ValidationReport`, so that lenient imports can go on; strict callers call `raise_for_errors()`.
`check.check` runs this and the profile in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from ddi_schemas.compiled import SchemaSet
from ddi_schemas.document import DocumentInfo, open_document, sniff
from ddi_schemas.namespaces import prefixed_text
from ddi_schemas.problems import InvalidInput, Location, Problem
from ddi_schemas.prolog import Prolog
from ddi_schemas.stream import SchemaError, Source, read_blocks, stream, syntax_refusal, tree_parser

__all__ = ["DocumentInfo", "ValidationReport", "sniff", "validate", "xsd_problem"]


@dataclass(slots=True)
class ValidationReport:
    """The XSD verdict on one document: its version and root, and every XSD error found, with its line."""

    document: DocumentInfo
    problems: list[Problem] = field(default_factory=list)
    complete: bool = True

    @property
    def version(self) -> str:
        return self.document.version

    @property
    def root(self) -> str:
        return self.document.root

    @property
    def valid(self) -> bool:
        return not any(problem.severity == "error" for problem in self.problems)

    def raise_for_errors(self) -> None:
        """Refuse the document (InvalidInput with every error) when the XSD did not accept it."""
        if not self.valid:
            raise InvalidInput(self.problems)


def xsd_problem(message: str, line: int | None, file: str | None) -> Problem:
    """An libxml2 XSD message as a Problem: element named `prefix:Name`, the rest kept in libxml2's words."""
    text = prefixed_text(message.strip())
    element = None
    if text.startswith("Element '"):
        element, _, reason = text[len("Element '") :].partition("'")
        text = reason.lstrip(":, ").strip()
    return Problem("error", text, Location(file=file, line=line, element=element), "xsd")


def _whole_tree_errors(
    source: Source, schemas: SchemaSet, document: DocumentInfo, prolog: Prolog
) -> list[SchemaError]:
    """Every XSD error, with libxml2's own lines, by validating the document as one tree in memory."""
    parser = tree_parser()
    file = document.file_name
    at_end = False
    try:
        for block in read_blocks(source):
            parser.feed(block)
        at_end = True
        tree = parser.close()
    except etree.XMLSyntaxError as error:
        raise syntax_refusal(
            error, parser.feed_error_log, file=file, prolog=prolog, at_end=at_end, root_seen=True
        ) from None
    return [
        SchemaError(entry.message, entry.line or None, None)
        for entry in schemas.validate_tree(document.version, tree)
    ]


def validate(
    source: Source,
    schemas: SchemaSet,
    *,
    file_name: str | None = None,
    all_errors: bool = False,
    max_errors: int | None = 100,
) -> ValidationReport:
    """Validate against the XSD of the document's own DDI-L version, ignoring its `xsi:schemaLocation`.

    By default the document streams (bounded memory) and reading stops after `max_errors` XSD errors
    (None: never).
    `all_errors=True` validates it as one tree instead: every error libxml2 finds, at the cost of memory
    in proportion to the file, for lenient imports that go on despite them.
    """
    document, prolog = open_document(source, file_name=file_name)
    schema = schemas.validator(document.version)
    file = document.file_name
    if all_errors:
        errors, complete = _whole_tree_errors(source, schemas, document, prolog), True
    else:
        outcome = stream(
            source, file=file, prolog=prolog, schema=schema, max_errors=max_errors, root_tag=document.tag
        )
        errors, complete = outcome.schema_errors, outcome.complete
    problems = [xsd_problem(error.message, error.line, file) for error in errors]
    return ValidationReport(document, problems, complete)
