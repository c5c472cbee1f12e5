"""Codebooks in CSV or Excel: one column-mapping importer for Opal/Maelstrom, long and wide layouts.

A codebook arrives as an Excel workbook, a CSV (encoding and separator detected) or a ZIP of CSVs (the Opal
pair variables.csv + categories.csv). Its header picks a preset (`codebook_presets`), or the user forces one
(`options.preset`) and maps columns (`options.column_mapping`). Each layout's rows become `Entry`s, one per
variable, and one builder turns entries into the model: a Variable per entry (per choice for a
multiple-choice entry), code lists shared when identical, and, when the codebook carries question texts, an
Instrument per form with its sections, questions, grids and skip logic. Several Opal tables (or a `table`
column) without `--wave` make one wave per table, and the table names the variables' IDs.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from catalogue.errors import InvalidInput, Location, Problem
from catalogue.model import (
    Command,
    DDIPackage,
    GridDimension,
    IfThenElse,
    Instrument,
    Item,
    LangText,
    QuestionConstruct,
    QuestionGrid,
    QuestionItem,
    Representation,
    StatementItem,
    StudyInfo,
    Variable,
    WaveInfo,
)
from catalogue.model import (
    Sequence as DDISequence,
)
from importers.codebook_presets import (
    CHOICE_TYPES,
    COMPUTED_TYPES,
    LONG,
    MULTIPLE_CHOICE_TYPES,
    OPAL_CATEGORIES,
    OPAL_VARIABLES,
    PRESETS,
    STATEMENT_TYPES,
    WIDE,
    Choice,
    CodeListBuilder,
    Columns,
    Preset,
    choice,
    detect_layout,
    is_categories_header,
    is_foreign_header,
    is_missing_code,
    locate_columns,
    parse_choices,
    parse_flag,
    representation_of_type,
)
from importers.identifiers import ddi_id, id_part
from importers.label_text import TextLanguages
from importers.registry import ImportOptions, ImportResult
from importers.spreadsheet import MAX_COMPRESSION_RATIO, MAX_UNCOMPRESSED_BYTES, is_workbook, read_workbook
from importers.text_decoding import read_rows

Rows = list[list[str]]
HEADER_SEARCH_ROWS = 10
# A codebook of 10,000 variables is about 2 MB; past this size a text codebook is refused rather than parsed
# (its rows would be held in memory several times over). Workbooks have their own limits (spreadsheet.py).
MAX_TEXT_BYTES = 64 * 1024 * 1024
SNIFF_BYTES = 64 * 1024
TEXT_MEMBERS = (".csv", ".tsv", ".txt")
# Reading the tables of a codebook ---------------------------------------------------------------------------


@dataclass(slots=True)
class Table:
    """One sheet or CSV of the codebook: its name (None for a lone CSV) and its rows."""

    name: str | None
    rows: Rows


def load_tables(file_name: str, data: bytes) -> tuple[list[Table], list[Problem]]:
    """The tables of a workbook, a ZIP of CSVs or a single CSV, with the decoding warnings."""
    if is_workbook(data):
        return [Table(name, rows) for name, rows in read_workbook(data, file_name).items() if rows], []
    if data.startswith(b"PK\x03\x04"):
        return _zip_tables(file_name, data)
    rows, problems = read_rows(data, file_name)
    return [Table(None, rows)], problems


def _zip_tables(file_name: str, data: bytes) -> tuple[list[Table], list[Problem]]:
    archive = open_zip(data, file_name)
    tables: list[Table] = []
    problems: list[Problem] = []
    for info in archive.infolist():
        if info.is_dir() or not info.filename.lower().endswith(TEXT_MEMBERS):
            continue
        member = f"{file_name}!{info.filename}"
        rows, found = read_rows(archive.read(info), member)
        problems += found
        tables.append(Table(PurePosixPath(info.filename).stem, rows))
    if not tables:
        raise InvalidInput(
            [
                Problem(
                    "error",
                    "the ZIP holds no CSV codebook (.csv, .tsv or .txt)",
                    Location(file=file_name),
                    "no-codebook",
                )
            ]
        )
    return tables, problems


def open_zip(data: bytes, file_name: str) -> zipfile.ZipFile:
    """A ZIP whose declared sizes were checked first: a truncated archive or a zip bomb is refused."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise InvalidInput(
            [Problem("error", f"damaged or truncated ZIP ({error})", Location(file=file_name), "truncated")]
        ) from error
    total = 0
    for info in archive.infolist():
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if (
            info.file_size > 10 * 1024 * 1024 and ratio > MAX_COMPRESSION_RATIO
        ) or total > MAX_UNCOMPRESSED_BYTES:
            raise InvalidInput(
                [
                    Problem(
                        "error",
                        f"refused: {info.filename} inflates {ratio:,.0f}× (a zip bomb)",
                        Location(file=file_name, element=info.filename),
                        "zip-bomb",
                    )
                ]
            )
    return archive


