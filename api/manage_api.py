"""The cohort spaces' JSON API under /api/v1: members, uploads, the draft and its diff, publishing,
releases and rollback, tokens, the audit trail, and who am I.

Every route calls one service of `catalogue.workflow` or `catalogue.accounts` (the CLI and the pages call
the same ones); writes run in one transaction and the search index follows the commit.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from pathlib import PurePath
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from api.auth import get_actor, get_write_actor, request_caller
from api.deps import get_runtime
from api.runtime import Runtime
from catalogue import accounts, workflow
from catalogue.accounts import Actor
from catalogue.errors import InvalidInput, Location, PayloadTooLarge, Problem
from catalogue.imports import Source
from catalogue.store.db import transaction

router = APIRouter(prefix="/api/v1", tags=["cohort spaces"])
T = TypeVar("T")
# Room for the multipart envelope and the small fields around the file.
FORM_OVERHEAD = 64 * 1024
JSONL_MEDIA_TYPE = "application/x-ndjson"

RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
Reader = Annotated[Actor, Depends(get_actor)]
Writer = Annotated[Actor, Depends(get_write_actor)]


def write_through(runtime: Runtime, service: Callable[..., T], **kwargs: Any) -> T:
    """One service call in one write transaction, then the search index brought up to date."""
    with transaction(runtime.sessions) as session:
        result = service(session=session, **kwargs)
    runtime.indexer.sync(wait=True)
    return result


def read_through(runtime: Runtime, service: Callable[..., T], **kwargs: Any) -> T:
    with runtime.sessions() as session:
        return service(session=session, **kwargs)


async def upload_form(request: Request, max_bytes: int) -> FormData:
    """The multipart body of an upload, refused as soon as it passes the size limit (never held whole in
    memory: the file part spools to disk past 1 MB)."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise InvalidInput([Problem("error", "send the file as multipart/form-data, in a field named `file`",
                                    Location(element="file"), "not-multipart")])
    limit = max_bytes + FORM_OVERHEAD
    too_large = PayloadTooLarge(f"the upload is larger than the {max_bytes:,} bytes accepted "
                                "(DDICAT_MAX_UPLOAD_BYTES)")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large

    async def limited() -> AsyncGenerator[bytes, None]:
        received = 0
        async for chunk in request.stream():
            received += len(chunk)
            if received > limit:
                raise too_large
            yield chunk

    try:
        return await MultiPartParser(request.headers, limited(), max_files=1, max_fields=20).parse()
    except MultiPartException as error:
        raise InvalidInput([Problem("error", f"the upload is not valid multipart form data: {error.message}",
                                    Location(element="file"), "bad-multipart")]) from error


async def upload_source(form: FormData, max_bytes: int) -> Source:
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise InvalidInput([Problem("error", "choose a file to upload (form field `file`)",
                                    Location(element="file"), "missing-file")])
    data = await upload.read()
    await upload.close()
    if len(data) > max_bytes:
        raise PayloadTooLarge(f"{upload.filename}: {len(data):,} bytes is more than the {max_bytes:,} bytes "
                              "accepted (DDICAT_MAX_UPLOAD_BYTES)")
    return Source(name=PurePath(upload.filename.replace("\\", "/")).name or "upload", data=data)


def form_text(form: FormData, name: str) -> str | None:
    value = form.get(name)
    return value.strip() or None if isinstance(value, str) else None


class StudyCreate(BaseModel):
    slug: str = Field(description="Handle of the study, lower-case letters, digits and hyphens")
    title: dict[str, str] = Field(description="Title per language, e.g. {\"fr\": \"...\", \"en\": \"...\"}")
    agency: str = Field(description="DDI agency of the study, e.g. fr.inserm.mycohort")
    abstract: dict[str, str] = Field(default_factory=dict)
    manager: str | None = Field(default=None, description="Email of the study's first manager")


class MemberGrant(BaseModel):
    email: str
    role: Literal["viewer", "editor", "manager"]


class TokenCreate(BaseModel):
    role: Literal["viewer", "editor", "manager"]
    name: str = ""
    days: int = Field(default=90, ge=1, le=accounts.TOKEN_MAX_DAYS)


class DraftChoice(BaseModel):
    draft: int | None = Field(default=None,
                              description="The draft release reviewed; refused if it changed since")


@router.get("/me", summary="Who am I: account, roles, and the CSRF token of a browser session")
def me(request: Request, runtime: RuntimeDep) -> dict[str, Any]:
    caller = request_caller(request)
    actor = caller.actor
    studies = read_through(runtime, accounts.my_studies, actor=actor)
    return {"email": actor.email, "is_admin": actor.is_admin, "via": actor.via, "studies": studies,
            "csrf_token": caller.csrf_token, "token_id": actor.token_id}


