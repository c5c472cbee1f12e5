"""PostgreSQL full-text search: the backend for deployments where several hosts share one PostgreSQL.

Documents live in the catalogue's database, in tables of their own (`search_document`, `search_word`,
created by migration 0003 on PostgreSQL only): the index is derived data, rebuilt from the catalogue's
tables whenever needed. Each document row holds its facets as columns and arrays, its hit payload, and one
pre-analysed `tsvector` (see `search.postgres_terms`) under a GIN index; fuzzy words are looked up with
`pg_trgm` in the vocabulary of unstemmed words. A search is one statement: the matches are gathered once,
then counted per facet value and ranked for the page.

One writer at a time: every write takes a transaction-level advisory lock and fails with `IndexBusy` when
another transaction holds it. Readers see the last committed state of each study (MVCC); a rebuild fills a
shadow table and swaps it in, so readers never wait for it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine

from search.analysis import SnowballAnalysis
from search.base import (
    IndexEntry,
    Progress,
    SearchDocument,
    SearchQuery,
    SearchResult,
    State,
    Visibility,
)
from search.errors import IndexBusy, SearchBackendUnavailable
from search.highlight import Marker, edit_distance
from search.layout import StoredHit, by_count, checked_documents, facet_values, payload, sort_key
from search.plan import FieldMatch, FuzzyMatch, ResolvedQuery, check_query, plan_query, resolve
from search.postgres_terms import RANK_WEIGHTS, CompiledQuery, compile_group, compile_query, document_terms
from search.query import parse_query

TABLE = "search_document"
WORDS_TABLE = "search_word"
SHADOW_SUFFIX = "_next"
# Every write holds this transaction-level advisory lock ("ddicat" search writer).
WRITE_LOCK_KEY = 0x6464_6963_6174_0001
COLUMNS: tuple[str, ...] = (
    "key",
    "study",
    "state",
    "urn",
    "type",
    "waves",
    "langs",
    "representation",
    "data_source",
    "concepts",
    "ages",
    "name_exact",
    "sort_key",
    "terms",
    "payload",
)
# Each facet's column, and whether it holds several values (an array).
FACET_COLUMNS: dict[str, tuple[str, bool]] = {
    "study": ("study", False),
    "wave": ("waves", True),
    "type": ("type", False),
    "lang": ("langs", True),
    "representation": ("representation", False),
    "data_source": ("data_source", False),
    "concept": ("concepts", True),
}
FACET_COLUMNS_BY_NAME: dict[str, bool] = dict(FACET_COLUMNS.values())
# Several-valued facets are grouped by their whole array, then spread over the values: arrays joined with it.
COMBINATION_SEPARATOR = "\x1f"
# Planner settings of a search's transaction: the GIN index for any text (PostgreSQL's estimate of a
# tsquery's matches is rough, and a sequential scan of wide rows is ten times slower), room to group in
# memory.
SEARCH_SETTINGS: dict[str, str] = {"work_mem": "64MB"}
TEXT_SEARCH_SETTINGS: dict[str, str] = {"enable_seqscan": "off"}
NAME_SCORE = 1000.0
PROGRESS_EVERY = 1_000
ENTRIES_BATCH = 5_000
# Trigram similarity can only drop by so much per edit: each edit removes at most 3 of the word's distinct
# trigrams and adds at most 3 (see `fuzzy_threshold`).
TRIGRAMS_PER_EDIT = 3


class PostgresBackend:
    """`SearchBackend` on the catalogue's PostgreSQL database."""

    name = "postgres"

    def __init__(self, engine: Engine) -> None:
        if engine.dialect.name != "postgresql":
            raise SearchBackendUnavailable(
                "the postgres search backend needs the catalogue on PostgreSQL "
                f"(DDICAT_DATABASE_URL is {engine.dialect.name}): choose tantivy or whoosh"
            )
        self.engine = engine
        self.analysis = SnowballAnalysis()

    # Writing

    def replace_study(self, study: str, state: State, documents: Iterable[SearchDocument]) -> int:
        with self._writing() as connection:
            connection.exec_driver_sql(
                f"DELETE FROM {TABLE} WHERE study = %(study)s AND state = %(state)s",
                {"study": study, "state": state},
            )
            return self._copy(connection, TABLE, checked_documents(documents, study, state), None)

    def delete_study(self, study: str, state: State | None = None) -> None:
        with self._writing() as connection:
            if state is None:
                connection.exec_driver_sql(f"DELETE FROM {TABLE} WHERE study = %(study)s", {"study": study})
            else:
                connection.exec_driver_sql(
                    f"DELETE FROM {TABLE} WHERE study = %(study)s AND state = %(state)s",
                    {"study": study, "state": state},
                )

    def rebuild(self, documents: Iterable[SearchDocument], progress: Progress | None = None) -> int:
        """Fill a shadow table, index it, then swap it in: readers keep the old table until the commit."""
        shadow = TABLE + SHADOW_SUFFIX
        with self._writing() as connection:
            indexes = connection.exec_driver_sql(
                "SELECT indexname, indexdef FROM pg_indexes "
                "WHERE schemaname = current_schema() AND tablename = %(table)s",
                {"table": TABLE},
            ).all()
            connection.exec_driver_sql(f"DROP TABLE IF EXISTS {shadow}")
            connection.exec_driver_sql(f"CREATE TABLE {shadow} (LIKE {TABLE} INCLUDING DEFAULTS)")
            connection.exec_driver_sql(f"DELETE FROM {WORDS_TABLE}")
            count = self._copy(connection, shadow, documents, progress)
            for name, definition in indexes:
                connection.exec_driver_sql(_shadow_index(definition, name, shadow))
            connection.exec_driver_sql(f"ANALYZE {shadow}")
            connection.exec_driver_sql(f"DROP TABLE {TABLE}")
            connection.exec_driver_sql(f"ALTER TABLE {shadow} RENAME TO {TABLE}")
            for name, _definition in indexes:
                connection.exec_driver_sql(f"ALTER INDEX {name + SHADOW_SUFFIX} RENAME TO {name}")
            return count

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        """A write transaction holding the writer's advisory lock, or `IndexBusy` at once."""
        with self.engine.begin() as connection:
            held = connection.exec_driver_sql(
                "SELECT pg_try_advisory_xact_lock(%(key)s)", {"key": WRITE_LOCK_KEY}
            ).scalar()
            if not held:
                raise IndexBusy("another process is writing the PostgreSQL search index")
            yield connection

    def _copy(
        self,
        connection: Connection,
        table: str,
        documents: Iterable[SearchDocument],
        progress: Progress | None,
    ) -> int:
        """Stream the documents into `table` with COPY; add their words to the vocabulary."""
        driver = connection.connection.driver_connection
        assert driver is not None
        vocabulary: set[str] = set()
        count = 0
        with driver.cursor() as cursor:
            with cursor.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for document in documents:
                    row, words = document_row(document)
                    copy.write_row(row)
                    vocabulary |= words
                    count += 1
                    if progress and count % PROGRESS_EVERY == 0:
                        progress(PROGRESS_EVERY)
            if vocabulary:
                cursor.execute(
                    f"INSERT INTO {WORDS_TABLE} (word) SELECT unnest(%(words)s::text[]) "
                    "ON CONFLICT DO NOTHING",
                    {"words": sorted(vocabulary)},
                )
        if progress and count % PROGRESS_EVERY:
            progress(count % PROGRESS_EVERY)
        return count

    # Reading

    def search(self, query: SearchQuery) -> SearchResult:
        check_query(query)
        with self.engine.connect() as connection:
            plan = plan_query(parse_query(query.text), self.analysis)
            resolved = resolve(plan)
            visible, visible_params = visibility_sql(query.visibility)
            total, facets, stored = self._run(connection, query, resolved)
            if plan.may_need_fuzzy(total):
                fuzzy = resolve(
                    plan, lambda matches: self._matches_any(connection, matches, visible, visible_params)
                )
                if fuzzy.required != resolved.required:
                    resolved = fuzzy
                    total, facets, stored = self._run(connection, query, resolved)
        marker = Marker(resolved.highlighting, self.analysis)
        hits = [found.hit(score, marker.hit(found)) for found, score in stored]
        return SearchResult(hits=hits, total=total, facets=facets)

    def _run(
        self, connection: Connection, query: SearchQuery, resolved: ResolvedQuery
    ) -> tuple[int, dict[str, dict[str, int]], list[tuple[StoredHit, float]]]:
        """The total, the facet counts and the page's stored hits with their scores."""
        compiled = compile_query(resolved, self._fuzzy_words(connection))
        if compiled.nothing:
            return 0, {name: {} for name in query.facets}, []
        settings = {**SEARCH_SETTINGS, **(TEXT_SEARCH_SETTINGS if compiled.match is not None else {})}
        connection.exec_driver_sql(
            "SELECT "
            + ", ".join(f"set_config('{name}', '{value}', true)" for name, value in settings.items())
        )
        sql, params = search_sql(query, compiled)
        grouped: list[tuple[int, str | None, int]] = []
        ranked: list[tuple[int, str, float]] = []
        for part, mask, value, count, stored, score in connection.exec_driver_sql(sql, params):
            if part == 1:
                grouped.append((mask, value, count))
            else:
                ranked.append((count, stored, score))
        total, facets = facet_counts(grouped, query.facets)
        stored = [(StoredHit.parse(payload), float(score)) for _at, payload, score in sorted(ranked)]
        return total, facets, stored

    def _fuzzy_words(self, connection: Connection) -> Callable[[FuzzyMatch], list[str]]:
        @cache
        def near(match: FuzzyMatch) -> list[str]:
            return vocabulary_near(connection, match.term, match.distance)

        return near

    def _matches_any(
        self, connection: Connection, matches: tuple[FieldMatch, ...], visible: str, params: dict[str, Any]
    ) -> bool:
        alternatives = compile_group(matches, self._fuzzy_words(connection))
        if not alternatives:
            return False
        found = connection.exec_driver_sql(
            f"SELECT 1 FROM {TABLE} WHERE {visible} AND terms @@ %(probe)s::tsquery LIMIT 1",
            {**params, "probe": " | ".join(alternatives)},
        ).first()
        return found is not None

    def counts(self) -> dict[tuple[str, str, str], int]:
        with self.engine.connect() as connection:
            rows = connection.exec_driver_sql(
                f"SELECT study, state, type, count(*) FROM {TABLE} GROUP BY study, state, type"
            )
            return {(study, state, item_type): count for study, state, item_type, count in rows}

    def entries(self) -> Iterator[IndexEntry]:
        with self.engine.connect() as connection:
            rows = connection.execution_options(stream_results=True, yield_per=ENTRIES_BATCH).exec_driver_sql(
                f"SELECT study, state, urn, type, waves FROM {TABLE}"
            )
            for study, state, urn, item_type, waves in rows:
                yield IndexEntry(study, state, urn, item_type, tuple(waves))

    def close(self) -> None:
        """Nothing to release: the engine belongs to the caller (the runtime)."""