def find_header(
    rows: Rows, preset: Preset | None, mapping: dict[str, str] | None
) -> tuple[int, Preset] | None:
    """The index of the header row among the first rows, and the preset it fits."""
    for at, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if not any(row):
            continue
        if preset is not None:
            columns = locate_columns(row, preset, mapping)
            if columns.has("name") or (preset is OPAL_VARIABLES and columns.has("name")):
                return at, preset
            continue
        found = detect_layout(row)
        if found is not None:
            return at, found
    return None


# Rows → entries --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Entry:
    """One variable of a codebook, whatever the layout it came from."""

    name: str
    where: Location
    table: str | None = None
    label: LangText = field(default_factory=dict)
    question: LangText = field(default_factory=dict)
    description: LangText = field(default_factory=dict)
    form: LangText = field(default_factory=dict)
    section: LangText = field(default_factory=dict)
    type: str = ""
    unit: str = ""
    minimum: str = ""
    maximum: str = ""
    validation: str = ""
    condition: str = ""
    matrix: str = ""
    choices: list[Choice] = field(default_factory=list)
    attributes: list[tuple[str, str]] = field(default_factory=list)


@dataclass(slots=True)
class Reading:
    """What reading one codebook collects: its entries and its problems."""

    file_name: str
    languages: TextLanguages
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def texts(self, columns: Columns, row: Sequence[str]) -> dict[str, LangText]:
        """Every text field of a row as a language map (language columns, else split or default language)."""
        result: dict[str, LangText] = {}
        for name, values in columns.texts(row).items():
            text: LangText = {}
            for lang, raw in values.items():
                text.update(self.languages.lang_text(raw, lang))
            result[name] = text
        return result

    def warn(self, where: Location, message: str, code: str) -> None:
        self.problems.append(Problem("warning", message, where, code))

    def error(self, where: Location, message: str, code: str) -> None:
        self.problems.append(Problem("error", message, where, code))


def _location(reading: Reading, table: Table, row: int, column: str | None = None) -> Location:
    return Location(file=reading.file_name, sheet=table.name, row=row + 1, column=column)


