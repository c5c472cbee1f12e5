"""DDI-L namespaces: the version a namespace belongs to, and readable `prefix:Name` forms for messages."""

from __future__ import annotations

import re
from dataclasses import dataclass

XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace"
XML_LANG = f"{{{XML_NAMESPACE}}}lang"

_DDI_NAMESPACE = re.compile(r"^ddi:(?P<module>[a-z0-9_]+):3_(?P<minor>[0-9]+)$")
_CLARK = re.compile(r"\{(?P<ns>[^}]*)\}(?P<local>[A-Za-z_][\w.\-]*)")

# The prefixes every producer uses (ddi-notes §1); messages name elements with them whatever the file chose.
CONVENTIONAL_PREFIXES: dict[str, str] = {
    "instance": "ddi",
    "reusable": "r",
    "group": "g",
    "studyunit": "s",
    "conceptualcomponent": "c",
    "datacollection": "d",
    "logicalproduct": "l",
    "physicaldataproduct": "p",
    "physicalinstance": "pi",
    "archive": "a",
    "comparative": "cm",
    "ddiprofile": "pr",
    "dataset": "ds",
    "physicaldataproduct_ncube_normal": "m1",
    "physicaldataproduct_ncube_tabular": "m2",
    "physicaldataproduct_ncube_inline": "m3",
    "physicaldataproduct_proprietary": "m4",
}
_OTHER_PREFIXES = {
    XML_NAMESPACE: "xml",
    "http://www.w3.org/1999/xhtml": "xhtml",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://purl.org/dc/terms/": "dcterms",
    "http://www.w3.org/2001/XMLSchema-instance": "xsi",
}


@dataclass(frozen=True, slots=True)
class DDINamespace:
    """A namespace of the form `ddi:<module>:3_<minor>`."""

    module: str
    minor: int

    @property
    def version(self) -> str:
        return f"3.{self.minor}"


def ddi_namespace(namespace: str | None) -> DDINamespace | None:
    """The DDI-L module and version of a namespace, or None when it is not a DDI-L 3.x namespace."""
    match = _DDI_NAMESPACE.match(namespace or "")
    return DDINamespace(match["module"], int(match["minor"])) if match else None


def ddi_module_namespace(module: str, version: str) -> str:
    """`ddi:<module>:3_N` for a version written `3.N`."""
    return f"ddi:{module}:{version.replace('.', '_')}"


def split_clark(tag: str) -> tuple[str | None, str]:
    """`{ns}local` → (ns, local); a tag without namespace → (None, tag)."""
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return None, tag


def prefixed(tag: str) -> str:
    """`{ddi:datacollection:3_3}QuestionItem` → `d:QuestionItem`; unknown namespaces keep their `{ns}`."""
    namespace, local = split_clark(tag)
    if namespace is None:
        return local
    ddi = ddi_namespace(namespace)
    prefix = CONVENTIONAL_PREFIXES.get(ddi.module) if ddi else _OTHER_PREFIXES.get(namespace)
    return f"{prefix}:{local}" if prefix else tag


def prefixed_text(text: str) -> str:
    """Every `{ns}local` inside a message (libxml2 writes them so) turned into `prefix:local`."""
    return _CLARK.sub(lambda match: prefixed(match.group(0)), text)
