"""The pure-Python search backend: a Whoosh (whoosh-reloaded) index in a local directory.

Whoosh indexes with the very chains of `search.analysis`. A new searcher is opened for every request and
never `refresh()`ed (after a merging commit a refreshed searcher returns duplicates); writes use a plain
writer, which fails with `IndexBusy` while another holds the lock.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from whoosh import columns, fields, index, sorting, writing
from whoosh import query as wq
from whoosh.analysis import Token as WhooshToken
from whoosh.analysis import Tokenizer
from whoosh.index import LockError
from whoosh.query.spans import SpanNear
from whoosh.searching import Searcher

from search.analysis import SnowballAnalysis, analyze, analyze_unstemmed, prepare
from search.base import FACETS, IndexEntry, Progress, SearchDocument, SearchQuery, SearchResult, State
from search.errors import IndexBusy
from search.highlight import Marker
from search.layout import (
    AGES_FIELD,
    LANGUAGE_TEXT_FIELDS,
    NAME_FIELD,
    PAYLOAD_FIELD,
    SORT_FIELD,
    STATE_FIELD,
    WORDS_FIELD,
    IndexedDocument,
    StoredHit,
    checked_documents,
    indexed_document,
    layout_dir,
    stale_layout_dirs,
)
from search.plan import (
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

WRITER_LIMIT_MB = 256
PROGRESS_EVERY = 1_000


class ChainTokenizer(Tokenizer):
    """A Whoosh analyser running one chain of `search.analysis` (a language, or None for unstemmed)."""

    def __init__(self, lang: str | None = None) -> None:
        self.lang = lang

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[WhooshToken]:
        token = WhooshToken(positions, chars, removestops=removestops, mode=mode, **kwargs)
        text = prepare(value)
        analysed = analyze(text, self.lang) if self.lang else analyze_unstemmed(text)
        for item in analysed:
            token.text = item.term
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = text[item.start : item.end]
            if positions:
                token.pos = start_pos + item.position
            if chars:
                token.startchar = start_char + item.start
                token.endchar = start_char + item.end
            yield token


class FacetValues(fields.ID):
    """Exact values, several per document, kept in a list column so that Whoosh counts them per match."""

    def __init__(self) -> None:
        super().__init__()
        self.column_type = columns.VarBytesListColumn()

    def to_column_value(self, value: Sequence[str]) -> list[bytes]:
        return [v.encode() for v in value]


def build_schema() -> fields.Schema:
    """The same fields as the tantivy index, in Whoosh types."""
    schema: dict[str, fields.FieldType] = {
        STATE_FIELD: FacetValues(),
        NAME_FIELD: fields.ID(),
        SORT_FIELD: fields.ID(sortable=True),
        WORDS_FIELD: fields.TEXT(analyzer=ChainTokenizer(None), phrase=True),
        AGES_FIELD: fields.NUMERIC(float, bits=64, signed=True),
        PAYLOAD_FIELD: fields.STORED(),
    }
    for facet in FACETS:
        schema[facet] = FacetValues()
    for field_name in LANGUAGE_TEXT_FIELDS:
        schema[field_name] = fields.TEXT(analyzer=ChainTokenizer(field_name.rsplit("_", 1)[1]), phrase=True)
    return fields.Schema(**schema)


class WhooshBackend:
    """`SearchBackend` on a Whoosh index kept in `<index_dir>/layout-<version>/`."""

    name = "whoosh"

    def __init__(self, index_dir: Path, *, limit_mb: int = WRITER_LIMIT_MB) -> None:
        self.index_dir = Path(index_dir)
        self.path = layout_dir(self.index_dir)
        self.limit_mb = limit_mb
        self.analysis = SnowballAnalysis()
        self._index: index.Index | None = None
        self._lock = threading.Lock()

    # Writing

    def replace_study(self, study: str, state: State, documents: Iterable[SearchDocument]) -> int:
        def write(writer: writing.IndexWriter) -> int:
            writer.delete_by_query(self._study_query(study, state))
            return self._add_all(writer, checked_documents(documents, study, state), None)

        return self._write(write)

    def delete_study(self, study: str, state: State | None = None) -> None:
        if self._open(create=False) is not None:
            self._write(lambda writer: writer.delete_by_query(self._study_query(study, state)))

    def rebuild(self, documents: Iterable[SearchDocument], progress: Progress | None = None) -> int:
        count = self._write(
            lambda writer: self._add_all(writer, documents, progress), mergetype=writing.CLEAR
        )
        for stale in stale_layout_dirs(self.index_dir):
            shutil.rmtree(stale, ignore_errors=True)
        return count

    def _write(self, action: Callable[[writing.IndexWriter], int | None], **commit: Any) -> int:
        ix = self._open(create=True)
        assert ix is not None
        try:
            writer = ix.writer(limitmb=self.limit_mb)
        except LockError as error:
            raise IndexBusy(f"another process is writing the search index in {self.path}") from error
        try:
            result = action(writer) or 0
        except BaseException:
            writer.cancel()
            raise
        writer.commit(**commit)
        return result

    def _add_all(
        self, writer: writing.IndexWriter, documents: Iterable[SearchDocument], progress: Progress | None
    ) -> int:
        count = 0
        for document in documents:
            writer.add_document(**self._fields(indexed_document(document)))
            count += 1
            if progress and count % PROGRESS_EVERY == 0:
                progress(PROGRESS_EVERY)
        if progress and count % PROGRESS_EVERY:
            progress(count % PROGRESS_EVERY)
        return count

    def _fields(self, indexed: IndexedDocument) -> dict[str, object]:
        values: dict[str, object] = {
            STATE_FIELD: [indexed.state],
            SORT_FIELD: indexed.sort_key,
            WORDS_FIELD: indexed.words,
            PAYLOAD_FIELD: indexed.payload,
            **indexed.texts,
        }
        if indexed.ages_months:
            values[AGES_FIELD] = indexed.ages_months
        if indexed.name:
            values[NAME_FIELD] = indexed.name
        for facet, facet_values in indexed.facets.items():
            if facet_values:
                values[facet] = facet_values
        return values

    # Reading

    def search(self, query: SearchQuery) -> SearchResult:
        check_query(query)
        ix = self._open(create=False)
        if ix is None:
            return SearchResult(hits=[], total=0, facets={name: {} for name in query.facets})
        with ix.searcher() as searcher:
            visible = self._visibility(query.visibility.draft_studies)
            plan = plan_query(parse_query(query.text), self.analysis)
            resolved = resolve(plan, lambda matches: self._matches_any(searcher, matches, visible))
            text_query = self._text_query(resolved)
            filters = self._filters(query, visible)
            options: dict[str, Any] = {
                "limit": max(query.offset + query.limit, 1),
                "filter": filters,
                "groupedby": {name: sorting.FieldFacet(name, allow_overlap=True) for name in query.facets},
                "maptype": sorting.Count,
            }
            if query.sort == "name":
                options["sortedby"] = SORT_FIELD
            results = searcher.search(text_query or wq.Every(), **options)
            marker = Marker(resolved.highlighting, self.analysis)
            hits = []
            for hit in results[query.offset : query.offset + query.limit]:
                stored = StoredHit.parse(hit[PAYLOAD_FIELD])
                marked = marker.hit(stored)
                score = float(hit.score or 0.0) if query.sort == "relevance" and text_query else 0.0
                hits.append(stored.hit(score, marked))
            facets = {name: _counts(results.groups(name)) for name in query.facets}
            return SearchResult(hits=hits, total=len(results), facets=facets)

    def counts(self) -> dict[tuple[str, str, str], int]:
        ix = self._open(create=False)
        if ix is None:
            return {}
        counts: dict[tuple[str, str, str], int] = {}
        with ix.searcher() as searcher:
            for stored in searcher.all_stored_fields():
                data = StoredHit.parse(stored[PAYLOAD_FIELD]).data
                key = (str(data["study"]), str(data["state"]), str(data["type"]))
                counts[key] = counts.get(key, 0) + 1
        return counts

    def entries(self) -> Iterator[IndexEntry]:
        ix = self._open(create=False)
        if ix is None:
            return
        with ix.searcher() as searcher:
            for stored in searcher.all_stored_fields():
                yield StoredHit.parse(stored[PAYLOAD_FIELD]).entry()

    def close(self) -> None:
        with self._lock:
            self._index = None

    def _open(self, *, create: bool) -> index.Index | None:
        with self._lock:
            if self._index is not None:
                return self._index
            if index.exists_in(str(self.path)):
                self._index = index.open_dir(str(self.path))
            elif create:
                self.path.mkdir(parents=True, exist_ok=True)
                self._index = index.create_in(str(self.path), build_schema())
            return self._index

    # Queries

    def _study_query(self, study: str, state: State | None) -> wq.Query:
        if state is None:
            return wq.Term("study", study)
        return wq.And([wq.Term("study", study), wq.Term(STATE_FIELD, state)])

    def _visibility(self, draft_studies: frozenset[str]) -> wq.Query:
        published = wq.Term(STATE_FIELD, "published")
        if not draft_studies:
            return published
        drafting = wq.Or([wq.Term("study", study) for study in sorted(draft_studies)])
        return wq.Or(
            [
                wq.And([wq.Term(STATE_FIELD, "draft"), drafting]),
                wq.AndNot(published, drafting),
            ]
        )

    def _filters(self, query: SearchQuery, visible: wq.Query) -> wq.Query:
        clauses = [visible]
        for facet, values in query.filters.items():
            if values:
                clauses.append(wq.Or([wq.Term(facet, value) for value in values]))
        if query.lang:
            clauses.append(wq.Term("lang", query.lang))
        if query.age_min_months is not None or query.age_max_months is not None:
            clauses.append(
                wq.NumericRange(
                    AGES_FIELD,
                    None if query.age_min_months is None else float(query.age_min_months),
                    None if query.age_max_months is None else float(query.age_max_months),
                )
            )
        return clauses[0] if len(clauses) == 1 else wq.And(clauses)

    def _text_query(self, resolved: ResolvedQuery) -> wq.Query | None:
        if not resolved.required and not resolved.excluded:
            return None
        required = [self._any(group) for group in resolved.required]
        positive = required[0] if len(required) == 1 else (wq.And(required) if required else wq.Every())
        if not resolved.excluded:
            return positive
        return wq.AndNot(positive, wq.Or([self._any(group) for group in resolved.excluded]))

    def _matches_any(self, searcher: Searcher, matches: Sequence[FieldMatch], visible: wq.Query) -> bool:
        return not searcher.search(self._any(matches), limit=1, filter=visible).is_empty()

    def _any(self, matches: Sequence[FieldMatch]) -> wq.Query:
        compiled = [self._match(match) for match in matches]
        return compiled[0] if len(compiled) == 1 else wq.Or(compiled)

    def _match(self, match: FieldMatch) -> wq.Query:
        if isinstance(match, NameMatch):
            return wq.ConstantScoreQuery(wq.Term(NAME_FIELD, match.name), match.score)
        if isinstance(match, TermMatch):
            return wq.Term(match.field, match.term, boost=match.boost)
        if isinstance(match, PhraseMatch):
            return _exact_phrase(match)
        if isinstance(match, PrefixMatch):
            return wq.Prefix(match.field, match.prefix, boost=match.boost)
        if isinstance(match, FuzzyMatch):
            return wq.FuzzyTerm(
                match.field, match.term, boost=match.boost, maxdist=match.distance, prefixlength=0
            )
        raise TypeError(f"unknown match {match!r}")


class _Gap(SpanNear):
    """Whoosh's `SpanNear`, able to estimate its size as AND-ed queries must."""

    def estimate_size(self, ixreader: Any) -> int:
        return self.q.estimate_size(ixreader)

    def estimate_min_size(self, ixreader: Any) -> int:
        return self.q.estimate_min_size(ixreader)


def _exact_phrase(match: PhraseMatch) -> wq.Query:
    """Terms at exactly these relative positions: nested spans, each at the gap the query had."""
    (previous, first), *rest = match.terms
    query: wq.Query = wq.Term(match.field, first, boost=match.boost)
    for position, term in rest:
        gap = position - previous
        query = _Gap(query, wq.Term(match.field, term, boost=match.boost), slop=gap, mindist=gap)
        previous = position
    return query


def _counts(groups: dict[Any, int]) -> dict[str, int]:
    decoded = (
        (key.decode() if isinstance(key, bytes) else str(key), count)
        for key, count in groups.items()
        if key is not None
    )
    return dict(sorted(decoded, key=lambda item: (-item[1], item[0])))
