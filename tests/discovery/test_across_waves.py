"""The same question across waves, through the HTTP app: the waves where a study asked it again, in order of
the participants' age, why each counts as the same, and what changed in wording and code list."""

from __future__ import annotations

import re
from pathlib import Path

from discovery_catalogue import client_of, variable_urn

SOLEIL_WAVES = ("6m", "12m", "24m")


def waves_of(client, urn: str) -> dict:
    response = client.get(f"/api/v1/items/{urn}/waves")
    assert response.status_code == 200, response.text
    return response.json()


def test_a_demo_variable_asked_at_five_waves_with_the_participants_age(discovery_client, discovery_runtime):
    urn = variable_urn(discovery_runtime, "elfe", "m02_sommeil_nuit_h")
    found = waves_of(discovery_client, urn)
    assert found["asked_in"] == ["2m", "1a", "3a5", "5a5", "8a5"]
    assert found["ages_months"] == [[2, 3], [12, 13], [42, 44], [66, 69], [102, 104]]
    by_wave = {wave["name"]: wave for wave in found["waves"]}
    assert not by_wave["maternite"]["asked"] and not by_wave["prelevements"]["asked"]
    assert [(o["name"], o["reason"]) for o in by_wave["1a"]["occurrences"]] == [("m12_sommeil_nuit_h", "same question")]
    assert by_wave["1a"]["changes"] == {"from": "2m", "to": "1a", "texts": [], "codes": [], "same": True}
    # The 8.5-year wave came from a REDCap codebook: another question item, the same label, a new wording.
    assert [(o["name"], o["reason"]) for o in by_wave["8a5"]["occurrences"]] == [("sommeil_nuit_h", "same label")]
    texts = {(t["field"], t["lang"]): (t["before"], t["after"]) for t in by_wave["8a5"]["changes"]["texts"]}
    assert texts[("text", "fr")] == ("Combien d'heures votre enfant dort-il habituellement la nuit ?",
                                     "Heures de sommeil par nuit")
    assert texts[("text", "en")][1] == "Hours of sleep per night"
    # the waves come in order of the participants' age
    ages = [w["age_min_months"] for w in found["waves"]]
    assert ages == sorted(ages)


def test_a_question_is_followed_through_the_waves_that_ask_it(discovery_client, discovery_runtime) -> None:
    question = discovery_client.get(f"/api/v1/items/{variable_urn(discovery_runtime, 'elfe', 'm02_sommeil_nuit_h')}")
    question_urn = question.json()["questions"][0]["urn"]
    found = waves_of(discovery_client, question_urn)
    assert found["type"] == "QuestionItem" and found["asked_in"] == ["2m", "1a", "3a5", "5a5"]


def test_the_timeline_page_says_the_same_in_french_without_javascript(discovery_client, discovery_runtime) -> None:
    urn = variable_urn(discovery_runtime, "elfe", "m02_sommeil_nuit_h")
    html = discovery_client.get(f"/variables/{urn}/waves", params={"lang": "fr"}).text
    assert "<script" not in html.split("</head>", 1)[1]
    steps = re.findall(r'<li class="(asked|absent)">\s*<h2><a href="[^"]+">([^<]+)</a>', html)
    assert [kind for kind, _title in steps].count("asked") == 5
    assert "Posée à 5 des 7 vagues de l'étude." in html
    assert "Pas posée à cette vague." in html
    assert '<del lang="fr">Combien d&#39;heures votre enfant dort-il habituellement la nuit ?</del>' in html
    assert '<ins lang="fr">Heures de sommeil par nuit</ins>' in html
    assert "2–3 mois" in html and "8,5–8,7 ans" in html
    # the variable's page links here
    page = discovery_client.get(f"/variables/{urn}", params={"lang": "fr"}).text
    assert f'href="/variables/{urn}/waves"' in page  # French is the catalogue's first language: no ?lang=


def import_soleil(runtime, fixtures_dir: Path) -> None:
    from catalogue.imports import Source

    for wave in SOLEIL_WAVES:
        source = Source.from_path(fixtures_dir / "discovery" / f"soleil-{wave}.csv", max_bytes=10_000_000)
        runtime.import_file(source, study="soleil", wave=wave)


def test_wording_and_code_list_changes_between_waves(runtime, fixtures_dir: Path) -> None:
    import_soleil(runtime, fixtures_dir)
    client = client_of(runtime)
    sleep = waves_of(client, variable_urn_in_wave(runtime, "soleil_sommeil", "6m"))
    assert sleep["asked_in"] == list(SOLEIL_WAVES)
    twelve = sleep["waves"][1]
    assert [(o["name"], o["reason"]) for o in twelve["occurrences"]] == [("soleil_sommeil", "same name")]
    assert {(t["field"], t["lang"], t["after"]) for t in twelve["changes"]["texts"]} == {
        ("text", "fr", "Votre enfant dort-il bien la nuit ?"), ("text", "en", "Does your child sleep well at night?")}
    codes = {c["value"]: (c["changes"], c["before"], c["after"]) for c in twelve["changes"]["codes"]}
    assert codes["1"][0] == ["relabelled"] and codes["1"][2]["label"] == {"fr": "Très bien", "en": "Very well"}
    assert codes["4"][0] == ["added"] and set(codes) == {"1", "4"}
    later = sleep["waves"][2]["changes"]
    assert later["texts"] == [] and [(c["value"], c["changes"]) for c in later["codes"]] == [("4", ["removed"])]
    # asked at 6 and 24 months, not at 12: the gap shows, and the change is measured across it
    care = waves_of(client, variable_urn_in_wave(runtime, "soleil_garde", "6m"))
    assert [w["asked"] for w in care["waves"]] == [True, False, True]
    assert care["waves"][2]["changes"]["from"] == "6m"
    assert [(c["value"], c["changes"]) for c in care["waves"][2]["changes"]["codes"]] == [("4", ["added"])]
    html = client.get(f"/variables/{variable_urn_in_wave(runtime, 'soleil_sommeil', '6m')}/waves",
                      params={"lang": "en"}).text
    assert "Changes since 6m" in html and "<ins>Very well</ins>" in html and "added" in html


def variable_urn_in_wave(runtime, name: str, wave: str) -> str:
    from catalogue.store.reads import Viewer, load_snapshot, study_by_slug, visible_release

    with runtime.sessions() as session:
        study = study_by_slug(session, "soleil")
        snapshot = load_snapshot(session, visible_release(session, study, Viewer.public()))
        wave_id = next(w.id for w in snapshot.waves if w.name == wave)
        return next(item.urn for key, item in snapshot.items.items()
                    if item.TYPE == "Variable" and item.name == name and wave_id in snapshot.waves_of.get(key, []))


def test_only_variables_and_questions_have_an_across_waves_view(discovery_client, discovery_runtime) -> None:
    concept = discovery_client.get("/api/v1/search", params={"q": "Sommeil", "type": "Concept"}).json()["hits"][0]
    response = discovery_client.get(f"/api/v1/items/{concept['urn']}/waves")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert discovery_client.get("/api/v1/items/urn:ddi:fr.nowhere:nothing:1/waves").status_code == 404
