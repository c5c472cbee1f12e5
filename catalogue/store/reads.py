"""The read side of the store: what a viewer may see, items by URN, and whole releases as model objects."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalogue.model import (
    DDIPackage,
    Item,
    ItemKey,
    Ref,
    StudyInfo,
    WaveInfo,
    item_from_content,
    parse_urn,
    version_key,
)
from catalogue.store.tables import Item as ItemRow
from catalogue.store.tables import ItemLink, Release, ReleaseItem, Study, Wave

BATCH = 500


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is looking: the studies whose drafts they may see (a role on the study), and whether admin."""

    draft_study_ids: frozenset[int] = frozenset()
    is_admin: bool = False

    @classmethod
    def public(cls) -> Viewer:
        return cls()

    def sees_drafts_of(self, study_id: int) -> bool:
        return self.is_admin or study_id in self.draft_study_ids


def published_release(session: Session, study_id: int) -> Release | None:
    return session.scalar(
        select(Release)
        .where(Release.study_id == study_id, Release.status == "published")
        .order_by(Release.number.desc())
        .limit(1)
    )


def draft_release(session: Session, study_id: int) -> Release | None:
    return session.scalar(
        select(Release)
        .where(Release.study_id == study_id, Release.status == "draft")
        .order_by(Release.number.desc())
        .limit(1)
    )


def visible_release(session: Session, study: Study, viewer: Viewer) -> Release | None:
    """The draft for those who may see it, else the latest published release."""
    if viewer.sees_drafts_of(study.id):
        draft = draft_release(session, study.id)
        if draft is not None:
            return draft
    return published_release(session, study.id)


def visible_studies(session: Session, viewer: Viewer) -> list[tuple[Study, Release]]:
    """Studies the viewer can see, each with the release shown, ordered by slug."""
    result = []
    for study in session.scalars(select(Study).order_by(Study.slug)):
        release = visible_release(session, study, viewer)
        if release is not None:
            result.append((study, release))
    return result


def study_by_slug(session: Session, slug: str) -> Study | None:
    return session.scalar(select(Study).where(Study.slug == slug))


def release_wave_ids(session: Session, release: Release) -> set[int]:
    """The waves a release holds items in (see Snapshot.held_waves)."""
    return set(session.scalars(
        select(ReleaseItem.wave_id).where(ReleaseItem.release_id == release.id, ReleaseItem.wave_id.is_not(None))
        .distinct()
    ))


def release_counts(session: Session, release: Release) -> dict[str | None, dict[str, int]]:
    """Item counts by type, per wave id (None: shared by the study)."""
    rows = session.execute(
        select(ReleaseItem.wave_id, ItemRow.type, func.count())
        .join(ItemRow, ItemRow.id == ReleaseItem.item_id)
        .where(ReleaseItem.release_id == release.id)
        .group_by(ReleaseItem.wave_id, ItemRow.type)
    )
    counts: dict[str | None, dict[str, int]] = {}
    for wave_id, item_type, count in rows:
        counts.setdefault(wave_id, {})[item_type] = count
    return counts


def item_row_by_urn(session: Session, urn: str) -> ItemRow | None:
    """The item version a URN names; a URN without version names the latest stored version."""
    parsed = parse_urn(urn)
    if parsed is None:
        return None
    agency, ddi_id, version = parsed
    query = select(ItemRow).where(ItemRow.agency_key == agency.lower(), ItemRow.ddi_id == ddi_id)
    if version is not None:
        return session.scalar(query.where(ItemRow.version == version))
    return session.scalar(query.order_by(ItemRow.version_sort.desc()).limit(1))


def item_row_visible(session: Session, row: ItemRow, viewer: Viewer) -> tuple[Study, Release, Wave | None] | None:
    """Where the viewer can see this item version: the first visible release holding it, or None."""
    memberships = session.execute(
        select(Release, ReleaseItem.wave_id)
        .join(ReleaseItem, ReleaseItem.release_id == Release.id)
        .where(ReleaseItem.item_id == row.id)
        .order_by(Release.number.desc())
    ).all()
    for release, wave_id in memberships:
        study = session.get(Study, release.study_id)
        assert study is not None
        shown = visible_release(session, study, viewer)
        if shown is not None and shown.id == release.id:
            return study, release, session.get(Wave, wave_id) if wave_id else None
    for release, wave_id in memberships:
        # An older version, still readable by its URN once its study has published it.
        if release.status in ("published", "superseded"):
            study = session.get(Study, release.study_id)
            assert study is not None
            return study, release, session.get(Wave, wave_id) if wave_id else None
    return None


