"""The server-rendered pages on the demo catalogue, in French and English."""

from __future__ import annotations

import re

VARIABLE = "urn:ddi:fr.ddicat.elfe:elfe-v-m12-troubles-sommeil:1"
QUESTION = "urn:ddi:fr.ddicat.elfe:elfe-qi-sleep-hours:1"
HTML = {"accept": "text/html"}


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_home_lists_the_cohorts_with_a_search_box_in_both_languages(demo_client) -> None:
    french = demo_client.get("/", headers=HTML)
    english = demo_client.get("/?lang=en", headers=HTML)
    assert french.status_code == english.status_code == 200
    assert '<html lang="fr">' in french.text and '<html lang="en">' in english.text
    assert 'type="search"' in french.text and "Cohortes" in french.text and "Cohorts" in english.text
    assert "/studies/elfe" in french.text and "/studies/epipage2" in french.text


def test_search_page_shows_results_and_facets(demo_client) -> None:
    page = demo_client.get("/search", params={"q": "allaitement"}, headers=HTML)
    assert page.status_code == 200
    assert "résultats" in page.text and "<mark>" in page.text
    assert "study=elfe" in page.text  # a facet link


def test_study_page_lists_waves_and_counts(demo_client) -> None:
    page = text_of(demo_client.get("/studies/elfe?lang=en", headers=HTML).text)
    assert "Waves" in page and "2-month survey" in page or "2 months" in page
    assert "Variables" in page


def test_question_page_shows_text_response_domain_and_the_variables_it_feeds(demo_client) -> None:
    page = text_of(demo_client.get(f"/questions/{QUESTION}?lang=en", headers=HTML).text)
    assert "Question text" in page and "Response domain" in page
    assert "Variables fed by this question" in page and "sommeil" in page


def test_variable_page_shows_code_list_missing_source_question_other_waves_and_download(demo_client) -> None:
    html = demo_client.get(f"/variables/{VARIABLE}", headers=HTML).text
    page = text_of(html)
    assert "Liste de codes" in page and "manquante" in page
    assert "Question source" in page and "La même variable dans d'autres vagues" in page
    assert VARIABLE in page and f"/api/v1/items/{VARIABLE}.xml" in html


def test_an_unknown_page_is_an_error_page_not_a_traceback(demo_client) -> None:
    page = demo_client.get("/variables/urn:ddi:fr.ddicat.elfe:nope:1", headers=HTML)
    assert page.status_code == 404 and "<html" in page.text and "Traceback" not in page.text
