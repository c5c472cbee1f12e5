"""`ddicat site build`: the whole public site as static files whose links all resolve on disk."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner

BASE = "https://cohortes.example.org/catalogue"
HREF = re.compile(r'(?:href|src)="([^"]+)"')


@pytest.fixture(scope="module")
def site(demo_runtime, tmp_path_factory) -> Path:
    from api.cli import main

    out = tmp_path_factory.mktemp("site") / "public"
    result = CliRunner().invoke(
        main,
        ["site", "build", str(out), "--base-url", BASE],
        obj={"settings": demo_runtime.settings, "runtime": demo_runtime},
    )
    assert result.exit_code == 0, result.output
    assert "Wrote" in result.output
    return out


def test_every_page_type_is_written_in_both_languages(site, demo_runtime) -> None:
    from api.views import public_pages
    from catalogue.store.reads import Viewer

    for name in ("index.html", "sitemap.xml", "robots.txt", "static/ddicat.css", "static/search.js"):
        assert (site / name).is_file(), name
    for lang in ("fr", "en"):
        assert (site / lang / "index.html").is_file() and (site / lang / "search.html").is_file()
        assert (site / lang / "studies" / "elfe.html").is_file()
        assert (site / lang / "studies" / "elfe" / "waves" / "1a.html").is_file()
        assert (site / lang / "instruments" / "fr.ddicat.elfe" / "elfe-instr-m12" / "1.html").is_file()
        assert (
            site / lang / "variables" / "fr.ddicat.elfe" / "elfe-v-m12-troubles-sommeil" / "1.html"
        ).is_file()
    with demo_runtime.sessions() as session:
        pages = public_pages(session, Viewer.public())
    written = [p for p in (site / "fr").rglob("*.html")]
    assert len(written) == len(pages) + 2  # every public page, plus home and search


def test_every_relative_link_resolves_to_a_file(site) -> None:
    broken = []
    checked = 0
    for page in site.rglob("*.html"):
        for href in HREF.findall(page.read_text(encoding="utf-8")):
            parts = urlsplit(href.replace("&amp;", "&"))
            if parts.scheme or href.startswith(("#", "//")):
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            checked += 1
            if not target.is_file():
                broken.append(f"{page.relative_to(site)} → {href}")
    assert checked > 10_000 and not broken, broken[:20]


def test_pages_link_to_each_other_in_their_language_and_canonically_to_the_base_url(site) -> None:
    page = (site / "en" / "studies" / "elfe.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in page
    assert f'<link rel="canonical" href="{BASE}/en/studies/elfe.html">' in page
    assert f'<link rel="alternate" hreflang="fr" href="{BASE}/fr/studies/elfe.html">' in page
    assert 'href="elfe/waves/1a.html"' in page or 'href="./elfe/waves/1a.html"' in page
    assert 'href="../../fr/studies/elfe.html"' in page  # the language switch
    assert 'href="../../static/ddicat.css"' in page
    assert "/api/v1/" not in page  # no API downloads without --api-base


def test_search_says_it_needs_the_live_catalogue_without_an_api_base(site) -> None:
    page = (site / "fr" / "search.html").read_text(encoding="utf-8")
    assert 'id="search-unavailable"' in page and "La recherche demande le catalogue en ligne" in page
    assert "search.js" not in page


def test_sitemap_and_robots_use_the_static_addresses(site) -> None:
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{BASE}/en/studies/elfe/waves/1a.html</loc>" in sitemap
    assert f'hreflang="fr" href="{BASE}/fr/index.html"' in sitemap
    assert f"Sitemap: {BASE}/sitemap.xml" in (site / "robots.txt").read_text(encoding="utf-8")


def test_cohort_page_keeps_its_json_ld_with_static_addresses(site) -> None:
    import json

    page = (site / "fr" / "studies" / "elfe.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert (
        data["@id"] == f"{BASE}/fr/studies/elfe.html#dataset"
        and data["url"] == f"{BASE}/fr/studies/elfe.html"
    )
    assert data["variableMeasured"][0]["url"].startswith(f"{BASE}/fr/variables/")
