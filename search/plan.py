"""A parsed query spelled out as matches on index fields, with the boosts: what every embedded engine runs.

Each word may match any field: the stemmed fields of both languages (a French word finds an item by its
French texts whatever its English texts say), the unstemmed `words` field and the exact name. A word that
matches no visible document gets a fuzzy chance on `words`; the engine decides that (it needs the index)
through `resolve`, which also says what to highlight.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from ddi_schemas.problems import InvalidInput, Location, Problem
from search.analysis import ANALYZED_LANGUAGES, TOKEN_PATTERN, Token, fold, prepare
from search.base import FACETS, SearchQuery
from search.layout import TEXT_FIELDS, WORDS_FIELD, text_field
from search.query import ParsedQuery, Prefix, Term, Word

# Field boosts: exact name ≫ label > question text > concept > category labels; the unstemmed field
# only breaks ties between otherwise equal documents.
FIELD_BOOSTS: dict[str, float] = {
    "name": 1000.0,
    "label": 4.0,
    "question_text": 2.5,
    "concept_labels": 1.6,
    "category_labels": 1.0,
    WORDS_FIELD: 0.3,
}
_WORD_RUN = re.compile(TOKEN_PATTERN)
# One edit for words of 4 to 7 letters, two from 8; shorter words are never made fuzzy.
FUZZY_MIN_LETTERS = 4
FUZZY_TWO_EDITS_FROM = 8
# Plain Levenshtein (a transposition costs two edits): Whoosh's automaton knows no other.
FUZZY_TRANSPOSITIONS = False
# French participles typed without their accent (`allaitee`, `hospitalisees`): the index stems before it
# folds accents (search.analysis), so `allaitée` → `allait` but `allaitee` → `allaite`. Such a word also
# matches the stems of its accented form.
ACCENTED_ENDINGS: tuple[tuple[str, str], ...] = (("ees", "ées"), ("ee", "ée"), ("es", "és"), ("e", "é"))
MIN_ACCENTED_WORD = 5
_PLAIN_WORD = re.compile(r"^[A-Za-z]+$")


class Analysis(Protocol):
    """An engine's analysers, as query planning and highlighting need them."""

    def stemmed(self, text: str, lang: str) -> Sequence[Token]: ...

    def unstemmed(self, text: str) -> Sequence[Token]: ...


@dataclass(frozen=True, slots=True)
class TermMatch:
    field: str
    term: str
    boost: float


@dataclass(frozen=True, slots=True)
class PhraseMatch:
    """Terms at these relative positions (gaps left by stop words count)."""

    field: str
    terms: tuple[tuple[int, str], ...]
    boost: float


@dataclass(frozen=True, slots=True)
class PrefixMatch:
    field: str
    prefix: str
    boost: float


@dataclass(frozen=True, slots=True)
class FuzzyMatch:
    field: str
    term: str
    distance: int
    boost: float


@dataclass(frozen=True, slots=True)
class NameMatch:
    """A word equal to the variable's name: a constant score above any text match, so it comes first."""

    name: str
    score: float


FieldMatch = TermMatch | PhraseMatch | PrefixMatch | FuzzyMatch | NameMatch


# Terms at relative positions: one word, or the words of a phrase (or of a word like "covid-19").
TermSequence = tuple[tuple[int, str], ...]


@dataclass(slots=True)
class Highlighting:
    """What to mark in a hit's texts: stem sequences per language, unstemmed ones, prefixes, fuzzy words."""

    stems: dict[str, set[TermSequence]] = field(
        default_factory=lambda: {lang: set() for lang in ANALYZED_LANGUAGES}
    )
    words: set[TermSequence] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)
    fuzzy: set[tuple[str, int]] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.words or self.prefixes or self.fuzzy or any(self.stems.values()))


@dataclass(frozen=True, slots=True)
class TermPlan:
    """One user term: the matches of its exact form, and the fuzzy ones to use if those find nothing."""

    exact: tuple[FieldMatch, ...]
    fuzzy: tuple[FieldMatch, ...] = ()
    stems: tuple[tuple[str, TermSequence], ...] = ()
    words: TermSequence = ()
    prefix: str | None = None


@dataclass(frozen=True, slots=True)
class QueryPlan:
    required: tuple[tuple[TermPlan, ...], ...]
    excluded: tuple[tuple[TermPlan, ...], ...]

    @property
    def is_empty(self) -> bool:
        return not self.required and not self.excluded

    def may_need_fuzzy(self, exact_total: int) -> bool:
        """Whether some term may match no visible document, given the total with every term exact.

        A total above zero proves that every AND-ed term matched; only a term OR-ed with another may
        still have matched nothing.
        """
        groups = [group for group in self.required if any(term.fuzzy for term in group)]
        return bool(groups) and (exact_total == 0 or any(len(group) > 1 for group in groups))


@dataclass(frozen=True, slots=True)
class ResolvedQuery:
    """The plan after the fuzzy decision: each required group needs one match, no excluded one may match."""

    required: tuple[tuple[FieldMatch, ...], ...]
    excluded: tuple[tuple[FieldMatch, ...], ...]
    highlighting: Highlighting


def fuzzy_distance(word: str) -> int:
    """Edits allowed for a word that matched nothing: 0, 1 or 2 by its length in letters."""
    if len(word) < FUZZY_MIN_LETTERS:
        return 0
    return 1 if len(word) < FUZZY_TWO_EDITS_FROM else 2


def plan_query(parsed: ParsedQuery, analysis: Analysis) -> QueryPlan:
    """Field-level matches for every clause; terms that analyse to nothing (stop words) are left out."""
    required = tuple(group for clause in parsed.required if (group := _group(clause.terms, analysis)))
    excluded = tuple(group for clause in parsed.excluded if (group := _group(clause.terms, analysis)))
    return QueryPlan(required, excluded)


