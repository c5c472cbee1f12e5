"""The default search backend: a tantivy index in a local directory.

One writer at a time: the backend opens tantivy's `IndexWriter` for each write, commits once and releases
it (another process holding it makes the write fail with `IndexBusy`). Readers reload only when a new
commit exists, which a `stat` of `meta.json` tells cheaply before each search.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Any

import tantivy
from tantivy import Filter, Occur, Query, TextAnalyzer, TextAnalyzerBuilder, Tokenizer

from search.analysis import (
    ANALYZED_LANGUAGES,
    MAX_TOKEN_BYTES,
    STEMMER_LANGUAGES,
    STOP_WORDS,
    UNSTEMMED_STOP_WORDS,
    Token,
    prepare,
)
from search.base import (
    FACETS,
    IndexEntry,
    Progress,
    SearchDocument,
    SearchHit,
    SearchQuery,
    SearchResult,
    State,
)
from search.errors import IndexBusy, SearchBackendUnavailable
from search.highlight import Marker
from search.layout import (
    AGES_FIELD,
    LANGUAGE_TEXT_FIELDS,
    NAME_FIELD,
    PAYLOAD_FIELD,
    SORT_FIELD,
    STATE_FIELD,
    WORDS_FIELD,
    StoredHit,
    by_count,
    checked_documents,
    document_texts,
    facet_values,
    layout_dir,
    payload,
    sort_key,
    stale_layout_dirs,
)
from search.plan import (
    FUZZY_TRANSPOSITIONS,
    FieldMatch,
    FuzzyMatch,
    NameMatch,
    PhraseMatch,
    PrefixMatch,
    ResolvedQuery,
    TermMatch,
    check_query,
    plan_query,
    resolve,
)
from search.query import parse_query

WORDS_TOKENIZER = "ddicat_words"
# Columns only counted or sorted on (the sort key, the facets' combinations): their values go to the fast
# column whole and nothing to the inverted index, where a term per document would cost a fifth of the build.
COLUMN_ONLY = "ddicat_column_only"
LANGUAGE_TOKENIZERS: dict[str, str] = {lang: f"ddicat_{lang}" for lang in ANALYZED_LANGUAGES}
# Facet values returned per facet at most; tantivy counts them exactly below this.
FACET_VALUES_LIMIT = 10_000
# Multi-valued facets may be counted on one column holding each document's combination of values (counting a
# single-valued column is several times faster), then spread over the values. That pays while documents
# share few combinations (languages: fr+en on most); when they are many (questions asked at many different
# sets of waves), returning thousands of combination buckets costs more than it saves, and the plain
# multi-valued column is counted: the index's own cardinalities decide, once per reader generation.
COMBINED_FACETS: tuple[str, ...] = ("wave", "lang", "concept")
COMBINATIONS_PER_VALUE = 2
COMBINATIONS_LIMIT = 5_000
COMBINATION_SEPARATOR = "\x1f"
PREFIX_TERM_SET_LIMIT = 64
# The aggregation that counts every match when the study facet is not asked for (one state per document).
TOTAL = "ddicat_total"
REGEX_SPECIAL = frozenset("\\.+*?()|[]{}^$#&-~")
WRITER_HEAP_BYTES = 256_000_000
PROGRESS_EVERY = 1_000
# Threads counting facets beside the searches that ask for them (tantivy counts without the GIL).
COUNTING_THREADS = 4


def text_analyzer(lang: str | None) -> TextAnalyzer:
    """The chain of `search.analysis` for `lang`, or the unstemmed one for None, built natively.

    It expects prepared text (`search.analysis.prepare`): elisions blanked, NFKC.
    """
    builder = TextAnalyzerBuilder(Tokenizer.simple())
    builder = builder.filter(Filter.remove_long(MAX_TOKEN_BYTES)).filter(Filter.lowercase())
    if lang is None:
        builder = builder.filter(Filter.custom_stopword(sorted(UNSTEMMED_STOP_WORDS)))
    else:
        builder = builder.filter(Filter.custom_stopword(sorted(STOP_WORDS[lang])))
        builder = builder.filter(Filter.stemmer(STEMMER_LANGUAGES[lang]))
    return builder.filter(Filter.ascii_fold()).build()


def build_schema() -> tantivy.Schema:
    """Per-language text fields, the unstemmed field, exact facet fields (fast), ages, the stored payload."""
    builder = tantivy.SchemaBuilder()
    for name in (STATE_FIELD, *FACETS):
        builder.add_text_field(name, fast=True, tokenizer_name="raw", index_option="basic")
    for name in COMBINED_FACETS:
        builder.add_text_field(_combined(name), fast=True, tokenizer_name=COLUMN_ONLY, index_option="basic")
    builder.add_text_field(NAME_FIELD, tokenizer_name="raw", index_option="basic")
    builder.add_text_field(SORT_FIELD, fast=True, tokenizer_name=COLUMN_ONLY, index_option="basic")
    for field_name in LANGUAGE_TEXT_FIELDS:
        builder.add_text_field(field_name, tokenizer_name=LANGUAGE_TOKENIZERS[field_name.rsplit("_", 1)[1]])
    builder.add_text_field(WORDS_FIELD, tokenizer_name=WORDS_TOKENIZER)
    builder.add_float_field(AGES_FIELD, indexed=True)
    builder.add_bytes_field(PAYLOAD_FIELD, stored=True)
    return builder.build()


class TantivyAnalysis:
    """tantivy's own analysers, for query planning and highlighting; analysed texts are cached."""

    def __init__(self, cache_size: int = 32768) -> None:
        self._analyzers = {lang: text_analyzer(lang) for lang in ANALYZED_LANGUAGES}
        self._words = text_analyzer(None)
        self._stemmed = lru_cache(maxsize=cache_size)(self._run_stemmed)
        self._unstemmed = lru_cache(maxsize=cache_size)(self._run_unstemmed)

    def stemmed(self, text: str, lang: str) -> Sequence[Token]:
        return self._stemmed(prepare(text), lang)

    def unstemmed(self, text: str) -> Sequence[Token]:
        return self._unstemmed(prepare(text))

    def _run_stemmed(self, text: str, lang: str) -> tuple[Token, ...]:
        return _tokens(self._analyzers[lang], text)

    def _run_unstemmed(self, text: str) -> tuple[Token, ...]:
        return _tokens(self._words, text)