@router.post("/studies", status_code=201, summary="Create a cohort space (admin)")
def study_create(body: StudyCreate, runtime: RuntimeDep, actor: Writer) -> dict[str, Any]:
    return write_through(runtime, workflow.study_create, actor=actor, slug=body.slug, title=body.title,
                         agency=body.agency, abstract=body.abstract, manager_email=body.manager)


@router.get("/studies/{slug}/members", summary="The study's members (managers)")
def members(slug: str, runtime: RuntimeDep, actor: Reader) -> dict[str, Any]:
    return {"members": read_through(runtime, accounts.member_list, actor=actor, study_slug=slug)}


@router.post("/studies/{slug}/members",
             summary="Give a person a role on the study (managers; the admin names managers)")
def member_grant(slug: str, body: MemberGrant, runtime: RuntimeDep, actor: Writer) -> dict[str, Any]:
    return write_through(runtime, accounts.member_grant, actor=actor, study_slug=slug, email=body.email,
                         role=body.role)


@router.delete("/studies/{slug}/members/{email}", status_code=204,
               summary="Remove a person's role on the study")
def member_revoke(slug: str, email: str, runtime: RuntimeDep, actor: Writer) -> Response:
    write_through(runtime, accounts.member_revoke, actor=actor, study_slug=slug, email=email)
    return Response(status_code=204)


@router.post(
    "/studies/{slug}/uploads", status_code=201, summary="Upload a file into the study's draft (editors)",
    openapi_extra={"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["file"],
        "properties": {
            "file": {"type": "string", "format": "binary",
                     "description": "Any format `ddicat formats` lists"},
            "wave": {"type": "string", "description": "Import the file as this wave of the study"},
            "format": {"type": "string", "description": "Source format, when detection is not enough"},
            "lenient": {"type": "boolean",
                        "description": "Take what can be read from a file failing its XSD"},
        },
    }}}}},
    responses={413: {"description": "The file is larger than DDICAT_MAX_UPLOAD_BYTES"},
               422: {"description": "The file was refused: the problems, each with its location"}},
)
async def upload(slug: str, request: Request, runtime: RuntimeDep, actor: Writer) -> JSONResponse:
    await run_in_threadpool(read_through, runtime, _upload_allowed, actor=actor, study_slug=slug)
    limit = runtime.settings.max_upload_bytes
    form = await upload_form(request, limit)
    source = await upload_source(form, limit)
    report = await run_in_threadpool(
        write_through, runtime, workflow.draft_upload, schemas=runtime.schemas, actor=actor, study_slug=slug,
        source=source, default_agency=runtime.settings.default_agency, max_bytes=limit,
        wave=form_text(form, "wave"), source_format=form_text(form, "format"),
        lenient=(form_text(form, "lenient") or "").lower() in ("1", "true", "on", "yes"),
    )
    return JSONResponse(report.as_dict(), status_code=201)


def _upload_allowed(*, session: Any, actor: Actor, study_slug: str) -> None:
    """Check the editor role before reading a byte of the body."""
    accounts.study_for(session, actor, study_slug, role="editor", write=True, lock=False)


@router.get("/studies/{slug}/uploads", summary="The files imported into the study (viewers)")
def uploads(slug: str, runtime: RuntimeDep, actor: Reader) -> dict[str, Any]:
    found = read_through(runtime, workflow.upload_list, actor=actor, study_slug=slug)
    return {"max_upload_bytes": runtime.settings.max_upload_bytes, "uploads": found}


@router.get("/studies/{slug}/draft", summary="The draft under review (viewers)")
def draft(slug: str, runtime: RuntimeDep, actor: Reader) -> dict[str, Any]:
    return read_through(runtime, workflow.draft_overview, actor=actor, study_slug=slug)


@router.get("/studies/{slug}/draft/diff", summary="The draft against the published release (viewers)")
def draft_diff(
    slug: str, runtime: RuntimeDep, actor: Reader, limit: Annotated[int, Query(ge=1, le=100_000)] = 1000
) -> dict[str, Any]:
    return read_through(runtime, workflow.draft_diff, actor=actor, study_slug=slug, limit=limit)


@router.post("/studies/{slug}/draft/publish", summary="Publish the draft (managers)")
def publish(
    slug: str, runtime: RuntimeDep, actor: Writer, choice: Annotated[DraftChoice | None, Body()] = None
) -> dict[str, Any]:
    return write_through(runtime, workflow.draft_publish, actor=actor, study_slug=slug,
                         expected_draft=choice.draft if choice else None)


