"""Reading Excel workbooks safely: cells as strings, formulas never evaluated, bombs refused.

An .xlsx is a zip: its declared uncompressed sizes are checked before anything is inflated (a zip bomb is
refused), and the sheets are read in openpyxl's read-only mode with cached values only (a formula is never
computed, so a formula bomb costs nothing). Legacy .xls files go through xlrd.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

from catalogue.errors import InvalidInput, Location, Problem

MAX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
MAX_ROWS = 1_000_000
MAX_COLUMNS = 1_000
# Sheets often declare a million formatted but empty rows: reading stops after this many in a row.
MAX_BLANK_RUN = 10_000

Workbook = dict[str, list[list[str]]]
XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def is_workbook(data: bytes) -> bool:
    return data.startswith(XLS_MAGIC) or (data.startswith(XLSX_MAGIC) and b"xl/" in data[:65536])


def cell_text(value: object) -> str:
    """A cell as the text a person typed: 1.0 → '1', dates ISO, None → ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def read_workbook(data: bytes, file_name: str) -> Workbook:
    """Every sheet of an .xlsx or .xls as rows of strings (trailing empty rows and columns dropped)."""
    if data.startswith(XLS_MAGIC):
        return _read_xls(data, file_name)
    if not data.startswith(XLSX_MAGIC):
        raise _error(file_name, "not an Excel workbook (.xlsx or .xls)", "not-excel")
    _check_zip(data, file_name)
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for damaged files
        raise _error(file_name, f"unreadable workbook: {error}", "bad-excel") from error
    sheets: Workbook = {}
    try:
        for sheet in book.worksheets:
            sheet.reset_dimensions()
            rows: list[list[str]] = []
            filled = blank_run = 0
            for row in sheet.iter_rows(values_only=True):
                values = [cell_text(v) for v in row[:MAX_COLUMNS]]
                if not any(values):
                    blank_run += 1
                    if blank_run >= MAX_BLANK_RUN:
                        break
                    rows.append(values)
                    continue
                blank_run = 0
                filled += 1
                if filled > MAX_ROWS:
                    raise _error(file_name, f"more than {MAX_ROWS:,} rows", "too-many-rows", sheet=sheet.title)
                rows.append(values)
            sheets[sheet.title] = _trim(rows)
    finally:
        book.close()
    return sheets


def _check_zip(data: bytes, file_name: str) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise _error(file_name, f"damaged or truncated workbook ({error})", "truncated") from error
    total = 0
    for info in archive.infolist():
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 10 * 1024 * 1024 and ratio > MAX_COMPRESSION_RATIO:
            raise _error(file_name, f"refused: {info.filename} inflates {ratio:,.0f}× (a zip bomb)", "zip-bomb")
        if total > MAX_UNCOMPRESSED_BYTES:
            raise _error(file_name, f"refused: the workbook inflates to more than {MAX_UNCOMPRESSED_BYTES:,} bytes",
                         "zip-bomb")


def _read_xls(data: bytes, file_name: str) -> Workbook:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
    except Exception as error:  # xlrd raises XLRDError and struct errors alike
        raise _error(file_name, f"unreadable .xls workbook: {error}", "bad-excel") from error
    sheets: Workbook = {}
    for index in range(book.nsheets):
        sheet = book.sheet_by_index(index)
        if sheet.nrows > MAX_ROWS:
            raise _error(file_name, f"more than {MAX_ROWS:,} rows", "too-many-rows", sheet=sheet.name)
        rows = []
        for r in range(sheet.nrows):
            values = []
            for c in range(min(sheet.ncols, MAX_COLUMNS)):
                cell = sheet.cell(r, c)
                if cell.ctype == xlrd.XL_CELL_DATE:
                    values.append(cell_text(xlrd.xldate_as_datetime(cell.value, book.datemode)))
                else:
                    values.append(cell_text(cell.value))
            rows.append(values)
        sheets[sheet.name] = _trim(rows)
        book.unload_sheet(index)
    return sheets


def _trim(rows: list[list[str]]) -> list[list[str]]:
    while rows and not any(rows[-1]):
        rows.pop()
    width = max((max((i + 1 for i, v in enumerate(row) if v), default=0) for row in rows), default=0)
    return [row[:width] + [""] * (width - len(row)) for row in rows]


def _error(file_name: str, message: str, code: str, *, sheet: str | None = None) -> InvalidInput:
    return InvalidInput([Problem("error", message, Location(file=file_name, sheet=sheet), code)])
