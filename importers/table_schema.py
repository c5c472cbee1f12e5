"""Frictionless Table Schema: the SNDS tables, HEAL variable-level metadata, Frictionless data packages.

Accepted: one schema JSON (`{"fields": [...]}`), a data package (`datapackage.json`, schemas inline), a ZIP
of a folder (the SNDS layout `schemas/<PRODUCT>/<TABLE>.json` + `nomenclatures/<SOURCE>/<NAME>.csv|.json`,
or any set of schemas), and HEAL's flattened CSV form (`name,type,constraints.enum,enumLabels...`). No data
file a package points to is ever read.

Each table is a set of Variables without instrument, each carrying ("ddicat:table", name); with several
tables the table names the variable IDs. A field's `type`/`format` gives its representation (integer,
number, string with its length, date with its format, year, boolean as a true/false code list),
`constraints` its bounds, pattern and codes (`enum` with HEAL `enumLabels`, or v2 `categories`), and
`missingValues` its missing values. An SNDS `nomenclature` (`NAME` or `NAME:COLUMN`) becomes a code list
from `nomenclatures/**/NAME.csv` when the import holds it, else a ("ddicat:nomenclature", NAME) attribute
and one warning per nomenclature.

The SNDS is an administrative source: an input in the SNDS shape (fields with `nomenclature`, tables with
`produit`) or a data package is marked ("ddicat:dataSource", "administrative") on the study and on every
variable, so that researchers can tell the variables a cohort gets from its SNDS linkage. The SNDS is
documented in French: its texts go under `fr` when the user names no language. HEAL files describe study
questionnaires and get no such mark.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from catalogue.errors import InvalidInput, Location, Problem
from catalogue.model import (
    UNDETERMINED_LANGUAGE,
    DDIPackage,
    Item,
    Representation,
    StudyInfo,
    Variable,
)
from importers.codebook import open_zip
from importers.codebook_presets import Choice, CodeListBuilder, choice, fold, is_missing_code
from importers.identifiers import ddi_id, id_part
from importers.label_text import TextLanguages
from importers.registry import ImportOptions, ImportResult
from importers.text_decoding import decode_text, read_rows

ADMINISTRATIVE = ("ddicat:dataSource", "administrative")
TABLE_KEY = "ddicat:table"
NOMENCLATURE_KEY = "ddicat:nomenclature"
NO_NOMENCLATURE = frozenset({"", "-", "none", "aucune"})
MAX_NOMENCLATURE_CODES = 50_000
# The largest SNDS table schema is 60 kB; a JSON or CSV input past this size is refused, not parsed.
MAX_TEXT_BYTES = 64 * 1024 * 1024
HEAL_CSV_COLUMNS = frozenset({"name", "type"})
HEAL_CSV_MARKERS = frozenset(
    {
        "enumlabels",
        "constraintsenum",
        "constraintsmaximum",
        "constraintspattern",
        "missingvalues",
        "standardsmappings",
    }
)
DATE_TYPES = {
    "date": "Date",
    "datetime": "DateTime",
    "time": "Time",
    "year": "Year",
    "yearmonth": "YearMonth",
    "duration": "Duration",
}


@dataclass(slots=True)
class Schema:
    """One table: its name, its schema object and where it came from (for problem locations)."""

    name: str
    body: dict[str, Any]
    where: str
    product: str | None = None


@dataclass(slots=True)
class Nomenclature:
    """An SNDS nomenclature: its CSV bytes and, when present, its schema naming code and label columns."""

    name: str
    csv: bytes | None = None
    schema: dict[str, Any] | None = None
    where: str = ""


@dataclass(slots=True)
class Inputs:
    """What one import holds: the tables, the nomenclatures, and whether it is an administrative source."""

    schemas: list[Schema] = field(default_factory=list)
    nomenclatures: dict[str, Nomenclature] = field(default_factory=dict)
    administrative: bool = False
    title: str | None = None
    description: str | None = None


# Reading the input ------------------------------------------------------------------------------------------


def _json(data: bytes, where: str) -> Any:
    text, _encoding, _problems = decode_text(data, where)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInput(
            [
                Problem(
                    "error",
                    f"not valid JSON: {error.msg}",
                    Location(file=where, line=error.lineno),
                    "bad-json",
                )
            ]
        ) from error


def _is_schema(body: Any) -> bool:
    return isinstance(body, dict) and isinstance(body.get("fields"), list)


def _is_package(body: Any) -> bool:
    return isinstance(body, dict) and isinstance(body.get("resources"), list)


def _is_snds(body: dict[str, Any]) -> bool:
    fields = [f for f in body.get("fields", []) if isinstance(f, dict)]
    return "produit" in body or any("nomenclature" in f or "type_oracle" in f for f in fields)


def read_inputs(file_name: str, data: bytes) -> Inputs:
    """The schemas and nomenclatures of a JSON file, a data package, a ZIP folder or a HEAL CSV."""
    inputs = Inputs()
    if data.startswith(b"PK\x03\x04"):
        _read_zip(file_name, data, inputs)
    elif data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        body = _json(data, file_name)
        _add_document(inputs, body, file_name, PurePosixPath(file_name).stem)
    else:
        inputs.schemas.append(_heal_csv(file_name, data))
    if not inputs.schemas:
        raise InvalidInput(
            [
                Problem(
                    "error",
                    "no Table Schema found (a JSON object with a `fields` list, or a data "
                    "package with `resources`)",
                    Location(file=file_name),
                    "no-schema",
                )
            ]
        )
    inputs.administrative = inputs.administrative or any(_is_snds(s.body) for s in inputs.schemas)
    return inputs


def _add_document(inputs: Inputs, body: Any, where: str, stem: str) -> None:
    if _is_package(body):
        inputs.administrative = True
        inputs.title = inputs.title or body.get("title") or body.get("name")
        inputs.description = inputs.description or body.get("description")
        for at, resource in enumerate(body["resources"]):
            schema = resource.get("schema") if isinstance(resource, dict) else None
            if _is_schema(schema):
                name = str(resource.get("name") or resource.get("title") or f"resource{at + 1}")
                inputs.schemas.append(Schema(name, schema, f"{where} (resource {name})"))
        return
    if _is_schema(body):
        inputs.schemas.append(Schema(str(body.get("name") or stem), body, where, body.get("produit")))
        return
    raise InvalidInput(
        [
            Problem(
                "error",
                "the JSON is neither a Table Schema (`fields`) nor a data package (`resources`)",
                Location(file=where),
                "no-schema",
            )
        ]
    )


def _read_zip(file_name: str, data: bytes, inputs: Inputs) -> None:
    archive = open_zip(data, file_name)
    for info in sorted(archive.infolist(), key=lambda i: i.filename):
        path = PurePosixPath(info.filename)
        if info.is_dir() or path.name.startswith("."):
            continue
        where = f"{file_name}!{info.filename}"
        in_nomenclatures = "nomenclatures" in path.parts
        suffix = path.suffix.lower()
        if in_nomenclatures and suffix in (".csv", ".json"):
            entry = inputs.nomenclatures.setdefault(path.stem, Nomenclature(path.stem, where=where))
            if suffix == ".csv":
                entry.csv, entry.where = archive.read(info), where
            else:
                body = _json(archive.read(info), where)
                entry.schema = body if _is_schema(body) else None
        elif suffix == ".json":
            body = _json(archive.read(info), where)
            if _is_schema(body) or _is_package(body):
                product = path.parts[-2] if len(path.parts) >= 2 and "schemas" in path.parts else None
                before = len(inputs.schemas)
                _add_document(inputs, body, where, path.stem)
                for schema in inputs.schemas[before:]:
                    schema.product = schema.product or product


def _heal_csv(file_name: str, data: bytes) -> Schema:
    """HEAL's CSV form: one row per field, constraints flattened (`constraints.enum` = `1|2|3`)."""
    rows, _problems = read_rows(data, file_name)
    if not rows or not HEAL_CSV_COLUMNS <= {fold(c) for c in rows[0]}:
        raise InvalidInput(
            [
                Problem(
                    "error",
                    "not a Table Schema: expected JSON, a ZIP of schemas, or a HEAL CSV "
                    "with name and type columns",
                    Location(file=file_name),
                    "no-schema",
                )
            ]
        )
    header = rows[0]
    fields: list[dict[str, Any]] = []
    for number, row in enumerate(rows[1:], start=2):
        record: dict[str, Any] = {"_row": number}
        for title, cell in zip(header, row, strict=False):
            value = cell.strip()
            if not value:
                continue
            if title.startswith("constraints."):
                record.setdefault("constraints", {})[title.removeprefix("constraints.")] = (
                    _split_list(value) if title.endswith("enum") else value
                )
            elif title in ("missingValues", "trueValues", "falseValues"):
                record[title] = _split_list(value)
            elif title == "enumLabels":
                record[title] = dict(_label_pair(part) for part in _split_list(value) if "=" in part)
            else:
                record[title] = value
        if record.get("name"):
            fields.append(record)
    return Schema(PurePosixPath(file_name).stem, {"fields": fields}, file_name)


