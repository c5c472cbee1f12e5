"""Helpers of the discovery suite: the catalogue it reads (demo + biobank wave + SNDS), names to URNs, clients."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

PROJECT = Path(__file__).resolve().parents[2]
BIOBANK = PROJECT / "examples" / "elfe-biobank.xml"
BIOBANK_WAVE = "prelevements"
BASE_URL = "https://testserver"  # the session and basket cookies are Secure


def settings_for(folder: Path, schemas: Path, **overrides: object):
    """Settings of a catalogue kept in `folder` (SQLite database, tantivy index)."""
    from catalogue.settings import Settings

    values: dict[str, object] = {"data_dir": folder, "database_url": f"sqlite:///{folder / 'ddicat.sqlite'}",
                                 "ddi_schemas": schemas, "search_backend": "tantivy"}
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def folder_zip(root: Path, prefix: str) -> bytes:
    """A folder as the ZIP a user would upload (the SNDS layout: schemas/ and nomenclatures/)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                archive.write(path, prefix + path.relative_to(root).as_posix())
    return buffer.getvalue()


def load_discovery(runtime, samples: Path) -> None:
    """The demo (with its biobank wave) and the SNDS imported through the Table Schema importer as study `snds`."""
    from catalogue.imports import Source

    runtime.load_demo()  # the biobank wave is part of the demo
    snds = samples / "table_schema" / "snds"
    runtime.import_file(Source("schema-snds.zip", folder_zip(snds, "schema-snds/")), study="snds", actor="test")


def client_of(runtime) -> TestClient:
    from api.app import create_app

    return TestClient(create_app(runtime=runtime), base_url=BASE_URL)


def variable_urn(runtime, study: str, name: str) -> str:
    """The URN of a study's published variable, by name (its latest version)."""
    from catalogue.store.reads import Viewer, load_snapshot, study_by_slug, visible_release

    with runtime.sessions() as session:
        study_row = study_by_slug(session, study)
        assert study_row is not None
        release = visible_release(session, study_row, Viewer.public())
        assert release is not None
        snapshot = load_snapshot(session, release)
        found = [item.urn for item in snapshot.members("Variable") if item.name == name]
    assert len(found) == 1, (study, name, found)
    return found[0]


def study_id(runtime, slug: str) -> int:
    from catalogue.store.tables import Study

    with runtime.sessions() as session:
        found = session.scalar(select(Study.id).where(Study.slug == slug))
    assert found is not None
    return found


PASSWORD = "correct horse battery"


def make_account(runtime, email: str, *, roles: dict[str, str] | None = None, admin: bool = False,
                 name: str = "") -> str:
    """An account created by the operator, with its roles on studies; returns its email."""
    from catalogue import accounts
    from catalogue.accounts import Actor
    from catalogue.store.db import transaction

    operator = Actor.operator()
    with transaction(runtime.sessions) as session:
        accounts.account_create(session=session, actor=operator, email=email, password=PASSWORD, name=name,
                                is_admin=admin)
        for study, role in (roles or {}).items():
            accounts.member_grant(session=session, actor=operator, study_slug=study, email=email, role=role)
    return email


def make_token(runtime, email: str, study: str, role: str) -> str:
    from catalogue import accounts
    from catalogue.accounts import Actor
    from catalogue.store.db import transaction

    with transaction(runtime.sessions) as session:
        _token, secret = accounts.token_create(session=session, actor=Actor.operator(), study_slug=study, role=role,
                                               owner_email=email)
    return secret


def form_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]*)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


class Browser:
    """A person's browser against the app: its own cookies (HTTPS, so the Secure ones flow), no redirects
    followed, so that each answer can be checked."""

    def __init__(self, runtime) -> None:
        from api.app import create_app

        self.client = TestClient(create_app(runtime=runtime), base_url=BASE_URL, follow_redirects=False)

    def sign_in(self, email: str, password: str = PASSWORD) -> None:
        page = self.client.get("/login")
        answer = self.client.post("/login", data={"email": email, "password": password, "next": "/account",
                                                  "csrf_token": form_token(page.text)})
        assert answer.status_code == 303, answer.text

    def form(self, page: str, action: str, data: dict[str, str], *, params: dict[str, str] | None = None):
        """Submit a form of a page as a browser does: the page's CSRF token, then the POST."""
        html = self.client.get(page, params=params or {}).text
        return self.client.post(action, data={**data, "csrf_token": form_token(html)})

    def close(self) -> None:
        self.client.close()
