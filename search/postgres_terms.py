"""The index layout in PostgreSQL's text-search types: one `tsvector` per document, one `tsquery` per search.

PostgreSQL's own French stemmer needs the accents and its `unaccent` must run before any dictionary, so
`allaitée` and `hospitalisée` would be lost (search-notes.md). Here the terms come out of the very chains
Whoosh runs (`search.analysis`: stemmer, then folding) and are stored pre-analysed: the `tsvector` literal
is written by this module, no text-search configuration ever touches it. Lexemes are namespaced by chain:

- `fr:allait`, `en:breastfe` — the stemmed chains, one per analysed language;
- `w:allaitement` — the unstemmed folded words (prefix and fuzzy queries, parts of names);
- `n:hosp_1an` — the exact, lower-cased name.

The text fields of one chain share its namespace: they are told apart by weight (label A, question text B,
concept and category labels C; unstemmed words D) and by position ranges (`FIELD_SLOTS`), so that a phrase
never runs from one field into the next. A whole query compiles to one `tsquery`, which one GIN index scan
answers; `ts_rank` reads the plan's field boosts as weights.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from search.analysis import TOKEN_PATTERN, analyze, analyze_unstemmed, prepare
from search.base import SearchDocument
from search.layout import TEXT_FIELDS, WORDS_FIELD, text_pieces
from search.plan import (
    FIELD_BOOSTS,
    FieldMatch,
    FuzzyMatch,
    NameMatch,
    PhraseMatch,
    PrefixMatch,
    ResolvedQuery,
    TermMatch,
)

WORDS_NAMESPACE = "w"
NAME_NAMESPACE = "n"
# PostgreSQL keeps positions 1..16383; each text field has its own range so phrases stay inside a field.
MAX_POSITION = 16383
MAX_POSITION_TEXT = str(MAX_POSITION)
SLOT = 4096
FIELD_SLOTS: dict[str, int] = {
    "label": 0,
    "question_text": SLOT,
    "concept_labels": 2 * SLOT,
    "category_labels": 3 * SLOT,
}
FIELD_WEIGHTS: dict[str, str] = {
    "label": "A",
    "question_text": "B",
    "concept_labels": "C",
    "category_labels": "C",
}
WORDS_WEIGHT = "D"
TEXT_WEIGHTS = frozenset(FIELD_WEIGHTS.values())
# ts_rank's weights, in its order {D, C, B, A}, from the plan's boosts (each at most 1).
_TOP = FIELD_BOOSTS["label"]
RANK_WEIGHTS: tuple[float, float, float, float] = (
    FIELD_BOOSTS[WORDS_FIELD] / _TOP,
    FIELD_BOOSTS["concept_labels"] / _TOP,
    FIELD_BOOSTS["question_text"] / _TOP,
    1.0,
)
# Longest lexeme PostgreSQL accepts is 2,047 bytes; names are cut well before.
MAX_NAME_CHARS = 500


def lexeme(namespace: str, term: str) -> str:
    """A term of one chain, quoted for a tsvector or tsquery literal."""
    text = f"{namespace}:{term}".replace("\\", "\\\\").replace("'", "''")
    return f"'{text}'"


def name_term(name: str) -> str:
    """The exact-name term of a (lower-cased) variable name."""
    return name[:MAX_NAME_CHARS]


@lru_cache(maxsize=65536)
def _field_entries(field_name: str, text: str) -> tuple[tuple[str, str], ...]:
    """The (lexeme, position and weight) entries of one analysed text field (cached: texts recur)."""
    name, lang = field_name.rsplit("_", 1)
    offset, weight = FIELD_SLOTS[name], FIELD_WEIGHTS[name]
    ceiling = min(offset + SLOT, MAX_POSITION)
    return tuple(
        (lexeme(lang, token.term), f"{min(offset + token.position + 1, ceiling)}{weight}")
        for token in analyze(prepare(text), lang)
    )


@lru_cache(maxsize=65536)
def _piece_entries(piece: str) -> tuple[tuple[tuple[str, int], ...], frozenset[str], int]:
    """A piece of the unstemmed text: its (lexeme, position) entries, its words, and how many positions it
    takes (every run of letters and digits, stop words and over-long ones included, as tokenizers count)."""
    prepared = prepare(piece)
    tokens = analyze_unstemmed(prepared)
    entries = tuple((lexeme(WORDS_NAMESPACE, token.term), token.position) for token in tokens)
    return entries, frozenset(token.term for token in tokens), sum(1 for _ in _TOKEN_RUNS.finditer(prepared))


_TOKEN_RUNS = re.compile(TOKEN_PATTERN)


def document_terms(document: SearchDocument) -> tuple[str, set[str]]:
    """The document's tsvector literal, and its unstemmed words (the vocabulary fuzzy queries search)."""
    texts, pieces = text_pieces(document)
    positions: dict[str, list[str]] = {}
    for field_name, text in texts.items():
        for term, at in _field_entries(field_name, text):
            if term in positions:
                positions[term].append(at)
            else:
                positions[term] = [at]
    words: set[str] = set()
    shift = 1  # pieces are joined by new lines: positions run on from one piece to the next
    for piece in pieces:
        entries, piece_words, taken = _piece_entries(piece)
        words |= piece_words
        for term, position in entries:
            at = shift + position
            text = str(at) if at < MAX_POSITION else MAX_POSITION_TEXT
            if term in positions:
                positions[term].append(text)
            else:
                positions[term] = [text]
        shift += taken
    if document.name:
        positions.setdefault(lexeme(NAME_NAMESPACE, name_term(document.name.lower())), [])
    return " ".join([f"{term}:{','.join(at)}" if at else term for term, at in positions.items()]), words


