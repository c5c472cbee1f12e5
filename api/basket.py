"""The basket, in pages and in the API: add and remove variables (forms with CSRF, no JavaScript needed), see
them per cohort and wave, export them as CSV, as DDI-L 3.3, or as a printable codebook page."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from api.auth import request_caller
from api.basket_identity import BasketCaller, basket_caller, basket_cookie_keep, basket_csrf_check
from api.deps import get_runtime, get_session, get_viewer
from api.manage_api import write_through
from api.manage_pages import back_to, safe_next
from api.pages import render
from api.runtime import Runtime
from catalogue.basket import basket_add, basket_clear, basket_remove, basket_summary, basket_variables
from catalogue.basket_export import basket_csv, basket_ddi, basket_descriptions, codebook_context
from catalogue.errors import NotFound
from catalogue.store.reads import Viewer

router = APIRouter(tags=["basket"])
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
SessionDep = Annotated[Session, Depends(get_session)]
ViewerDep = Annotated[Viewer, Depends(get_viewer)]
BasketDep = Annotated[BasketCaller, Depends(basket_caller)]
CSRF_HEADER = "X-CSRF-Token"
XML_MEDIA_TYPE = "application/xml"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"


class BasketEntryCreate(BaseModel):
    urn: str = Field(max_length=700, description="URN of a variable (without version: its latest version)")


def basket_json(session: Session, basket: BasketCaller, viewer: Viewer) -> dict[str, Any]:
    summary = basket_summary(session, basket.owner, viewer)
    variables = [
        {"urn": v.row.urn, "name": v.row.name, "label": dict(v.row.label), "study": v.study.slug,
         "waves": [w.name for w in v.waves]}
        for v in basket_variables(session, basket.owner, viewer)
    ]
    return {"total": summary["total"], "studies": summary["studies"], "variables": variables,
            "csrf_token": basket.csrf_token}


# --- Pages -------------------------------------------------------------------------------------------------


@router.get("/basket", response_class=HTMLResponse, include_in_schema=False)
def basket_page(request: Request, session: SessionDep, viewer: ViewerDep, basket: BasketDep) -> Response:
    descriptions = basket_descriptions(session, basket_variables(session, basket.owner, viewer))
    actor = request_caller(request).actor
    notice = request.query_params.get("done")
    response = render(request, "discovery/basket.html", {
        "groups": codebook_context(descriptions), "total": len(descriptions), "basket_csrf": basket.csrf_token,
        "basket_urns": {d["urn"] for d in descriptions}, "signed_in": actor.authenticated,
        "notice": notice if notice in ("added", "removed", "cleared") else None,
    })
    return basket_cookie_keep(response, basket)


def _form_write(request: Request, runtime: Runtime, basket: BasketCaller, csrf_token: str, back: str,
                done: str, service: Any, **kwargs: Any) -> Response:
    basket_csrf_check(basket, csrf_token)
    write_through(runtime, service, owner=basket.owner, **kwargs)
    target = safe_next(back) if back else "/basket"
    if target in ("/basket", "/account"):  # safe_next answers /account for what is not one of our paths
        return back_to(request, "/basket", done=done)
    return RedirectResponse(target, status_code=303)


@router.post("/basket/add", include_in_schema=False)
def basket_add_form(
    request: Request, runtime: RuntimeDep, viewer: ViewerDep, basket: BasketDep,
    urn: Annotated[str, Form(max_length=700)], csrf_token: Annotated[str, Form(max_length=200)] = "",
    back: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    return _form_write(request, runtime, basket, csrf_token, back, "added", basket_add, viewer=viewer, urn=urn)


@router.post("/basket/remove", include_in_schema=False)
def basket_remove_form(
    request: Request, runtime: RuntimeDep, basket: BasketDep,
    urn: Annotated[str, Form(max_length=700)], csrf_token: Annotated[str, Form(max_length=200)] = "",
    back: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    return _form_write(request, runtime, basket, csrf_token, back, "removed", basket_remove, urn=urn)


@router.post("/basket/clear", include_in_schema=False)
def basket_clear_form(
    request: Request, runtime: RuntimeDep, basket: BasketDep, csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    return _form_write(request, runtime, basket, csrf_token, "", "cleared", basket_clear)


@router.get("/basket/codebook", response_class=HTMLResponse, include_in_schema=False)
def basket_codebook(request: Request, session: SessionDep, viewer: ViewerDep, basket: BasketDep) -> Response:
    descriptions = basket_descriptions(session, basket_variables(session, basket.owner, viewer))
    response = render(request, "discovery/codebook.html", {"groups": codebook_context(descriptions),
                                                           "total": len(descriptions)})
    return basket_cookie_keep(response, basket)


# --- API ---------------------------------------------------------------------------------------------------


@router.get("/api/v1/basket", summary="The caller's basket: its variables by study")
def basket_read(session: SessionDep, viewer: ViewerDep, basket: BasketDep) -> Response:
    return basket_cookie_keep(JSONResponse(basket_json(session, basket, viewer)), basket)


@router.post("/api/v1/basket/items", status_code=201, summary="Add a variable to the basket")
def basket_item_add(
    request: Request, entry: BasketEntryCreate, runtime: RuntimeDep, viewer: ViewerDep, basket: BasketDep,
) -> dict[str, Any]:
    basket_csrf_check(basket, request.headers.get(CSRF_HEADER))
    urn = write_through(runtime, basket_add, owner=basket.owner, viewer=viewer, urn=entry.urn)
    with runtime.sessions() as session:
        data = basket_json(session, basket, viewer)
    return {"added": urn, **data}


@router.delete("/api/v1/basket/items/{urn}", summary="Take a variable out of the basket")
def basket_item_remove(
    urn: str, request: Request, runtime: RuntimeDep, viewer: ViewerDep, basket: BasketDep,
) -> dict[str, Any]:
    basket_csrf_check(basket, request.headers.get(CSRF_HEADER))
    write_through(runtime, basket_remove, owner=basket.owner, urn=urn)
    with runtime.sessions() as session:
        return basket_json(session, basket, viewer)


@router.get("/api/v1/basket/export.csv", summary="The basket as CSV: one row per variable",
            responses={200: {"content": {"text/csv": {}}}})
def basket_export_csv(session: SessionDep, viewer: ViewerDep, basket: BasketDep) -> Response:
    descriptions = basket_descriptions(session, basket_variables(session, basket.owner, viewer))
    return Response(basket_csv(descriptions), media_type=CSV_MEDIA_TYPE,
                    headers={"Content-Disposition": 'attachment; filename="ddicat-basket.csv"'})


@router.get("/api/v1/basket/export.xml", summary="The basket as one DDI-L 3.3 document",
            responses={200: {"content": {XML_MEDIA_TYPE: {}}}})
def basket_export_ddi(runtime: RuntimeDep, session: SessionDep, viewer: ViewerDep, basket: BasketDep) -> Response:
    entries = basket_variables(session, basket.owner, viewer)
    if not entries:
        raise NotFound("the basket is empty: add variables from the search or the variable pages first")
    document = basket_ddi(session, entries, agency=runtime.settings.default_agency)
    return Response(document, media_type=XML_MEDIA_TYPE,
                    headers={"Content-Disposition": 'attachment; filename="ddicat-basket.xml"'})
