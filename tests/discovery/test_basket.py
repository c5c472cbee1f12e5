"""The basket through the HTTP app: filled from search results and variable pages without JavaScript, kept in
the browser or with the account, and exported as CSV, as DDI-L 3.3 (valid against the official XSD) and as a
printable codebook."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

from discovery_catalogue import Browser, make_account, variable_urn
from lxml import etree

ELFE_SLEEP = "m02_sommeil_nuit_h"
ELFE_STOP = "m02_allait_arret_motif"
EPI_STOP = "m12_allait_arret_motif"


def add_from_search(browser: Browser, query: str, urn: str):
    """Press "Add to the basket" beside a search result, as a browser without JavaScript does."""
    page = browser.client.get("/search", params={"q": query, "type": "Variable", "lang": "en"})
    assert page.status_code == 200
    form = re.search(r'<form class="basket-form" method="post" action="/basket/add\?lang=en">\s*'
                     r'<input type="hidden" name="csrf_token" value="([^"]+)">\s*'
                     r'<input type="hidden" name="urn" value="' + re.escape(urn) + r'">\s*'
                     r'<input type="hidden" name="back" value="([^"]+)">', page.text)
    assert form, "no basket button for " + urn
    return browser.client.post("/basket/add?lang=en", data={"csrf_token": form.group(1), "urn": urn,
                                                            "back": unescape(form.group(2))})


def test_an_anonymous_browser_fills_its_basket_from_search_results_and_variable_pages(catalogue_copy) -> None:
    runtime = catalogue_copy()
    browser = Browser(runtime)
    sleep, stop = variable_urn(runtime, "elfe", ELFE_SLEEP), variable_urn(runtime, "epipage2", EPI_STOP)
    answer = add_from_search(browser, "sommeil", sleep)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/search?q=sommeil")
    assert "ddicat_basket" in browser.client.cookies
    # from a variable's page
    answer = browser.form(f"/variables/{stop}", "/basket/add", {"urn": stop, "back": f"/variables/{stop}"})
    assert answer.status_code == 303 and answer.headers["location"] == f"/variables/{stop}"
    page = browser.client.get(f"/variables/{stop}", params={"lang": "en"}).text
    assert "In the basket" in page
    basket = browser.client.get("/api/v1/basket").json()
    assert basket["total"] == 2 and basket["studies"] == {"elfe": 1, "epipage2": 1}
    html = browser.client.get("/basket", params={"lang": "en"}).text
    assert html.index("Elfe-like demo birth cohort") < html.index("Epipage-2-like demo preterm cohort")
    assert "2 months" in html and "Sign in to request access" in html
    # another browser has its own basket; a form without the token changes nothing
    other = Browser(runtime)
    assert other.client.get("/api/v1/basket").json()["total"] == 0
    refused = other.client.post("/basket/add", data={"urn": sleep, "csrf_token": "forged"})
    assert refused.status_code == 403
    # taking a variable out
    answer = browser.form("/basket", "/basket/remove", {"urn": sleep})
    assert answer.status_code == 303
    assert [v["urn"] for v in browser.client.get("/api/v1/basket").json()["variables"]] == [stop]
    browser.close()
    other.close()


def test_only_variables_go_in_the_basket(catalogue_copy) -> None:
    runtime = catalogue_copy()
    browser = Browser(runtime)
    token = browser.client.get("/api/v1/basket").json()["csrf_token"]
    question = browser.client.get(f"/api/v1/items/{variable_urn(runtime, 'elfe', ELFE_SLEEP)}").json()["questions"][0]
    answer = browser.client.post("/api/v1/basket/items", json={"urn": question["urn"]},
                                 headers={"X-CSRF-Token": token})
    assert answer.status_code == 422 and answer.json()["problems"][0]["code"] == "not-a-variable"
    assert browser.client.post("/api/v1/basket/items", json={"urn": "urn:ddi:fr.nowhere:x:1"},
                               headers={"X-CSRF-Token": token}).status_code == 404
    assert browser.client.post("/api/v1/basket/items", json={"urn": question["urn"]}).status_code == 403
    browser.close()


def test_the_basket_of_a_signed_in_researcher_is_kept_with_the_account(catalogue_copy) -> None:
    runtime = catalogue_copy()
    make_account(runtime, "researcher@inserm.test")
    sleep, stop = variable_urn(runtime, "elfe", ELFE_SLEEP), variable_urn(runtime, "epipage2", EPI_STOP)
    laptop = Browser(runtime)
    add_from_search(laptop, "sommeil", sleep)  # anonymous, before signing in
    laptop.sign_in("researcher@inserm.test")
    token = laptop.client.get("/api/v1/basket").json()["csrf_token"]
    answer = laptop.client.post("/api/v1/basket/items", json={"urn": stop}, headers={"X-CSRF-Token": token})
    assert answer.status_code == 201 and answer.json()["total"] == 2  # the anonymous basket joined the account's
    office = Browser(runtime)
    office.sign_in("researcher@inserm.test")
    assert {v["urn"] for v in office.client.get("/api/v1/basket").json()["variables"]} == {sleep, stop}
    removed = office.client.delete(f"/api/v1/basket/items/{sleep}",
                                   headers={"X-CSRF-Token": office.client.get("/api/v1/basket").json()["csrf_token"]})
    assert removed.status_code == 200 and removed.json()["total"] == 1
    assert laptop.client.get("/api/v1/basket").json()["total"] == 1
    laptop.close()
    office.close()


def filled_browser(runtime) -> tuple[Browser, list[str]]:
    browser = Browser(runtime)
    urns = [variable_urn(runtime, "elfe", ELFE_SLEEP), variable_urn(runtime, "elfe", ELFE_STOP),
            variable_urn(runtime, "epipage2", EPI_STOP), variable_urn(runtime, "elfe", "bio_sang_cordon")]
    token = browser.client.get("/api/v1/basket").json()["csrf_token"]
    for urn in urns:
        assert browser.client.post("/api/v1/basket/items", json={"urn": urn},
                                   headers={"X-CSRF-Token": token}).status_code == 201
    return browser, urns


def test_the_basket_exports_one_csv_row_per_variable(catalogue_copy) -> None:
    runtime = catalogue_copy()
    browser, urns = filled_browser(runtime)
    response = browser.client.get("/api/v1/basket/export.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert sorted(row["urn"] for row in rows) == sorted(urns)
    assert [row["study"] for row in rows] == ["elfe", "elfe", "elfe", "epipage2"]  # per cohort, then wave
    by_name = {(row["study"], row["name"]): row for row in rows}
    stop = by_name[("elfe", ELFE_STOP)]
    assert stop["waves"] == "2m" and stop["ages_months"] == "2-3"
    assert stop["label_fr"] == "Motif d'arrêt de l'allaitement – 2 mois"
    assert stop["label_en"] == "Reason for stopping breastfeeding – 2 months"
    assert stop["question_fr"].startswith("Pour quelle raison principale")
    assert stop["representation"] == "code" and "=" in stop["code_list"] and stop["missing_codes"]
    assert stop["concepts"] == "Allaitement"
    sleep = by_name[("elfe", ELFE_SLEEP)]
    assert sleep["representation"] == "numeric" and sleep["unit"] and sleep["code_list"] == ""
    assert by_name[("elfe", "bio_sang_cordon")]["waves"] == "prelevements"
    browser.close()


def test_the_basket_exports_a_valid_ddi_document_with_what_the_variables_refer_to(catalogue_copy, schemas_dir):
    runtime = catalogue_copy()
    browser, urns = filled_browser(runtime)
    response = browser.client.get("/api/v1/basket/export.xml")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/xml")
    document = etree.fromstring(response.content)
    schema = etree.XMLSchema(etree.parse(str(schemas_dir / "3.3" / "instance.xsd")))
    assert schema.validate(document), [str(e) for e in schema.error_log][:3]
    ns = {"r": "ddi:reusable:3_3", "l": "ddi:logicalproduct:3_3", "d": "ddi:datacollection:3_3",
          "c": "ddi:conceptualcomponent:3_3"}
    variables = {v.findtext("r:URN", namespaces=ns) for v in document.iterfind(".//l:Variable", ns)}
    assert variables == set(urns)
    assert document.findall(".//d:QuestionItem", ns) and document.findall(".//l:CodeList", ns)
    lang = "{http://www.w3.org/XML/1998/namespace}lang"

    def labels(path: str, language: str) -> set[str]:
        return {content.text for element in document.iterfind(path, ns)
                for content in element.iterfind("r:Label/r:Content", ns) if content.get(lang) == language}

    assert "Ne sait pas" in labels(".//l:Category", "fr")
    assert {"Breastfeeding", "Sleep", "Biological samples"} <= labels(".//c:Concept", "en")
    empty = Browser(runtime)
    assert empty.client.get("/api/v1/basket/export.xml").status_code == 404
    browser.close()
    empty.close()


def test_the_printable_codebook_groups_the_variables_per_cohort_and_wave(catalogue_copy) -> None:
    runtime = catalogue_copy()
    browser, _urns = filled_browser(runtime)
    html = browser.client.get("/basket/codebook", params={"lang": "en"}).text
    assert 'href="/static/discovery.css"' in html
    css = browser.client.get("/static/discovery.css").text
    assert "@media print" in css
    headings = re.findall(r"<h([23])>(.*?)</h\1>", html)
    texts = [re.sub(r"<[^>]+>", "", text) for _level, text in headings]
    elfe = texts.index("Elfe-like demo birth cohort elfe")
    epipage = texts.index("Epipage-2-like demo preterm cohort epipage2")
    assert elfe < epipage
    assert any("Age of participants: 2–3 months" in t for t in texts[elfe:epipage])
    assert "Reason for stopping breastfeeding" in html and "Pour quelle raison principale" in html
    assert html.count('<table class="codes">') >= 3
    browser.close()
