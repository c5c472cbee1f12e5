"""What a text query finds, the same on every engine (run once per engine in `ENGINES`)."""

from __future__ import annotations

import pytest

from search.base import SearchBackend, SearchQuery, SearchResult

BREASTFEEDING = {
    "allaitement",
    "allait_arret_age",
    "allait_duree",
    "allait_ever",
    "BF_EXCL_M",
    "BF_EVER",
    "Q_ALLAIT",
}
SLEEP = {"sommeil_nuit_h", "Q_SOMMEIL", "reveils_nuit", "SLEEP_Q1", "SLEEP_PROB", "SLEEP_DUR_DE"}
HOSPITAL = {"hosp_1an", "Q_HOSP", "HOSP_ADM"}
SCREENS = {"ecran_temps", "SCREEN_TV"}


def find(backend: SearchBackend, text: str, **options: object) -> SearchResult:
    return backend.search(SearchQuery(text=text, limit=100, **options))  # type: ignore[arg-type]


def names(backend: SearchBackend, text: str) -> set[str]:
    result = find(backend, text)
    assert result.total == len(result.hits)
    return {hit.name for hit in result.hits}


@pytest.mark.parametrize("text", ["allaitement", "Allaitement", "ALLAITEMENT", "ALLAITÉ", "allaite"])
def test_accents_and_case_do_not_matter(catalogue: SearchBackend, text: str) -> None:
    assert names(catalogue, text) == BREASTFEEDING


@pytest.mark.parametrize("text", ["allaité", "allaitée", "allaités", "allaitait", "allaiter", "allaitements"])
def test_french_inflections_meet(catalogue: SearchBackend, text: str) -> None:
    assert names(catalogue, text) == BREASTFEEDING


def test_hospitalisee_meets_hospitalisation(catalogue: SearchBackend) -> None:
    assert names(catalogue, "hospitalisée") == names(catalogue, "hospitalisation") == HOSPITAL


@pytest.mark.parametrize("typed", ["hospitalisee", "HOSPITALISEES", "allaitee"])
def test_a_participle_typed_without_its_accent_finds_what_the_accented_one_finds(
    catalogue: SearchBackend, typed: str
) -> None:
    accented = typed.lower().replace("ee", "ée")
    assert names(catalogue, typed) == names(catalogue, accented) != set()


def test_english_stems(catalogue: SearchBackend) -> None:
    assert names(catalogue, "sleeping") == names(catalogue, "sleep") == SLEEP
    assert names(catalogue, "hospitalised") == HOSPITAL
    # "breastfed" and "breastfeeding" have different Porter2 stems: each finds its own form
    assert names(catalogue, "breastfed") == {"allait_ever", "Q_ALLAIT", "allait_arret_age", "BF_EVER"}
    assert "allait_duree" in names(catalogue, "breastfeeding")


def test_french_word_finds_item_labelled_in_english_through_its_french_text(catalogue: SearchBackend) -> None:
    hits = {hit.name: hit for hit in find(catalogue, "allaitement").hits}
    assert "breastfeeding" in hits["BF_EXCL_M"].labels["en"].lower()
    assert names(catalogue, "sommeil") == names(catalogue, "sleep")


def test_und_text_is_analysed_in_both_languages(catalogue: SearchBackend) -> None:
    assert names(catalogue, "mère") == names(catalogue, "mother") == {"MOTHER_AGE"}
    assert names(catalogue, "accouchements") == {"MOTHER_AGE"}  # French stemming of an "und" text


def test_other_languages_are_found_word_for_word(catalogue: SearchBackend) -> None:
    assert names(catalogue, "Schlafdauer") == {"SLEEP_DUR_DE"}


def test_prefix(catalogue: SearchBackend) -> None:
    assert names(catalogue, "allait*") == BREASTFEEDING
    assert names(catalogue, "hosp*") == HOSPITAL
    assert names(catalogue, "sleep_*") == names(catalogue, "sleep*") == SLEEP  # words, and parts of names
    assert names(catalogue, "reveils_*") == {"reveils_nuit"}


@pytest.mark.parametrize("text", ["allaitment", "allaitemnt", "alaitement"])
def test_typo_gets_a_fuzzy_chance(catalogue: SearchBackend, text: str) -> None:
    found = names(catalogue, text)
    assert {"allait_duree", "BF_EXCL_M", "allaitement"} <= found <= BREASTFEEDING


