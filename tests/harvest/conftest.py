"""A live server over the demo catalogue, for the harvesters that speak HTTP (sickle)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.live_server import app_served

OAI_PAGE_SIZE = 40


@pytest.fixture(scope="session")
def live_url(demo_runtime) -> Iterator[str]:
    """The demo catalogue served by uvicorn on a free local port, OAI-PMH pages of 40 records."""
    from api.app import create_app

    app = create_app(runtime=demo_runtime)
    app.state.oai_page_size = OAI_PAGE_SIZE
    with app_served(app) as url:
        yield url
