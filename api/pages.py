"""The server-rendered pages (Jinja2), in French and English, over the same contexts as the JSON API.

One Jinja environment renders both the live site (`render`) and the static export (`api.site`); only the
link scheme differs (`api.links`). Interface strings go through gettext (`jinja2.ext.i18n`, catalogues in
`api/locale`), with the page language read from the template context, so concurrent requests in different
languages never share a translation state.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from sqlalchemy.orm import Session

from api.basket_identity import basket_caller, basket_cookie_keep
from api.deps import get_runtime, get_session, get_viewer
from api.harvest.jsonld import study_jsonld, variable_jsonld
from api.i18n import (
    choose_language,
    format_age,
    format_day,
    format_number,
    pick,
    text_language,
    translate,
    translate_plural,
)
from api.links import PAGE_TYPES, LiveLinks, StaticLinks, item_path
from api.runtime import Runtime
from api.search_service import (
    SearchRequest,
    search_filters,
    search_page_active,
    search_page_facets,
    search_run,
)
from api.timeline import wave_timeline
from api.views import (
    find_item,
    instrument_context,
    item_context,
    public_pages,
    studies_context,
    study_context,
    wave_context,
)
from catalogue.basket import basket_urns
from catalogue.store.reads import Viewer

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
router = APIRouter(include_in_schema=False)
Links = LiveLinks | StaticLinks


@pass_context
def _gettext(context: Context, message: str) -> str:
    return translate(message, context.get("lang", "en"))


@pass_context
def _ngettext(context: Context, singular: str, plural: str, count: int) -> str:
    return translate_plural(singular, plural, count, context.get("lang", "en"))


def make_environment() -> Environment:
    """The one template environment: autoescaping, gettext bound to each render's language."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=select_autoescape(["html", "xml"]),
        extensions=["jinja2.ext.i18n"],
    )
    # New-style gettext: translations come from our own catalogue and are trusted markup; data shown
    # through the vocabulary goes through `term()`, which is escaped like any other value.
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
    return env


ENVIRONMENT = make_environment()


def page_globals(links: Links, *, catalogue_name: str = "ddicat") -> dict[str, Any]:
    """What every template may call: links, language, metadata text choice, number and date formats."""
    lang = links.lang
    return {
        "lang": lang,
        "languages": list(links.languages),
        "links": links,
        "site_kind": links.kind,
        "catalogue_name": catalogue_name,
        "url": links.url,
        "asset": links.asset,
        "api_url": links.api,
        "switch_language": links.switch_language,
        "canonical": links.canonical,
        "alternates": [(code, links.absolute(code)) for code in links.languages],
        "default_url": links.absolute(links.languages[0]),
        "item_url": lambda urn, type_="": links.url(item_path(urn, type_)),
        "term": lambda text: translate(str(text), lang) if text else "",
        "tx": lambda text: pick(text, lang),
        "tx_lang": lambda text: text_language(text, lang),
        "number": lambda value: format_number(value, lang),
        "day": lambda value: format_day(value, lang),
        "age": lambda low, high: format_age(low, high, lang),
    }


def render_page(template: str, context: dict[str, Any], links: Links) -> str:
    """A page as HTML text, for the live site and the static export alike."""
    values = page_globals(links)
    values.update(context)
    return ENVIRONMENT.get_template(template).render(values)


def page_language(request: Request) -> str:
    runtime: Runtime = request.app.state.runtime
    return choose_language(request.query_params.get("lang"), runtime.settings.languages)


def live_links(request: Request) -> LiveLinks:
    runtime: Runtime = request.app.state.runtime
    return LiveLinks(
        lang=page_language(request),
        languages=runtime.settings.languages,
        base_url=runtime.settings.base_url,
        path=request.url.path,
        query=list(request.query_params.multi_items()),
    )


def render(request: Request, template: str, context: dict[str, Any], *, status: int = 200) -> HTMLResponse:
    """A page of the live site (other routers' pages call this too)."""
    values = {"request": request}
    values.update(context)
    return HTMLResponse(render_page(template, values, live_links(request)), status_code=status)


