"""What codebooks say and how they say it: column presets, missing-value conventions, answer-option grammars.

A codebook is a table whose columns cohort teams name as they like. A `Preset` lists, for each field the
catalogue knows (name, label, code, code_label...), the column titles that mean it in one family of files:
Opal/Maelstrom (Variables + Categories sheets), the long layout (one row per code, like the DREES dictionary
`variable;modalite;libelle`) and the wide layout (one row per variable with its answer options, like the
ISARIC ARC). Titles are compared folded (case, accents, spaces and punctuation ignored). A text field may
come once per language: `label:fr`, `label:en`, `Question::Français (fr)`.

Missing values: a category is non-substantive (DDI `isMissing`) when the source flags it, when its label
says so ("Ne sait pas", "Refus", "(NSP)", "Don't know", "Not applicable"...), or when its code is one of the
reserved negative codes cohorts use (-7, -8, -9, -77...-9999) or 9999. The ambiguous 8/9/88/99/888/999 count
only with such a label: "99 ans ou plus" stays a substantive answer. Routing that skips a question is not a
category at all: it is the IfThenElse around the question.

Code lists: every importer of this family (codebooks, data files, Table Schemas) builds its code lists with
one `CodeListBuilder`, so that identical choice sets share one code list and categories carry the same
missing-value marks whatever the source.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from catalogue.model import Category, Code, CodeList, Item, LangText, Ref, Representation
from importers.identifiers import ddi_id
from importers.registry import ImportOptions

# Fields of the catalogue a codebook column can hold (the keys of `ImportOptions.column_mapping`).
FIELDS = (
    "table",
    "form",
    "section",
    "name",
    "label",
    "question",
    "description",
    "type",
    "unit",
    "choices",
    "validation",
    "min",
    "max",
    "condition",
    "matrix",
    "code",
    "code_label",
    "missing",
    "variable",
    "repeatable",
    "occurrence_group",
)
# Fields whose text may come once per language.
TEXT_FIELDS = frozenset({"label", "question", "description", "code_label", "choices", "section", "form"})


@dataclass(frozen=True, slots=True)
class Preset:
    """A family of codebooks: its layout and, for each field, the column titles (folded) that hold it."""

    name: str
    layout: str  # "opal" | "long" | "wide"
    title: str
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)


def fold(title: str) -> str:
    """A column title compared loosely: lower case, no accents, no spaces or punctuation."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "", ascii_title.lower())


OPAL_VARIABLES = Preset(
    "opal",
    "opal",
    "Opal/Maelstrom data dictionary (Variables and Categories sheets)",
    {
        "table": ("table", "dataset"),
        "name": ("name",),
        "type": ("valuetype",),
        "unit": ("unit",),
        "label": ("label",),
        "description": ("description",),
        "repeatable": ("repeatable",),
        "occurrence_group": ("occurrencegroup",),
        "condition": ("condition", "script"),
        "form": ("questionnaire",),
        "section": ("section", "page"),
    },
)
OPAL_CATEGORIES = Preset(
    "opal-categories",
    "opal",
    "Opal/Maelstrom Categories sheet",
    {
        "table": ("table", "dataset"),
        "variable": ("variable",),
        "code": ("name", "code"),
        "missing": ("missing",),
        "code_label": ("label",),
    },
)
LONG = Preset(
    "long",
    "long",
    "long codebook: one row per code (variable; code; label)",
    {
        "table": ("table", "vague", "wave", "dataset", "fichier"),
        "name": ("variable", "var", "nomvariable", "variablename", "varname", "nom", "nomdevariable", "name"),
        "label": (
            "libellevariable",
            "variablelabel",
            "labelvariable",
            "intitulevariable",
            "libellevar",
            "varlabel",
        ),
        "question": ("question", "intitulequestion", "libellequestion"),
        "type": ("type", "typevariable", "format"),
        "unit": ("unit", "unite"),
        "code": (
            "modalite",
            "code",
            "valeur",
            "value",
            "codemodalite",
            "modalitecode",
            "categorie",
            "category",
        ),
        "code_label": (
            "libelle",
            "libellemodalite",
            "label",
            "valuelabel",
            "libellecode",
            "intitule",
            "labelmodalite",
        ),
        "missing": ("missing", "manquant", "valeurmanquante", "estmanquant", "ismissing"),
    },
)
WIDE = Preset(
    "wide",
    "wide",
    "wide codebook: one row per variable with its answer options (ISARIC ARC...)",
    {
        "table": ("table", "vague", "wave", "dataset"),
        "form": ("form", "formulaire", "formname", "instrument", "questionnaire"),
        "section": ("section", "sectionheader", "rubrique", "module"),
        "name": (
            "variable",
            "variablename",
            "varname",
            "nomvariable",
            "nomdevariable",
            "name",
            "nom",
            "champ",
        ),
        "label": ("label", "libelle", "variablelabel", "libellevariable"),
        "question": ("question", "questiontext", "intitule", "texte", "libellequestion"),
        "description": ("definition", "description", "notes"),
        "type": ("type", "fieldtype", "typevariable", "valuetype"),
        "unit": ("unit", "unite", "units"),
        "choices": (
            "answeroptions",
            "choices",
            "reponses",
            "modalites",
            "codes",
            "valuelabels",
            "options",
            "responseoptions",
            "answers",
        ),
        "validation": ("validation", "format"),
        "min": ("minimum", "min", "valeurmin"),
        "max": ("maximum", "max", "valeurmax"),
        "condition": (
            "skiplogic",
            "branchinglogic",
            "condition",
            "filtre",
            "relevance",
            "relevant",
            "filter",
        ),
        "matrix": ("matrix", "matrixgroup", "matrixgroupname", "grille", "grid"),
    },
)
PRESETS: dict[str, Preset] = {"opal": OPAL_VARIABLES, "long": LONG, "wide": WIDE}

