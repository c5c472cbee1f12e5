"""Access requests in pages and in the API: submit one from the basket, follow it (researcher), answer a
study's part (its managers). Every change commits its mails to the outbox; when a mail server is configured
the app delivers them right after the response (`ddicat mail send` delivers whatever is left)."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from api.auth import Caller, check_csrf, get_actor, get_write_actor, request_caller
from api.basket_identity import basket_caller
from api.deps import get_runtime
from api.manage_api import read_through, write_through
from api.manage_pages import back_to, sign_in_first
from api.pages import render
from api.runtime import Runtime
from catalogue import access_requests
from catalogue.accounts import Actor
from catalogue.basket import basket_variables
from catalogue.errors import DdicatError, InvalidInput
from catalogue.mail import outbox_deliver

router = APIRouter(tags=["access requests"])
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
CallerDep = Annotated[Caller, Depends(request_caller)]
log = logging.getLogger("ddicat.mail")
NOTICES = ("submitted", "done")


def mail_after_response(tasks: BackgroundTasks, runtime: Runtime) -> None:
    """Deliver the outbox once the response is sent, when a mail server is configured."""
    if runtime.settings.smtp_host:
        tasks.add_task(_deliver, runtime)


def _deliver(runtime: Runtime) -> None:
    try:
        report = outbox_deliver(sessions=runtime.sessions, settings=runtime.settings)
    except DdicatError as error:  # the mails stay in the outbox for `ddicat mail send`
        log.warning("mail not delivered: %s", error.message)
        return
    for problem in report.errors:
        log.warning("mail refused: %s", problem)


def _basket_urns(request: Request, runtime: Runtime, actor: Actor) -> list[str]:
    basket = basket_caller(request)
    with runtime.sessions() as session:
        return [entry.row.urn for entry in basket_variables(session, basket.owner, actor.viewer())]


# --- Pages -------------------------------------------------------------------------------------------------


@router.get("/access/new", response_class=HTMLResponse, include_in_schema=False)
def access_new_page(request: Request, runtime: RuntimeDep, caller: CallerDep) -> Response:
    if not caller.actor.authenticated:
        return sign_in_first(request)
    basket = basket_caller(request)
    with runtime.sessions() as session:
        entries = basket_variables(session, basket.owner, caller.actor.viewer())
    studies: dict[str, list[Any]] = {}
    for entry in entries:
        studies.setdefault(entry.study.slug, []).append(entry)
    return render(request, "discovery/access_new.html", {
        "studies": studies, "total": len(entries), "csrf_token": caller.csrf_token, "form": {}, "problems": [],
    })


@router.post("/access/new", include_in_schema=False)
def access_new(
    request: Request, runtime: RuntimeDep, caller: CallerDep, tasks: BackgroundTasks,
    title: Annotated[str, Form(max_length=access_requests.MAX_TITLE)] = "",
    summary: Annotated[str, Form(max_length=access_requests.MAX_TEXT)] = "",
    institution: Annotated[str, Form(max_length=access_requests.MAX_TITLE)] = "",
    intended_use: Annotated[str, Form(max_length=access_requests.MAX_TEXT)] = "",
    snds_linkage: Annotated[str, Form(max_length=8)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    if not caller.actor.authenticated:
        return sign_in_first(request)
    check_csrf(caller, csrf_token)
    form = {"title": title, "summary": summary, "institution": institution, "intended_use": intended_use,
            "snds_linkage": snds_linkage in ("1", "on", "true", "yes")}
    try:
        created = write_through(runtime, access_requests.access_request_submit, actor=caller.actor,
                                variables=_basket_urns(request, runtime, caller.actor),
                                base_url=runtime.settings.base_url, **form)
    except InvalidInput as refused:
        return render(request, "discovery/access_new.html", {
            "studies": {}, "total": None, "csrf_token": caller.csrf_token, "form": form,
            "problems": [{"code": p.code, "element": p.location.element,
                          "message": p.message} for p in refused.problems],
        }, status=422)
    mail_after_response(tasks, runtime)
    response = back_to(request, f"/access/requests/{created.id}", done="submitted")
    return response


@router.get("/access", response_class=HTMLResponse, include_in_schema=False)
def access_list_page(request: Request, runtime: RuntimeDep, caller: CallerDep) -> Response:
    if not caller.actor.authenticated:
        return sign_in_first(request)
    mine = read_through(runtime, access_requests.access_requests_mine, actor=caller.actor)
    inbox = read_through(runtime, access_requests.access_inbox, actor=caller.actor)
    return render(request, "discovery/access_list.html", {"mine": mine, "inbox": inbox})


@router.get("/access/requests/{request_id}", response_class=HTMLResponse, include_in_schema=False)
def access_request_page(request_id: int, request: Request, runtime: RuntimeDep, caller: CallerDep) -> Response:
    if not caller.actor.authenticated:
        return sign_in_first(request)
    data = read_through(runtime, access_requests.access_request_view, actor=caller.actor, request_id=request_id)
    notice = request.query_params.get("done")
    return render(request, "discovery/access_request.html", {
        "access": data, "csrf_token": caller.csrf_token, "notice": notice if notice in NOTICES else None,
    })


@router.get("/access/parts/{part_id}", response_class=HTMLResponse, include_in_schema=False)
def access_part_page(part_id: int, request: Request, runtime: RuntimeDep, caller: CallerDep) -> Response:
    if not caller.actor.authenticated:
        return sign_in_first(request)
    data = read_through(runtime, access_requests.access_part_view, actor=caller.actor, part_id=part_id)
    notice = request.query_params.get("done")
    return render(request, "discovery/access_part.html", {
        "part": data, "csrf_token": caller.csrf_token, "notice": notice if notice in NOTICES else None,
    })


@router.post("/access/parts/{part_id}/act", include_in_schema=False)
def access_part_act_form(
    part_id: int, request: Request, runtime: RuntimeDep, caller: CallerDep, tasks: BackgroundTasks,
    action: Annotated[str, Form(max_length=32)],
    message: Annotated[str, Form(max_length=access_requests.MAX_TEXT)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    if not caller.actor.authenticated:
        return sign_in_first(request)
    check_csrf(caller, csrf_token)
    write_through(runtime, access_requests.access_part_act, actor=caller.actor, part_id=part_id, action=action,
                  message=message, base_url=runtime.settings.base_url)
    mail_after_response(tasks, runtime)
    response = back_to(request, f"/access/parts/{part_id}", done="done")
    return response


# --- API ---------------------------------------------------------------------------------------------------


class AccessRequestCreate(BaseModel):
    title: str = Field(max_length=access_requests.MAX_TITLE)
    summary: str = Field(max_length=access_requests.MAX_TEXT)
    institution: str = Field(max_length=access_requests.MAX_TITLE)
    intended_use: str = Field(max_length=access_requests.MAX_TEXT)
    snds_linkage: bool = False
    variables: list[str] | None = Field(default=None, description="Variable URNs; default: the caller's basket")


class PartAction(BaseModel):
    action: str = Field(description="review, request_information, answer, approve, reject, withdraw or comment")
    message: str = Field(default="", max_length=access_requests.MAX_TEXT)


@router.post("/api/v1/access-requests", status_code=201, summary="Submit an access request (split per study)")
def access_request_create(
    body: AccessRequestCreate, request: Request, runtime: RuntimeDep, tasks: BackgroundTasks,
    actor: Annotated[Actor, Depends(get_write_actor)],
) -> dict[str, Any]:
    variables = body.variables if body.variables is not None else _basket_urns(request, runtime, actor)
    created = write_through(runtime, access_requests.access_request_submit, actor=actor, title=body.title,
                            summary=body.summary, institution=body.institution, intended_use=body.intended_use,
                            snds_linkage=body.snds_linkage, variables=variables, base_url=runtime.settings.base_url)
    mail_after_response(tasks, runtime)
    return read_through(runtime, access_requests.access_request_view, actor=actor, request_id=created.id)


@router.get("/api/v1/access-requests", summary="The caller's access requests, each part's status")
def access_request_list(runtime: RuntimeDep, actor: Annotated[Actor, Depends(get_actor)]) -> dict[str, Any]:
    found = read_through(runtime, access_requests.access_requests_mine, actor=actor)
    return {"total": len(found), "requests": found}


@router.get("/api/v1/access-requests/{request_id}", summary="One access request, every part and its history")
def access_request_read(
    request_id: int, runtime: RuntimeDep, actor: Annotated[Actor, Depends(get_actor)]
) -> dict[str, Any]:
    return read_through(runtime, access_requests.access_request_view, actor=actor, request_id=request_id)


@router.get("/api/v1/access-parts", summary="The parts the caller answers (the studies they manage)")
def access_part_list(runtime: RuntimeDep, actor: Annotated[Actor, Depends(get_actor)]) -> dict[str, Any]:
    found = read_through(runtime, access_requests.access_inbox, actor=actor)
    return {"total": len(found), "parts": found}


@router.get("/api/v1/access-parts/{part_id}", summary="One part of a request, with its history")
def access_part_read(part_id: int, runtime: RuntimeDep, actor: Annotated[Actor, Depends(get_actor)]) -> dict[str, Any]:
    return read_through(runtime, access_requests.access_part_view, actor=actor, part_id=part_id)


@router.post("/api/v1/access-parts/{part_id}/actions", summary="Act on a part: review, ask, answer, decide...")
def access_part_action(
    part_id: int, body: PartAction, runtime: RuntimeDep, tasks: BackgroundTasks,
    actor: Annotated[Actor, Depends(get_write_actor)],
) -> dict[str, Any]:
    write_through(runtime, access_requests.access_part_act, actor=actor, part_id=part_id, action=body.action,
                  message=body.message, base_url=runtime.settings.base_url)
    mail_after_response(tasks, runtime)
    return read_through(runtime, access_requests.access_part_view, actor=actor, part_id=part_id)
