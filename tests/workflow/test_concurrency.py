"""Two uploads to one study at the same time, against a real `ddicat serve` with two worker processes: both
queue on the study's lock and end cleanly, and nothing is lost or mixed. Also `ddicat upload`, the teams'
client, against that server."""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
from cohort_spaces import FIXTURES, OPERATOR, cohort_document, releases_of
from live_catalogue import DDICAT, environment, served, wait_for
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from api.manage_api import read_through
from catalogue import workflow
from catalogue.audit import chain_verify

CSV = (FIXTURES / "alpha-3a-codebook.csv").read_text(encoding="utf-8")
# The same wave, other content: one question less, one more.
CSV_OTHER = (
    "\n".join(
        CSV.splitlines()[:3]
        + [
            "suivi_3a,Sommeil,alpha_3a_sommeil,integer,Heures de sommeil par nuit,"
            "Hours of sleep per night,,,0,16",
        ]
    )
    + "\n"
)


class HeldLock:
    """The study's write lock held by the test, so that both requests are surely waiting at the same time."""

    def __init__(self, database_url: str) -> None:
        self.url = make_url(database_url)
        self.engine = create_engine(
            self.url, isolation_level="AUTOCOMMIT" if self.sqlite else "READ COMMITTED"
        )
        self.connection = self.engine.connect()

    @property
    def sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    def __enter__(self) -> HeldLock:
        if self.sqlite:
            self.connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            self.connection.execute(text("SELECT id FROM study WHERE slug = 'alpha' FOR UPDATE"))
        return self

    def waiting(self) -> int:
        """How many other sessions wait for a lock (PostgreSQL tells; SQLite's busy waits are invisible)."""
        if self.sqlite:
            return -1
        with self.engine.connect() as probe:
            return int(
                probe.scalar(
                    text(
                        "SELECT count(*) FROM pg_stat_activity"
                        " WHERE datname = :db AND wait_event_type = 'Lock'"
                    ),
                    {"db": self.url.database},
                )
                or 0
            )

    def __exit__(self, *_: object) -> None:
        if self.sqlite:
            self.connection.exec_driver_sql("ROLLBACK")
        else:
            self.connection.rollback()
        self.connection.close()
        self.engine.dispose()


def post_upload(address: str, token: str, name: str, data: bytes, wave: str, answers: dict[str, Any]) -> None:
    answers[name] = httpx.post(
        f"{address}/api/v1/studies/alpha/uploads",
        data={"wave": wave},
        files={"file": (name, data, "text/csv")},
        headers={"Authorization": f"Bearer {token}"},
        timeout=300,
    )


def upload_both(spaces: Any, address: str, files: list[tuple[str, bytes, str]]) -> dict[str, Any]:
    token, _id = spaces.tokens["editor_a"]
    answers: dict[str, Any] = {}
    threads = [
        threading.Thread(target=post_upload, args=(address, token, name, data, wave, answers))
        for name, data, wave in files
    ]
    with HeldLock(spaces.runtime.settings.resolved_database_url) as lock:
        for thread in threads:
            thread.start()
        if lock.sqlite:
            # Nothing tells when both wait on SQLite's busy handler: give them ample time to arrive.
            threading.Event().wait(3)
        else:
            wait_for(lambda: lock.waiting() >= 2, what="both uploads waiting for the study's lock")
    for thread in threads:
        thread.join(timeout=300)
    return answers


def draft_variables(spaces: Any, wave: str) -> set[str]:
    diff = read_through(spaces.runtime, workflow.draft_diff, actor=OPERATOR, study_slug="alpha", limit=10_000)
    return {i["name"] for i in diff["added"] if i["type"] == "Variable" and wave in i["waves"]}


