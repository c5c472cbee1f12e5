"""Request dependencies: the runtime, one database session per request, and who is asking."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Request
from sqlalchemy.orm import Session

from api.auth import request_caller
from api.runtime import Runtime
from catalogue.store.reads import Viewer


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def get_session(request: Request) -> Iterator[Session]:
    """A read session for the request; writes open their own transaction through the runtime."""
    with get_runtime(request).sessions() as session:
        yield session


def get_viewer(request: Request) -> Viewer:
    """What the caller may see: published metadata, and the drafts of the studies they hold a role on."""
    return request_caller(request).actor.viewer()