# Headers that belong to formats other importers read: a codebook importer must leave them alone.
FOREIGN_HEADERS: tuple[frozenset[str], ...] = (
    frozenset({"variablefieldname", "formname", "fieldtype"}),  # REDCap data dictionary
    frozenset({"fieldname", "formname", "fieldtype"}),  # REDCap API metadata
    frozenset({"type", "name", "relevant"}),  # XLSForm survey sheet
    frozenset({"listname", "name"}),  # XLSForm choices sheet
    frozenset({"class", "typescale", "name"}),  # LimeSurvey structure TSV
    frozenset({"name", "type", "enumlabels"}),  # HEAL variable-level metadata (table_schema)
    frozenset({"name", "type", "constraintsenum"}),  # flattened Frictionless Table Schema
)


def is_foreign_header(header: Sequence[str]) -> bool:
    """True when a header row is one of another importer's formats (REDCap, XLSForm, LimeSurvey, HEAL)."""
    folded = {fold(title) for title in header}
    return any(signature <= folded for signature in FOREIGN_HEADERS)


# Column title → (field title, language): `label:fr`, `label::Français (fr)`, `Question (en)`, `label_fr`.
_LANGUAGE_SUFFIXES = (
    re.compile(r"^(?P<field>.+?)\s*::?\s*[^()]*\((?P<lang>[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?)\)\s*$"),
    re.compile(r"^(?P<field>.+?)\s*::?\s*(?P<lang>[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?)\s*$"),
    re.compile(r"^(?P<field>.+?)[ _](?P<lang>fr|en|de|es|it|pt|nl)\s*$", re.IGNORECASE),
)


def split_language(title: str) -> tuple[str, str | None]:
    """A column title as (field title, language tag or None)."""
    for pattern in _LANGUAGE_SUFFIXES:
        match = pattern.match(title.strip())
        if match:
            return match["field"], match["lang"].replace("_", "-").lower()
    return title, None


