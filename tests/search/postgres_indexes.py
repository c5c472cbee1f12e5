"""PostgreSQL search indexes for the conformance suite: one database per index folder.

The suite names an index by its folder (two backends on one folder share an index, a new folder is an
empty one). Here a folder maps to a database cloned from a template that the catalogue's migrations built
once, so each new index costs a `CREATE DATABASE ... TEMPLATE`, not a migration run.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url

from catalogue.store.db import make_engine, migrate
from search.postgres_backend import PostgresBackend


class PostgresIndexes:
    def __init__(self, server_url: str) -> None:
        self.server_url = server_url
        self.admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
        self.prefix = f"ddicat_search_{uuid.uuid4().hex[:8]}"
        self.template = f"{self.prefix}_template"
        self.created: list[str] = []
        self.engines: dict[Path, Engine] = {}
        self._create(self.template)
        template_engine = make_engine(self.url(self.template))
        migrate(template_engine)
        template_engine.dispose()

    def url(self, database: str) -> str:
        return make_url(self.server_url).set(database=database).render_as_string(hide_password=False)

    def backend(self, index_dir: Path) -> PostgresBackend:
        """The index of this folder: an empty one the first time the folder is named."""
        return PostgresBackend(self.engine(index_dir))

    def engine(self, index_dir: Path) -> Engine:
        """The database of this folder: a fresh migrated catalogue the first time the folder is named."""
        folder = Path(index_dir).resolve()
        if folder not in self.engines:
            name = f"{self.prefix}_{len(self.engines)}"
            self._create(name, template=self.template)
            self.engines[folder] = make_engine(self.url(name))
        return self.engines[folder]

    def database_url(self, index_dir: Path) -> str:
        return self.engine(index_dir).url.render_as_string(hide_password=False)

    def close(self) -> None:
        for engine in self.engines.values():
            engine.dispose()
        with self.admin.connect() as connection:
            for name in reversed(self.created):
                connection.exec_driver_sql(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %(name)s",
                    {"name": name},
                )
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        self.admin.dispose()

    def _create(self, name: str, *, template: str | None = None) -> None:
        clause = f' TEMPLATE "{template}"' if template else ""
        with self.admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"{clause}')
        self.created.append(name)
