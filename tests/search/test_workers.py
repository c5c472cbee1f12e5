"""`ddicat serve --workers 2` on tantivy while another process imports: workers only read, and see each
commit generation as it lands, without errors or duplicates."""

from __future__ import annotations

import os
import subprocess
import threading
from pathlib import Path

import httpx
import pytest

from catalogue.settings import Settings
from tests.workflow.live_catalogue import DDICAT, PROJECT, environment, served, wait_for

# Files a process holds open only while it writes the index: the single writer's flock, tantivy's own.
WRITER_FILES = (".writer.lock", ".tantivy-writer.lock")
QUERIES = ("allaitement", "sieste", "biberon", "lune*", "sommeil enfant")

pytestmark = pytest.mark.slow


def ddicat(settings: Settings, *args: str, log: Path) -> subprocess.CompletedProcess[bytes]:
    with log.open("ab") as out:
        return subprocess.run(
            [str(DDICAT), *args],
            env=environment(settings),
            cwd=PROJECT,
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=600,
        )


def children(pid: int) -> list[int]:
    """Processes whose parent is `pid` (uvicorn's workers), read from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def workers_of(pid: int) -> list[int]:
    """uvicorn's worker processes (spawned by multiprocessing) under the server process."""
    found = []
    for child in children(pid):
        try:
            if "spawn_main" in Path(f"/proc/{child}/cmdline").read_text(errors="replace"):
                found.append(child)
        except OSError:
            continue
    return found


def open_writer_files(pid: int) -> list[str]:
    """The index-writing files process `pid` holds open right now."""
    held = []
    try:
        descriptors = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return held
    for descriptor in descriptors:
        try:
            target = os.readlink(descriptor)
        except OSError:
            continue
        if target.endswith(WRITER_FILES):
            held.append(target)
    return held



class Searcher(threading.Thread):
    """Searches through the HTTP API in a loop, keeping every problem and what each query found last."""

    def __init__(self, address: str, workers: list[int]) -> None:
        super().__init__(daemon=True)
        self.address = address
        self.workers = workers
        self.stop = threading.Event()
        self.errors: list[str] = []
        self.duplicates: list[str] = []
        self.writing_workers: list[str] = []
        self.last: dict[str, set[tuple[str, str]]] = {}
        self.requests = 0

    def run(self) -> None:
        with httpx.Client(base_url=self.address, timeout=30) as client:
            while not self.stop.is_set():
                for text in QUERIES:
                    self.search(client, text)
                for pid in self.workers:
                    self.writing_workers.extend(f"{pid}: {path}" for path in open_writer_files(pid))

    def search(self, client: httpx.Client, text: str) -> None:
        try:
            response = client.get("/api/v1/search", params={"q": text, "limit": 200})
        except httpx.HTTPError as error:
            self.errors.append(f"{text}: {error!r}")
            return
        self.requests += 1
        if response.status_code != 200:
            self.errors.append(f"{text}: HTTP {response.status_code} {response.text[:300]}")
            return
        body = response.json()
        found = [(hit["urn"], hit["state"]) for hit in body["hits"]]
        if len(set(found)) != len(found):
            self.duplicates.append(f"{text}: {sorted(found)}")
        studies = sum(facet["count"] for facet in body["facets"]["study"])
        if body["total"] != studies or (body["total"] <= 200 and body["total"] != len(found)):
            self.errors.append(f"{text}: total {body['total']}, {len(found)} hits, {studies} by study")
        self.last[text] = {(hit["study"], hit["name"]) for hit in body["hits"]}

    def sees(self, text: str, study: str, name: str) -> bool:
        return (study, name) in self.last.get(text, set())


def test_two_workers_serve_searches_while_another_process_imports(
    tmp_path: Path, schemas_dir: Path, fixtures_dir: Path
) -> None:
    settings = Settings(data_dir=tmp_path / "var", ddi_schemas=schemas_dir, search_backend="tantivy")
    log = tmp_path / "ddicat.log"
    assert ddicat(settings, "demo", log=log).returncode == 0, log.read_text()
    with served(settings, tmp_path, workers=2) as (address, server):
        wait_for(lambda: len(workers_of(server.pid)) == 2, what="uvicorn's two workers")
        workers = workers_of(server.pid)
        searcher = Searcher(address, workers)
        searcher.start()
        try:
            wait_for(
                lambda: searcher.sees("allaitement", "elfe", "m00_mere_allaitee"),
                what="the demo in the answers",
            )
            version_1 = fixtures_dir / "search" / "lune-6m-v1.csv"
            imported = ddicat(settings, "import", str(version_1), "--study", "lune", "--wave", "6m", log=log)
            assert imported.returncode == 0, log.read_text()[-2000:]
            wait_for(
                lambda: searcher.sees("biberon", "lune", "lune_biberon"),
                what="version 1 in the answers",
                timeout=60,
            )
            version_2 = fixtures_dir / "search" / "lune-6m-v2.csv"
            imported = ddicat(settings, "import", str(version_2), "--study", "lune", "--wave", "6m", log=log)
            assert imported.returncode == 0, log.read_text()[-2000:]
            wait_for(
                lambda: searcher.sees("sieste", "lune", "lune_sieste"),
                what="version 2 in the answers",
                timeout=60,
            )
            wait_for(
                lambda: not searcher.sees("biberon", "lune", "lune_biberon"),
                what="version 1 gone",
                timeout=60,
            )
            seen = searcher.requests
            wait_for(lambda: searcher.requests > seen + 2 * len(QUERIES), what="a few more rounds")
        finally:
            searcher.stop.set()
            searcher.join(timeout=60)
        assert server.poll() is None
    assert searcher.errors == []
    assert searcher.duplicates == []
    assert searcher.writing_workers == []  # the workers only ever read the index
    assert searcher.requests > 20
    assert ddicat(settings, "search-check", log=log).returncode == 0, log.read_text()[-2000:]
