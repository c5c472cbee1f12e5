"""The JSON API under /api/v1: studies, items (JSON or DDI-L XML), search."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from api.deps import get_runtime, get_session, get_viewer
from api.runtime import Runtime
from api.search_service import SearchRequest, search_filters, search_result_json, search_run
from api.views import find_item, item_context, studies_context, study_context
from catalogue.exports import item_export, study_export
from catalogue.store.reads import Viewer

router = APIRouter(prefix="/api/v1", tags=["catalogue"])
XML_MEDIA_TYPE = "application/xml"


class FacetValue(BaseModel):
    value: str
    count: int


class SearchHitPublic(BaseModel):
    urn: str
    type: str
    name: str
    title: str
    label: dict[str, str]
    question_text: dict[str, str]
    study: str
    waves: list[str]
    state: str
    score: float
    highlights: dict[str, list[str]]


class SearchResultPublic(BaseModel):
    total: int
    hits: list[SearchHitPublic]
    facets: dict[str, list[FacetValue]]


class StudyPublic(BaseModel):
    slug: str
    urn: str
    title: dict[str, str]
    abstract: dict[str, str]
    attributes: dict[str, str]
    release: dict[str, Any]
    waves: Any
    counts: dict[str, int]


class StudyList(BaseModel):
    total: int
    studies: list[StudyPublic]


class ItemPublic(BaseModel):
    model_config = {"extra": "allow"}
    urn: str
    type: str
    agency: str
    id: str
    version: str
    name: str | None = None
    label: dict[str, str] = Field(default_factory=dict)
    study: dict[str, Any]


@router.get("/search", response_model=SearchResultPublic, summary="Search variables and questions")
def search(
    runtime: Annotated[Runtime, Depends(get_runtime)],
    session: Annotated[Session, Depends(get_session)],
    viewer: Annotated[Viewer, Depends(get_viewer)],
    q: Annotated[str, Query(max_length=500, description="Words, \"phrases\", prefix*, -excluded")] = "",
    study: Annotated[list[str] | None, Query(description="Study handle (repeatable)")] = None,
    wave: Annotated[list[str] | None, Query(description="Wave name (repeatable)")] = None,
    type: Annotated[list[str] | None, Query(description="Item type: Variable, QuestionItem...")] = None,
    lang: Annotated[str | None, Query(max_length=16, description="Only items with text in this language")] = None,
    representation: Annotated[list[str] | None, Query()] = None,
    data_source: Annotated[list[str] | None, Query()] = None,
    concept: Annotated[list[str] | None, Query()] = None,
    age_min: Annotated[float | None, Query(ge=0, le=2000, description="Participants' age at the wave, months")] = None,
    age_max: Annotated[float | None, Query(ge=0, le=2000)] = None,
    sort: Annotated[str, Query(pattern="^(relevance|name)$")] = "relevance",
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> dict[str, Any]:
    request = SearchRequest(
        text=q, filters=search_filters(study=study, wave=wave, type=type, representation=representation,
                                       data_source=data_source, concept=concept),
        lang=lang, age_min=age_min, age_max=age_max, sort=sort, limit=limit, offset=offset,
    )
    result = search_run(backend=runtime.backend, session=session, viewer=viewer, request=request)
    return search_result_json(result)


@router.get("/studies", response_model=StudyList, summary="The studies (cohorts) of the catalogue")
def studies(
    session: Annotated[Session, Depends(get_session)],
    viewer: Annotated[Viewer, Depends(get_viewer)],
) -> dict[str, Any]:
    found = studies_context(session, viewer)
    return {"total": len(found), "studies": found}


@router.get("/studies/{slug}", response_model=StudyPublic, summary="One study, its waves and counts",
            responses={200: {"content": {XML_MEDIA_TYPE: {}}}})
def study(
    slug: str,
    request: Request,
    session: Annotated[Session, Depends(get_session)],
    viewer: Annotated[Viewer, Depends(get_viewer)],
) -> Any:
    if slug.endswith(".xml") or _wants_xml(request):
        data = study_export(session=session, slug=slug.removesuffix(".xml"), viewer=viewer)
        return Response(data, media_type=XML_MEDIA_TYPE)
    return study_context(session, slug, viewer)


@router.get("/items/{urn}", response_model=ItemPublic, summary="One item: JSON, or DDI-L 3.3 XML",
            responses={200: {"content": {XML_MEDIA_TYPE: {}}}, 404: {"description": "No such item"}})
def item(
    urn: str,
    request: Request,
    session: Annotated[Session, Depends(get_session)],
    viewer: Annotated[Viewer, Depends(get_viewer)],
) -> Any:
    if urn.endswith(".xml") or (not urn.endswith(".json") and _wants_xml(request)):
        row, _study, _release, _wave = find_item(session, urn.removesuffix(".xml"), viewer)
        return Response(item_export(session=session, row=row), media_type=XML_MEDIA_TYPE,
                        headers={"Content-Disposition": f'inline; filename="{row.ddi_id}-{row.version}.xml"'})
    return item_context(session, urn.removesuffix(".json"), viewer)


def _wants_xml(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return XML_MEDIA_TYPE in accept or "text/xml" in accept
