"""The catalogue as one running thing: settings, database, schemas, search index and the services on them.

Built once by the CLI or by `create_app()`; the CLI commands and the HTTP routes call the same methods.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from catalogue.errors import SchemasUnavailable
from catalogue.accounts import Actor
from catalogue.imports import ImportReport, Source
from catalogue.settings import Settings
from catalogue.store.db import make_engine, migrate, session_factory, transaction
from catalogue.store.tables import ImportRecord, Study
from catalogue.workflow import draft_upload, release_import, wave_describe
from ddi_schemas.compiled import SchemaSet
from search.base import SearchBackend
from search.indexer import Coordination, FileCoordination, Indexer
from search.layout import layout_dir
from search.postgres_coordination import PostgresCoordination
from search.registry import open_backend

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@dataclass(frozen=True, slots=True)
class DemoFile:
    """One file of the demo catalogue and how it is imported, exactly as a user would import it."""

    study: str
    file_name: str
    wave: str | None = None
    split_languages: tuple[str, str] | None = None
    # What the source cannot say about its wave (REDCap dictionaries carry no title, dates or ages).
    wave_description: dict[str, Any] | None = None


DEMO_FILES = (
    DemoFile("elfe", "elfe-demo.xml"),
    DemoFile("epipage2", "epipage2-demo.xml"),
    DemoFile("epipage2", "epipage2-8a-questionnaire.xml", wave="8a"),
    DemoFile("epipage2", "epipage2-8a-data.sav", wave="8a"),
    DemoFile("elfe", "elfe-8a5-redcap.csv", wave="8a5", split_languages=("fr", "en"), wave_description={
        "title": {"fr": "Enquête à 8 ans et demi", "en": "8.5-year survey"},
        "start_date": "2019-09-01", "end_date": "2020-06-30", "age_min_months": 102, "age_max_months": 104,
    }),
    DemoFile("elfe", "elfe-biobank.xml", wave="prelevements"),
)


class Runtime:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def engine(self) -> Engine:
        engine = make_engine(self.settings.resolved_database_url)
        migrate(engine)
        return engine

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        return session_factory(self.engine)

    @cached_property
    def schemas(self) -> SchemaSet:
        root = self.settings.resolved_ddi_schemas
        if not (root / "3.3" / "instance.xsd").is_file():
            raise SchemasUnavailable(
                f"the official DDI-L XSDs are not in {root}: run `ddicat schemas fetch` to download and verify "
                "them into the data directory, or set DDICAT_DDI_SCHEMAS to a folder holding a verified copy "
                "(3.1/, 3.2/, 3.3/)"
            )
        return SchemaSet(root)

    @cached_property
    def backend(self) -> SearchBackend:
        return open_backend(
            self.settings.search_backend, index_dir=self.settings.resolved_index_dir, engine=self.engine
        )

    @cached_property
    def coordination(self) -> Coordination:
        if self.settings.search_backend == "postgres":  # hosts sharing the database agree through it
            return PostgresCoordination(self.engine)
        # the mark lives with the index layout: a new layout starts at generation 0 and the next sync
        # (`ddicat serve` runs one) indexes every study again
        return FileCoordination(layout_dir(self.settings.resolved_index_dir))

    @cached_property
    def indexer(self) -> Indexer:
        return Indexer(self.sessions, self.backend, self.coordination)

    def import_file(
        self,
        source: Source,
        *,
        study: str,
        wave: str | None = None,
        agency: str | None = None,
        lenient: bool = False,
        source_format: str | None = None,
        actor: str = "cli",
        status: str = "published",
        split_languages: tuple[str, str] | None = None,
        column_mapping: dict[str, str] | None = None,
        preset: str | None = None,
    ) -> ImportReport:
        """The operator's import, in one transaction with its audit event, then the search index brought up
        to date: published at once, or (`status="draft"`) into the study's draft for review."""
        operator = Actor.operator(actor)
        with transaction(self.sessions) as session:
            if status == "draft":
                report = draft_upload(
                    session=session, schemas=self.schemas, actor=operator, study_slug=study, source=source,
                    default_agency=self.settings.default_agency, max_bytes=self.settings.max_upload_bytes,
                    wave=wave, source_format=source_format, lenient=lenient,
                )
            else:
                report = release_import(
                    session=session, schemas=self.schemas, actor=operator, study_slug=study, source=source,
                    default_agency=self.settings.default_agency, max_bytes=self.settings.max_upload_bytes,
                    wave=wave, agency=agency, lenient=lenient, source_format=source_format,
                    split_languages=split_languages, column_mapping=column_mapping, preset=preset,
                )
        self.indexer.sync(wait=True)
        return report

    def load_demo(self) -> list[ImportReport]:
        """Import the demo cohorts from examples/, skipping the files already imported unchanged."""
        reports = []
        for demo in DEMO_FILES:
            path = EXAMPLES / demo.file_name
            if not path.is_file():
                continue
            source = Source.from_path(path, max_bytes=self.settings.max_upload_bytes)
            with self.sessions() as session:
                seen = session.scalar(
                    select(ImportRecord.id)
                    .join(Study, Study.id == ImportRecord.study_id)
                    .where(Study.slug == demo.study, ImportRecord.source_sha256 == source.sha256)
                    .limit(1)
                )
            if seen is None:
                reports.append(self.import_file(
                    source, study=demo.study, wave=demo.wave, split_languages=demo.split_languages, actor="demo"
                ))
                if demo.wave and demo.wave_description:
                    with transaction(self.sessions) as session:
                        wave_describe(session=session, actor=Actor.operator("demo"), study_slug=demo.study,
                                      wave_name=demo.wave, **demo.wave_description)
        self.indexer.sync(wait=True)
        return reports

    def close(self) -> None:
        if "backend" in self.__dict__:
            self.backend.close()
        if "engine" in self.__dict__:
            self.engine.dispose()