def read_opal(
    reading: Reading,
    variables: Table,
    header_at: int,
    categories: Table | None,
    mapping: dict[str, str] | None,
) -> None:
    """Opal/Maelstrom: one entry per Variables row, its categories from the Categories sheet."""
    columns = locate_columns(variables.rows[header_at], OPAL_VARIABLES, mapping)
    by_variable = _opal_categories(reading, categories, mapping) if categories else {}
    questionnaire = columns.has("form")
    for at in range(header_at + 1, len(variables.rows)):
        row = variables.rows[at]
        if not any(row):
            continue
        where = _location(reading, variables, at)
        name = columns.value(row, "name")
        if not name:
            reading.warn(where, "row without a variable name: skipped", "no-name")
            continue
        texts = reading.texts(columns, row)
        table = columns.value(row, "table") or None
        entry = Entry(
            name=name,
            where=where,
            table=table,
            label=texts.get("label", {}),
            question=texts.get("label", {}) if questionnaire else {},
            description=texts.get("description", {}),
            form=texts.get("form", {}),
            section=texts.get("section", {}),
            type=columns.value(row, "type"),
            unit=columns.value(row, "unit"),
            condition=columns.value(row, "condition"),
        )
        if parse_flag(columns.value(row, "repeatable")):
            entry.attributes.append(("ddicat:repeatable", "true"))
        group = columns.value(row, "occurrence_group")
        if group:
            entry.attributes.append(("ddicat:occurrenceGroup", group))
        entry.choices = by_variable.pop((table, name), None) or by_variable.pop((None, name), [])
        reading.entries.append(entry)
    for (table, name), _choices in by_variable.items():
        reading.warn(
            Location(file=reading.file_name, sheet=categories.name if categories else None),
            f"categories of {name!r}{f' (table {table})' if table else ''} match no variable: ignored",
            "orphan-categories",
        )


def _opal_categories(
    reading: Reading, table: Table, mapping: dict[str, str] | None
) -> dict[tuple[str | None, str], list[Choice]]:
    header_at = next(
        (i for i, row in enumerate(table.rows[:HEADER_SEARCH_ROWS]) if is_categories_header(row)), 0
    )
    columns = locate_columns(table.rows[header_at], OPAL_CATEGORIES, mapping)
    result: dict[tuple[str | None, str], list[Choice]] = {}
    for at in range(header_at + 1, len(table.rows)):
        row = table.rows[at]
        variable, code = columns.value(row, "variable"), columns.value(row, "code")
        if not variable or not code:
            if any(row):
                reading.warn(
                    _location(reading, table, at), "category without variable or code: skipped", "no-code"
                )
            continue
        label = reading.texts(columns, row).get("code_label", {})
        flag = parse_flag(columns.value(row, "missing"))
        missing = flag if flag is not None else is_missing_code(code, label.values())
        result.setdefault((columns.value(row, "table") or None, variable), []).append(
            Choice(code, label, missing)
        )
    return result


def read_long(
    reading: Reading, table: Table, header_at: int, preset: Preset, mapping: dict[str, str] | None
) -> None:
    """Long layout: consecutive rows of one variable; a row without code carries the variable's label."""
    columns = locate_columns(table.rows[header_at], preset, mapping)
    current: Entry | None = None
    for at in range(header_at + 1, len(table.rows)):
        row = table.rows[at]
        if not any(cell.strip() for cell in row):
            continue
        where = _location(reading, table, at)
        name = columns.value(row, "name")
        if not name:
            if current is None:
                reading.warn(where, "row without a variable name: skipped", "no-name")
                continue
            name = current.name
        texts = reading.texts(columns, row)
        table_name = columns.value(row, "table") or None
        if current is None or (name, table_name) != (current.name, current.table):
            current = Entry(name=name, where=where, table=table_name)
            reading.entries.append(current)
        current.label = current.label or texts.get("label", {})
        current.question = current.question or texts.get("question", {})
        current.type = current.type or columns.value(row, "type")
        current.unit = current.unit or columns.value(row, "unit")
        code = columns.value(row, "code")
        label = texts.get("code_label", {})
        if not code:
            if not columns.has("label"):
                current.label = current.label or label
            continue
        flag = parse_flag(columns.value(row, "missing")) if columns.has("missing") else None
        missing = flag if flag is not None else is_missing_code(code, label.values())
        if any(c.value == code for c in current.choices):
            reading.warn(where, f"code {code!r} of {name!r} given twice: the first is kept", "duplicate-code")
            continue
        current.choices.append(Choice(code, label, missing))


