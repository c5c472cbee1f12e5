"""DDI URN resolution: `/urn/{urn}` answers with the page, DDI-L, JSON or JSON-LD of what the URN names.

Browsers (`Accept: text/html`, or no preference) get a 303 to the page; `application/xml` gets DDI-L 3.3,
`application/json` the API's JSON, `application/ld+json` schema.org JSON-LD; `?format=` (html, xml, json,
jsonld) overrides the header. A URN without a version names the latest published version. Cohorts and
waves resolve too (their DDI Group and StudyUnit URNs).
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.deps import get_runtime, get_session, get_viewer
from api.harvest.jsonld import property_value, study_jsonld, text_value, variable_jsonld
from api.links import LiveLinks, item_path
from api.runtime import Runtime
from api.views import find_item, item_context, study_context, wave_context
from catalogue.errors import NotFound
from catalogue.exports import item_export, study_export
from catalogue.model import parse_urn
from catalogue.store.reads import Viewer
from catalogue.store.tables import Study, Wave

router = APIRouter(tags=["harvesting"])
MEDIA = {
    "html": "text/html",
    "xml": "application/xml",
    "json": "application/json",
    "jsonld": "application/ld+json",
}
ACCEPTED = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/xml": "xml",
    "text/xml": "xml",
    "application/json": "json",
    "application/ld+json": "jsonld",
}


def negotiate(accept: str | None) -> str:
    """The representation a client prefers, by the q-values of its Accept header (ties: its order)."""
    best, best_q = "html", -1.0
    for part in (accept or "").split(","):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        q = 1.0
        for parameter in pieces[1:]:
            if parameter.startswith("q="):
                try:
                    q = float(parameter[2:])
                except ValueError:
                    q = 0.0
        kind = ACCEPTED.get(media)
        if kind is None or q <= 0:
            continue
        if q > best_q:
            best, best_q = kind, q
    return best


def _owner(session: Session, agency: str, ddi_id: str) -> tuple[Study, Wave | None] | None:
    """The cohort or wave a URN names, if it names one."""
    study = session.scalar(
        select(Study).where(func.lower(Study.agency) == agency.lower(), Study.ddi_id == ddi_id)
    )
    if study is not None:
        return study, None
    wave = session.scalar(
        select(Wave).where(func.lower(Wave.agency) == agency.lower(), Wave.ddi_id == ddi_id)
    )
    if wave is not None:
        return wave.study, wave
    return None


def _json(data: Any, media_type: str) -> Response:
    return Response(
        json.dumps(data, ensure_ascii=False, default=str), media_type=media_type, headers={"Vary": "Accept"}
    )


@router.get(
    "/urn/{urn}",
    summary="Resolve a DDI URN (page, DDI-L, JSON or JSON-LD by content negotiation)",
    responses={303: {"description": "The item's page"}, 404: {"description": "No such URN"}},
)
def resolve(
    urn: str,
    request: Request,
    runtime: Annotated[Runtime, Depends(get_runtime)],
    session: Annotated[Session, Depends(get_session)],
    viewer: Annotated[Viewer, Depends(get_viewer)],
    format: Annotated[str | None, Query(pattern="^(html|xml|json|jsonld)$")] = None,
) -> Response:
    parsed = parse_urn(urn)
    if parsed is None:
        raise NotFound(f"{urn!r} is not a DDI URN (urn:ddi:agency:id[:version])")
    kind = format or negotiate(request.headers.get("accept"))
    settings = runtime.settings
    links = LiveLinks(
        lang=settings.languages[0], languages=settings.languages, base_url=settings.base_url, path="/"
    )
    owner = _owner(session, parsed[0], parsed[1])
    if owner is not None:
        study, wave = owner
        try:
            return _study_or_wave(session, viewer, links, study, wave, kind, request)
        except NotFound:
            # Say no more about a study or wave the caller may not see than about an unknown URN.
            raise NotFound(f"no item {urn} in the catalogue") from None
    row, _study, _release, _wave = find_item(session, urn, viewer)
    if kind == "html":
        return _redirect(item_path(row.urn, row.type), request)
    if kind == "xml":
        return Response(
            item_export(session=session, row=row), media_type=MEDIA["xml"], headers={"Vary": "Accept"}
        )
    item = item_context(session, row.urn, viewer)
    if kind == "json":
        return _json(item, MEDIA["json"])
    page = links.address(item_path(row.urn, row.type), links.languages[0])
    dataset = links.address(f"/studies/{item['study']['slug']}", links.languages[0]) + "#dataset"
    if item["type"] == "Variable":
        data = variable_jsonld(item, lang=None, page_url=page, dataset_id=dataset)
    else:
        data = property_value(item, None, page) | {
            "@context": {"@vocab": "https://schema.org/"},
            "@type": "DefinedTerm",
            "@id": page,
            "description": text_value(item.get("text") or item.get("label"), None),
            "identifier": item["urn"],
        }
        data.pop("propertyID", None)
    return _json(data, MEDIA["jsonld"])


def _redirect(path: str, request: Request) -> Response:
    target = path + (f"?lang={request.query_params['lang']}" if request.query_params.get("lang") else "")
    return RedirectResponse(target, status_code=303, headers={"Vary": "Accept"})


def _study_or_wave(
    session: Session,
    viewer: Viewer,
    links: LiveLinks,
    study: Study,
    wave: Wave | None,
    kind: str,
    request: Request,
) -> Response:
    path = f"/studies/{study.slug}" + (f"/waves/{wave.name}" if wave else "")
    if kind == "html":
        study_context(session, study.slug, viewer) if wave is None else wave_context(
            session, study.slug, wave.name, viewer
        )
        return _redirect(path, request)
    if kind == "xml":
        data = study_export(session=session, slug=study.slug, viewer=viewer, wave=wave.name if wave else None)
        return Response(data, media_type=MEDIA["xml"], headers={"Vary": "Accept"})
    if wave is not None:
        context = wave_context(session, study.slug, wave.name, viewer)
        if kind == "json":
            return _json(context, MEDIA["json"])
        page = links.address(path, links.languages[0])
        return _json(
            {
                "@context": {"@vocab": "https://schema.org/"},
                "@type": "Dataset",
                "@id": page + "#dataset",
                "name": text_value(context["title"], None) or wave.name,
                "identifier": context["urn"],
                "url": page,
                "description": text_value(context["abstract"], None),
                "isPartOf": {"@id": links.address(f"/studies/{study.slug}", links.languages[0]) + "#dataset"},
            },
            MEDIA["jsonld"],
        )
    context = study_context(session, study.slug, viewer)
    if kind == "json":
        return _json(context, MEDIA["json"])
    page = links.address(path, links.languages[0])
    data = study_jsonld(
        context,
        lang=None,
        page_url=page,
        dataset_id=page + "#dataset",
        catalogue_url=links.address("/", links.languages[0]),
        wave_urls={
            w["name"]: links.address(f"{path}/waves/{w['name']}", links.languages[0])
            for w in context["waves"]
        },
    )
    return _json(data, MEDIA["jsonld"])
