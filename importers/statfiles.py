"""SPSS, Stata and SAS data files read for their metadata only: never a single value of a participant.

pyreadstat reads each file with `metadataonly=True` from memory (no copy on disk): names, labels, value
labels, formats, measure levels, user-missing values and SPSS multiple-response sets. Value labels become
code lists (identical label sets share one), formats become representations (F8.2 → numeric with two
decimals, A20/$20./%20s → text of 20, DATE9./%td/EDATE10 → date...).

Missing values. SPSS user-missing values are listed in `Representation.missing_values`, discrete values as
they are and a range as one token `low..high` (`LO`/`HI` for open ends), e.g. `-1 2000..3000`; every labelled
value that is declared missing or falls in a range becomes a missing category. Stata `.a`–`.z` and SAS
`.A`–`.Z`/`._` special missing values have no declaration in the metadata: the labelled ones become missing
categories (code `.a`, `.A`) and are listed in `missing_values`. Labels such as "Ne sait pas" flag their
category missing too (`codebook_presets`).

A SAS dataset's value labels live in a formats catalogue (.sas7bcat): give both files in one ZIP. A lone
.sas7bdat is read with its formats named but not resolved, and a warning says so. Data files have no
question and no wave: each Variable carries ("ddicat:dataSource", "data-file"), the user gives `--wave`, and
the catalogue merges the file with the questionnaire of that wave (`catalogue.merge`).
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from catalogue.errors import InvalidInput, Location, Problem
from catalogue.model import DDIPackage, Item, LangText, QuestionItem, Ref, Representation, Variable
from importers.codebook import open_zip
from importers.codebook_presets import Choice, CodeListBuilder, is_missing_label
from importers.identifiers import ddi_id
from importers.label_text import TextLanguages
from importers.registry import ImportOptions, ImportResult

DATA_SOURCE = ("ddicat:dataSource", "data-file")
MEASURE_KEY = "ddicat:measure"
DATA_FILE_LABEL_KEY = "ddicat:dataFileLabel"
OPEN_BOUND = 1e300

# SAS member files: 12 zero bytes, C2 EA 81, one byte (60 in datasets, 63 in catalogues), then this.
SAS_MAGIC_HEAD = bytes.fromhex("000000000000000000000000c2ea81")
SAS_MAGIC_TAIL = bytes.fromhex("b31411cfbd92080009c7318c181f1011")
SPSS_PORTABLE_MARK = b"SPSSPORT"
XPORT_MARK = b"HEADER RECORD*******LIBRARY HEADER RECORD!!!!!!!"
XPORT_V8_MARK = b"HEADER RECORD*******LIBV8   HEADER RECORD!!!!!!!"
STATA_OLD_VERSIONS = frozenset({104, 105, 108, 110, 111, 113, 114, 115})
KINDS = {
    "sav": "SPSS",
    "por": "SPSS portable",
    "dta": "Stata",
    "sas7bdat": "SAS",
    "sas7bcat": "SAS formats catalogue",
    "xpt": "SAS transport (XPORT)",
    "zip": "ZIP of SAS files",
}


def file_kind(file_name: str, data: bytes) -> str | None:
    """sav, por, dta, sas7bdat, sas7bcat, xpt or zip (a SAS dataset and its catalogue), by content."""
    if data[:4] in (b"$FL2", b"$FL3"):
        return "sav"
    if data.startswith(b"<stata_dta>") or (
        len(data) > 4
        and data[0] in STATA_OLD_VERSIONS
        and data[1] in (1, 2)
        and data[2] == 1
        and data[3] == 0
    ):
        return "dta"
    if data.startswith(SAS_MAGIC_HEAD) and data[16:32] == SAS_MAGIC_TAIL:
        if b"CATALOG" in data[:1024] or file_name.lower().endswith(".sas7bcat"):
            return "sas7bcat"
        return "sas7bdat"
    if data.startswith((XPORT_MARK, XPORT_V8_MARK)):
        return "xpt"
    if SPSS_PORTABLE_MARK in data[:1024]:
        return "por"
    if data.startswith(b"PK\x03\x04") and b"xl/" not in data[:65536]:
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return None
        if any(name.lower().endswith(".sas7bdat") for name in names):
            return "zip"
    return None


# Formats → representations ---------------------------------------------------------------------------------

SPSS_DATES = {
    "DATE": "Date",
    "ADATE": "Date",
    "EDATE": "Date",
    "SDATE": "Date",
    "JDATE": "Date",
    "DATETIME": "DateTime",
    "YMDHMS": "DateTime",
    "TIME": "Time",
    "MTIME": "Time",
    "DTIME": "Duration",
    "WKDAY": "Day",
    "MONTH": "Month",
    "MOYR": "YearMonth",
    "QYR": "YearQuarter",
    "WKYR": "YearWeek",
}
SAS_DATES = {
    **{
        name: "Date"
        for name in (
            "DATE",
            "DAY",
            "DDMMYY",
            "DDMMYYB",
            "DDMMYYC",
            "DDMMYYD",
            "DDMMYYN",
            "DDMMYYP",
            "DDMMYYS",
            "MMDDYY",
            "MMDDYYB",
            "MMDDYYC",
            "MMDDYYD",
            "MMDDYYN",
            "MMDDYYP",
            "MMDDYYS",
            "YYMMDD",
            "YYMMDDB",
            "YYMMDDC",
            "YYMMDDD",
            "YYMMDDN",
            "YYMMDDP",
            "YYMMDDS",
            "E8601DA",
            "B8601DA",
            "EURDFDD",
            "JULIAN",
            "WEEKDATE",
            "WORDDATE",
            "WORDDATX",
            "NLDATE",
            "MINGUO",
            "DTDATE",
            "EURDFDE",
            "DOWNAME",
        )
    },
    **{
        name: "DateTime"
        for name in (
            "DATETIME",
            "E8601DT",
            "B8601DT",
            "DATEAMPM",
            "NLDATM",
            "MDYAMPM",
            "E8601DZ",
            "B8601DZ",
            "DTWKDATX",
        )
    },
    **{
        name: "Time"
        for name in ("TIME", "TOD", "HHMM", "HOUR", "MMSS", "E8601TM", "B8601TM", "TIMEAMPM", "NLTIME")
    },
    **{
        name: "YearMonth"
        for name in (
            "MONYY",
            "YYMM",
            "YYMMC",
            "YYMMD",
            "YYMMN",
            "YYMMP",
            "YYMMS",
            "MMYY",
            "DTMONYY",
            "NLDATEYM",
        )
    },
    **{name: "Year" for name in ("YEAR", "DTYEAR")},
    **{name: "YearQuarter" for name in ("YYQ", "YYQC", "YYQD", "YYQN", "YYQP", "YYQS", "DTYYQC")},
    **{name: "YearWeek" for name in ("WEEKU", "WEEKV", "WEEKW")},
}
SAS_BUILT_IN = frozenset(SAS_DATES) | frozenset(
    {
        "",
        "$",
        "$CHAR",
        "$ASCII",
        "$HEX",
        "$UPCASE",
        "$QUOTE",
        "$VARYING",
        "$BASE64X",
        "BEST",
        "BESTD",
        "COMMA",
        "COMMAX",
        "DOLLAR",
        "DOLLARX",
        "EURO",
        "EUROX",
        "F",
        "FRACT",
        "HEX",
        "NUMX",
        "PERCENT",
        "PERCENTN",
        "PVALUE",
        "Z",
        "E",
        "D",
        "W",
        "NEGPAREN",
        "ROMAN",
        "WORDS",
        "WORDF",
        "BINARY",
        "OCTAL",
        "SSN",
        "IB",
        "PD",
        "RB",
        "CHAR",
    }
)
STATA_DATES = {
    "td": "Date",
    "d": "Date",
    "tc": "DateTime",
    "tC": "DateTime",
    "tw": "YearWeek",
    "tm": "YearMonth",
    "tq": "YearQuarter",
    "th": "YearHalf",
    "ty": "Year",
    "tb": "Date",
}
_SPSS_FORMAT = re.compile(r"^(?P<name>[A-Z]+)(?P<width>\d+)?(?:\.(?P<decimals>\d+))?$")
_SAS_FORMAT = re.compile(r"^(?P<name>\$?[A-Z_]*(?:\d+[A-Z_]+)*?)(?P<width>\d+)?\.?(?P<decimals>\d+)?$")
_STATA_DATE = re.compile(r"^%-?(?P<kind>t[cCdwmqhyb]|d)(?P<detail>.*)$")
_STATA_NUMBER = re.compile(r"^%-?0?(?P<width>\d+)?(?:\.(?P<decimals>\d+))?(?P<type>[gfesx])c?$")
_STATA_TIME_ONLY = re.compile(r"^[HhMSsmnCAa:.0-9 ]+$")
NUMERIC_TYPES = {
    "int8": "Integer",
    "int16": "Integer",
    "int32": "Integer",
    "float": "Float",
    "double": "Double",
}


@dataclass(slots=True)
class FormatInfo:
    """A variable's display format read as a representation, and the user format (value labels) it names."""

    representation: Representation
    user_format: str | None = None