def latest_visible_version(session: Session, agency: str, ddi_id: str, viewer: Viewer) -> ItemRow | None:
    """The latest version of agency:id that the viewer may see (for URNs without a version)."""
    rows = session.scalars(
        select(ItemRow)
        .where(ItemRow.agency_key == agency.lower(), ItemRow.ddi_id == ddi_id)
        .order_by(ItemRow.version_sort.desc())
    )
    for row in rows:
        if item_row_visible(session, row, viewer):
            return row
    return None


def to_item(row: ItemRow) -> Item:
    return item_from_content(row.type, row.agency, row.ddi_id, row.version, row.content)


def study_info(study: Study) -> StudyInfo:
    return StudyInfo(
        agency=study.agency, id=study.ddi_id, version=study.version, element=study.element,  # type: ignore[arg-type]
        title=dict(study.title), abstract=dict(study.abstract), purpose=dict(study.purpose),
        attributes=dict(study.attributes),
    )


def wave_info(wave: Wave) -> WaveInfo:
    return WaveInfo(
        agency=wave.agency, id=wave.ddi_id, version=wave.version, name=wave.name, title=dict(wave.title),
        abstract=dict(wave.abstract), start_date=wave.start_date, end_date=wave.end_date,
        age_min_months=wave.age_min_months, age_max_months=wave.age_max_months,
        attributes=dict(wave.attributes),
    )


@dataclass(slots=True)
class Snapshot:
    """A release loaded as model objects: what exports, search documents and pages walk."""

    study: Study
    release: Release
    waves: list[Wave]
    items: dict[ItemKey, Item] = field(default_factory=dict)
    wave_of: dict[ItemKey, int | None] = field(default_factory=dict)
    waves_of: dict[ItemKey, list[int]] = field(default_factory=dict)
    row_ids: dict[ItemKey, int] = field(default_factory=dict)
    _latest: dict[tuple[str, str], ItemKey] = field(default_factory=dict)

    def resolve(self, ref: Ref | None) -> Item | None:
        """The member a reference points at (its exact version, else the latest member of that id)."""
        if ref is None:
            return None
        key = ref.key
        if key in self.items:
            return self.items[key]
        latest = self._latest.get((key.agency, key.id))
        return self.items.get(latest) if latest else None

    def members(self, *types: str) -> Iterable[Item]:
        return (item for item in self.items.values() if not types or item.TYPE in types)

    def wave_by_id(self) -> dict[int, Wave]:
        return {wave.id: wave for wave in self.waves}

    def held_waves(self) -> list[Wave]:
        """The waves this release holds items in: a wave that exists only in a draft is not shown with the
        published release (the wave row exists as soon as a draft upload names it)."""
        held = {wave_id for ids in self.waves_of.values() for wave_id in ids}
        return [wave for wave in self.waves if wave.id in held]

    def wave_named(self, name: str) -> Wave | None:
        return next((wave for wave in self.held_waves() if wave.name == name), None)


def load_snapshot(session: Session, release: Release) -> Snapshot:
    study = session.get(Study, release.study_id)
    assert study is not None
    waves = list(session.scalars(select(Wave).where(Wave.study_id == study.id).order_by(Wave.position)))
    snapshot = Snapshot(study=study, release=release, waves=waves)
    rows = session.execute(
        select(ItemRow.id, ItemRow.type, ItemRow.agency, ItemRow.ddi_id, ItemRow.version, ItemRow.content,
               ReleaseItem.wave_id)
        .join(ReleaseItem, ReleaseItem.item_id == ItemRow.id)
        .where(ReleaseItem.release_id == release.id)
    )
    for row_id, item_type, agency, ddi_id, version, content, wave_id in rows:
        key = ItemKey(agency.lower(), ddi_id, version)
        if key not in snapshot.items:
            snapshot.items[key] = item_from_content(item_type, agency, ddi_id, version, content)
            snapshot.row_ids[key] = row_id
            snapshot.wave_of[key] = wave_id
        if wave_id is not None:
            snapshot.waves_of.setdefault(key, []).append(wave_id)
        elif key in snapshot.wave_of and snapshot.wave_of[key] is not None:
            snapshot.wave_of[key] = None
        pair = (key.agency, key.id)
        current = snapshot._latest.get(pair)
        if current is None or version_key(version) > version_key(current.version):
            snapshot._latest[pair] = key
    return snapshot