def _tokens(analyzer: TextAnalyzer, text: str) -> tuple[Token, ...]:
    return tuple(
        Token(t.text, t.position, t.char_offset_from, t.char_offset_to)
        for t in analyzer.pre_tokenize(text).tokens
    )


class TantivyBackend:
    """`SearchBackend` on a tantivy index kept in `<index_dir>/layout-<version>/`."""

    name = "tantivy"

    def __init__(self, index_dir: Path, *, heap_bytes: int = WRITER_HEAP_BYTES, threads: int = 0) -> None:
        self.index_dir = Path(index_dir)
        self.path = layout_dir(self.index_dir)
        self.heap_bytes = heap_bytes
        self.threads = threads
        self.schema = build_schema()
        self.analysis = TantivyAnalysis()
        self._index: tantivy.Index | None = None
        self._seen: tuple[int, int, int] | None = None
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None
        self._columns: dict[str, str] = {}

    # Writing

    def replace_study(self, study: str, state: State, documents: Iterable[SearchDocument]) -> int:
        def write(writer: tantivy.IndexWriter) -> int:
            writer.delete_documents_by_query(self._study_query(study, state))
            return self._add_all(writer, checked_documents(documents, study, state), None)

        return self._write(write)

    def delete_study(self, study: str, state: State | None = None) -> None:
        if self._open(create=False) is not None:
            self._write(lambda writer: writer.delete_documents_by_query(self._study_query(study, state)))

    def rebuild(self, documents: Iterable[SearchDocument], progress: Progress | None = None) -> int:
        def write(writer: tantivy.IndexWriter) -> int:
            writer.delete_all_documents()
            return self._add_all(writer, documents, progress)

        count = self._write(write)
        for stale in stale_layout_dirs(self.index_dir):
            shutil.rmtree(stale, ignore_errors=True)
        return count

    def _write(self, action: Callable[[tantivy.IndexWriter], int]) -> int:
        index = self._open(create=True)
        assert index is not None
        try:
            writer = index.writer(heap_size=self.heap_bytes, num_threads=self.threads)
        except ValueError as error:
            if "LockBusy" in str(error):
                raise IndexBusy(f"another process is writing the search index in {self.path}") from error
            raise
        try:
            result = action(writer)
            writer.commit()
        except BaseException:
            writer.rollback()
            raise
        finally:
            writer.wait_merging_threads()
        with self._lock:
            self._refresh(index)
        return result

    def _add_all(
        self, writer: tantivy.IndexWriter, documents: Iterable[SearchDocument], progress: Progress | None
    ) -> int:
        count = 0
        add = writer.add_document
        for document in documents:
            add(self._document(document))
            count += 1
            if progress and count % PROGRESS_EVERY == 0:
                progress(PROGRESS_EVERY)
        if progress and count % PROGRESS_EVERY:
            progress(count % PROGRESS_EVERY)
        return count

    @staticmethod
    def _document(source: SearchDocument) -> tantivy.Document:
        """The layout's fields of one document (`search.layout`), added straight to a tantivy document."""
        document = tantivy.Document()
        add_text = document.add_text
        texts, words = document_texts(source)
        add_text(STATE_FIELD, source.state)
        add_text(SORT_FIELD, sort_key(source))
        add_text(WORDS_FIELD, words)
        if source.name:
            add_text(NAME_FIELD, source.name.lower())
        for field_name, text in texts.items():
            add_text(field_name, text)
        for facet, values in facet_values(source).items():
            for value in values:
                add_text(facet, value)
            if values and facet in COMBINED_FACETS:
                add_text(
                    _combined(facet),
                    values[0] if len(values) == 1 else COMBINATION_SEPARATOR.join(sorted(values)),
                )
        for age in source.ages_months:
            document.add_float(AGES_FIELD, float(age))
        document.add_bytes(PAYLOAD_FIELD, payload(source).encode())
        return document

    # Reading

    def search(self, query: SearchQuery) -> SearchResult:
        check_query(query)
        searcher = self._searcher()
        if searcher is None:
            return SearchResult(hits=[], total=0, facets={name: {} for name in query.facets})
        visible = self._visibility(query.visibility.draft_studies)
        filters = self._filters(query, visible)
        plan = plan_query(parse_query(query.text), self.analysis)
        resolved = resolve(plan)
        final = self._final(searcher, resolved, filters)
        total, facets, hits = self._answer(searcher, final, query, resolved)
        if plan.may_need_fuzzy(total):
            fuzzy = resolve(plan, lambda matches: self._matches_any(searcher, matches, visible))
            if fuzzy.required != resolved.required:
                final = self._final(searcher, fuzzy, filters)
                total, facets, hits = self._answer(searcher, final, query, fuzzy)
        return SearchResult(hits=hits, total=total, facets=facets)

    def _answer(
        self, searcher: tantivy.Searcher, final: Query, query: SearchQuery, resolved: ResolvedQuery
    ) -> tuple[int, dict[str, dict[str, int]], list[SearchHit]]:
        """The total and facet counts (counted in another thread: tantivy releases the GIL, so on two
        cores the counting overlaps the top hits, their stored payloads and highlighting) and the page."""
        if query.limit == 0:
            return *self._facets(searcher, final, query.facets), []
        counting = self._counting().submit(self._facets, searcher, final, query.facets)
        # the total comes with the facet counts: the top hits need no count, so tantivy may skip blocks
        if query.sort == "name":
            found = searcher.search(
                final,
                query.limit,
                count=False,
                order_by_field=SORT_FIELD,
                offset=query.offset,
                order=tantivy.Order.Asc,
            )
        else:
            found = searcher.search(final, query.limit, count=False, offset=query.offset)
        marker = Marker(resolved.highlighting, self.analysis)
        relevance = query.sort == "relevance"
        hits = []
        for score, address in found.hits:
            stored = StoredHit.parse(searcher.doc(address)[PAYLOAD_FIELD][0])
            hits.append(stored.hit(float(score) if relevance else 0.0, marker.hit(stored)))
        total, facets = counting.result()
        return total, facets, hits

    def _counting(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(COUNTING_THREADS, thread_name_prefix="ddicat-facets")
            return self._pool

    def _final(self, searcher: tantivy.Searcher, resolved: ResolvedQuery, filters: Query) -> Query:
        text_query = self._text_query(searcher, resolved)
        if text_query is None:
            return filters
        return Query.boolean_query([(Occur.Must, text_query), (Occur.Must, filters)])

    def counts(self) -> dict[tuple[str, str, str], int]:
        searcher = self._searcher()
        if searcher is None:
            return {}
        terms = {"size": FACET_VALUES_LIMIT, "segment_size": FACET_VALUES_LIMIT}
        request = {
            "study": {
                "terms": {"field": "study", **terms},
                "aggs": {
                    "state": {
                        "terms": {"field": STATE_FIELD, **terms},
                        "aggs": {"type": {"terms": {"field": "type", **terms}}},
                    }
                },
            }
        }
        result = searcher.aggregate(Query.all_query(), request)
        counts: dict[tuple[str, str, str], int] = {}
        for study in result["study"]["buckets"]:
            for state in study["state"]["buckets"]:
                for item_type in state["type"]["buckets"]:
                    counts[(study["key"], state["key"], item_type["key"])] = item_type["doc_count"]
        return counts

    def entries(self) -> Iterator[IndexEntry]:
        searcher = self._searcher()
        if searcher is None or not searcher.num_docs:
            return
        found = searcher.search(Query.all_query(), searcher.num_docs, count=False)
        for _score, address in found.hits:
            yield StoredHit.parse(bytes(searcher.doc(address)[PAYLOAD_FIELD][0])).entry()

    def close(self) -> None:
        with self._lock:
            self._index = None
            self._seen = None
            if self._pool is not None:
                self._pool.shutdown(wait=False)
                self._pool = None

    def _searcher(self) -> tantivy.Searcher | None:
        with self._lock:
            index = self._open(create=False)
            if index is None:
                return None
            self._refresh(index)
            return index.searcher()

    def _refresh(self, index: tantivy.Index) -> None:
        """Reload the reader when `meta.json` changed since the last reload (a new commit exists)."""
        try:
            stat = os.stat(self.path / "meta.json")
        except FileNotFoundError:
            return
        stamp = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        if stamp != self._seen:
            index.reload()
            self._seen = stamp
            self._columns = {}

    def _open(self, *, create: bool) -> tantivy.Index | None:
        if self._index is not None:
            return self._index
        if not create and not (self.path / "meta.json").is_file():
            return None
        self.path.mkdir(parents=True, exist_ok=True)
        try:
            index = tantivy.Index(self.schema, path=str(self.path), reuse=True)
        except ValueError as error:
            raise SearchBackendUnavailable(
                f"the tantivy index in {self.path} cannot be opened ({error}); "
                "rebuild it with `ddicat reindex`"
            ) from error
        index.register_tokenizer(WORDS_TOKENIZER, text_analyzer(None))
        index.register_tokenizer(
            COLUMN_ONLY, TextAnalyzerBuilder(Tokenizer.raw()).filter(Filter.remove_long(1)).build()
        )
        index.register_fast_field_tokenizer(COLUMN_ONLY, TextAnalyzerBuilder(Tokenizer.raw()).build())
        for lang, tokenizer in LANGUAGE_TOKENIZERS.items():
            index.register_tokenizer(tokenizer, text_analyzer(lang))
        index.config_reader(reload_policy="manual")
        self._index = index
        return index

    # Queries

    def _study_query(self, study: str, state: State | None) -> Query:
        clauses = [(Occur.Must, Query.term_query(self.schema, "study", study))]
        if state is not None:
            clauses.append((Occur.Must, Query.term_query(self.schema, STATE_FIELD, state)))
        return Query.boolean_query(clauses)

    def _visibility(self, draft_studies: frozenset[str]) -> Query:
        published = Query.term_query(self.schema, STATE_FIELD, "published")
        if not draft_studies:
            return published
        drafting = Query.term_set_query(self.schema, "study", sorted(draft_studies))
        return Query.boolean_query(
            [
                (
                    Occur.Should,
                    Query.boolean_query(
                        [
                            (Occur.Must, Query.term_query(self.schema, STATE_FIELD, "draft")),
                            (Occur.Must, drafting),
                        ]
                    ),
                ),
                (Occur.Should, Query.boolean_query([(Occur.Must, published), (Occur.MustNot, drafting)])),
            ]
        )

    def _filters(self, query: SearchQuery, visible: Query) -> Query:
        clauses = [(Occur.Must, visible)]
        for facet, values in query.filters.items():
            if values:
                clauses.append((Occur.Must, Query.term_set_query(self.schema, facet, list(values))))
        if query.lang:
            clauses.append((Occur.Must, Query.term_query(self.schema, "lang", query.lang)))
        if query.age_min_months is not None or query.age_max_months is not None:
            clauses.append(
                (
                    Occur.Must,
                    Query.range_query(
                        self.schema,
                        AGES_FIELD,
                        tantivy.FieldType.Float,
                        None if query.age_min_months is None else float(query.age_min_months),
                        None if query.age_max_months is None else float(query.age_max_months),
                    ),
                )
            )
        return Query.const_score_query(Query.boolean_query(clauses), 0.0)

    def _text_query(self, searcher: tantivy.Searcher, resolved: ResolvedQuery) -> Query | None:
        if not resolved.required and not resolved.excluded:
            return None
        clauses = [(Occur.Must, self._any(searcher, group)) for group in resolved.required]
        if not clauses:
            clauses.append((Occur.Must, Query.all_query()))
        clauses.extend((Occur.MustNot, self._any(searcher, group)) for group in resolved.excluded)
        return Query.boolean_query(clauses)

    def _matches_any(self, searcher: tantivy.Searcher, matches: Sequence[FieldMatch], visible: Query) -> bool:
        probe = Query.boolean_query([(Occur.Must, self._any(searcher, matches)), (Occur.Must, visible)])
        return bool(searcher.search(probe, 1, count=False).hits)

    def _any(self, searcher: tantivy.Searcher, matches: Sequence[FieldMatch]) -> Query:
        compiled = [self._match(searcher, match) for match in matches]
        return (
            compiled[0] if len(compiled) == 1 else Query.boolean_query([(Occur.Should, q) for q in compiled])
        )

    def _match(self, searcher: tantivy.Searcher, match: FieldMatch) -> Query:
        schema = self.schema
        if isinstance(match, NameMatch):
            return Query.const_score_query(Query.term_query(schema, NAME_FIELD, match.name), match.score)
        if isinstance(match, TermMatch):
            query = Query.term_query(schema, match.field, match.term)
        elif isinstance(match, PhraseMatch):
            query = Query.phrase_query(schema, match.field, list(match.terms))
        elif isinstance(match, PrefixMatch):
            # a few terms with that prefix: a term set (cheaper than a regex automaton); many: the automaton
            found = searcher.terms_with_prefix(match.field, match.prefix, limit=PREFIX_TERM_SET_LIMIT + 1)
            if not found:
                return Query.empty_query()
            if len(found) <= PREFIX_TERM_SET_LIMIT:
                query = Query.term_set_query(schema, match.field, [term for term, _ in found])
            else:
                query = Query.regex_query(schema, match.field, _regex_literal(match.prefix) + ".*")
        elif isinstance(match, FuzzyMatch):
            query = Query.fuzzy_term_query(
                schema,
                match.field,
                match.term,
                distance=match.distance,
                transposition_cost_one=FUZZY_TRANSPOSITIONS,
            )
        else:
            raise TypeError(f"unknown match {match!r}")
        return Query.boost_query(query, match.boost) if match.boost != 1.0 else query

    def _facets(
        self, searcher: tantivy.Searcher, query: Query, names: Sequence[str]
    ) -> tuple[int, dict[str, dict[str, int]]]:
        """How many documents match `query` (all filters applied), and how many per value of each facet."""
        columns = {name: self._column(searcher, name) for name in names}
        # every document has one study: its counts add up to the total, else count the states
        counted = "study" if "study" in columns else TOTAL
        buckets = self._buckets(
            searcher, query, columns if counted == "study" else {TOTAL: STATE_FIELD, **columns}
        )
        found = buckets[counted]
        total = sum(bucket["doc_count"] for bucket in found["buckets"]) + found.get("sum_other_doc_count", 0)
        counts: dict[str, dict[str, int]] = {}
        for name in names:
            found = buckets[name]
            combined = columns[name] != name
            if combined and found.get("sum_other_doc_count"):
                found = self._buckets(searcher, query, {name: name})[name]
                spread = {b["key"]: b["doc_count"] for b in found["buckets"]}
            elif combined:
                spread = _spread(found["buckets"])
            else:
                spread = {b["key"]: b["doc_count"] for b in found["buckets"]}
            counts[name] = by_count(spread)
        return total, counts

    def _column(self, searcher: tantivy.Searcher, facet: str) -> str:
        """The column counting `facet`: its combinations column while they are few, else its own."""
        if facet not in COMBINED_FACETS:
            return facet
        column = self._columns.get(facet)
        if column is None:
            everything = Query.all_query()
            combinations = searcher.cardinality(everything, _combined(facet))
            values = searcher.cardinality(everything, facet)
            column = _combined(facet) if combinations <= COMBINATIONS_PER_VALUE * max(values, 1) else facet
            self._columns[facet] = column
        return column

    def _buckets(self, searcher: tantivy.Searcher, query: Query, columns: dict[str, str]) -> dict[str, Any]:
        request = {}
        for name, column in columns.items():
            size = COMBINATIONS_LIMIT if column != name else FACET_VALUES_LIMIT
            request[name] = {"terms": {"field": column, "size": size, "segment_size": size}}
        return searcher.aggregate(query, request)


def _spread(buckets: list[dict[str, Any]]) -> dict[str, int]:
    """Counts per value from counts per combination of values."""
    spread: dict[str, int] = {}
    for bucket in buckets:
        key, count = bucket["key"], bucket["doc_count"]
        if COMBINATION_SEPARATOR in key:
            for value in key.split(COMBINATION_SEPARATOR):
                spread[value] = spread.get(value, 0) + count
        else:
            spread[key] = spread.get(key, 0) + count
    return spread


def _regex_literal(text: str) -> str:
    return "".join("\\" + c if c in REGEX_SPECIAL else c for c in text)


def _combined(facet: str) -> str:
    return f"{facet}_combined"
