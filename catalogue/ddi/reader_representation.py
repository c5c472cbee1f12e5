"""Response domains of questions and representations of variables, read as `Representation`s.

A `*DomainReference` / `*RepresentationReference` to a managed representation becomes a placeholder of
kind `other`, filled in once the whole document is read when the managed representation is in it.
"""

from __future__ import annotations

from typing import Literal

from lxml import etree

from catalogue.ddi.reader_context import ReadContext
from catalogue.ddi.reader_identity import local_name, read_reference
from catalogue.ddi.reader_text import by_name, plain_text, strings
from catalogue.model import Representation

Kind = Literal["code", "numeric", "text", "datetime", "other"]

_KINDS: dict[str, Kind] = {
    "CodeDomain": "code",
    "CodeRepresentation": "code",
    "NumericDomain": "numeric",
    "NumericRepresentation": "numeric",
    "ManagedNumericRepresentation": "numeric",
    "TextDomain": "text",
    "TextRepresentation": "text",
    "ManagedTextRepresentation": "text",
    "DateTimeDomain": "datetime",
    "DateTimeRepresentation": "datetime",
    "ManagedDateTimeRepresentation": "datetime",
}
MANAGED_REPRESENTATIONS = frozenset(
    {
        "ManagedNumericRepresentation",
        "ManagedTextRepresentation",
        "ManagedDateTimeRepresentation",
        "ManagedScaleRepresentation",
        "ManagedMissingValuesRepresentation",
    }
)
_STRUCTURED = frozenset({"StructuredMixedResponseDomain", "StructuredMixedGridResponseDomain"})
_NOT_VALUE_REPRESENTATIONS = frozenset({"MissingValuesReference", "ProcessingInstructionReference"})


def is_response_domain(name: str) -> bool:
    """A question's own response domain element (not the mixed containers)."""
    return (name.endswith("Domain") or name.endswith("DomainReference")) and name not in _STRUCTURED


def representation(element: etree._Element, ctx: ReadContext, *, labelled: bool = True) -> Representation:
    """One response domain, variable representation or managed representation; `labelled` when the
    element can carry an r:Label (a response domain can, a variable's representation cannot)."""
    name = local_name(element)
    if name.endswith("Reference"):
        placeholder = Representation(kind="other")
        ref = read_reference(element, ctx)
        if ref is not None:
            ctx.deferred.managed_uses.append((placeholder, ref, labelled))
        return placeholder
    kind = _KINDS.get(name, "other")
    rep = Representation(kind=kind)
    attributes = element.attrib
    kids = by_name(element)
    rep.missing_values = attributes.get("missingValue", "").split()
    rep.label = strings(kids.get("Label", ()))
    rep.unit = _text(kids, "MeasurementUnit")
    if kind == "code":
        holder = kids.get("CodeListReference") or kids.get("CodeSchemeReference")  # 3.1: CodeSchemeReference
        rep.code_list = read_reference(holder[0], ctx) if holder else None
    elif kind == "numeric":
        rep.numeric_type = _text(kids, "NumericTypeCode") or attributes.get("type")
        rep.decimal_positions = _integer(element, "decimalPositions", ctx)
        rep.format = attributes.get("format")
        _bounds(kids.get("NumberRange"), rep, ("Low", "LowDouble"), ("High", "HighDouble"))
    elif kind == "text":
        rep.min_length = _integer(element, "minLength", ctx)
        rep.max_length = _integer(element, "maxLength", ctx)
        rep.regex = attributes.get("regExp")
    elif kind == "datetime":
        rep.date_type = _text(kids, "DateTypeCode") or attributes.get("type")
        rep.format = _text(kids, "DateFieldFormat") or attributes.get("format")
        rep.regex = attributes.get("regExp")
        _bounds(kids.get("Range"), rep, ("MinimumValue",), ("MaximumValue",))
    else:
        rep.regex = attributes.get("regExp")
    cardinality = kids.get("ResponseCardinality")
    if cardinality:
        rep.min_responses = _integer(cardinality[0], "minimumResponses", ctx)
        rep.max_responses = _integer(cardinality[0], "maximumResponses", ctx)
    return rep


def _text(kids: dict[str, list[etree._Element]], name: str) -> str | None:
    found = kids.get(name)
    return (plain_text(found[0]) or None) if found else None


def _bounds(
    ranges: list[etree._Element] | None, rep: Representation, lows: tuple[str, ...], highs: tuple[str, ...]
) -> None:
    """Lower and upper bounds of the first NumberRange (or date Range), with their inclusiveness
    (`isInclusive`; 3.1 and date ranges: `included`)."""
    if not ranges:
        return
    for bound in ranges[0]:
        name = local_name(bound)
        inclusive = (bound.get("isInclusive") or bound.get("included") or "true").strip() != "false"
        value = (bound.text or "").strip() or None
        if name in lows:
            rep.minimum, rep.minimum_inclusive = value, inclusive
        elif name in highs:
            rep.maximum, rep.maximum_inclusive = value, inclusive


def _integer(element: etree._Element, attribute: str, ctx: ReadContext) -> int | None:
    value = element.get(attribute)
    if value is None:
        return None
    try:
        return int(value.strip())
    except ValueError:
        ctx.warn(
            f"{attribute}='{value}' is not a whole number: ignored",
            line=element.sourceline,
            element=local_name(element),
            code="unreadable-value",
        )
        return None


def response_domains(holder: etree._Element, ctx: ReadContext) -> list[Representation]:
    """The response domains directly inside a question or a mixed container, in document order."""
    found: list[Representation] = []
    for candidate in holder:
        name = local_name(candidate)
        if name == "StructuredMixedResponseDomain":
            found += response_domains(candidate, ctx)
        elif name in ("ResponseDomainInMixed", "GridResponseDomainInMixed", "GridResponseDomain"):
            found += response_domains(candidate, ctx)[:1]
        elif is_response_domain(name):
            found.append(representation(candidate, ctx))
    return found


def variable_representation(kids: dict[str, list[etree._Element]], ctx: ReadContext) -> Representation | None:
    """`l:VariableRepresentation` (3.2, 3.3) or `l:Representation` (3.1) among a variable's children."""
    found = kids.get("VariableRepresentation") or kids.get("Representation")
    if not found:
        return None
    holder = found[0]
    for candidate in holder:
        name = local_name(candidate)
        if name in _NOT_VALUE_REPRESENTATIONS:
            continue
        if name.endswith("Representation") or name.endswith("RepresentationReference"):
            rep = representation(candidate, ctx, labelled=False)
            if rep.unit is None:
                rep.unit = holder.get("measurementUnit")  # 3.1 keeps the unit on l:Representation
            return rep
    return None


def fill_from_managed(placeholder: Representation, managed: Representation, *, labelled: bool) -> None:
    """Give a placeholder the content of the managed representation it pointed at, keeping its own
    cardinality, label and missing values when it had them (and no label where DDI has no room for one)."""
    placeholder.kind = managed.kind
    for name in (
        "code_list",
        "numeric_type",
        "minimum",
        "maximum",
        "minimum_inclusive",
        "maximum_inclusive",
        "decimal_positions",
        "unit",
        "min_length",
        "max_length",
        "regex",
        "date_type",
        "format",
    ):
        setattr(placeholder, name, getattr(managed, name))
    if labelled and not placeholder.label:
        placeholder.label = dict(managed.label)
    if not placeholder.missing_values:
        placeholder.missing_values = list(managed.missing_values)
