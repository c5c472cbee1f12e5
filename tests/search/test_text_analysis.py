"""The French and English chains of `search.analysis`, and tantivy's native build of the same chains."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from search.analysis import (
    ANALYZED_LANGUAGES,
    analysis_languages,
    analyze,
    analyze_unstemmed,
    fold,
    prepare,
    tokenize,
)
from search.tantivy_backend import TantivyAnalysis


def terms(text: str, lang: str | None) -> list[str]:
    tokens = analyze(prepare(text), lang) if lang else analyze_unstemmed(prepare(text))
    return [token.term for token in tokens]


@pytest.mark.parametrize(
    "word",
    ["allaitement", "Allaitement", "allaité", "allaitée", "allaitait", "ALLAITÉS", "allaiter", "allaitant"],
)
def test_french_forms_of_allaiter_meet(word: str) -> None:
    assert terms(word, "fr") == ["allait"]


def test_french_stemming_runs_before_folding() -> None:
    assert terms("hospitalisée hospitalisation hospitalisé", "fr") == ["hospitalis"] * 3
    assert terms("écrans Écran", "fr") == ["ecran", "ecran"]
    assert terms("cœur sœurs", "fr") == ["coeur", "soeur"]


def test_french_elisions_and_stop_words_go_but_positions_stay() -> None:
    tokens = analyze(prepare("Durée de l'allaitement jusqu’à l’hôpital"), "fr")
    assert [(t.term, t.position) for t in tokens] == [("dur", 0), ("allait", 2), ("hopital", 5)]
    assert terms("vitamine D", "fr") == ["vitamin", "d"]  # a lone letter is not an elision


def test_english_porter2() -> None:
    assert terms("sleeping sleeps sleep", "en") == ["sleep"] * 3
    assert terms("breastfeeding", "en") == ["breastfeed"]
    assert terms("breastfed", "en") == ["breastf"]  # Porter2 does not reach "breastfeed": they do not meet
    assert terms("the mother's age", "en") == ["mother", "age"]


def test_unstemmed_words_are_folded_and_free_of_both_stop_lists() -> None:
    assert terms("L'Allaitement de the Enfant", None) == ["allaitement", "enfant"]
    assert terms("naïve Œuvre straße", None) == ["naive", "oeuvre", "strasse"]


def test_normalisation_and_long_tokens() -> None:
    assert terms("m² ﬁn", None) == ["m2", "fin"]
    assert tokenize("a" * 39 + " " + "b" * 40) == tokenize("a" * 39)
    assert tokenize(prepare("l’enfant"))[0].start == 2  # the elision is blanked, not cut out


def test_fold_keeps_other_scripts() -> None:
    assert fold("детей") == "детей"
    assert fold("ça") == "ca"


def test_languages_of_a_text() -> None:
    assert analysis_languages("fr-CA") == ("fr",)
    assert analysis_languages("und") == ANALYZED_LANGUAGES
    assert analysis_languages("de") == ()


def test_tantivy_builds_the_same_chains_on_the_catalogue_vocabulary(fixtures_dir: Path) -> None:
    catalogue = json.loads((fixtures_dir / "search" / "catalogue.json").read_text(encoding="utf-8"))
    texts = [
        text
        for item in catalogue
        for key in ("labels", "question_texts", "category_labels", "concept_labels")
        for text in item[key].values()
    ]
    texts.append("Âge à l’arrêt de l'allaitement, qu'il soit mixte ou exclusif ; cœur, straße, m², jusqu'à")
    native = TantivyAnalysis()
    for text in texts:
        for lang in ANALYZED_LANGUAGES:
            assert list(native.stemmed(text, lang)) == analyze(prepare(text), lang), (text, lang)
        assert list(native.unstemmed(text)) == analyze_unstemmed(prepare(text)), text