def format_info(kind: str, fmt: str | None, storage: str, width: int | None) -> FormatInfo:
    """The representation a format declares (kind is the file kind: sav, por, dta, sas7bdat, xpt)."""
    text = (fmt or "").strip()
    is_string = storage == "string"
    numeric_type = NUMERIC_TYPES.get(storage)
    if kind == "dta":
        return FormatInfo(_stata_representation(text, is_string, numeric_type, width))
    upper = text.upper()
    if kind in ("sav", "por"):
        match = _SPSS_FORMAT.match(upper)
        name = match["name"] if match else ""
        if name in SPSS_DATES and not is_string:
            return FormatInfo(Representation(kind="datetime", date_type=SPSS_DATES[name], format=text))
        if is_string:
            return FormatInfo(_text(match["width"] if match and match["width"] else None, width, text))
        decimals = int(match["decimals"]) if match and match["decimals"] else (0 if match else None)
        return FormatInfo(
            Representation(
                kind="numeric", numeric_type=numeric_type, decimal_positions=decimals, format=text or None
            )
        )
    match = _SAS_FORMAT.match(upper)
    name = match["name"] if match else upper
    user_format = None if name in SAS_BUILT_IN or not text else name
    if name in SAS_DATES and not is_string:
        return FormatInfo(Representation(kind="datetime", date_type=SAS_DATES[name], format=text), None)
    if is_string:
        return FormatInfo(
            _text(match["width"] if match and name in ("$", "$CHAR") else None, width, text), user_format
        )
    decimals = int(match["decimals"]) if match and match["decimals"] else None
    return FormatInfo(
        Representation(
            kind="numeric", numeric_type=numeric_type, decimal_positions=decimals, format=text or None
        ),
        user_format,
    )