@dataclass(frozen=True, slots=True)
class CompiledQuery:
    """A resolved query as PostgreSQL runs it: what must match, what ranks, which names come first.

    `match` is None when the query has no text (browse by filters); `nothing` when a required term can match
    no document at all (a typo with no neighbour in the vocabulary).
    """

    match: str | None
    rank: str | None
    names: tuple[str, ...]
    nothing: bool = False


FuzzyWords = Callable[[FuzzyMatch], list[str]]


def compile_query(resolved: ResolvedQuery, fuzzy_words: FuzzyWords) -> CompiledQuery:
    """One tsquery for the whole query; `fuzzy_words` lists the vocabulary's words near a fuzzy term."""
    if not resolved.required and not resolved.excluded:
        return CompiledQuery(None, None, ())
    required: list[str] = []
    ranked: dict[str, None] = {}
    names: list[str] = []
    for group in resolved.required:
        alternatives = compile_group(group, fuzzy_words)
        if not alternatives:
            return CompiledQuery(None, None, (), nothing=True)
        required.append(_any(alternatives))
        for match in group:
            if isinstance(match, NameMatch):
                names.append(name_term(match.name))
        ranked.update(dict.fromkeys(_rank_terms(group, fuzzy_words)))
    parts = list(required)
    for group in resolved.excluded:
        alternatives = compile_group(group, fuzzy_words)
        if alternatives:
            parts.append("!" + _any(alternatives, always_group=True))
    return CompiledQuery(" & ".join(parts), " | ".join(ranked) or None, tuple(names))


def compile_group(group: Iterable[FieldMatch], fuzzy_words: FuzzyWords) -> list[str]:
    """The tsquery alternatives of matches of which one must match (an empty list matches nothing)."""
    weights: dict[tuple[str, ...], set[str]] = {}
    prefixes: dict[str, None] = {}
    plain: dict[str, None] = {}
    for match in group:
        if isinstance(match, NameMatch):
            plain[lexeme(NAME_NAMESPACE, name_term(match.name))] = None
        elif isinstance(match, TermMatch):
            namespace, weight = _field(match.field)
            weights.setdefault((lexeme(namespace, match.term),), set()).add(weight)
        elif isinstance(match, PhraseMatch):
            namespace, weight = _field(match.field)
            weights.setdefault(_phrase_key(namespace, match.terms), set()).add(weight)
        elif isinstance(match, PrefixMatch):
            namespace, weight = _field(match.field)
            prefixes[lexeme(namespace, match.prefix) + ":*" + _weights({weight})] = None
        elif isinstance(match, FuzzyMatch):
            namespace, _weight = _field(match.field)
            plain.update((lexeme(namespace, word), None) for word in fuzzy_words(match))
        else:
            raise TypeError(f"unknown match {match!r}")
    alternatives = list(plain) + list(prefixes)
    for key, used in weights.items():
        suffix = _weights(used)
        if len(key) == 1:
            alternatives.append(key[0] + suffix)
        else:
            alternatives.append(_phrase(key, suffix))
    return alternatives


def _field(field_name: str) -> tuple[str, str]:
    """The namespace and weight of an index field (`label_fr` → fr, A; `words` → w, D)."""
    if field_name == WORDS_FIELD:
        return WORDS_NAMESPACE, WORDS_WEIGHT
    name, lang = field_name.rsplit("_", 1)
    if name not in TEXT_FIELDS:
        raise ValueError(f"no such text field: {field_name}")
    return lang, FIELD_WEIGHTS[name]


def _weights(used: set[str]) -> str:
    """The weight restriction of a term matched in these fields: none when it may match in any of them."""
    if WORDS_WEIGHT in used or TEXT_WEIGHTS <= used:
        return ""
    return ":" + "".join(sorted(used))


def _phrase_key(namespace: str, terms: tuple[tuple[int, str], ...]) -> tuple[str, ...]:
    """A phrase as (lexeme, gap, lexeme, gap, lexeme...): the gaps are the relative positions' steps."""
    key: list[str] = [lexeme(namespace, terms[0][1])]
    previous = terms[0][0]
    for position, term in terms[1:]:
        key.extend((str(position - previous), lexeme(namespace, term)))
        previous = position
    return tuple(key)


def _phrase(key: tuple[str, ...], suffix: str) -> str:
    """`'a' <2> 'b' <1> 'c'`: each word at exactly its distance from the one before."""
    parts = [key[0] + suffix]
    for index in range(1, len(key), 2):
        parts.append(f"<{key[index]}>")
        parts.append(key[index + 1] + suffix)
    return "(" + " ".join(parts) + ")"


def _any(alternatives: list[str], *, always_group: bool = False) -> str:
    if len(alternatives) == 1 and not always_group:
        return alternatives[0]
    return "(" + " | ".join(alternatives) + ")"


def _rank_terms(group: Iterable[FieldMatch], fuzzy_words: FuzzyWords) -> list[str]:
    """The group's lexemes without weights or phrase order: what ts_rank weighs (names score apart)."""
    terms: list[str] = []
    for match in group:
        if isinstance(match, TermMatch):
            terms.append(lexeme(_field(match.field)[0], match.term))
        elif isinstance(match, PhraseMatch):
            namespace = _field(match.field)[0]
            terms.extend(lexeme(namespace, term) for _position, term in match.terms)
        elif isinstance(match, PrefixMatch):
            terms.append(lexeme(_field(match.field)[0], match.prefix) + ":*")
        elif isinstance(match, FuzzyMatch):
            terms.extend(lexeme(_field(match.field)[0], word) for word in fuzzy_words(match))
    return terms
