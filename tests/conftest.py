"""Fixtures shared by the whole suite: where the official schemas and the public samples are."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
SHARED = PROJECT.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def schemas_root() -> Path | None:
    """The official DDI-L XSDs: DDICAT_DDI_SCHEMAS, else the verified copy in ../shared."""
    configured = os.environ.get("DDICAT_DDI_SCHEMAS")
    for candidate in (Path(configured) if configured else None, SHARED / "ddi-schemas"):
        if candidate and (candidate / "3.3" / "instance.xsd").is_file():
            return candidate
    return None


@pytest.fixture(scope="session")
def schemas_dir() -> Path:
    root = schemas_root()
    if root is None:
        pytest.skip("the official DDI-L XSDs are absent: set DDICAT_DDI_SCHEMAS or run `ddicat schemas fetch`")
    return root


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    path = SHARED / "samples"
    if not path.is_dir():
        pytest.skip("../shared/samples is absent: the tests on real public files need it")
    return path


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


POSTGRES_ENV = "DDICAT_TEST_POSTGRES_URL"
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _fresh_postgres_database(base_url: str) -> tuple[str, object]:
    """A new empty database on the test server, and a function that drops it."""
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"ddicat_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(
                f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
            ))
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()

    return make_url(base_url).set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path):
    """A fresh catalogue database: a SQLite file, and a new PostgreSQL database when the server is given."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ddicat.sqlite'}"
        return
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(f"{POSTGRES_ENV} is not set: the PostgreSQL run of this test needs a server")
    url, drop = _fresh_postgres_database(base)
    yield url
    drop()  # type: ignore[operator]


def make_settings(tmp_path: Path, database_url: str, schemas: Path, **overrides: object):
    from catalogue.settings import Settings

    values: dict[str, object] = {
        "data_dir": tmp_path / "var",
        "database_url": database_url,
        "ddi_schemas": schemas,
        "search_backend": "tantivy",
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def runtime(tmp_path: Path, database_url: str, schemas_dir: Path):
    """A catalogue on a fresh database and a fresh index, with the official schemas."""
    from api.runtime import Runtime

    rt = Runtime(make_settings(tmp_path, database_url, schemas_dir))
    yield rt
    rt.close()


@pytest.fixture(scope="session")
def demo_runtime(tmp_path_factory: pytest.TempPathFactory):
    """One catalogue with the demo cohorts loaded, shared by the read-only tests of a session (SQLite)."""
    from api.runtime import Runtime

    root = schemas_root()
    if root is None:
        pytest.skip("the official DDI-L XSDs are absent: set DDICAT_DDI_SCHEMAS or run `ddicat schemas fetch`")
    tmp = tmp_path_factory.mktemp("demo")
    rt = Runtime(make_settings(tmp, f"sqlite:///{tmp / 'ddicat.sqlite'}", root))
    rt.load_demo()
    yield rt
    rt.close()


@pytest.fixture(scope="session")
def demo_client(demo_runtime):
    from fastapi.testclient import TestClient

    from api.app import create_app

    with TestClient(create_app(runtime=demo_runtime)) as client:
        yield client