def load_items(session: Session, keys: Iterable[ItemKey]) -> dict[ItemKey, Item]:
    """Stored item versions by key (exact versions; a key without version gives the latest)."""
    found: dict[ItemKey, Item] = {}
    exact = [k for k in keys if k.version is not None]
    latest = [k for k in keys if k.version is None]
    for start in range(0, len(exact), BATCH):
        chunk = exact[start : start + BATCH]
        ids = {k.id for k in chunk}
        for row in session.scalars(select(ItemRow).where(ItemRow.ddi_id.in_(ids))):
            key = ItemKey(row.agency_key, row.ddi_id, row.version)
            if key in chunk:
                found[key] = to_item(row)
    for key in latest:
        row = session.scalar(
            select(ItemRow).where(ItemRow.agency_key == key.agency, ItemRow.ddi_id == key.id)
            .order_by(ItemRow.version_sort.desc()).limit(1)
        )
        if row is not None:
            found[key] = to_item(row)
    return found


def package_of(session: Session, snapshot: Snapshot, *, wave: Wave | None = None) -> DDIPackage:
    """The snapshot (or one wave of it, with everything its items refer to) as a package to write.

    References to items outside the release (older versions, other studies' shared items) are followed
    into the store so that the document stands alone.
    """
    wave_ids = {w.id: w for w in snapshot.waves}
    if wave is None:
        roots = list(snapshot.items)
        waves = [w for w in snapshot.waves if any(wid == w.id for wid in snapshot.wave_of.values())]
    else:
        roots = [k for k, wids in snapshot.waves_of.items() if wave.id in wids]
        waves = [wave]
    chosen: dict[ItemKey, Item] = {}
    queue = list(roots)
    missing: set[ItemKey] = set()
    while queue or missing:
        while queue:
            key = queue.pop()
            if key in chosen:
                continue
            item = snapshot.items.get(key)
            if item is None:
                missing.add(key)
                continue
            chosen[key] = item
            for _role, ref in item.references():
                target = snapshot.resolve(ref)
                queue.append(target.key if target else ref.key)
        if missing:
            loaded = load_items(session, missing)
            for key, item in loaded.items():
                chosen.setdefault(item.key, item)
                if key != item.key:
                    chosen.setdefault(key, item)
                for _role, ref in item.references():
                    target = snapshot.resolve(ref)
                    tkey = target.key if target else ref.key
                    if tkey not in chosen and tkey not in loaded:
                        queue.append(tkey)
            missing = set()
    placement: dict[ItemKey, str | None] = {}
    for key in chosen:
        wid = snapshot.wave_of.get(key)
        placement[key] = wave_ids[wid].ddi_id if wid in wave_ids and (wave is None or wid == wave.id) else None
    items = list({id(i): i for i in chosen.values()}.values())
    return DDIPackage(
        ddi_version="3.3",
        study=study_info(snapshot.study),
        waves=[wave_info(w) for w in waves],
        items=items,
        placement={item.key: placement.get(item.key) for item in items},
    )


def referrers(session: Session, target: ItemRow, *, role: str | None = None, release: Release | None = None) -> list[ItemRow]:
    """Item versions that refer to `target` (any version of it, or exactly it), optionally within a release."""
    query = (
        select(ItemRow)
        .join(ItemLink, ItemLink.source_id == ItemRow.id)
        .where(
            ItemLink.target_agency == target.agency_key,
            ItemLink.target_ddi_id == target.ddi_id,
            (ItemLink.target_version.is_(None)) | (ItemLink.target_version == target.version),
        )
    )
    if role:
        query = query.where(ItemLink.role == role)
    if release is not None:
        query = query.join(ReleaseItem, ReleaseItem.item_id == ItemRow.id).where(ReleaseItem.release_id == release.id)
    # Duplicates dropped here: SELECT DISTINCT cannot compare JSON columns on PostgreSQL.
    return list({row.id: row for row in session.scalars(query)}.values())
