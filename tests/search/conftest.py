"""Backends under test and the bilingual test catalogue.

Every test that takes `backend_factory` (or `catalogue` / `fresh`) runs once per engine in `ENGINES`.
To add an engine, append its name here and write one session fixture named `<name>_backend_factory`
returning a callable `(index_dir: Path) -> SearchBackend` that gives an EMPTY backend on each call (a
database backend ignores the folder and skips itself when its server is absent).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from search.base import SearchBackend, SearchDocument
from search.registry import open_backend

ENGINES: tuple[str, ...] = ("tantivy", "whoosh", "postgres")
POSTGRES_ENV = "DDICAT_TEST_POSTGRES_URL"

BackendFactory = Callable[[Path], SearchBackend]


@pytest.fixture(scope="session")
def tantivy_backend_factory() -> BackendFactory:
    return lambda index_dir: open_backend("tantivy", index_dir=index_dir, heap_bytes=50_000_000)


@pytest.fixture(scope="session")
def whoosh_backend_factory() -> BackendFactory:
    return lambda index_dir: open_backend("whoosh", index_dir=index_dir)


@pytest.fixture(scope="session")
def postgres_indexes() -> Iterator[object]:
    """Databases on the test server, one per index folder (skips without DDICAT_TEST_POSTGRES_URL)."""
    server = os.environ.get(POSTGRES_ENV)
    if not server:
        pytest.skip(f"{POSTGRES_ENV} is not set: the PostgreSQL run of the search suite needs a server")
    from postgres_indexes import PostgresIndexes

    indexes = PostgresIndexes(server)
    yield indexes
    indexes.close()


@pytest.fixture(scope="session")
def postgres_backend_factory(postgres_indexes) -> BackendFactory:
    return postgres_indexes.backend


@pytest.fixture(scope="session", params=ENGINES)
def backend_factory(request: pytest.FixtureRequest) -> BackendFactory:
    return request.getfixturevalue(f"{request.param}_backend_factory")


@pytest.fixture(scope="session")
def documents(fixtures_dir: Path) -> list[SearchDocument]:
    """The test catalogue: two cohorts (naissance, petitpas), published and draft, in French and English."""
    raw = json.loads((fixtures_dir / "search" / "catalogue.json").read_text(encoding="utf-8"))
    return [SearchDocument(**item) for item in raw]


@pytest.fixture(scope="session")
def catalogue(
    backend_factory: BackendFactory, documents: list[SearchDocument], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SearchBackend]:
    """The catalogue indexed once per engine, for tests that only read."""
    backend = backend_factory(tmp_path_factory.mktemp("catalogue"))
    backend.rebuild(documents)
    yield backend
    backend.close()


@pytest.fixture
def fresh(
    backend_factory: BackendFactory, documents: list[SearchDocument], tmp_path: Path
) -> Iterator[SearchBackend]:
    """The catalogue indexed for one test, which may write."""
    backend = backend_factory(tmp_path / "index")
    backend.rebuild(documents)
    yield backend
    backend.close()


@pytest.fixture(scope="module")
def engines(
    request: pytest.FixtureRequest, documents: list[SearchDocument], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, SearchBackend]]:
    """The catalogue indexed by every engine at once, to compare their answers."""
    built = {}
    for name in ENGINES:
        try:
            factory = request.getfixturevalue(f"{name}_backend_factory")
        except pytest.skip.Exception:  # an engine whose server is absent: compare the others
            continue
        backend = factory(tmp_path_factory.mktemp(name))
        backend.rebuild(documents)
        built[name] = backend
    yield built
    for backend in built.values():
        backend.close()


@pytest.fixture(params=ENGINES)
def engine_runtime(request: pytest.FixtureRequest, tmp_path: Path, schemas_dir: Path) -> Iterator[object]:
    """A fresh catalogue searched by one engine, as deployed: the postgres engine with the catalogue on
    PostgreSQL (its writer coordinated there), the embedded engines beside a SQLite file."""
    from api.runtime import Runtime
    from catalogue.settings import Settings

    if request.param == "postgres":
        url = request.getfixturevalue("postgres_indexes").database_url(tmp_path / "catalogue")
    else:
        url = f"sqlite:///{tmp_path / 'ddicat.sqlite'}"
    runtime = Runtime(
        Settings(
            data_dir=tmp_path / "var", database_url=url, ddi_schemas=schemas_dir, search_backend=request.param
        )
    )
    yield runtime
    runtime.close()