@pytest.mark.slow
def test_two_uploads_of_two_waves_queue_and_both_land(spaces: Any, tmp_path: Path) -> None:
    csv_5a = CSV.replace("3a", "5a").encode()
    with served(spaces.runtime.settings, tmp_path, workers=2) as (address, _process):
        answers = upload_both(
            spaces, address, [("wave-3a.csv", CSV.encode(), "3a"), ("wave-5a.csv", csv_5a, "5a")]
        )
    assert {name: a.status_code for name, a in answers.items()} == {"wave-3a.csv": 201, "wave-5a.csv": 201}
    numbers = sorted(a.json()["release"] for a in answers.values())
    assert numbers == [3, 4]
    assert releases_of(spaces.runtime, "alpha") == [
        (4, "draft"),
        (3, "replaced"),
        (2, "replaced"),
        (1, "published"),
    ]
    draft = read_through(spaces.runtime, workflow.draft_overview, actor=OPERATOR, study_slug="alpha")
    first, second = sorted(answers, key=lambda name: answers[name].json()["release"])
    assert [u["file"] for u in draft["uploads"]] == ["alpha-v2.xml", first, second]
    assert draft_variables(spaces, "3a") == {
        "alpha_3a_ecole",
        "alpha_3a_taille",
        "alpha_3a_langues___1",
        "alpha_3a_langues___2",
        "alpha_3a_langues___3",
    }
    assert draft_variables(spaces, "5a") == {
        "alpha_5a_ecole",
        "alpha_5a_taille",
        "alpha_5a_langues___1",
        "alpha_5a_langues___2",
        "alpha_5a_langues___3",
    }
    assert "alpha_n_poids" in draft_variables(spaces, "naissance")  # the earlier draft's content is kept
    with spaces.runtime.sessions() as session:
        assert chain_verify(session).intact


@pytest.mark.slow
def test_two_uploads_of_one_wave_leave_exactly_the_later_one(spaces: Any, tmp_path: Path) -> None:
    with served(spaces.runtime.settings, tmp_path, workers=2) as (address, _process):
        answers = upload_both(
            spaces, address, [("first.csv", CSV.encode(), "3a"), ("other.csv", CSV_OTHER.encode(), "3a")]
        )
    assert [a.status_code for a in answers.values()] == [201, 201]
    later = max(answers, key=lambda name: answers[name].json()["release"])
    expected = (
        {"alpha_3a_ecole", "alpha_3a_taille", "alpha_3a_sommeil"}
        if later == "other.csv"
        else {
            "alpha_3a_ecole",
            "alpha_3a_taille",
            "alpha_3a_langues___1",
            "alpha_3a_langues___2",
            "alpha_3a_langues___3",
        }
    )
    assert draft_variables(spaces, "3a") == expected  # no variable of the earlier file mixed in


@pytest.mark.slow
def test_ddicat_upload_sends_a_file_to_a_running_catalogue(spaces: Any, tmp_path: Path) -> None:
    token, _id = spaces.tokens["editor_a"]
    settings = spaces.runtime.settings
    good = tmp_path / "alpha-3a.csv"
    good.write_text(CSV, encoding="utf-8")
    big = tmp_path / "alpha-v1.xml"
    big.write_bytes(cohort_document(1) + b"<!-- " + b"padding " * 3000 + b"-->\n")
    with served(settings, tmp_path, DDICAT_MAX_UPLOAD_BYTES="20000") as (address, _process):

        def run(*args: str, token_env: str | None = None) -> subprocess.CompletedProcess[str]:
            env = environment(settings)
            if token_env:
                env["DDICAT_TOKEN"] = token_env
            return subprocess.run(
                [str(DDICAT), "upload", *args, "--study", "alpha", "--server", address],
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
            )

        done = run(str(good), "--wave", "3a", "--token", token)
        assert done.returncode == 0, done.stderr
        assert (
            "into the draft of study 'alpha': release 3 (draft)" in done.stdout and "Variable" in done.stdout
        )
        broken = run(str(FIXTURES / "alpha-broken.xml"), token_env=token)
        assert (
            broken.returncode == 1 and "Invalid input (422)" in broken.stderr and "line 15" in broken.stderr
        )
        assert broken.stderr.startswith("ddicat: error:") and "Traceback" not in broken.stderr
        large = run(str(big), token_env=token)
        assert large.returncode == 1 and "more than the 20,000 bytes the server accepts" in large.stderr
        nobody = run(str(good), "--token", "ddicat_not-a-token")
        assert nobody.returncode == 1 and "(401)" in nobody.stderr
        beta_token, _id = spaces.tokens["manager_b"]
        other = subprocess.run(
            [
                str(DDICAT),
                "upload",
                str(good),
                "--study",
                "alpha",
                "--server",
                address,
                "--token",
                beta_token,
            ],
            env=environment(settings),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert other.returncode == 1 and "(404)" in other.stderr
