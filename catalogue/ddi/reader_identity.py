"""Who an element is and what it points at: DDI versions, identification (URN, Agency/ID/Version, 3.1
attributes) and references, normalised to the catalogue's `Ref`."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass

from lxml import etree

from catalogue.ddi.reader_context import ReadContext
from catalogue.model import ItemKey, Ref, parse_urn

DDI_NAMESPACE = re.compile(r"^ddi:(?P<module>[a-z_0-9]+):3_(?P<minor>[0-9]+)$")
SUPPORTED_VERSIONS = ("3.1", "3.2", "3.3")
DEFAULT_31_VERSION = "1.0.0"  # 3.1: "Default value is 1.0.0" (reusable.xsd, NewVersionType)

_IDENTITY_ORDER = ("URN", "Agency", "ID", "Version")
_URN_31 = re.compile(r"^urn:ddi:(?P<agency>[^:]+):(?P<first>[^:]+)(?::(?P<second>[^:]+))?$", re.IGNORECASE)
_URN_DEPRECATED = re.compile(
    r"^urn:ddi:(?P<agency>[^:]+):(?P<type>[A-Za-z]+):(?P<id>[^:]+):(?P<version>[0-9]+(?:\.[0-9]+)*)$",
    re.IGNORECASE,
)

# Reference element names whose target type is not simply the name without "Reference".
REFERENCE_TARGETS: dict[str, str] = {
    "QuestionReference": "QuestionItem",
    "CodeSchemeReference": "CodeList",
    "ControlConstructReference": "Sequence",
    "ThenConstructReference": "Sequence",
    "ElseConstructReference": "Sequence",
    "UntilConstructReference": "Sequence",
    "WhileConstructReference": "Sequence",
    "InterviewerInstructionReference": "Instruction",
    "SourceVariableReference": "Variable",
    "VariableUsedReference": "Variable",
    "AssignedVariableReference": "Variable",
    "LoopVariableReference": "Variable",
    "SubclassOfReference": "Concept",
    "AgencyOrganizationReference": "Organization",
    "TextDomainReference": "ManagedTextRepresentation",
    "NumericDomainReference": "ManagedNumericRepresentation",
    "DateTimeDomainReference": "ManagedDateTimeRepresentation",
    "ScaleDomainReference": "ManagedScaleRepresentation",
    "TextRepresentationReference": "ManagedTextRepresentation",
    "NumericRepresentationReference": "ManagedNumericRepresentation",
    "DateTimeRepresentationReference": "ManagedDateTimeRepresentation",
    "ScaleRepresentationReference": "ManagedScaleRepresentation",
    "MissingValuesReference": "ManagedMissingValuesRepresentation",
}
# 3.1 element names of the things 3.2 renamed.
ELEMENT_TYPES_31 = {"CodeScheme": "CodeList"}


_LOCAL_NAMES: dict[str, str] = {}


def local_name(element: etree._Element) -> str:
    """`QuestionItem` for `{ddi:datacollection:3_3}QuestionItem` (memoised: a document has few tags)."""
    tag = element.tag
    name = _LOCAL_NAMES.get(tag)
    if name is None:
        if not isinstance(tag, str):
            return ""
        if len(_LOCAL_NAMES) > 10_000:
            _LOCAL_NAMES.clear()
        name = _LOCAL_NAMES[tag] = tag[tag.rfind("}") + 1 :]
    return name


def namespace_version(tag: str) -> str | None:
    """`3.3` for a tag in `ddi:<module>:3_3`, None outside DDI-L."""
    if not tag.startswith("{"):
        return None
    match = DDI_NAMESPACE.match(tag[1 : tag.find("}")])
    return f"3.{match['minor']}" if match else None


def element_type(name: str, version: str) -> str:
    """The catalogue's type name for a DDI element name of that version."""
    return ELEMENT_TYPES_31.get(name, name) if version == "3.1" else name


def reference_target(name: str, version: str) -> str:
    """The type a reference element points at when it does not say (3.1, or a lenient 3.2/3.3 reference)."""
    if name in REFERENCE_TARGETS:
        return REFERENCE_TARGETS[name]
    return element_type(name.removesuffix("Reference"), version)


@dataclass(frozen=True, slots=True)
class Identity:
    """Agency, ID and version of an identified element, as written (the agency keeps its case)."""

    agency: str
    id: str
    version: str | None

    @property
    def key(self) -> ItemKey:
        return ItemKey(self.agency.lower(), self.id, self.version)

    @property
    def node(self) -> tuple[str, str, str | None]:
        """The key as a plain tuple, for the document graph."""
        return (sys.intern(self.agency.lower()), self.id, self.version)


def parse_ddi_urn(urn: str) -> tuple[str, str, str | None] | None:
    """Agency, ID and version of a canonical, deprecated (`agency:Type:id:version`) or 3.1 URN."""
    urn = urn.strip()
    canonical = parse_urn(urn)
    if canonical:
        return canonical
    deprecated = _URN_DEPRECATED.match(urn)
    if deprecated:
        return deprecated["agency"], deprecated["id"], deprecated["version"]
    old = _URN_31.match(urn)
    if old:
        # 3.1: urn:ddi:agency:Class.ID.1.0.0[:Class.ID.1.0.0] — the last segment names the object.
        parts = (old["second"] or old["first"]).split(".")
        if len(parts) >= 5:
            return old["agency"], ".".join(parts[1:-3]), ".".join(parts[-3:])
    return None


def _text(element: etree._Element) -> str:
    return (element.text or "").strip()


