"""Headless Chromium (Debian's, driven by Playwright) and axe-core, over the live demo and its static copy.

Everything here skips, saying why, when Chromium, the Playwright package or axe-core (`npm ci` in this folder)
is missing. Screenshots go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.live_server import app_served

HERE = Path(__file__).resolve().parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = HERE.parents[1] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    configured = os.environ.get("DDICAT_TEST_CHROMIUM")
    for candidate in (
        configured,
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.is_file():
        pytest.skip(f"axe-core is not installed: run `npm ci` in {HERE}")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="the playwright Python package is not installed"
    )
    executable = chromium_path()
    if executable is None:
        pytest.skip("Chromium is not installed (apt-get install chromium), or set DDICAT_TEST_CHROMIUM")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture(scope="session")
def live_url(demo_runtime) -> Iterator[str]:
    """The demo catalogue served by uvicorn on a free local port."""
    from api.app import create_app

    with app_served(create_app(runtime=demo_runtime)) as url:
        yield url


@pytest.fixture(scope="session")
def static_site(demo_runtime, live_url, tmp_path_factory) -> Path:
    """The static export, its search wired to the live server's API."""
    from api.site import site_build

    out = tmp_path_factory.mktemp("static-site")
    site_build(runtime=demo_runtime, out=out, api_base=live_url)
    return out


def screenshot(page: object, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def serious_violations(page: object, axe_source: str) -> list[str]:
    """axe-core's violations of serious or critical impact on the page, one line each."""
    page.evaluate(axe_source)  # type: ignore[attr-defined]
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")  # type: ignore[attr-defined]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def check_page(axe_source):
    """Screenshot a loaded page under `name` and return its serious/critical axe-core violations."""

    def check(page: object, name: str) -> list[str]:
        screenshot(page, name)
        return serious_violations(page, axe_source)

    return check
