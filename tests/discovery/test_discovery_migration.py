"""Revision 0004: the discovery tables exactly as the models declare them, added to a catalogue that already
holds studies and accounts, and removed again by a downgrade."""

from __future__ import annotations

from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from catalogue import access_requests, basket, harmonisation, notifications  # noqa: F401 - models of 0004
from catalogue.store.db import MIGRATIONS, make_engine
from catalogue.store.tables import Base

TABLES = {"shared_concept", "comparable_link", "basket", "basket_entry", "access_request", "access_request_part",
          "access_request_event", "notification"}


def alembic_config(connection: Any) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def test_the_models_match_revision_0004(database_url: str) -> None:
    engine = make_engine(database_url)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    mine = [d for d in differences if any(f"'{table}'" in repr(d) or f"table='{table}'" in repr(d) for table in TABLES)]
    assert mine == []
    assert TABLES <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_revision_0004_upgrades_a_catalogue_with_accounts_and_downgrades(database_url: str) -> None:
    engine = make_engine(database_url)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0003_search")
        connection.execute(text("INSERT INTO study (slug, agency, ddi_id, version, element, title, abstract, purpose, "
                                "attributes, created_at, updated_at) VALUES ('alpha', 'fr.test', 'alpha', '1', "
                                "'Group', '{}', '{}', '{}', '{}', '2026-01-01', '2026-01-01')"))
        connection.execute(text("INSERT INTO account (email, name, password_hash, is_admin, created_at) VALUES "
                                "('a@b.test', '', 'x', false, '2026-01-01')"))
    assert not TABLES & set(inspect(engine).get_table_names())
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
        connection.execute(text("INSERT INTO basket (account_id, created_at, updated_at) "
                                "SELECT id, '2026-01-02', '2026-01-02' FROM account"))
    assert TABLES <= set(inspect(engine).get_table_names())
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0003_search")
    names = set(inspect(engine).get_table_names())
    assert not TABLES & names and {"study", "account", "audit_event"} <= names
    with engine.connect() as connection:
        assert connection.execute(text("SELECT slug FROM study")).scalars().all() == ["alpha"]
    engine.dispose()
