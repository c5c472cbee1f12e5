"""Backends by name, as DDICAT_SEARCH_BACKEND chooses them."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine

from search.errors import SearchBackendUnavailable
from search.registry import BACKENDS, open_backend, register_backend


@pytest.mark.parametrize("name", ["tantivy", "whoosh"])
def test_embedded_backends_open_by_name_and_ignore_options_for_others(name: str, tmp_path: Path) -> None:
    backend = open_backend(name, index_dir=tmp_path, engine=object())
    assert backend.name == name
    backend.close()


def test_postgres_needs_the_catalogue_on_postgresql(tmp_path: Path) -> None:
    with pytest.raises(SearchBackendUnavailable, match="DDICAT_DATABASE_URL"):
        open_backend("postgres", index_dir=tmp_path)
    sqlite = create_engine(f"sqlite:///{tmp_path / 'catalogue.sqlite'}")
    with pytest.raises(SearchBackendUnavailable, match="tantivy or whoosh"):
        open_backend("postgres", index_dir=tmp_path, engine=sqlite)
    sqlite.dispose()


def test_unknown_backend(tmp_path: Path) -> None:
    with pytest.raises(SearchBackendUnavailable, match="tantivy"):
        open_backend("lucene", index_dir=tmp_path)


def test_a_backend_registers_like_the_built_ins(tmp_path: Path) -> None:
    original = BACKENDS["postgres"]
    try:
        register_backend("postgres", lambda index_dir, **options: open_backend("whoosh", index_dir=index_dir))
        assert open_backend("postgres", index_dir=tmp_path).name == "whoosh"
    finally:
        register_backend("postgres", original)