def _stata_representation(
    text: str, is_string: bool, numeric_type: str | None, width: int | None
) -> Representation:
    date = _STATA_DATE.match(text)
    if date and not is_string:
        date_type = STATA_DATES.get(date["kind"], "Date")
        if date["kind"] in ("tc", "tC") and date["detail"] and _STATA_TIME_ONLY.match(date["detail"]):
            date_type = "Time"
        return Representation(kind="datetime", date_type=date_type, format=text)
    match = _STATA_NUMBER.match(text)
    if is_string:
        return _text(match["width"] if match and match["type"] == "s" else None, width, text)
    decimals = int(match["decimals"]) if match and match["type"] == "f" and match["decimals"] else None
    return Representation(
        kind="numeric", numeric_type=numeric_type, decimal_positions=decimals, format=text or None
    )


def _text(declared: str | None, storage_width: int | None, fmt: str) -> Representation:
    length = int(declared) if declared else storage_width
    return Representation(
        kind="text", max_length=length if length and length > 0 else None, format=fmt or None
    )


# Values and missing values ----------------------------------------------------------------------------------


def code_text(value: Any) -> str:
    """A label key or missing value as the code a person reads: 1.0 → '1', 2.5 → '2.5'."""
    if isinstance(value, float):
        if math.isinf(value) or abs(value) >= OPEN_BOUND:
            return "HI" if value > 0 else "LO"
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