def read_wide(
    reading: Reading, table: Table, header_at: int, preset: Preset, mapping: dict[str, str] | None
) -> None:
    """Wide layout: one row per variable, its answer options in one cell (per language when given so)."""
    header = table.rows[header_at]
    columns = locate_columns(header, preset, mapping)
    for at in range(header_at + 1, len(table.rows)):
        row = table.rows[at]
        if not any(cell.strip() for cell in row):
            continue
        where = _location(reading, table, at)
        name = columns.value(row, "name")
        if not name:
            reading.warn(where, "row without a variable name: skipped", "no-name")
            continue
        texts = reading.texts(columns, row)
        entry = Entry(
            name=name,
            where=where,
            table=columns.value(row, "table") or None,
            label=texts.get("label", {}),
            question=texts.get("question", {}),
            description=texts.get("description", {}),
            form=texts.get("form", {}),
            section=texts.get("section", {}),
            type=columns.value(row, "type"),
            unit=columns.value(row, "unit"),
            minimum=columns.value(row, "min"),
            maximum=columns.value(row, "max"),
            validation=columns.value(row, "validation"),
            condition=columns.value(row, "condition"),
            matrix=columns.value(row, "matrix"),
        )
        if entry.type.lower() not in COMPUTED_TYPES:
            entry.choices = _wide_choices(reading, columns, row, where)
        reading.entries.append(entry)


def _wide_choices(reading: Reading, columns: Columns, row: Sequence[str], where: Location) -> list[Choice]:
    cells = columns.texts(row).get("choices", {})
    merged: dict[str, LangText] = {}
    for lang, cell in cells.items():
        pairs = parse_choices(cell)
        if pairs is None:
            reading.warn(
                Location(where.file, sheet=where.sheet, row=where.row, column="choices"),
                f"answer options {cell[:60]!r} do not read as 'code, label | code, label': kept as text",
                "bad-choices",
            )
            continue
        for code, label in pairs:
            merged.setdefault(code, {}).update(reading.languages.lang_text(label, lang))
    return [choice(code, label) for code, label in merged.items()]


# Entries → model -------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Flow:
    """One instrument being built: its sections in order and their constructs."""

    instrument: Instrument
    top: DDISequence
    sections: dict[str, DDISequence] = field(default_factory=dict)
    wave: str | None = None


