"""The catalogue's in-memory DDI item graph.

Every importer builds these objects, the DDI-L reader builds them from XML, the writer turns them back
into DDI-L 3.3, and the store persists their content as JSON. Names follow DDI-L 3.3 element names so
that a reader of the code and a reader of the XML speak the same language.

Texts are `LangText` maps (`{"fr": "...", "en": "..."}`), as DDI's `xml:lang` strings are. A text whose
source carried no language is stored under `UNDETERMINED_LANGUAGE`.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar, Literal

from pydantic import TypeAdapter

LangText = dict[str, str]
UNDETERMINED_LANGUAGE = "und"

AGENCY_PATTERN = re.compile(r"^[a-zA-Z0-9-]{1,63}(\.[a-zA-Z0-9-]{1,63})*$")
ID_PATTERN = re.compile(r"^[A-Za-z0-9*@$\-_]+(\.[A-Za-z0-9*@$\-_]+)?$")
VERSION_PATTERN = re.compile(r"^[0-9]+(\.[0-9]+)*$")
URN_PATTERN = re.compile(
    r"^urn:ddi:(?P<agency>[a-zA-Z0-9-]{1,63}(?:\.[a-zA-Z0-9-]{1,63})*)"
    r":(?P<id>[A-Za-z0-9*@$\-_]+(?:\.[A-Za-z0-9*@$\-_]+)?)"
    r"(?::(?P<version>[0-9]+(?:\.[0-9]+)*))?$",
    re.IGNORECASE,
)


def make_urn(agency: str, id: str, version: str | None) -> str:
    """The canonical DDI URN; without a version it names the latest one."""
    base = f"urn:ddi:{agency}:{id}"
    return f"{base}:{version}" if version else base


def parse_urn(urn: str) -> tuple[str, str, str | None] | None:
    """Split `urn:ddi:agency:id[:version]`, or return None when it is not one."""
    match = URN_PATTERN.match(urn.strip())
    if not match:
        return None
    return match["agency"], match["id"], match["version"]


def version_key(version: str | None) -> tuple[int, ...]:
    """Order DDI versions numerically (`1.10` after `1.9`)."""
    if not version:
        return ()
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def next_version(version: str | None) -> str:
    """The version after `version`: its last number plus one (`1` → `2`, `1.0.0` → `1.0.1`)."""
    if not version:
        return "1"
    parts = version.split(".")
    parts[-1] = str(int(parts[-1]) + 1)
    return ".".join(parts)


def first_text(text: LangText, languages: tuple[str, ...] = ("en", "fr")) -> str:
    """The text in the first preferred language present, else any language, else ''."""
    for lang in languages:
        if text.get(lang):
            return text[lang]
    for lang, value in text.items():
        if lang.split("-")[0] in languages and value:
            return value
    return next((value for value in text.values() if value), "")


@dataclass(frozen=True, slots=True)
class Ref:
    """A DDI reference: the target's identity and its element name (`TypeOfObject`).

    `version` None means "the latest version" (a late-bound reference, or one whose version is unknown).
    """

    agency: str
    id: str
    version: str | None
    type: str

    @property
    def urn(self) -> str:
        return make_urn(self.agency, self.id, self.version)

    @property
    def key(self) -> ItemKey:
        return ItemKey(self.agency.lower(), self.id, self.version)


@dataclass(frozen=True, slots=True)
class ItemKey:
    """Normalised identity used to match references: agency lower-cased, as DDI agencies are case-blind."""

    agency: str
    id: str
    version: str | None


@dataclass(slots=True)
class Command:
    """A condition or computation in a program language (`IfThenElse`, `Loop`, `ComputationItem`)."""

    program_language: str | None = None
    text: str = ""
    description: LangText = field(default_factory=dict)


@dataclass(slots=True)
class Representation:
    """A question's response domain or a variable's representation.

    `kind` is one of code, numeric, text, datetime, other. Bounds are strings so that decimals stay exact.
    `missing_values` holds codes declared missing on the representation itself (DDI `missingValue`).
    """

    kind: Literal["code", "numeric", "text", "datetime", "other"]
    code_list: Ref | None = None
    numeric_type: str | None = None
    minimum: str | None = None
    maximum: str | None = None
    decimal_positions: int | None = None
    unit: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    regex: str | None = None
    date_type: str | None = None
    format: str | None = None
    min_responses: int | None = None
    max_responses: int | None = None
    missing_values: list[str] = field(default_factory=list)
    label: LangText = field(default_factory=dict)
    # DDI `isInclusive` on r:Low / r:High (3.1: `included`); false means the bound itself is excluded.
    minimum_inclusive: bool = True
    maximum_inclusive: bool = True


@dataclass(slots=True)
class Code:
    """One entry of a code list: a value pointing at a category. Identifiable, versioned with its list."""

    id: str
    value: str
    category: Ref | None = None
    agency: str | None = None
    version: str | None = None


@dataclass(slots=True)
class GridDimension:
    """One axis of a `QuestionGrid`: its rank (1 = rows) and the code list labelling it."""

    rank: int
    code_list: Ref | None = None
    roster_size: int | None = None
    label: LangText = field(default_factory=dict)


@dataclass(slots=True, kw_only=True)
class Item:
    """A versionable DDI item: identity, names and texts shared by every type."""

    TYPE: ClassVar[str] = "Item"

    agency: str
    id: str
    version: str | None
    name: str | None = None
    label: LangText = field(default_factory=dict)
    description: LangText = field(default_factory=dict)
    version_date: str | None = None
    is_universally_unique: bool = False
    user_ids: list[tuple[str, str]] = field(default_factory=list)
    user_attributes: list[tuple[str, str]] = field(default_factory=list)

    @property
    def type(self) -> str:
        return self.TYPE

    @property
    def urn(self) -> str:
        return make_urn(self.agency, self.id, self.version)

    @property
    def key(self) -> ItemKey:
        return ItemKey(self.agency.lower(), self.id, self.version)

    def ref(self) -> Ref:
        return Ref(self.agency, self.id, self.version, self.TYPE)

    def references(self) -> list[tuple[str, Ref]]:
        """Every outgoing reference as (role, target): the graph edges used for links and resolution."""
        return []


@dataclass(slots=True, kw_only=True)
class Concept(Item):
    TYPE: ClassVar[str] = "Concept"
    parents: list[Ref] = field(default_factory=list)

    def references(self) -> list[tuple[str, Ref]]:
        return [("parent", ref) for ref in self.parents]


@dataclass(slots=True, kw_only=True)
class Universe(Item):
    TYPE: ClassVar[str] = "Universe"


@dataclass(slots=True, kw_only=True)
class Category(Item):
    TYPE: ClassVar[str] = "Category"
    is_missing: bool = False


@dataclass(slots=True, kw_only=True)
class CodeList(Item):
    """A DDI `CodeList` (Maintainable): ordered codes, each pointing at a `Category`."""

    TYPE: ClassVar[str] = "CodeList"
    codes: list[Code] = field(default_factory=list)

    def references(self) -> list[tuple[str, Ref]]:
        return [("category", code.category) for code in self.codes if code.category]


def _representation_refs(role: str, representations: list[Representation]) -> list[tuple[str, Ref]]:
    return [(role, rep.code_list) for rep in representations if rep.code_list]


@dataclass(slots=True, kw_only=True)
class QuestionItem(Item):
    """A question: its text per language and its response domains (more than one = a mixed domain)."""

    TYPE: ClassVar[str] = "QuestionItem"
    text: LangText = field(default_factory=dict)
    responses: list[Representation] = field(default_factory=list)
    concepts: list[Ref] = field(default_factory=list)
    instruction: LangText = field(default_factory=dict)

    def references(self) -> list[tuple[str, Ref]]:
        return _representation_refs("code_list", self.responses) + [("concept", c) for c in self.concepts]


@dataclass(slots=True, kw_only=True)
class QuestionGrid(Item):
    """A matrix question: dimensions labelled by code lists, and the response domain of each cell."""

    TYPE: ClassVar[str] = "QuestionGrid"
    text: LangText = field(default_factory=dict)
    dimensions: list[GridDimension] = field(default_factory=list)
    responses: list[Representation] = field(default_factory=list)
    concepts: list[Ref] = field(default_factory=list)
    instruction: LangText = field(default_factory=dict)

    def references(self) -> list[tuple[str, Ref]]:
        dims = [("dimension_code_list", d.code_list) for d in self.dimensions if d.code_list]
        return dims + _representation_refs("code_list", self.responses) + [("concept", c) for c in self.concepts]


@dataclass(slots=True, kw_only=True)
class StatementItem(Item):
    """Text shown to the respondent without asking anything (section introductions, transitions)."""

    TYPE: ClassVar[str] = "StatementItem"
    text: LangText = field(default_factory=dict)


@dataclass(slots=True, kw_only=True)
class QuestionConstruct(Item):
    """The use of a question at one place of an instrument's flow."""

    TYPE: ClassVar[str] = "QuestionConstruct"
    question: Ref | None = None
    universes: list[Ref] = field(default_factory=list)

    def references(self) -> list[tuple[str, Ref]]:
        refs = [("question", self.question)] if self.question else []
        return refs + [("universe", u) for u in self.universes]


