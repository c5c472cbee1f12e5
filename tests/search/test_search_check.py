"""`ddicat search-check`: an index held against the database it derives from, on every engine."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from api.cli import main
from catalogue.store.tables import Study
from search.base import SearchBackend, SearchDocument, SearchQuery
from search.consistency import SHARED_WAVE, document_total, index_check
from search.indexer import FileCoordination, Indexer, study_documents


@pytest.fixture(scope="module")
def demo_documents(demo_runtime) -> dict[str, dict[str, list[SearchDocument]]]:
    """The demo's documents per study and state, as the indexer builds them."""
    with demo_runtime.sessions() as session:
        return {study.slug: study_documents(session, study) for study in session.scalars(select(Study))}


@pytest.fixture(scope="module")
def built_index(backend_factory, demo_runtime, tmp_path_factory: pytest.TempPathFactory) -> SearchBackend:
    folder = tmp_path_factory.mktemp("checked")
    backend = backend_factory(folder / "index")
    Indexer(demo_runtime.sessions, backend, FileCoordination(folder / "writer")).rebuild()
    yield backend
    backend.close()


@pytest.fixture
def demo_index(built_index: SearchBackend, demo_documents) -> SearchBackend:
    """The demo index of one engine; the studies a test changed are indexed again after it."""
    before = built_index.counts()
    yield built_index
    after = built_index.counts()
    for study, states in demo_documents.items():
        for state, documents in states.items():
            if any(
                before.get(k) != after.get(k) for k in before.keys() | after.keys() if k[:2] == (study, state)
            ):
                built_index.replace_study(study, state, documents)  # type: ignore[arg-type]
    assert built_index.counts() == before


def published(demo_documents, slug: str) -> list[SearchDocument]:
    return list(demo_documents[slug]["published"])


def test_an_index_rebuilt_from_the_database_agrees_with_it(demo_index: SearchBackend, demo_runtime) -> None:
    with demo_runtime.sessions() as session:
        check = index_check(session=session, backend=demo_index)
        total = document_total(session)
    assert check.ok, check.report()
    assert check.expected_total == check.found_total == total == sum(demo_index.counts().values())
    assert check.expected == check.found and ("elfe", "published", "maternite", "Variable") in check.expected
    assert "They agree" in check.report()[-1]


def test_a_missing_item_is_named_and_its_counts_differ(
    demo_index: SearchBackend, demo_runtime, demo_documents
) -> None:
    dropped, *kept = published(demo_documents, "epipage2")
    demo_index.replace_study("epipage2", "published", kept)
    with demo_runtime.sessions() as session:
        check = index_check(session=session, backend=demo_index)
    assert not check.ok and not check.stale and not check.outdated
    assert [e.urn for e in check.missing] == [dropped.urn]
    assert check.found_total == check.expected_total - 1
    assert {cell: want - have for cell, want, have in check.differing_cells()} == {
        ("epipage2", "published", wave, dropped.type): 1 for wave in dropped.waves or [SHARED_WAVE]
    }
    report = "\n".join(check.report(limit=5))
    assert f"Missing from the index (1):\n  epipage2 published {dropped.type} {dropped.urn}" in report
    assert "ddicat reindex" in report


def test_stale_and_outdated_items_are_named(demo_index: SearchBackend, demo_runtime, demo_documents) -> None:
    older, moved, *kept = published(demo_documents, "epipage2")
    older_version = dataclasses.replace(older, key=older.key + ":0", urn=older.urn.rsplit(":", 1)[0] + ":0")
    moved_elsewhere = dataclasses.replace(moved, waves=[*moved.waves, "18a"])
    demo_index.replace_study("epipage2", "published", [older, older_version, moved_elsewhere, *kept])
    with demo_runtime.sessions() as session:
        check = index_check(session=session, backend=demo_index)
    assert not check.ok and not check.missing
    assert [e.urn for e in check.stale] == [older_version.urn]
    assert [e.urn for e in check.outdated] == [moved.urn]
    assert ("epipage2", "published", "18a", moved.type) in {cell for cell, _, _ in check.differing_cells()}
    report = "\n".join(check.report())
    assert (
        f"Stale, shown by no release any more (1):\n  epipage2 published {older.type} {older_version.urn}"
        in report
    )


