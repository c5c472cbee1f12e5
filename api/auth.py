"""Who is asking, on the HTTP side: a browser session cookie or an API token, and CSRF protection.

A signed-in browser carries `ddicat_session` (a random secret; the database keeps its SHA-256), Secure,
HttpOnly and SameSite=Lax. Its CSRF token is an HMAC of that secret under the settings' secret key: every
form carries it in a hidden field and every cookie-authenticated JSON write in the X-CSRF-Token header.
Scripts send `Authorization: Bearer <token>` and need no CSRF token (a browser never adds that header on
its own). The sign-in form, which comes before any session, is protected by a double-submit cookie.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from fastapi import Request, Response

from api.runtime import Runtime
from catalogue.accounts import SESSION_LIFETIME, Actor, session_actor, token_actor
from catalogue.errors import PermissionDenied, Unauthenticated

SESSION_COOKIE = "ddicat_session"
LOGIN_COOKIE = "ddicat_login"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SESSION_MAX_AGE = int(SESSION_LIFETIME.total_seconds())


@dataclass(frozen=True, slots=True)
class Caller:
    """The actor behind a request, and the CSRF token its forms must carry (browser sessions only)."""

    actor: Actor
    csrf_token: str | None = None


def runtime_of(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def csrf_token_of(runtime: Runtime, session_secret: str) -> str:
    key = runtime.settings.secret_key.encode("utf-8")
    return hmac.new(key, b"csrf\0" + session_secret.encode("utf-8"), hashlib.sha256).hexdigest()


def request_caller(request: Request) -> Caller:
    """The request's caller, resolved once per request (an unknown or expired cookie is the public)."""
    cached = getattr(request.state, "caller", None)
    if isinstance(cached, Caller):
        return cached
    runtime = runtime_of(request)
    header = request.headers.get("authorization")
    caller = Caller(Actor.anonymous())
    if header:
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise Unauthenticated("send an API token as `Authorization: Bearer <token>`")
        with runtime.sessions() as session:
            caller = Caller(token_actor(session, secret.strip()))
    elif cookie := request.cookies.get(SESSION_COOKIE):
        with runtime.sessions() as session:
            actor = session_actor(session, cookie)
        if actor is not None:
            caller = Caller(actor, csrf_token_of(runtime, cookie))
    request.state.caller = caller
    return caller


def check_csrf(caller: Caller, supplied: str | None) -> None:
    """A browser session's write must carry its CSRF token; token-authenticated scripts are exempt."""
    if caller.actor.via != "session":
        return
    if not supplied or caller.csrf_token is None or not hmac.compare_digest(supplied, caller.csrf_token):
        raise PermissionDenied("this form or request lacks a valid CSRF token: reload the page and try again")


def get_actor(request: Request) -> Actor:
    """The actor of a read."""
    return request_caller(request).actor


def get_write_actor(request: Request) -> Actor:
    """The actor of a JSON write: cookie-authenticated writes must send X-CSRF-Token."""
    caller = request_caller(request)
    check_csrf(caller, request.headers.get(CSRF_HEADER))
    return caller.actor


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def session_cookie_set(response: Response, secret: str) -> None:
    response.set_cookie(SESSION_COOKIE, secret, max_age=SESSION_MAX_AGE, path="/", secure=True, httponly=True,
                        samesite="lax")


def session_cookie_clear(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="lax")


def login_csrf_value(request: Request) -> str:
    """The sign-in form's token: a random value both in a cookie and in the form (double submit)."""
    return request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(24)


def login_csrf_cookie(response: Response, value: str) -> None:
    response.set_cookie(LOGIN_COOKIE, value, max_age=3600, path="/login", secure=True, httponly=True,
                        samesite="strict")


def login_csrf_check(request: Request, supplied: str | None) -> None:
    expected = request.cookies.get(LOGIN_COOKIE)
    if not supplied or not expected or not hmac.compare_digest(supplied, expected):
        raise PermissionDenied("the sign-in form expired or lacks its CSRF token: reload the page and try "
                               "again")
