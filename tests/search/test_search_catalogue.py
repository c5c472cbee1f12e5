"""Every engine over a real catalogue: facet counts equal counts made in SQL over the releases, only the
latest version of an item is found, drafts stay with their study's members (run once per engine)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from catalogue.imports import Source
from search.base import INDEXED_TYPES, SearchBackend, SearchQuery, Visibility
from search.indexer import FileCoordination, Indexer

ALL = 10_000
SEARCHED_TYPES = ", ".join(f"'{name}'" for name in sorted(INDEXED_TYPES))

# The searchable members of each study's latest published release, and the waves each document shows:
# its own placements and, for a question, the waves of the members asking it (variables fed by it,
# constructs using it).
DOCUMENTS = f"""
WITH shown AS (
    SELECT r.id AS release_id, s.slug AS study
    FROM release r JOIN study s ON s.id = r.study_id
    WHERE r.status = 'published'
      AND r.number = (
          SELECT max(p.number) FROM release p WHERE p.study_id = r.study_id AND p.status = 'published'
      )
),
members AS (
    SELECT DISTINCT shown.release_id, shown.study, i.id AS item_id, i.type, i.agency_key, i.ddi_id
    FROM shown
    JOIN release_item ri ON ri.release_id = shown.release_id
    JOIN item i ON i.id = ri.item_id
    WHERE i.type IN ({SEARCHED_TYPES})
),
placed AS (
    SELECT m.study, m.release_id, m.item_id, w.name AS wave
    FROM members m
    JOIN release_item ri ON ri.release_id = m.release_id AND ri.item_id = m.item_id
    JOIN wave w ON w.id = ri.wave_id
),
asked AS (
    SELECT m.study, m.release_id, m.item_id, w.name AS wave
    FROM members m
    JOIN item_link l ON l.role = 'question' AND l.target_agency = m.agency_key AND l.target_ddi_id = m.ddi_id
    JOIN release_item ri ON ri.release_id = m.release_id AND ri.item_id = l.source_id
    JOIN wave w ON w.id = ri.wave_id
    WHERE m.type IN ('QuestionItem', 'QuestionGrid')
),
waves AS (SELECT * FROM placed UNION SELECT * FROM asked)
"""
COUNTS = {
    "study": DOCUMENTS
    + "SELECT study, count(*) FROM members WHERE :study IS NULL OR study = :study GROUP BY study",
    "type": DOCUMENTS
    + "SELECT type, count(*) FROM members WHERE :study IS NULL OR study = :study GROUP BY type",
    "wave": DOCUMENTS
    + "SELECT wave, count(*) FROM waves WHERE :study IS NULL OR study = :study GROUP BY wave",
}


def sql_counts(session, study: str | None = None) -> dict[str, dict[str, int]]:
    """Documents per study, type and wave, counted in SQL over the catalogue's tables."""
    return {
        facet: {value: count for value, count in session.execute(text(sql), {"study": study})}
        for facet, sql in COUNTS.items()
    }


@pytest.fixture(scope="module")
def demo_index(
    backend_factory, demo_runtime, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SearchBackend]:
    """The demo catalogue indexed by one engine, from the database alone."""
    folder = tmp_path_factory.mktemp("demo-index")
    backend = backend_factory(folder / "index")
    Indexer(demo_runtime.sessions, backend, FileCoordination(folder / "writer")).rebuild()
    yield backend
    backend.close()


@pytest.mark.parametrize("study", [None, "elfe", "epipage2"])
def test_facet_counts_equal_counts_made_in_sql_over_the_releases(
    demo_index: SearchBackend, demo_runtime, study: str | None
) -> None:
    filters = {"study": [study]} if study else {}
    result = demo_index.search(SearchQuery(filters=filters, facets=("study", "type", "wave"), limit=0))
    with demo_runtime.sessions() as session:
        expected = sql_counts(session, study)
    assert result.facets == expected
    assert result.total == sum(expected["study"].values()) == sum(expected["type"].values()) > 100


def test_text_facets_add_up_to_the_total(demo_index: SearchBackend) -> None:
    result = demo_index.search(SearchQuery(text="allaitement", facets=("study", "type"), limit=ALL))
    assert result.total == len(result.hits) == sum(result.facets["study"].values()) > 10
    assert len({(hit.urn, hit.study) for hit in result.hits}) == result.total  # no duplicates


V1, V2 = "search/lune-6m-v1.csv", "search/lune-6m-v2.csv"


def import_wave(runtime, fixtures_dir: Path, name: str, status: str = "published") -> None:
    source = Source.from_path(fixtures_dir / name, max_bytes=runtime.settings.max_upload_bytes)
    runtime.import_file(source, study="lune", wave="6m", status=status)


PUBLIC = Visibility()


def found(runtime, query: str, visibility: Visibility = PUBLIC) -> dict[str, str]:
    """Names of the items found, with the version each hit has."""
    result = runtime.backend.search(SearchQuery(text=query, limit=ALL, visibility=visibility))
    assert result.total == len(result.hits)
    return {f"{hit.type}:{hit.name}": hit.urn.rsplit(":", 1)[1] for hit in result.hits}


def test_only_the_latest_version_of_an_item_is_found(engine_runtime, fixtures_dir: Path) -> None:
    import_wave(engine_runtime, fixtures_dir, V1)
    assert found(engine_runtime, "semaines") == {
        "Variable:lune_allait_sem": "1",
        "QuestionItem:lune_allait_sem": "1",
    }
    import_wave(engine_runtime, fixtures_dir, V2)
    assert found(engine_runtime, "semaines") == {
        "Variable:lune_allait_sem": "2",
        "QuestionItem:lune_allait_sem": "2",
    }
    assert found(engine_runtime, "révolues") == found(engine_runtime, "semaines")
    assert found(engine_runtime, "biberon") == {}  # gone from the wave in version 2
    assert found(engine_runtime, "sieste") == {"Variable:lune_sieste": "1", "QuestionItem:lune_sieste": "1"}
    everything = engine_runtime.backend.search(SearchQuery(filters={"study": ["lune"]}, limit=ALL))
    assert len({hit.urn for hit in everything.hits}) == everything.total == 10


def test_a_draft_is_found_by_its_study_members_only(engine_runtime, fixtures_dir: Path) -> None:
    import_wave(engine_runtime, fixtures_dir, V1)
    import_wave(engine_runtime, fixtures_dir, V2, status="draft")
    member = Visibility(draft_studies=frozenset({"lune"}))
    assert found(engine_runtime, "sieste") == {}
    assert found(engine_runtime, "biberon") == {
        "Variable:lune_biberon": "1",
        "QuestionItem:lune_biberon": "1",
    }
    assert found(engine_runtime, "sieste", member) == {
        "Variable:lune_sieste": "1",
        "QuestionItem:lune_sieste": "1",
    }
    assert found(engine_runtime, "biberon", member) == {}
    public = engine_runtime.backend.search(SearchQuery(limit=ALL))
    assert {hit.state for hit in public.hits} == {"published"}
