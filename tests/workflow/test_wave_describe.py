"""Describing a wave that its source leaves blank (REDCap, SPSS and codebooks carry no wave description)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from api.cli import main
from catalogue.accounts import Actor
from catalogue.audit import chain_verify
from catalogue.errors import InvalidInput, NotFound
from catalogue.imports import Source
from catalogue.store.db import transaction
from catalogue.store.reads import study_by_slug
from catalogue.workflow import wave_describe
from search.base import SearchQuery


def test_a_described_wave_shows_its_title_dates_and_ages_and_feeds_the_age_filter(runtime, fixtures_dir) -> None:
    codebook = fixtures_dir / "workflow" / "alpha-3a-codebook.csv"
    runtime.import_file(Source(name=codebook.name, data=codebook.read_bytes()), study="alpha", wave="3a")
    assert runtime.backend.search(SearchQuery(age_min_months=30, age_max_months=40)).total == 0

    with transaction(runtime.sessions) as session:
        done = wave_describe(session=session, actor=Actor.operator(), study_slug="alpha", wave_name="3a",
                             title={"fr": "Bilan à 3 ans", "en": "3-year check-up"}, start_date="2014-01-06",
                             end_date="2014-12-19", age_min_months=36, age_max_months=38)
    runtime.indexer.sync(wait=True)
    assert set(done["changed"]) == {"title", "start_date", "end_date", "age_min_months", "age_max_months"}
    with runtime.sessions() as session:
        wave = next(w for w in study_by_slug(session, "alpha").waves if w.name == "3a")
        assert wave.title == {"fr": "Bilan à 3 ans", "en": "3-year check-up"}
        assert (wave.start_date, wave.age_min_months, wave.age_max_months) == ("2014-01-06", 36, 38)
        assert chain_verify(session).intact
    assert runtime.backend.search(SearchQuery(age_min_months=30, age_max_months=40)).total > 0


def test_bad_values_are_refused_with_their_field_and_nothing_changes(runtime, fixtures_dir) -> None:
    codebook = fixtures_dir / "workflow" / "alpha-3a-codebook.csv"
    runtime.import_file(Source(name=codebook.name, data=codebook.read_bytes()), study="alpha", wave="3a")
    with pytest.raises(InvalidInput) as refused, transaction(runtime.sessions) as session:
        wave_describe(session=session, actor=Actor.operator(), study_slug="alpha", wave_name="3a",
                      start_date="2014-13-01", age_min_months=40, age_max_months=30)
    assert {p.location.element for p in refused.value.problems} == {"start_date", "age_min_months"}
    with pytest.raises(NotFound), transaction(runtime.sessions) as session:
        wave_describe(session=session, actor=Actor.operator(), study_slug="alpha", wave_name="9a")
    with runtime.sessions() as session:
        wave = next(w for w in study_by_slug(session, "alpha").waves if w.name == "3a")
        assert wave.start_date is None and wave.age_min_months is None


def test_the_cli_describes_a_wave(tmp_path, schemas_dir, fixtures_dir) -> None:
    env = {"DDICAT_DATA_DIR": str(tmp_path / "var"), "DDICAT_DDI_SCHEMAS": str(schemas_dir)}
    runner = CliRunner()
    codebook = fixtures_dir / "workflow" / "alpha-3a-codebook.csv"
    assert runner.invoke(main, ["import", str(codebook), "--study", "alpha", "--wave", "3a"], env=env).exit_code == 0
    result = runner.invoke(main, ["waves", "describe", "alpha", "3a", "--title-en", "3-year check-up",
                                  "--age-min-months", "36"], env=env)
    assert result.exit_code == 0 and "title, age_min_months updated" in result.output
    bad = runner.invoke(main, ["waves", "describe", "alpha", "3a", "--end", "demain"], env=env)
    assert bad.exit_code == 1 and "'demain' is not a date" in bad.stderr