@router.post("/studies/{slug}/draft/discard", summary="Discard the draft (managers)")
def discard(
    slug: str, runtime: RuntimeDep, actor: Writer, choice: Annotated[DraftChoice | None, Body()] = None
) -> dict[str, Any]:
    return write_through(runtime, workflow.draft_discard, actor=actor, study_slug=slug,
                         expected_draft=choice.draft if choice else None)


class WaveDescription(BaseModel):
    """What a wave's sources leave blank; omitted fields stay as they are."""

    title: dict[str, str] = Field(default_factory=dict, description="Title per language")
    abstract: dict[str, str] = Field(default_factory=dict, description="Description per language")
    start_date: str | None = Field(default=None, description="First day of collection, YYYY-MM-DD")
    end_date: str | None = Field(default=None, description="Last day of collection, YYYY-MM-DD")
    age_min_months: float | None = Field(default=None, ge=0, le=2000)
    age_max_months: float | None = Field(default=None, ge=0, le=2000)


@router.patch("/studies/{slug}/waves/{name}", summary="Describe a wave: title, dates, participants' age (editors)")
def wave_describe(slug: str, name: str, body: WaveDescription, runtime: RuntimeDep, actor: Writer) -> dict[str, Any]:
    return write_through(runtime, workflow.wave_describe, actor=actor, study_slug=slug, wave_name=name,
                         **body.model_dump())


@router.get("/studies/{slug}/releases", summary="The study's releases (viewers)")
def releases(slug: str, runtime: RuntimeDep, actor: Reader) -> dict[str, Any]:
    return {"releases": read_through(runtime, workflow.release_list, actor=actor, study_slug=slug)}


@router.post("/studies/{slug}/releases/{number}/rollback", status_code=201,
             summary="Publish an earlier release again (managers)")
def rollback(slug: str, number: int, runtime: RuntimeDep, actor: Writer) -> dict[str, Any]:
    return write_through(runtime, workflow.release_rollback, actor=actor, study_slug=slug, number=number)


@router.get("/studies/{slug}/tokens", summary="API tokens of the study: yours, or all of them for managers")
def tokens(slug: str, runtime: RuntimeDep, actor: Reader) -> dict[str, Any]:
    return {"tokens": read_through(runtime, accounts.token_list, actor=actor, study_slug=slug)}


@router.post("/studies/{slug}/tokens", status_code=201,
             summary="Create an API token for this study (its secret is shown once)")
def token_create(slug: str, body: TokenCreate, runtime: RuntimeDep, actor: Writer) -> dict[str, Any]:
    token, secret = write_through(runtime, accounts.token_create, actor=actor, study_slug=slug,
                                  role=body.role, name=body.name, days=body.days)
    return {**token, "secret": secret}


@router.delete("/studies/{slug}/tokens/{token_id}", status_code=204, summary="Revoke an API token")
def token_revoke(slug: str, token_id: int, runtime: RuntimeDep, actor: Writer) -> Response:
    write_through(runtime, accounts.token_revoke, actor=actor, token_id=token_id, study_slug=slug)
    return Response(status_code=204)


@router.get("/studies/{slug}/audit",
            summary="The study's audit events (managers); ?format=jsonl exports them")
def study_audit(
    slug: str, runtime: RuntimeDep, actor: Reader,
    format: Annotated[Literal["json", "jsonl"], Query()] = "json",
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    before: Annotated[int | None, Query(ge=1)] = None,
) -> Any:
    if format == "jsonl":
        lines = read_through(runtime, workflow.study_events_export, actor=actor, study_slug=slug)
        return Response("".join(lines), media_type=JSONL_MEDIA_TYPE)
    return {"events": read_through(runtime, workflow.study_events, actor=actor, study_slug=slug, limit=limit,
                                   before=before)}


@router.get("/audit", summary="Every audit event (admin); ?format=jsonl exports the whole chain")
def catalogue_audit(
    runtime: RuntimeDep, actor: Reader,
    format: Annotated[Literal["json", "jsonl"], Query()] = "json",
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    before: Annotated[int | None, Query(ge=1)] = None,
) -> Any:
    if format == "jsonl":
        return Response("".join(read_through(runtime, workflow.catalogue_events_export, actor=actor)),
                        media_type=JSONL_MEDIA_TYPE)
    events = read_through(runtime, workflow.catalogue_events, actor=actor, limit=limit, before=before)
    return {"events": events}
