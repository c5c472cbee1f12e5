"""The API's one translation of domain errors into RFC 9457 problem documents (pages get an error page)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from catalogue.errors import DdicatError, InvalidInput

PROBLEM_TYPE = "https://ddicat.org/problems/"
PROBLEM_MEDIA_TYPE = "application/problem+json"


def problem_response(status: int, kind: str, title: str, detail: str, instance: str, **extra: Any) -> JSONResponse:
    body = {"type": PROBLEM_TYPE + kind, "title": title, "status": status, "detail": detail, "instance": instance}
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE)


def wants_html(request: Request) -> bool:
    return not request.url.path.startswith(("/api/", "/oai", "/urn/")) and "text/html" in request.headers.get(
        "accept", ""
    )


def install(app: FastAPI) -> None:
    """Register the handlers: domain errors, HTTP errors and request validation, all as problem documents."""

    @app.exception_handler(DdicatError)
    async def domain_error(request: Request, error: DdicatError) -> Response:
        if wants_html(request):
            from api.pages import error_page

            return error_page(request, error.status, error.title, error.message)
        extra: dict[str, Any] = {}
        if isinstance(error, InvalidInput):
            extra["problems"] = [p.as_dict() for p in error.problems[:1000]]
        return problem_response(error.status, error.kind, error.title, error.message, request.url.path, **extra)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        title = {404: "Not found", 405: "Method not allowed", 401: "Authentication required",
                 403: "Forbidden"}.get(error.status_code, "Error")
        detail = str(error.detail) if error.detail else title
        if wants_html(request):
            from api.pages import error_page

            return error_page(request, error.status_code, title, detail)
        return problem_response(error.status_code, "http-" + str(error.status_code), title, detail,
                                request.url.path)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> Response:
        problems = [
            {"location": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")}
            for e in error.errors()
        ]
        first = problems[0] if problems else {"location": "", "message": "invalid request"}
        return problem_response(422, "invalid-request", "Invalid request",
                                f"{first['location']}: {first['message']}", request.url.path, problems=problems)
