"""What a user types, parsed into a query no engine owns.

Syntax, kept to what a search box needs:
- words are AND-ed: every word must match some field (`sommeil enfant`);
- "quoted phrases" (straight, curly or « French » quotes) match words in that order;
- `allait*` matches every word starting with `allait`;
- `-word`, `-"a phrase"`, `-pref*` exclude;
- `a OR b` (upper case) accepts either; OR binds tighter than the implicit AND
  (`sommeil OR sleep enfant` = (sommeil or sleep) and enfant). `AND` and a leading `+` are accepted
  and change nothing.

Nothing here fails: unbalanced quotes end at the end of the text, stray operators are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

QUOTES: dict[str, str] = {'"': '"', "\u201c": "\u201d", "\u201e": "\u201c", "\u00ab": "\u00bb"}
PREFIX_MARK = "*"
MIN_PREFIX_LETTERS = 2


@dataclass(frozen=True, slots=True)
class Word:
    text: str


@dataclass(frozen=True, slots=True)
class Phrase:
    text: str


@dataclass(frozen=True, slots=True)
class Prefix:
    """Words starting with `text` (the star removed)."""

    text: str


Term = Word | Phrase | Prefix


@dataclass(frozen=True, slots=True)
class Clause:
    """Terms of which one must match (several only when joined by OR), or, when excluded, none may."""

    terms: tuple[Term, ...]
    excluded: bool = False


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    text: str
    clauses: tuple[Clause, ...]

    @property
    def required(self) -> tuple[Clause, ...]:
        return tuple(clause for clause in self.clauses if not clause.excluded)

    @property
    def excluded(self) -> tuple[Clause, ...]:
        return tuple(clause for clause in self.clauses if clause.excluded)


@dataclass(frozen=True, slots=True)
class _Piece:
    term: Term | None
    excluded: bool = False
    operator: str | None = None


_SPACE = re.compile(r"\s+")


def parse_query(text: str) -> ParsedQuery:
    """Parse search-box text; never raises."""
    text = _SPACE.sub(" ", text).strip()
    clauses: list[Clause] = []
    pending_or = False
    for piece in _pieces(text):
        if piece.operator == "OR":
            pending_or = bool(clauses) and not clauses[-1].excluded
            continue
        if piece.operator == "AND" or piece.term is None:
            pending_or = False
            continue
        if pending_or and not piece.excluded:
            last = clauses.pop()
            clauses.append(Clause(last.terms + (piece.term,)))
        else:
            clauses.append(Clause((piece.term,), excluded=piece.excluded))
        pending_or = False
    return ParsedQuery(text, tuple(clauses))


def _pieces(text: str) -> list[_Piece]:
    pieces: list[_Piece] = []
    i = 0
    while i < len(text):
        if text[i] == " ":
            i += 1
            continue
        excluded = False
        if text[i] in "-+" and i + 1 < len(text) and text[i + 1] != " ":
            excluded = text[i] == "-"
            i += 1
        if text[i] in QUOTES:
            close = QUOTES[text[i]]
            end = text.find(close, i + 1)
            end = len(text) if end < 0 else end
            phrase = text[i + 1 : end].strip()
            pieces.append(_Piece(Phrase(phrase) if phrase else None, excluded))
            i = end + 1
            continue
        end = text.find(" ", i)
        end = len(text) if end < 0 else end
        pieces.append(_word_piece(text[i:end], excluded))
        i = end
    return pieces


def _word_piece(word: str, excluded: bool) -> _Piece:
    if word in ("OR", "AND", "|", "&&", "||") and not excluded:
        return _Piece(None, operator="AND" if word in ("AND", "&&") else "OR")
    if word.endswith(PREFIX_MARK):
        stem = word.rstrip(PREFIX_MARK)
        if len(stem) >= MIN_PREFIX_LETTERS:
            return _Piece(Prefix(stem), excluded)
        word = stem
    return _Piece(Word(word) if word else None, excluded)