@dataclass(slots=True)
class Columns:
    """Where each field sits in one header: a column index, or one index per language for text fields."""

    index: dict[str, int] = field(default_factory=dict)
    languages: dict[str, dict[str, int]] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        return name in self.index or bool(self.languages.get(name))

    def value(self, row: Sequence[str], name: str) -> str:
        """The cell of `name` in `row` (stripped), '' when the column is absent or the row short."""
        at = self.index.get(name)
        if at is None or at >= len(row):
            return ""
        return row[at].strip()

    def texts(self, row: Sequence[str]) -> dict[str, dict[str | None, str]]:
        """Every text field of the row: {field: {language or None: text}} (empty cells left out)."""
        result: dict[str, dict[str | None, str]] = {}
        for name in TEXT_FIELDS:
            values: dict[str | None, str] = {}
            plain = self.value(row, name)
            if plain:
                values[None] = plain
            for lang, at in self.languages.get(name, {}).items():
                if at < len(row) and row[at].strip():
                    values[lang] = row[at].strip()
            if values:
                result[name] = values
        return result


def locate_columns(header: Sequence[str], preset: Preset, mapping: dict[str, str] | None = None) -> Columns:
    """The columns of `header` that hold each field of `preset`; the user's `mapping` wins over the preset."""
    columns = Columns()
    folded = [fold(title) for title in header]
    wanted: dict[str, tuple[str, ...]] = dict(preset.columns)
    for key, title in (mapping or {}).items():
        base, lang = split_language(key)
        if lang is not None and base in TEXT_FIELDS:
            if fold(title) in folded:
                columns.languages.setdefault(base, {})[lang] = folded.index(fold(title))
            continue
        wanted[key] = (fold(title),)
    for name, aliases in wanted.items():
        for alias in aliases:
            if alias in folded:
                columns.index[name] = folded.index(alias)
                break
    for at, title in enumerate(header):
        base, lang = split_language(title)
        if lang is None:
            continue
        for name, aliases in wanted.items():
            if name in TEXT_FIELDS and fold(base) in aliases:
                columns.languages.setdefault(name, {}).setdefault(lang, at)
    return columns


def detect_layout(header: Sequence[str]) -> Preset | None:
    """The preset whose required columns this header has (Opal, then long, then wide), or None."""
    folded = {fold(split_language(title)[0]) for title in header}
    if "name" in folded and "valuetype" in folded:
        return OPAL_VARIABLES
    if is_foreign_header(header):
        return None
    has_name = bool(folded & set(LONG.columns["name"]))
    if has_name and folded & set(LONG.columns["code"]) and folded & set(LONG.columns["code_label"]):
        return LONG
    wide_name = bool(folded & set(WIDE.columns["name"]))
    wide_extra = folded & set(WIDE.columns["choices"] + WIDE.columns["question"] + WIDE.columns["type"])
    if wide_name and wide_extra:
        return WIDE
    return None


def is_categories_header(header: Sequence[str]) -> bool:
    """The Opal Categories sheet: a variable column, a code (`name`) column and a label or missing flag."""
    folded = {fold(split_language(title)[0]) for title in header}
    return "variable" in folded and "name" in folded and bool(folded & {"label", "missing"})


# Answer options written in one cell: "1, Oui | 2, Non", "1=Oui;2=Non", "1=Oui|2=Non", "1: Oui / 2: Non".
_OPTION_SEPARATORS = ("|", ";", "\n")
_PAIR = re.compile(r"^\s*(?P<code>-?[\w.]+)\s*(?:,|=|:|-(?=\s))\s*(?P<label>.*?)\s*$", re.DOTALL)


def parse_choices(cell: str) -> list[tuple[str, str]] | None:
    """The (code, label) pairs of an answer-options cell, or None when it is not a list of options."""
    text = cell.strip()
    if not text:
        return []
    separator = next((s for s in _OPTION_SEPARATORS if s in text), None)
    parts = [p for p in (text.split(separator) if separator else [text])]
    pairs: list[tuple[str, str]] = []
    for part in parts:
        if not part.strip():
            continue
        match = _PAIR.match(part)
        if not match:
            return None
        pairs.append((match["code"], match["label"]))
    return pairs


