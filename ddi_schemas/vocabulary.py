"""What each DDI-L element is (maintainable, versionable, identifiable, reference, language-tagged text),
read from the official XSDs themselves rather than from a hand-kept list.

An element is classified by the base types its declared type derives from: `r:MaintainableType`,
`r:VersionableType`, `r:IdentifiableType` (and their `Abstract*` forms), `r:ReferenceType`, and the types
that carry `xml:lang` (`r:StringType`/`r:ContentType` in 3.2 and 3.3; `r:InternationalStringType`/
`r:StructuredStringType` in 3.1).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from lxml import etree

from ddi_schemas.namespaces import ddi_module_namespace

XS = "{http://www.w3.org/2001/XMLSchema}"
IdentityKind = Literal["maintainable", "versionable", "identifiable"]


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Element names (Clark notation) of one DDI-L version, by the role they play in identification."""

    version: str
    maintainable: frozenset[str]
    versionable: frozenset[str]
    identifiable: frozenset[str]
    reference: frozenset[str]
    text: frozenset[str]

    def kind(self, tag: str) -> IdentityKind | None:
        """How an element is identified, or None when it is not an identified object."""
        if tag in self.maintainable:
            return "maintainable"
        if tag in self.versionable:
            return "versionable"
        if tag in self.identifiable:
            return "identifiable"
        return None

    def is_identified(self, tag: str) -> bool:
        return tag in self.maintainable or tag in self.versionable or tag in self.identifiable


def _qualified(node: etree._Element, value: str) -> str:
    prefix, _, local = value.rpartition(":")
    namespace = node.nsmap.get(prefix or None)
    return f"{{{namespace}}}{local}" if namespace else local


def _read_declarations(folder: Path) -> tuple[dict[str, str], dict[str, set[str]]]:
    """Type → base type, and element → declared types, over every XSD of the folder."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False, remove_comments=True)
    bases: dict[str, str] = {}
    element_types: dict[str, set[str]] = {}
    for path in sorted(folder.glob("*.xsd")):
        schema = etree.parse(str(path), parser).getroot()
        target = schema.get("targetNamespace")

        def name_in_target(local: str, target: str | None = target) -> str:
            return f"{{{target}}}{local}" if target else local

        for type_node in schema.iter(f"{XS}complexType", f"{XS}simpleType"):
            name = type_node.get("name")
            owner = type_node.getparent()
            if name is None and owner is not None and owner.tag == f"{XS}element" and owner.get("name"):
                name = f"#anonymous-{owner.get('name')}-{type_node.sourceline}"
                element_types.setdefault(name_in_target(owner.get("name", "")), set()).add(
                    name_in_target(name)
                )
            if name is None:
                continue
            for derivation in type_node.iter(f"{XS}extension", f"{XS}restriction"):
                base = derivation.get("base")
                if base:
                    bases[name_in_target(name)] = _qualified(derivation, base)
                    break
        for element in schema.iter(f"{XS}element"):
            name, declared = element.get("name"), element.get("type")
            if name and declared:
                element_types.setdefault(name_in_target(name), set()).add(_qualified(element, declared))
    return bases, element_types


def _lineage(bases: dict[str, str], type_name: str) -> set[str]:
    seen: set[str] = set()
    current: str | None = type_name
    while current and current not in seen:
        seen.add(current)
        current = bases.get(current)
    return seen


def derive_vocabulary(folder: Path, version: str) -> Vocabulary:
    """Classify every element declared in a verified schema folder of `version`."""
    reusable = ddi_module_namespace("reusable", version)

    def types(*names: str) -> set[str]:
        return {f"{{{reusable}}}{name}" for name in names}

    roots: dict[str, set[str]] = {
        "maintainable": types("MaintainableType", "AbstractMaintainableType"),
        "versionable": types("VersionableType", "AbstractVersionableType"),
        "identifiable": types("IdentifiableType", "AbstractIdentifiableType"),
        "reference": types("ReferenceType"),
        "text": types("InternationalStringType", "StructuredStringType")
        if version == "3.1"
        else types("StringType", "ContentType"),
    }
    found: dict[str, set[str]] = {role: set() for role in roots}
    bases, element_types = _read_declarations(folder)
    for element, declared in element_types.items():
        for type_name in declared:
            lineage = _lineage(bases, type_name)
            for role in ("maintainable", "versionable", "identifiable"):
                if lineage & roots[role]:
                    found[role].add(element)
                    break
            for role in ("reference", "text"):
                if lineage & roots[role]:
                    found[role].add(element)
    maintainable = frozenset(found["maintainable"])
    versionable = frozenset(found["versionable"] - maintainable)
    return Vocabulary(
        version=version,
        maintainable=maintainable,
        versionable=versionable,
        identifiable=frozenset(found["identifiable"] - maintainable - versionable),
        reference=frozenset(found["reference"]),
        text=frozenset(found["text"]),
    )
