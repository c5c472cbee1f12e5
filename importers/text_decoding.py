"""Reading the text files cohort teams send: encoding and separator detected, never guessed silently.

UTF-8 (with or without BOM) first; a file that is not valid UTF-8 is read as Windows-1252 (a superset of
Latin-1 for printable text, and what French spreadsheets export), with a warning naming the encoding.
"""

from __future__ import annotations

import codecs
import csv
import io

from catalogue.errors import InvalidInput, Location, Problem

DELIMITERS = (";", ",", "\t", "|")


def decode_text(data: bytes, file_name: str) -> tuple[str, str, list[Problem]]:
    """The text, the encoding used, and a warning when it was not UTF-8."""
    if not data.strip():
        raise InvalidInput([Problem("error", "the file is empty", Location(file=file_name), "empty")])
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding, []
            except UnicodeDecodeError as error:
                raise InvalidInput([Problem("error", f"not valid UTF-16: {error.reason}", Location(file=file_name),
                                            "encoding")]) from error
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data.decode("utf-8-sig"), "utf-8-sig", []
        except UnicodeDecodeError:
            data = data[len(codecs.BOM_UTF8):]  # a BOM in front of cp1252 bytes: trust the bytes
    if b"\x00" in data[:4096]:
        raise InvalidInput([Problem("error", "the file is binary, not text", Location(file=file_name), "binary")])
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
    try:
        text = data.decode("cp1252")
        encoding = "cp1252"
    except UnicodeDecodeError:
        text, encoding = data.decode("latin-1"), "latin-1"
    warning = Problem(
        "warning",
        f"not valid UTF-8 (first at line {line}); read as {encoding}: check accented characters",
        Location(file=file_name, line=line),
        "encoding",
    )
    return text, encoding, [warning]


def sniff_delimiter(text: str) -> str:
    """The column separator: the candidate giving the same number (> 1) of columns on the first lines."""
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    if not lines:
        return ","
    best, best_score = ",", -1
    for delimiter in DELIMITERS:
        try:
            rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter))
        except csv.Error:
            continue
        widths = [len(row) for row in rows]
        if widths[0] < 2:
            continue
        score = sum(1 for w in widths if w == widths[0]) * widths[0]
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_rows(data: bytes, file_name: str, *, delimiter: str | None = None) -> tuple[list[list[str]], list[Problem]]:
    """Rows of a delimited text file (encoding and delimiter detected), with the decoding warnings."""
    text, _encoding, problems = decode_text(data, file_name)
    delimiter = delimiter or sniff_delimiter(text)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise InvalidInput([Problem("error", f"unreadable CSV: {error}", Location(file=file_name), "csv")]) from error
    return rows, problems
