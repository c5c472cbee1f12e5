"""What the REDCap project XML and CDISC ODM 1.3 / 2.0 share: recognising, parsing and reading texts.

Both are ODM documents. Parsing is safe and bounded: entity declarations are refused, no DTD or network
is ever loaded, and the parts holding individual data (`ClinicalData`, `AdminData` with its users,
`ReferenceData`, signatures) are discarded as the parser streams past them, never kept: a 500 MB export
with data costs the memory of its metadata only.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from lxml import etree

from catalogue.errors import InvalidInput, Location, Problem
from catalogue.model import LangText
from importers.label_text import TextLanguages

ODM_NAMESPACES = {
    "http://www.cdisc.org/ns/odm/v1.3": "1.3",
    "http://www.cdisc.org/ns/odm/v2.0": "2.0",
}
REDCAP_NAMESPACE = "https://projectredcap.org"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Subtrees with individual-level or administrative data: streamed past and dropped. The parser reports the
# end of each of their repeated units (subjects, users...), which is cleared at once, so that memory holds
# one unit at a time whatever the size of the data.
SKIPPED = frozenset({"ClinicalData", "AdminData", "ReferenceData"})
DATA_UNITS = frozenset(
    {
        "SubjectData",
        "AuditRecords",
        "Signatures",
        "Annotations",
        "User",
        "Location",
        "SignatureDef",
        "Signature",
    }
)
SIGNATURE_TAG = "{http://www.w3.org/2000/09/xmldsig#}Signature"
SNIFF_BYTES = 65_536

_PROLOG = re.compile(rb"\s*(<\?xml[^>]*\?>\s*|<!--.*?-->\s*|<!DOCTYPE[^\[>]*(\[.*?\])?\s*>\s*)*", re.DOTALL)
_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?ODM\b[^>]*>", re.DOTALL)


@dataclass(frozen=True, slots=True)
class OdmKind:
    """An ODM document recognised by its first bytes: namespace, ODM version, and whether REDCap made it."""

    namespace: str
    version: str
    redcap: bool


def sniff_odm(data: bytes) -> OdmKind | None:
    """The kind of ODM document these bytes start, or None (by content: root element and namespace)."""
    head = data[:SNIFF_BYTES]
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    prolog = _PROLOG.match(head)
    start = prolog.end() if prolog else 0
    root = _ROOT.match(head, start)
    if root is None:
        return None
    tag = root.group(0)
    for namespace, version in ODM_NAMESPACES.items():
        if namespace.encode() in tag:
            redcap = REDCAP_NAMESPACE.encode() in tag or b'SourceSystem="REDCap"' in tag
            return OdmKind(namespace, version, redcap)
    return None


@dataclass(slots=True)
class OdmDocument:
    """The metadata tree of an ODM file (individual data already dropped) and how to name its elements."""

    root: etree._Element
    namespace: str
    version: str
    file_name: str
    skipped: dict[str, int] = field(default_factory=dict)

    def q(self, local: str) -> str:
        return f"{{{self.namespace}}}{local}"

    def redcap(self, element: etree._Element, name: str) -> str:
        """A `redcap:` attribute, '' when absent."""
        return (element.get(f"{{{REDCAP_NAMESPACE}}}{name}") or "").strip()

    def children(self, element: etree._Element, local: str) -> list[etree._Element]:
        return element.findall(self.q(local))

    def child(self, element: etree._Element, local: str) -> etree._Element | None:
        return element.find(self.q(local))

    def location(self, element: etree._Element) -> Location:
        oid = element.get("OID")
        local = etree.QName(element).localname
        return Location(
            file=self.file_name, line=element.sourceline, element=f"{local}[@OID='{oid}']" if oid else local
        )

    def translated(self, element: etree._Element | None, texts: TextLanguages) -> LangText:
        """The TranslatedText children of an element, each under its xml:lang (or split / default)."""
        result: LangText = {}
        if element is None:
            return result
        for node in element.findall(self.q("TranslatedText")):
            text = texts.lang_text("".join(node.itertext()), (node.get(XML_LANG) or "").strip() or None)
            for lang, value in text.items():
                result.setdefault(lang, value)
        return result

    def metadata_version(self) -> tuple[etree._Element, etree._Element, list[Problem]]:
        """The Study and its first MetaDataVersion (a warning when there are several)."""
        study = self.child(self.root, "Study")
        mdv = self.child(study, "MetaDataVersion") if study is not None else None
        if study is None or mdv is None:
            raise InvalidInput(
                [
                    Problem(
                        "error",
                        "no Study/MetaDataVersion: the ODM file carries no metadata",
                        Location(file=self.file_name, element="ODM"),
                        "odm-structure",
                    )
                ]
            )
        problems = []
        others = self.children(study, "MetaDataVersion")[1:]
        if others:
            problems.append(
                Problem(
                    "warning",
                    f"{len(others)} more MetaDataVersion elements are not read (only {mdv.get('OID')!r})",
                    self.location(others[0]),
                    "odm-structure",
                )
            )
        return study, mdv, problems


def parse_odm(file_name: str, data: bytes) -> OdmDocument:
    """The ODM metadata tree, streamed with individual data dropped; InvalidInput when not ODM or broken."""
    if not data or data.isspace():
        raise _refused(file_name, "the file is empty", "empty")
    kind = sniff_odm(data)
    if kind is None:
        raise _refused(
            file_name, "not a CDISC ODM document (no <ODM> root in the ODM 1.3 or 2.0 namespace)", "not-odm"
        )
    if re.search(rb"<!ENTITY", data[:SNIFF_BYTES]):
        raise _refused(file_name, "entity declarations are refused in uploaded XML", "xml-entities")
    containers = {f"{{{kind.namespace}}}{local}": local for local in SKIPPED}
    data_tags = set(containers) | {f"{{{kind.namespace}}}{local}" for local in DATA_UNITS} | {SIGNATURE_TAG}
    skipped: dict[str, int] = {}
    try:
        events = etree.iterparse(
            io.BytesIO(data),
            events=("end",),
            tag=sorted(data_tags),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=True,
            remove_comments=True,
            remove_pis=True,
        )
        for _event, element in events:
            # Only data elements reach here: drop each as it ends, and the finished siblings before it.
            element.clear(keep_tail=False)
            parent = element.getparent()
            if parent is None:
                continue
            if element.tag in containers and parent.tag not in data_tags:
                local = containers[element.tag]
                skipped[local] = skipped.get(local, 0) + 1
                parent.remove(element)
                continue
            previous = element.getprevious()
            while previous is not None and previous.tag in data_tags:
                parent.remove(previous)
                previous = element.getprevious()
        root = events.root
    except etree.XMLSyntaxError as error:
        line = error.position[0] if error.position else None
        raise InvalidInput(
            [
                Problem(
                    "error",
                    f"not well-formed XML: {error.msg}",
                    Location(file=file_name, line=line),
                    "xml-syntax",
                )
            ]
        ) from error
    return OdmDocument(
        root=root, namespace=kind.namespace, version=kind.version, file_name=file_name, skipped=skipped
    )


def _refused(file_name: str, message: str, code: str) -> InvalidInput:
    return InvalidInput([Problem("error", message, Location(file=file_name), code)])