@dataclass(slots=True)
class MissingDeclaration:
    """A variable's user-missing declaration: discrete values and (low, high) ranges."""

    values: list[Any]
    ranges: list[tuple[Any, Any]]

    def covers(self, value: Any) -> bool:
        if value in self.values:
            return True
        if isinstance(value, int | float):
            return any(isinstance(lo, int | float) and lo <= value <= hi for lo, hi in self.ranges)
        return False

    def tokens(self) -> list[str]:
        """The declaration as @missingValue tokens: `-1`, `2000..3000`, `LO..-1` (ranges as low..high)."""
        found = [code_text(v) for v in self.values] + [
            f"{code_text(lo)}..{code_text(hi)}" for lo, hi in self.ranges
        ]
        return [t for t in found if t and all(ch.isalnum() or ch in ".-_:" for ch in t)]


def missing_declaration(meta: Any, name: str) -> MissingDeclaration:
    values: list[Any] = []
    ranges: list[tuple[Any, Any]] = []
    for bounds in (meta.missing_ranges or {}).get(name, []):
        lo, hi = bounds.get("lo"), bounds.get("hi")
        if lo == hi:
            values.append(lo)
        else:
            ranges.append((lo, hi))
    for value in (meta.missing_user_values or {}).get(name, []):
        values.append(f".{value}" if isinstance(value, str) and len(value) == 1 else value)
    return MissingDeclaration(values, ranges)


def special_missing(key: Any, kind: str, format_name: str | None) -> str | None:
    """`.a` (Stata) or `.A` / `._` (SAS) when a label key is a special missing value, else None."""
    if not isinstance(key, str) or (format_name or "").startswith("$"):
        return None
    if kind == "dta" and re.fullmatch(r"[a-z]", key):
        return f".{key}"
    if kind in ("sas7bdat", "xpt", "zip") and re.fullmatch(r"[A-Z_]", key):
        return f".{key}"
    return None


# Reading ----------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Source:
    """What pyreadstat gave: the metadata, the file kind, and the formats catalogue when there was one."""

    kind: str
    meta: Any
    catalogue: dict[str, dict[Any, str]] | None


def read_metadata(file_name: str, data: bytes, kind: str, problems: list[Problem]) -> Source:
    """Run pyreadstat on the bytes, metadata only; errors become a located InvalidInput."""
    import pyreadstat

    readers: dict[str, Callable[..., Any]] = {
        "sav": pyreadstat.read_sav,
        "por": pyreadstat.read_por,
        "dta": pyreadstat.read_dta,
        "sas7bdat": pyreadstat.read_sas7bdat,
        "xpt": pyreadstat.read_xport,
    }
    catalogue = None
    if kind == "zip":
        data, catalogue_bytes, member = _sas_members(file_name, data)
        if catalogue_bytes is not None:
            catalogue = _read(
                pyreadstat.read_sas7bcat, catalogue_bytes, f"{file_name}!catalogue", {}, metadata_only=False
            ).value_labels
        file_name, kind = member, "sas7bdat"
    if kind == "sas7bcat":
        raise InvalidInput(
            [
                Problem(
                    "error",
                    "a SAS formats catalogue (.sas7bcat) alone describes no variable: "
                    "give it in a ZIP with its .sas7bdat",
                    Location(file=file_name),
                    "catalogue-alone",
                )
            ]
        )
    options = {"user_missing": True} if kind in ("sav", "dta", "sas7bdat") else {}
    try:
        meta = _read(readers[kind], data, file_name, options)
    except InvalidInput:
        if kind not in ("sav", "por", "dta"):
            raise
        meta = _read(readers[kind], data, file_name, dict(options, encoding="cp1252"))
        problems.append(
            Problem(
                "warning",
                "no usable encoding record: labels read as Windows-1252 (check accents)",
                Location(file=file_name),
                "encoding",
            )
        )
    return Source(kind, meta, catalogue)


def _read(
    reader: Callable[..., Any],
    data: bytes,
    file_name: str,
    options: dict[str, Any],
    *,
    metadata_only: bool = True,
) -> Any:
    """One pyreadstat call on the bytes; only a formats catalogue (labels, no rows) goes without the flag."""
    from pyreadstat import PyreadstatError, ReadstatError

    if metadata_only:
        options = dict(options, metadataonly=True)
    try:
        _columns, meta = reader(io.BytesIO(data), output_format="dict", **options)
    except (PyreadstatError, ReadstatError, UnicodeError, ValueError, OSError) as error:
        raise InvalidInput(
            [Problem("error", f"unreadable file: {error}", Location(file=file_name), "bad-data-file")]
        ) from error
    return meta