@dataclass(slots=True, kw_only=True)
class Sequence(Item):
    """An ordered list of control constructs: a section or a whole questionnaire."""

    TYPE: ClassVar[str] = "Sequence"
    children: list[Ref] = field(default_factory=list)

    def references(self) -> list[tuple[str, Ref]]:
        return [("child", ref) for ref in self.children]


@dataclass(slots=True, kw_only=True)
class IfThenElse(Item):
    """Routing: a condition, the construct asked when it holds, and the one asked otherwise."""

    TYPE: ClassVar[str] = "IfThenElse"
    condition: Command = field(default_factory=Command)
    then: Ref | None = None
    else_: Ref | None = None

    def references(self) -> list[tuple[str, Ref]]:
        return [(role, ref) for role, ref in (("then", self.then), ("else", self.else_)) if ref]


@dataclass(slots=True, kw_only=True)
class Loop(Item):
    """A repeated block (one child at most in DDI-L: several are wrapped in a Sequence)."""

    TYPE: ClassVar[str] = "Loop"
    initial_value: Command | None = None
    loop_while: Command | None = None
    step_value: Command | None = None
    body: Ref | None = None

    def references(self) -> list[tuple[str, Ref]]:
        return [("child", self.body)] if self.body else []


@dataclass(slots=True, kw_only=True)
class ComputationItem(Item):
    """A computation run during collection (derived values, REDCap `calc` fields)."""

    TYPE: ClassVar[str] = "ComputationItem"
    command: Command = field(default_factory=Command)


