"""The public face on the demo catalogue: cohort, wave, instrument, variable and question pages, fr and en."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

HTML = {"accept": "text/html"}
STUDY_URN = "urn:ddi:fr.ddicat.elfe:elfe-cohort:1"
INSTRUMENT = "urn:ddi:fr.ddicat.elfe:elfe-instr-m12:1"
VARIABLE = "urn:ddi:fr.ddicat.elfe:elfe-v-m12-troubles-sommeil:1"
QUESTION = "urn:ddi:fr.ddicat.elfe:elfe-qi-sleep-hours:1"


class Head(HTMLParser):
    """The head facts a crawler reads: title, description, canonical and alternate links, JSON-LD."""

    def __init__(self) -> None:
        super().__init__()
        self.title = ""
        self.description = ""
        self.canonical = ""
        self.alternates: dict[str, str] = {}
        self.json_ld: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "title":
            self._in = "title"
        elif tag == "meta" and a.get("name") == "description":
            self.description = a.get("content") or ""
        elif tag == "link" and a.get("rel") == "canonical":
            self.canonical = a.get("href") or ""
        elif tag == "link" and a.get("rel") == "alternate" and a.get("hreflang"):
            self.alternates[a["hreflang"] or ""] = a.get("href") or ""
        elif tag == "script" and a.get("type") == "application/ld+json":
            self._in = "json"

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "title":
            self.title += data
        elif self._in == "json":
            self.json_ld.append(data)


def head_of(html: str) -> Head:
    parser = Head()
    parser.feed(html)
    return parser


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


PAGES = [
    "/",
    "/studies/elfe",
    "/studies/elfe/waves/1a",
    f"/instruments/{INSTRUMENT}",
    f"/variables/{VARIABLE}",
    f"/questions/{QUESTION}",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_a_title_a_description_a_canonical_link_and_language_alternates(
    demo_client, path
) -> None:
    for lang, query in (("fr", ""), ("en", "?lang=en")):
        response = demo_client.get(path + query, headers=HTML)
        assert response.status_code == 200, path
        head = head_of(response.text)
        assert f'<html lang="{lang}">' in response.text
        assert head.title.strip() and len(head.description) > 20
        assert head.canonical.startswith("http://") and head.canonical.endswith(query or path[-1])
        assert set(head.alternates) == {"fr", "en", "x-default"}
        assert head.alternates["en"].endswith("?lang=en") and "?lang=" not in head.alternates["fr"]
        assert head.alternates[lang] == head.canonical
        assert (
            '<main id="main">' in response.text and "<header" in response.text and "<footer" in response.text
        )


def test_home_cards_show_the_key_facts_of_each_cohort(demo_client) -> None:
    french = text_of(demo_client.get("/", headers=HTML).text)
    english = text_of(demo_client.get("/?lang=en", headers=HTML).text)
    assert "Année de début 2011" in french and "Start year 2011" in english
    assert (
        "Participants 18 000" in french and "Participants 18,000" in english
    )  # as each language writes numbers
    assert (
        "<dd>18\u202f000</dd>" in demo_client.get("/", headers=HTML).text
    )  # a narrow no-break space in French
    waves = len(demo_client.get("/api/v1/studies/elfe").json()["waves"])
    assert f"Vagues {waves}" in french and f"Waves {waves}" in english
    assert "Allaitement" in french and "Breastfeeding" in english  # topics, in the page's language
    assert "Sources des données questionnaires" in french and "Data sources questionnaire" in english


def test_cohort_page_shows_design_access_timeline_and_topic_coverage(demo_client) -> None:
    html = demo_client.get("/studies/elfe?lang=en", headers=HTML).text
    page = text_of(html)
    assert "prospective birth cohort" in page and "How to request access" in page
    assert 'href="https://www.elfe-france.fr"' in html
    svg = re.search(
        r"<svg role=\"img\" aria-labelledby=\"timeline-title timeline-desc\".*?</svg>", html, re.S
    )
    assert svg is not None and '<title id="timeline-title">' in svg.group(0)
    waves = demo_client.get("/api/v1/studies/elfe").json()["waves"]
    assert svg.group(0).count('class="bar"') == len(
        [w for w in waves if w["start_date"]]
    ) and "12–13 months" in svg.group(0)
    assert '<desc id="timeline-desc">' in svg.group(0) and "Apr 1, 2012" in svg.group(0)
    for wave in ("maternite", "2m", "1a", "3a5", "5a5"):
        assert f'href="/studies/elfe/waves/{wave}?lang=en"' in html
    assert f'href="/instruments/{INSTRUMENT}?lang=en"' in html
    coverage = re.search(r'<table class="coverage">.*?</table>', html, re.S)
    assert coverage is not None
    assert "Breastfeeding" in coverage.group(0)
    assert (
        "/search?study=elfe&amp;wave=1a&amp;concept=Breastfeeding&amp;type=Variable&amp;lang=en"
        in coverage.group(0)
    )


def test_the_coverage_counts_lead_to_exactly_those_variables(demo_client) -> None:
    html = demo_client.get("/studies/elfe", headers=HTML).text
    link = re.search(
        r'href="(/search\?study=elfe&amp;wave=1a&amp;concept=Breastfeeding&amp;type=Variable)">(\d+)<', html
    )
    assert link is not None
    found = demo_client.get(link.group(1).replace("&amp;", "&"), headers=HTML).text
    assert re.search(rf"<p class=\"total\" role=\"status\">{link.group(2)} résultats?</p>", found)


def test_wave_page_lists_instruments_topics_and_variables(demo_client) -> None:
    french = demo_client.get("/studies/elfe/waves/1a", headers=HTML)
    english = demo_client.get("/studies/elfe/waves/1a?lang=en", headers=HTML)
    assert "Enquête à 1 an" in french.text and "1-year survey" in english.text
    assert "12–13 mois" in text_of(french.text) and "12–13 months" in text_of(english.text)
    assert f'href="/instruments/{INSTRUMENT}"' in french.text
    assert (
        "m12_troubles_sommeil" in french.text and 'rel="next"' in french.text and 'rel="prev"' in french.text
    )
    assert demo_client.get("/studies/elfe/waves/nope", headers=HTML).status_code == 404


def test_instrument_page_walks_the_flow_with_routing_loops_and_responses(demo_client) -> None:
    html = demo_client.get(f"/instruments/{INSTRUMENT}?lang=en", headers=HTML).text
    assert '<code class="condition" data-language="ddicat-condition">hospit == 1</code>' in html
    assert "If the child was hospitalised" in html and "Then" in html
    assert '<code class="condition" data-language="ddicat-condition">i &lt;= nb_hospit</code>' in html
    assert '<h3 id="section-1">' in html  # sections as headings under the flow's h2
    assert "Don&#39;t know" in html or "Don't know" in html  # response options inline
    assert 'href="/variables/urn:ddi:fr.ddicat.elfe:elfe-v-m12-hospit:1?lang=en"' in html
    french = demo_client.get(f"/instruments/{INSTRUMENT}", headers=HTML).text
    assert "Si l&#39;enfant a été hospitalisé" in french or "Si l'enfant a été hospitalisé" in french
    assert ">Sinon<" in french or ">Alors<" in french


def test_variable_page_has_downloads_and_a_property_value_in_json_ld(demo_client) -> None:
    html = demo_client.get(f"/variables/{VARIABLE}?lang=en", headers=HTML).text
    for suffix in (".xml", ".json", ".csv"):
        assert f'href="/api/v1/items/{VARIABLE}{suffix}"' in html
    head = head_of(html)
    data = json.loads(head.json_ld[0])
    assert data["@type"] == "PropertyValue" and data["propertyID"] == VARIABLE
    assert {
        "value": "-9",
        "name": "Don't know",
        "description": "missing value",
        "@type": "PropertyValue",
    } in data["valueReference"]
    assert data["subjectOf"]["@id"].endswith("/studies/elfe#dataset")


def test_metadata_falls_back_to_the_other_language(demo_client) -> None:
    # The population is written in English only: the French page shows it, marked as English text.
    html = demo_client.get("/studies/elfe", headers=HTML).text
    assert "Children born in 2011" in html


def test_sitemap_lists_every_page_with_alternates_and_robots_points_at_it(demo_client) -> None:
    sitemap = demo_client.get("/sitemap.xml")
    assert sitemap.status_code == 200 and sitemap.headers["content-type"].startswith("application/xml")
    assert "<loc>http://127.0.0.1:8000/studies/elfe/waves/1a</loc>" in sitemap.text
    assert f"<loc>http://127.0.0.1:8000/instruments/{INSTRUMENT}?lang=en</loc>" in sitemap.text
    assert f'hreflang="en" href="http://127.0.0.1:8000/variables/{VARIABLE}?lang=en"' in sitemap.text
    robots = demo_client.get("/robots.txt").text
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in robots and "Disallow: /search" in robots


def test_item_links_redirect_instruments_to_their_page(demo_client) -> None:
    response = demo_client.get(f"/items/{INSTRUMENT}?lang=en", headers=HTML, follow_redirects=False)
    assert (
        response.status_code == 301 and response.headers["location"] == f"/instruments/{INSTRUMENT}?lang=en"
    )
    assert demo_client.get(f"/instruments/{VARIABLE}", headers=HTML).status_code == 404