def _sas_members(file_name: str, data: bytes) -> tuple[bytes, bytes | None, str]:
    archive = open_zip(data, file_name)
    datasets = [i for i in archive.infolist() if i.filename.lower().endswith(".sas7bdat")]
    catalogues = [i for i in archive.infolist() if i.filename.lower().endswith(".sas7bcat")]
    if len(datasets) != 1 or len(catalogues) > 1:
        raise InvalidInput(
            [
                Problem(
                    "error",
                    f"the ZIP must hold one .sas7bdat and at most one .sas7bcat (found {len(datasets)} and "
                    f"{len(catalogues)})",
                    Location(file=file_name),
                    "sas-zip",
                )
            ]
        )
    dataset = datasets[0]
    member = f"{file_name}!{dataset.filename}"
    return archive.read(dataset), archive.read(catalogues[0]) if catalogues else None, member


# Building the package ---------------------------------------------------------------------------------------


class DataFileBuilder:
    """The package of one data file: a Variable per column, code lists per label set, mr sets as questions."""

    def __init__(
        self, source: Source, file_name: str, options: ImportOptions, problems: list[Problem]
    ) -> None:
        self.source, self.file_name, self.options, self.problems = source, file_name, options, problems
        self.codes = CodeListBuilder(options)
        self.languages = TextLanguages(options.split_languages, options.default_language)
        self.unresolved: dict[str, list[str]] = {}

    def build(self) -> DDIPackage:
        meta = self.source.meta
        labels = dict(
            zip(meta.column_names, meta.column_labels or [None] * len(meta.column_names), strict=False)
        )
        file_label = (meta.file_label or "").strip()
        variables: dict[str, Variable] = {}
        for name in meta.column_names:
            variable = Variable(
                agency=self.options.agency,
                id=ddi_id(self.options.id_prefix, "v", name),
                version=None,
                name=name,
                label=self.languages.lang_text(labels.get(name)),
                representation=self._representation(name),
                user_attributes=self._attributes(name, file_label),
            )
            variables[name] = variable
        questions = self._multiple_response_sets(variables)
        for user_format, names in self.unresolved.items():
            self.problems.append(
                Problem(
                    "warning",
                    f"format {user_format} (variables {', '.join(names[:5])}"
                    f"{'...' if len(names) > 5 else ''}) "
                    "is named but not resolved: give the .sas7bcat catalogue with the .sas7bdat in one ZIP",
                    Location(file=self.file_name, column=names[0]),
                    "unresolved-format",
                )
            )
        items: list[Item] = [*self.codes.items, *questions, *variables.values()]
        return DDIPackage(
            items=items, placement={item.key: None for item in items}, source_name=self.file_name
        )

    def _attributes(self, name: str, file_label: str) -> list[tuple[str, str]]:
        pairs = [DATA_SOURCE]
        measure = (self.source.meta.variable_measure or {}).get(name)
        if measure and measure != "unknown":
            pairs.append((MEASURE_KEY, measure))
        if file_label:
            pairs.append((DATA_FILE_LABEL_KEY, file_label))
        return pairs

    def _representation(self, name: str) -> Representation:
        meta, kind = self.source.meta, self.source.kind
        fmt = (meta.original_variable_types or {}).get(name)
        storage = (meta.readstat_variable_types or {}).get(name, "double")
        width = (meta.variable_storage_width or {}).get(name)
        info = format_info(kind, fmt, storage, width)
        rep = info.representation
        declared = missing_declaration(meta, name)
        label_set, set_name = self._value_labels(name, info.user_format)
        rep.missing_values = declared.tokens()
        if not label_set:
            return rep
        choices: list[Choice] = []
        for key, text in label_set.items():
            special = special_missing(key, kind, info.user_format or fmt)
            label = self.languages.lang_text(text) or {self.options.default_language: code_text(key)}
            missing = special is not None or declared.covers(key) or is_missing_label(label.values())
            code = special or code_text(key)
            if special and code not in rep.missing_values:
                rep.missing_values.append(code)
            choices.append(Choice(code, label, missing))
        return Representation(
            kind="code",
            code_list=self.codes.code_list(set_name, choices),
            missing_values=rep.missing_values,
            format=rep.format,
        )

    def _value_labels(self, name: str, user_format: str | None) -> tuple[dict[Any, str], str]:
        """The variable's value labels and their label set's name (SAS format, Stata/SPSS label name)."""
        meta = self.source.meta
        set_name = (meta.variable_to_label or {}).get(name) or name
        if self.source.kind in ("sas7bdat", "xpt", "zip"):
            if user_format is None:
                return {}, set_name
            catalogue = self.source.catalogue
            if catalogue is None:
                self.unresolved.setdefault(user_format, []).append(name)
                return {}, set_name
            found = catalogue.get(user_format) or catalogue.get(user_format.lstrip("$"))
            if found is None:
                self.problems.append(
                    Problem(
                        "warning",
                        f"format {user_format} of {name} is not in the catalogue",
                        Location(file=self.file_name, column=name),
                        "unknown-format",
                    )
                )
            return found or {}, user_format
        return (meta.variable_value_labels or {}).get(name, {}), set_name

    def _multiple_response_sets(self, variables: dict[str, Variable]) -> list[QuestionItem]:
        """SPSS mr sets: one question allowing several answers, referenced by each variable of the set."""
        questions: list[QuestionItem] = []
        for set_name, mr_set in (getattr(self.source.meta, "mr_sets", None) or {}).items():
            members = [variables[v] for v in mr_set.get("variable_list", []) if v in variables]
            if not members:
                continue
            name = set_name.lstrip("$")
            if (
                mr_set.get("type") == "C"
                and members[0].representation
                and members[0].representation.code_list
            ):
                code_list: Ref | None = members[0].representation.code_list
            else:
                options = [
                    Choice(str(i), member.label or {self.options.default_language: member.name or ""})
                    for i, member in enumerate(members, start=1)
                ]
                code_list = self.codes.code_list(name, options)
            question = QuestionItem(
                agency=self.options.agency,
                id=ddi_id(self.options.id_prefix, "qi", name),
                version=None,
                name=name,
                text=self._text(mr_set.get("label")) or {self.options.default_language: name},
                responses=[
                    Representation(
                        kind="code", code_list=code_list, min_responses=0, max_responses=len(members)
                    )
                ],
                user_attributes=[DATA_SOURCE, ("ddicat:multipleResponseSet", set_name)],
            )
            questions.append(question)
            for member in members:
                member.questions.append(question.ref())
        return questions

    def _text(self, raw: str | None) -> LangText:
        return self.languages.lang_text(raw)