def test_fuzzy_only_when_the_word_matches_nothing(catalogue: SearchBackend) -> None:
    # "sommeil" exists: no fuzzy neighbour is added; a short unknown word gets no fuzzy chance
    assert names(catalogue, "sommeil") == SLEEP
    assert names(catalogue, "xyz") == set()
    assert names(catalogue, "somneil") == SLEEP  # one edit allowed on 7 letters


def test_words_are_anded(catalogue: SearchBackend) -> None:
    assert names(catalogue, "sommeil enfant") == {"sommeil_nuit_h", "Q_SOMMEIL", "SLEEP_Q1"}
    assert names(catalogue, "sommeil zzzzzzzz") == set()


def test_phrase(catalogue: SearchBackend) -> None:
    assert names(catalogue, '"durée de l\'allaitement"') == {"allait_duree", "BF_EXCL_M"}
    assert names(catalogue, "«durée de l'allaitement»") == {"allait_duree", "BF_EXCL_M"}
    assert names(catalogue, '"allaitement durée"') == set()


def test_exclusion(catalogue: SearchBackend) -> None:
    assert names(catalogue, "allaitement -durée") == BREASTFEEDING - {"allait_duree", "BF_EXCL_M"}
    assert names(catalogue, 'allaitement -"durée de l\'allaitement"') == BREASTFEEDING - {
        "allait_duree",
        "BF_EXCL_M",
    }


def test_or(catalogue: SearchBackend) -> None:
    assert names(catalogue, "écrans OR hospitalisation") == SCREENS | HOSPITAL
    assert names(catalogue, "écrans OR hospitalisation enfant") == {"hosp_1an", "Q_HOSP"}


def test_stop_words_alone_find_everything_visible(catalogue: SearchBackend) -> None:
    assert find(catalogue, "de la the").total == find(catalogue, "").total


def test_exact_variable_name_comes_first(catalogue: SearchBackend) -> None:
    assert find(catalogue, "hosp_1an").hits[0].name == "hosp_1an"
    assert find(catalogue, "sleep_prob").hits[0].name == "SLEEP_PROB"
    # a name that is also a word: the variable so named first, the other matches after it
    result = find(catalogue, "allaitement")
    assert result.hits[0].name == "allaitement" and result.total == len(BREASTFEEDING)


def test_label_outranks_category_labels(catalogue: SearchBackend) -> None:
    order = [hit.name for hit in find(catalogue, "lait").hits]
    assert order == ["FEEDING_GRID"]
    ranked = [hit.name for hit in find(catalogue, "sommeil").hits]
    assert ranked.index("sommeil_nuit_h") < ranked.index("SLEEP_Q1")  # label before concept-only match


def test_highlights_mark_matched_words_and_escape_the_rest(catalogue: SearchBackend) -> None:
    hits = {hit.name: hit for hit in find(catalogue, "allaitée").hits}
    assert hits["allait_duree"].highlights["label"] == ["Durée de l'<mark>allaitement</mark> (semaines)"]
    assert hits["Q_ALLAIT"].highlights["question_text"] == [
        "Votre enfant est-il <mark>allaité</mark> actuellement ?"
    ]
    screens = {hit.name: hit for hit in find(catalogue, "tablette").hits}
    assert screens["SCREEN_TV"].highlights["label"] == [
        "Heures devant les écrans (télévision &amp; <mark>tablette</mark>) par jour"
    ]


def test_highlights_follow_prefix_fuzzy_phrase_and_category_labels(catalogue: SearchBackend) -> None:
    prefix = {hit.name: hit for hit in find(catalogue, "hospitalis*").hits}
    assert set(prefix["hosp_1an"].highlights["label"]) == {
        "<mark>Hospitalisation</mark> de l'enfant depuis la naissance",
        "Child <mark>hospitalisation</mark> since birth",
    }
    fuzzy = {hit.name: hit for hit in find(catalogue, "allaitemnt").hits}
    assert "<mark>allaitement</mark>" in fuzzy["allait_duree"].highlights["label"][0]
    phrase = {hit.name: hit for hit in find(catalogue, '"lait maternel"').hits}
    assert phrase["FEEDING_GRID"].highlights["category_labels"] == [
        "<mark>Lait</mark> <mark>maternel</mark> / Lait infantile / Eau"
    ]
    assert all(
        "<mark>" in fragment
        for hit in find(catalogue, "sommeil").hits
        for fragments in hit.highlights.values()
        for fragment in fragments
    )
