"""Domain errors, without HTTP in them: the API, the pages and the CLI each translate them once."""

from __future__ import annotations

from ddi_schemas.problems import DdicatError, InvalidInput, Location, Problem, SchemasUnavailable

__all__ = [
    "Conflict",
    "DdicatError",
    "InvalidInput",
    "Location",
    "NotFound",
    "PayloadTooLarge",
    "PermissionDenied",
    "Problem",
    "SchemasUnavailable",
    "Unauthenticated",
]


class NotFound(DdicatError):
    status = 404
    kind = "not-found"
    title = "Not found"


class Unauthenticated(DdicatError):
    status = 401
    kind = "unauthenticated"
    title = "Authentication required"


class PermissionDenied(DdicatError):
    status = 403
    kind = "forbidden"
    title = "Forbidden"


class Conflict(DdicatError):
    status = 409
    kind = "conflict"
    title = "Conflict"


class PayloadTooLarge(DdicatError):
    status = 413
    kind = "too-large"
    title = "Payload too large"
