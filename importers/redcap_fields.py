"""REDCap fields as both exports describe them: types, choices, validations, branching and action tags.

The data dictionary (CSV) and the project XML spell the same things differently (`dropdown` / `select`,
`notes` / `textarea`, `integer` / `int`, `number` / `float`); both are read into `RedcapField`s with the
dictionary's spelling, so that one builder (`redcap_instruments`) serves both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from catalogue.errors import Location, Problem
from catalogue.model import Representation

FIELD_TYPES = frozenset(
    {
        "text",
        "notes",
        "radio",
        "dropdown",
        "checkbox",
        "yesno",
        "truefalse",
        "slider",
        "calc",
        "file",
        "descriptive",
        "sql",
    }
)
FIELD_TYPE_ALIASES = {"select": "dropdown", "textarea": "notes"}
CODED_TYPES = frozenset({"radio", "dropdown", "checkbox"})
VALIDATION_ALIASES = {"int": "integer", "float": "number"}
SLIDER_DEFAULT_RANGE = ("0", "100")

_DATE_FORMATS = {"dmy": "DD-MM-YYYY", "mdy": "MM-DD-YYYY", "ymd": "YYYY-MM-DD"}
_NUMBER_DP = re.compile(r"number_(\d)dp(_comma_decimal)?")
_DATE_VALIDATION = re.compile(r"(date|datetime|datetime_seconds)_(dmy|mdy|ymd)")
_TEXT_PATTERNS = {
    "alpha_only": "[A-Za-z]*",
    "zipcode": "[0-9]{5}(-[0-9]{4})?",
    "postalcode_french": "[0-9]{5}",
}
_TEXT_FORMATS = frozenset(
    {
        "email",
        "phone",
        "phone_australia",
        "zipcode",
        "postalcode_australia",
        "postalcode_canada",
        "postalcode_french",
        "postalcode_germany",
        "ssn",
        "mrn_10d",
        "mrn_generic",
        "vmrn",
        "alpha_only",
        "signature",
    }
)
_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
_BRACKETED = re.compile(r"\[([A-Za-z][A-Za-z0-9_]*)(?:\(([^)]*)\))?(?::[A-Za-z0-9_-]+)?\]")
_ACTION_TAG = re.compile(r"@[A-Z][A-Z0-9_-]*")
_CHOICE_SEPARATOR = re.compile(r"\||\n")
_NOT_CHECKBOX_CODE = re.compile(r"[^a-z0-9_]")


@dataclass(slots=True)
class RedcapField:
    """One row of a data dictionary (or one ItemDef group of a project XML), in dictionary spelling."""

    name: str
    form: str
    field_type: str
    location: Location
    label: str = ""
    section_header: str = ""
    choices: list[tuple[str, str]] = field(default_factory=list)
    calculation: str = ""
    slider_labels: list[str] = field(default_factory=list)
    note: str = ""
    validation: str = ""
    minimum: str = ""
    maximum: str = ""
    identifier: bool = False
    branching: str = ""
    required: bool = False
    matrix_group: str = ""
    annotation: str = ""


def field_type(raw: str) -> str:
    """The dictionary's name of a field type (`select` → `dropdown`), lower-cased."""
    name = raw.strip().lower()
    return FIELD_TYPE_ALIASES.get(name, name)


def validation_type(raw: str) -> str:
    """The dictionary's name of a validation type (`int` → `integer`, `float` → `number`)."""
    name = raw.strip().lower()
    return VALIDATION_ALIASES.get(name, name)


def parse_choices(raw: str, location: Location) -> tuple[list[tuple[str, str]], list[Problem]]:
    """`code, label | code, label` (split on the first comma; `|` or new lines between choices)."""
    choices: list[tuple[str, str]] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for part in _CHOICE_SEPARATOR.split(raw):
        part = part.strip()
        if not part:
            continue
        code, comma, label = part.partition(",")
        code, label = code.strip(), label.strip()
        if not comma:
            label = code
            problems.append(
                Problem(
                    "warning",
                    f"choice {part!r} has no 'code, label' comma: the text is used as both code and label",
                    location,
                    "redcap-choice",
                )
            )
        if not code:
            problems.append(
                Problem("warning", f"choice {part!r} has no code and was skipped", location, "redcap-choice")
            )
            continue
        if code in seen:
            problems.append(
                Problem(
                    "warning",
                    f"code {code!r} is given twice; the first label is kept",
                    location,
                    "redcap-choice",
                )
            )
            continue
        seen.add(code)
        choices.append((code, label))
    return choices, problems


def slider_labels(raw: str) -> list[str]:
    """The slider's anchor labels (left | middle | right)."""
    return [part.strip() for part in raw.split("|")]


def checkbox_code(code: str) -> str:
    """A checkbox code as REDCap writes it in `field___code`: `-` and `.` → `_`, lower case, others dropped.

    So `-1` gives `var____1` and `A` gives `var___a` (REDCap core, `getExtendedCheckboxCodeFormatted`).
    """
    return _NOT_CHECKBOX_CODE.sub("", code.replace("-", "_").replace(".", "_").lower())


