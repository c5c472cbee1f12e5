"""Holding a search index against the database it derives from: what `ddicat search-check` reports.

What the index should hold is built exactly as the indexer builds it (`search.indexer.study_documents`:
each study's published release and its draft), then compared with what the backend lists
(`SearchBackend.entries`): documents per (study, state, wave, type), and item by item (by URN) those
missing from the index, those it holds that no release shows any more (an older version, a removed item),
those indexed with other waves or another type, and those stored twice. Committed changes the writer has
not applied yet are reported too: they explain a difference that the next sync removes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from catalogue.store.reads import draft_release, published_release
from catalogue.store.tables import IndexGeneration, ReleaseItem, Study
from catalogue.store.tables import Item as ItemRow
from search.base import INDEXED_TYPES, IndexEntry, SearchBackend
from search.indexer import study_documents

SHARED_WAVE = "(study-wide)"
Cell = tuple[str, str, str, str]


@dataclass(slots=True)
class IndexCheck:
    """The differences between an index and the database (all empty when they agree)."""

    backend: str
    expected_total: int = 0
    found_total: int = 0
    expected: Counter[Cell] = field(default_factory=Counter)
    found: Counter[Cell] = field(default_factory=Counter)
    missing: list[IndexEntry] = field(default_factory=list)
    stale: list[IndexEntry] = field(default_factory=list)
    outdated: list[IndexEntry] = field(default_factory=list)
    duplicated: list[IndexEntry] = field(default_factory=list)
    pending: int = 0

    @property
    def ok(self) -> bool:
        return (
            not (self.differing_cells() or self.missing or self.stale or self.outdated or self.duplicated)
            and not self.pending
        )

    def differing_cells(self) -> list[tuple[Cell, int, int]]:
        """(study, state, wave, type) cells whose document counts differ: (cell, expected, indexed)."""
        cells = sorted(set(self.expected) | set(self.found))
        return [(c, self.expected[c], self.found[c]) for c in cells if self.expected[c] != self.found[c]]

    def report(self, limit: int = 20) -> list[str]:
        """The check as lines for a terminal: a summary, then each kind of difference, `limit` items each."""
        lines = [
            f"Search index ({self.backend}) against the database: "
            f"{self.expected_total:,} documents expected, "
            f"{self.found_total:,} indexed."
        ]
        if self.ok:
            studies = len({cell[0] for cell in self.expected})
            lines.append(f"They agree: every study ({studies}), wave and type has the documents it should.")
            return lines
        cells = self.differing_cells()
        if cells:
            lines.append(
                f"Counts that differ ({len(cells)}; study / state / wave / type: expected → indexed):"
            )
            lines.extend(
                f"  {study} / {state} / {wave} / {kind}: {want:,} → {have:,}"
                for (study, state, wave, kind), want, have in cells[:limit]
            )
            lines.extend(_more(len(cells), limit))
        for title, entries in (
            ("Missing from the index", self.missing),
            ("Stale, shown by no release any more", self.stale),
            ("Out of date, indexed with other waves or another type", self.outdated),
            ("Stored more than once", self.duplicated),
        ):
            if entries:
                lines.append(f"{title} ({len(entries)}):")
                lines.extend(f"  {e.study} {e.state} {e.type} {e.urn}" for e in entries[:limit])
                lines.extend(_more(len(entries), limit))
        if self.pending:
            lines.append(
                f"{self.pending} committed change{'s are' if self.pending > 1 else ' is'} not indexed yet "
                "(the next import or `ddicat serve` applies them)."
            )
        lines.append("Run `ddicat reindex` to rebuild the index from the database.")
        return lines


def _more(count: int, limit: int) -> list[str]:
    return [f"  … and {count - limit:,} more"] if count > limit else []


def _cells(entry: IndexEntry) -> list[Cell]:
    return [(entry.study, entry.state, wave, entry.type) for wave in (entry.waves or (SHARED_WAVE,))]


def expected_entries(session: Session) -> Iterable[IndexEntry]:
    """What the index should hold, study by study, built as the indexer builds its documents."""
    for study in session.scalars(select(Study).order_by(Study.slug)):
        for documents in study_documents(session, study).values():
            for document in documents:
                yield IndexEntry(
                    document.study, document.state, document.urn, document.type, tuple(document.waves)
                )


def index_check(
    *, session: Session, backend: SearchBackend, indexed_generation: int | None = None
) -> IndexCheck:
    """Compare `backend`'s index with the releases in the database (and, given the writer's mark, say how
    many committed changes it has not applied yet)."""
    check = IndexCheck(backend.name)
    expected: dict[tuple[str, str, str], IndexEntry] = {}
    for entry in expected_entries(session):
        expected[(entry.study, entry.state, entry.urn)] = entry
        check.expected.update(_cells(entry))
        check.expected_total += 1
    seen: set[tuple[str, str, str]] = set()
    for entry in backend.entries():
        key = (entry.study, entry.state, entry.urn)
        check.found.update(_cells(entry))
        check.found_total += 1
        if key in seen:
            check.duplicated.append(entry)
            continue
        seen.add(key)
        wanted = expected.get(key)
        if wanted is None:
            check.stale.append(entry)
        elif (wanted.type, sorted(wanted.waves)) != (entry.type, sorted(entry.waves)):
            check.outdated.append(entry)
    check.missing = [entry for key, entry in expected.items() if key not in seen]
    for entries in (check.missing, check.stale, check.outdated, check.duplicated):
        entries.sort(key=lambda e: (e.study, e.state, e.urn))
    if indexed_generation is not None:
        check.pending = (
            session.scalar(
                select(func.count(IndexGeneration.id)).where(IndexGeneration.id > indexed_generation)
            )
            or 0
        )
    return check


def document_total(session: Session) -> int:
    """How many documents a rebuild indexes: the searchable item versions of every study's published
    release and draft (counted in SQL, before the rebuild starts, for its progress bar)."""
    total = 0
    for study_id in session.scalars(select(Study.id)):
        for release in (published_release(session, study_id), draft_release(session, study_id)):
            if release is None:
                continue
            total += (
                session.scalar(
                    select(func.count(distinct(ReleaseItem.item_id)))
                    .join(ItemRow, ItemRow.id == ReleaseItem.item_id)
                    .where(ReleaseItem.release_id == release.id, ItemRow.type.in_(sorted(INDEXED_TYPES)))
                )
                or 0
            )
    return total
