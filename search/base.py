"""The contract every search backend keeps.

A query is text + filters + facets + sort + page, in a language, seen with a visibility (what the
caller may see); an answer is hits (URN, type, study, waves, score, highlighted fragments) + total +
facet counts. Backends (tantivy, Whoosh, PostgreSQL) differ only in how they keep this contract; the
conformance suite in `tests/search/` runs the same checks on each.

Documents are built from the database alone (`search.documents`), so any index can be rebuilt.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal, Protocol

from catalogue.model import LangText

State = Literal["published", "draft"]

# Facets every backend counts, and the document field each reads.
FACETS: tuple[str, ...] = ("study", "wave", "type", "lang", "representation", "data_source", "concept")
DEFAULT_FACETS: tuple[str, ...] = ("study", "wave", "type", "lang")
INDEXED_TYPES: frozenset[str] = frozenset({"Variable", "QuestionItem", "QuestionGrid", "Concept"})


@dataclass(slots=True)
class SearchDocument:
    """One searchable item of one study, as the public or a study member sees it.

    `key` is unique in an index: the same item version may appear once published and once in a draft.
    `waves` lists the wave names the item belongs to (empty for items shared by the whole study).
    Text fields are per language; `category_labels` joins the labels of the item's code list.
    """

    key: str
    urn: str
    type: str
    study: str
    state: State
    name: str = ""
    waves: list[str] = field(default_factory=list)
    labels: LangText = field(default_factory=dict)
    question_texts: LangText = field(default_factory=dict)
    category_labels: LangText = field(default_factory=dict)
    concept_labels: LangText = field(default_factory=dict)
    concepts: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    representation: str = "none"
    data_source: str = "questionnaire"
    ages_months: list[float] = field(default_factory=list)
    sort_name: str = ""


@dataclass(slots=True)
class Visibility:
    """What the caller may see: published items of every study, and for `draft_studies` (studies where the
    caller holds a role and a draft exists) the draft instead of the published version."""

    draft_studies: frozenset[str] = frozenset()

    @classmethod
    def public(cls) -> Visibility:
        return cls()


@dataclass(slots=True)
class SearchQuery:
    """A search as the API and the pages receive it.

    `text` may be empty (browse by filters). `filters` maps a facet name to the accepted values: values of
    one facet are OR-ed, facets are AND-ed. `lang` restricts to items carrying text in that language.
    """

    text: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    facets: tuple[str, ...] = DEFAULT_FACETS
    age_min_months: float | None = None
    age_max_months: float | None = None
    lang: str | None = None
    sort: Literal["relevance", "name"] = "relevance"
    limit: int = 20
    offset: int = 0
    visibility: Visibility = field(default_factory=Visibility)


@dataclass(slots=True)
class SearchHit:
    urn: str
    type: str
    study: str
    state: State
    score: float
    name: str = ""
    waves: list[str] = field(default_factory=list)
    labels: LangText = field(default_factory=dict)
    question_texts: LangText = field(default_factory=dict)
    highlights: dict[str, list[str]] = field(default_factory=dict)


@dataclass(slots=True)
class SearchResult:
    hits: list[SearchHit]
    total: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """One indexed document as `ddicat search-check` compares it with the database: whose, which item
    version (URN), of what type, in which waves."""

    study: str
    state: State
    urn: str
    type: str
    waves: tuple[str, ...] = ()


Progress = Callable[[int], None]


class SearchBackend(Protocol):
    """An index of `SearchDocument`s. Writes come from one writer at a time (see `search.indexer`);
    `search` may be called from any number of readers and always sees the last committed generation."""

    name: str

    def replace_study(self, study: str, state: State, documents: Iterable[SearchDocument]) -> int:
        """Replace every document of (study, state) by `documents`, atomically; return how many."""
        ...

    def delete_study(self, study: str, state: State | None = None) -> None:
        """Remove a study's documents (of one state, or all)."""
        ...

    def rebuild(self, documents: Iterable[SearchDocument], progress: Progress | None = None) -> int:
        """Drop everything and index `documents`; return how many."""
        ...

    def search(self, query: SearchQuery) -> SearchResult: ...

    def counts(self) -> dict[tuple[str, str, str], int]:
        """Documents per (study, state, type), to compare the index with the database."""
        ...

    def entries(self) -> Iterator[IndexEntry]:
        """Every document in the index, once per time it is stored (a duplicate shows twice), in no
        particular order: what `ddicat search-check` holds against the releases in the database."""
        ...

    def close(self) -> None: ...
