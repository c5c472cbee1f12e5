"""Search as a researcher meets it, through the HTTP app, on the demo cohorts, their biobank wave and the SNDS:
both languages in one query, accents, case, inflection and typos, names first, every facet and their
composition, and the page and the API giving the same answer from one implementation."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from discovery_catalogue import BIOBANK, BIOBANK_WAVE, client_of, variable_urn

ALL = 200  # the API's largest page


def search(client, **params) -> dict:
    response = client.get("/api/v1/search", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def everything(client, **params) -> list[dict]:
    """Every hit of a search, page by page."""
    hits: list[dict] = []
    while True:
        page = search(client, limit=ALL, offset=len(hits), **params)
        hits += page["hits"]
        if len(hits) >= page["total"] or not page["hits"]:
            assert len(hits) == page["total"]
            return hits


def keys(hits: list[dict]) -> set[tuple[str, str]]:
    return {(hit["study"], hit["urn"]) for hit in hits}


def names(hits: list[dict]) -> set[str]:
    return {hit["name"] for hit in hits}


# --- Words: languages, accents, case, inflection, typos, names ----------------------------------------------


def test_a_french_word_and_its_english_translation_find_the_same_bilingual_variables(discovery_client) -> None:
    french = everything(discovery_client, q="allaitement", study="epipage2", type="Variable")
    english = everything(discovery_client, q="breastfeeding", study="epipage2", type="Variable")
    assert "neo_allait_sortie" in names(french) & names(english)
    found = next(hit for hit in french if hit["name"] == "neo_allait_sortie")
    assert "breastfeeding" in found["label"]["en"].lower() and "allaitement" in found["label"]["fr"].lower()
    # every variable labelled "breastfeeding" in English is found by the French word
    assert {h["name"] for h in english if "breastfeeding" in h["label"].get("en", "").lower()} <= names(french)


@pytest.mark.parametrize("typed", ["ALLAITÉE", "Allaitée", "allaitee", "ALLAITEE"])
def test_accents_and_case_do_not_matter(discovery_client, typed: str) -> None:
    assert keys(everything(discovery_client, q=typed)) == keys(everything(discovery_client, q="allaitée"))


@pytest.mark.parametrize(("typed", "reference"), [("sante", "santé"), ("ecrans", "écrans"), ("periode", "période")])
def test_words_typed_without_their_accents_find_what_the_accented_word_finds(discovery_client, typed, reference):
    assert keys(everything(discovery_client, q=typed)) == keys(everything(discovery_client, q=reference))


def test_inflections_meet(discovery_client) -> None:
    noun = keys(everything(discovery_client, q="allaitement", study="elfe"))
    for form in ("allaité", "allaitée", "allaitait"):
        assert keys(everything(discovery_client, q=form, study="elfe")) == noun, form
    cohorts = ["elfe", "epipage2"]
    assert keys(everything(discovery_client, q="hospitalisées", study=cohorts)) == keys(
        everything(discovery_client, q="hospitalisé", study=cohorts))
    assert keys(everything(discovery_client, q="hospitalisations", study=cohorts)) == keys(
        everything(discovery_client, q="hospitalisation", study=cohorts))
    # the SNDS texts hold the forms themselves too: the stems meet, the exact form may add a few
    assert keys(everything(discovery_client, q="bénéficiaire", study="snds")) <= keys(
        everything(discovery_client, q="bénéficiaires", study="snds"))


@pytest.mark.parametrize(("typo", "expected"), [
    ("allaitment", "m00_allait"),  # a letter missing
    ("alaitemnt", "m00_allait"),  # two missing
    ("allaitemnet", "m00_allait"),  # two letters swapped
    ("alaitement", "m02_allait_excl_sem"),
    ("hospitalsation", "m02_nb_hospit"),
    ("beneficiare", "BEN_SEX_COD"),
])
def test_a_typo_of_one_or_two_letters_still_finds_the_items(discovery_client, typo: str, expected: str) -> None:
    assert expected in names(everything(discovery_client, q=typo, type="Variable"))


def test_a_typo_finds_every_variable_of_the_corrected_word(discovery_client) -> None:
    # Fuzzy matches score alike on every engine (ties come in index order), so this checks what is found.
    typo = {hit["name"] for hit in everything(discovery_client, q="allaitment", type="Variable", study="elfe")}
    exact = {hit["name"] for hit in everything(discovery_client, q="allaitement", type="Variable", study="elfe")}
    named = {name for name in exact if "allait" in name}
    assert named and named <= typo


@pytest.mark.parametrize(("typed", "study"), [("m02_allait", "elfe"), ("neo_allait_sortie", "epipage2"),
                                              ("BEN_SEX_COD", "snds"), ("ben_sex_cod", "snds"),
                                              ("bio_sang_cordon", "elfe")])
def test_a_variable_name_finds_itself_first(discovery_client, typed: str, study: str) -> None:
    first = search(discovery_client, q=typed, limit=5)["hits"][0]
    assert (first["name"].lower(), first["study"]) == (typed.lower(), study)


def test_label_ranks_before_question_text_before_category_labels(discovery_client) -> None:
    # "lactarium" is in a label; "révolues" only in a question text; "Refus" only in category labels.
    label_hits = search(discovery_client, q="lactarium", type="Variable")["hits"]
    assert label_hits[0]["name"] == "neo_lait_lactarium"
    hits = everything(discovery_client, q="sommeil", study="elfe", type="Variable")
    in_label = [i for i, h in enumerate(hits) if "sommeil" in h["label"].get("fr", "").lower()]
    only_text = [i for i, h in enumerate(hits) if "sommeil" not in h["label"].get("fr", "").lower()]
    assert in_label and only_text and max(in_label) < min(only_text)


# --- Facets, each and composed, with counts ---------------------------------------------------------------


def test_every_facet_is_counted_and_the_counts_add_up(discovery_client) -> None:
    result = search(discovery_client, limit=1)
    facets = {name: {v["value"]: v["count"] for v in values} for name, values in result["facets"].items()}
    assert set(facets) == {"study", "wave", "type", "lang", "representation", "data_source", "concept"}
    assert sum(facets["study"].values()) == sum(facets["type"].values()) == result["total"]
    assert set(facets["study"]) == {"elfe", "epipage2", "snds"}
    assert {"questionnaire", "administrative", "biological", "data-file"} <= set(facets["data_source"])
    assert {"code", "numeric", "text", "datetime"} <= set(facets["representation"])
    assert {"fr", "en"} <= set(facets["lang"])
    assert {"Breastfeeding", "Sleep", "Biological samples"} <= set(facets["concept"])


@pytest.mark.parametrize(("facet", "value"), [
    ("study", "snds"), ("wave", "2m"), ("type", "QuestionItem"), ("representation", "datetime"),
    ("data_source", "administrative"), ("concept", "Sleep"),
])
def test_each_facet_filters_to_its_count(discovery_client, facet: str, value: str) -> None:
    counts = {v["value"]: v["count"] for v in search(discovery_client, limit=1)["facets"][facet]}
    filtered = search(discovery_client, limit=1, **{facet: value})
    assert filtered["total"] == counts[value] > 0
    assert {v["value"]: v["count"] for v in filtered["facets"][facet]}[value] == filtered["total"]


def test_data_source_tells_the_snds_and_the_biobank_apart(discovery_client) -> None:
    administrative = everything(discovery_client, data_source="administrative")
    assert {hit["study"] for hit in administrative} == {"snds"}
    biological = everything(discovery_client, data_source="biological")
    assert names(biological) == {"bio_sang_cordon", "bio_cheveux_mere", "bio_colostrum", "bio_urine_mere",
                                 "bio_cordon_volume_ml"}
    assert {tuple(hit["waves"]) for hit in biological} == {(BIOBANK_WAVE,)}
    data_file = everything(discovery_client, data_source="data-file")
    assert data_file and {hit["study"] for hit in data_file} == {"epipage2"}


def test_the_language_facet_keeps_the_items_with_text_in_that_language(discovery_client) -> None:
    everything_ = search(discovery_client, limit=1)
    english = search(discovery_client, lang="en", limit=1)
    french = search(discovery_client, lang="fr", limit=1)
    per_study = {name: {v["value"]: v["count"] for v in result["facets"]["study"]}
                 for name, result in (("all", everything_), ("en", english), ("fr", french))}
    # the SNDS is documented in French (a few of its fields carry an English label too); the cohorts in both
    assert per_study["fr"]["snds"] == per_study["all"]["snds"] > 100 * per_study["en"].get("snds", 0)
    assert per_study["en"]["elfe"] == per_study["fr"]["elfe"] and per_study["en"]["epipage2"] > 0
    assert {v["value"]: v["count"] for v in english["facets"]["lang"]}["en"] == english["total"]


def test_the_age_range_keeps_the_waves_whose_participants_were_that_old(discovery_client, discovery_runtime):
    from catalogue.store.tables import Wave

    with discovery_runtime.sessions() as session:
        ages = {w.name: (w.age_min_months, w.age_max_months) for w in session.query(Wave)}
    hits = everything(discovery_client, age_min=20, age_max=30, type="Variable")
    assert hits
    for hit in hits:
        assert any(ages[w][0] <= 30 and ages[w][1] >= 20 for w in hit["waves"]), hit
    waves = {w for hit in hits for w in hit["waves"]}
    assert "2a" in waves and "maternite" not in waves and "8a5" not in waves
    at_birth = names(everything(discovery_client, age_max=0, type="Variable"))
    assert {"m00_allait", "bio_sang_cordon"} <= at_birth and "m02_allait" not in at_birth


def test_facets_compose_as_the_intersection_of_each_filter(discovery_client) -> None:
    filters = {"study": "elfe", "wave": "2m", "concept": "Sleep", "type": "Variable", "representation": "numeric",
               "lang": "fr", "age_min": 1, "age_max": 4}
    composed = keys(everything(discovery_client, **filters))
    assert composed
    each = [keys(everything(discovery_client, **{name: value})) for name, value in filters.items()
            if name not in ("age_min", "age_max")]
    each.append(keys(everything(discovery_client, age_min=1, age_max=4)))
    expected = set.intersection(*each)
    assert composed == expected
    # several values of one facet are OR-ed
    two_waves = keys(everything(discovery_client, study="elfe", wave=["2m", "1a"], type="Variable"))
    assert two_waves == keys(everything(discovery_client, study="elfe", wave="2m", type="Variable")) | keys(
        everything(discovery_client, study="elfe", wave="1a", type="Variable"))


# --- Versions and drafts ------------------------------------------------------------------------------------


def new_version(document: bytes, ddi_id: str) -> bytes:
    """The biobank document with one variable given version 2, as its producer would when changing it."""
    pattern = re.compile(
        rb"(<r:URN>urn:ddi:fr\.ddicat\.elfe:" + re.escape(ddi_id.encode()) + rb":)1(</r:URN>\s*<r:Agency>[^<]+"
        rb"</r:Agency>\s*<r:ID>" + re.escape(ddi_id.encode()) + rb"</r:ID>\s*<r:Version>)1(</r:Version>)")
    changed, count = pattern.subn(rb"\g<1>2\g<2>2\g<3>", document)
    assert count == 1
    return changed


def test_a_changed_version_is_found_once_with_its_new_version(catalogue_copy, tmp_path: Path) -> None:
    from catalogue.imports import Source

    runtime = catalogue_copy()
    client = client_of(runtime)
    before = search(client, q="cordon", type="Variable")
    assert {(h["name"], h["urn"].rsplit(":", 1)[1]) for h in before["hits"]} == {
        ("bio_sang_cordon", "1"), ("bio_cordon_volume_ml", "1")}
    changed = new_version(BIOBANK.read_bytes(), "elfe-v-bio-sang-cordon").replace(
        "Échantillon de sang de cordon recueilli".encode(), "Échantillon de sang de cordon ombilical recueilli".encode())
    runtime.import_file(Source("elfe-biobank-v2.xml", changed), study="elfe", wave=BIOBANK_WAVE, actor="test")
    after = search(client, q="cordon", type="Variable")
    assert {(h["name"], h["urn"].rsplit(":", 1)[1]) for h in after["hits"]} == {
        ("bio_sang_cordon", "2"), ("bio_cordon_volume_ml", "1")}
    assert search(client, q="ombilical")["total"] == 1
    # the older version is still readable by its URN
    old = variable_urn(runtime, "elfe", "bio_sang_cordon").rsplit(":", 1)[0] + ":1"
    assert client.get(f"/api/v1/items/{old}").json()["label"]["fr"] == "Échantillon de sang de cordon recueilli"


def test_a_draft_is_not_found_by_the_public_but_by_the_study_members(catalogue_copy) -> None:
    from catalogue import accounts
    from catalogue.accounts import Actor
    from catalogue.imports import Source
    from catalogue.store.db import transaction

    runtime = catalogue_copy()
    changed = new_version(BIOBANK.read_bytes(), "elfe-v-bio-cheveux-mere").replace(
        "Mèche de cheveux de la mère recueillie".encode(), "Mèche de cheveux ondulés de la mère recueillie".encode())
    runtime.import_file(Source("elfe-biobank-draft.xml", changed), study="elfe", wave=BIOBANK_WAVE, status="draft")
    operator = Actor.operator()
    with transaction(runtime.sessions) as session:
        accounts.account_create(session=session, actor=operator, email="editor@elfe.test", password="x" * 12)
        accounts.member_grant(session=session, actor=operator, study_slug="elfe", email="editor@elfe.test",
                              role="editor")
        _token, secret = accounts.token_create(session=session, actor=operator, study_slug="elfe", role="viewer",
                                               owner_email="editor@elfe.test")
    client = client_of(runtime)
    assert search(client, q="ondulés")["total"] == 0
    public = search(client, q="cheveux", type="Variable")["hits"]
    assert [(h["name"], h["state"]) for h in public] == [("bio_cheveux_mere", "published")]
    member = client.get("/api/v1/search", params={"q": "ondulés"}, headers={"Authorization": f"Bearer {secret}"})
    assert [(h["name"], h["state"]) for h in member.json()["hits"]] == [("bio_cheveux_mere", "draft")]


# --- One implementation behind the API and the page ---------------------------------------------------------


def page_total(html: str) -> int:
    match = re.search(r'<p class="total" role="status">([\d\s\u202f,.]+)', html)
    assert match, "no total on the page"
    return int(re.sub(r"\D", "", match.group(1)))


def page_hit_links(html: str) -> list[str]:
    return re.findall(r'<li class="hit">\s*<h3><a href="([^"]+)"', html)


def test_the_page_and_the_api_give_the_same_answer(discovery_client) -> None:
    params = {"q": "sommeil", "study": "elfe", "type": "Variable", "age_min": "12", "age_max": "50"}
    api = search(discovery_client, **params)
    page = discovery_client.get("/search", params={**params, "language": "fr"})
    api_fr = search(discovery_client, lang="fr", **params)
    assert page.status_code == 200
    assert page_total(page.text) == api_fr["total"] == api["total"]
    urls = [unescape(href) for href in page_hit_links(page.text)]
    assert [u.split("/", 2)[2] for u in urls] == [h["urn"] for h in api_fr["hits"]]


def test_the_page_shows_every_facet_the_age_range_and_keeps_every_filter_in_its_links(discovery_client) -> None:
    params = {"q": "allaitement", "study": "elfe", "age_min": "0", "age_max": "13", "language": "en", "lang": "en"}
    html = discovery_client.get("/search", params=params).text
    for heading in ("Cohorts", "Waves", "Type", "Language", "Representation", "Data source", "Topic"):
        assert f">{heading}</h3>" in html, heading
    assert 'name="age_min"' in html and 'name="age_max"' in html and 'value="13"' in html
    facet_links = [unescape(h) for h in re.findall(r'<section class="facet"[^>]*>.*?</section>', html, re.S)
                   for h in re.findall(r'href="([^"]+)"', h)]
    assert facet_links
    for link in facet_links:
        query = parse_qs(urlsplit(link).query)
        assert query["q"] == ["allaitement"] and query["age_min"] == ["0"] and query["age_max"] == ["13"]
    # a shared link gives the same search: follow the "2m" wave link and compare with the API
    wave_link = next(link for link in facet_links if parse_qs(urlsplit(link).query).get("wave") == ["2m"])
    followed = discovery_client.get(wave_link)
    query = {k: v if len(v) > 1 else v[0] for k, v in parse_qs(urlsplit(wave_link).query).items()}
    query["lang"] = query.pop("language")
    assert page_total(followed.text) == search(discovery_client, **query)["total"]


def test_the_french_page_shows_the_same_facets_in_french(discovery_client) -> None:
    html = discovery_client.get("/search", params={"q": "sommeil", "lang": "fr"}).text
    for heading in ("Cohortes", "Vagues", "Langue", "Source des données", "Thème"):
        assert f">{heading}</h3>" in html, heading
    assert "Âge des participants" in html
