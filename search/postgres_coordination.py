"""The single writer's lock and mark in PostgreSQL, for an index that several hosts share.

A file lock only holds on one machine's local disk; hosts sharing one PostgreSQL agree through it instead:
the writer holds a session-level advisory lock on its own connection for as long as it indexes, and the
last generation it applied is a row of `search_index_mark` (migration 0003).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine

# The indexer's lock ("ddicat" index sync); the backend's own write lock is another key.
SYNC_LOCK_KEY = 0x6464_6963_6174_0002
MARK_TABLE = "search_index_mark"


class PostgresCoordination:
    """`search.indexer.Coordination` over PostgreSQL: an advisory lock and a row per backend."""

    def __init__(self, engine: Engine, backend: str = "postgres") -> None:
        self.engine = engine
        self.backend = backend

    @contextmanager
    def writer_lock(self, *, wait: bool) -> Iterator[bool]:
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            take = "pg_advisory_lock" if wait else "pg_try_advisory_lock"
            held = connection.exec_driver_sql(f"SELECT {take}(%(key)s)", {"key": SYNC_LOCK_KEY}).scalar()
            if wait or held:
                try:
                    yield True
                finally:
                    connection.exec_driver_sql("SELECT pg_advisory_unlock(%(key)s)", {"key": SYNC_LOCK_KEY})
            else:
                yield False

    def last_generation(self) -> int:
        with self.engine.connect() as connection:
            found = connection.exec_driver_sql(
                f"SELECT generation FROM {MARK_TABLE} WHERE backend = %(backend)s", {"backend": self.backend}
            ).scalar()
        return int(found or 0)

    def set_generation(self, generation: int) -> None:
        with self.engine.begin() as connection:
            connection.exec_driver_sql(
                f"INSERT INTO {MARK_TABLE} (backend, generation) VALUES (%(backend)s, %(generation)s) "
                "ON CONFLICT (backend) DO UPDATE SET generation = excluded.generation",
                {"backend": self.backend, "generation": generation},
            )