def read_identity(
    element: etree._Element,
    ctx: ReadContext,
    *,
    quiet: bool = False,
    kids: dict[str, list[etree._Element]] | None = None,
) -> Identity | None:
    """The element's identity, or None (with a warning unless `quiet`) when it carries none that can be read.
    `kids` are the element's children by name when the caller has them already."""
    if ctx.version == "3.1":
        return _identity_31(element, ctx, quiet)
    if kids is None:
        kids = {}
        for child in element:  # the identity comes first: stop at the first other child
            name = _LOCAL_NAMES.get(child.tag) or local_name(child)  # type: ignore[arg-type]
            if name not in _IDENTITY_ORDER and name not in ("UserID", "UserAttributePair", ""):
                break
            kids.setdefault(name, [child])
    urn, agency, ddi_id, version = (_text(kids[n][0]) if n in kids else None for n in _IDENTITY_ORDER)
    return settle_identity(element, ctx, urn, agency, ddi_id, version or None, quiet=quiet)


def _identity_31(element: etree._Element, ctx: ReadContext, quiet: bool) -> Identity | None:
    attributes = element.attrib
    agency = attributes.get("agency") or ctx.inherited_agency
    version = attributes.get("version") or DEFAULT_31_VERSION
    return settle_identity(
        element, ctx, attributes.get("urn"), agency, attributes.get("id"), version, quiet=quiet
    )


def _identity(agency: str, ddi_id: str, version: str | None) -> Identity:
    """Agencies and versions repeat over every item of a document: share the strings."""
    return Identity(sys.intern(agency), ddi_id, sys.intern(version) if version is not None else None)


def settle_identity(
    element: etree._Element,
    ctx: ReadContext,
    urn: str | None,
    agency: str | None,
    ddi_id: str | None,
    version: str | None,
    *,
    quiet: bool = False,
) -> Identity | None:
    """Choose between URN and Agency/ID/Version: the URN wins, with a warning when they disagree."""
    from_urn = parse_ddi_urn(urn) if urn else None
    if urn and from_urn is None and not quiet:
        ctx.warn(
            f"unreadable URN '{urn}'",
            line=element.sourceline,
            element=local_name(element),
            code="unreadable-urn",
        )
    if from_urn is None:
        if agency and ddi_id:
            return _identity(agency, ddi_id, version)
        if not quiet:
            ctx.warn(
                f"{local_name(element)} has no identification that can be read (URN or Agency/ID/Version): "
                "skipped",
                line=element.sourceline,
                element=local_name(element),
                code="unidentified",
            )
        return None
    identity = _identity(*from_urn)
    if ddi_id and not _same(identity, agency, ddi_id, version):
        ctx.warn(
            f"URN {urn} and Agency/ID/Version {agency}:{ddi_id}:{version} disagree: the URN wins",
            line=element.sourceline,
            element=local_name(element),
            code="identity-mismatch",
        )
    return identity


def _same(identity: Identity, agency: str | None, ddi_id: str, version: str | None) -> bool:
    # With scopeOfUniqueness="Maintainable" the URN's ID is `MaintainableID.ObjectID`.
    same_id = identity.id == ddi_id or identity.id.endswith(f".{ddi_id}")
    same_agency = agency is None or agency.lower() == identity.agency.lower()
    same_version = version is None or identity.version is None or version == identity.version
    return same_id and same_agency and same_version


_REFERENCE_FIELDS = {"URN": 0, "Agency": 1, "IdentifyingAgency": 1, "ID": 2, "Version": 3, "TypeOfObject": 4}


def _reference_parts(element: etree._Element) -> list[str | None]:
    """URN, agency, ID, version and TypeOfObject of a reference (IdentifyingAgency is 3.1's agency)."""
    parts: list[str | None] = [None] * 5
    names, fields = _LOCAL_NAMES, _REFERENCE_FIELDS
    for child in element:
        index = fields.get(names.get(child.tag) or local_name(child))  # type: ignore[arg-type]
        if index is not None and parts[index] is None:
            parts[index] = (child.text or "").strip() or None
    return parts


def read_reference(
    element: etree._Element, ctx: ReadContext, *, agency: str | None = None, quiet: bool = False
) -> Ref | None:
    """A `*Reference` element as a `Ref`; late-bound references point at the latest version (None).

    The type comes from `r:TypeOfObject`, else from the element name (3.1 has no TypeOfObject).
    `quiet` references (inside skipped elements) report nothing when they cannot be read.
    """
    urn, ref_agency, ddi_id, version, type_name = _reference_parts(element)
    parsed = parse_ddi_urn(urn) if urn else None
    if parsed:
        ref_agency, ddi_id, version = parsed
    name = local_name(element)
    if not ddi_id or not (ref_agency := ref_agency or agency or ctx.inherited_agency):
        if not quiet:
            ctx.warn(
                f"{name} names no target that can be read (URN or Agency/ID/Version)",
                line=element.sourceline,
                element=name,
                code="unreadable-reference",
            )
        return None
    if element.get("lateBound") == "true":
        version = None
    # Agencies, versions and types repeat across hundreds of thousands of references: share the strings.
    ref_agency = sys.intern(ref_agency)
    version = sys.intern(version) if version is not None else None
    if type_name is None:
        type_name = reference_target(name, ctx.version)
        if ctx.version != "3.1" and not quiet:
            ctx.deviation(
                "reference-without-type",
                f"{name} has no r:TypeOfObject: its target is taken to be a {type_name} "
                "unless the document says otherwise",
                line=element.sourceline,
                element=name,
            )
        ref = Ref(ref_agency, ddi_id, version, type_name)
        ctx.deferred.inferred_refs.add(ref)
        return ref
    return Ref(ref_agency, ddi_id, version, sys.intern(type_name))
