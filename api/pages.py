"""The server-rendered pages (Jinja2), in French and English, over the same contexts as the JSON API."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from api.deps import get_runtime, get_session, get_viewer
from api.i18n import choose_language, pick, text_language, translate
from api.runtime import Runtime
from api.search_service import search_query
from api.v1 import visibility_of
from api.views import find_item, item_context, studies_context, study_context
from catalogue.store.reads import Viewer
from search.base import FACETS

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates"))
router = APIRouter(include_in_schema=False)

PAGE_TYPES = {"Variable": "variables", "QuestionItem": "questions", "QuestionGrid": "questions"}


def page_language(request: Request) -> str:
    runtime: Runtime = request.app.state.runtime
    return choose_language(request.query_params.get("lang"), runtime.settings.languages)


def render(request: Request, template: str, context: dict[str, Any], *, status: int = 200) -> HTMLResponse:
    lang = page_language(request)
    runtime: Runtime = request.app.state.runtime
    languages = runtime.settings.languages

    def url(path: str, **params: Any) -> str:
        """A link that keeps the page language."""
        pairs: list[tuple[str, Any]] = []
        for key, value in params.items():
            if isinstance(value, (list, tuple)):
                pairs += [(key, v) for v in value if v not in (None, "")]
            elif value not in (None, ""):
                pairs.append((key, value))
        if lang != languages[0]:
            pairs.append(("lang", lang))
        return path + ("?" + urlencode(pairs) if pairs else "")

    def switch_language(target: str) -> str:
        params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
        if target != languages[0]:
            params.append(("lang", target))
        return request.url.path + ("?" + urlencode(params) if params else "")

    base = {
        "request": request,
        "lang": lang,
        "languages": languages,
        "_": lambda text: translate(text, lang),
        "tx": lambda text: pick(text, lang),
        "tx_lang": lambda text: text_language(text, lang),
        "url": url,
        "switch_language": switch_language,
        "item_url": lambda urn, type_="": url(f"/{PAGE_TYPES.get(type_, 'items')}/{urn}"),
        "canonical": runtime.settings.base_url.rstrip("/") + request.url.path,
    }
    base.update(context)
    return TEMPLATES.TemplateResponse(request, template, base, status_code=status)


def error_page(request: Request, status: int, title: str, detail: str) -> HTMLResponse:
    return render(request, "error.html", {"status": status, "title": title, "detail": detail}, status=status)


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
    page: Annotated[int, Query(ge=1, le=5000)] = 1,
) -> HTMLResponse:
    per_page = 20
    query = search_query(
        text=q, study=study, wave=wave, item_type=type, representation=representation, data_source=data_source,
        concept=concept, limit=per_page, offset=(page - 1) * per_page,
        visibility=visibility_of(viewer, runtime, session), facets=FACETS,
    )
    result = runtime.backend.search(query)
    active = {name: values for name, values in query.filters.items()}
    facets = {
        name: [
            {"value": value, "count": count, "selected": value in active.get(name, []),
             "params": _toggled(active, name, value)}
            for value, count in counts.items()
        ]
        for name, counts in result.facets.items()
        if counts
    }
    return render(request, "search.html", {
        "q": q, "result": result, "active": active, "facets": facets, "page": page, "per_page": per_page,
        "pages": max(1, -(-result.total // per_page)),
    })


def _toggled(active: dict[str, list[str]], name: str, value: str) -> dict[str, list[str]]:
    """The filters with `value` of facet `name` switched on or off (the link of a facet value)."""
    params = {k: list(v) for k, v in active.items()}
    values = params.setdefault(name, [])
    if value in values:
        values.remove(value)
    else:
        values.append(value)
    return params


@router.get("/studies/{slug}", response_class=HTMLResponse)
def study_page(
    slug: str,
    request: Request,
    session: Annotated[Session, Depends(get_session)],
    viewer: Annotated[Viewer, Depends(get_viewer)],
) -> HTMLResponse:
    return render(request, "study.html", {"study": study_context(session, slug, viewer)})


def _item_page(request: Request, session: Session, viewer: Viewer, urn: str) -> Response:
    data = item_context(session, urn, viewer)
    return render(request, "item.html", {"item": data})


@router.get("/variables/{urn}", response_class=HTMLResponse)
def variable_page(
    urn: str, request: Request,
    session: Annotated[Session, Depends(get_session)],
    viewer: Annotated[Viewer, Depends(get_viewer)],
) -> Response:
    return _item_page(request, session, viewer, urn)


@router.get("/questions/{urn}", response_class=HTMLResponse)
def question_page(
    urn: str, request: Request,
    session: Annotated[Session, Depends(get_session)],
    viewer: Annotated[Viewer, Depends(get_viewer)],
) -> Response:
    return _item_page(request, session, viewer, urn)


@router.get("/items/{urn}", response_class=HTMLResponse)
def item_page(
    urn: str, request: Request,
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
