"""The national-scale benchmark's catalogue, its load through the store, and its BENCHMARKS.md section
(the timings themselves are not tested)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from sqlalchemy import func, select

from benchmarks.search import SECTION, catalogue_load, cohort, write_section
from catalogue.model import QuestionItem, Variable
from catalogue.store.db import make_engine, migrate, session_factory
from catalogue.store.tables import Item as ItemRow
from catalogue.store.tables import Study, Wave
from search.base import SearchQuery
from search.consistency import document_total
from search.indexer import FileCoordination, Indexer
from search.registry import open_backend


def test_a_cohort_has_its_waves_and_asks_questions_again_at_later_waves() -> None:
    made = cohort(3, variables_per_wave=30)
    variables = [item for item in made.package.items if isinstance(item, Variable)]
    questions = [item for item in made.package.items if isinstance(item, QuestionItem)]
    assert made.slug == "cohorte-03" and made.variables == len(variables) == 300
    assert len({made.package.placement[v.key] for v in variables}) == 10
    asked = Counter(ref.id for v in variables for ref in v.questions)
    assert len(questions) < 0.5 * len(variables) and max(asked.values()) > 2
    assert {lang for q in questions for lang in q.text} >= {"fr", "en"}
    assert cohort(3, variables_per_wave=30).package.items == made.package.items  # reproducible


def test_the_catalogue_goes_into_the_database_and_every_backend_builds_from_it(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'bench.sqlite'}")
    migrate(engine)
    items, _seconds = catalogue_load(engine, 800)
    sessions = session_factory(engine)
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Study)) == 40
        assert session.scalar(select(func.count()).select_from(Wave)) == 400
        assert session.scalar(select(func.count()).where(ItemRow.type == "Variable")) == 800
        assert session.scalar(select(func.count()).select_from(ItemRow)) == items
        expected = document_total(session)
    backend = open_backend("tantivy", index_dir=tmp_path / "index")
    assert Indexer(sessions, backend, FileCoordination(tmp_path / "index")).rebuild() == expected
    found = backend.search(SearchQuery(text="allaitement", filters={"study": ["cohorte-01"]}))
    assert found.total > 0 and {hit.study for hit in found.hits} == {"cohorte-01"}
    asked_twice = backend.search(SearchQuery(filters={"type": ["QuestionItem"]}, facets=("wave",), limit=0))
    assert sum(asked_twice.facets["wave"].values()) > asked_twice.total  # questions span waves
    backend.close()
    engine.dispose()


def test_the_section_is_replaced_and_the_others_kept(tmp_path: Path) -> None:
    path = tmp_path / "BENCHMARKS.md"
    path.write_text("# Benchmarks\n\n## Search engines\nkept\n\n## Import of DDI-L (issue 2)\nalso kept\n")
    write_section(path, f"{SECTION}\n\nfirst\n")
    write_section(path, f"{SECTION}\n\nsecond\n")
    text = path.read_text()
    assert text.count(SECTION) == 1 and "second" in text and "first" not in text
    assert "## Search engines\nkept\n" in text and "## Import of DDI-L (issue 2)\nalso kept\n" in text
