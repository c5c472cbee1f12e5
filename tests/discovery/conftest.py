"""The discovery catalogue: the demo cohorts, their biobank wave and the public SNDS description, behind the
HTTP app; and copies of it for the tests that write (links, baskets, access requests)."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from discovery_catalogue import BASE_URL, load_discovery, settings_for
from fastapi.testclient import TestClient


@pytest.fixture(scope="session")
def discovery_dir(tmp_path_factory: pytest.TempPathFactory, samples_dir: Path, schemas_dir: Path) -> Path:
    """A catalogue folder (SQLite database and tantivy index) holding the discovery catalogue, built once."""
    from api.runtime import Runtime

    if not (samples_dir / "table_schema" / "snds").is_dir():
        pytest.skip("the SNDS sample is absent")
    folder = tmp_path_factory.mktemp("discovery")
    runtime = Runtime(settings_for(folder, schemas_dir))
    load_discovery(runtime, samples_dir)
    runtime.close()
    with sqlite3.connect(folder / "ddicat.sqlite") as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return folder


@pytest.fixture(scope="session")
def discovery_runtime(discovery_dir: Path, schemas_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    """The discovery catalogue for the tests that only read (a copy, so that writers never touch it)."""
    from api.runtime import Runtime

    folder = tmp_path_factory.mktemp("discovery-read")
    shutil.copytree(discovery_dir, folder, dirs_exist_ok=True)
    runtime = Runtime(settings_for(folder, schemas_dir))
    yield runtime
    runtime.close()


@pytest.fixture(scope="session")
def discovery_client(discovery_runtime) -> Iterator[TestClient]:
    from api.app import create_app

    with TestClient(create_app(runtime=discovery_runtime), base_url=BASE_URL) as client:
        yield client


@pytest.fixture
def catalogue_copy(discovery_dir: Path, schemas_dir: Path, tmp_path: Path) -> Iterator[Callable[..., object]]:
    """A fresh copy of the discovery catalogue for one test that writes: call it (with settings) for a runtime."""
    from api.runtime import Runtime

    made: list[Runtime] = []
    folder = tmp_path / "catalogue"

    def make(**overrides: object) -> Runtime:
        if not folder.exists():
            shutil.copytree(discovery_dir, folder)
        runtime = Runtime(settings_for(folder, schemas_dir, **overrides))
        made.append(runtime)
        return runtime

    yield make
    for runtime in made:
        runtime.close()