class StatFileImporter:
    """SPSS (.sav, .zsav, .por), Stata (.dta), SAS (.sas7bdat, .xpt, ZIP with .sas7bcat): metadata only."""

    name = "statfile"
    title = "SPSS, Stata or SAS data file (metadata only)"
    extensions = (".sav", ".zsav", ".por", ".dta", ".sas7bdat", ".sas7bcat", ".xpt", ".zip")

    def sniff(self, file_name: str, data: bytes) -> bool:
        """True for the magic numbers of each format (the SAS catalogue too, to refuse it with a reason)."""
        return file_kind(file_name, data) is not None

    def read(self, file_name: str, data: bytes, options: ImportOptions) -> ImportResult:
        if not data.strip(b"\x00 \t\r\n"):
            raise InvalidInput([Problem("error", "the file is empty", Location(file=file_name), "empty")])
        kind = file_kind(file_name, data)
        if kind is None:
            expected = ", ".join(KINDS.values())
            raise InvalidInput(
                [
                    Problem(
                        "error",
                        f"not a data file this importer reads ({expected})",
                        Location(file=file_name),
                        "not-a-data-file",
                    )
                ]
            )
        problems: list[Problem] = []
        source = read_metadata(file_name, data, kind, problems)
        member = file_name if kind != "zip" else PurePosixPath(file_name).name
        package = DataFileBuilder(source, member, options, problems).build()
        package.source_name = file_name
        if not any(isinstance(item, Variable) for item in package.items):
            raise InvalidInput(
                problems
                + [Problem("error", "the file has no variable", Location(file=file_name), "no-variable")]
            )
        return ImportResult(package=package, problems=problems, data_file=True)


IMPORTER = StatFileImporter()
