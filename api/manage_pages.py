"""The cohort spaces' pages: sign in and out, my account and tokens, a study's space (upload, validation
report, draft diff, publish, releases, members, audit events) and the admin page.

Server-rendered, usable without JavaScript, French and English; every form carries the session's CSRF
token. The pages call the same services as the JSON API and the CLI.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from api.auth import (
    CSRF_FIELD,
    SESSION_COOKIE,
    Caller,
    check_csrf,
    client_address,
    login_csrf_check,
    login_csrf_cookie,
    login_csrf_value,
    request_caller,
    session_cookie_clear,
    session_cookie_set,
)
from api.deps import get_runtime
from api.i18n import N_
from api.manage_api import form_text, read_through, upload_form, upload_source, write_through
from api.pages import page_language, render
from api.runtime import Runtime
from catalogue import accounts, workflow
from catalogue.accounts import ROLES, LoginThrottled
from catalogue.audit import chain_verify
from catalogue.errors import InvalidInput, NotFound
from catalogue.store.reads import study_by_slug
from importers.registry import DDI_FORMAT, importers

router = APIRouter(include_in_schema=False)
# Words that reach these pages as data (roles, token and release states, problem severities, code changes,
# diff fields), marked so that extraction keeps them in the catalogue.
VOCABULARY = (
    N_("viewer"), N_("editor"), N_("manager"), N_("active"), N_("expired"), N_("revoked"), N_("replaced"),
    N_("discarded"), N_("error"), N_("warning"), N_("added"), N_("removed"), N_("relabelled"), N_("missing"),
    N_("title"), N_("abstract"), N_("purpose"), N_("label"), N_("name"), N_("description"), N_("text"),
    N_("instruction"),
)
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
CallerDep = Annotated[Caller, Depends(request_caller)]
DIFF_ROWS = 200
EVENTS_SHOWN = 50
NOTICES = ("uploaded", "published", "discarded", "rolled-back", "granted", "revoked", "token-revoked",
           "study-created", "signed-out")


def back_to(request: Request, path: str, **params: Any) -> RedirectResponse:
    """See-other to a page of ours, keeping the page language."""
    lang = page_language(request)
    runtime: Runtime = request.app.state.runtime
    query = {k: v for k, v in params.items() if v not in (None, "")}
    if lang != runtime.settings.languages[0]:
        query["lang"] = lang
    return RedirectResponse(path + ("?" + urlencode(query) if query else ""), status_code=303)


def sign_in_first(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return back_to(request, "/login", next=target)


def safe_next(target: str | None) -> str:
    """Only a path of this site: never `//host` or an absolute URL."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/account"


def notice_of(request: Request) -> str | None:
    value = request.query_params.get("done")
    return value if value in NOTICES else None


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: Annotated[str | None, Query(max_length=500)] = None) -> Response:
    return _login_form(request, next=next)


def _login_form(request: Request, *, next: str | None, email: str = "", error: str | None = None,
                status: int = 200, headers: dict[str, str] | None = None) -> Response:
    token = login_csrf_value(request)
    page = render(request, "manage/login.html", {
        "next": safe_next(next), "email": email, "error": error, "csrf_token": token,
        "notice": notice_of(request),
    }, status=status)
    login_csrf_cookie(page, token)
    for key, value in (headers or {}).items():
        page.headers[key] = value
    return page


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    runtime: RuntimeDep,
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=500)] = "/account",
) -> Response:
    login_csrf_check(request, csrf_token)
    result = write_through(runtime, accounts.login_attempt, email=email, password=password,
                           client=client_address(request))
    if result.refusal is not None:
        refusal = result.refusal
        headers = {"Retry-After": str(refusal.retry_after)} if isinstance(refusal, LoginThrottled) else None
        return _login_form(request, next=next, email=email, error=refusal.message, status=refusal.status,
                           headers=headers)
    assert result.secret is not None
    response = RedirectResponse(safe_next(next), status_code=303)
    session_cookie_set(response, result.secret)
    return response


@router.post("/logout")
def logout(request: Request, runtime: RuntimeDep, caller: CallerDep,
           csrf_token: Annotated[str, Form(max_length=200)] = "") -> Response:
    check_csrf(caller, csrf_token)
    secret = request.cookies.get(SESSION_COOKIE)
    if secret and caller.actor.via == "session":
        write_through(runtime, accounts.session_close, secret=secret)
    response = back_to(request, "/login", done="signed-out")
    session_cookie_clear(response)
    return response


@router.get("/account", response_class=HTMLResponse)
def account_page(request: Request, runtime: RuntimeDep, caller: CallerDep) -> Response:
    if not caller.actor.authenticated:
        return sign_in_first(request)
    return _account(request, runtime, caller)


