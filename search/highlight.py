"""Highlighted fragments of a hit's texts: matched words in `<mark>`, everything else HTML-escaped.

Both embedded engines mark with this code and their own analysers, so a word is marked exactly when it is
one the engine matched: same stem in that language, same unstemmed word, a prefix, or a fuzzy neighbour.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from functools import lru_cache

from search.analysis import Token, analysis_languages, normalize
from search.layout import TEXT_FIELDS, StoredHit
from search.plan import Analysis, Highlighting, TermSequence

FRAGMENT_CHARS = 240
CONTEXT_BEFORE = 60
ELLIPSIS = "\u2026"


class Marker:
    """One query's highlighting, ready to mark many texts; a text met twice is marked once."""

    def __init__(self, highlighting: Highlighting, analysis: Analysis) -> None:
        self.analysis = analysis
        self.active = bool(highlighting)
        self.stems = {lang: _split(sequences) for lang, sequences in highlighting.stems.items() if sequences}
        self.words = _split(highlighting.words)
        self.prefixes = tuple(highlighting.prefixes)
        self.fuzzy = tuple(highlighting.fuzzy)
        self._marked: dict[tuple[str, str], str | None] = {}

    def hit(self, stored: StoredHit) -> dict[str, list[str]]:
        """Fragments per text field ("label", "question_text", ...), only for texts with a marked word."""
        if not self.active:
            return {}
        found: dict[str, list[str]] = {}
        for name in TEXT_FIELDS:
            fragments = [
                fragment
                for lang, text in stored.texts(name).items()
                if text and (fragment := self.mark(text, lang))
            ]
            if fragments:
                found[name] = fragments
        return found

    def mark(self, text: str, lang: str) -> str | None:
        """One fragment of `text` with its matched words marked, or None when nothing matched."""
        key = (text, lang)
        if key not in self._marked:
            self._marked[key] = self._mark(normalize(text), lang)
        return self._marked[key]

    def _mark(self, text: str, lang: str) -> str | None:
        spans: set[tuple[int, int]] = set()
        for analysed in analysis_languages(lang):
            if analysed in self.stems:
                spans |= _sequence_spans(self.analysis.stemmed(text, analysed), *self.stems[analysed])
        if self.words[0] or self.words[1] or self.prefixes or self.fuzzy:
            words = self.analysis.unstemmed(text)
            spans |= _sequence_spans(words, *self.words)
            if self.prefixes or self.fuzzy:
                spans.update((t.start, t.end) for t in words if _near(t.term, self.prefixes, self.fuzzy))
        return fragment(text, sorted(spans)) if spans else None


def highlights(stored: StoredHit, highlighting: Highlighting, analysis: Analysis) -> dict[str, list[str]]:
    """Fragments per text field of one hit (see `Marker` to mark many hits of one query)."""
    return Marker(highlighting, analysis).hit(stored)


def highlight_text(text: str, lang: str, highlighting: Highlighting, analysis: Analysis) -> str | None:
    """One fragment of `text` with its matched words marked, or None when nothing matched."""
    return Marker(highlighting, analysis).mark(text, lang)


def _split(sequences: Iterable[TermSequence]) -> tuple[frozenset[str], tuple[TermSequence, ...]]:
    singles = frozenset(sequence[0][1] for sequence in sequences if len(sequence) == 1)
    return singles, tuple(sequence for sequence in sequences if len(sequence) > 1)


def _sequence_spans(
    tokens: Sequence[Token], singles: frozenset[str], phrases: tuple[TermSequence, ...]
) -> set[tuple[int, int]]:
    """Spans of the tokens where a sequence occurs: a single term anywhere, a phrase only whole."""
    spans = {(t.start, t.end) for t in tokens if t.term in singles}
    if phrases:
        at = {t.position: t for t in tokens}
        for phrase in phrases:
            for token in tokens:
                if token.term != phrase[0][1]:
                    continue
                run = [(at.get(token.position + offset), term) for offset, term in phrase]
                found = [t for t, term in run if t is not None and t.term == term]
                if len(found) == len(phrase):
                    spans.update((t.start, t.end) for t in found)
    return spans


def _near(word: str, prefixes: tuple[str, ...], fuzzy: tuple[tuple[str, int], ...]) -> bool:
    if any(word.startswith(prefix) for prefix in prefixes):
        return True
    return any(edit_distance(word, target, distance) <= distance for target, distance in fuzzy)


@lru_cache(maxsize=65536)
def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance of two words, or `limit + 1` as soon as it is known to exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def fragment(text: str, spans: list[tuple[int, int]]) -> str:
    """The text around the first marked span, cut at spaces to about `FRAGMENT_CHARS`, escaped and marked."""
    begin, end = 0, len(text)
    if len(text) > FRAGMENT_CHARS:
        begin = max(0, spans[0][0] - CONTEXT_BEFORE)
        if begin:
            space = text.find(" ", begin, spans[0][0])
            begin = space + 1 if space >= 0 else begin
        end = min(len(text), begin + FRAGMENT_CHARS)
        if end < len(text):
            space = text.rfind(" ", max(spans[0][1], begin + 1), end)
            end = space if space > 0 else end
    parts = [ELLIPSIS] if begin else []
    cursor = begin
    for start, stop in spans:
        if start < cursor or stop > end:
            continue
        parts.append(html.escape(text[cursor:start], quote=False))
        parts.append("<mark>" + html.escape(text[start:stop], quote=False) + "</mark>")
        cursor = stop
    parts.append(html.escape(text[cursor:end], quote=False))
    if end < len(text):
        parts.append(ELLIPSIS)
    return "".join(parts)