class PackageBuilder:
    """Turns a codebook's entries into a package: variables, code lists, and questions when texts exist."""

    def __init__(self, reading: Reading, options: ImportOptions) -> None:
        self.reading, self.options = reading, options
        self.codes = CodeListBuilder(options)
        self.items: list[Item] = []
        self.placement: list[tuple[Item, str | None]] = []
        self.flows: dict[tuple[str | None, str], _Flow] = {}
        tables = list(dict.fromkeys(e.table for e in reading.entries if e.table))
        self.multi = len(tables) > 1
        self.waves: dict[str, WaveInfo] = {}
        if self.multi and options.wave is None:
            for table in tables:
                self.waves[table] = WaveInfo(
                    agency=options.agency,
                    id=ddi_id(options.id_prefix, "wave", table),
                    version="1",
                    name=table,
                    title={options.default_language: table},
                )
        self._grids: dict[tuple[str | None, str], tuple[QuestionGrid, list[Entry]]] = {}

    def build(self) -> DDIPackage:
        seen: dict[tuple[str | None, str], Location] = {}
        for entry in self.reading.entries:
            key = (entry.table, entry.name)
            if key in seen:
                self.reading.error(
                    entry.where,
                    f"variable {entry.name!r} is described twice (first at row {seen[key].row})",
                    "duplicate-variable",
                )
                continue
            seen[key] = entry.where
            self._entry(entry)
        self._finish_grids()
        package = DDIPackage(waves=list(self.waves.values()), source_name=self.reading.file_name)
        if self.waves:
            package.study = StudyInfo(
                agency=self.options.agency, id=id_part(self.options.id_prefix), version="1"
            )
        package.items = self.codes.items + self.items
        package.placement = {item.key: wave for item, wave in self.placement}
        for item in self.codes.items:
            package.placement[item.key] = None
        return package

    def _id(self, kind: str, entry: Entry, *more: str) -> str:
        names = ([entry.table] if self.multi and entry.table else []) + [entry.name, *more]
        return ddi_id(self.options.id_prefix, kind, *names)

    def _add(self, item: Item, entry: Entry) -> Item:
        self.items.append(item)
        self.placement.append((item, self.waves[entry.table].id if entry.table in self.waves else None))
        return item

    def _entry(self, entry: Entry) -> None:
        kind = entry.type.strip().lower()
        agency = self.options.agency
        if kind in STATEMENT_TYPES:
            if entry.question or entry.label:
                statement = StatementItem(
                    agency=agency,
                    id=self._id("si", entry),
                    version=None,
                    name=entry.name,
                    text=entry.question or entry.label,
                )
                self._place(entry, self._add(statement, entry))
            return
        if kind in MULTIPLE_CHOICE_TYPES and entry.choices:
            self._multiple(entry)
            return
        rep = self._representation(entry)
        question = self._question(entry, rep)
        variable = Variable(
            agency=agency,
            id=self._id("v", entry),
            version=None,
            name=entry.name,
            label=entry.label or entry.question,
            description=entry.description,
            representation=rep,
            questions=[question.ref()] if question else [],
            user_attributes=self._attributes(entry),
        )
        self._add(variable, entry)

    def _attributes(self, entry: Entry) -> list[tuple[str, str]]:
        pairs = list(entry.attributes)
        if entry.table:
            pairs.insert(0, ("ddicat:table", entry.table))
        if entry.type.lower() in COMPUTED_TYPES:
            pairs.append(("ddicat:derived", "true"))
        return pairs

    def _representation(self, entry: Entry) -> Representation | None:
        kind = entry.type.strip().lower()
        if entry.choices:
            ref = self.codes.code_list(entry.name, entry.choices)
            missing = [c.value for c in entry.choices if c.missing]
            return Representation(
                kind="code", code_list=ref, missing_values=_tokens(missing), unit=entry.unit or None
            )
        if kind in ("yesno", "truefalse", "boolean", "booleen"):
            return Representation(
                kind="code", code_list=self.codes.generated("boolean" if kind == "booleen" else kind)
            )
        rep = representation_of_type(entry.validation) or representation_of_type(entry.type)
        if kind in CHOICE_TYPES | MULTIPLE_CHOICE_TYPES:
            self.reading.warn(
                entry.where,
                f"{entry.name!r} is a {entry.type} whose options are not in this file: described as text",
                "external-choices",
            )
            rep = Representation(kind="text")
        if rep is None:
            if entry.type and kind not in COMPUTED_TYPES:
                self.reading.warn(
                    entry.where,
                    f"type {entry.type!r} of {entry.name!r} is not known: no representation",
                    "unknown-type",
                )
            if not (entry.minimum or entry.maximum or entry.unit):
                return None
            rep = Representation(kind="numeric")
        rep.unit = entry.unit or None
        if rep.kind in ("numeric", "datetime"):
            rep.minimum = _bound(entry.minimum, rep.kind)
            rep.maximum = _bound(entry.maximum, rep.kind)
        return rep

    def _question(self, entry: Entry, rep: Representation | None) -> QuestionItem | QuestionGrid | None:
        if not entry.question:
            return None
        if entry.matrix:
            return self._grid_row(entry, rep)
        question = QuestionItem(
            agency=self.options.agency,
            id=self._id("qi", entry),
            version=None,
            name=entry.name,
            text=entry.question,
            responses=[rep] if rep else [],
        )
        self._add(question, entry)
        self._construct(entry, question)
        return question

    def _grid_row(self, entry: Entry, rep: Representation | None) -> QuestionGrid:
        """A row of a matrix: the grid is made with its first row; its dimensions once all rows are known."""
        key = (entry.table, entry.matrix)
        if key not in self._grids:
            names = ([entry.table] if self.multi and entry.table else []) + [entry.matrix]
            grid = QuestionGrid(
                agency=self.options.agency,
                id=ddi_id(self.options.id_prefix, "qg", *names),
                version=None,
                name=entry.matrix,
                text=entry.section or entry.question,
                responses=[rep] if rep else [],
            )
            self._grids[key] = (grid, [])
            self._add(grid, entry)
            self._construct(entry, grid)
        grid, rows = self._grids[key]
        rows.append(entry)
        return grid

    def _finish_grids(self) -> None:
        """Rank 1 lists the rows (their question texts), rank 2 the answer options shared by every cell."""
        for grid, rows in self._grids.values():
            row_choices = [
                Choice(str(i), row.question or row.label or {self.options.default_language: row.name})
                for i, row in enumerate(rows, start=1)
            ]
            grid.dimensions = [
                GridDimension(rank=1, code_list=self.codes.code_list(f"{grid.name}-rows", row_choices))
            ]
            answers = grid.responses[0].code_list if grid.responses else None
            if answers is not None:
                grid.dimensions.append(GridDimension(rank=2, code_list=answers))

    def _multiple(self, entry: Entry) -> None:
        """A multiple-choice entry: one question allowing several answers, one 0/1 variable per option."""
        ref = self.codes.code_list(entry.name, entry.choices)
        domain = Representation(kind="code", code_list=ref, min_responses=0, max_responses=len(entry.choices))
        question = None
        if entry.question or entry.label:
            question = QuestionItem(
                agency=self.options.agency,
                id=self._id("qi", entry),
                version=None,
                name=entry.name,
                text=entry.question or entry.label,
                responses=[domain],
            )
            self._add(question, entry)
            self._construct(entry, question)
        checked = self.codes.generated("checked")
        for option in entry.choices:
            name = f"{entry.name}___{option.value}"
            label = {
                lang: f"{text} : {option.label.get(lang, next(iter(option.label.values()), ''))}"
                for lang, text in (entry.label or entry.question).items()
            } or dict(option.label)
            variable = Variable(
                agency=self.options.agency,
                id=self._id("v", entry, option.value),
                version=None,
                name=name,
                label=label,
                representation=Representation(kind="code", code_list=checked),
                questions=[question.ref()] if question else [],
                user_attributes=self._attributes(entry),
            )
            self._add(variable, entry)

    def _flow(self, entry: Entry) -> _Flow:
        form_text = entry.form or {self.options.default_language: PurePosixPath(self.reading.file_name).stem}
        form = next(iter(form_text.values()))
        key = (entry.table, form)
        flow = self.flows.get(key)
        if flow is None:
            names = [entry.table] if self.multi and entry.table else []
            prefix, agency = self.options.id_prefix, self.options.agency
            top = DDISequence(
                agency=agency,
                id=ddi_id(prefix, "seq", *names, form),
                version=None,
                name=form,
                label=form_text,
            )
            instrument = Instrument(
                agency=agency,
                id=ddi_id(prefix, "instr", *names, form),
                version=None,
                name=form,
                label=form_text,
                root=top.ref(),
            )
            flow = _Flow(instrument, top)
            self.flows[key] = flow
            self._add(instrument, entry)
            self._add(top, entry)
            if entry.table in self.waves:
                self.waves[entry.table].instruments.append(instrument.ref())
        return flow

    def _construct(self, entry: Entry, question: QuestionItem | QuestionGrid) -> None:
        construct = QuestionConstruct(
            agency=self.options.agency,
            id=self._id("qc", entry),
            version=None,
            name=entry.name,
            question=question.ref(),
        )
        self._place(entry, self._add(construct, entry))

    def _place(self, entry: Entry, construct: Item) -> None:
        """Put a construct in its section, inside an IfThenElse when the entry has a condition."""
        flow = self._flow(entry)
        parent = flow.top
        if entry.section:
            section_name = next(iter(entry.section.values()))
            parent = flow.sections.get(section_name) or self._section(entry, flow, section_name)
        child = construct.ref()
        if entry.condition:
            branch = IfThenElse(
                agency=self.options.agency,
                id=self._id("ite", entry),
                version=None,
                name=entry.name,
                condition=Command(program_language=condition_language(entry.condition), text=entry.condition),
                then=child,
            )
            self._add(branch, entry)
            child = branch.ref()
        parent.children.append(child)

    def _section(self, entry: Entry, flow: _Flow, section_name: str) -> DDISequence:
        names = ([entry.table] if self.multi and entry.table else []) + [flow.top.name or "", section_name]
        section = DDISequence(
            agency=self.options.agency,
            id=ddi_id(self.options.id_prefix, "seq", *names),
            version=None,
            name=section_name,
            label=entry.section,
        )
        flow.sections[section_name] = section
        flow.top.children.append(section.ref())
        self._add(section, entry)
        return section