def _split_list(value: str) -> list[str]:
    return [part.strip() for part in value.split("|") if part.strip()]


def _label_pair(part: str) -> tuple[str, str]:
    code, _, label = part.partition("=")
    return code.strip(), label.strip()


# Building the package --------------------------------------------------------------------------------------


class TableSchemaBuilder:
    """Variables for every field of every table, code lists from enums, categories and nomenclatures."""

    def __init__(self, inputs: Inputs, file_name: str, options: ImportOptions) -> None:
        self.inputs, self.file_name, self.options = inputs, file_name, options
        language = options.default_language
        if inputs.administrative and language == UNDETERMINED_LANGUAGE:
            language = "fr"
        self.languages = TextLanguages(options.split_languages, language)
        self.codes = CodeListBuilder(options)
        self.problems: list[Problem] = []
        self.multi = len(inputs.schemas) > 1
        self._nomenclatures: dict[str, Any] = {}
        self._unresolved: dict[str, list[str]] = {}

    def build(self) -> DDIPackage:
        variables: list[Variable] = []
        seen: dict[tuple[str, str], str] = {}
        for schema in self.inputs.schemas:
            missing = [str(v) for v in schema.body.get("missingValues", []) if str(v).strip()]
            for at, spec in enumerate(schema.body["fields"]):
                where = Location(file=schema.where, row=spec.get("_row"), element=f"fields[{at}]")
                if not isinstance(spec, dict) or not str(spec.get("name") or "").strip():
                    self.problems.append(Problem("error", "a field without a name", where, "no-name"))
                    continue
                name = str(spec["name"]).strip()
                if (schema.name, name) in seen:
                    self.problems.append(
                        Problem(
                            "error",
                            f"field {name!r} appears twice in table {schema.name}",
                            where,
                            "duplicate-field",
                        )
                    )
                    continue
                seen[(schema.name, name)] = schema.name
                variables.append(self._variable(schema, spec, name, missing, where))
        for nomenclature, names in self._unresolved.items():
            self.problems.append(
                Problem(
                    "warning",
                    f"nomenclature {nomenclature} (fields {', '.join(names[:5])}"
                    f"{'...' if len(names) > 5 else ''}) "
                    "is not in this import: recorded by name only (add nomenclatures/**/"
                    f"{nomenclature}.csv to resolve it)",
                    Location(file=self.file_name),
                    "unresolved-nomenclature",
                )
            )
        items: list[Item] = [*self.codes.items, *variables]
        package = DDIPackage(
            items=items, placement={item.key: None for item in items}, source_name=self.file_name
        )
        if self.inputs.administrative:
            single = self.inputs.schemas[0].body if len(self.inputs.schemas) == 1 else {}
            title = self.inputs.title or single.get("title") or _products_title(self.inputs)
            description = self.inputs.description or single.get("description")
            package.study = StudyInfo(
                agency=self.options.agency,
                id=id_part(self.options.id_prefix),
                version="1",
                element="StudyUnit",
                title=self.languages.lang_text(title),
                abstract=self.languages.lang_text(description),
                attributes={ADMINISTRATIVE[0]: ADMINISTRATIVE[1]},
            )
        return package

    def _variable(
        self, schema: Schema, spec: dict[str, Any], name: str, missing: list[str], where: Location
    ) -> Variable:
        title, description = spec.get("title"), spec.get("description")
        label = (
            self.languages.lang_text(str(title))
            if title
            else self.languages.lang_text(str(description or ""))
        )
        attributes: list[tuple[str, str]] = [(TABLE_KEY, schema.name)]
        if schema.product:
            attributes.append(("ddicat:product", schema.product))
        if self.inputs.administrative:
            attributes.append(ADMINISTRATIVE)
        if spec.get("section"):
            attributes.append(("ddicat:section", str(spec["section"])))
        rep = self._representation(schema, spec, name, missing, where, attributes)
        ids = [schema.name, name] if self.multi else [name]
        return Variable(
            agency=self.options.agency,
            id=ddi_id(self.options.id_prefix, "v", *ids),
            version=None,
            name=name,
            label=label,
            description=self.languages.lang_text(str(description)) if title and description else {},
            representation=rep,
            user_attributes=attributes,
        )

    def _representation(
        self,
        schema: Schema,
        spec: dict[str, Any],
        name: str,
        table_missing: list[str],
        where: Location,
        attributes: list[tuple[str, str]],
    ) -> Representation:
        kind = str(spec.get("type") or "any").lower()
        fmt = str(spec.get("format") or "").strip()
        fmt = "" if fmt == "default" else fmt
        constraints = spec.get("constraints") if isinstance(spec.get("constraints"), dict) else {}
        missing = [str(v) for v in spec.get("missingValues", table_missing) if str(v).strip()]
        list_name = f"{schema.name}-{name}" if self.multi else name
        choices = self._choices(spec, constraints, missing)
        nomenclature = str(spec.get("nomenclature") or "").strip()
        if not choices and nomenclature.lower() not in NO_NOMENCLATURE:
            code_list = self._nomenclature(nomenclature, name, where)
            if code_list is None:
                attributes.append((NOMENCLATURE_KEY, nomenclature.split(":")[0]))
            else:
                return Representation(kind="code", code_list=code_list, missing_values=_tokens(missing))
        if choices:
            return Representation(
                kind="code",
                code_list=self.codes.code_list(list_name, choices),
                missing_values=_tokens(missing),
            )
        if kind == "boolean":
            true_values = [str(v) for v in spec.get("trueValues", [])] or ["true"]
            false_values = [str(v) for v in spec.get("falseValues", [])] or ["false"]
            options = [Choice(v, {"fr": "Vrai", "en": "True"}) for v in true_values]
            options += [Choice(v, {"fr": "Faux", "en": "False"}) for v in false_values]
            options += [Choice(v, self.languages.lang_text(v), True) for v in missing]
            return Representation(
                kind="code",
                code_list=self.codes.code_list(
                    "boolean" if not spec.get("trueValues") else list_name, options
                ),
                missing_values=_tokens(missing),
            )
        if kind in DATE_TYPES:
            rep = Representation(kind="datetime", date_type=DATE_TYPES[kind], format=fmt or None)
        elif kind in ("integer", "number"):
            rep = Representation(
                kind="numeric", numeric_type="Integer" if kind == "integer" else "Decimal", format=fmt or None
            )
            decimals = spec.get("decimals") or spec.get("decimalPlaces")
            if isinstance(decimals, int):
                rep.decimal_positions = decimals
        else:
            rep = Representation(kind="text", format=fmt or None)
            length = constraints.get("maxLength") or spec.get("length")
            rep.max_length = _integer(length)
            rep.min_length = _integer(constraints.get("minLength"))
            if rep.min_length is not None and rep.max_length is not None and rep.min_length > rep.max_length:
                rep.max_length = rep.min_length
        for bound in ("minimum", "maximum"):
            value = constraints.get(bound)
            if value is not None and rep.kind in ("numeric", "datetime"):
                setattr(rep, bound, _number_text(value))
        pattern = constraints.get("pattern")
        if isinstance(pattern, str) and pattern:
            rep.regex = pattern
        rep.missing_values = _tokens(missing)
        return rep

    def _choices(self, spec: dict[str, Any], constraints: dict[str, Any], missing: list[str]) -> list[Choice]:
        """Codes from v2 `categories`, or `enum` labelled by HEAL `enumLabels`; missing values flagged."""
        categories = spec.get("categories")
        found: list[Choice] = []
        if isinstance(categories, list) and categories:
            for category in categories:
                value = category.get("value") if isinstance(category, dict) else category
                label = category.get("label") if isinstance(category, dict) else None
                found.append(self._choice(str(value), str(label or value), missing))
            return found
        enum = constraints.get("enum")
        labels = spec.get("enumLabels") if isinstance(spec.get("enumLabels"), dict) else {}
        if not isinstance(enum, list) or not enum:
            return []
        values = [str(v) for v in enum]
        values += [str(v) for v in labels if str(v) not in values]
        for value in values:
            found.append(self._choice(value, str(labels.get(value, value)), missing))
        return found

    def _choice(self, value: str, label: str, missing: list[str]) -> Choice:
        made = choice(value, self.languages.lang_text(label))
        made.missing = made.missing or value in missing
        return made

    def _nomenclature(self, reference: str, field_name: str, where: Location) -> Any:
        name, _, column = reference.partition(":")
        name = name.strip()
        key = f"{name}:{column}"
        found = self.inputs.nomenclatures.get(name)
        if found is None or found.csv is None:
            names = self._unresolved.setdefault(name, [])
            if field_name not in names:
                names.append(field_name)
            return None
        if key in self._nomenclatures:
            return self._nomenclatures[key]
        ref = self.codes.code_list(
            name, self._nomenclature_choices(found, column.strip()), label={self.languages.default: name}
        )
        self._nomenclatures[key] = ref
        return ref

    def _nomenclature_choices(self, nomenclature: Nomenclature, column: str) -> list[Choice]:
        rows, problems = read_rows(nomenclature.csv or b"", nomenclature.where)
        self.problems += problems
        header = [cell.strip() for cell in rows[0]] if rows else []
        roles = {
            f.get("role"): f.get("name")
            for f in (nomenclature.schema or {}).get("fields", [])
            if isinstance(f, dict)
        }
        code_at = _column(header, column or roles.get("code"), 0)
        label_at = _column(header, roles.get("label"), 1 if len(header) > 1 else 0)
        choices: list[Choice] = []
        for row in rows[1 : MAX_NOMENCLATURE_CODES + 1]:
            if len(row) <= max(code_at, label_at) or not row[code_at].strip():
                continue
            code, label = row[code_at].strip(), row[label_at].strip()
            text = self.languages.lang_text(label)
            choices.append(Choice(code, text, is_missing_code(code, text.values())))
        if len(rows) > MAX_NOMENCLATURE_CODES + 1:
            self.problems.append(
                Problem(
                    "warning",
                    f"nomenclature {nomenclature.name} has more than "
                    f"{MAX_NOMENCLATURE_CODES:,} codes: the first ones only are kept",
                    Location(file=nomenclature.where),
                    "large-nomenclature",
                )
            )
        return choices


