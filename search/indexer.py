"""The one writer of a search index: it follows the database's committed changes.

Every transaction that changes what a study shows appends an `IndexGeneration` row (the outbox). After
its commit, the process calls `sync()`: under an exclusive lock it re-indexes the studies named by the
rows it has not seen yet and records the last generation done. A process that finds the lock taken leaves
its rows to the holder, which looks again after releasing the lock, so no change is missed and no two
processes ever write one index at once. API workers only read.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from catalogue.ddi.reader import collector_paused
from catalogue.store.reads import draft_release, load_snapshot, published_release, study_by_slug
from catalogue.store.tables import IndexGeneration, Study
from search.base import Progress, SearchBackend, SearchDocument, SearchQuery, State, Visibility
from search.documents import snapshot_documents


class Coordination(Protocol):
    """Where the single writer keeps its lock and the last generation it indexed."""

    @contextmanager
    def writer_lock(self, *, wait: bool) -> Iterator[bool]: ...

    def last_generation(self) -> int: ...

    def set_generation(self, generation: int) -> None: ...


class FileCoordination:
    """Lock and mark as files beside a local index (flock: safe on a local disk, not on NFS)."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir
        index_dir.mkdir(parents=True, exist_ok=True)

    @contextmanager
    def writer_lock(self, *, wait: bool) -> Iterator[bool]:
        with open(self.index_dir / ".writer.lock", "a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def last_generation(self) -> int:
        try:
            return int((self.index_dir / ".generation").read_text().strip() or 0)
        except (FileNotFoundError, ValueError):
            return 0

    def set_generation(self, generation: int) -> None:
        tmp = self.index_dir / ".generation.tmp"
        tmp.write_text(str(generation))
        os.replace(tmp, self.index_dir / ".generation")


@collector_paused()
def study_documents(session: Session, study: Study) -> dict[State, list[SearchDocument]]:
    """The documents of a study's published release and of its draft, if any."""
    documents: dict[State, list[SearchDocument]] = {"published": [], "draft": []}
    published = published_release(session, study.id)
    if published is not None:
        documents["published"] = list(snapshot_documents(load_snapshot(session, published), "published"))
    draft = draft_release(session, study.id)
    if draft is not None:
        documents["draft"] = list(snapshot_documents(load_snapshot(session, draft), "draft"))
    return documents


class Indexer:
    def __init__(
        self, sessions: sessionmaker[Session], backend: SearchBackend, coordination: Coordination
    ) -> None:
        self.sessions = sessions
        self.backend = backend
        self.coordination = coordination

    def sync(self, *, wait: bool = False) -> int:
        """Index every committed change not indexed yet; return how many studies were re-indexed."""
        done = 0
        while True:
            with self.coordination.writer_lock(wait=wait) as held:
                if not held:
                    return done
                done += self._sync_pending()
            if not self._pending_exists():
                return done

    def rebuild(self, progress: Progress | None = None) -> int:
        """Drop the index and rebuild it from the database alone; return the number of documents."""
        with self.coordination.writer_lock(wait=True):
            with self.sessions() as session:
                generation = session.scalar(select(func.max(IndexGeneration.id))) or 0
                studies = list(session.scalars(select(Study).order_by(Study.slug)))

                def documents() -> Iterator[SearchDocument]:
                    for study in studies:
                        for docs in study_documents(session, study).values():
                            yield from docs

                count = self.backend.rebuild(documents(), progress)
            self.coordination.set_generation(generation)
            return count

    def _pending_exists(self) -> bool:
        with self.sessions() as session:
            latest = session.scalar(select(func.max(IndexGeneration.id))) or 0
        return latest > self.coordination.last_generation()

    def _sync_pending(self) -> int:
        mark = self.coordination.last_generation()
        with self.sessions() as session:
            rows = session.execute(
                select(IndexGeneration.id, IndexGeneration.study_slug)
                .where(IndexGeneration.id > mark)
                .order_by(IndexGeneration.id)
            ).all()
            if not rows:
                return 0
            slugs = list(dict.fromkeys(slug for _id, slug in rows))
            for slug in slugs:
                study = study_by_slug(session, slug)
                if study is None:
                    self.backend.delete_study(slug)
                    continue
                for state, docs in study_documents(session, study).items():
                    if docs or self._holds(slug, state):
                        self.backend.replace_study(slug, state, docs)
            self.coordination.set_generation(rows[-1][0])
            return len(slugs)

    def _holds(self, slug: str, state: State) -> bool:
        """Whether the index has documents of the study in that state: replacing none by none would still
        cost the engine a commit (every import of a study without a draft would pay one)."""
        visibility = Visibility(draft_studies=frozenset({slug})) if state == "draft" else Visibility.public()
        query = SearchQuery(filters={"study": [slug]}, facets=(), limit=1, visibility=visibility)
        return any(hit.state == state for hit in self.backend.search(query).hits)