def error_page(request: Request, status: int, title: str, detail: str) -> HTMLResponse:
    return render(request, "error.html", {"status": status, "title": title, "detail": detail}, status=status)


# --- Page contexts: the view's data plus what only a page needs (chart geometry, JSON-LD) ----------------


def dataset_id(links: Links, slug: str) -> str:
    """The cohort's identity in JSON-LD and DCAT: its page in the default language, `#dataset`."""
    return links.address(f"/studies/{slug}", links.languages[0]) + "#dataset"


def study_page_context(study: dict[str, Any], links: Links) -> dict[str, Any]:
    lang = links.lang
    slug = study["slug"]
    return {
        "study": study,
        "timeline": wave_timeline(study["waves"]),
        "json_ld": study_jsonld(
            study,
            lang=lang,
            page_url=links.canonical,
            dataset_id=dataset_id(links, slug),
            catalogue_url=links.address("/", lang),
            wave_urls={
                w["name"]: links.address(f"/studies/{slug}/waves/{w['name']}", lang) for w in study["waves"]
            },
            variable_url=lambda urn: links.address(item_path(urn, "Variable"), lang),
        ),
    }


def item_page_context(item: dict[str, Any], links: Links) -> dict[str, Any]:
    context: dict[str, Any] = {"item": item}
    if item["type"] == "Variable":
        context["json_ld"] = variable_jsonld(
            item,
            lang=links.lang,
            page_url=links.canonical,
            dataset_id=dataset_id(links, item["study"]["slug"]),
        )
    return context