def condition_language(expression: str) -> str | None:
    """A skip-logic expression's dialect: REDCap `[x]`, XLSForm `${x}`, Opal/Magma `$('X')` JavaScript."""
    if "$('" in expression or '$("' in expression:
        return "JavaScript"
    if "${" in expression:
        return "XLSForm"
    if "[" in expression and "]" in expression:
        return "REDCap"
    return None


def _bound(value: str, kind: str) -> str | None:
    text = value.strip()
    if not text or text.lower() in ("today", "now", "aujourd'hui"):
        return None
    if kind == "numeric":
        try:
            float(text.replace(",", "."))
        except ValueError:
            return None
        return text.replace(",", ".")
    return text


def _tokens(values: list[str]) -> list[str]:
    """Codes that can be listed in DDI's @missingValue (space-separated name tokens)."""
    return [v for v in values if v and all(ch.isalnum() or ch in ".-_:" for ch in v)]


# The importer ---------------------------------------------------------------------------------------------


class CodebookImporter:
    """CSV or Excel codebooks: Opal/Maelstrom, long (variable; code; label), wide (answer options)."""

    name = "codebook"
    title = "Codebook in CSV or Excel (Opal/Maelstrom, long or wide layout)"
    extensions = (".csv", ".tsv", ".txt", ".xlsx", ".xls", ".zip")

    def sniff(self, file_name: str, data: bytes) -> bool:
        """A workbook, a ZIP of CSVs or a CSV whose header fits a preset (and no other importer's)."""
        try:
            if is_workbook(data):
                return _workbook_fits(data, file_name)
            if data.startswith(b"PK\x03\x04"):
                archive = open_zip(data, file_name)
                return any(
                    _text_fits(archive.open(info).read(SNIFF_BYTES))
                    for info in archive.infolist()
                    if info.filename.lower().endswith(TEXT_MEMBERS)
                )
            return _text_fits(data[:SNIFF_BYTES])
        except Exception:  # sniffing never fails: a file it cannot read is simply not a codebook
            return False

    def read(self, file_name: str, data: bytes, options: ImportOptions) -> ImportResult:
        if len(data) > MAX_TEXT_BYTES and not is_workbook(data):
            raise InvalidInput(
                [
                    Problem(
                        "error",
                        f"{len(data):,} bytes is more than the {MAX_TEXT_BYTES:,} a text "
                        "codebook may have: split it by table or wave",
                        Location(file=file_name),
                        "too-large",
                    )
                ]
            )
        tables, problems = load_tables(file_name, data)
        reading = Reading(
            file_name,
            TextLanguages(options.split_languages, options.default_language),
            problems=list(problems),
        )
        forced = _forced_preset(options, file_name)
        layout = _choose_layout(tables, forced, options.column_mapping)
        if layout is None:
            raise InvalidInput(
                reading.problems
                + [
                    Problem(
                        "error",
                        "no codebook header found: expected Opal columns (name, valueType, label:fr...), "
                        "a long "
                        "layout (variable; code; label) or a wide one (variable; question; answer options); "
                        "give --preset or a column mapping",
                        Location(file=file_name),
                        "no-header",
                    )
                ]
            )
        table, header_at, preset = layout
        if preset.layout == "opal":
            categories = next(
                (
                    t
                    for t in tables
                    if t is not table
                    and any(is_categories_header(row) for row in t.rows[:HEADER_SEARCH_ROWS])
                ),
                None,
            )
            read_opal(reading, table, header_at, categories, options.column_mapping)
        elif preset.layout == "long":
            read_long(reading, table, header_at, preset, options.column_mapping)
        else:
            read_wide(reading, table, header_at, preset, options.column_mapping)
        if not reading.entries:
            reading.error(
                Location(file=file_name, sheet=table.name),
                "the codebook describes no variable",
                "no-variable",
            )
        package = PackageBuilder(reading, options).build()
        if any(p.severity == "error" for p in reading.problems):
            raise InvalidInput(reading.problems)
        return ImportResult(package=package, problems=reading.problems)


