"""The cohort spaces the workflow tests share: three studies, their people, their files, and a browser.

alpha and beta each have a published release (their v1 file) and a draft (their v2 file); gamma was
created by the admin and holds only a draft, never published. Each study's people hold one role on it.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from api.manage_api import read_through, write_through
from api.runtime import Runtime
from catalogue import accounts, workflow
from catalogue.accounts import Actor
from catalogue.audit import AuditHead
from catalogue.imports import Source
from catalogue.settings import Settings
from catalogue.store.tables import Base, Release

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "workflow"
PASSWORD = "une phrase de passe assez longue"
OPERATOR = Actor.operator("tests")

# label → (email, admin?, {study: role})
PEOPLE: dict[str, tuple[str, bool, dict[str, str]]] = {
    "admin": ("admin@catalogue.test", True, {}),
    "viewer_a": ("viewer.alpha@cohorte.test", False, {"alpha": "viewer"}),
    "editor_a": ("editor.alpha@cohorte.test", False, {"alpha": "editor"}),
    "manager_a": ("manager.alpha@cohorte.test", False, {"alpha": "manager"}),
    "manager_b": ("manager.beta@cohorte.test", False, {"beta": "manager"}),
    "editor_b": ("editor.beta@cohorte.test", False, {"beta": "editor"}),
    "viewer_c": ("viewer.gamma@cohorte.test", False, {"gamma": "viewer"}),
    "newcomer": ("newcomer@cohorte.test", False, {}),
}
STUDIES = ("alpha", "beta", "gamma")
PUBLISHED = ("alpha", "beta")

# What only the people of a study may ever read: draft contents, members, file names, token names.
SECRETS: dict[str, tuple[str, ...]] = {
    study: (
        f"{study}_n_poids",
        f"{study.capitalize()} (exemple, seconde",
        f"{study.capitalize()} cohort (example, second",
        f"{study}-v2.xml",
        f"{study}-v1.xml",
        f"{study}-ci-token",
    )
    + tuple(email for email, _admin, roles in PEOPLE.values() if study in roles)
    for study in ("alpha", "beta")
}
SECRETS["gamma"] = (
    "gamma_n_allait",
    "Cohorte Gamma",
    "Gamma cohort",
    "gamma-v1.xml",
    "gamma-ci-token",
    "viewer.gamma@cohorte.test",
)


def cohort_document(version: int, study: str = "alpha") -> bytes:
    """alpha-v{version}.xml, renamed for another cohort (ids, agency, titles)."""
    text = (FIXTURES / f"alpha-v{version}.xml").read_text(encoding="utf-8")
    return text.replace("alpha", study).replace("Alpha", study.capitalize()).encode("utf-8")


def draft_only_urn(study: str) -> str:
    """An item only the study's draft holds (gamma's whole content is a draft)."""
    if study == "gamma":
        return "urn:ddi:fr.ddicat.gamma:gamma-v-n-allait:1"
    return f"urn:ddi:fr.ddicat.{study}:{study}-v-n-poids:1"


def email_of(label: str) -> str:
    return PEOPLE[label][0]


def actor(runtime: Runtime, label: str) -> Actor:
    with runtime.sessions() as session:
        account = accounts.account_by_email(session, email_of(label))
        assert account is not None
        return accounts.actor_of(session, account, via="session")


def upload(runtime: Runtime, who: Actor, study: str, name: str, data: bytes, **options: Any) -> Any:
    return write_through(
        runtime,
        workflow.draft_upload,
        schemas=runtime.schemas,
        actor=who,
        study_slug=study,
        source=Source(name, data),
        default_agency=runtime.settings.default_agency,
        max_bytes=runtime.settings.max_upload_bytes,
        **options,
    )


@dataclass
class Spaces:
    """The built catalogue: its runtime, and the API tokens created for it (label → secret, id)."""

    runtime: Runtime
    tokens: dict[str, tuple[str, int]] = field(default_factory=dict)


def build_spaces(runtime: Runtime) -> Spaces:
    """Accounts, the three studies, their published releases and drafts, and a few tokens (by services)."""
    for label, (email, is_admin, _roles) in PEOPLE.items():
        write_through(
            runtime,
            accounts.account_create,
            actor=OPERATOR,
            email=email,
            password=PASSWORD,
            name=label.replace("_", " "),
            is_admin=is_admin,
        )
    for study in STUDIES:
        managers = [email for email, _a, roles in PEOPLE.values() if roles.get(study) == "manager"]
        write_through(
            runtime,
            workflow.study_create,
            actor=OPERATOR,
            slug=study,
            agency=f"fr.ddicat.{study}",
            title={"fr": f"Espace {study}", "en": f"{study} space"},
            manager_email=managers[0] if managers else None,
        )
    for email, _admin, roles in PEOPLE.values():
        for study, role in roles.items():
            if role != "manager":
                write_through(
                    runtime, accounts.member_grant, actor=OPERATOR, study_slug=study, email=email, role=role
                )
    admin = actor(runtime, "admin")
    for study, uploader, publisher in (("alpha", "editor_a", "manager_a"), ("beta", "editor_b", "manager_b")):
        upload(runtime, actor(runtime, uploader), study, f"{study}-v1.xml", cohort_document(1, study))
        write_through(runtime, workflow.draft_publish, actor=actor(runtime, publisher), study_slug=study)
        upload(runtime, actor(runtime, uploader), study, f"{study}-v2.xml", cohort_document(2, study))
    upload(runtime, admin, "gamma", "gamma-v1.xml", cohort_document(1, "gamma"))
    spaces = Spaces(runtime)
    for label, who, study, role in (
        ("editor_a", "editor_a", "alpha", "editor"),
        ("manager_a", "manager_a", "alpha", "manager"),
        ("manager_b", "manager_b", "beta", "manager"),
        ("admin_gamma", "admin", "gamma", "manager"),
    ):
        token, secret = write_through(
            runtime,
            accounts.token_create,
            actor=actor(runtime, who),
            study_slug=study,
            role=role,
            name=f"{study}-ci-token",
        )
        spaces.tokens[label] = (secret, token["id"])
    return spaces


def fingerprint(runtime: Runtime) -> dict[str, Any]:
    """Row counts of every table, the audit head and the release states: equal before and after means
    nothing was written."""
    with runtime.sessions() as session:
        counts = {
            table.name: session.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables
        }
        head = session.get(AuditHead, 1)
        releases = sorted(session.execute(select(Release.study_id, Release.number, Release.status)).all())
    return {"counts": counts, "head": (head.seq, head.hash) if head else None, "releases": releases}


class Browser:
    """A person's browser (or script) against the app: its own cookie jar, HTTPS so Secure cookies flow."""

    def __init__(self, app: Any, *, token: str | None = None) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.client = TestClient(app, base_url="https://testserver", follow_redirects=False, headers=headers)
        self._csrf: str | None = None
        self.signed_in = False

    def sign_in(self, email: str, password: str = PASSWORD) -> Any:
        page = self.client.get("/login")
        answer = self.client.post(
            "/login",
            data={
                "email": email,
                "password": password,
                "next": "/account",
                "csrf_token": form_token(page.text),
            },
        )
        self.signed_in = answer.status_code == 303
        return answer

    @property
    def csrf(self) -> str:
        if self._csrf is None:
            self._csrf = self.client.get("/api/v1/me").json()["csrf_token"]
        return self._csrf

    def write_headers(self) -> dict[str, str]:
        """What a cookie-authenticated JSON write must send (a token's writes need nothing more)."""
        if not self.signed_in:
            return {}
        return {"X-CSRF-Token": self.csrf}

    def close(self) -> None:
        self.client.close()