@dataclass(slots=True, kw_only=True)
class Instrument(Item):
    """A questionnaire: its top control construct (usually one Sequence)."""

    TYPE: ClassVar[str] = "Instrument"
    root: Ref | None = None
    instrument_type: str | None = None

    def references(self) -> list[tuple[str, Ref]]:
        return [("child", self.root)] if self.root else []


@dataclass(slots=True, kw_only=True)
class Variable(Item):
    """A variable of a data file: its representation and where its values come from."""

    TYPE: ClassVar[str] = "Variable"
    representation: Representation | None = None
    questions: list[Ref] = field(default_factory=list)
    concept: Ref | None = None
    universes: list[Ref] = field(default_factory=list)
    source_variables: list[Ref] = field(default_factory=list)
    analysis_unit: str | None = None

    def references(self) -> list[tuple[str, Ref]]:
        refs: list[tuple[str, Ref]] = [("question", q) for q in self.questions]
        if self.concept:
            refs.append(("concept", self.concept))
        if self.representation and self.representation.code_list:
            refs.append(("code_list", self.representation.code_list))
        refs += [("universe", u) for u in self.universes]
        refs += [("source_variable", v) for v in self.source_variables]
        return refs


ITEM_TYPES: dict[str, type[Item]] = {
    cls.TYPE: cls
    for cls in (
        Concept,
        Universe,
        Category,
        CodeList,
        QuestionItem,
        QuestionGrid,
        StatementItem,
        QuestionConstruct,
        Sequence,
        IfThenElse,
        Loop,
        ComputationItem,
        Instrument,
        Variable,
    )
}
QUESTION_TYPES = frozenset({"QuestionItem", "QuestionGrid"})
CONTROL_CONSTRUCT_TYPES = frozenset(
    {"Sequence", "QuestionConstruct", "IfThenElse", "Loop", "StatementItem", "ComputationItem"}
)

