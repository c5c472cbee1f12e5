"""The catalogue's tables (SQLAlchemy 2 typed ORM).

Item versions are immutable rows keyed by agency:id:version. What a study shows is a *release*: a set of
item versions placed in waves. Importing creates a new release (published at once from the CLI, a draft
through the upload workflow); older releases and older item versions stay readable.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        dict[str, Any]: JSON,
        dict[str, str]: JSON,
        list[Any]: JSON,
        datetime: DateTime(timezone=True),
    }


class Study(Base):
    """A cohort (or an administrative source such as the SNDS): a DDI Group, or a StudyUnit with one wave."""

    __tablename__ = "study"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    agency: Mapped[str] = mapped_column(String(253))
    ddi_id: Mapped[str] = mapped_column(String(255))
    version: Mapped[str] = mapped_column(String(64), default="1")
    element: Mapped[str] = mapped_column(String(16), default="Group")
    title: Mapped[dict[str, str]] = mapped_column(default=dict)
    abstract: Mapped[dict[str, str]] = mapped_column(default=dict)
    purpose: Mapped[dict[str, str]] = mapped_column(default=dict)
    attributes: Mapped[dict[str, str]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    waves: Mapped[list[Wave]] = relationship(back_populates="study", order_by="Wave.position")


class Wave(Base):
    """A wave (sweep, follow-up) of a study: a DDI StudyUnit inside the study's Group."""

    __tablename__ = "wave"
    __table_args__ = (UniqueConstraint("study_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("study.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    agency: Mapped[str] = mapped_column(String(253))
    ddi_id: Mapped[str] = mapped_column(String(255))
    version: Mapped[str] = mapped_column(String(64), default="1")
    title: Mapped[dict[str, str]] = mapped_column(default=dict)
    abstract: Mapped[dict[str, str]] = mapped_column(default=dict)
    start_date: Mapped[str | None] = mapped_column(String(32))
    end_date: Mapped[str | None] = mapped_column(String(32))
    age_min_months: Mapped[float | None]
    age_max_months: Mapped[float | None]
    attributes: Mapped[dict[str, str]] = mapped_column(default=dict)
    position: Mapped[int] = mapped_column(Integer, default=0)

    study: Mapped[Study] = relationship(back_populates="waves")


class ImportRecord(Base):
    """One import: who, when, the source file and its SHA-256, the canonical DDI-L 3.3 document, the report."""

    __tablename__ = "import_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("study.id", ondelete="CASCADE"), index=True)
    actor: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    source_name: Mapped[str] = mapped_column(String(1024))
    source_sha256: Mapped[str] = mapped_column(String(64))
    source_size: Mapped[int] = mapped_column(Integer)
    source_format: Mapped[str] = mapped_column(String(32))
    wave_names: Mapped[list[Any]] = mapped_column(default=list)
    ddi_document: Mapped[bytes] = mapped_column(LargeBinary)  # gzip of the canonical DDI-L 3.3 document
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    problems: Mapped[list[Any]] = mapped_column(default=list)


class Item(Base):
    """One version of a DDI item, immutable once stored. `content` is the model's JSON without identity."""

    __tablename__ = "item"
    __table_args__ = (
        UniqueConstraint("agency_key", "ddi_id", "version"),
        Index("ix_item_agency_key_ddi_id", "agency_key", "ddi_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(32), index=True)
    agency: Mapped[str] = mapped_column(String(253))
    agency_key: Mapped[str] = mapped_column(String(253))
    ddi_id: Mapped[str] = mapped_column(String(255))
    version: Mapped[str] = mapped_column(String(64))
    version_sort: Mapped[str] = mapped_column(String(128))
    urn: Mapped[str] = mapped_column(String(700))
    name: Mapped[str | None] = mapped_column(String(255))
    label: Mapped[dict[str, str]] = mapped_column(default=dict)
    content: Mapped[dict[str, Any]] = mapped_column(default=dict)
    content_hash: Mapped[str] = mapped_column(String(64))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("import_record.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ItemLink(Base):
    """A reference from one item version to another item (by identity): the graph the pages walk backwards."""

    __tablename__ = "item_link"
    __table_args__ = (Index("ix_item_link_target", "target_agency", "target_ddi_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    target_agency: Mapped[str] = mapped_column(String(253))
    target_ddi_id: Mapped[str] = mapped_column(String(255))
    target_version: Mapped[str | None] = mapped_column(String(64))
    target_type: Mapped[str] = mapped_column(String(64))


class Release(Base):
    """A numbered state of a study's metadata: draft → published → superseded, or discarded."""

    __tablename__ = "release"
    __table_args__ = (UniqueConstraint("study_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("study.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), index=True)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("import_record.id", ondelete="SET NULL"))
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("release.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]


class ReleaseItem(Base):
    """Membership of an item version in a release, in a wave (None: shared by the whole study)."""

    __tablename__ = "release_item"
    __table_args__ = (Index("ix_release_item_release_id_item_id", "release_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("release.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    wave_id: Mapped[int | None] = mapped_column(ForeignKey("wave.id", ondelete="SET NULL"))


class IndexGeneration(Base):
    """The index outbox: each committed change of a study's visible items, for the single index writer."""

    __tablename__ = "index_generation"

    id: Mapped[int] = mapped_column(primary_key=True)
    study_slug: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None]
