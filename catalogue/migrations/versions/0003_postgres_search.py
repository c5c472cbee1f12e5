"""PostgreSQL full-text search: the documents, the vocabulary of unstemmed words, the writer's mark

Created on PostgreSQL only (the embedded backends keep their index in a folder): `search_document` holds
one row per search document with its pre-analysed tsvector under a GIN index, `search_word` the unstemmed
words under a pg_trgm index for fuzzy queries, `search_index_mark` the last index generation the single
writer applied. On SQLite this revision does nothing.

Revision ID: 0003_search
Revises: 0002
Create Date: 2026-11-30 10:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003_search"
down_revision = "0002"
branch_labels = None
depends_on = None


def _on_postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    if not _on_postgres():
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    text_array = postgresql.ARRAY(sa.Text())
    op.create_table(
        "search_document",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("study", sa.Text(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("urn", sa.Text(), nullable=False),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("waves", text_array, nullable=False, server_default="{}"),
        sa.Column("langs", text_array, nullable=False, server_default="{}"),
        sa.Column("representation", sa.Text(), nullable=True),
        sa.Column("data_source", sa.Text(), nullable=True),
        sa.Column("concepts", text_array, nullable=False, server_default="{}"),
        sa.Column("ages", postgresql.ARRAY(sa.Float()), nullable=False, server_default="{}"),
        sa.Column("name_exact", sa.Text(), nullable=False, server_default=""),
        sa.Column("sort_key", sa.Text(collation="C"), nullable=False),
        sa.Column("terms", postgresql.TSVECTOR(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
    )
    op.create_index("ix_search_document_key", "search_document", ["key"], unique=True)
    op.create_index("ix_search_document_study_state", "search_document", ["study", "state"])
    op.create_index("ix_search_document_terms", "search_document", ["terms"], postgresql_using="gin")
    op.create_table(
        "search_word",
        sa.Column("word", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("word", name="pk_search_word"),
    )
    op.create_index(
        "ix_search_word_trigrams",
        "search_word",
        ["word"],
        postgresql_using="gin",
        postgresql_ops={"word": "gin_trgm_ops"},
    )
    op.create_table(
        "search_index_mark",
        sa.Column("backend", sa.Text(), nullable=False),
        sa.Column("generation", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("backend", name="pk_search_index_mark"),
    )


def downgrade() -> None:
    if not _on_postgres():
        return
    op.drop_table("search_index_mark")
    op.drop_table("search_word")
    op.drop_table("search_document")
