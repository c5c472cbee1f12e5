"""Exporting what the catalogue holds as DDI-L 3.3: a study, one wave, or one item with what it refers to."""

from __future__ import annotations

from typing import Literal

from sqlalchemy.orm import Session

from catalogue.ddi.writer import ddi_bytes
from catalogue.errors import NotFound
from catalogue.harmonisation_ddi import harmonised_links, with_harmonisation
from catalogue.model import DDIPackage, Item, ItemKey
from catalogue.store.reads import Snapshot, Viewer, load_items, load_snapshot, package_of, study_by_slug, visible_release
from catalogue.store.tables import Item as ItemRow

ExportForm = Literal["ddi-l", "fragment"]


def study_snapshot(session: Session, slug: str, viewer: Viewer) -> Snapshot:
    """The release of a study this viewer sees, loaded; NotFound when there is none to see."""
    study = study_by_slug(session, slug)
    release = visible_release(session, study, viewer) if study is not None else None
    if study is None or release is None:
        raise NotFound(f"no study {slug!r} in the catalogue")
    return load_snapshot(session, release)


def study_export(
    *, session: Session, slug: str, viewer: Viewer, wave: str | None = None, form: ExportForm = "ddi-l"
) -> bytes:
    """A study (or one of its waves) as one DDI-L 3.3 document."""
    snapshot = study_snapshot(session, slug, viewer)
    wave_row = None
    if wave is not None:
        wave_row = snapshot.wave_named(wave)
        if wave_row is None:
            names = ", ".join(w.name for w in snapshot.held_waves()) or "none"
            raise NotFound(f"study {slug!r} has no wave {wave!r} (waves: {names})")
    document = ddi_bytes(package_of(session, snapshot, wave=wave_row), form=form)
    # Confirmed comparable variables travel with the study as a cm:Comparison (catalogue.harmonisation_ddi).
    return with_harmonisation(document, session, harmonised_links(session, study_id=snapshot.study.id))


def item_package(session: Session, row: ItemRow) -> DDIPackage:
    """One item version with everything it refers to, transitively, as a stand-alone package."""
    chosen: dict[ItemKey, Item] = {}
    requested: set[ItemKey] = set()
    pending: set[ItemKey] = {ItemKey(row.agency_key, row.ddi_id, row.version)}
    while pending:
        requested |= pending
        loaded = load_items(session, pending)
        pending = set()
        for item in loaded.values():
            if item.key not in chosen:
                chosen[item.key] = item
                pending |= {ref.key for _role, ref in item.references()} - requested
    items = list(chosen.values())
    return DDIPackage(items=items, placement={item.key: None for item in items})


def item_export(*, session: Session, row: ItemRow) -> bytes:
    """One item as a DDI-L 3.3 FragmentInstance whose top-level reference is the item."""
    package = item_package(session, row)
    top = next(item for item in package.items if item.key == ItemKey(row.agency_key, row.ddi_id, row.version))
    document = ddi_bytes(package, form="fragment", top_level=[top.ref()])
    if row.type != "Variable":
        return document
    return with_harmonisation(document, session, harmonised_links(session, pairs=[(row.agency_key, row.ddi_id)]))
