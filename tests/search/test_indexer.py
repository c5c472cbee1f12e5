"""The index writer follows commits without paying for what did not change: a study that has no draft
costs the engine no write for drafts, while a draft that went away still leaves the index."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import select

from catalogue.imports import Source
from catalogue.store.db import transaction
from catalogue.store.tables import IndexGeneration, Release, Study
from search.base import SearchBackend, SearchDocument, SearchQuery, State, Visibility
from search.indexer import Indexer

LUNE_V1, LUNE_V2 = "search/lune-6m-v1.csv", "search/lune-6m-v2.csv"


class WritesNoted:
    """A real backend, with the writes it received noted as (study, state, documents)."""

    def __init__(self, backend: SearchBackend) -> None:
        self.backend = backend
        self.writes: list[tuple[str, str, int]] = []

    def replace_study(self, study: str, state: State, documents: Iterable[SearchDocument]) -> int:
        kept = list(documents)
        self.writes.append((study, state, len(kept)))
        return self.backend.replace_study(study, state, kept)

    def delete_study(self, study: str, state: State | None = None) -> None:
        self.writes.append((study, state or "all", 0))
        self.backend.delete_study(study, state)

    def search(self, query: SearchQuery):  # noqa: ANN201 - the backend's SearchResult
        return self.backend.search(query)


def touched(runtime, slug: str) -> None:  # noqa: ANN001
    """A committed change of the study, as every writer records it: one more row in the index outbox."""
    with transaction(runtime.sessions) as session:
        session.add(IndexGeneration(study_slug=slug))


def import_lune(runtime, fixtures_dir: Path, name: str, status: str = "published") -> None:  # noqa: ANN001
    source = Source.from_path(fixtures_dir / name, max_bytes=runtime.settings.max_upload_bytes)
    runtime.import_file(source, study="lune", wave="6m", status=status)


def test_a_study_without_a_draft_costs_no_draft_write(runtime, fixtures_dir: Path) -> None:  # noqa: ANN001
    cohort = fixtures_dir / "ddi" / "cohort_two_waves_3_3.xml"
    runtime.import_file(Source(name=cohort.name, data=cohort.read_bytes()), study="eveil")
    touched(runtime, "eveil")
    noted = WritesNoted(runtime.backend)
    assert Indexer(runtime.sessions, noted, runtime.coordination).sync(wait=True) == 1  # type: ignore[arg-type]
    assert [(study, state) for study, state, _ in noted.writes] == [("eveil", "published")]
    assert noted.writes[0][2] == runtime.backend.search(SearchQuery(limit=0)).total > 0


def test_a_discarded_draft_leaves_the_index(runtime, fixtures_dir: Path) -> None:  # noqa: ANN001
    import_lune(runtime, fixtures_dir, LUNE_V1)
    import_lune(runtime, fixtures_dir, LUNE_V2, status="draft")
    member = Visibility(draft_studies=frozenset({"lune"}))
    drafts = SearchQuery(filters={"study": ["lune"]}, limit=100, visibility=member)
    assert {hit.state for hit in runtime.backend.search(drafts).hits} == {"draft"}
    with transaction(runtime.sessions) as session:
        study = session.scalar(select(Study).where(Study.slug == "lune"))
        draft = session.scalar(select(Release).where(Release.study_id == study.id, Release.status == "draft"))
        draft.status = "discarded"
        session.add(IndexGeneration(study_slug="lune"))
    noted = WritesNoted(runtime.backend)
    Indexer(runtime.sessions, noted, runtime.coordination).sync(wait=True)  # type: ignore[arg-type]
    assert ("lune", "draft", 0) in noted.writes
    assert runtime.backend.search(drafts).hits == []  # a member sees the drafts of a study: there are none
    public = runtime.backend.search(SearchQuery(filters={"study": ["lune"]}, limit=100))
    assert public.total > 0 and {hit.state for hit in public.hits} == {"published"}
