"""`ddicat site build OUT/`: the public site as static files, rendered by the live site's own templates.

Layout: `OUT/index.html` (a language chooser sending to the default language), `OUT/<lang>/…` one folder per
language (`index.html`, `search.html`, `studies/<slug>.html`, `studies/<slug>/waves/<name>.html`,
`variables|questions|instruments|items/<agency>/<id>/<version>.html`), `OUT/static/`, `OUT/sitemap.xml` and
`OUT/robots.txt`. Links are relative, so the copy opens from disk and from any web server under any
prefix; canonical and hreflang links use `base_url`. Search calls the live API at `api_base` from the
browser; without one, the search page says that search needs the live catalogue.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from api.links import StaticLinks, item_path, static_file
from api.pages import (
    ENVIRONMENT,
    item_page_context,
    page_path,
    render_page,
    robots_txt,
    sitemap_xml,
    study_page_context,
)
from api.runtime import Runtime
from api.views import (
    instrument_context,
    item_context,
    public_pages,
    studies_context,
    study_context,
    wave_context,
)
from catalogue.exports import study_snapshot
from catalogue.store.reads import Snapshot, Viewer

STATIC_DIR = Path(__file__).resolve().parent / "static"
Progress = Callable[[int], None]


@dataclass(slots=True)
class SiteReport:
    out: Path
    pages: int = 0
    languages: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


class SiteWriter:
    """Writes one page per language for each entry of `views.public_pages`."""

    def __init__(
        self,
        out: Path,
        languages: list[str],
        written: set[str],
        *,
        base_url: str,
        live_url: str,
        api_base: str | None,
    ) -> None:
        self.out = out
        self.languages = languages
        self.written = written
        self.base_url = base_url
        self.live_url = live_url
        self.api_base = api_base
        self.report = SiteReport(out=out, languages=list(languages))

    def links(self, lang: str, path: str) -> StaticLinks:
        return StaticLinks(
            lang=lang,
            languages=self.languages,
            base_url=self.base_url,
            path=path,
            written=self.written,
            live_url=self.live_url,
            api_base=self.api_base,
        )

    def write(self, path: str, template: str, context_of: Callable[[StaticLinks], dict[str, Any]]) -> None:
        """Render the page at logical `path` in every language."""
        target = static_file(path)
        assert target is not None, path
        for lang in self.languages:
            links = self.links(lang, path)
            html = render_page(template, context_of(links), links)
            file = self.out / lang / target
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text(html, encoding="utf-8")
            self.report.files.append(f"{lang}/{target}")
        self.report.pages += 1


def site_build(
    *,
    runtime: Runtime,
    out: Path,
    base_url: str | None = None,
    api_base: str | None = None,
    progress: Progress | None = None,
) -> SiteReport:
    """Render every public page of the catalogue into `out` (created; existing files are overwritten)."""
    settings = runtime.settings
    languages = list(settings.languages)
    base = (base_url or settings.base_url).rstrip("/")
    live = settings.base_url.rstrip("/")
    viewer = Viewer.public()
    out.mkdir(parents=True, exist_ok=True)
    with runtime.sessions() as session:
        pages = public_pages(session, viewer)
        written = {"index.html", "search.html"} | {static_file(page_path(p)) or "" for p in pages}
        writer = SiteWriter(out, languages, written, base_url=base, live_url=live, api_base=api_base)
        studies = studies_context(session, viewer)
        writer.write("/", "home.html", lambda links: {"studies": studies})
        writer.write(
            "/search",
            "search.html",
            lambda links: {
                "api_base": api_base,
                "live_search": live + "/search",
            },
        )
        _write_pages(session, writer, pages, viewer, progress)
    _copy_assets(out)
    _write_root(out, languages, base)
    entries = [
        ({lang: writer.links(lang, path).canonical for lang in languages}, changed)
        for path, changed in [("/", None)]
        + [(page_path(p), p["changed"].strftime("%Y-%m-%d") if p.get("changed") else None) for p in pages]
    ]
    (out / "sitemap.xml").write_text(sitemap_xml(entries), encoding="utf-8")
    (out / "robots.txt").write_text(robots_txt(base + "/sitemap.xml", disallow=()), encoding="utf-8")
    writer.report.files += ["index.html", "sitemap.xml", "robots.txt"]
    return writer.report


def _write_pages(
    session: Session,
    writer: SiteWriter,
    pages: list[dict[str, Any]],
    viewer: Viewer,
    progress: Progress | None,
) -> None:
    snapshots: dict[str, Snapshot] = {}
    for page in pages:
        path = page_path(page)
        if page["kind"] == "study":
            study = study_context(session, page["slug"], viewer)
            writer.write(path, "study.html", lambda links, study=study: study_page_context(study, links))
        elif page["kind"] == "wave":
            wave = wave_context(session, page["slug"], page["name"], viewer)
            writer.write(path, "wave.html", lambda links, wave=wave: {"wave": wave})
        elif page["type"] == "Instrument":
            instrument = instrument_context(session, page["urn"], viewer)
            writer.write(
                path, "instrument.html", lambda links, instrument=instrument: {"instrument": instrument}
            )
        else:
            if page["study"] not in snapshots:
                snapshots[page["study"]] = study_snapshot(session, page["study"], viewer)
            item = item_context(session, page["urn"], viewer, snapshot=snapshots[page["study"]])
            writer.write(
                item_path(page["urn"], page["type"]),
                "item.html",
                lambda links, item=item: item_page_context(item, links),
            )
        if progress is not None:
            progress(1)


def _copy_assets(out: Path) -> None:
    target = out / "static"
    target.mkdir(parents=True, exist_ok=True)
    for asset in STATIC_DIR.iterdir():
        if asset.is_file():
            shutil.copy2(asset, target / asset.name)


def _write_root(out: Path, languages: list[str], base: str) -> None:
    html = ENVIRONMENT.get_template("site_root.html").render(languages=languages, base=base)
    (out / "index.html").write_text(html, encoding="utf-8")
