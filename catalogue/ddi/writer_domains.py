"""Representations as DDI-L 3.3 writes them: a question's response domains, a variable's representation.

One `Representation` becomes a d:*Domain inside a question (with r:Label and r:ResponseCardinality) or an
r:*Representation inside l:VariableRepresentation. The children of both come from reusable.xsd, in the
order RepresentationType fixes: RecommendedDataType?, GenericOutputFormat?, MeasurementUnit?, then the
kind's own content.
"""

from __future__ import annotations

from lxml import etree

from catalogue.ddi.writer_lexical import is_decimal
from catalogue.ddi.writer_xml import (
    Element,
    References,
    add_code_value,
    add_contents,
    add_leaf,
    add_ref,
    clean,
    q,
)
from catalogue.model import GridDimension, Representation

# The response domain element (datacollection) and the variable representation element (reusable) per kind.
DOMAIN_ELEMENT = {
    "code": "CodeDomain",
    "numeric": "NumericDomain",
    "text": "TextDomain",
    "datetime": "DateTimeDomain",
    "other": "NominalDomain",
}
REPRESENTATION_ELEMENT = {
    "code": "CodeRepresentation",
    "numeric": "NumericRepresentation",
    "text": "TextRepresentation",
    "datetime": "DateTimeRepresentation",
}
# DateTypeCode is required on a date-time representation; this is written when the model has none.
DEFAULT_DATE_TYPE = "DateTime"


def add_response_domain(parent: Element, rep: Representation, refs: References) -> None:
    """One d:*Domain for a question's response."""
    domain = etree.SubElement(parent, q("d", DOMAIN_ELEMENT[rep.kind]), _attributes(rep))
    _add_content(domain, rep, refs)
    add_contents(domain, q("r", "Label"), rep.label)
    if rep.min_responses is not None or rep.max_responses is not None:
        cardinality: dict[str, str] = {}
        if rep.min_responses is not None:
            cardinality["minimumResponses"] = str(rep.min_responses)
        if rep.max_responses is not None:
            cardinality["maximumResponses"] = str(rep.max_responses)
        etree.SubElement(domain, q("r", "ResponseCardinality"), cardinality)


def add_question_responses(parent: Element, responses: list[Representation], refs: References) -> None:
    """A QuestionItem's domain: one directly, several in a d:StructuredMixedResponseDomain (it needs 2+)."""
    if len(responses) == 1:
        add_response_domain(parent, responses[0], refs)
    elif responses:
        mixed = etree.SubElement(parent, q("d", "StructuredMixedResponseDomain"))
        for rep in responses:
            add_response_domain(etree.SubElement(mixed, q("d", "ResponseDomainInMixed")), rep, refs)


def add_grid_responses(parent: Element, responses: list[Representation], refs: References) -> None:
    """A QuestionGrid's cell domain: one directly, several as d:GridResponseDomainInMixed (3.3 names)."""
    if len(responses) == 1:
        add_response_domain(parent, responses[0], refs)
    elif responses:
        mixed = etree.SubElement(parent, q("d", "StructuredMixedGridResponseDomain"))
        for rep in responses:
            add_response_domain(etree.SubElement(mixed, q("d", "GridResponseDomainInMixed")), rep, refs)


def add_grid_dimension(parent: Element, dimension: GridDimension, refs: References) -> None:
    """A d:GridDimension: labelled by a code list (d:CodeDomain), else a d:Roster of `roster_size` rows."""
    element = etree.SubElement(parent, q("d", "GridDimension"), {"rank": str(dimension.rank)})
    if dimension.code_list is not None:
        domain = etree.SubElement(element, q("d", "CodeDomain"))
        add_ref(domain, q("r", "CodeListReference"), dimension.code_list, refs)
        add_contents(domain, q("r", "Label"), dimension.label)
        return
    roster: dict[str, str] = {"baseCodeValue": "1", "codeIterationValue": "1"}
    if dimension.roster_size is not None:
        roster["maximumAllowed"] = str(dimension.roster_size)
    add_contents(etree.SubElement(element, q("d", "Roster"), roster), q("r", "Label"), dimension.label)