def test_a_study_absent_from_the_index_shows_in_every_count(demo_index: SearchBackend, demo_runtime) -> None:
    demo_index.delete_study("elfe")
    with demo_runtime.sessions() as session:
        check = index_check(session=session, backend=demo_index)
    assert {e.study for e in check.missing} == {"elfe"} and not check.stale
    assert {cell[0] for cell, _want, have in check.differing_cells() if have == 0} == {"elfe"}
    assert len(check.report(limit=3)) < 20  # long lists are cut


def test_committed_changes_the_writer_has_not_applied_are_reported(
    demo_index: SearchBackend, demo_runtime
) -> None:
    with demo_runtime.sessions() as session:
        check = index_check(session=session, backend=demo_index, indexed_generation=0)
    assert check.pending > 0 and not check.ok
    assert any("not indexed yet" in line for line in check.report())


@pytest.mark.parametrize("engine", ["tantivy", "whoosh"])
def test_a_document_stored_twice_is_reported(
    request, engine: str, demo_runtime, demo_documents, tmp_path: Path
) -> None:
    # (PostgreSQL's unique key refuses a second document with the same key)
    backend = request.getfixturevalue(f"{engine}_backend_factory")(tmp_path / engine)
    documents = published(demo_documents, "epipage2")
    backend.replace_study("epipage2", "published", [*documents, documents[0]])
    with demo_runtime.sessions() as session:
        check = index_check(session=session, backend=backend)
    assert [e.urn for e in check.duplicated] == [documents[0].urn]
    backend.close()


@pytest.fixture
def cli(tmp_path: Path, schemas_dir: Path):
    env = {
        "DDICAT_DATA_DIR": str(tmp_path / "var"),
        "DDICAT_DATABASE_URL": f"sqlite:///{tmp_path / 'ddicat.sqlite'}",
        "DDICAT_DDI_SCHEMAS": str(schemas_dir),
    }
    return lambda *args: CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def test_the_command_says_what_is_off_exits_1_and_reindex_mends_it(cli, fixtures_dir: Path) -> None:
    assert (
        cli(
            "import", str(fixtures_dir / "search" / "lune-6m-v1.csv"), "--study", "lune", "--wave", "6m"
        ).exit_code
        == 0
    )
    agreeing = cli("search-check")
    assert agreeing.exit_code == 0, agreeing.output
    assert "(tantivy)" in agreeing.output and "10 documents expected, 10 indexed" in agreeing.output

    never_built = cli("search-check", "--backend", "whoosh")
    assert never_built.exit_code == 1
    assert "0 indexed" in never_built.output and "Missing from the index (10):" in never_built.output
    assert "lune / published / 6m / Variable: 5 → 0" in never_built.output

    rebuilt = cli("reindex", "--backend", "whoosh")
    assert rebuilt.exit_code == 0 and "Indexed 10 documents with whoosh" in rebuilt.output
    assert cli("search-check", "--backend", "whoosh").exit_code == 0


def test_an_index_of_a_new_layout_is_filled_by_the_next_sync(
    tmp_path: Path, schemas_dir: Path, fixtures_dir
) -> None:
    from api.runtime import Runtime
    from catalogue.imports import Source
    from catalogue.settings import Settings
    from search.layout import layout_dir

    settings = Settings(data_dir=tmp_path / "var", ddi_schemas=schemas_dir, search_backend="tantivy")
    first = Runtime(settings)
    source = Source.from_path(fixtures_dir / "search" / "lune-6m-v1.csv", max_bytes=10_000_000)
    first.import_file(source, study="lune", wave="6m")
    first.close()
    index = layout_dir(settings.resolved_index_dir)
    index.rename(index.with_name("layout-0.9"))  # what an upgrade that changes the layout leaves behind
    upgraded = Runtime(settings)
    assert upgraded.backend.search(SearchQuery(text="biberon")).total == 0
    assert upgraded.indexer.sync(wait=True) == 1  # as `ddicat serve` does before its workers start
    assert upgraded.backend.search(SearchQuery(text="biberon")).total == 2
    with upgraded.sessions() as session:
        assert index_check(
            session=session,
            backend=upgraded.backend,
            indexed_generation=upgraded.coordination.last_generation(),
        ).ok
    upgraded.close()
