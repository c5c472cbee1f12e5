"""REDCap data dictionary (CSV), alone or zipped with its events, arms and instrument-event mapping.

Both header spellings are read: the 18 human headers of the Designer download ("Variable / Field Name"...)
and the API's snake_case ones ("field_name"...). A dictionary says nothing of events: a longitudinal project
is imported either as its project XML, or as a ZIP holding the dictionary CSV with the events CSV (and
optionally the arms CSV and the instrument-event mapping CSV). An events, arms or mapping CSV given alone is
refused with a message saying so. Files past `MAX_BYTES` or `MAX_FIELDS` are refused before being decoded.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass

from catalogue.errors import InvalidInput, Location, Problem
from importers.redcap_fields import RedcapField, field_type, parse_choices, slider_labels, validation_type
from importers.redcap_instruments import RedcapEvent, RedcapProject, build_package
from importers.registry import ImportOptions, ImportResult
from importers.spreadsheet import is_workbook
from importers.text_decoding import read_rows, sniff_delimiter

MAX_BYTES = 64 * 1024 * 1024
MAX_FIELDS = 200_000
MAX_ZIP_MEMBERS = 20
MAX_COMPRESSION_RATIO = 200
SNIFF_BYTES = 65_536

# Normalised header (letters and digits, lower case) → dictionary key, for both spellings.
HEADERS = {
    "variablefieldname": "field_name",
    "fieldname": "field_name",
    "formname": "form_name",
    "sectionheader": "section_header",
    "fieldtype": "field_type",
    "fieldlabel": "field_label",
    "choicescalculationsorsliderlabels": "choices",
    "selectchoicesorcalculations": "choices",
    "fieldnote": "field_note",
    "textvalidationtypeorshowslidernumber": "validation",
    "textvalidationmin": "validation_min",
    "textvalidationmax": "validation_max",
    "identifier": "identifier",
    "branchinglogicshowfieldonlyif": "branching",
    "branchinglogic": "branching",
    "requiredfield": "required",
    "customalignment": "custom_alignment",
    "questionnumbersurveysonly": "question_number",
    "questionnumber": "question_number",
    "matrixgroupname": "matrix_group",
    "matrixranking": "matrix_ranking",
    "fieldannotation": "annotation",
}
REQUIRED_COLUMNS = ("field_name", "form_name", "field_type", "field_label")
EVENT_COLUMNS = frozenset({"eventname", "armnum", "uniqueeventname"})
MAPPING_COLUMNS = frozenset({"armnum", "uniqueeventname", "form"})
ARM_COLUMNS = frozenset({"armnum", "name"})


def _normalised(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


def _header_kind(headers: list[str]) -> str | None:
    """What a REDCap CSV is by its header: dictionary, events, mapping, arms, or None."""
    names = {_normalised(h) for h in headers}
    keys = {HEADERS[n] for n in names if n in HEADERS}
    if {"field_name", "form_name", "field_type"} <= keys:
        return "dictionary"
    if EVENT_COLUMNS <= names:
        return "events"
    if MAPPING_COLUMNS <= names:
        return "mapping"
    if names == ARM_COLUMNS:
        return "arms"
    return None


def _first_row(data: bytes) -> list[str]:
    head = data[:SNIFF_BYTES]
    if not head.strip() or b"\x00" in head[:4096]:
        return []
    text = head.decode("utf-8-sig", errors="replace")
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    try:
        return next(csv.reader([first], delimiter=sniff_delimiter("\n".join(lines[:20]))), [])
    except csv.Error:
        return []


@dataclass(slots=True)
class _Archive:
    """The CSVs of a ZIP export, by kind."""

    dictionary: tuple[str, bytes] | None = None
    events: tuple[str, bytes] | None = None
    arms: tuple[str, bytes] | None = None
    mapping: tuple[str, bytes] | None = None


class RedcapDictionaryImporter:
    """The REDCap data dictionary CSV (or a ZIP of dictionary + events + arms + mapping)."""

    name = "redcap-dictionary"
    title = "REDCap data dictionary (CSV, or ZIP with events/arms/mapping)"
    extensions = (".csv", ".zip")

    def sniff(self, file_name: str, data: bytes) -> bool:
        """A CSV whose header is a REDCap export (dictionary, events, arms, mapping), or a ZIP holding one."""
        if data.startswith(b"PK\x03\x04"):
            if is_workbook(data):
                return False
            return _zip_holds_dictionary(data)
        return _header_kind(_first_row(data)) is not None

    def read(self, file_name: str, data: bytes, options: ImportOptions | None = None) -> ImportResult:
        """Build the package; every bad row is reported with its location; InvalidInput on errors."""
        options = options or ImportOptions()
        _check_size(file_name, data)
        if data.startswith(b"PK\x03\x04") and not is_workbook(data):
            archive = _open_archive(file_name, data)
            if archive.dictionary is None:
                raise _refused(file_name, "the ZIP holds no REDCap data dictionary CSV", "redcap-zip")
            name, content = archive.dictionary
            project = read_dictionary(f"{file_name}:{name}", content)
            if archive.events is not None:
                project.events = _read_events(archive, project, file_name)
            elif archive.mapping is not None or archive.arms is not None:
                project.problems.append(
                    Problem(
                        "warning",
                        "arms or mapping without the events CSV: no wave was made",
                        Location(file=file_name),
                        "redcap-events",
                    )
                )
        else:
            kind = _header_kind(_first_row(data))
            if kind in ("events", "arms", "mapping"):
                raise _refused(
                    file_name,
                    f"this is a REDCap {kind} export, not a data dictionary: import the "
                    "project XML (it carries events and arms), or a ZIP holding the dictionary CSV "
                    "with its events, arms and instrument-event mapping CSVs",
                    "redcap-companion",
                )
            project = read_dictionary(file_name, data)
        result = build_package(project, options)
        if any(p.severity == "error" for p in result.problems):
            raise InvalidInput(result.problems)
        return result


def read_dictionary(file_name: str, data: bytes) -> RedcapProject:
    """The fields of a dictionary CSV, with every problem located (row = CSV record, header = 1)."""
    _check_size(file_name, data)
    try:
        all_rows, problems = read_rows(data, file_name)
    except UnicodeDecodeError:
        # A UTF-8 BOM before bytes that are not UTF-8: read what follows the BOM as the legacy text it is.
        all_rows, problems = read_rows(data[len(codecs.BOM_UTF8) :], file_name)
    numbered = [
        (number, row) for number, row in enumerate(all_rows, start=1) if any(cell.strip() for cell in row)
    ]
    if not numbered:
        raise _refused(file_name, "the file is empty", "empty")
    rows = [row for _, row in numbered]
    header = rows[0]
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        key = HEADERS.get(_normalised(name))
        if key is not None and key not in columns:
            columns[key] = index
    missing = [key for key in REQUIRED_COLUMNS if key not in columns]
    if missing:
        found = ", ".join(repr(h) for h in header[:6])
        raise _refused(
            file_name,
            f"not a REDCap data dictionary: no column {', '.join(missing)} (found {found})",
            "redcap-header",
        )
    if len(rows) - 1 > MAX_FIELDS:
        raise _refused(
            file_name,
            f"{len(rows) - 1:,} fields: more than the {MAX_FIELDS:,} a dictionary may have",
            "too-large",
        )
    if len(rows) == 1:
        raise _refused(file_name, "the dictionary has a header but no field", "empty")
    fields: list[RedcapField] = []
    width = max(columns.values()) + 1
    for number, row in numbered[1:]:
        location = Location(file=file_name, row=number)
        if len(row) < width:
            problems.append(
                Problem(
                    "warning",
                    f"the row has {len(row)} of the header's {len(header)} columns (a truncated file?)",
                    location,
                    "redcap-short-row",
                )
            )
        fields.append(_field(row, columns, location, problems))
    return RedcapProject(file_name=file_name, fields=fields, problems=problems)


def _field(
    row: list[str], columns: dict[str, int], location: Location, problems: list[Problem]
) -> RedcapField:
    def cell(key: str) -> str:
        index = columns.get(key)
        return row[index].strip() if index is not None and index < len(row) else ""

    kind = field_type(cell("field_type"))
    rf = RedcapField(
        name=cell("field_name"),
        form=cell("form_name"),
        field_type=kind,
        location=location,
        label=cell("field_label"),
        section_header=cell("section_header"),
        note=cell("field_note"),
        minimum=cell("validation_min"),
        maximum=cell("validation_max"),
        identifier=cell("identifier").lower() in ("y", "yes", "1"),
        branching=cell("branching"),
        required=cell("required").lower() in ("y", "yes", "1"),
        matrix_group=cell("matrix_group"),
        annotation=cell("annotation"),
    )
    choices = cell("choices")
    if kind in ("radio", "dropdown", "checkbox"):
        rf.choices, found = parse_choices(
            choices, Location(location.file, row=location.row, column="choices")
        )
        problems += found
    elif kind == "calc":
        rf.calculation = choices
    elif kind == "slider":
        rf.slider_labels = slider_labels(choices)
    if kind in ("text", "calc"):
        rf.validation = validation_type(cell("validation"))
    elif kind == "file":
        rf.validation = cell("validation").lower()
    return rf


def _open_archive(file_name: str, data: bytes) -> _Archive:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise _refused(file_name, f"damaged or truncated ZIP ({error})", "truncated") from error
    if len(members) > MAX_ZIP_MEMBERS:
        raise _refused(
            file_name, f"the ZIP holds {len(members)} files; a REDCap export has at most 4", "redcap-zip"
        )
    found = _Archive()
    total = 0
    for info in members:
        if info.is_dir() or not info.filename.lower().endswith(".csv"):
            continue
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if total > MAX_BYTES or (info.file_size > 10 * 1024 * 1024 and ratio > MAX_COMPRESSION_RATIO):
            raise _refused(
                file_name,
                f"refused: {info.filename} inflates to {info.file_size:,} bytes (a zip bomb?)",
                "zip-bomb",
            )
        try:
            with archive.open(info) as member:
                content = member.read(MAX_BYTES + 1)
        except (
            zipfile.BadZipFile,
            OSError,
            ValueError,
            EOFError,
            RuntimeError,
            NotImplementedError,
        ) as error:
            raise _refused(file_name, f"{info.filename}: unreadable ({error})", "truncated") from error
        if len(content) > MAX_BYTES:
            raise _refused(
                file_name, f"refused: {info.filename} is larger than declared (a zip bomb?)", "zip-bomb"
            )
        kind = _header_kind(_first_row(content))
        if kind is not None and getattr(found, kind) is None:
            setattr(found, kind, (info.filename, content))
    return found


def _zip_holds_dictionary(data: bytes) -> bool:
    """Whether a ZIP has a dictionary CSV, judged from the first bytes of each of its (few) CSV members."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [i for i in archive.infolist() if i.filename.lower().endswith(".csv")]
        if len(members) > MAX_ZIP_MEMBERS:
            return False
        for info in members:
            with archive.open(info) as member:
                if _header_kind(_first_row(member.read(SNIFF_BYTES))) == "dictionary":
                    return True
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, NotImplementedError):
        return False
    return False