def add_variable_representation(parent: Element, rep: Representation, refs: References) -> None:
    """l:VariableRepresentation. Kind "other" has no r:*Representation in 3.3: the element stays empty."""
    wrapper = etree.SubElement(parent, q("l", "VariableRepresentation"))
    local = REPRESENTATION_ELEMENT.get(rep.kind)
    if local is not None:
        _add_content(etree.SubElement(wrapper, q("r", local), _attributes(rep)), rep, refs)


def _attributes(rep: Representation) -> dict[str, str]:
    attrib: dict[str, str] = {}
    missing = [value.strip() for value in rep.missing_values if value.strip()]
    if missing:
        attrib["missingValue"] = " ".join(missing)
    regex = clean(rep.regex)
    if rep.kind == "numeric":
        if clean(rep.format) is not None:
            attrib["format"] = clean(rep.format) or ""
        if rep.decimal_positions is not None:
            attrib["decimalPositions"] = str(rep.decimal_positions)
    elif rep.kind == "text":
        if rep.max_length is not None:
            attrib["maxLength"] = str(rep.max_length)
        if rep.min_length is not None:
            attrib["minLength"] = str(rep.min_length)
        if regex is not None:
            attrib["regExp"] = regex
    elif rep.kind in ("datetime", "other") and regex is not None:
        attrib["regExp"] = regex
    return attrib


def _add_content(element: Element, rep: Representation, refs: References) -> None:
    """The children shared by a domain and a representation of this kind, in XSD order."""
    if rep.kind not in ("numeric", "datetime"):
        add_code_value(element, q("r", "GenericOutputFormat"), rep.format)
    add_code_value(element, q("r", "MeasurementUnit"), rep.unit)
    if rep.kind == "code":
        add_ref(element, q("r", "CodeListReference"), rep.code_list, refs)
    elif rep.kind == "numeric":
        _add_number_range(element, rep)
        add_code_value(element, q("r", "NumericTypeCode"), rep.numeric_type)
    elif rep.kind == "datetime":
        add_code_value(element, q("r", "DateFieldFormat"), rep.format)
        add_leaf(element, q("r", "DateTypeCode"), clean(rep.date_type) or DEFAULT_DATE_TYPE)
        _add_date_range(element, rep)


def _add_number_range(element: Element, rep: Representation) -> None:
    regex = clean(rep.regex)
    if rep.minimum is None and rep.maximum is None and regex is None:
        return
    number_range = etree.SubElement(element, q("r", "NumberRange"), {"regExp": regex} if regex else {})
    for bound, side, inclusive in _bounds(rep, "Low", "High"):
        value = bound.strip()
        # Decimals stay exact in r:Low/r:High; exponents, INF and NaN need the xs:double variants.
        tag = q("r", side if is_decimal(value) else f"{side}Double")
        add_leaf(number_range, tag, value, None if inclusive else {"isInclusive": "false"})


def _add_date_range(element: Element, rep: Representation) -> None:
    if rep.minimum is None and rep.maximum is None:
        return
    date_range = etree.SubElement(element, q("r", "Range"))
    for bound, side, inclusive in _bounds(rep, "MinimumValue", "MaximumValue"):
        value = clean(bound)
        if value is not None:
            add_leaf(date_range, q("r", side), value, {"included": "true" if inclusive else "false"})


def _bounds(rep: Representation, low: str, high: str) -> list[tuple[str, str, bool]]:
    """The bounds present, each with its element name and whether the bound value itself is allowed."""
    bounds = ((rep.minimum, low, rep.minimum_inclusive), (rep.maximum, high, rep.maximum_inclusive))
    return [(bound, side, inclusive) for bound, side, inclusive in bounds if bound is not None]
