"""Whose basket a browser request reaches, and the CSRF token its basket forms carry.

A signed-in caller's basket is their account's, protected by their session's CSRF token. An anonymous browser
holds a random secret in the `ddicat_basket` cookie (HttpOnly, Secure, SameSite=Lax; the database keeps its
SHA-256 only) and its forms carry an HMAC of that secret under the settings' secret key, the same scheme as
signed-in sessions. A page that shows basket buttons gives a browser its cookie when it has none yet; no row is
written until something is added. API tokens reach their account's basket and need no CSRF token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from fastapi import Request, Response

from api.auth import request_caller, runtime_of
from catalogue.basket import BasketOwner
from catalogue.errors import PermissionDenied

BASKET_COOKIE = "ddicat_basket"
BASKET_COOKIE_MAX_AGE = 30 * 24 * 3600
MIN_SECRET_LENGTH = 32


@dataclass(frozen=True, slots=True)
class BasketCaller:
    """The basket owner behind a request, the CSRF token of its forms, and a cookie secret still to set."""

    owner: BasketOwner
    csrf_token: str | None
    via: str
    new_secret: str | None = None


def _anonymous_csrf(request: Request, secret: str) -> str:
    key = runtime_of(request).settings.secret_key.encode("utf-8")
    return hmac.new(key, b"basket\0" + secret.encode("utf-8"), hashlib.sha256).hexdigest()


def basket_caller(request: Request) -> BasketCaller:
    """The request's basket owner, resolved once per request."""
    cached = getattr(request.state, "basket_caller", None)
    if isinstance(cached, BasketCaller):
        return cached
    caller = request_caller(request)
    cookie = request.cookies.get(BASKET_COOKIE)
    secret = cookie if cookie and len(cookie) >= MIN_SECRET_LENGTH else None
    actor = caller.actor
    if actor.authenticated and actor.account_id is not None:
        found = BasketCaller(BasketOwner(account_id=actor.account_id, secret=secret), caller.csrf_token, actor.via)
    else:
        new_secret = None if secret else secrets.token_urlsafe(32)
        secret = secret or new_secret
        assert secret is not None
        found = BasketCaller(BasketOwner(secret=secret), _anonymous_csrf(request, secret), "anonymous", new_secret)
    request.state.basket_caller = found
    return found


def basket_csrf_check(basket: BasketCaller, supplied: str | None) -> None:
    """A browser's basket write must carry its CSRF token; API-token scripts are exempt."""
    if basket.via in ("token", "cli"):
        return
    if basket.new_secret is not None:
        raise PermissionDenied("this browser has no basket cookie yet: reload the page and try again")
    if not supplied or basket.csrf_token is None or not hmac.compare_digest(supplied, basket.csrf_token):
        raise PermissionDenied("this form or request lacks a valid CSRF token: reload the page and try again")


def basket_cookie_keep(response: Response, basket: BasketCaller) -> Response:
    """Give the browser its basket cookie when this request made one up."""
    if basket.new_secret is not None:
        response.set_cookie(BASKET_COOKIE, basket.new_secret, max_age=BASKET_COOKIE_MAX_AGE, path="/",
                            secure=True, httponly=True, samesite="lax")
    return response

