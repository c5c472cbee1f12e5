"""Harvesting and download routes: DCAT-AP at /api/v1/dcat, OAI-PMH at /oai, CSV and wave DDI-L downloads."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from api.deps import get_runtime, get_session, get_viewer
from api.harvest.csv_rows import CSV_MEDIA_TYPE, csv_text, item_rows, snapshot_rows
from api.harvest.dcat import JSONLD, TURTLE, catalogue_graph, serialize
from api.harvest.oai import PAGE_SIZE, Repository, oai_response
from api.harvest.oai_records import OaiRecord
from api.links import LiveLinks, item_path
from api.runtime import Runtime
from api.views import item_context, studies_context, study_context
from catalogue.errors import NotFound
from catalogue.exports import study_export, study_snapshot
from catalogue.store.reads import Viewer

router = APIRouter(tags=["harvesting"])
XML_MEDIA_TYPE = "application/xml"
OAI_MEDIA_TYPE = "text/xml; charset=utf-8"


@router.get(
    "/api/v1/dcat",
    summary="The catalogue as DCAT-AP 3 (Turtle, or JSON-LD)",
    responses={200: {"content": {TURTLE: {}, JSONLD: {}}}},
)
def dcat(
    request: Request,
    runtime: Annotated[Runtime, Depends(get_runtime)],
    session: Annotated[Session, Depends(get_session)],
    format: Annotated[str | None, Query(pattern="^(turtle|ttl|jsonld|json-ld)$")] = None,
) -> Response:
    public = Viewer.public()
    studies = [study_context(session, s["slug"], public) for s in studies_context(session, public)]
    graph = catalogue_graph(studies, base_url=runtime.settings.base_url, languages=runtime.settings.languages)
    wants_jsonld = format in ("jsonld", "json-ld") or (
        format is None
        and JSONLD in request.headers.get("accept", "")
        and TURTLE not in request.headers.get("accept", "")
    )
    media = JSONLD if wants_jsonld else TURTLE
    return Response(serialize(graph, media), media_type=media, headers={"Vary": "Accept"})


@router.get(
    "/api/v1/items/{urn}.csv",
    summary="A variable or question with its codes, as CSV",
    responses={200: {"content": {CSV_MEDIA_TYPE: {}}}},
)
def item_csv(
    urn: str,
    runtime: Annotated[Runtime, Depends(get_runtime)],
    session: Annotated[Session, Depends(get_session)],
    viewer: Annotated[Viewer, Depends(get_viewer)],
) -> Response:
    item = item_context(session, urn, viewer)
    languages = runtime.settings.languages
    name = f"{item['id']}-{item['version']}.csv"
    return Response(
        csv_text(item_rows(item, languages), languages),
        media_type=CSV_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get(
    "/api/v1/studies/{slug}/variables.csv",
    summary="Every variable of a study (or wave) and its codes, as CSV",
    responses={200: {"content": {CSV_MEDIA_TYPE: {}}}},
)
def study_csv(
    slug: str,
    runtime: Annotated[Runtime, Depends(get_runtime)],
    session: Annotated[Session, Depends(get_session)],
    viewer: Annotated[Viewer, Depends(get_viewer)],
    wave: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    snapshot = study_snapshot(session, slug, viewer)
    wave_id = None
    if wave is not None:
        found = snapshot.wave_named(wave)
        if found is None:
            raise NotFound(f"study {slug!r} has no wave {wave!r}")
        wave_id = found.id
    languages = runtime.settings.languages
    name = f"{slug}{'-' + wave if wave else ''}-variables.csv"
    return Response(
        csv_text(snapshot_rows(session, snapshot, languages, wave_id), languages),
        media_type=CSV_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get(
    "/api/v1/studies/{slug}/waves/{name}.xml",
    summary="One wave as DDI-L 3.3",
    responses={200: {"content": {XML_MEDIA_TYPE: {}}}},
)
def wave_xml(
    slug: str,
    name: str,
    session: Annotated[Session, Depends(get_session)],
    viewer: Annotated[Viewer, Depends(get_viewer)],
) -> Response:
    data = study_export(session=session, slug=slug, viewer=viewer, wave=name)
    return Response(
        data,
        media_type=XML_MEDIA_TYPE,
        headers={"Content-Disposition": f'inline; filename="{slug}-{name}.xml"'},
    )


def repository_of(request: Request, session: Session) -> Repository:
    """The OAI-PMH repository over this request's session; `app.state.oai_page_size` sets the page size."""
    settings = request.app.state.runtime.settings
    links = LiveLinks(
        lang=settings.languages[0], languages=settings.languages, base_url=settings.base_url, path="/"
    )

    def page_url(record: OaiRecord) -> str:
        if record.kind == "study":
            return links.address(f"/studies/{record.study_slug}", settings.languages[0])
        return links.address(item_path(record.urn, ""), settings.languages[0])

    return Repository(
        session=session,
        base_url=settings.base_url,
        page_size=getattr(request.app.state, "oai_page_size", PAGE_SIZE),
        admin_email=getattr(settings, "admin_email", None),
        page_url=page_url,
    )


@router.get("/oai", summary="OAI-PMH 2.0 endpoint (GET)", responses={200: {"content": {"text/xml": {}}}})
async def oai(request: Request, session: Annotated[Session, Depends(get_session)]) -> Response:
    pairs = list(request.query_params.multi_items())
    body = await run_in_threadpool(oai_response, pairs, repository_of(request, session))
    return Response(body, media_type=OAI_MEDIA_TYPE)


@router.post(
    "/oai",
    summary="OAI-PMH 2.0 endpoint (POST, form-encoded arguments)",
    responses={200: {"content": {"text/xml": {}}}},
)
async def oai_post(request: Request, session: Annotated[Session, Depends(get_session)]) -> Response:
    form = await request.form()
    pairs = [(k, str(v)) for k, v in form.multi_items()]
    body = await run_in_threadpool(oai_response, pairs, repository_of(request, session))
    return Response(body, media_type=OAI_MEDIA_TYPE)
