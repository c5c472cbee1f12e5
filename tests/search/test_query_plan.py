"""Parsed queries spelled out as field matches, the fuzzy decision and what gets highlighted."""

from __future__ import annotations

import pytest

from ddi_schemas.problems import InvalidInput
from search.analysis import SnowballAnalysis
from search.base import SearchQuery
from search.plan import (
    FIELD_BOOSTS,
    FuzzyMatch,
    NameMatch,
    PhraseMatch,
    PrefixMatch,
    TermMatch,
    check_query,
    fuzzy_distance,
    plan_query,
    resolve,
)
from search.query import parse_query

ANALYSIS = SnowballAnalysis()


def test_boosts_rank_name_then_label_question_concept_categories() -> None:
    order = ["name", "label", "question_text", "concept_labels", "category_labels"]
    boosts = [FIELD_BOOSTS[name] for name in order]
    assert boosts == sorted(boosts, reverse=True) and len(set(boosts)) == len(boosts)
    assert FIELD_BOOSTS["name"] >= 100 * FIELD_BOOSTS["label"]


def test_a_word_may_match_every_field_in_both_languages() -> None:
    plan = plan_query(parse_query("Allaitée"), ANALYSIS)
    (term,) = plan.required[0]
    fields = {(m.field, m.term) for m in term.exact if isinstance(m, TermMatch)}
    assert ("label_fr", "allait") in fields and ("label_en", "allaite") in fields
    assert ("words", "allaitee") in fields
    assert NameMatch("allaitée", FIELD_BOOSTS["name"]) in term.exact
    assert term.fuzzy == (FuzzyMatch("words", "allaitee", 2, FIELD_BOOSTS["words"]),)


def test_a_word_typed_without_its_participle_accent_also_matches_the_accented_stems() -> None:
    (term,) = plan_query(parse_query("allaitee"), ANALYSIS).required[0]
    fields = {(m.field, m.term) for m in term.exact if isinstance(m, TermMatch)}
    assert ("label_fr", "allait") in fields and ("label_fr", "allaite") in fields
    assert ("fr", ((0, "allait"),)) in term.stems
    (plain,) = plan_query(parse_query("enfant"), ANALYSIS).required[0]
    assert len({m.term for m in plain.exact if isinstance(m, TermMatch) and m.field == "label_fr"}) == 1


def test_phrases_keep_the_gaps_of_stop_words() -> None:
    (term,) = plan_query(parse_query('"durée de l\'allaitement"'), ANALYSIS).required[0]
    assert PhraseMatch("label_fr", ((0, "dur"), (2, "allait")), FIELD_BOOSTS["label"]) in term.exact
    assert not term.fuzzy


def test_prefix_matches_the_unstemmed_words_up_to_the_first_separator() -> None:
    for text, prefix in (("Écran*", "ecran"), ("sleep_pr*", "sleep"), ("l'allait*", "allait")):
        (term,) = plan_query(parse_query(text), ANALYSIS).required[0]
        assert term.exact == (PrefixMatch("words", prefix, FIELD_BOOSTS["words"]),)


def test_stop_words_drop_out() -> None:
    assert plan_query(parse_query("de la the"), ANALYSIS).is_empty
    assert len(plan_query(parse_query("durée de allaitement"), ANALYSIS).required) == 2


@pytest.mark.parametrize("word, edits", [("lait", 1), ("sommeil", 1), ("allaitement", 2), ("dos", 0)])
def test_fuzzy_distance_by_length(word: str, edits: int) -> None:
    assert fuzzy_distance(word) == edits


def test_resolve_uses_fuzzy_only_for_words_without_exact_match() -> None:
    plan = plan_query(parse_query("sommeil allaitemnt"), ANALYSIS)
    resolved = resolve(plan, lambda matches: any(getattr(m, "term", "") == "sommeil" for m in matches))
    first, second = resolved.required
    assert any(isinstance(m, TermMatch) for m in first)
    assert second == (FuzzyMatch("words", "allaitemnt", 2, FIELD_BOOSTS["words"]),)
    assert resolved.highlighting.fuzzy == {("allaitemnt", 2)}
    assert ((0, "sommeil"),) in resolved.highlighting.words


def test_check_query_refuses_unknown_facets_with_a_location() -> None:
    with pytest.raises(InvalidInput) as refused:
        check_query(SearchQuery(filters={"colour": ["red"]}, facets=("study", "size")))
    assert [p.location.element for p in refused.value.problems] == ["filters", "facets"]
