"""XLSForm (ODK, KoboToolbox) questionnaires: the survey, choices and settings sheets read directly.

pyxform is not the reader: it refuses real forms (duplicate names, stray columns), while a catalogue must
describe what teams actually fielded. Mapping: `begin_group`/`end_group` → Sequence, `begin_repeat` → Loop,
`relevant` → IfThenElse (program language "XLSForm", the expression verbatim), `note` → StatementItem,
`calculate` → ComputationItem + Variable, `hint` → instruction, simple `constraint` ranges → min/max (a
Kobo-style `or . = 9999` becomes a missing value). In a `table-list` group, consecutive select questions on
the same list without their own `relevant` become one QuestionGrid (rows = the questions, columns = the
list). Variables are named by the field `name`, without the group path; a `select_multiple` gives one
question and one 0/1 variable per choice named `name/choice` (the KoboToolbox and ODK Central
"split select multiple" export naming); `or_other` adds the choice `other` and a text variable `name_other`.
Metadata fields (start, end, deviceid...) are variables without a question.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

from catalogue.errors import InvalidInput, Location, Problem
from catalogue.model import Command, LangText, Ref, Representation
from importers.choice_sets import Choice
from importers.instrument_builder import InstrumentBuilder, listable_missing
from importers.label_text import join_texts
from importers.registry import ImportOptions, ImportResult
from importers.spreadsheet import XLS_MAGIC, XLSX_MAGIC, Workbook, is_workbook, read_workbook

PROGRAM_LANGUAGE = "XLSForm"
# Real forms are a few hundred kilobytes; past this the file is refused before a sheet is inflated.
MAX_XLSFORM_BYTES = 32 * 1024 * 1024
TEXT_COLUMNS = frozenset({"label", "hint", "constraint_message", "required_message", "guidance_hint"})
NUMERIC_TYPES = {"integer": "Integer", "decimal": "Decimal", "range": None}
DATE_TYPES = {"date": "Date", "datetime": "DateTime", "time": "Time"}
# Metadata collected by the device: a data column, never a question.
METADATA_TYPES = {
    "start": "DateTime",
    "end": "DateTime",
    "today": "Date",
    "deviceid": None,
    "subscriberid": None,
    "simserial": None,
    "phonenumber": None,
    "username": None,
    "email": None,
    "instanceid": None,
    "hidden": None,
    "start-geopoint": None,
    "audit": None,
}
# Answers kept as a question and a variable whose representation DDI-L cannot describe ("other").
OTHER_TYPES = frozenset(
    {
        "geopoint",
        "geotrace",
        "geoshape",
        "image",
        "audio",
        "video",
        "file",
        "barcode",
        "acknowledge",
        "background-audio",
        "xml-external",
        "csv-external",
        "signature",
    }
)
LANGUAGE_NAMES = {
    "english": "en",
    "anglais": "en",
    "french": "fr",
    "francais": "fr",
    "german": "de",
    "deutsch": "de",
    "allemand": "de",
    "spanish": "es",
    "espanol": "es",
    "espagnol": "es",
    "portuguese": "pt",
    "portugues": "pt",
    "italian": "it",
    "italiano": "it",
    "dutch": "nl",
    "nederlands": "nl",
    "arabic": "ar",
    "swahili": "sw",
    "kiswahili": "sw",
    "russian": "ru",
    "chinese": "zh",
    "hindi": "hi",
    "bengali": "bn",
    "wolof": "wo",
    "hausa": "ha",
    "amharic": "am",
    "somali": "so",
    "turkish": "tr",
    "polish": "pl",
}
_LANGUAGE_CODE = re.compile(r"\(\s*([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*)\s*\)\s*$")
_BCP47 = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
_BOUND = re.compile(
    r"^\s*(?:(\.)\s*(<=|>=|<|>)\s*(-?\d+(?:\.\d+)?)|(-?\d+(?:\.\d+)?)\s*(<=|>=|<|>)\s*(\.))\s*$"
)
_OR_MISSING = re.compile(r"^\s*\((?P<range>.*)\)\s+or\s+\.\s*=\s*'?(?P<code>-?\d+)'?\s*$")
MISSING_SENTINELS = frozenset({"-9", "-8", "-7", "-99", "-999", "88", "99", "888", "999", "9999", "99999"})


@dataclass(slots=True)
class FormRow:
    """One row of the survey sheet, its texts per language already cleaned."""

    row: int
    type: str
    name: str
    label: LangText
    hint: LangText
    cells: dict[str, str]
    list_name: str | None = None
    or_other: bool = False

    @property
    def kind(self) -> str:
        return self.type.split(" ", 1)[0] if self.type else ""


@dataclass(slots=True)
class FormGroup:
    """A group or repeat and what it holds, in sheet order."""

    row: int
    kind: str  # "root", "group" or "repeat"
    name: str
    label: LangText = field(default_factory=dict)
    hint: LangText = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)
    children: list[FormRow | FormGroup] = field(default_factory=list)


class XLSFormImporter:
    """XLSForm workbooks (.xlsx, .xls) with a `survey` sheet."""

    name = "xlsform"
    title = "XLSForm (ODK, KoboToolbox)"
    extensions = (".xlsx", ".xls")

    def sniff(self, file_name: str, data: bytes) -> bool:
        """A workbook with a sheet named `survey`."""
        if not is_workbook(data):
            return False
        return "survey" in {name.strip().lower() for name in _sheet_names(data)}

    def read(self, file_name: str, data: bytes, options: ImportOptions | None = None) -> ImportResult:
        options = options or ImportOptions()
        if len(data) > MAX_XLSFORM_BYTES:
            raise InvalidInput(
                [
                    Problem(
                        "error",
                        f"{len(data):,} bytes is more than the {MAX_XLSFORM_BYTES:,} bytes an XLSForm "
                        "may have",
                        Location(file=file_name),
                        "too-large",
                    )
                ]
            )
        if not data.strip():
            raise InvalidInput([Problem("error", "the file is empty", Location(file=file_name), "empty")])
        return read_form(file_name, read_workbook(data, file_name), options)


def read_form(file_name: str, workbook: Workbook, options: ImportOptions) -> ImportResult:
    """The package of an XLSForm whose sheets are already read (cells as strings)."""
    return _FormReader(file_name, workbook, options).read()


def _sheet_names(data: bytes) -> list[str]:
    """Sheet names without reading any cell (workbook.xml for .xlsx, the BIFF directory for .xls)."""
    try:
        if data.startswith(XLSX_MAGIC):
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                info = archive.getinfo("xl/workbook.xml")
                if info.file_size > 4 * 1024 * 1024:
                    return []
                xml = archive.read(info).decode("utf-8", "replace")
            return re.findall(r"<(?:\w+:)?sheet\b[^>]*\bname=\"([^\"]*)\"", xml)
        if data.startswith(XLS_MAGIC):
            import xlrd

            return list(xlrd.open_workbook(file_contents=data, on_demand=True).sheet_names())
    except Exception:  # a damaged workbook is simply not claimed; read() says what is wrong
        return []
    return []


def language_code(spec: str) -> tuple[str, bool]:
    """The BCP 47 tag of an XLSForm language ("Français (fr)", "fr", "English"), and whether it is known."""
    spec = spec.strip()
    match = _LANGUAGE_CODE.search(spec)
    if match:
        return match.group(1).replace("_", "-"), True
    folded = unicodedata.normalize("NFKD", spec).encode("ascii", "ignore").decode().lower().strip()
    if folded in LANGUAGE_NAMES:
        return LANGUAGE_NAMES[folded], True
    if _BCP47.match(spec) and len(spec) <= 3:
        return spec.lower(), True
    private = re.sub(r"[^a-z0-9]", "", folded)[:8]
    return (f"x-{private}" if private else "und"), False


def column_key(header: str) -> tuple[str, str | None]:
    """A header as (column, language spec): `label::Français (fr)` → ("label", "Français (fr)")."""
    header = unicodedata.normalize("NFC", header.replace("\ufeff", "")).strip()
    if "::" in header:
        base, _, lang = header.rpartition("::")
    elif ":" in header and header.split(":", 1)[0].strip().lower() in TEXT_COLUMNS:
        base, _, lang = header.partition(":")
    else:
        base, lang = header, ""
    base = re.sub(r"\s+", "_", base.strip().lower())
    return base, (lang.strip() or None)


def normal_type(raw: str) -> str:
    """`begin group` → `begin_group`, `select one  l` → `select_one l`: the spellings pyxform accepts."""
    text = " ".join(raw.replace("\u00a0", " ").split())
    lowered = text.lower()
    for spaced in (
        "begin group",
        "end group",
        "begin repeat",
        "end repeat",
        "select one",
        "select multiple",
        "select all that apply",
    ):
        if lowered.startswith(spaced + " ") or lowered == spaced:
            joined = spaced.replace(" ", "_").replace("select_all_that_apply", "select_multiple")
            text = joined + text[len(spaced) :]
            lowered = text.lower()
    head, _, rest = text.partition(" ")
    return f"{head.lower()} {rest}".strip()


def constraint_range(expression: str) -> tuple[str | None, str | None, bool, bool, list[str]] | None:
    """A simple range constraint as (min, max, min inclusive, max inclusive, missing codes), else None.

    `. >= 0 and . <= 120`, `. > 0`, `(. >= 1 and . <= 5) or . = 9999`; anything else is left alone.
    """
    missing: list[str] = []
    match = _OR_MISSING.match(expression)
    if match and match["code"] in MISSING_SENTINELS:
        expression, missing = match["range"], [match["code"]]
    low: str | None = None
    high: str | None = None
    low_incl = high_incl = True
    for part in re.split(r"\s+and\s+", expression.strip()):
        bound = _BOUND.match(part)
        if not bound:
            return None
        if bound.group(1):
            operator, value = bound.group(2), bound.group(3)
        else:  # "0 <= ." reads as ". >= 0"
            flipped = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}
            operator, value = flipped[bound.group(5)], bound.group(4)
        if operator.startswith(">"):
            low, low_incl = value, operator == ">="
        else:
            high, high_incl = value, operator == "<="
    if low is None and high is None:
        return None
    return low, high, low_incl, high_incl, missing


class _FormReader:
    """One workbook: its sheets parsed into rows and groups, then built into the model."""

    def __init__(self, file_name: str, workbook: Workbook, options: ImportOptions) -> None:
        self.file_name = file_name
        self.sheets = {name.strip().lower(): rows for name, rows in workbook.items()}
        self.sheet_names = {name.strip().lower(): name for name in workbook}
        self.b = InstrumentBuilder(file_name, options, PROGRAM_LANGUAGE)
        self.settings: dict[str, str] = {}
        self.default_language: str | None = None
        self.lists: dict[str, list[Choice]] = {}
        self.languages: dict[str, str] = {}

    def loc(self, sheet: str, row: int | None = None, column: str | None = None) -> Location:
        return self.b.location(sheet=self.sheet_names.get(sheet, sheet), row=row, column=column)

    def read(self) -> ImportResult:
        if "survey" not in self.sheets:
            found = ", ".join(self.sheet_names.values()) or "none"
            raise InvalidInput(
                [
                    Problem(
                        "error",
                        f"no 'survey' sheet (sheets: {found}): not an XLSForm",
                        Location(file=self.file_name),
                        "xlsform-no-survey",
                    )
                ]
            )
        self._read_settings()
        self._read_choices()
        root = self._read_survey()
        form_id = self.settings.get("form_id") or PurePath(self.file_name).stem or "form"
        title = self._text(self.settings.get("form_title", ""), self.default_language)
        title = title or {self.b.texts.default: form_id}
        children = self._build_children(root.children, grid_of=None)
        top = self.b.sequence(form_id, children, title)
        attributes = [("xlsform:form_id", form_id)]
        if self.settings.get("version"):
            attributes.append(("xlsform:version", self.settings["version"]))
        self.b.instrument(form_id, top, title, attributes)
        return self.b.result()

    # Sheets ----------------------------------------------------------------------------------------

    def _header(self, sheet: str) -> tuple[list[tuple[str, str | None]], list[list[str]]]:
        rows = self.sheets.get(sheet) or []
        if not rows:
            return [], []
        return [column_key(h) for h in rows[0]], rows[1:]

    def _lang(self, spec: str | None, sheet: str, column: str) -> str | None:
        if spec is None:
            return self.default_language
        if spec not in self.languages:
            code, known = language_code(spec)
            if not known:
                self.b.warn(
                    f"language {spec!r} has no code: filed as {code!r}; write it 'Name (code)'",
                    self.loc(sheet, 1, column),
                    "xlsform-language",
                )
            self.languages[spec] = code
        return self.languages[spec]

    def _text(self, raw: str, language: str | None) -> LangText:
        return self.b.texts.lang_text(raw, language)

    def _texts(self, cells: list[tuple[tuple[str, str | None], str]], base: str, sheet: str) -> LangText:
        """The text of one column in every language; an explicit language column wins over the plain one."""
        merged: LangText = {}
        for (column, spec), value in sorted(cells, key=lambda c: c[0][1] is not None):
            if column == base and value.strip():
                merged.update(
                    self._text(value, self._lang(spec, sheet, f"{column}::{spec}" if spec else column))
                )
        return merged

    def _read_settings(self) -> None:
        header, rows = self._header("settings")
        if rows:
            self.settings = {
                key: value.strip() for (key, _), value in zip(header, rows[0], strict=False) if value.strip()
            }
        if self.settings.get("default_language"):
            self.default_language, _ = language_code(self.settings["default_language"])

    def _read_choices(self) -> None:
        header, rows = self._header("choices")
        for offset, values in enumerate(rows, start=2):
            cells = list(zip(header, values, strict=False))
            plain = {column: value.strip() for (column, spec), value in cells if spec is None}
            list_name = plain.get("list_name", "")
            name = plain.get("name", "")
            if not list_name and not name:
                continue
            if not list_name:
                self.b.warn(
                    f"choice {name!r} has no list_name: ignored",
                    self.loc("choices", offset, "list_name"),
                    "xlsform-choice",
                )
                continue
            if not name:
                self.b.error(
                    f"a choice of list {list_name!r} has no name",
                    self.loc("choices", offset, "name"),
                    "xlsform-choice",
                )
                continue
            label = self._texts(cells, "label", "choices")
            self.lists.setdefault(list_name, []).append(self.b.choice(name, label))

    def _read_survey(self) -> FormGroup:
        header, rows = self._header("survey")
        if not any(column == "type" for column, _ in header):
            raise InvalidInput(
                [
                    Problem(
                        "error",
                        "the survey sheet has no 'type' column",
                        self.loc("survey", 1),
                        "xlsform-no-type",
                    )
                ]
            )
        root = FormGroup(0, "root", "")
        stack = [root]
        first_row: dict[str, int] = {}
        for offset, values in enumerate(rows, start=2):
            cells = list(zip(header, values, strict=False))
            plain = {
                column: value.strip() for (column, spec), value in cells if spec is None and value.strip()
            }
            raw_type, name = plain.get("type", ""), plain.get("name", "")
            if not raw_type:
                if name or any(plain.values()):
                    self.b.error(
                        f"row {name!r} has no type", self.loc("survey", offset, "type"), "xlsform-type"
                    )
                continue
            kind = normal_type(raw_type)
            head = kind.split(" ", 1)[0]
            if head in ("end_group", "end_repeat"):
                expected = "group" if head == "end_group" else "repeat"
                if len(stack) == 1 or stack[-1].kind != expected:
                    self.b.error(
                        f"{head} without a matching begin_{expected}",
                        self.loc("survey", offset, "type"),
                        "xlsform-nesting",
                    )
                else:
                    stack.pop()
                continue
            label = self._texts(cells, "label", "survey")
            if head in ("begin_group", "begin_repeat"):
                group = FormGroup(
                    offset,
                    "group" if head == "begin_group" else "repeat",
                    name or f"row{offset}",
                    label,
                    self._texts(cells, "hint", "survey"),
                    plain,
                )
                stack[-1].children.append(group)
                stack.append(group)
                continue
            if not name:
                self.b.error(f"a {head} row has no name", self.loc("survey", offset, "name"), "xlsform-name")
                continue
            if name in first_row:
                self.b.warn(
                    f"name {name!r} is used again (first at row {first_row[name]}): both kept, the second "
                    "with a suffixed ID",
                    self.loc("survey", offset, "name"),
                    "xlsform-duplicate",
                )
            first_row.setdefault(name, offset)
            row = FormRow(offset, kind, name, label, self._texts(cells, "hint", "survey"), plain)
            parts = kind.split()
            if head in ("select_one", "select_multiple", "rank") and len(parts) >= 2:
                row.list_name = parts[1]
                row.or_other = parts[-1] == "or_other"
            stack[-1].children.append(row)
        for open_group in stack[1:]:
            self.b.warn(
                f"begin_{open_group.kind} {open_group.name!r} is never closed: closed at the end",
                self.loc("survey", open_group.row, "type"),
                "xlsform-nesting",
            )
        return root

    # Building --------------------------------------------------------------------------------------

    def _build_children(self, nodes: list[FormRow | FormGroup], *, grid_of: FormGroup | None) -> list[Ref]:
        """The constructs of a group's children; in a table-list group (`grid_of`) select runs are grids."""
        refs: list[Ref] = []
        index = 0
        while index < len(nodes):
            node = nodes[index]
            if isinstance(node, FormGroup):
                refs.append(self._build_group(node))
                index += 1
                continue
            run = self._grid_run(nodes, index) if grid_of is not None else [node]
            if grid_of is not None and len(run) > 1:
                refs.append(self._build_grid(run, grid_of))
            else:
                built = self._build_row(node)
                if built is not None:
                    refs.append(built)
            index += len(run)
        return refs

    def _grid_run(self, nodes: list[FormRow | FormGroup], start: int) -> list[FormRow]:
        """Consecutive select questions on one list, none with its own `relevant`: the rows of one grid."""
        first = nodes[start]
        assert isinstance(first, FormRow)
        if (
            first.kind not in ("select_one", "select_multiple")
            or first.cells.get("relevant")
            or first.or_other
        ):
            return [first]
        run = [first]
        for node in nodes[start + 1 :]:
            if (
                not isinstance(node, FormRow)
                or node.kind != first.kind
                or node.list_name != first.list_name
                or node.cells.get("relevant")
                or node.or_other
            ):
                break
            run.append(node)
        return run if first.list_name in self.lists else [first]

    def _build_group(self, group: FormGroup) -> Ref:
        table_list = "table-list" in group.cells.get("appearance", "").split()
        children = self._build_children(group.children, grid_of=group if table_list else None)
        if group.kind == "repeat":
            count = group.cells.get("repeat_count")
            loop_while = Command(PROGRAM_LANGUAGE, f"position(..) <= {count}") if count else None
            built = self.b.loop(
                group.name,
                children,
                group.label,
                loop_while=loop_while,
                initial_value=Command(PROGRAM_LANGUAGE, "1") if count else None,
            )
        else:
            built = self.b.sequence(group.name, children, group.label)
        relevant = group.cells.get("relevant")
        return self.b.guarded(group.name, built, relevant) if relevant else built

    def _build_grid(self, rows: list[FormRow], group: FormGroup) -> Ref:
        """One QuestionGrid for a table: the group's label is its text, the rows' hints are dropped."""
        first = rows[0]
        assert first.list_name is not None
        choices = self.lists[first.list_name]
        columns = self.b.code_list(first.list_name, choices)
        row_list = self.b.code_list(f"{group.name}-rows", [Choice(r.name, r.label) for r in rows])
        multiple = first.kind == "select_multiple"
        response = self.b.coded(columns, max_responses=len(choices) if multiple else 1)
        text = group.label or join_texts([r.label for r in rows], " / ")
        grid = self.b.grid(group.name, text, row_list, columns, [response], instruction=group.hint)
        for row in rows:
            self._select_variables(row, grid, columns, choices, multiple)
        return self.b.construct(group.name, grid)

    def _build_row(self, row: FormRow) -> Ref | None:
        kind = row.kind
        location = self.loc("survey", row.row, "type")
        if kind == "note":
            built = self.b.statement(row.name, row.label)
        elif kind == "calculate":
            formula = row.cells.get("calculation", "")
            built = self.b.computation(row.name, formula, row.label)
            self.b.variable(
                row.name,
                row.label,
                Representation("text"),
                user_attributes=[("xlsform:calculation", formula)] if formula else None,
            )
        elif kind in METADATA_TYPES:
            date_type = METADATA_TYPES[kind]
            rep = Representation("datetime", date_type=date_type) if date_type else Representation("text")
            self.b.variable(
                row.name, row.label or {"und": kind}, rep, user_attributes=[("xlsform:type", kind)]
            )
            return None
        elif kind in ("select_one", "select_multiple", "rank"):
            built = self._build_select(row)
            if built is None:
                return None
        elif kind in ("select_one_from_file", "select_multiple_from_file", "select_one_external"):
            source = row.type.split(" ", 1)[1].strip() if " " in row.type else ""
            self.b.warn(
                f"{row.name!r} takes its choices from the file {source!r}, which is not in the form: "
                "its code list is not imported",
                location,
                "xlsform-choices-file",
            )
            built = self._question_and_variable(
                row, Representation("text"), [("xlsform:choicesFile", source)]
            )
        else:
            rep = self._representation(row)
            built = self._question_and_variable(
                row, rep, [("xlsform:type", kind)] if rep.kind == "other" else None
            )
        relevant = row.cells.get("relevant")
        return self.b.guarded(row.name, built, relevant) if relevant else built

    def _representation(self, row: FormRow) -> Representation:
        kind = row.kind
        if kind in NUMERIC_TYPES:
            rep = Representation("numeric", numeric_type=NUMERIC_TYPES[kind])
            if kind == "range":
                self._range_parameters(row, rep)
            self._constraint(row, rep)
            return rep
        if kind in DATE_TYPES:
            return Representation("datetime", date_type=DATE_TYPES[kind])
        if kind == "text":
            return Representation("text")
        if kind not in OTHER_TYPES:
            self.b.warn(
                f"unknown type {row.type!r} of {row.name!r}: kept with an unspecified representation",
                self.loc("survey", row.row, "type"),
                "xlsform-type",
            )
        else:
            self.b.warn(
                f"{row.name!r} is a {kind} answer: DDI-L has no representation for it ('other')",
                self.loc("survey", row.row, "type"),
                "xlsform-other-type",
            )
        return Representation("other")

    def _range_parameters(self, row: FormRow, rep: Representation) -> None:
        parameters = dict(re.findall(r"(\w+)\s*=\s*(-?[\d.]+)", row.cells.get("parameters", "")))
        rep.minimum, rep.maximum = parameters.get("start"), parameters.get("end")
        step = parameters.get("step", "1")
        rep.numeric_type = (
            "Integer" if "." not in step + (rep.minimum or "") + (rep.maximum or "") else "Decimal"
        )

    def _constraint(self, row: FormRow, rep: Representation) -> None:
        expression = row.cells.get("constraint")
        if not expression:
            return
        parsed = constraint_range(expression)
        if parsed is None:
            return
        low, high, low_incl, high_incl, missing = parsed
        rep.minimum, rep.maximum = low or rep.minimum, high or rep.maximum
        rep.minimum_inclusive, rep.maximum_inclusive = low_incl, high_incl
        rep.missing_values = listable_missing(rep.missing_values + missing)

    def _question_and_variable(
        self, row: FormRow, rep: Representation, attributes: list[tuple[str, str]] | None = None
    ) -> Ref:
        question = self.b.question(row.name, row.label, [rep], instruction=row.hint)
        self.b.variable(row.name, row.label, rep, [question], attributes)
        return self.b.construct(row.name, question)

    def _build_select(self, row: FormRow) -> Ref | None:
        location = self.loc("survey", row.row, "type")
        if row.list_name is None:
            self.b.error(f"{row.type!r} names no choice list", location, "xlsform-list")
            return None
        if row.list_name not in self.lists:
            self.b.error(
                f"{row.name!r} uses the choice list {row.list_name!r}, which the choices sheet does not "
                "define",
                location,
                "xlsform-list",
            )
            return None
        choices = list(self.lists[row.list_name])
        if row.or_other:
            choices.append(Choice("other", {"en": "Other"}))
        code_list = self.b.code_list(row.list_name, choices)
        if row.kind == "select_one":
            rep = self.b.coded(code_list)
            self._constraint(row, rep)
            question = self.b.question(row.name, row.label, [rep], instruction=row.hint)
            self.b.variable(row.name, row.label, rep, [question])
        elif row.kind == "rank":
            rep = self.b.coded(code_list, max_responses=len(choices), min_responses=len(choices))
            question = self.b.question(row.name, row.label, [rep], instruction=row.hint)
            self.b.variable(
                row.name, row.label, Representation("text"), [question], [("xlsform:type", "rank")]
            )
        else:
            rep = self.b.coded(code_list, max_responses=len(choices))
            question = self.b.question(row.name, row.label, [rep], instruction=row.hint)
            self._select_variables(row, question, code_list, choices, True)
        construct = self.b.construct(row.name, question)
        if not row.or_other:
            return construct
        return self.b.sequence(f"{row.name}-with-other", [construct, self._other_text(row, question)])

    def _select_variables(
        self, row: FormRow, question: Ref, code_list: Ref, choices: list[Choice], multiple: bool
    ) -> None:
        if not multiple:
            self.b.variable(row.name, row.label, self.b.coded(code_list), [question])
            return
        checked = self.b.coded(self.b.checked_list())
        for choice in choices:
            label = self.b.part_label(row.label, choice.label or {self.b.texts.default: choice.code})
            self.b.variable(f"{row.name}/{choice.code}", label, checked, [question])

    def _other_text(self, row: FormRow, question: Ref) -> Ref:
        """`or_other`: the text field pyxform adds, asked when "other" is chosen."""
        name = f"{row.name}_other"
        text = {"en": "Specify other."}
        rep = Representation("text")
        other = self.b.question(name, text, [rep])
        self.b.variable(name, self.b.part_label(row.label, text), rep, [other])
        return self.b.guarded(name, self.b.construct(name, other), f"selected(${{{row.name}}}, 'other')")


IMPORTER = XLSFormImporter()