def _forced_preset(options: ImportOptions, file_name: str) -> Preset | None:
    if options.preset is None:
        if options.column_mapping:
            mapped = set(options.column_mapping)
            if {"code", "code_label"} <= mapped:
                return LONG
            return WIDE
        return None
    preset = PRESETS.get(options.preset.lower())
    if preset is None:
        raise InvalidInput(
            [
                Problem(
                    "error",
                    f"unknown codebook preset {options.preset!r}; known: {', '.join(PRESETS)}",
                    Location(file=file_name),
                    "unknown-preset",
                )
            ]
        )
    return preset


def _choose_layout(
    tables: list[Table], forced: Preset | None, mapping: dict[str, str] | None
) -> tuple[Table, int, Preset] | None:
    """The table holding the variables, its header row and its preset (Opal's Variables sheet first)."""
    found: list[tuple[Table, int, Preset]] = []
    for table in tables:
        header = find_header(table.rows, forced, mapping)
        if header is not None:
            found.append((table, header[0], header[1]))
    opal = [f for f in found if f[2].layout == "opal"]
    return (opal or found or [None])[0]


def _text_fits(head: bytes) -> bool:
    text = (
        head.decode("utf-8", errors="replace")
        if not head.startswith(b"\xff\xfe")
        else head.decode("utf-16", "replace")
    )
    if "\x00" in text[:1024]:
        return False
    lines = text.splitlines()[:HEADER_SEARCH_ROWS]
    if len(lines) > 1 and not text.endswith(("\n", "\r")):
        lines = lines[:-1] or lines
    try:
        rows, _ = read_rows("\n".join(lines).encode(), "sniff")
    except InvalidInput:
        return False
    return any(detect_layout(row) is not None for row in rows if any(row))


