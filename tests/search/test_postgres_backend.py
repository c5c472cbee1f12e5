"""What only the PostgreSQL backend does: pre-analysed tsvectors, compiled tsqueries, trigram bounds for
fuzzy words, the shadow-table rebuild, and the writer's lock and mark shared by hosts."""

from __future__ import annotations

import random
import re
import threading
from pathlib import Path

import pytest

from benchmarks.search_engines import generate_documents
from search.analysis import SnowballAnalysis
from search.base import SearchDocument, SearchQuery
from search.errors import IndexBusy
from search.plan import FuzzyMatch, plan_query, resolve
from search.postgres_backend import fuzzy_threshold, search_sql
from search.postgres_coordination import PostgresCoordination
from search.postgres_terms import compile_query, document_terms
from search.query import parse_query

DOCUMENT = SearchDocument(
    key="published:lune:urn:ddi:fr.lune:v1:1",
    urn="urn:ddi:fr.lune:v1:1",
    type="Variable",
    study="lune",
    state="published",
    name="Lune_Allait",
    labels={"fr": "Enfant allaitée", "en": "Breastfed child"},
    question_texts={"fr": "L'enfant est-il allaité ?"},
    category_labels={"und": "Oui / Yes"},
)


def compiled(text: str, near: dict[str, list[str]] | None = None):
    plan = plan_query(parse_query(text), SnowballAnalysis())
    return compile_query(resolve(plan), lambda match: (near or {}).get(match.term, []))


def test_terms_are_namespaced_by_chain_weighted_by_field_and_kept_apart_by_position() -> None:
    terms, words = document_terms(DOCUMENT)
    lexemes = {f"'{term}'": at for term, at in re.findall(r"'([^']*)'(?::(\S+))?", terms)}
    assert lexemes["'fr:allait'"] == "2A,4100B"  # label word 2, question word 4 in the question's range
    assert lexemes["'en:breastf'"] == "1A" and lexemes["'en:child'"] == "2A"
    assert lexemes["'w:allaitee'"] == "4" and lexemes["'w:allaite'"] == "10"  # folded, unstemmed
    assert "'fr:oui'" in lexemes and "'en:yes'" in lexemes  # "und" text goes through both chains
    assert lexemes["'n:lune_allait'"] == ""
    assert {"allaitee", "allaite", "enfant", "lune", "allait", "breastfed", "child", "oui", "yes"} <= words


def test_a_query_compiles_to_one_tsquery_with_exact_names_apart() -> None:
    word = compiled("allaitée")
    assert word.match == "('n:allaitée' | 'fr:allait' | 'en:allaite' | 'w:allaitee')"
    assert word.names == ("allaitée",)
    phrase = compiled('"durée de l\'allaitement"')
    assert "('fr:dur' <2> 'fr:allait') | ('en:dure' <1> 'en:de' <1> 'en:allait')" in phrase.match
    assert phrase.names == ()
    assert compiled("allait*").match == "'w:allait':*"
    excluded = compiled("sommeil -nuit")
    assert excluded.match.startswith("(") and " & !(" in excluded.match
    assert compiled("-nuit").rank is None and compiled("").match is None


def test_a_fuzzy_term_becomes_its_neighbours_or_matches_nothing() -> None:
    plan = plan_query(parse_query("allaitemnt"), SnowballAnalysis())
    fuzzy = resolve(plan, lambda matches: False)
    assert any(isinstance(m, FuzzyMatch) for m in fuzzy.required[0])
    found = compile_query(fuzzy, lambda match: ["allaitement"])
    assert found.match == "'w:allaitement'" and not found.nothing
    assert compile_query(fuzzy, lambda match: []).nothing


def test_facets_and_hits_come_from_one_statement() -> None:
    sql, params = search_sql(SearchQuery(text="x", filters={"wave": ["6m"]}), compiled("allaitement"))
    assert sql.count("FROM search_document WHERE") == 1 and sql.count("MATERIALIZED") == 1
    assert "waves && %(filter_0)s::text[]" in sql and params["filter_0"] == ["6m"]


@pytest.fixture(scope="module")
def server(postgres_indexes):
    return postgres_indexes


