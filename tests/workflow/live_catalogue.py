"""A real catalogue process for the tests that need one: `ddicat serve` (or any `ddicat` command) started on
the test's database, watched, and stopped or killed by its own process id."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from catalogue.settings import Settings

DDICAT = Path(sys.executable).with_name("ddicat")
PROJECT = Path(__file__).resolve().parents[2]


def environment(settings: Settings, **extra: str) -> dict[str, str]:
    """The environment a ddicat process reads its settings from (the test's database, index and schemas)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DDICAT_")}
    env.update(
        {
            "DDICAT_DATABASE_URL": settings.resolved_database_url,
            "DDICAT_DATA_DIR": str(settings.data_dir),
            "DDICAT_DDI_SCHEMAS": str(settings.resolved_ddi_schemas),
            "DDICAT_SEARCH_BACKEND": settings.search_backend,
            "DDICAT_SECRET_KEY": settings.secret_key,
        }
    )
    env.update(extra)
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(args: list[str], settings: Settings, log: Path, **extra: str) -> subprocess.Popen[bytes]:
    """A ddicat process in its own process group (so that it and its workers can be killed together)."""
    with log.open("ab") as out:
        return subprocess.Popen(
            [str(DDICAT), *args],
            env=environment(settings, **extra),
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=PROJECT,
            start_new_session=True,
        )


def kill(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the process and its workers: no cleanup of any kind runs."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=30)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            kill(process)


def wait_for(
    condition: Callable[[], bool], *, what: str, timeout: float = 120.0, every: float = 0.02
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(every)


@contextmanager
def served(settings: Settings, tmp: Path, *, workers: int = 1, **extra: str) -> Iterator[tuple[str, Any]]:
    """`ddicat serve` on a free port: yields its address and the process (killed or stopped at the end)."""
    port = free_port()
    log = tmp / f"serve-{port}.log"
    process = start(
        ["serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
        settings,
        log,
        **extra,
    )
    address = f"http://127.0.0.1:{port}"

    def answering() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"ddicat serve ended: {log.read_text(errors='replace')[-2000:]}")
        try:
            return httpx.get(f"{address}/api/v1/studies", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    wait_for(answering, what=f"ddicat serve on port {port}", every=0.2)
    try:
        yield address, process
    finally:
        stop(process)


def writing(settings: Settings, baseline_wal: int) -> Callable[[], bool]:
    """True once another process is inside its write transaction writing items: SQLite's write-ahead log has
    grown by megabytes (only uncommitted pages spill there before the commit), or PostgreSQL shows it
    inserting item rows."""
    url = make_url(settings.resolved_database_url)
    if url.get_backend_name() == "sqlite":
        wal = Path(f"{url.database}-wal")
        return lambda: wal.exists() and wal.stat().st_size > baseline_wal + 2_000_000
    engine = create_engine(url, isolation_level="AUTOCOMMIT", pool_size=1)
    query = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = :db AND state = 'active' "
        "AND (query ILIKE 'INSERT INTO item %' OR query ILIKE 'INSERT INTO release_item %')"
    )

    def inserting() -> bool:
        with engine.connect() as connection:
            return bool(connection.scalar(query, {"db": url.database}))

    return inserting


def wal_size(settings: Settings) -> int:
    url = make_url(settings.resolved_database_url)
    wal = Path(f"{url.database}-wal") if url.get_backend_name() == "sqlite" else None
    return wal.stat().st_size if wal is not None and wal.exists() else 0