# Non-substantive answers, folded (see `fold_label`): don't know, refused, no answer, not applicable, missing.
_MISSING_LABEL = re.compile(
    r"^\(?(nsp|nrp?|ne sait pas|ne sais pas|ne se prononce pas|je ne sais pas|sans opinion|refus|refuse|"
    r"refus de repondre|ne veut pas repondre|ne souhaite pas repondre|non reponse|pas de reponse|"
    r"manquant|valeur manquante|donnee manquante|non renseigne|inconnu|inconnue|non connu|non precise|"
    r"non concerne|non applicable|sans objet|dk|dont know|do not know|unknown|not known|refused|"
    r"prefer not to (?:say|answer)|no answer|not answered|missing|not applicable|n/?a|not stated|"
    r"not reported|not asked|skipped)\)?(?:\s*[/(-].*)?$"
)
# Codes that mean "missing" whatever their label; 8/9/88/99/888/999 need a missing label as well.
RESERVED_MISSING_CODES = frozenset(
    {"-7", "-8", "-9", "-77", "-88", "-99", "-777", "-888", "-999", "-9999", "9999"}
)
KIND_OF_MISSING = (
    (
        re.compile(
            r"^\(?(nsp|ne sai[st] pas|je ne sais pas|dk|dont know|do not know|unknown|inconnue?|not known)"
        ),
        "dont-know",
    ),
    (re.compile(r"^\(?(refus|refused|prefer not|ne (veut|souhaite) pas)"), "refused"),
    (
        re.compile(r"^\(?(non concerne|non applicable|sans objet|not applicable|n/?a\b|not asked|skipped)"),
        "not-applicable",
    ),
)


def fold_label(label: str) -> str:
    """A label compared loosely: lower case, no accents, apostrophes dropped, spaces collapsed."""
    ascii_label = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().lower()
    ascii_label = re.sub(r"['’`]", "", ascii_label)
    return re.sub(r"\s+", " ", ascii_label).strip(" .:")


def is_missing_label(labels: Iterable[str]) -> bool:
    """True when one of the labels (in any language) names a non-substantive answer."""
    return any(_MISSING_LABEL.match(fold_label(label)) for label in labels if label)


def is_missing_code(code: str, labels: Iterable[str]) -> bool:
    """The missing-value heuristic: reserved codes, or a missing-like label (see the module docstring)."""
    return code.strip() in RESERVED_MISSING_CODES or is_missing_label(labels)


def missing_kind(labels: Iterable[str]) -> str:
    """dont-know, refused, not-applicable or missing: kept as a user attribute on missing categories."""
    for label in labels:
        folded = fold_label(label)
        for pattern, kind in KIND_OF_MISSING:
            if pattern.match(folded):
                return kind
    return "missing"


_TRUE = frozenset({"1", "true", "vrai", "yes", "oui", "y", "o", "x", "t"})
_FALSE = frozenset({"0", "false", "faux", "no", "non", "n", "f", ""})


def parse_flag(cell: str) -> bool | None:
    """A yes/no cell (1/0, true/false, oui/non...), None when it is neither."""
    value = cell.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    return None


# Value types of codebooks → representation kinds (REDCap-like, Opal valueType, French and SAS-like words).
_TYPES: dict[str, Representation] = {}


def _register(kind: str, names: str, **details: object) -> None:
    for name in names.split():
        _TYPES[name] = Representation(kind=kind, **details)  # type: ignore[arg-type]


_register(
    "text",
    "text texte string str char character chaine alphanumerique notes varchar email phone zipcode "
    "alpha_only locale binary",
)
_register("numeric", "integer int entier long short", numeric_type="Integer")
_register(
    "numeric",
    "number numeric num numerique decimal float double real nombre continuous continu slider",
    numeric_type="Decimal",
)
_register("datetime", "date date_dmy date_mdy date_ymd jour", date_type="Date")
_register(
    "datetime",
    "datetime datetime_dmy datetime_mdy datetime_ymd datetime_seconds_dmy datetime_seconds_ymd "
    "datetime_seconds_mdy timestamp",
    date_type="DateTime",
)
_register("datetime", "time heure time_mm_ss", date_type="Time")
_register("datetime", "year annee", date_type="Year")
_register("datetime", "yearmonth month_year mois_annee", date_type="YearMonth")
_register(
    "code",
    "radio dropdown select select_one categorical categorielle qualitative list yesno truefalse "
    "boolean booleen",
)
CHOICE_TYPES = frozenset(
    {
        "radio",
        "dropdown",
        "select",
        "select_one",
        "categorical",
        "categorielle",
        "qualitative",
        "list",
        "user_list",
        "yesno",
        "truefalse",
    }
)
MULTIPLE_CHOICE_TYPES = frozenset(
    {"checkbox", "select_multiple", "multi_list", "multiple", "multiple_choice", "choix_multiple"}
)
STATEMENT_TYPES = frozenset({"descriptive", "note", "statement", "texte_descriptif", "titre"})
COMPUTED_TYPES = frozenset({"calc", "calculated", "calcul", "derived", "derivee"})


