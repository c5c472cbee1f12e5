"""Alembic environment: migrations run on the connection the catalogue hands over (see store.db.migrate)."""

from __future__ import annotations

from alembic import context

from catalogue.store.tables import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through catalogue.store.db.migrate(engine)")

context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
