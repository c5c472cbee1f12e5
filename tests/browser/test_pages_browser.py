"""Each page type in a real browser, in French and English: it loads, says what it should, and axe-core finds
no serious or critical accessibility violation. Also phone width, keyboard use, the static copy from disk."""

from __future__ import annotations

from pathlib import Path

import pytest

INSTRUMENT = "urn:ddi:fr.ddicat.elfe:elfe-instr-m12:1"
VARIABLE = "urn:ddi:fr.ddicat.elfe:elfe-v-m12-troubles-sommeil:1"
QUESTION = "urn:ddi:fr.ddicat.elfe:elfe-qi-sleep-hours:1"
PAGES = {
    # page type: (live path, static file, a heading in French, in English)
    "home": ("/", "index.html", "Cohortes", "Cohorts"),
    "cohort": ("/studies/elfe", "studies/elfe.html", "Thèmes par vague", "Topics across waves"),
    "wave": ("/studies/elfe/waves/1a", "studies/elfe/waves/1a.html", "Enquête à 1 an", "1-year survey"),
    "instrument": (
        f"/instruments/{INSTRUMENT}",
        "instruments/fr.ddicat.elfe/elfe-instr-m12/1.html",
        "Déroulé du questionnaire",
        "Questionnaire flow",
    ),
    "question": (
        f"/questions/{QUESTION}",
        "questions/fr.ddicat.elfe/elfe-qi-sleep-hours/1.html",
        "Texte de la question",
        "Question text",
    ),
    "variable": (
        f"/variables/{VARIABLE}",
        "variables/fr.ddicat.elfe/elfe-v-m12-troubles-sommeil/1.html",
        "Liste de codes",
        "Code list",
    ),
    "search": ("/search?q=sommeil", "search.html?q=sommeil", "Filtres", "Filters"),
}
# Pages of the running catalogue only (the static site has no basket and no per-variable discovery views).
LIVE_PAGES = {
    "across-waves": (f"/variables/{VARIABLE}/waves", "Pas posée à cette vague", "Not asked at this wave"),
    "comparable": (f"/variables/{VARIABLE}/comparable", "Candidats", "Candidates"),
    "coverage": ("/coverage", "Couverture : thèmes par cohorte et par vague", "Coverage: topics by cohort and wave"),
    "basket": ("/basket", "Mon panier", "My basket"),
}


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("kind", [*PAGES, *LIVE_PAGES])
def test_live_page_loads_in_its_language_without_serious_accessibility_violations(
    page, live_url, check_page, kind, lang
) -> None:
    path, french, english = (PAGES[kind][0], *PAGES[kind][2:]) if kind in PAGES else LIVE_PAGES[kind]
    url = live_url + path + (("&" if "?" in path else "?") + "lang=en" if lang == "en" else "")
    response = page.goto(url)
    assert response is not None and response.status == 200
    assert page.get_attribute("html", "lang") == lang
    assert page.locator("h1").count() == 1 and page.locator("main#main").count() == 1
    assert (french if lang == "fr" else english) in page.inner_text("main")
    violations = check_page(page, f"live-{kind}-{lang}")
    assert not violations, "\n".join(violations)


def test_the_language_switch_keeps_the_page(page, live_url) -> None:
    page.goto(live_url + "/studies/elfe/waves/1a")
    page.get_by_role("link", name="English").click()
    page.wait_for_load_state()
    assert page.url.endswith("/studies/elfe/waves/1a?lang=en") and page.get_attribute("html", "lang") == "en"
    page.get_by_role("link", name="Français").click()
    page.wait_for_load_state()
    assert page.url.endswith("/studies/elfe/waves/1a")


def test_keyboard_users_reach_the_skip_link_first_and_it_moves_to_the_content(page, live_url) -> None:
    page.goto(live_url + "/studies/elfe")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    page.keyboard.press("Enter")
    # the fragment navigation lands asynchronously: wait for it rather than race it on a loaded machine
    page.wait_for_function("location.hash === '#main'", timeout=10_000)
    assert page.url.endswith("#main")


def test_pages_fit_a_phone_screen(browser, live_url, check_page) -> None:
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, is_mobile=True, device_scale_factor=2
    )
    try:
        phone = context.new_page()
        for kind in ("home", "cohort", "instrument", "variable"):
            phone.goto(live_url + PAGES[kind][0])
            overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"{kind} is {overflow}px wider than the phone"
            assert not check_page(phone, f"phone-{kind}")
    finally:
        context.close()


def test_pages_work_without_javascript(browser, live_url) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        quiet = context.new_page()
        quiet.goto(live_url + "/")
        quiet.fill("#home-q", "allaitement")
        quiet.press("#home-q", "Enter")
        quiet.wait_for_load_state()
        assert "/search?q=allaitement" in quiet.url and quiet.locator("ol.hits li").count() > 0
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("kind", [k for k in PAGES if k != "search"])
def test_static_page_opens_from_disk(page, static_site: Path, check_page, kind, lang) -> None:
    _path, file, french, english = PAGES[kind]
    page.goto((static_site / lang / file).as_uri())
    assert page.get_attribute("html", "lang") == lang
    assert (french if lang == "fr" else english) in page.inner_text("main")
    violations = check_page(page, f"static-{kind}-{lang}")
    assert not violations, "\n".join(violations)


def test_static_links_lead_from_home_to_a_variable(page, static_site: Path) -> None:
    page.goto((static_site / "en" / "index.html").as_uri())
    page.get_by_role("link", name="Elfe-like demo birth cohort").click()
    page.get_by_role("link", name="1-year survey").first.click()
    page.get_by_role("link", name="m12_troubles_sommeil").click()
    assert page.url.endswith("/en/variables/fr.ddicat.elfe/elfe-v-m12-troubles-sommeil/1.html")
    assert "Code list" in page.inner_text("main")


def test_static_search_asks_the_live_api(page, static_site: Path, check_page) -> None:
    page.goto((static_site / "fr" / "search.html").as_uri() + "?q=sommeil")
    page.wait_for_selector("#search-hits li", timeout=15_000)
    assert "résultat" in page.inner_text("#search-status")
    first = page.locator("#search-hits li a").first.get_attribute("href")
    assert first and first.startswith("./") and first.endswith(".html")
    assert not check_page(page, "static-search-fr")
