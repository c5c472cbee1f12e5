"""The index layout the embedded engines share: which field holds what, and a document's values for each.

Texts are indexed per analysed language (`label_fr`, `label_en`, ...), plus one unstemmed field over
every text and the name (`words`); facets are exact values; what a hit shows is stored as one JSON
payload, so both engines answer with the same hits and highlight the same texts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from pathlib import Path

from catalogue.model import LangText
from ddi_schemas.problems import InvalidInput, Location, Problem
from search.analysis import ANALYSIS_VERSION, ANALYZED_LANGUAGES, analysis_languages, fold, prepare
from search.base import IndexEntry, SearchDocument, SearchHit, State

# Bump when fields change; an index is kept in a folder named after it, so an old one is never misread.
LAYOUT_VERSION = f"{ANALYSIS_VERSION}.2"

# Analysed text fields, each named after what the hit highlights, and the document attribute it reads.
TEXT_FIELDS: dict[str, str] = {
    "label": "labels",
    "question_text": "question_texts",
    "concept_labels": "concept_labels",
    "category_labels": "category_labels",
}
WORDS_FIELD = "words"
NAME_FIELD = "name_exact"
STATE_FIELD = "state"
SORT_FIELD = "sort_key"
AGES_FIELD = "ages_months"
PAYLOAD_FIELD = "hit"


def text_field(name: str, lang: str) -> str:
    """The index field of text field `name` analysed in `lang`."""
    return f"{name}_{lang}"


LANGUAGE_TEXT_FIELDS: tuple[str, ...] = tuple(
    text_field(name, lang) for name in TEXT_FIELDS for lang in ANALYZED_LANGUAGES
)


@dataclass(slots=True)
class IndexedDocument:
    """A `SearchDocument` as both engines index it: strings per field, facet values, ages, payload.

    The document's `key` is not indexed: documents are replaced and deleted by study and state.
    """

    study: str
    state: str
    texts: dict[str, str]
    words: str
    name: str
    facets: dict[str, list[str]]
    ages_months: list[float]
    sort_key: str
    payload: str


def languages_of(document: SearchDocument) -> list[str]:
    """The document's languages: as given, else those of its texts."""
    if document.languages:
        return list(document.languages)
    found = {
        lang
        for attribute in TEXT_FIELDS.values()
        for lang, text in getattr(document, attribute).items()
        if text
    }
    return sorted(found)


def facet_values(document: SearchDocument) -> dict[str, list[str]]:
    """Each facet's values for one document (several for waves, languages and concepts)."""
    return {
        "study": [document.study],
        "wave": _distinct(document.waves),
        "type": [document.type],
        "lang": _distinct(languages_of(document)),
        "representation": [document.representation] if document.representation else [],
        "data_source": [document.data_source] if document.data_source else [],
        "concept": _distinct(document.concepts),
    }


def _distinct(values: list[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v)) if len(values) > 1 else [v for v in values if v]


def sort_key(document: SearchDocument) -> str:
    """Name order, folded, then the key, so that equal names sort the same way on every engine."""
    return fold((document.sort_name or document.name).lower()) + "\x00" + document.key


@lru_cache(maxsize=256)
def _routes(lang: str) -> tuple[str, ...]:
    return analysis_languages(lang)


def language_texts(texts: LangText) -> dict[str, str]:
    """One prepared string per analysed language ("und" feeding both); other languages left out."""
    return _language_texts({lang: prepare(text) for lang, text in texts.items() if text})


def _language_texts(prepared: dict[str, str]) -> dict[str, str]:
    joined: dict[str, str] = {}
    for lang, text in prepared.items():
        for analysed in _routes(lang):
            joined[analysed] = joined[analysed] + "\n" + text if analysed in joined else text
    return joined


def payload(document: SearchDocument) -> str:
    """The stored JSON a hit is rebuilt from."""
    return _encode(
        {
            "urn": document.urn,
            "type": document.type,
            "study": document.study,
            "state": document.state,
            "name": document.name,
            "waves": document.waves,
            "labels": document.labels,
            "question_texts": document.question_texts,
            "category_labels": document.category_labels,
            "concept_labels": document.concept_labels,
        }
    )


_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_decode = json.JSONDecoder().decode


def document_texts(document: SearchDocument) -> tuple[dict[str, str], str]:
    """The document's analysed text fields (`label_fr`, ...) and its unstemmed text (`words`)."""
    texts, pieces = text_pieces(document)
    return texts, "\n".join(pieces)