def _read_events(archive: _Archive, project: RedcapProject, file_name: str) -> list[RedcapEvent]:
    """Events (waves) from the events CSV, named with their arm, running the forms the mapping says."""
    assert archive.events is not None
    arm_names: dict[str, str] = {}
    if archive.arms is not None:
        for row in _records(archive.arms, project):
            arm_names[row.get("armnum", "")] = row.get("name", "")
    events: list[RedcapEvent] = []
    by_name: dict[str, RedcapEvent] = {}
    for row in _records(archive.events, project):
        unique = row.get("uniqueeventname", "")
        if not unique:
            continue
        arm = row.get("armnum") or None
        event = RedcapEvent(
            unique_name=unique,
            title=row.get("eventname") or unique,
            arm_num=arm,
            arm_name=arm_names.get(arm or ""),
            day_offset=row.get("dayoffset") or None,
            offset_min=row.get("offsetmin") or None,
            offset_max=row.get("offsetmax") or None,
        )
        events.append(event)
        by_name[unique] = event
    if archive.mapping is None:
        project.problems.append(
            Problem(
                "warning",
                "no instrument-event mapping CSV: the waves are made but no form is placed in them",
                Location(file=file_name),
                "redcap-events",
            )
        )
        return events
    forms = {rf.form for rf in project.fields}
    for row in _records(archive.mapping, project):
        event = by_name.get(row.get("uniqueeventname", ""))
        form = row.get("form", "")
        if event is None or form not in forms:
            project.problems.append(
                Problem(
                    "warning",
                    f"mapping row ({row.get('uniqueeventname')}, {form}) names an unknown event or form",
                    Location(file=f"{file_name}:{archive.mapping[0]}"),
                    "redcap-events",
                )
            )
            continue
        if form not in event.forms:
            event.forms.append(form)
    return events


def _records(member: tuple[str, bytes], project: RedcapProject) -> list[dict[str, str]]:
    name, content = member
    try:
        rows, problems = read_rows(content, name)
    except UnicodeDecodeError:
        rows, problems = read_rows(content[len(codecs.BOM_UTF8) :], name)
    project.problems.extend(problems)
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        return []
    header = [_normalised(h) for h in rows[0]]
    return [
        {key: (row[i].strip() if i < len(row) else "") for i, key in enumerate(header)} for row in rows[1:]
    ]


def _check_size(file_name: str, data: bytes) -> None:
    if len(data) > MAX_BYTES:
        raise _refused(
            file_name,
            f"{len(data):,} bytes: more than the {MAX_BYTES:,} bytes a REDCap dictionary may have",
            "too-large",
        )
    if not data or data.isspace():
        raise _refused(file_name, "the file is empty", "empty")


def _refused(file_name: str, message: str, code: str) -> InvalidInput:
    return InvalidInput([Problem("error", message, Location(file=file_name), code)])


IMPORTER = RedcapDictionaryImporter()
