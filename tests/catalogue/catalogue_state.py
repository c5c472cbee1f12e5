"""What "the catalogue is unchanged" means in tests: every table's rows, the releases, the search index."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from catalogue.store.tables import Base


def catalogue_state(runtime: Any) -> dict[str, Any]:
    """Row counts of every table, the releases and their statuses, and the index's documents per study."""
    state: dict[str, Any] = {}
    with runtime.sessions() as session:
        for table in Base.metadata.sorted_tables:
            state[table.name] = session.scalar(select(func.count()).select_from(table))
        release = Base.metadata.tables["release"]
        state["releases"] = sorted(
            tuple(row) for row in session.execute(select(release.c.study_id, release.c.number, release.c.status))
        )
    state["index"] = runtime.backend.counts()
    return state
