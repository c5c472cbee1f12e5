"""Discovery pages: a question across waves (a timeline), comparable variables in other cohorts (with the
managers' confirm and reject forms), and the coverage grid. Server-rendered, usable without JavaScript, over
the same contexts as `api.discovery_api`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.across_waves import item_waves_context
from api.auth import Caller, check_csrf, request_caller
from api.basket_identity import basket_caller, basket_cookie_keep
from api.coverage import coverage_context
from api.deps import get_runtime, get_session, get_viewer
from api.discovery_api import comparable_context, comparable_decide
from api.i18n import N_
from api.manage_pages import back_to
from api.pages import render
from api.runtime import Runtime
from api.views import find_item
from catalogue.basket import basket_urns
from catalogue.harmonisation import comparable_links_context
from catalogue.store.reads import Viewer
from catalogue.store.tables import Study

router = APIRouter(include_in_schema=False)
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
SessionDep = Annotated[Session, Depends(get_session)]
ViewerDep = Annotated[Viewer, Depends(get_viewer)]
CallerDep = Annotated[Caller, Depends(request_caller)]
# Words that reach these pages as data (reasons, feature names, decisions), marked for extraction.
VOCABULARY = (
    N_("same item"), N_("same question text"), N_("same name"), N_("same label"), N_("confirmed"), N_("rejected"),
    N_("label"), N_("question"), N_("codes"), N_("name"), N_("concept"),
)
NOTICES = ("confirmed", "rejected")


def _waves_page(request: Request, session: Session, viewer: Viewer, urn: str) -> HTMLResponse:
    return render(request, "discovery/waves.html", {"item": item_waves_context(session, urn, viewer)})


@router.get("/variables/{urn}/waves", response_class=HTMLResponse)
def variable_waves_page(urn: str, request: Request, session: SessionDep, viewer: ViewerDep) -> HTMLResponse:
    return _waves_page(request, session, viewer, urn)


@router.get("/questions/{urn}/waves", response_class=HTMLResponse)
def question_waves_page(urn: str, request: Request, session: SessionDep, viewer: ViewerDep) -> HTMLResponse:
    return _waves_page(request, session, viewer, urn)


def _judges(session: Session, caller: Caller, own_study: str, candidates: list[dict[str, Any]]) -> dict[str, bool]:
    """Which candidates the caller may confirm or reject: a manager of either study, or the admin."""
    actor = caller.actor
    if not actor.authenticated:
        return {}
    ids = dict(session.execute(select(Study.slug, Study.id)).all())
    own = actor.is_admin or actor.role_on(ids.get(own_study, -1)) == "manager"
    return {c["urn"]: own or actor.role_on(ids.get(c["study"], -1)) == "manager" for c in candidates}


@router.get("/variables/{urn}/comparable", response_class=HTMLResponse)
def variable_comparable_page(
    urn: str, request: Request, runtime: RuntimeDep, session: SessionDep, viewer: ViewerDep, caller: CallerDep,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> Response:
    context = comparable_context(session, runtime, viewer, urn, limit=limit)
    row, _study, _release, _wave = find_item(session, urn, viewer)
    links = comparable_links_context(session, row.agency_key, row.ddi_id, viewer)
    candidates = context["candidates"] + context["rejected"]
    basket = basket_caller(request)
    notice = request.query_params.get("done")
    response = render(request, "discovery/comparable.html", {
        "comparable": context, "links": links, "judges": _judges(session, caller, context["variable"]["study"],
                                                                  candidates),
        "csrf_token": caller.csrf_token, "notice": notice if notice in NOTICES else None,
        "basket_csrf": basket.csrf_token, "basket_urns": basket_urns(session, basket.owner),
    })
    return basket_cookie_keep(response, basket)


def _decide_form(request: Request, runtime: Runtime, caller: Caller, urn: str, candidate: str, csrf_token: str,
                 decision: str, label: dict[str, str] | None = None) -> Response:
    check_csrf(caller, csrf_token)
    comparable_decide(runtime, caller.actor, urn, candidate, decision, label)
    return back_to(request, f"/variables/{urn}/comparable", done="confirmed" if decision == "confirm" else "rejected")


@router.post("/variables/{urn}/comparable/confirm")
def variable_comparable_confirm(
    urn: str, request: Request, runtime: RuntimeDep, caller: CallerDep,
    candidate: Annotated[str, Form(max_length=700)],
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    label_fr: Annotated[str, Form(max_length=500)] = "",
    label_en: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    label = {lang: text.strip() for lang, text in (("fr", label_fr), ("en", label_en)) if text.strip()} or None
    return _decide_form(request, runtime, caller, urn, candidate, csrf_token, "confirm", label)


@router.post("/variables/{urn}/comparable/reject")
def variable_comparable_reject(
    urn: str, request: Request, runtime: RuntimeDep, caller: CallerDep,
    candidate: Annotated[str, Form(max_length=700)],
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    return _decide_form(request, runtime, caller, urn, candidate, csrf_token, "reject")


@router.get("/coverage", response_class=HTMLResponse)
def coverage_page(
    request: Request, session: SessionDep, viewer: ViewerDep,
    study: Annotated[list[str] | None, Query()] = None,
) -> HTMLResponse:
    return render(request, "discovery/coverage.html", {"coverage": coverage_context(session, viewer, studies=study),
                                                       "chosen": study or []})