def document_row(document: SearchDocument) -> tuple[tuple[object, ...], set[str]]:
    """A document as a row of `search_document` (COLUMNS order), and its unstemmed words."""
    terms, words = document_terms(document)
    facets = facet_values(document)
    return (
        document.key,
        document.study,
        document.state,
        document.urn,
        document.type,
        facets["wave"],
        facets["lang"],
        _single(facets["representation"]),
        _single(facets["data_source"]),
        facets["concept"],
        [float(age) for age in document.ages_months],
        document.name.lower(),
        sort_key(document).replace("\x00", "\x01"),  # PostgreSQL text holds no NUL; \x01 sorts the same
        terms,
        payload(document),
    ), words


def _single(values: list[str]) -> str | None:
    return values[0] if values else None


def visibility_sql(visibility: Visibility) -> tuple[str, dict[str, Any]]:
    """Published documents, except the drafts' studies whose draft documents are shown instead."""
    if not visibility.draft_studies:
        return "state = 'published'", {}
    drafts = sorted(visibility.draft_studies)
    return (
        "((state = 'draft' AND study = ANY(%(drafts)s)) "
        "OR (state = 'published' AND NOT study = ANY(%(drafts)s)))",
        {"drafts": drafts},
    )


def filters_sql(query: SearchQuery) -> tuple[list[str], dict[str, Any]]:
    """The query's visibility, facet filters, language and age range as SQL conditions."""
    visible, params = visibility_sql(query.visibility)
    conditions = [visible]
    for index, (facet, values) in enumerate(query.filters.items()):
        if not values:
            continue
        column, multiple = FACET_COLUMNS[facet]
        name = f"filter_{index}"
        params[name] = list(values)
        conditions.append(f"{column} && %({name})s::text[]" if multiple else f"{column} = ANY(%({name})s)")
    if query.lang:
        params["lang"] = query.lang
        conditions.append("%(lang)s = ANY(langs)")
    bounds = []
    if query.age_min_months is not None:
        params["age_min"] = float(query.age_min_months)
        bounds.append("age >= %(age_min)s")
    if query.age_max_months is not None:
        params["age_max"] = float(query.age_max_months)
        bounds.append("age <= %(age_max)s")
    if bounds:
        conditions.append(f"EXISTS (SELECT 1 FROM unnest(ages) AS age WHERE {' AND '.join(bounds)})")
    return conditions, params


