"""Search backends by name, as `DDICAT_SEARCH_BACKEND` chooses them; built-ins register like any other."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from search.base import SearchBackend
from search.errors import SearchBackendUnavailable

# A factory receives the index directory and the options the caller has (it ignores those for others,
# such as the database `engine` that only PostgreSQL uses).
BackendFactory = Callable[..., SearchBackend]


def _tantivy(
    index_dir: Path, *, heap_bytes: int | None = None, threads: int = 0, **_: object
) -> SearchBackend:
    from search.tantivy_backend import WRITER_HEAP_BYTES, TantivyBackend

    return TantivyBackend(index_dir, heap_bytes=heap_bytes or WRITER_HEAP_BYTES, threads=threads)


def _whoosh(index_dir: Path, *, limit_mb: int | None = None, **_: object) -> SearchBackend:
    from search.whoosh_backend import WRITER_LIMIT_MB, WhooshBackend

    return WhooshBackend(index_dir, limit_mb=limit_mb or WRITER_LIMIT_MB)


def _postgres(index_dir: Path, *, engine: object = None, **_: object) -> SearchBackend:
    from search.postgres_backend import open_postgres

    return open_postgres(index_dir, engine=engine)  # type: ignore[arg-type]


BACKENDS: dict[str, BackendFactory] = {"tantivy": _tantivy, "whoosh": _whoosh, "postgres": _postgres}


def register_backend(name: str, factory: BackendFactory) -> None:
    """Add or replace a backend: the way PostgreSQL (or a plugin) plugs in."""
    BACKENDS[name] = factory


def open_backend(name: str, *, index_dir: Path, **options: object) -> SearchBackend:
    """The backend called `name`, on `index_dir` (local engines) with engine-specific `options`."""
    factory = BACKENDS.get(name)
    if factory is None:
        raise SearchBackendUnavailable(
            f"unknown search backend {name!r}: choose one of {', '.join(sorted(BACKENDS))}"
        )
    return factory(Path(index_dir), **options)