_IDENTITY_FIELDS = frozenset({"agency", "id", "version"})
_ADAPTERS: dict[str, TypeAdapter[Any]] = {name: TypeAdapter(cls) for name, cls in ITEM_TYPES.items()}


def item_content(item: Item) -> dict[str, Any]:
    """The item's content as plain JSON data, without its identity (stored beside it)."""
    data: dict[str, Any] = _ADAPTERS[item.TYPE].dump_python(item, mode="json", exclude_defaults=True)
    for name in _IDENTITY_FIELDS:
        data.pop(name, None)
    return data


def item_from_content(type_name: str, agency: str, id: str, version: str | None, content: dict[str, Any]) -> Item:
    """Rebuild an item from its stored content and identity."""
    data = dict(content, agency=agency, id=id, version=version)
    item: Item = _ADAPTERS[type_name].validate_python(data)
    return item


def content_hash(item: Item) -> str:
    """A digest of what the item says, to tell an unchanged re-import from a new version.

    `version_date` is left out: tools re-stamp it on every export without changing the item.
    """
    return _digest(item.TYPE, _plain_content(item))


def content_record(item: Item) -> tuple[str, str]:
    """The item's content as the store keeps it (the JSON text of `item_content`) and its `content_hash`,
    from one serialisation: an import needs both for every item."""
    data = _plain_content(item)
    return _CONTENT_JSON(data), _digest(item.TYPE, data)


_CONTENT_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _plain_content(item: Item) -> dict[str, Any]:
    """`item_content` in pydantic's python mode, three times faster; json.dumps writes the same text from it
    (the models hold only strings, numbers, booleans, None, lists, tuples, dicts and nested dataclasses)."""
    data: dict[str, Any] = _ADAPTERS[item.TYPE].dump_python(item, exclude_defaults=True)
    for name in _IDENTITY_FIELDS:
        data.pop(name, None)
    return data