def form_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]*)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def signed_in(app: Any, label: str) -> Browser:
    browser = Browser(app)
    answer = browser.sign_in(email_of(label))
    assert answer.status_code == 303, answer.text
    return browser


def releases_of(runtime: Runtime, study: str) -> list[tuple[int, str]]:
    found = read_through(runtime, workflow.release_list, actor=OPERATOR, study_slug=study)
    return [(r["number"], r["status"]) for r in found]


def fresh_database(backend: str, tmp: Path) -> tuple[str, Callable[[], None]]:
    """A new empty catalogue database (SQLite file, or a PostgreSQL database on the test server) and how to
    drop it, for fixtures wider than one test."""
    if backend == "sqlite":
        return f"sqlite:///{tmp / 'ddicat.sqlite'}", lambda: None
    base = os.environ.get("DDICAT_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("DDICAT_TEST_POSTGRES_URL is not set: the PostgreSQL run of this test needs a server")
    name = f"ddicat_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(
                text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
            )
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()

    return make_url(base).set(database=name).render_as_string(hide_password=False), drop


def catalogue_settings(tmp: Path, database_url: str, schemas: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "data_dir": tmp / "var",
        "database_url": database_url,
        "ddi_schemas": schemas,
        "search_backend": "tantivy",
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Template:
    """The spaces built once per backend: where their database and index are, and the tokens' secrets."""

    url: str
    data_dir: Path
    tokens: dict[str, tuple[str, int]]
    schemas: Path


def clone_catalogue(url: str, data_dir: Path, tmp: Path) -> tuple[str, Path, Callable[[], None]]:
    """A copy of a catalogue (database and search index) that nobody is writing: SQLite's backup API, or a
    PostgreSQL database made from the original as template (it must have no open connection)."""
    parsed = make_url(url)
    copy_dir = tmp / "var"
    shutil.copytree(data_dir / "index", copy_dir / "index")
    if parsed.get_backend_name() == "sqlite":
        path = tmp / "ddicat.sqlite"
        with sqlite3.connect(parsed.database) as source, sqlite3.connect(path) as copy:
            source.backup(copy)
        return f"sqlite:///{path}", copy_dir, lambda: None
    name = f"{parsed.database}_c{uuid.uuid4().hex[:8]}"
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{parsed.database}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(
                text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
            )
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()

    return parsed.set(database=name).render_as_string(hide_password=False), copy_dir, drop