def search_sql(query: SearchQuery, compiled: CompiledQuery) -> tuple[str, dict[str, Any]]:
    """One statement: the matches gathered once (scored on the way), then counted in one grouping pass
    (part 1: the total and each facet's values, several-valued facets by combination), and the page (2)."""
    conditions, params = filters_sql(query)
    if compiled.match is not None:
        params["match"] = compiled.match
        conditions.append("terms @@ %(match)s::tsquery")
    if query.sort == "relevance" and compiled.rank is not None:
        params["rank"] = compiled.rank
        params["weights"] = list(RANK_WEIGHTS)
        score = "ts_rank(%(weights)s::float4[], terms, %(rank)s::tsquery)"
        if compiled.names:
            params["names"] = list(compiled.names)
            score += f" + CASE WHEN name_exact = ANY(%(names)s) THEN {NAME_SCORE} ELSE 0 END"
        order, ordered = "score DESC, address", []
    elif query.sort == "name":
        score, order, ordered = "0", "sort_key, address", ["sort_key"]
    else:
        score, order, ordered = "0", "address", []
    columns = facet_columns(query.facets)
    gathered = ", ".join(["ctid AS address", *columns, f"({score})::float8 AS score", *ordered])
    if columns:
        shown = ", ".join(
            f"array_to_string({column}, '{COMBINATION_SEPARATOR}')" if multiple else column
            for column, multiple in ((c, FACET_COLUMNS_BY_NAME[c]) for c in columns)
        )
        value = f"COALESCE({shown})" if len(columns) > 1 else shown
        sets = ", ".join(f"({column})" for column in columns)
        parts = [
            f"SELECT 1 AS part, GROUPING({', '.join(columns)}) AS mask, {value} AS value, count(*) AS n, "
            f"NULL::text AS payload, NULL::float8 AS score FROM matched GROUP BY GROUPING SETS ({sets}, ())"
        ]
    else:
        parts = [
            "SELECT 1 AS part, 0 AS mask, NULL::text AS value, count(*) AS n, NULL::text AS payload, "
            "NULL::float8 AS score FROM matched"
        ]
    if query.limit > 0:
        params["limit"] = query.limit
        params["offset"] = query.offset
        parts.append(
            "SELECT 2, NULL, NULL, top.position, document.payload, top.score FROM ("
            f"SELECT address, score, row_number() OVER (ORDER BY {order}) AS position FROM ("
            f"SELECT address, score{''.join(', ' + c for c in ordered)} FROM matched "
            f"ORDER BY {order} LIMIT %(limit)s OFFSET %(offset)s) AS page) AS top "
            f"JOIN {TABLE} AS document ON document.ctid = top.address"
        )
    sql = (
        f"WITH matched AS MATERIALIZED (SELECT {gathered} FROM {TABLE} WHERE {' AND '.join(conditions)}) "
        + " UNION ALL ".join(parts)
    )
    return sql, params


