"""CDISC ODM item definitions in the catalogue's terms: names, representations, ranges, conditions, methods.

DataType, Length and SignificantDigits give the representation (a CodeListRef makes it coded), the
MeasurementUnitRef its unit, and simple RangeChecks (one CheckValue compared with GT/GE/LT/LE) its bounds;
other range checks (IN, NOTIN, EQ, NE, formal expressions) are not ranges and are left out. ConditionDefs and
MethodDefs become `Command`s in the language their FormalExpression names (its `Context`).
"""

from __future__ import annotations

import re

from lxml import etree

from catalogue.model import Command, LangText, Representation
from importers.label_text import TextLanguages
from importers.odm_common import OdmDocument

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
DATE_TYPES = {
    "date": "Date",
    "partialdate": "Date",
    "time": "Time",
    "partialtime": "Time",
    "datetime": "DateTime",
    "partialdatetime": "DateTime",
    "incompletedatetime": "DateTime",
    "durationdatetime": "Duration",
    "intervaldatetime": "Duration",
}
NUMERIC_TYPES = {"integer": "Integer", "float": "Double", "double": "Double", "decimal": "Decimal"}


def variable_name(item: etree._Element) -> str:
    """SASFieldName, else Name when it reads as a variable name, else the OID."""
    oid = item.get("OID", "")
    sas = (item.get("SASFieldName") or "").strip()
    name = (item.get("Name") or "").strip()
    if sas:
        return sas
    if name and _IDENTIFIER.fullmatch(name):
        return name
    return oid or name


def base_representation(doc: OdmDocument, item: etree._Element, units: dict[str, str]) -> Representation:
    """The representation DataType, Length, SignificantDigits, unit and simple ranges describe."""
    data_type = (item.get("DataType") or "text").strip().lower()
    length = _count(item.get("Length"))
    if data_type in NUMERIC_TYPES:
        rep = Representation(
            "numeric",
            numeric_type=NUMERIC_TYPES[data_type],
            decimal_positions=_count(item.get("SignificantDigits")) if data_type != "integer" else None,
        )
    elif data_type in DATE_TYPES:
        rep = Representation("datetime", date_type=DATE_TYPES[data_type])
    else:
        rep = Representation("text", max_length=length)
    unit_ref = doc.child(item, "MeasurementUnitRef")
    if unit_ref is not None:
        rep.unit = units.get(unit_ref.get("MeasurementUnitOID", "")) or None
    if rep.kind in ("numeric", "datetime"):
        _apply_ranges(doc, item, rep)
    return rep


def measurement_units(doc: OdmDocument, texts: TextLanguages) -> dict[str, str]:
    """MeasurementUnit OID → its symbol (first translation), else its name."""
    units: dict[str, str] = {}
    for unit in doc.root.iter(doc.q("MeasurementUnit")):
        symbol = doc.translated(doc.child(unit, "Symbol"), TextLanguages(default=texts.default))
        units[unit.get("OID", "")] = next(iter(symbol.values()), "") or (unit.get("Name") or "")
    return units


def formal_command(doc: OdmDocument, definition: etree._Element, texts: TextLanguages) -> Command:
    """A ConditionDef or MethodDef as a command: its first FormalExpression (Context = language)."""
    description: LangText = doc.translated(doc.child(definition, "Description"), texts)
    expression = doc.child(definition, "FormalExpression")
    if expression is None:
        return Command(None, "", description)
    code = doc.child(expression, "Code")
    text = "".join((code if code is not None else expression).itertext()).strip()
    return Command((expression.get("Context") or "").strip() or None, text, description)


def _apply_ranges(doc: OdmDocument, item: etree._Element, rep: Representation) -> None:
    for check in doc.children(item, "RangeCheck"):
        values = doc.children(check, "CheckValue")
        comparator = (check.get("Comparator") or "").upper()
        if len(values) != 1 or comparator not in ("GT", "GE", "LT", "LE") or check.get("ItemOID"):
            continue
        value = "".join(values[0].itertext()).strip()
        if not value or (rep.kind == "numeric" and not _NUMBER.fullmatch(value)):
            continue
        if comparator in ("GT", "GE"):
            rep.minimum, rep.minimum_inclusive = value, comparator == "GE"
        else:
            rep.maximum, rep.maximum_inclusive = value, comparator == "LE"


def _count(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() else None
