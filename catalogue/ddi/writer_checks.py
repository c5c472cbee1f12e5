"""What the writer refuses, found before the first byte is written: values DDI-L 3.3 cannot carry.

The writer promises a document that validates against the official XSD, or an `InvalidInput` naming every
item it could not express. Checking first keeps a half-written document from ever reaching a file, and
lets one error report list all the problems rather than the first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from catalogue.ddi.type_of_object import TYPES_OF_OBJECT
from catalogue.ddi.writer_domains import DOMAIN_ELEMENT
from catalogue.ddi.writer_items import WRITABLE_TYPES
from catalogue.ddi.writer_lexical import (
    is_agency,
    is_ddi_date,
    is_ddi_id,
    is_decimal,
    is_double,
    is_nmtoken,
    is_non_negative,
    is_version,
    language_tag,
)
from catalogue.model import (
    CodeList,
    Command,
    ComputationItem,
    DDIPackage,
    IfThenElse,
    Item,
    ItemKey,
    LangText,
    Loop,
    QuestionGrid,
    QuestionItem,
    Ref,
    Representation,
    StatementItem,
    Variable,
)
from ddi_schemas.problems import Location, Problem

# Past this many errors the rest are counted in one closing problem: a 100k-item package can be all wrong.
ERROR_REPORT_LIMIT = 200
CODE = "ddi-writer"


@dataclass(slots=True)
class _Checks:
    file: str | None
    problems: list[Problem] = field(default_factory=list)
    dropped: int = 0

    def error(self, where: str, message: str) -> None:
        if len(self.problems) >= ERROR_REPORT_LIMIT:
            self.dropped += 1
            return
        self.problems.append(Problem("error", message, Location(file=self.file, element=where), CODE))

    def identity(
        self, where: str, agency: str | None, id: str, version: str | None, *, own: bool = True
    ) -> None:
        if agency is not None and not is_agency(agency):
            self.error(
                where,
                f"agency {agency!r} is not a DDI agency (letters, digits and '-' in dot-separated "
                "parts of at most 63 characters, 253 in all)",
            )
        if not is_ddi_id(id):
            self.error(
                where,
                f"ID {id!r} is not a DDI ID (letters, digits, * @ $ - _, and an optional "
                "suffix after one dot in upper case, digits or * @ $ - _)",
            )
        if version is None:
            if own:
                self.error(
                    where,
                    "has no version: DDI-L needs one on every identified object (assign versions "
                    "before writing)",
                )
        elif not is_version(version):
            self.error(where, f"version {version!r} is not a DDI version (numbers separated by dots)")

    def texts(self, where: str, what: str, text: LangText) -> None:
        for lang, value in text.items():
            if value and value.strip() and language_tag(lang) is None:
                self.error(
                    where, f"{what}: {lang!r} is not a language tag xml:lang accepts (e.g. fr, en, fr-CA)"
                )

    def ref(self, where: str, role: str, ref: Ref) -> None:
        target = f"{role} reference to {ref.type} {ref.agency}:{ref.id}"
        if ref.type not in TYPES_OF_OBJECT:
            self.error(where, f"{target}: {ref.type!r} is not a DDI-L 3.3 TypeOfObject")
        self.identity(where, ref.agency, ref.id, ref.version, own=False)

    def date(self, where: str, what: str, value: str | None) -> None:
        if value and not is_ddi_date(value):
            self.error(
                where, f"{what} {value!r} is not an ISO 8601 date, date-time, year-month, year or duration"
            )

    def count(self, where: str, what: str, value: int | None) -> None:
        if value is not None and not is_non_negative(value):
            self.error(where, f"{what} {value} must be a whole number, 0 or more")

    def representation(self, where: str, rep: Representation) -> None:
        if rep.kind not in DOMAIN_ELEMENT:
            self.error(where, f"representation kind {rep.kind!r} is not one of {', '.join(DOMAIN_ELEMENT)}")
            return
        for value in rep.missing_values:
            if value.strip() and not is_nmtoken(value.strip()):
                self.error(
                    where,
                    f"missing value {value!r} cannot be listed in missingValue (no spaces or "
                    "punctuation other than . - _ :)",
                )
        if rep.kind == "numeric":
            for what, bound in (("minimum", rep.minimum), ("maximum", rep.maximum)):
                if bound is not None and not (is_decimal(bound) or is_double(bound)):
                    self.error(where, f"numeric {what} {bound!r} is not a number")
        counts = (
            ("minimum length", rep.min_length),
            ("maximum length", rep.max_length),
            ("minimum responses", rep.min_responses),
            ("maximum responses", rep.max_responses),
        )
        for what, count in counts:
            self.count(where, what, count)
        self.texts(where, "representation label", rep.label)

    def item(self, item: Item) -> None:
        where = f"{item.TYPE} {item.agency}:{item.id}:{item.version}"
        if item.TYPE not in WRITABLE_TYPES:
            self.error(where, f"the writer has no DDI-L 3.3 element for the item type {item.TYPE!r}")
            return
        self.identity(where, item.agency, item.id, item.version)
        self.date(where, "versionDate", item.version_date)
        self.texts(where, "label", item.label)
        self.texts(where, "description", item.description)
        for role, ref in item.references():
            self.ref(where, role, ref)
        if isinstance(item, QuestionItem | QuestionGrid):
            self.texts(where, "question text", item.text)
            self.texts(where, "instruction", item.instruction)
            for rep in item.responses:
                self.representation(where, rep)
        if isinstance(item, QuestionGrid):
            for dimension in item.dimensions:
                self.count(where, "grid dimension rank", dimension.rank)
                self.count(where, "roster size", dimension.roster_size)
                self.texts(where, "grid dimension label", dimension.label)
        if isinstance(item, StatementItem):
            self.texts(where, "statement text", item.text)
        if isinstance(item, Variable) and item.representation is not None:
            self.representation(where, item.representation)
        for command in _commands(item):
            self.texts(where, "command description", command.description)
        if isinstance(item, CodeList):
            for code in item.codes:
                code_where = f"{where}, Code {code.id}"
                self.identity(code_where, code.agency, code.id, code.version, own=False)
                if code.category is None:
                    self.error(
                        code_where,
                        f"code {code.value!r} points at no Category: DDI-L 3.3 requires one for every Code",
                    )


def _commands(item: Item) -> list[Command]:
    if isinstance(item, IfThenElse):
        return [item.condition]
    if isinstance(item, ComputationItem):
        return [item.command]
    if isinstance(item, Loop):
        return [c for c in (item.initial_value, item.loop_while, item.step_value) if c is not None]
    return []


def package_problems(
    package: DDIPackage, *, instance_id: ItemKey | None = None, top_level: list[Ref] | None = None
) -> list[Problem]:
    """Every error that would make the written document invalid, each naming the item concerned."""
    checks = _Checks(package.source_name)
    if package.study is None and not package.items and instance_id is None:
        checks.error("DDIInstance", "nothing to write: the package has no study and no items")
    if instance_id is not None:
        checks.identity("DDIInstance", instance_id.agency, instance_id.id, instance_id.version, own=False)
    study = package.study
    if study is not None:
        where = f"{study.element} {study.agency}:{study.id}:{study.version}"
        checks.identity(where, study.agency, study.id, study.version)
        for what, text in (("title", study.title), ("abstract", study.abstract), ("purpose", study.purpose)):
            checks.texts(where, what, text)
    for wave in package.waves if study is not None else []:
        where = f"StudyUnit {wave.agency}:{wave.id}:{wave.version} (wave {wave.name})"
        checks.identity(where, wave.agency, wave.id, wave.version)
        checks.texts(where, "title", wave.title)
        checks.texts(where, "abstract", wave.abstract)
        checks.date(where, "start date", wave.start_date)
        checks.date(where, "end date", wave.end_date)
        for ref in wave.instruments:
            checks.ref(where, "instrument", ref)
    for item in package.items:
        checks.item(item)
    for ref in top_level or []:
        checks.ref("FragmentInstance", "top-level", ref)
    if checks.dropped:
        checks.problems.append(
            Problem(
                "error",
                f"{checks.dropped} more errors of the same kinds were found and not listed",
                Location(file=checks.file),
                CODE,
            )
        )
    return checks.problems
