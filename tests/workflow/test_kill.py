"""A process killed (SIGKILL, no cleanup) in the middle of writing an import or an upload leaves the
catalogue exactly as it was: every table's rows, the releases, the audit chain and the search index; and
the next write works.

The kill comes while the process is inside its write transaction writing item rows (SQLite: its write-ahead
log has grown by megabytes, which only the uncommitted import writes; PostgreSQL: it is running INSERTs into
the item tables). A publish, by contrast, is one short transaction of a few rows whatever the study's size
(status changes, the description, the index outbox row, the audit event): it commits whole or not at all,
like any transaction, and the index follows from the outbox after a restart (`serve` syncs at start).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from cohort_spaces import FIXTURES, OPERATOR, actor, fingerprint, upload
from live_catalogue import PROJECT, kill, served, start, wait_for, wal_size, writing
from sqlalchemy import text
from sqlalchemy.engine import make_url

from api.manage_api import read_through
from catalogue import workflow
from catalogue.audit import chain_verify
from catalogue.imports import Source

VARIABLES = 5000
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A large valid DDI-L 3.3 cohort document (about 11 MB, 12,000 items): long enough to kill mid-write."""
    path = tmp_path_factory.mktemp("synthetic") / "synthetic.xml"
    subprocess.run(
        [
            sys.executable,
            str(PROJECT / "benchmarks" / "synthetic_ddi.py"),
            "--variables",
            str(VARIABLES),
            "-o",
            str(path),
            "--seed",
            "7",
        ],
        check=True,
        capture_output=True,
    )
    return path


def catalogue_state(spaces: Any) -> dict[str, Any]:
    """Everything a half-done write could have touched."""
    runtime = spaces.runtime
    with runtime.sessions() as session:
        chain = chain_verify(session)
    return {
        "rows": fingerprint(runtime),
        "chain": (chain.intact, chain.head_seq, chain.head_hash),
        "index": runtime.backend.counts(),
        "draft": read_through(runtime, workflow.draft_overview, actor=OPERATOR, study_slug="alpha"),
    }


def settle(spaces: Any) -> None:
    """Start from an empty write-ahead log, so that its growth shows the killed process writing."""
    runtime = spaces.runtime
    if make_url(runtime.settings.resolved_database_url).get_backend_name() == "sqlite":
        with runtime.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    runtime.engine.dispose()


def assert_intact(spaces: Any, before: dict[str, Any]) -> None:
    runtime = spaces.runtime
    runtime.engine.dispose()
    runtime.backend.close()
    runtime.__dict__.pop("backend", None)
    runtime.__dict__.pop("indexer", None)
    if make_url(runtime.settings.resolved_database_url).get_backend_name() == "sqlite":
        with runtime.engine.connect() as connection:
            assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    assert catalogue_state(spaces) == before


def test_a_killed_import_leaves_the_catalogue_as_it_was(spaces: Any, synthetic: Path, tmp_path: Path) -> None:
    settle(spaces)
    before = catalogue_state(spaces)
    settings = spaces.runtime.settings
    process = start(["import", str(synthetic), "--study", "synthetic"], settings, tmp_path / "import.log")
    try:
        wait_for(writing(settings, wal_size(settings)), what="the import writing its items", timeout=600)
        assert process.poll() is None, "the import ended before it could be killed"
    finally:
        kill(process)
    assert_intact(spaces, before)
    # The next write goes through: no lock left behind, and the catalogue takes a new import.
    upload(
        spaces.runtime,
        actor(spaces.runtime, "editor_a"),
        "alpha",
        "alpha-3a.csv",
        (FIXTURES / "alpha-3a-codebook.csv").read_bytes(),
        wave="3a",
    )
    spaces.runtime.import_file(
        Source(
            "synthetic-small.xml",
            (FIXTURES / "alpha-v1.xml").read_bytes().replace(b"alpha", b"zeta").replace(b"Alpha", b"Zeta"),
        ),
        study="zeta",
    )
    assert read_through(spaces.runtime, workflow.release_list, actor=OPERATOR, study_slug="zeta")[0][
        "status"
    ] == ("published")


def test_a_server_killed_during_an_upload_leaves_the_study_as_it_was(
    spaces: Any, synthetic: Path, tmp_path: Path
) -> None:
    settle(spaces)
    before = catalogue_state(spaces)
    settings = spaces.runtime.settings
    token, _id = spaces.tokens["editor_a"]
    headers = {"Authorization": f"Bearer {token}"}
    with served(settings, tmp_path) as (address, process):
        import threading

        outcome: dict[str, Any] = {}

        def send() -> None:
            try:
                with synthetic.open("rb") as handle:
                    outcome["answer"] = httpx.post(
                        f"{address}/api/v1/studies/alpha/uploads",
                        headers=headers,
                        files={"file": ("synthetic.xml", handle)},
                        timeout=600,
                    )
            except httpx.HTTPError as error:
                outcome["error"] = error

        sender = threading.Thread(target=send)
        sender.start()
        wait_for(writing(settings, wal_size(settings)), what="the server writing the upload", timeout=600)
        kill(process)
        sender.join(timeout=60)
    assert "error" in outcome, outcome  # the client saw the connection die, not an answer
    assert_intact(spaces, before)
    with served(settings, tmp_path) as (address, _process):
        answer = httpx.post(
            f"{address}/api/v1/studies/alpha/uploads",
            headers=headers,
            data={"wave": "3a"},
            files={"file": ("alpha-3a.csv", (FIXTURES / "alpha-3a-codebook.csv").read_bytes())},
            timeout=300,
        )
    assert answer.status_code == 201 and answer.json()["release"] == 3