def _workbook_fits(data: bytes, file_name: str) -> bool:
    sheets = _workbook_heads(data, file_name)
    if any(name.strip().lower() in ("survey", "choices", "settings") for name in sheets):
        return False  # an XLSForm
    return any(
        detect_layout(row) is not None and not is_foreign_header(row)
        for rows in sheets.values()
        for row in rows
        if any(row)
    )


def _workbook_heads(data: bytes, file_name: str) -> dict[str, Rows]:
    """The first rows of every sheet, not the rest (sniffing must stay cheap on large workbooks)."""
    from importers.spreadsheet import XLS_MAGIC, cell_text

    heads: dict[str, Rows] = {}
    if data.startswith(XLS_MAGIC):
        import xlrd

        book = xlrd.open_workbook(file_contents=data, on_demand=True)
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            heads[sheet.name] = [
                [cell_text(v) for v in sheet.row_values(r)]
                for r in range(min(sheet.nrows, HEADER_SEARCH_ROWS))
            ]
            book.unload_sheet(index)
        return heads
    open_zip(data, file_name)
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        for sheet in book.worksheets:
            heads[sheet.title] = [
                [cell_text(v) for v in row]
                for row in sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True)
            ]
    finally:
        book.close()
    return heads


IMPORTER = CodebookImporter()