# --- Routes ----------------------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def home(
    request: Request,
    session: Annotated[Session, Depends(get_session)],
    viewer: Annotated[Viewer, Depends(get_viewer)],
) -> HTMLResponse:
    return render(request, "home.html", {"studies": studies_context(session, viewer)})


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    runtime: Annotated[Runtime, Depends(get_runtime)],
    session: Annotated[Session, Depends(get_session)],
    viewer: Annotated[Viewer, Depends(get_viewer)],
    q: Annotated[str, Query(max_length=500)] = "",
    study: Annotated[list[str] | None, Query()] = None,
    wave: Annotated[list[str] | None, Query()] = None,
    type: Annotated[list[str] | None, Query()] = None,
    representation: Annotated[list[str] | None, Query()] = None,
    data_source: Annotated[list[str] | None, Query()] = None,
    concept: Annotated[list[str] | None, Query()] = None,
    language: Annotated[str | None, Query(max_length=16)] = None,
    age_min: Annotated[float | None, Query(ge=0, le=2000)] = None,
    age_max: Annotated[float | None, Query(ge=0, le=2000)] = None,
    sort: Annotated[str, Query(pattern="^(relevance|name)$")] = "relevance",
    page: Annotated[int, Query(ge=1, le=5000)] = 1,
) -> HTMLResponse:
    per_page = 20
    search = SearchRequest(
        text=q, filters=search_filters(study=study, wave=wave, type=type, representation=representation,
                                       data_source=data_source, concept=concept),
        lang=language or None, age_min=age_min, age_max=age_max, sort=sort, limit=per_page,
        offset=(page - 1) * per_page,
    )
    result = search_run(backend=runtime.backend, session=session, viewer=viewer, request=search)
    basket = basket_caller(request)
    response = render(
        request,
        "search.html",
        {
            "q": q,
            "result": result,
            "active": search.url_params(),
            "search": search,
            "facets": search_page_facets(search, result),
            "chips": search_page_active(search),
            "page": page,
            "per_page": per_page,
            "pages": max(1, -(-result.total // per_page)),
            "basket_csrf": basket.csrf_token,
            "basket_urns": basket_urns(session, basket.owner),
        },
    )
    return basket_cookie_keep(response, basket)


@router.get("/studies/{slug}", response_class=HTMLResponse)
def study_page(
    slug: str,
    request: Request,
    session: Annotated[Session, Depends(get_session)],
    viewer: Annotated[Viewer, Depends(get_viewer)],
) -> HTMLResponse:
    context = study_page_context(study_context(session, slug, viewer), live_links(request))
    return render(request, "study.html", context)


@router.get("/studies/{slug}/waves/{name}", response_class=HTMLResponse)
def wave_page(
    slug: str,
    name: str,
    request: Request,
    session: Annotated[Session, Depends(get_session)],
    viewer: Annotated[Viewer, Depends(get_viewer)],
) -> HTMLResponse:
    return render(request, "wave.html", {"wave": wave_context(session, slug, name, viewer)})


@router.get("/instruments/{urn}", response_class=HTMLResponse)
def instrument_page(
    urn: str,
    request: Request,
    session: Annotated[Session, Depends(get_session)],
    viewer: Annotated[Viewer, Depends(get_viewer)],
) -> HTMLResponse:
    return render(request, "instrument.html", {"instrument": instrument_context(session, urn, viewer)})


def _item_page(request: Request, session: Session, viewer: Viewer, urn: str) -> Response:
    data = item_context(session, urn, viewer)
    context = item_page_context(data, live_links(request))
    basket = basket_caller(request)
    context.update(basket_csrf=basket.csrf_token, basket_urns=basket_urns(session, basket.owner))
    return basket_cookie_keep(render(request, "item.html", context), basket)


@router.get("/variables/{urn}", response_class=HTMLResponse)
@router.get("/questions/{urn}", response_class=HTMLResponse)
def variable_or_question_page(
    urn: str,
    request: Request,
    session: Annotated[Session, Depends(get_session)],
    viewer: Annotated[Viewer, Depends(get_viewer)],
) -> Response:
    return _item_page(request, session, viewer, urn)


@router.get("/items/{urn}", response_class=HTMLResponse)
def item_page(
    urn: str,
    request: Request,
    session: Annotated[Session, Depends(get_session)],
    viewer: Annotated[Viewer, Depends(get_viewer)],
) -> Response:
    row, _study, _release, _wave = find_item(session, urn, viewer)
    if row.type in PAGE_TYPES:
        target = f"/{PAGE_TYPES[row.type]}/{urn}"
        if request.url.query:
            target += "?" + request.url.query
        return RedirectResponse(target, status_code=301)
    return _item_page(request, session, viewer, urn)


def page_path(page: dict[str, Any]) -> str:
    """The logical path of an entry of `views.public_pages`."""
    if page["kind"] == "study":
        return f"/studies/{page['slug']}"
    if page["kind"] == "wave":
        return f"/studies/{page['slug']}/waves/{page['name']}"
    return item_path(page["urn"], page["type"])


SITEMAP_LIMIT = 50_000


def sitemap_xml(entries: list[tuple[dict[str, str], str | None]]) -> str:
    """A sitemap with hreflang alternates: `entries` are ({lang: absolute URL}, last change)."""
    return ENVIRONMENT.get_template("sitemap.xml").render(entries=entries[:SITEMAP_LIMIT])


@router.get("/sitemap.xml")
def sitemap(
    request: Request,
    runtime: Annotated[Runtime, Depends(get_runtime)],
    session: Annotated[Session, Depends(get_session)],
    viewer: Annotated[Viewer, Depends(get_viewer)],
) -> Response:
    languages = runtime.settings.languages
    base = runtime.settings.base_url
    paths = [("/", None)] + [
        (page_path(p), p["changed"].strftime("%Y-%m-%d") if p.get("changed") else None)
        for p in public_pages(session, viewer)
    ]
    entries = []
    for path, changed in paths:
        links = LiveLinks(lang=languages[0], languages=languages, base_url=base, path=path)
        entries.append(({code: links.absolute(code) for code in languages}, changed))
    return Response(sitemap_xml(entries), media_type="application/xml")


def robots_txt(sitemap_url: str, *, disallow: tuple[str, ...] = ("/search",)) -> str:
    lines = ["User-agent: *", "Allow: /"] + [f"Disallow: {path}" for path in disallow]
    return "\n".join(lines + [f"Sitemap: {sitemap_url}", ""])


@router.get("/robots.txt", response_class=PlainTextResponse)
def robots(runtime: Annotated[Runtime, Depends(get_runtime)]) -> str:
    return robots_txt(runtime.settings.base_url.rstrip("/") + "/sitemap.xml")
