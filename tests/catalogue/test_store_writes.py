"""The bulk writes of an import run with a larger SQLite page cache, given back to the pooled connection."""

from __future__ import annotations

from pathlib import Path

from catalogue.store.db import make_engine, migrate, session_factory, transaction
from catalogue.store.writes import IMPORT_CACHE_KIB, import_cache


def test_the_import_cache_is_given_back(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'ddicat.sqlite'}")
    migrate(engine)
    with transaction(session_factory(engine)) as session:
        cache = lambda: session.connection().exec_driver_sql("PRAGMA cache_size").scalar()  # noqa: E731
        before = cache()
        with import_cache(session):
            assert cache() == -IMPORT_CACHE_KIB
        assert cache() == before != -IMPORT_CACHE_KIB
    engine.dispose()