def _group(terms: Sequence[Term], analysis: Analysis) -> tuple[TermPlan, ...]:
    plans = (_term_plan(term, analysis) for term in terms)
    return tuple(plan for plan in plans if plan.exact)


def _term_plan(term: Term, analysis: Analysis) -> TermPlan:
    if isinstance(term, Prefix):
        # the first run of letters and digits: `sleep_*` and `l'allait*` look for words starting `sleep`,
        # `allait` in the unstemmed field (which holds the parts of names too)
        run = _WORD_RUN.search(fold(prepare(term.text).lower()))
        if run is None:
            return TermPlan(())
        prefix = run.group()
        return TermPlan((PrefixMatch(WORDS_FIELD, prefix, FIELD_BOOSTS[WORDS_FIELD]),), prefix=prefix)
    words_tokens = analysis.unstemmed(term.text)
    if not words_tokens:  # only stop words, in one language or the other
        return TermPlan(())
    matches: list[FieldMatch] = []
    stems: list[tuple[str, TermSequence]] = []
    forms = [term.text]
    if isinstance(term, Word) and (accented := accented_form(term.text)):
        forms.append(accented)
    for lang in ANALYZED_LANGUAGES:
        for form in forms:
            tokens = analysis.stemmed(form, lang)
            if not tokens or (lang, _sequence(tokens)) in stems:
                continue
            stems.append((lang, _sequence(tokens)))
            for name in TEXT_FIELDS:
                match = _tokens_match(text_field(name, lang), tokens, FIELD_BOOSTS[name])
                if match:
                    matches.append(match)
    words_match = _tokens_match(WORDS_FIELD, words_tokens, FIELD_BOOSTS[WORDS_FIELD])
    if words_match:
        matches.append(words_match)
    words = _sequence(words_tokens)
    fuzzy: tuple[FieldMatch, ...] = ()
    if isinstance(term, Word):
        matches.append(NameMatch(term.text.lower(), FIELD_BOOSTS["name"]))
        if len(words) == 1 and (distance := fuzzy_distance(words[0][1])):
            fuzzy = (FuzzyMatch(WORDS_FIELD, words[0][1], distance, FIELD_BOOSTS[WORDS_FIELD]),)
    return TermPlan(tuple(matches), fuzzy, tuple(stems), words)


def accented_form(word: str) -> str | None:
    """The word with the accented participle ending it was probably typed without (`allaitee` →
    `allaitée`), or None when it is not a plain unaccented word ending like one."""
    if len(word) < MIN_ACCENTED_WORD or not _PLAIN_WORD.match(word):
        return None
    lower = word.lower()
    for plain, accented in ACCENTED_ENDINGS:
        if lower.endswith(plain):
            return lower[: -len(plain)] + accented
    return None


def _sequence(tokens: Sequence[Token]) -> TermSequence:
    first = tokens[0].position
    return tuple((token.position - first, token.term) for token in tokens)


def _tokens_match(field_name: str, tokens: Sequence[Token], boost: float) -> FieldMatch | None:
    if not tokens:
        return None
    if len(tokens) == 1:
        return TermMatch(field_name, tokens[0].term, boost)
    return PhraseMatch(field_name, _sequence(tokens), boost)


def resolve(
    plan: QueryPlan, matches_visible: Callable[[tuple[FieldMatch, ...]], bool] | None = None
) -> ResolvedQuery:
    """Choose exact or fuzzy matches for each term (`matches_visible` asks the engine; without it every
    term stays exact) and what to mark."""
    highlighting = Highlighting()
    required: list[tuple[FieldMatch, ...]] = []
    for group in plan.required:
        chosen: list[FieldMatch] = []
        for term in group:
            if term.fuzzy and matches_visible is not None and not matches_visible(term.exact):
                chosen.extend(term.fuzzy)
                highlighting.fuzzy.update(
                    (m.term, m.distance) for m in term.fuzzy if isinstance(m, FuzzyMatch)
                )
                continue
            chosen.extend(term.exact)
            for lang, sequence in term.stems:
                highlighting.stems[lang].add(sequence)
            if term.words:
                highlighting.words.add(term.words)
            if term.prefix:
                highlighting.prefixes.add(term.prefix)
        required.append(tuple(chosen))
    excluded = tuple(tuple(m for term in group for m in term.exact) for group in plan.excluded)
    return ResolvedQuery(tuple(required), excluded, highlighting)


def check_query(query: SearchQuery) -> None:
    """Refuse what no engine can answer: unknown facets, negative pages, an inverted age range."""
    problems = []
    for name in list(query.filters) + list(query.facets):
        if name not in FACETS:
            problems.append(
                Problem(
                    "error",
                    f"unknown facet {name!r}; known facets: {', '.join(FACETS)}",
                    Location(element="filters" if name in query.filters else "facets"),
                    code="unknown-facet",
                )
            )
    if query.limit < 0 or query.offset < 0:
        problems.append(
            Problem(
                "error",
                "limit and offset must not be negative",
                Location(element="limit"),
                code="invalid-page",
            )
        )
    low, high = query.age_min_months, query.age_max_months
    if low is not None and high is not None and low > high:
        problems.append(
            Problem(
                "error",
                f"the age range is inverted ({low} > {high} months)",
                Location(element="age_min_months"),
                code="invalid-age-range",
            )
        )
    if query.sort not in ("relevance", "name"):
        problems.append(
            Problem(
                "error",
                f"unknown sort {query.sort!r}; use relevance or name",
                Location(element="sort"),
                code="invalid-sort",
            )
        )
    if problems:
        raise InvalidInput(problems)