def facet_columns(facets: Iterable[str]) -> list[str]:
    """The columns counting `facets`, in a fixed order (the grouping mask reads them in that order)."""
    return list(dict.fromkeys(FACET_COLUMNS[name][0] for name in facets))


def facet_counts(
    rows: Iterable[tuple[int, str | None, int]], facets: Iterable[str]
) -> tuple[int, dict[str, dict[str, int]]]:
    """The total and the counts per facet value from the grouping rows (mask, value, count): a row grouped
    by one column has that column's bit clear in the mask; the row of the empty grouping set is the total."""
    names = list(facets)
    columns = facet_columns(names)
    everything = (1 << len(columns)) - 1
    facet_of = {everything ^ (1 << (len(columns) - 1 - i)): column for i, column in enumerate(columns)}
    by_column: dict[str, dict[str, int]] = {column: {} for column in columns}
    total = 0
    for mask, value, count in rows:
        if mask == everything or not columns:
            total = count
            continue
        column = facet_of[mask]
        if not value:
            continue
        counts = by_column[column]
        for one in value.split(COMBINATION_SEPARATOR) if FACET_COLUMNS_BY_NAME[column] else (value,):
            counts[one] = counts.get(one, 0) + count
    return total, {name: by_count(by_column[FACET_COLUMNS[name][0]]) for name in names}


