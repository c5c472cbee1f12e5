"""What a DDI-L document is, read from its first bytes: DDI-L version, root element, declared encoding.

Reading it also refuses what is not a DDI-Lifecycle document at all: an empty file, a file that is not
XML, a DOCTYPE with entities, another XML vocabulary (a DDI-Codebook gets a hint), an unknown version.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from ddi_schemas.namespaces import ddi_namespace, prefixed, split_clark
from ddi_schemas.prolog import Prolog
from ddi_schemas.releases import VERSIONS
from ddi_schemas.stream import Source, check_prolog, display_name, first_element, refusal

_CODEBOOK_NAMESPACES = ("ddi:codebook:", "http://www.icpsr.umich.edu/DDI")


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """What a DDI-L document is, read from its first bytes: version, root element and declared encoding."""

    version: str
    root: str
    namespace: str
    encoding: str | None
    file_name: str | None = None
    root_line: int | None = None

    @property
    def tag(self) -> str:
        """The root in Clark notation (`{ddi:instance:3_3}DDIInstance`)."""
        return f"{{{self.namespace}}}{self.root}"

    @property
    def root_name(self) -> str:
        """The root as messages show it (`ddi:DDIInstance`, `g:ResourcePackage`)."""
        return prefixed(self.tag)


def _describe_root(tag: str, file: str | None, prolog: Prolog, line: int | None) -> DocumentInfo:
    namespace, local = split_clark(tag)
    ddi = ddi_namespace(namespace)
    if ddi is None:
        found = f"<{local}> in namespace {namespace}" if namespace else f"<{local}> without a namespace"
        hint = "a DDI-Lifecycle root is in a namespace ddi:<module>:3_N, like ddi:instance:3_3"
        if local == "codeBook" or (namespace or "").startswith(_CODEBOOK_NAMESPACES):
            hint = "this is a DDI-Codebook (DDI 2.x) document, not DDI-Lifecycle: import it as DDI-Codebook"
        raise refusal(
            "not-ddi",
            f"this is not a DDI-Lifecycle document: its root is {found}; {hint}",
            file=file,
            line=line,
            element=local,
        )
    if ddi.version not in VERSIONS:
        raise refusal(
            "unknown-version",
            f"DDI-Lifecycle {ddi.version} (namespace {namespace}) is not supported: "
            f"ddicat reads DDI-L {', '.join(VERSIONS)}",
            file=file,
            line=line,
            element=prefixed(tag),
        )
    return DocumentInfo(ddi.version, local, namespace or "", prolog.encoding, file, line)


def open_document(source: Source, *, file_name: str | None = None) -> tuple[DocumentInfo, Prolog]:
    """Check the prolog and the root element, without reading further; InvalidInput on bad input."""
    file = display_name(source, file_name)
    prolog = check_prolog(source, file)
    root = first_element(source, file, prolog)
    tag = cast(str, root.tag)
    return _describe_root(tag, file, prolog, prolog.root_line or root.sourceline), prolog


def sniff(source: Source, *, file_name: str | None = None) -> DocumentInfo:
    """The DDI-L version (from the root's `3_N` namespace suffix), root element and declared encoding."""
    return open_document(source, file_name=file_name)[0]
