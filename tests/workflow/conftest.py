"""Fixtures of the cohort-space tests: the spaces built once per backend (SQLite, and PostgreSQL when the
test server is given), and for each test a fresh copy of them with the HTTP app over it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cohort_spaces import Spaces, Template, build_spaces, catalogue_settings, clone_catalogue, fresh_database

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session", params=BACKENDS)
def spaces_template(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, schemas_dir: Path
) -> Iterator[Template]:
    from api.runtime import Runtime

    tmp = tmp_path_factory.mktemp(f"spaces-{request.param}")
    url, drop = fresh_database(request.param, tmp)
    runtime = Runtime(catalogue_settings(tmp, url, schemas_dir))
    try:
        built = build_spaces(runtime)
    finally:
        runtime.close()
    yield Template(url, tmp / "var", built.tokens, schemas_dir)
    drop()


@pytest.fixture
def spaces(spaces_template: Template, tmp_path: Path) -> Iterator[Spaces]:
    """alpha, beta (published + draft) and gamma (draft only), with their people and tokens: a fresh copy."""
    from api.runtime import Runtime

    url, _data_dir, drop = clone_catalogue(spaces_template.url, spaces_template.data_dir, tmp_path)
    runtime = Runtime(catalogue_settings(tmp_path, url, spaces_template.schemas))
    yield Spaces(runtime, dict(spaces_template.tokens))
    runtime.close()
    drop()


@pytest.fixture
def app(spaces: Spaces) -> Any:
    from api.app import create_app

    return create_app(runtime=spaces.runtime)
