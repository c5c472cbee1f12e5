"""Comparable variables across cohorts through the HTTP app: candidates scored with their reasons, the
precision of the ranking on a labelled set, confirmation and rejection by the managers, the shared concept on
both variables and in DDI-L exports."""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import sys
from pathlib import Path

import pytest
from discovery_catalogue import Browser, client_of, make_account, make_token, study_id, variable_urn
from lxml import etree

from benchmarks.comparable import evaluate, labelled_set

PROJECT = Path(__file__).resolve().parents[2]
FEATURES = {"label", "question", "codes", "name", "concept"}


def comparable(client, urn: str, **params) -> dict:
    response = client.get(f"/api/v1/items/{urn}/comparable", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_candidates_come_from_the_other_cohorts_with_their_scores_and_reasons(discovery_client, discovery_runtime):
    urn = variable_urn(discovery_runtime, "elfe", "m66_sommeil_nuit_h")
    found = comparable(discovery_client, urn)
    assert found["variable"]["urn"] == urn and set(found["weights"]) == FEATURES
    assert abs(sum(found["weights"].values()) - 1) < 1e-9
    candidates = found["candidates"]
    assert candidates and all(c["study"] != "elfe" for c in candidates)
    top = {(c["study"], c["name"]) for c in candidates[:3]}
    assert top == {("epipage2", "m12_sommeil_nuit_h"), ("epipage2", "m24_sommeil_nuit_h"),
                   ("epipage2", "m66_sommeil_nuit_h")}
    scores = [c["score"] for c in candidates]
    assert scores == sorted(scores, reverse=True) and 0 <= scores[-1] <= scores[0] <= 1
    best = candidates[0]
    by_feature = {(f["name"], f["lang"]): f for f in best["features"]}
    assert {name for name, _lang in by_feature} == FEATURES
    assert by_feature[("label", "fr")]["left"] == "Heures de sommeil par nuit"  # the wave is left out
    assert by_feature[("label", "fr")]["value"] == by_feature[("label", "en")]["value"] == 1.0
    assert "label fr 1.00: «Heures de sommeil par nuit» / «Heures de sommeil par nuit»" in best["reasons"]
    assert "same topic «Sleep»" in best["reasons"]


def test_code_lists_are_compared_category_by_category_missing_codes_left_out(discovery_client, discovery_runtime):
    urn = variable_urn(discovery_runtime, "elfe", "m02_allait_arret_motif")
    candidates = comparable(discovery_client, urn)["candidates"]
    first = candidates[0]
    assert first["name"] == "m12_allait_arret_motif" and first["study"] == "epipage2"
    codes = next(f for f in first["features"] if f["name"] == "codes")
    assert codes["common"] == codes["total"] > 1
    assert f"code list {codes['common']}/{codes['total']} categories in common" in first["reasons"]


def test_differently_worded_counterparts_are_found_by_question_and_name(discovery_client, discovery_runtime):
    # REDCap wave of Elfe: "How many times?" as label, against Epipage 2's "Number of hospitalisations".
    urn = variable_urn(discovery_runtime, "elfe", "nb_hospit")
    names = [c["name"] for c in comparable(discovery_client, urn, limit=5)["candidates"]]
    assert set(names) & {"hospit_n", "m12_nb_hospit", "m24_nb_hospit", "m66_nb_hospit"}


def test_the_ranking_keeps_its_measured_precision_on_the_labelled_set(discovery_runtime) -> None:
    """Floors under the figures recorded in BENCHMARKS.md (## Comparable variables (issue 5))."""
    summary = evaluate(discovery_runtime, labelled_set()).summary()
    assert summary["variables"] >= 50
    assert summary["precision@5"] >= 0.38
    assert summary["bounded precision@5"] >= 0.95
    assert summary["recall@5"] >= 0.95
    assert summary["MRR"] >= 0.93
    assert summary["hit@1"] >= 0.9


def test_the_page_shows_the_candidates_and_their_reasons_in_french(discovery_client, discovery_runtime) -> None:
    urn = variable_urn(discovery_runtime, "elfe", "m66_sommeil_nuit_h")
    html = discovery_client.get(f"/variables/{urn}/comparable", params={"lang": "fr"}).text
    assert "m12_sommeil_nuit_h" in html and "Candidats" in html
    assert "libellé (fr)</strong> 1.00" in html and "même thème" in html
    assert "Confirmer" not in html  # the public sees no decision form
    page = discovery_client.get(f"/variables/{urn}", params={"lang": "fr"}).text
    assert f'href="/variables/{urn}/comparable"' in page


def test_managers_confirm_and_reject_and_the_link_shows_on_both_variables(catalogue_copy, schemas_dir) -> None:
    from catalogue.audit import AuditEvent

    runtime = catalogue_copy()
    client = client_of(runtime)
    elfe_var = variable_urn(runtime, "elfe", "m02_allait_arret_motif")
    epi_var = variable_urn(runtime, "epipage2", "m12_allait_arret_motif")
    url = f"/api/v1/items/{elfe_var}/comparable/{epi_var}/confirm"
    assert client.post(url).status_code == 401
    make_account(runtime, "viewer@epipage2.test", roles={"epipage2": "viewer"})
    viewer = make_token(runtime, "viewer@epipage2.test", "epipage2", "viewer")
    assert client.post(url, headers={"Authorization": f"Bearer {viewer}"}).status_code == 403
    # a manager of EITHER study decides: here Epipage 2's, who has no role on Elfe
    make_account(runtime, "manager@epipage2.test", roles={"epipage2": "manager"})
    manager = make_token(runtime, "manager@epipage2.test", "epipage2", "manager")
    answer = client.post(url, headers={"Authorization": f"Bearer {manager}"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "confirmed" and answer.json()["score"] > 0.5
    # both variables show the link and the shared concept, in the API and on their pages
    for mine, other in ((elfe_var, epi_var), (epi_var, elfe_var)):
        item = client.get(f"/api/v1/items/{mine}").json()
        confirmed = item["comparable"]["confirmed"]
        assert [link["urn"] for link in confirmed] == [other]
        concept = confirmed[0]["concept"]
        assert concept["urn"].startswith("urn:ddi:fr.ddicat:ddicat-shared-concept-")
        assert concept["label"] == {"fr": "Motif d'arrêt de l'allaitement", "en": "Reason for stopping breastfeeding"}
        html = client.get(f"/variables/{mine}", params={"lang": "en"}).text
        assert "Confirmed comparable variables" in html and "Reason for stopping breastfeeding" in html
    ranked = comparable(client, elfe_var)["candidates"]
    assert (ranked[0]["urn"], ranked[0]["status"]) == (epi_var, "confirmed")
    # a second Elfe wave joins the same concept through the same Epipage 2 variable
    later = variable_urn(runtime, "elfe", "m12_allait_arret_motif")
    assert client.post(f"/api/v1/items/{later}/comparable/{epi_var}/confirm",
                       headers={"Authorization": f"Bearer {manager}"}).status_code == 200
    concepts = {link["concept"]["urn"] for link in client.get(f"/api/v1/items/{epi_var}").json()["comparable"]["confirmed"]}
    assert len(concepts) == 1
    # rejecting through the page: the candidate is no longer proposed
    make_account(runtime, "manager@elfe.test", roles={"elfe": "manager"})
    browser = Browser(runtime)
    browser.sign_in("manager@elfe.test")
    page = f"/variables/{elfe_var}/comparable"
    wrong = next(c for c in ranked if c["status"] is None)
    answer = browser.form(page, f"/variables/{elfe_var}/comparable/reject", {"candidate": wrong["urn"]})
    assert answer.status_code == 303 and answer.headers["location"].endswith("done=rejected")
    after = comparable(client, elfe_var)
    assert wrong["urn"] not in {c["urn"] for c in after["candidates"]}
    assert wrong["urn"] in {c["urn"] for c in after["rejected"]}
    html = browser.client.get(page, params={"lang": "en"}).text
    assert "Rejected candidates" in html and "Reject" in html
    browser.close()
    # two variables of one study are never comparable across cohorts
    same = client.post(f"/api/v1/items/{elfe_var}/comparable/{later}/confirm",
                       headers={"Authorization": f"Bearer {manager}"})
    assert same.status_code in (403, 422)
    with runtime.sessions() as session:
        events = [(e.action, e.study_slug) for e in session.query(AuditEvent).filter(
            AuditEvent.action.like("comparable.%")).order_by(AuditEvent.seq)]
    assert events[:2] == [("comparable.confirm", "elfe"), ("comparable.confirm", "epipage2")]
    assert ("comparable.reject", "elfe") in events
    assert study_id(runtime, "elfe") != study_id(runtime, "epipage2")


def test_confirmed_links_reach_the_ddi_exports_as_a_comparison(catalogue_copy, schemas_dir) -> None:
    runtime = catalogue_copy()
    client = client_of(runtime)
    elfe_var = variable_urn(runtime, "elfe", "m66_sommeil_nuit_h")
    epi_var = variable_urn(runtime, "epipage2", "m66_sommeil_nuit_h")
    make_account(runtime, "admin@ddicat.test", admin=True)
    browser = Browser(runtime)
    browser.sign_in("admin@ddicat.test")
    answer = browser.form(f"/variables/{elfe_var}/comparable", f"/variables/{elfe_var}/comparable/confirm",
                          {"candidate": epi_var})
    assert answer.status_code == 303 and answer.headers["location"].endswith("done=confirmed")
    browser.close()
    schema = etree.XMLSchema(etree.parse(str(schemas_dir / "3.3" / "instance.xsd")))
    ns = {"cm": "ddi:comparative:3_3", "r": "ddi:reusable:3_3", "c": "ddi:conceptualcomponent:3_3",
          "g": "ddi:group:3_3"}
    for path in ("/api/v1/studies/elfe.xml", f"/api/v1/items/{epi_var}.xml"):
        response = client.get(path)
        assert response.status_code == 200
        document = etree.fromstring(response.content)
        assert schema.validate(document), [str(e) for e in schema.error_log][:3]
        item_map = document.find(".//cm:Comparison/cm:VariableMap/cm:ItemMap", ns)
        assert item_map is not None
        ids = {item_map.findtext(f"cm:{side}ItemReference/r:ID", namespaces=ns) for side in ("Source", "Target")}
        assert ids == {elfe_var.split(":")[3], epi_var.split(":")[3]}
        weight = item_map.findtext("cm:Correspondence/cm:CommonalityWeight", namespaces=ns)
        assert weight is not None and float(weight) > 0.9
        concept_urn = document.findtext(".//cm:VariableMap/r:UserAttributePair/r:AttributeValue", namespaces=ns)
        concepts = document.findall(".//c:Concept", ns)
        shared = [c for c in concepts if c.findtext("r:URN", namespaces=ns) == concept_urn]
        assert len(shared) == 1 and shared[0].findtext("r:Agency", namespaces=ns) == "fr.ddicat"
    # a study without any confirmed link exports as before
    snds = client.get("/api/v1/studies/snds.xml").content
    assert b"ddi:comparative:3_3" not in snds


@pytest.mark.parametrize("module_name", ["catalogue.harmonisation", "catalogue.access_requests"])
def test_every_writing_service_checks_permission_first_and_is_audited(module_name: str) -> None:
    spec = importlib.util.spec_from_file_location(
        "service_structure", PROJECT / "tests" / "workflow" / "test_service_structure.py")
    assert spec is not None and spec.loader is not None
    structure = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("service_structure", structure)  # its dataclasses look their module up
    spec.loader.exec_module(structure)
    module = importlib.import_module(module_name)
    source = inspect.getsource(module)
    assert structure.violations(source) == []
    writers = {name for name in structure.writing_functions(structure.function_bodies(source))
               if not name.startswith("_")}
    expected = {"catalogue.harmonisation": {"comparable_confirm", "comparable_reject"},
                "catalogue.access_requests": {"access_request_submit", "access_part_act"}}[module_name]
    assert writers == expected