def fuzzy_threshold(word: str, distance: int) -> float | None:
    """The lowest trigram similarity a word within `distance` edits of `word` can have, or None when
    trigrams cannot narrow the search (too short a word, or letters pg_trgm may not count as such)."""
    if not word.isascii():
        return None
    padded = f"  {word} "
    trigrams = len({padded[i : i + 3] for i in range(len(padded) - 2)})
    kept = trigrams - TRIGRAMS_PER_EDIT * distance
    if kept <= 0:
        return None
    return kept / (trigrams + TRIGRAMS_PER_EDIT * distance)


def vocabulary_near(connection: Connection, word: str, distance: int) -> list[str]:
    """The indexed words within `distance` edits of `word` (plain Levenshtein, as every engine counts)."""
    threshold = fuzzy_threshold(word, distance)
    params: dict[str, Any] = {"word": word, "shortest": len(word) - distance, "longest": len(word) + distance}
    length = "length(word) BETWEEN %(shortest)s AND %(longest)s"
    if threshold is None:
        rows = connection.exec_driver_sql(f"SELECT word FROM {WORDS_TABLE} WHERE {length}", params)
    else:
        connection.exec_driver_sql(
            "SELECT set_config('pg_trgm.similarity_threshold', %(threshold)s, true)",
            {"threshold": f"{threshold * 0.999:.6f}"},
        )
        rows = connection.exec_driver_sql(
            f"SELECT word FROM {WORDS_TABLE} WHERE word %% %(word)s AND {length}", params
        )
    return sorted(candidate for (candidate,) in rows if edit_distance(candidate, word, distance) <= distance)


def _shadow_index(definition: str, name: str, shadow: str) -> str:
    """An index definition of the live table, for the shadow table under the shadow name."""
    head, separator, tail = definition.partition(f" INDEX {name} ON ")
    table, space, rest = tail.partition(" ")
    schema = table.rsplit(".", 1)[0] + "." if "." in table else ""
    if not separator or table.rsplit(".", 1)[-1] != TABLE:
        raise SearchBackendUnavailable(f"unexpected index definition on {TABLE}: {definition}")
    return f"{head} INDEX {name + SHADOW_SUFFIX} ON {schema}{shadow}{space}{rest}"


def open_postgres(index_dir: Path, *, engine: Engine | None = None, **_: object) -> PostgresBackend:
    """The registry's factory: the catalogue's engine is the index (the folder is not used)."""
    if engine is None:
        raise SearchBackendUnavailable(
            "the postgres search backend needs the catalogue's PostgreSQL database: set DDICAT_DATABASE_URL "
            "to a postgresql+psycopg:// URL"
        )
    return PostgresBackend(engine)
