"""The one settings object. Nothing else in ddicat reads the environment.

Built once by the CLI or by `create_app()` and passed down; every setting has a default and help text
(a test checks that each is documented in the README).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DDICAT_", extra="ignore")

    data_dir: Path = Field(
        default=Path("var"),
        description="Directory for the embedded database, the search index and fetched schemas.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the catalogue database; default: a SQLite file in the data directory.",
    )
    search_backend: Literal["tantivy", "whoosh", "postgres"] = Field(
        default="tantivy",
        description="Search engine: tantivy (default), whoosh (pure Python) or postgres (full-text search).",
    )
    index_dir: Path | None = Field(
        default=None,
        description="Directory of the local search index; default: <data_dir>/index/<backend>.",
    )
    ddi_schemas: Path | None = Field(
        default=None,
        description="Folder holding the official DDI-L XSDs as 3.1/, 3.2/, 3.3/; default: <data_dir>/ddi-schemas.",
    )
    default_agency: str = Field(
        default="fr.ddicat",
        description="DDI agency given to items built from sources that carry none (REDCap, SPSS...).",
    )
    languages: list[str] = Field(
        default=["fr", "en"],
        description="Interface languages, the first being the default.",
    )
    secret_key: str = Field(
        default="change-me-in-production",
        description="Key that signs session cookies and CSRF tokens; set a long random value in production.",
    )
    base_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Public address of the catalogue, used in canonical links, sitemaps and harvesting.",
    )
    max_upload_bytes: int = Field(
        default=200 * 1024 * 1024,
        description="Largest file accepted by an import or an upload, in bytes.",
    )
    smtp_host: str | None = Field(
        default=None,
        description="Mail server that delivers notifications (access requests); none: mails wait in the outbox.",
    )
    smtp_port: int = Field(default=25, description="Port of the mail server (587 with STARTTLS, usually).")
    smtp_user: str | None = Field(default=None, description="User name for the mail server, if it asks for one.")
    smtp_password: str | None = Field(default=None, description="Password of DDICAT_SMTP_USER on the mail server.")
    smtp_from: str = Field(
        default="ddicat@localhost",
        description="Sender address of the catalogue's notification mails.",
    )
    smtp_starttls: bool = Field(
        default=False,
        description="Upgrade the mail server connection with STARTTLS before sending (and before logging in).",
    )
    smtp_timeout: float = Field(default=30.0, description="Seconds to wait for the mail server before giving up.")

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'ddicat.sqlite').resolve()}"

    @property
    def resolved_index_dir(self) -> Path:
        return self.index_dir or self.data_dir / "index" / self.search_backend

    @property
    def resolved_ddi_schemas(self) -> Path:
        return self.ddi_schemas or self.data_dir / "ddi-schemas"