def _column(header: list[str], name: str | None, default: int) -> int:
    if name and name in header:
        return header.index(name)
    return default


def _products_title(inputs: Inputs) -> str:
    products = sorted({s.product for s in inputs.schemas if s.product})
    names = ", ".join(products or [s.name for s in inputs.schemas][:5])
    return f"Système national des données de santé (SNDS) : {names}"


def _integer(value: Any) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None


def _number_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _tokens(values: list[str]) -> list[str]:
    return [v for v in values if re.fullmatch(r"[\w.\-:]+", v)]


# The importer ---------------------------------------------------------------------------------------------


class TableSchemaImporter:
    """Frictionless Table Schema JSON, data packages, ZIPs of schemas (the SNDS) and HEAL CSV."""

    name = "table-schema"
    title = "Frictionless Table Schema (SNDS, HEAL variable-level metadata, data package)"
    extensions = (".json", ".zip", ".csv")

    def sniff(self, file_name: str, data: bytes) -> bool:
        """A JSON with `fields` or `resources`, a ZIP holding such JSON, or a HEAL CSV header."""
        try:
            head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
            if head.startswith(b"{"):
                body = json.loads(data.decode("utf-8-sig"))
                return _is_schema(body) or _is_package(body)
            if data.startswith(b"PK\x03\x04"):
                archive = open_zip(data, file_name)
                return any(_is_schema(body) or _is_package(body) for body in _zip_json(archive))
            first_line = data[:4096].decode("utf-8-sig", errors="replace").splitlines()[0]
            rows, _ = read_rows(first_line.encode(), file_name)
            header = {fold(c) for c in rows[0]}
            return HEAL_CSV_COLUMNS <= header and bool(header & HEAL_CSV_MARKERS)
        except Exception:  # sniffing never fails: unreadable means "not mine"
            return False

    def read(self, file_name: str, data: bytes, options: ImportOptions) -> ImportResult:
        if not data.strip():
            raise InvalidInput([Problem("error", "the file is empty", Location(file=file_name), "empty")])
        if len(data) > MAX_TEXT_BYTES and not data.startswith(b"PK\x03\x04"):
            raise InvalidInput(
                [
                    Problem(
                        "error",
                        f"{len(data):,} bytes is more than the {MAX_TEXT_BYTES:,} a schema file may have",
                        Location(file=file_name),
                        "too-large",
                    )
                ]
            )
        inputs = read_inputs(file_name, data)
        builder = TableSchemaBuilder(inputs, file_name, options)
        package = builder.build()
        if any(p.severity == "error" for p in builder.problems):
            raise InvalidInput(builder.problems)
        return ImportResult(package=package, problems=builder.problems)


def _zip_json(archive: Any) -> Iterator[Any]:
    for info in archive.infolist():
        if (
            info.filename.lower().endswith(".json")
            and "nomenclatures" not in PurePosixPath(info.filename).parts
        ):
            try:
                yield json.loads(archive.read(info).decode("utf-8-sig"))
            except (ValueError, UnicodeDecodeError):
                continue


IMPORTER = TableSchemaImporter()
