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
from pathlib import Path

from catalogue.model import LangText
from ddi_schemas.problems import InvalidInput, Location, Problem
from search.analysis import ANALYSIS_VERSION, ANALYZED_LANGUAGES, analysis_languages, fold, prepare
from search.base import SearchDocument, SearchHit, State

# Bump when fields change; an index is kept in a folder named after it, so an old one is never misread.
LAYOUT_VERSION = f"{ANALYSIS_VERSION}.1"

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


def indexed_document(document: SearchDocument) -> IndexedDocument:
    """Everything an engine needs to index one document."""
    texts: dict[str, str] = {}
    every_text: list[str] = [document.name] if document.name else []
    for name, attribute in TEXT_FIELDS.items():
        values: LangText = getattr(document, attribute)
        if not values:
            continue
        prepared = {lang: prepare(text) for lang, text in values.items() if text}
        for lang, text in _language_texts(prepared).items():
            texts[f"{name}_{lang}"] = text
        every_text.extend(prepared.values())
    return IndexedDocument(
        study=document.study,
        state=document.state,
        texts=texts,
        words="\n".join(every_text),
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
        return cls(json.loads(stored))

    def texts(self, name: str) -> LangText:
        value = self.data.get(TEXT_FIELDS[name], {})
        return value if isinstance(value, dict) else {}

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
