"""What only the Whoosh backend does: its analyser is the pure-Python chain; readers in threads."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from search.analysis import analyze, prepare
from search.base import FACETS, SearchDocument, SearchQuery
from search.whoosh_backend import ChainTokenizer, WhooshBackend


def test_the_whoosh_analyser_is_the_analysis_chain() -> None:
    text = "Durée de l’allaitement exclusif (semaines)"
    tokens = [
        (t.text, t.pos, t.startchar, t.endchar)
        for t in ChainTokenizer("fr")(text, positions=True, chars=True)
    ]
    assert tokens == [(t.term, t.position, t.start, t.end) for t in analyze(prepare(text), "fr")]


def test_readers_in_threads_get_the_answers_of_one_reader(
    documents: list[SearchDocument], tmp_path: Path
) -> None:
    backend = WhooshBackend(tmp_path)
    backend.rebuild(documents)
    queries = [SearchQuery(text=text, facets=FACETS) for text in ("", "sommeil", "allaitement")]
    alone = [backend.search(query) for query in queries]
    with ThreadPoolExecutor(3) as pool:
        assert list(pool.map(backend.search, queries * 3)) == alone * 3
