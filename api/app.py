"""The FastAPI application: JSON API, DDI-L exports and the server-rendered pages, over one runtime."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from api import access, basket, discovery_api, discovery_pages, manage_api, manage_pages, pages, problems, urn, v1
from api.harvest import routes as harvest
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
    # Public metadata may be read from other origins (the static site's search); never with credentials.
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET"], allow_credentials=False)
    app.include_router(harvest.router)  # before v1: /api/v1/items/{urn}.csv must win over /api/v1/items/{urn}
    app.include_router(urn.router)
    app.include_router(v1.router)
    app.include_router(manage_api.router)
    app.include_router(discovery_api.router)
    app.include_router(basket.router)
    app.include_router(access.router)
    app.include_router(pages.router)
    app.include_router(manage_pages.router)
    app.include_router(discovery_pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
