"""Revision 0002: the cohort-space tables exactly as the models declare them, added to a catalogue that
already holds studies, and removed again by a downgrade."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from cohort_spaces import cohort_document
from sqlalchemy import inspect

from catalogue import accounts, audit, workflow  # noqa: F401 - the models of revision 0002
from catalogue.imports import Source
from catalogue.store.db import MIGRATIONS, make_engine, session_factory, transaction
from catalogue.store.tables import Base

TABLES = {
    "account",
    "membership",
    "api_token",
    "browser_session",
    "login_failure",
    "audit_event",
    "audit_head",
    "draft_description",
}


def alembic_config(connection: Any) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def test_the_models_match_revision_0002(database_url: str) -> None:
    engine = make_engine(database_url)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    mine = [d for d in differences if any(table in repr(d) for table in TABLES)]
    assert mine == []
    engine.dispose()


def test_an_existing_catalogue_upgrades_and_downgrades(database_url: str, schemas_dir: Path) -> None:
    from catalogue.imports import study_import
    from ddi_schemas.compiled import SchemaSet

    engine = make_engine(database_url)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0001")
    assert not TABLES & set(inspect(engine).get_table_names())
    with transaction(session_factory(engine)) as session:
        study_import(
            session=session,
            schemas=SchemaSet(schemas_dir),
            source=Source("alpha-v1.xml", cohort_document(1)),
            study_slug="alpha",
            default_agency="fr.ddicat",
        )
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
    assert TABLES <= set(inspect(engine).get_table_names())
    with session_factory(engine)() as session:
        head = session.get(audit.AuditHead, audit.HEAD_ID)
        assert (head.seq, head.hash) == (0, audit.GENESIS)
        assert audit.chain_verify(session).intact
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0001")
    names = set(inspect(engine).get_table_names())
    assert not TABLES & names and {"study", "item", "release"} <= names
    engine.dispose()