def representation_of_type(type_name: str) -> Representation | None:
    """A new representation for a value type (`integer`, `date_dmy`, `decimal`...), None if unknown."""
    template = _TYPES.get(type_name.strip().lower().replace(" ", "_"))
    if template is None:
        return None
    return Representation(
        kind=template.kind,
        numeric_type=template.numeric_type,
        date_type=template.date_type,
    )


# Code lists ------------------------------------------------------------------------------------------------

MISSING_KIND_KEY = "ddicat:missingKind"
GENERATED_LISTS: dict[str, list[tuple[str, LangText]]] = {
    "yesno": [("1", {"fr": "Oui", "en": "Yes"}), ("0", {"fr": "Non", "en": "No"})],
    "truefalse": [("1", {"fr": "Vrai", "en": "True"}), ("0", {"fr": "Faux", "en": "False"})],
    "boolean": [("true", {"fr": "Vrai", "en": "True"}), ("false", {"fr": "Faux", "en": "False"})],
    "checked": [("1", {"fr": "Coché", "en": "Checked"}), ("0", {"fr": "Non coché", "en": "Unchecked"})],
}


@dataclass(slots=True)
class Choice:
    """One answer option: its code, its label per language, and whether it is a missing-value code."""

    value: str
    label: LangText
    missing: bool = False


class CodeListBuilder:
    """The code lists of one import and their categories; identical choice sets share one code list."""

    def __init__(self, options: ImportOptions) -> None:
        self.options = options
        self.items: list[Item] = []
        self._by_content: dict[tuple[object, ...], Ref] = {}
        self._taken: set[str] = set()

    def code_list(self, name: str, choices: Sequence[Choice], label: LangText | None = None) -> Ref:
        """The code list of these choices (a repeated code keeps its first label), made once per content."""
        unique: list[Choice] = []
        seen: set[str] = set()
        for choice in choices:
            if choice.value not in seen:
                seen.add(choice.value)
                unique.append(choice)
        key = tuple((c.value, tuple(sorted(c.label.items())), c.missing) for c in unique)
        if key in self._by_content:
            return self._by_content[key]
        list_name, suffix = name, 2
        while ddi_id(self.options.id_prefix, "cl", list_name) in self._taken:
            list_name, suffix = f"{name}-{suffix}", suffix + 1
        prefix, agency = self.options.id_prefix, self.options.agency
        list_id = ddi_id(prefix, "cl", list_name)
        self._taken.add(list_id)
        codes: list[Code] = []
        for choice in unique:
            category = Category(
                agency=agency,
                id=ddi_id(prefix, "cat", list_name, choice.value),
                version=None,
                label=dict(choice.label),
                is_missing=choice.missing,
                user_attributes=[(MISSING_KIND_KEY, missing_kind(choice.label.values()))]
                if choice.missing
                else [],
            )
            self.items.append(category)
            codes.append(
                Code(
                    id=ddi_id(prefix, "code", list_name, choice.value),
                    value=choice.value,
                    category=category.ref(),
                    agency=agency,
                )
            )
        code_list = CodeList(
            agency=agency, id=list_id, version=None, name=list_name, label=dict(label or {}), codes=codes
        )
        self.items.append(code_list)
        ref = code_list.ref()
        self._by_content[key] = ref
        return ref

    def generated(self, kind: str) -> Ref:
        """A code list the catalogue writes itself (yes/no, true/false, checked), in French and English."""
        return self.code_list(kind, [Choice(v, dict(label)) for v, label in GENERATED_LISTS[kind]])


def choice(value: str, label: LangText) -> Choice:
    """A choice with the missing-value heuristic applied to its code and labels."""
    return Choice(value, label, is_missing_code(value, label.values()))
