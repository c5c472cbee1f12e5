"""Writes: replacing, deleting and rebuilding studies, counts, and readers that follow commits."""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path

import pytest

from ddi_schemas.problems import InvalidInput
from search.base import SearchBackend, SearchDocument, SearchQuery, Visibility
from search.errors import IndexBusy

ALL = 100


def expected_counts(documents: list[SearchDocument]) -> dict[tuple[str, str, str], int]:
    return dict(Counter((d.study, d.state, d.type) for d in documents))


def names(backend: SearchBackend, text: str = "", **options: object) -> set[str]:
    return {hit.name for hit in backend.search(SearchQuery(text=text, limit=ALL, **options)).hits}  # type: ignore[arg-type]


def test_counts_per_study_state_and_type(fresh: SearchBackend, documents: list[SearchDocument]) -> None:
    assert fresh.counts() == expected_counts(documents)


def test_replace_study_replaces_one_study_in_one_state(
    fresh: SearchBackend, documents: list[SearchDocument]
) -> None:
    kept = [
        d
        for d in documents
        if d.study == "petitpas" and d.state == "published" and d.name.startswith("SLEEP")
    ]
    renamed = dataclasses.replace(kept[0], labels={"fr": "Qualité du sommeil", "en": "Sleep quality"})
    assert fresh.replace_study("petitpas", "published", [renamed, *kept[1:]]) == len(kept)
    rest = [d for d in documents if (d.study, d.state) != ("petitpas", "published")]
    assert fresh.counts() == expected_counts(rest + kept)
    assert names(fresh, "allaitement") == {
        "allaitement",
        "allait_arret_age",
        "allait_duree",
        "allait_ever",
        "Q_ALLAIT",
    }
    assert names(fresh, "qualité") == {renamed.name}
    assert names(fresh, "biberon", visibility=Visibility(frozenset({"naissance"}))) == {"allait_mixte"}


def test_replace_study_with_nothing_empties_it(fresh: SearchBackend) -> None:
    assert fresh.replace_study("naissance", "draft", []) == 0
    assert names(fresh, "biberon", visibility=Visibility(frozenset({"naissance"}))) == set()
    assert "allait_ever" in names(fresh, "allaitement")


def test_replace_study_refuses_documents_of_another_study_and_changes_nothing(
    fresh: SearchBackend, documents: list[SearchDocument]
) -> None:
    stranger = next(d for d in documents if d.study == "naissance" and d.state == "published")
    with pytest.raises(InvalidInput):
        fresh.replace_study("petitpas", "published", [stranger])
    assert fresh.counts() == expected_counts(documents)


def test_delete_study(fresh: SearchBackend, documents: list[SearchDocument]) -> None:
    fresh.delete_study("naissance", "draft")
    assert fresh.counts() == expected_counts(
        [d for d in documents if (d.study, d.state) != ("naissance", "draft")]
    )
    fresh.delete_study("petitpas")
    assert fresh.counts() == expected_counts(
        [d for d in documents if d.study == "naissance" and d.state == "published"]
    )
    assert fresh.search(SearchQuery(filters={"study": ["petitpas"]})).total == 0


def test_rebuild_drops_everything_else_and_reports_progress(
    fresh: SearchBackend, documents: list[SearchDocument]
) -> None:
    subset = [d for d in documents if d.study == "petitpas"]
    steps: list[int] = []
    assert fresh.rebuild(subset, steps.append) == len(subset)
    assert sum(steps) == len(subset)
    assert fresh.counts() == expected_counts(subset)
    assert names(fresh, "allaitement") == {"BF_EVER", "BF_EXCL_M"}


def test_an_empty_index_answers_nothing(backend_factory, tmp_path: Path) -> None:
    backend = backend_factory(tmp_path / "empty")
    assert backend.search(SearchQuery(text="sommeil")).total == 0
    assert backend.counts() == {}
    backend.delete_study("naissance")
    backend.close()


def test_a_reader_opened_before_a_write_sees_it_after(
    backend_factory, documents: list[SearchDocument], tmp_path: Path
) -> None:
    writer = backend_factory(tmp_path / "index")
    writer.rebuild([d for d in documents if d.study == "naissance"])
    reader = backend_factory(tmp_path / "index")
    assert names(reader, "sommeil") == {"sommeil_nuit_h", "Q_SOMMEIL", "reveils_nuit"}
    writer.replace_study(
        "petitpas", "published", [d for d in documents if (d.study, d.state) == ("petitpas", "published")]
    )
    assert names(reader, "sommeil") == {
        "sommeil_nuit_h",
        "Q_SOMMEIL",
        "reveils_nuit",
        "SLEEP_Q1",
        "SLEEP_PROB",
        "SLEEP_DUR_DE",
    }
    writer.delete_study("naissance")
    assert names(reader, "sommeil") == {"SLEEP_Q1", "SLEEP_PROB", "SLEEP_DUR_DE"}
    reader.close()
    writer.close()


def test_a_second_writer_is_refused_while_the_first_writes(
    backend_factory, documents: list[SearchDocument], tmp_path: Path
) -> None:
    first = backend_factory(tmp_path / "index")
    second = backend_factory(tmp_path / "index")
    first.rebuild(documents[:2])
    petitpas = [d for d in documents if (d.study, d.state) == ("petitpas", "published")]

    def documents_while_another_writes():
        with pytest.raises(IndexBusy):
            second.replace_study("naissance", "published", [])
        yield from petitpas

    assert first.replace_study("petitpas", "published", documents_while_another_writes()) == len(petitpas)
    second.replace_study("naissance", "published", [])  # the lock was released
    assert {key[0] for key in second.counts()} == {"petitpas"}