def _digest(type_name: str, data: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of [type, content without version_date]: stored, so never to change."""
    if "version_date" in data:
        data = {key: value for key, value in data.items() if key != "version_date"}
    canonical = json.dumps([type_name, data], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def replace_refs(item: Item, mapping: dict[ItemKey, Ref]) -> None:
    """Point every reference found in `mapping` at its new target, in place (used when versions move)."""

    def swap(ref: Ref | None) -> Ref | None:
        return mapping.get(ref.key, ref) if ref is not None else None

    def swap_rep(rep: Representation | None) -> None:
        if rep is not None and rep.code_list is not None:
            rep.code_list = swap(rep.code_list)

    for f in fields(item):
        value = getattr(item, f.name)
        if isinstance(value, Ref):
            setattr(item, f.name, swap(value))
        elif isinstance(value, Representation):
            swap_rep(value)
        elif isinstance(value, list) and value:
            if isinstance(value[0], Ref):
                setattr(item, f.name, [swap(v) for v in value])
            elif isinstance(value[0], Representation):
                for rep in value:
                    swap_rep(rep)
            elif isinstance(value[0], Code):
                for code in value:
                    code.category = swap(code.category)
            elif isinstance(value[0], GridDimension):
                for dim in value:
                    dim.code_list = swap(dim.code_list)


@dataclass(slots=True)
class StudyInfo:
    """The cohort as a whole: a DDI `Group` of waves, or a `StudyUnit` when it has a single wave.

    `attributes` carries the catalogue's descriptive facts (population, start year, data source kind,
    participants, access) under the keys listed in `STUDY_ATTRIBUTE_KEYS`.
    """

    agency: str
    id: str
    version: str | None
    element: Literal["Group", "StudyUnit"] = "Group"
    title: LangText = field(default_factory=dict)
    abstract: LangText = field(default_factory=dict)
    purpose: LangText = field(default_factory=dict)
    attributes: dict[str, str] = field(default_factory=dict)

    @property
    def urn(self) -> str:
        return make_urn(self.agency, self.id, self.version)


@dataclass(slots=True)
class WaveInfo:
    """One wave (sweep, follow-up) of a cohort: a DDI `StudyUnit` inside the cohort's `Group`.

    `name` is the short handle users type (`--wave 2m`); dates are ISO 8601; participants' age is in
    months (`age_min_months`/`age_max_months`), read from and written to the `UserAttributePair`s named
    in `WAVE_ATTRIBUTE_KEYS`.
    """

    agency: str
    id: str
    version: str | None
    name: str
    title: LangText = field(default_factory=dict)
    abstract: LangText = field(default_factory=dict)
    start_date: str | None = None
    end_date: str | None = None
    age_min_months: float | None = None
    age_max_months: float | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    instruments: list[Ref] = field(default_factory=list)

    @property
    def urn(self) -> str:
        return make_urn(self.agency, self.id, self.version)


# UserAttributePair keys the catalogue reads and writes on Group / StudyUnit.
ATTRIBUTE_PREFIX = "ddicat:"
WAVE_NAME_KEY = "ddicat:waveName"
WAVE_AGE_MIN_KEY = "ddicat:participantAgeMinMonths"
WAVE_AGE_MAX_KEY = "ddicat:participantAgeMaxMonths"
STUDY_ATTRIBUTE_KEYS = {
    "ddicat:dataSource": "questionnaire | data-file | administrative | biological",
    "ddicat:population": "who the cohort follows, in one sentence",
    "ddicat:startYear": "year of inclusion of the first participants",
    "ddicat:participants": "number of participants at inclusion",
    "ddicat:country": "ISO 3166 country code(s), space separated",
    "ddicat:accessUrl": "where to read how to request access",
    "ddicat:license": "licence of the metadata (URL)",
    "ddicat:design": "study design, in a few words",
}


@dataclass(slots=True)
class DDIPackage:
    """What one import carries: the study, its waves, the items and where each item belongs.

    `placement` maps an item's key to the `WaveInfo.id` it belongs to, or None for items shared by the
    study (code lists, concepts, questions reused across waves).
    """

    ddi_version: str = "3.3"
    study: StudyInfo | None = None
    waves: list[WaveInfo] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    placement: dict[ItemKey, str | None] = field(default_factory=dict)
    source_name: str | None = None

    def counts(self) -> dict[str, int]:
        """Counts by item type, plus `Code` (codes live inside their code list)."""
        counts: dict[str, int] = {}
        for item in self.items:
            counts[item.TYPE] = counts.get(item.TYPE, 0) + 1
            if isinstance(item, CodeList):
                counts["Code"] = counts.get("Code", 0) + len(item.codes)
        return dict(sorted(counts.items()))