def text_pieces(document: SearchDocument) -> tuple[dict[str, str], list[str]]:
    """The document's analysed text fields, and the pieces its unstemmed text joins with new lines: the name,
    then every text in every language (prepared, except the name)."""
    texts: dict[str, str] = {}
    pieces: list[str] = [document.name] if document.name else []
    for name, attribute in TEXT_FIELDS.items():
        values: LangText = getattr(document, attribute)
        if not values:
            continue
        routed, prepared = _routed(name, tuple(values.items()))
        texts.update(routed)
        pieces.extend(prepared)
    return texts, pieces


@lru_cache(maxsize=65536)
def _routed(name: str, values: tuple[tuple[str, str], ...]) -> tuple[dict[str, str], tuple[str, ...]]:
    """One text field's strings per analysed language and its prepared texts (cached: texts recur a lot,
    a question asked at every wave, the same concept or code list on thousands of variables)."""
    prepared = {lang: prepare(text) for lang, text in values if text}
    return (
        {text_field(name, lang): text for lang, text in _language_texts(prepared).items()},
        tuple(prepared.values()),
    )


def indexed_document(document: SearchDocument) -> IndexedDocument:
    """Everything an engine needs to index one document."""
    texts, words = document_texts(document)
    return IndexedDocument(
        study=document.study,
        state=document.state,
        texts=texts,
        words=words,
        name=document.name.lower(),
        facets=facet_values(document),
        ages_months=[float(age) for age in document.ages_months],
        sort_key=sort_key(document),
        payload=payload(document),
    )


@dataclass(slots=True)
class StoredHit:
    """A hit's payload, read back: the texts to show and to highlight."""

    data: dict[str, object]

    @classmethod
    def parse(cls, stored: str | bytes) -> StoredHit:
        return cls(_decode(stored.decode() if isinstance(stored, bytes | bytearray) else stored))

    def texts(self, name: str) -> LangText:
        value = self.data.get(TEXT_FIELDS[name], {})
        return value if isinstance(value, dict) else {}

    def entry(self) -> IndexEntry:
        """What the consistency check compares with the database."""
        data = self.data
        return IndexEntry(
            study=str(data["study"]),
            state=data["state"],  # type: ignore[arg-type]
            urn=str(data["urn"]),
            type=str(data["type"]),
            waves=tuple(data.get("waves") or ()),  # type: ignore[arg-type]
        )

    def hit(self, score: float, highlights: dict[str, list[str]]) -> SearchHit:
        data = self.data
        return SearchHit(
            urn=str(data["urn"]),
            type=str(data["type"]),
            study=str(data["study"]),
            state=data["state"],  # type: ignore[arg-type]
            score=score,
            name=str(data.get("name") or ""),
            waves=list(data.get("waves") or []),  # type: ignore[call-overload]
            labels=dict(data.get("labels") or {}),  # type: ignore[call-overload]
            question_texts=dict(data.get("question_texts") or {}),  # type: ignore[call-overload]
            highlights=highlights,
        )


def by_count(counts: dict[str, int]) -> dict[str, int]:
    """Facet counts as every engine returns them: most frequent values first, equal counts in value order
    (two C-level sorts, no key function: a facet may have thousands of values)."""
    ordered = sorted(counts.items(), key=itemgetter(0))
    ordered.sort(key=itemgetter(1), reverse=True)
    return dict(ordered)


def layout_dir(index_dir: Path) -> Path:
    """The folder of this layout's index inside the configured index directory."""
    return index_dir / f"layout-{LAYOUT_VERSION}"


def stale_layout_dirs(index_dir: Path) -> list[Path]:
    """Folders of indexes built with another layout, which a rebuild removes."""
    current = layout_dir(index_dir)
    if not index_dir.is_dir():
        return []
    return [path for path in index_dir.glob("layout-*") if path.is_dir() and path != current]


def checked_documents(
    documents: Iterable[SearchDocument], study: str, state: State
) -> Iterator[SearchDocument]:
    """The documents of (study, state), refusing any other: it would escape the study's next replacement."""
    for document in documents:
        if document.study != study or document.state != state:
            raise InvalidInput(
                [
                    Problem(
                        "error",
                        f"document {document.key} is of {document.study}/{document.state}, "
                        f"not {study}/{state}",
                        Location(element="SearchDocument"),
                        code="wrong-study",
                    )
                ]
            )
        yield document
