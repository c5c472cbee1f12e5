"""The shapes a demo cohort is written in: plain data, so content reads like a questionnaire, not XML."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


class Bilingual(NamedTuple):
    """One text in French and English, the two languages every demo text carries."""

    fr: str
    en: str


@dataclass(frozen=True)
class Coded:
    """Answer chosen from a code list; `max_responses` > 1 makes it a multiple-response question."""

    code_list: str
    max_responses: int = 1


@dataclass(frozen=True)
class Numeric:
    """Number answer with its UCUM unit (None for counts and scores) and its valid range."""

    unit: str | None
    low: float
    high: float
    decimals: int = 0


@dataclass(frozen=True)
class FreeText:
    """Open answer of at most `max_length` characters."""

    max_length: int = 200


@dataclass(frozen=True)
class When:
    """Date or time answer; `kind` is a DDI DateTypeCode (Date, Time, YearMonth...)."""

    kind: str = "Date"


Response = Coded | Numeric | FreeText | When


@dataclass(frozen=True)
class Question:
    """A question asked at `waves`: one variable per wave (one per option when multiple responses)."""

    key: str
    name: str
    label: Bilingual
    text: Bilingual
    response: Response
    waves: tuple[str, ...]
    universe: str | None = None


def ask(
    key: str,
    name: str,
    label: tuple[str, str],
    text: tuple[str, str],
    response: Response,
    *waves: str,
    universe: str | None = None,
) -> Question:
    """One question of a bank on a few lines: (fr, en) pairs, then the waves it is asked at."""
    return Question(key, name, Bilingual(*label), Bilingual(*text), response, waves, universe)


@dataclass(frozen=True)
class Grid:
    """A matrix question: one row per code of `rows`, each answered with `response`; a variable per row."""

    key: str
    name: str
    label: Bilingual
    text: Bilingual
    rows: str
    response: Response
    waves: tuple[str, ...]
    universe: str | None = None


@dataclass(frozen=True)
class Routing:
    """Ask `then` only when `condition` holds on the answer to the question `on` (else ask `otherwise`)."""

    key: str
    on: str
    condition: str
    description: Bilingual
    then: tuple[FlowItem, ...]
    otherwise: tuple[FlowItem, ...] = ()
    universe: str | None = None


@dataclass(frozen=True)
class Repeat:
    """Ask `body` once per event counted by question `count` (at most `iterations` times in the data file)."""

    key: str
    count: str
    label: Bilingual
    body: tuple[Question, ...]
    iterations: int = 3
    universe: str | None = None


FlowItem = Question | Grid | Routing | Repeat


@dataclass(frozen=True)
class Derived:
    """A computed variable: from `questions` (referenced as such) or from other `variables` (as sources)."""

    key: str
    name: str
    label: Bilingual
    formula: str
    description: Bilingual
    response: Response
    waves: tuple[str, ...]
    questions: tuple[str, ...] = ()
    variables: tuple[str, ...] = ()
    computed_in_instrument: bool = False


@dataclass(frozen=True)
class Topic:
    """A section of the questionnaires and a concept of the cohort's concept scheme."""

    key: str
    label: Bilingual
    description: Bilingual
    intro: Bilingual
    flow: tuple[FlowItem, ...]
    derived: tuple[Derived, ...] = ()
    universe: str = "children"


@dataclass(frozen=True)
class CodeListSpec:
    """An ordered list of (value, category key); a list used at a single wave is written inside that wave."""

    key: str
    name: str
    label: Bilingual
    codes: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class CategorySpec:
    """A category label; `missing` marks non-substantive answers (don't know, refused, not applicable)."""

    label: Bilingual
    missing: bool = False


@dataclass(frozen=True)
class Wave:
    """One follow-up: `handle` is what users type, `code` goes into identifiers and variable names."""

    handle: str
    code: str
    title: Bilingual
    short: Bilingual
    abstract: Bilingual
    age_min_months: int
    age_max_months: int
    start: str
    end: str
    mode: Bilingual
    mode_code: str
    instrument: Bilingual


@dataclass(frozen=True)
class Cohort:
    """A whole demo cohort: identity, descriptive facts, waves and the question bank by topic."""

    prefix: str
    agency: str
    file_name: str
    title: Bilingual
    abstract: Bilingual
    purpose: Bilingual
    attributes: tuple[tuple[str, str], ...]
    start: str
    end: str
    waves: tuple[Wave, ...]
    topics: tuple[Topic, ...]
    categories: dict[str, CategorySpec] = field(default_factory=dict)
    code_lists: tuple[CodeListSpec, ...] = ()
    universes: dict[str, Bilingual] = field(default_factory=dict)
