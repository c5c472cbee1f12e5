"""The FastAPI application: JSON API, DDI-L exports and the server-rendered pages, over one runtime."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api import pages, problems, v1
from api.runtime import Runtime
from catalogue.settings import Settings

STATIC = Path(__file__).resolve().parent / "static"


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> FastAPI:
    """Build the application; the CLI's `serve` and the tests call this with their own settings."""
    runtime = runtime or Runtime(settings or Settings())
    app = FastAPI(
        title="ddicat",
        version="0.1.0",
        summary="A DDI-Lifecycle 3.3 metadata catalogue for longitudinal health cohorts",
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
    )
    app.state.runtime = runtime
    problems.install(app)
    app.include_router(v1.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