def _account(request: Request, runtime: Runtime, caller: Caller, *, created: dict[str, Any] | None = None,
             status: int = 200) -> Response:
    actor = caller.actor
    studies = read_through(runtime, accounts.my_studies, actor=actor)
    tokens = read_through(runtime, accounts.token_list, actor=actor)
    return render(request, "manage/account.html", {
        "caller": caller, "actor": actor, "studies": studies, "tokens": tokens, "roles": ROLES,
        "created": created, "csrf_token": caller.csrf_token, "notice": notice_of(request),
    }, status=status)


@router.post("/account/tokens", response_class=HTMLResponse)
def account_token_create(
    request: Request, runtime: RuntimeDep, caller: CallerDep,
    study: Annotated[str, Form(max_length=64)],
    role: Annotated[str, Form(max_length=16)],
    name: Annotated[str, Form(max_length=255)] = "",
    days: Annotated[int, Form(ge=1, le=accounts.TOKEN_MAX_DAYS)] = 90,
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    check_csrf(caller, csrf_token)
    token, secret = write_through(runtime, accounts.token_create, actor=caller.actor, study_slug=study,
                                  role=role, name=name, days=days)
    # Shown once, in this response only: never stored, never put in a URL.
    return _account(request, runtime, caller, created={**token, "secret": secret}, status=201)


@router.post("/account/tokens/{token_id}/revoke")
def account_token_revoke(request: Request, token_id: int, runtime: RuntimeDep, caller: CallerDep,
                         csrf_token: Annotated[str, Form(max_length=200)] = "",
                         back: Annotated[str, Form(max_length=500)] = "/account") -> Response:
    check_csrf(caller, csrf_token)
    write_through(runtime, accounts.token_revoke, actor=caller.actor, token_id=token_id)
    return back_to(request, safe_next(back), done="token-revoked")


@router.get("/studies/{slug}/manage", response_class=HTMLResponse)
def study_space(
    slug: str, request: Request, runtime: RuntimeDep, caller: CallerDep,
    upload: Annotated[int | None, Query()] = None,
) -> Response:
    if not caller.actor.authenticated:
        return sign_in_first(request)
    return _space(request, runtime, caller, slug, highlight=upload)


def _space(
    request: Request, runtime: Runtime, caller: Caller, slug: str, *, highlight: int | None = None,
    refused: InvalidInput | None = None, refused_file: str | None = None, status: int = 200,
) -> Response:
    actor = caller.actor
    with runtime.sessions() as session:
        releases = workflow.release_list(session=session, actor=actor, study_slug=slug)
        study = study_by_slug(session, slug)
        assert study is not None
        role = actor.role_on(study.id)
        draft: dict[str, Any] | None
        diff: dict[str, Any] | None
        try:
            draft = workflow.draft_overview(session=session, actor=actor, study_slug=slug)
            diff = workflow.draft_diff(session=session, actor=actor, study_slug=slug, limit=DIFF_ROWS)
        except NotFound:
            draft = diff = None
        manager = role == "manager"
        members = accounts.member_list(session=session, actor=actor, study_slug=slug) if manager else []
        events = workflow.study_events(session=session, actor=actor, study_slug=slug,
                                       limit=EVENTS_SHOWN) if manager else []
        uploads = workflow.upload_list(session=session, actor=actor, study_slug=slug)
        info = {"slug": study.slug, "title": study.title}
    return render(request, "manage/study.html", {
        "study": info, "role": role, "can_edit": accounts.role_rank(role) >= accounts.role_rank("editor"),
        "can_manage": manager, "draft": draft, "diff": diff, "releases": releases, "members": members,
        "events": events, "uploads": uploads, "highlight": highlight, "refused": refused,
        "refused_file": refused_file, "formats": [DDI_FORMAT] + [i.name for i in importers()],
        "roles": ROLES if actor.is_admin else ROLES[:2], "csrf_token": caller.csrf_token,
        "notice": notice_of(request), "max_upload_bytes": runtime.settings.max_upload_bytes,
    }, status=status)


@router.post("/studies/{slug}/manage/upload", response_class=HTMLResponse)
async def study_upload(slug: str, request: Request, runtime: RuntimeDep, caller: CallerDep) -> Response:
    await run_in_threadpool(read_through, runtime, _upload_allowed, actor=caller.actor, study_slug=slug)
    limit = runtime.settings.max_upload_bytes
    form = await upload_form(request, limit)
    check_csrf(caller, form_text(form, CSRF_FIELD))
    try:
        source = await upload_source(form, limit)
        report = await run_in_threadpool(
            write_through, runtime, workflow.draft_upload, schemas=runtime.schemas, actor=caller.actor,
            study_slug=slug, source=source, default_agency=runtime.settings.default_agency, max_bytes=limit,
            wave=form_text(form, "wave"), source_format=form_text(form, "format"),
            lenient=form_text(form, "lenient") is not None,
        )
    except InvalidInput as error:
        upload = form.get("file")
        name = getattr(upload, "filename", None)
        return await run_in_threadpool(_space, request, runtime, caller, slug, refused=error,
                                       refused_file=name, status=422)
    return back_to(request, f"/studies/{quote(slug)}/manage", done="uploaded", upload=report.import_id)


def _upload_allowed(*, session: Any, actor: accounts.Actor, study_slug: str) -> None:
    accounts.study_for(session, actor, study_slug, role="editor", write=True, lock=False)


@router.post("/studies/{slug}/manage/publish")
def study_publish(slug: str, request: Request, runtime: RuntimeDep, caller: CallerDep,
                  draft: Annotated[int | None, Form()] = None,
                  csrf_token: Annotated[str, Form(max_length=200)] = "") -> Response:
    check_csrf(caller, csrf_token)
    write_through(runtime, workflow.draft_publish, actor=caller.actor, study_slug=slug, expected_draft=draft)
    return back_to(request, f"/studies/{quote(slug)}/manage", done="published")


@router.post("/studies/{slug}/manage/discard")
def study_discard(slug: str, request: Request, runtime: RuntimeDep, caller: CallerDep,
                  draft: Annotated[int | None, Form()] = None,
                  csrf_token: Annotated[str, Form(max_length=200)] = "") -> Response:
    check_csrf(caller, csrf_token)
    write_through(runtime, workflow.draft_discard, actor=caller.actor, study_slug=slug, expected_draft=draft)
    return back_to(request, f"/studies/{quote(slug)}/manage", done="discarded")


@router.post("/studies/{slug}/manage/releases/{number}/rollback")
def study_rollback(slug: str, number: int, request: Request, runtime: RuntimeDep, caller: CallerDep,
                   csrf_token: Annotated[str, Form(max_length=200)] = "") -> Response:
    check_csrf(caller, csrf_token)
    write_through(runtime, workflow.release_rollback, actor=caller.actor, study_slug=slug, number=number)
    return back_to(request, f"/studies/{quote(slug)}/manage", done="rolled-back")


@router.post("/studies/{slug}/manage/members")
def study_member_grant(slug: str, request: Request, runtime: RuntimeDep, caller: CallerDep,
                       email: Annotated[str, Form(max_length=320)], role: Annotated[str, Form(max_length=16)],
                       csrf_token: Annotated[str, Form(max_length=200)] = "") -> Response:
    check_csrf(caller, csrf_token)
    write_through(runtime, accounts.member_grant, actor=caller.actor, study_slug=slug, email=email, role=role)
    return back_to(request, f"/studies/{quote(slug)}/manage", done="granted")


@router.post("/studies/{slug}/manage/members/revoke")
def study_member_revoke(slug: str, request: Request, runtime: RuntimeDep, caller: CallerDep,
                        email: Annotated[str, Form(max_length=320)],
                        csrf_token: Annotated[str, Form(max_length=200)] = "") -> Response:
    check_csrf(caller, csrf_token)
    write_through(runtime, accounts.member_revoke, actor=caller.actor, study_slug=slug, email=email)
    return back_to(request, f"/studies/{quote(slug)}/manage", done="revoked")


@router.get("/admin", response_class=HTMLResponse)
def admin_page(request: Request, runtime: RuntimeDep, caller: CallerDep) -> Response:
    if not caller.actor.authenticated:
        return sign_in_first(request)
    return _admin(request, runtime, caller)


def _admin(request: Request, runtime: Runtime, caller: Caller) -> Response:
    actor = caller.actor
    with runtime.sessions() as session:
        people = accounts.account_list(session=session, actor=actor)
        events = workflow.catalogue_events(session=session, actor=actor, limit=EVENTS_SHOWN)
        studies = accounts.my_studies(session=session, actor=actor)
        chain = chain_verify(session)
    return render(request, "manage/admin.html", {
        "accounts": people, "events": events, "studies": studies, "chain": chain, "roles": ROLES,
        "csrf_token": caller.csrf_token, "notice": notice_of(request),
    })


@router.post("/admin/studies")
def admin_study_create(
    request: Request, runtime: RuntimeDep, caller: CallerDep,
    slug: Annotated[str, Form(max_length=64)],
    agency: Annotated[str, Form(max_length=253)],
    title_fr: Annotated[str, Form(max_length=500)] = "",
    title_en: Annotated[str, Form(max_length=500)] = "",
    manager: Annotated[str, Form(max_length=320)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    check_csrf(caller, csrf_token)
    write_through(runtime, workflow.study_create, actor=caller.actor, slug=slug.strip(),
                  agency=agency.strip(), title={"fr": title_fr, "en": title_en},
                  manager_email=manager.strip() or None)
    return back_to(request, "/admin", done="study-created")


@router.post("/admin/members")
def admin_member_grant(
    request: Request, runtime: RuntimeDep, caller: CallerDep,
    study: Annotated[str, Form(max_length=64)],
    email: Annotated[str, Form(max_length=320)],
    role: Annotated[str, Form(max_length=16)],
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    check_csrf(caller, csrf_token)
    write_through(runtime, accounts.member_grant, actor=caller.actor, study_slug=study, email=email,
                  role=role)
    return back_to(request, "/admin", done="granted")
