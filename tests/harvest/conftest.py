"""A live server over the demo catalogue, for the harvesters that speak HTTP (sickle)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

OAI_PAGE_SIZE = 40


@pytest.fixture(scope="session")
def live_url(demo_runtime) -> Iterator[str]:
    """The demo catalogue served by uvicorn on a free local port, OAI-PMH pages of 40 records."""
    import uvicorn

    from api.app import create_app

    app = create_app(runtime=demo_runtime)
    app.state.oai_page_size = OAI_PAGE_SIZE
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    else:
        pytest.fail("the test server did not start")
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