def checkbox_variable(field_name: str, code: str) -> str:
    return f"{field_name}___{checkbox_code(code)}"


def text_representation(rf: RedcapField, problems: list[Problem]) -> Representation:
    """The representation of a text field from its validation type, with Text Validation Min/Max."""
    validation = rf.validation
    if not validation:
        return Representation("text")
    if validation == "integer":
        return _numeric(rf, problems, numeric_type="Integer")
    if validation == "number":
        return _numeric(rf, problems, numeric_type="Decimal")
    if validation.startswith("number"):
        match = _NUMBER_DP.fullmatch(validation)
        rep = _numeric(rf, problems, numeric_type="Decimal")
        if match:
            rep.decimal_positions = int(match.group(1))
        if validation.endswith("comma_decimal"):
            rep.format = validation
        return rep
    date = _DATE_VALIDATION.fullmatch(validation)
    if date:
        kind, order = date.groups()
        pattern = (
            _DATE_FORMATS[order] + {"date": "", "datetime": " HH:MM", "datetime_seconds": " HH:MM:SS"}[kind]
        )
        return Representation(
            "datetime",
            date_type="Date" if kind == "date" else "DateTime",
            format=pattern,
            minimum=rf.minimum or None,
            maximum=rf.maximum or None,
        )
    if validation in ("time", "time_hh_mm", "time_hh_mm_ss", "time_mm_ss"):
        pattern = {"time_hh_mm_ss": "HH:MM:SS", "time_mm_ss": "MM:SS"}.get(validation, "HH:MM")
        return Representation(
            "datetime",
            date_type="Duration" if validation == "time_mm_ss" else "Time",
            format=pattern,
            minimum=rf.minimum or None,
            maximum=rf.maximum or None,
        )
    if validation not in _TEXT_FORMATS:
        problems.append(
            Problem(
                "warning",
                f"validation type {validation!r} is not a standard REDCap one: the "
                "field is kept as text with that format",
                rf.location,
                "redcap-validation",
            )
        )
    return Representation("text", format=validation, regex=_TEXT_PATTERNS.get(validation))


def slider_representation(rf: RedcapField, problems: list[Problem]) -> Representation:
    """A slider: integers from Text Validation Min/Max, 0–100 by default."""
    rep = _numeric(rf, problems, numeric_type="Integer")
    rep.minimum = rep.minimum if rep.minimum is not None else SLIDER_DEFAULT_RANGE[0]
    rep.maximum = rep.maximum if rep.maximum is not None else SLIDER_DEFAULT_RANGE[1]
    return rep


def _numeric(rf: RedcapField, problems: list[Problem], *, numeric_type: str) -> Representation:
    bounds: list[str | None] = []
    for what, value in (("minimum", rf.minimum), ("maximum", rf.maximum)):
        value = value.strip()
        if value and not _NUMBER.fullmatch(value):
            problems.append(
                Problem(
                    "warning",
                    f"validation {what} {value!r} is not a number and was ignored",
                    rf.location,
                    "redcap-range",
                )
            )
            value = ""
        bounds.append(value or None)
    return Representation("numeric", numeric_type=numeric_type, minimum=bounds[0], maximum=bounds[1])


def referenced_fields(expression: str) -> list[tuple[str, str | None]]:
    """The `[field]` / `[field(code)]` names an expression uses, in order (event names included)."""
    return [(m.group(1), m.group(2)) for m in _BRACKETED.finditer(expression)]


def action_tags(annotation: str) -> list[tuple[str, str]]:
    """`@TAG`, `@TAG=value` and `@TAG(args)` of a Field Annotation, plus its remaining free text."""
    pairs: list[tuple[str, str]] = []
    rest: list[str] = []
    at = 0
    for match in _ACTION_TAG.finditer(annotation):
        if match.start() < at:
            continue
        rest.append(annotation[at : match.start()])
        end = match.end()
        value = ""
        if annotation.startswith("=", end):
            end, value = _tag_value(annotation, end + 1)
        elif annotation.startswith("(", end):
            end, value = _balanced(annotation, end)
        pairs.append((f"redcap:{match.group(0)}", value))
        at = end
    rest.append(annotation[at:])
    free = " ".join(" ".join(rest).split())
    if free:
        pairs.append(("redcap:fieldAnnotation", free))
    return pairs


def _tag_value(text: str, start: int) -> tuple[int, str]:
    if start < len(text) and text[start] in "\"'":
        close = text.find(text[start], start + 1)
        close = len(text) if close < 0 else close + 1
        return close, text[start:close]
    match = re.compile(r"\S*").match(text, start)
    end = match.end() if match else start
    return end, text[start:end]


def _balanced(text: str, start: int) -> tuple[int, str]:
    depth = 0
    for index in range(start, len(text)):
        if text[index] == "(":
            depth += 1
        elif text[index] == ")":
            depth -= 1
            if depth == 0:
                return index + 1, text[start : index + 1]
    return len(text), text[start:]
