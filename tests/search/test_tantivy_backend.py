"""What only the tantivy backend does: combined facet columns, concurrent readers, a foreign index."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import tantivy

from search import tantivy_backend
from search.base import FACETS, SearchDocument, SearchQuery
from search.errors import SearchBackendUnavailable
from search.layout import SORT_FIELD, layout_dir, sort_key
from search.tantivy_backend import TantivyBackend

QUERIES = [
    SearchQuery(text=text, facets=FACETS, limit=50) for text in ("", "sommeil", "allaitement", "enfant")
]


@pytest.fixture
def tantivy_catalogue(documents: list[SearchDocument], tmp_path: Path) -> TantivyBackend:
    backend = TantivyBackend(tmp_path, heap_bytes=50_000_000)
    backend.rebuild(documents)
    return backend


def test_too_many_combinations_fall_back_to_the_plain_columns(
    tantivy_catalogue: TantivyBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    combined = [tantivy_catalogue.search(query).facets for query in QUERIES]
    monkeypatch.setattr(tantivy_backend, "COMBINATIONS_LIMIT", 1)
    assert [tantivy_catalogue.search(query).facets for query in QUERIES] == combined


def test_many_combinations_are_counted_on_the_plain_columns_with_the_same_counts(
    tantivy_catalogue: TantivyBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    searcher = tantivy_catalogue._searcher()
    assert {facet: tantivy_catalogue._column(searcher, facet) for facet in ("wave", "lang")} == {
        "wave": "wave_combined",
        "lang": "lang_combined",
    }
    combined = [tantivy_catalogue.search(query).facets for query in QUERIES]
    monkeypatch.setattr(tantivy_backend, "COMBINATIONS_PER_VALUE", 0)
    tantivy_catalogue._columns.clear()
    assert tantivy_catalogue._column(searcher, "wave") == "wave"
    assert [tantivy_catalogue.search(query).facets for query in QUERIES] == combined


def test_sort_keys_are_a_column_only(
    tantivy_catalogue: TantivyBackend, documents: list[SearchDocument]
) -> None:
    searcher = tantivy_catalogue._searcher()
    assert searcher.doc_freq(SORT_FIELD, sort_key(documents[0])) == 0  # nothing in the inverted index
    assert searcher.doc_freq("study", documents[0].study) > 0
    by_name = tantivy_catalogue.search(SearchQuery(sort="name", limit=3))
    assert [hit.name for hit in by_name.hits] == ["allait_arret_age", "allait_duree", "allait_ever"]


def test_readers_in_threads_get_the_answers_of_one_reader(tantivy_catalogue: TantivyBackend) -> None:
    alone = [tantivy_catalogue.search(query) for query in QUERIES]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(tantivy_catalogue.search, QUERIES * 5))
    assert together == alone * 5


def test_an_index_of_another_schema_is_reported_not_misread(tmp_path: Path) -> None:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("title", stored=True)
    layout_dir(tmp_path).mkdir(parents=True)
    tantivy.Index(builder.build(), path=str(layout_dir(tmp_path)))
    with pytest.raises(SearchBackendUnavailable, match="ddicat reindex"):
        TantivyBackend(tmp_path).search(SearchQuery(text="sommeil"))