def test_trigram_bound_never_loses_a_word_within_the_allowed_edits(server, tmp_path: Path) -> None:
    engine = server.engine(tmp_path / "similarity")
    rng = random.Random(7)
    letters = "abcdefghijklmnopqrstuvwxyz0123456789"
    pairs = []
    for _ in range(400):
        word = "".join(rng.choice(letters[:12]) for _ in range(rng.randint(4, 12)))
        distance = 1 if len(word) < 8 else 2
        other = list(word)
        for _ in range(distance):
            at = rng.randrange(len(other))
            action = rng.choice("sid")
            if action == "s":
                other[at] = rng.choice(letters[:12])
            elif action == "i":
                other.insert(at, rng.choice(letters[:12]))
            elif len(other) > 1:
                del other[at]
        pairs.append((word, "".join(other), distance))
    with engine.connect() as connection:
        for word, other, distance in pairs:
            similarity = connection.exec_driver_sql("SELECT similarity(%s, %s)", (word, other)).scalar()
            threshold = fuzzy_threshold(word, distance)
            assert threshold is None or similarity >= threshold * 0.999, (word, other, similarity, threshold)


def test_queries_are_answered_through_the_gin_index(server, tmp_path: Path) -> None:
    backend = server.backend(tmp_path / "plans")
    backend.rebuild(generate_documents(3000))
    sql, params = search_sql(SearchQuery(text="allaitement"), compiled("allaitement enfant"))
    with backend.engine.begin() as connection:
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")  # a small table: show it can use it
        plan = "\n".join(row[0] for row in connection.exec_driver_sql("EXPLAIN " + sql, params))
    assert "Bitmap Index Scan on ix_search_document_terms" in plan, plan


def test_a_rebuild_swaps_in_a_new_table_and_readers_never_wait_for_it(
    server, tmp_path: Path, documents
) -> None:
    backend = server.backend(tmp_path / "swap")
    backend.rebuild([d for d in documents if d.study == "naissance"])
    with backend.engine.connect() as connection:
        indexes = sorted(
            connection.exec_driver_sql(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'search_document'"
            ).all()
        )
    halfway, resume = threading.Event(), threading.Event()

    def slow_documents():
        yield from documents[:3]
        halfway.set()
        assert resume.wait(30)
        yield from documents[3:]

    rebuilding = threading.Thread(target=backend.rebuild, args=(slow_documents(),))
    rebuilding.start()
    assert halfway.wait(30)
    reader = server.backend(tmp_path / "swap")
    before = reader.search(SearchQuery(text="sleep", limit=100))  # answers at once, from the old table
    assert {hit.study for hit in before.hits} == {"naissance"}
    with pytest.raises(IndexBusy):
        reader.replace_study("petitpas", "published", [])
    resume.set()
    rebuilding.join(30)
    after = reader.search(SearchQuery(text="sleep", limit=100))
    assert {hit.study for hit in after.hits} == {"naissance", "petitpas"}
    with backend.engine.connect() as connection:
        assert (
            sorted(
                connection.exec_driver_sql(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'search_document'"
                ).all()
            )
            == indexes
        )
        assert connection.exec_driver_sql("SELECT to_regclass('search_document_next')").scalar() is None


def test_hosts_share_one_writer_lock_and_one_mark(server, tmp_path: Path) -> None:
    url = server.database_url(tmp_path / "hosts")
    from catalogue.store.db import make_engine

    first, second = make_engine(url), make_engine(url)  # two hosts: two engines, two pools
    one, other = PostgresCoordination(first), PostgresCoordination(second)
    with one.writer_lock(wait=False) as held:
        assert held
        with other.writer_lock(wait=False) as also:
            assert not also
        released = threading.Event()
        waited: list[bool] = []

        def wait_for_lock() -> None:
            with other.writer_lock(wait=True) as got:
                waited.append(got and released.is_set())

        waiting = threading.Thread(target=wait_for_lock)
        waiting.start()
        waiting.join(0.3)
        assert waiting.is_alive()  # blocked while the first host writes
        released.set()
    waiting.join(30)
    assert waited == [True]
    assert other.last_generation() == 0
    one.set_generation(41)
    one.set_generation(42)
    assert other.last_generation() == 42
    assert PostgresCoordination(second, backend="other").last_generation() == 0
    first.dispose()
    second.dispose()
