"""Writing an imported package into the catalogue: waves, item versions, links and a new release.

Functions here only flush; the caller commits (one transaction per import).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import DateTime, Table, func, select, update
from sqlalchemy.orm import Session

from catalogue.model import DDIPackage, Item, ItemKey, StudyInfo, WaveInfo, item_content, version_key
from catalogue.store.tables import (
    IndexGeneration,
    ItemLink,
    Release,
    ReleaseItem,
    Study,
    Wave,
)
from catalogue.store.tables import Item as ItemRow

BATCH = 500
WAVE_NAME_LENGTH = 64
# SQLite's page cache while an import writes its rows (its default is 2 MiB): the unique and lookup indexes
# of item, item_link and release_item take random inserts, which past the cache cost a page read each.
IMPORT_CACHE_KIB = 128 * 1024


def slugify(text: str, *, max_length: int = 64) -> str:
    """A short ASCII handle from a title: `Vague 2 mois (2011)` → `vague-2-mois-2011`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].strip("-") or "x"


def version_sort_key(version: str) -> str:
    """A string that sorts like the DDI version (`1.10` after `1.9`), for ORDER BY in SQL."""
    return ".".join(f"{part:08d}" for part in version_key(version)) or "0"


def stored_versions(session: Session, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """Every stored (version, content hash) of each (agency_key, id)."""
    by_agency: dict[str, list[str]] = {}
    for agency, ddi_id in pairs:
        by_agency.setdefault(agency, []).append(ddi_id)
    found: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for agency, ids in by_agency.items():
        if not _agency_has_items(session, agency):
            continue  # a first import under this agency: nothing to look up, id by id
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            rows = session.execute(
                select(ItemRow.ddi_id, ItemRow.version, ItemRow.content_hash).where(
                    ItemRow.agency_key == agency, ItemRow.ddi_id.in_(chunk)
                )
            )
            for ddi_id, version, digest in rows:
                found.setdefault((agency, ddi_id), []).append((version, digest))
    return found


def get_or_create_study(session: Session, *, slug: str, info: StudyInfo | None, agency: str) -> Study:
    """The study with this slug, created from the document's study (or from the slug alone) when new."""
    study = session.scalar(select(Study).where(Study.slug == slug))
    if study is None:
        study = Study(
            slug=slug,
            agency=info.agency if info else agency,
            ddi_id=info.id if info else slug,
            version=(info.version or "1") if info else "1",
            element=info.element if info else "Group",
            title=dict(info.title) if info and info.title else {"und": slug},
            abstract=dict(info.abstract) if info else {},
            purpose=dict(info.purpose) if info else {},
            attributes=dict(info.attributes) if info else {},
        )
        session.add(study)
        session.flush()
    elif info is not None and (info.agency.lower(), info.id) == (study.agency.lower(), study.ddi_id):
        study.title = dict(info.title) or study.title
        study.abstract = dict(info.abstract) or study.abstract
        study.purpose = dict(info.purpose) or study.purpose
        study.attributes = {**study.attributes, **info.attributes}
        study.element = info.element if study.element == "StudyUnit" or info.element == "Group" else study.element
    return study


def upsert_waves(session: Session, study: Study, waves: list[WaveInfo]) -> dict[str, Wave]:
    """Create or update the document's waves; return them by their DDI id (WaveInfo.id)."""
    existing = list(session.scalars(select(Wave).where(Wave.study_id == study.id)))
    position = max((w.position for w in existing), default=-1)
    result: dict[str, Wave] = {}
    for info in waves:
        wave = next((w for w in existing if w.agency.lower() == info.agency.lower() and w.ddi_id == info.id), None)
        if wave is None:
            wave = next((w for w in existing if w.name == info.name), None)
        if wave is None:
            position += 1
            taken = {w.name for w in existing}
            name = base = info.name[:WAVE_NAME_LENGTH - 4].rstrip("-") or "wave"
            suffix = 2
            while name in taken:
                name, suffix = f"{base}-{suffix}", suffix + 1
            wave = Wave(study_id=study.id, name=name, position=position, agency=info.agency, ddi_id=info.id)
            session.add(wave)
            existing.append(wave)
        wave.agency, wave.ddi_id, wave.version = info.agency, info.id, info.version or "1"
        wave.title = dict(info.title) or wave.title or {"und": wave.name}
        wave.abstract = dict(info.abstract) or (wave.abstract or {})
        wave.start_date = info.start_date or wave.start_date
        wave.end_date = info.end_date or wave.end_date
        wave.age_min_months = info.age_min_months if info.age_min_months is not None else wave.age_min_months
        wave.age_max_months = info.age_max_months if info.age_max_months is not None else wave.age_max_months
        wave.attributes = {**(wave.attributes or {}), **info.attributes}
        result[info.id] = wave
    session.flush()
    return result


@contextmanager
def import_cache(session: Session) -> Iterator[None]:
    """A larger SQLite page cache for the bulk writes of one import, given back afterwards (the connection
    goes back to the pool); other databases keep their own settings."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    previous = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(previous or -2000)}")


def store_items(
    session: Session,
    items: list[Item],
    hashes: dict[ItemKey, str],
    import_id: int,
    contents: dict[ItemKey, str] | None = None,
) -> dict[ItemKey, int]:
    """Insert the item versions the catalogue does not hold yet, with their links; return every item's row id.

    `contents` holds the items' JSON already serialised with their hashes (`VersionOutcome.contents`).
    Rows go in with plain executemany (no RETURNING, which SQLite would run row by row) and their ids are
    read back by identity: the write transaction holds the study, so nobody else adds these versions.
    """
    keyed = [(item.key, item) for item in items]
    ids = _row_ids(session, [key for key, _ in keyed])
    new_items = [(key, item) for key, item in keyed if key not in ids]
    now = datetime.now(UTC)
    known = contents or {}
    bulk_insert(session, ItemRow.__table__, ITEM_COLUMNS, (
        (
            item.TYPE, item.agency, key.agency, item.id, item.version, version_sort_key(item.version or "1"),
            item.urn, (item.name or "")[:255] or None, to_json(item.label),
            known.get(key) or to_json(item_content(item)), hashes[key], import_id, now,
        )
        for key, item in new_items
    ))
    ids.update(_row_ids(session, [key for key, _ in new_items]))
    bulk_insert(session, ItemLink.__table__, LINK_COLUMNS, (
        (ids[key], role, ref.agency.lower(), ref.id, ref.version, ref.type)
        for key, item in new_items
        for role, ref in item.references()
    ))
    return ids


ITEM_COLUMNS = ("type", "agency", "agency_key", "ddi_id", "version", "version_sort", "urn", "name", "label",
                "content", "content_hash", "import_id", "created_at")
LINK_COLUMNS = ("source_id", "role", "target_agency", "target_ddi_id", "target_version", "target_type")
MEMBER_COLUMNS = ("release_id", "item_id", "wave_id")


def to_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def bulk_insert(session: Session, table: Table, columns: tuple[str, ...], rows: Iterable[tuple[object, ...]]) -> None:
    """Many rows through the driver's executemany: the bulk of an import, without per-row ORM work.

    JSON values come already encoded; datetimes go through their column type, as SQLAlchemy would bind them.
    """
    connection = session.connection()
    dialect = connection.dialect
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    sql = (f"INSERT INTO {table.name} ({', '.join(columns)}) "
           f"VALUES ({', '.join(marker for _ in columns)})")
    converters = {
        index: processor
        for index, name in enumerate(columns)
        if isinstance(table.c[name].type, DateTime) and (processor := table.c[name].type.bind_processor(dialect))
    }
    batch: list[tuple[object, ...]] = []
    for row in rows:
        if converters:
            row = tuple(converters[i](v) if i in converters else v for i, v in enumerate(row))
        batch.append(row)
        if len(batch) >= BATCH * 8:
            connection.exec_driver_sql(sql, batch)
            batch = []
    if batch:
        connection.exec_driver_sql(sql, batch)


def _row_ids(session: Session, keys: list[ItemKey]) -> dict[ItemKey, int]:
    """The row id of each stored item version among `keys`."""
    wanted = set(keys)
    by_agency: dict[str, list[str]] = {}
    for key in wanted:
        by_agency.setdefault(key.agency, []).append(key.id)
    found: dict[ItemKey, int] = {}
    for agency, ddi_ids in by_agency.items():
        if not _agency_has_items(session, agency):
            continue
        unique = sorted(set(ddi_ids))
        for start in range(0, len(unique), BATCH):
            rows = session.execute(
                select(ItemRow.id, ItemRow.ddi_id, ItemRow.version).where(
                    ItemRow.agency_key == agency, ItemRow.ddi_id.in_(unique[start : start + BATCH])
                )
            )
            for row_id, ddi_id, version in rows:
                key = ItemKey(agency, ddi_id, version)
                if key in wanted:
                    found[key] = row_id
    return found


def _agency_has_items(session: Session, agency_key: str) -> bool:
    """Whether any item version is stored under this agency (one indexed probe)."""
    probe = select(ItemRow.id).where(ItemRow.agency_key == agency_key).limit(1)
    return session.execute(probe).first() is not None


def latest_release(session: Session, study: Study, *, status: str | tuple[str, ...] = "published") -> Release | None:
    statuses = (status,) if isinstance(status, str) else status
    return session.scalar(
        select(Release)
        .where(Release.study_id == study.id, Release.status.in_(statuses))
        .order_by(Release.number.desc())
        .limit(1)
    )


def create_release(
    session: Session,
    *,
    study: Study,
    package: DDIPackage,
    item_ids: dict[ItemKey, int],
    waves: dict[str, Wave],
    import_id: int | None,
    status: str,
    base: Release | None,
    scope: set[int | None] | None = None,
) -> Release:
    """A new release: the base release's items outside the scope of this package, plus the package's.

    By default the package replaces the waves it carries (and the study-wide shared items when it carries
    any); an import into one named wave gives `scope` = that wave only. The other waves stay as they were.
    Of several versions of one item, the latest is a member.
    """
    number = (session.scalar(select(func.max(Release.number)).where(Release.study_id == study.id)) or 0) + 1
    release = Release(study_id=study.id, number=number, status=status, import_id=import_id,
                      based_on_id=base.id if base else None)
    if status == "published":
        release.published_at = datetime.now(UTC)
    session.add(release)
    session.flush()

    members: dict[tuple[str, str], Item] = {}
    for item in package.items:
        pair = (item.agency.lower(), item.id)
        current = members.get(pair)
        if current is None or version_key(item.version) > version_key(current.version):
            members[pair] = item
    rows: dict[tuple[int, int | None], dict[str, int | None]] = {}
    carried_scope: set[int | None] = {waves[w.id].id for w in package.waves if w.id in waves}
    for item in members.values():
        wave_ref = package.placement.get(item.key)
        wave_id = waves[wave_ref].id if wave_ref in waves else None
        carried_scope.add(wave_id)
        rows[(item_ids[item.key], wave_id)] = {"release_id": release.id, "item_id": item_ids[item.key],
                                               "wave_id": wave_id}
    if scope is None:
        scope = carried_scope
    if base is not None:
        kept = (
            select(ReleaseItem.item_id, ReleaseItem.wave_id, ItemRow.agency_key, ItemRow.ddi_id)
            .join(ItemRow, ItemRow.id == ReleaseItem.item_id)
            .where(ReleaseItem.release_id == base.id)
        )
        scoped = [w for w in scope if w is not None]
        if scoped:
            kept = kept.where(ReleaseItem.wave_id.is_(None) | ReleaseItem.wave_id.not_in(scoped))
        if None in scope:
            kept = kept.where(ReleaseItem.wave_id.is_not(None))
        # A shared item replaced by this package leaves; in another wave, its older version stays there.
        for item_id, wave_id, agency, ddi_id in session.execute(kept):
            if wave_id is not None or (agency, ddi_id) not in members:
                rows.setdefault((item_id, wave_id), {"release_id": release.id, "item_id": item_id,
                                                     "wave_id": wave_id})
    bulk_insert(session, ReleaseItem.__table__, MEMBER_COLUMNS,
                ((r["release_id"], r["item_id"], r["wave_id"]) for r in rows.values()))
    if status == "published":
        session.execute(
            update(Release)
            .where(Release.study_id == study.id, Release.status == "published", Release.id != release.id)
            .values(status="superseded")
        )
    session.add(IndexGeneration(study_slug=study.slug))
    session.flush()
    return release
