"""A researcher's basket: variables chosen across cohorts, to export or to ask access for.

A basket belongs to an account (kept across sessions) or to an anonymous browser, which holds a random
secret in a cookie (the database keeps its SHA-256, as for sign-in sessions). When an anonymous browser signs
in, its basket joins the account's. Entries name item versions by URN; only variables the owner may see are
added, and entries whose version the owner can no longer see are left out of every read.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from catalogue.accounts import Account  # noqa: F401 - the table a basket's account_id refers to
from catalogue.errors import InvalidInput, Location, NotFound, Problem
from catalogue.model import parse_urn
from catalogue.store.reads import Viewer, item_row_by_urn, item_row_visible, latest_visible_version
from catalogue.store.tables import Base, Release, ReleaseItem, Study, Wave, utcnow
from catalogue.store.tables import Item as ItemRow

MAX_ENTRIES = 2000


class Basket(Base):
    """One basket: an account's, or an anonymous browser's (by the SHA-256 of its cookie secret)."""

    __tablename__ = "basket"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), unique=True)
    anonymous_sha256: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class BasketEntry(Base):
    """A variable version in a basket."""

    __tablename__ = "basket_entry"
    __table_args__ = (UniqueConstraint("basket_id", "urn"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    basket_id: Mapped[int] = mapped_column(ForeignKey("basket.id", ondelete="CASCADE"), index=True)
    urn: Mapped[str] = mapped_column(String(700))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


@dataclass(frozen=True, slots=True)
class BasketOwner:
    """Whose basket: a signed-in account, or the anonymous browser holding `secret`."""

    account_id: int | None = None
    secret: str | None = None

    @property
    def anonymous_sha256(self) -> str | None:
        return hashlib.sha256(self.secret.encode("utf-8")).hexdigest() if self.secret else None


def basket_of(session: Session, owner: BasketOwner, *, create: bool = False) -> Basket | None:
    """The owner's basket (an account's first, merging the browser's anonymous one into it)."""
    anonymous = None
    if owner.secret:
        anonymous = session.scalar(select(Basket).where(Basket.anonymous_sha256 == owner.anonymous_sha256))
    if owner.account_id is None:
        if anonymous is None and create and owner.secret:
            anonymous = Basket(anonymous_sha256=owner.anonymous_sha256)
            session.add(anonymous)
            session.flush()
        return anonymous
    basket = session.scalar(select(Basket).where(Basket.account_id == owner.account_id))
    if basket is None and (create or anonymous is not None):
        basket = Basket(account_id=owner.account_id)
        session.add(basket)
        session.flush()
    if anonymous is not None and basket is not None:
        _merge(session, anonymous, basket)
    return basket


def _merge(session: Session, source: Basket, target: Basket) -> None:
    """The anonymous basket's entries join the account's; the anonymous basket goes."""
    held = set(session.scalars(select(BasketEntry.urn).where(BasketEntry.basket_id == target.id)))
    for entry in session.scalars(select(BasketEntry).where(BasketEntry.basket_id == source.id)):
        if entry.urn not in held:
            session.add(BasketEntry(basket_id=target.id, urn=entry.urn, added_at=entry.added_at))
    session.flush()
    session.delete(source)
    session.flush()


def _variable_row(session: Session, urn: str, viewer: Viewer) -> ItemRow:
    parsed = parse_urn(urn)
    if parsed is None:
        raise NotFound(f"{urn!r} is not a DDI URN (urn:ddi:agency:id[:version])")
    agency, ddi_id, version = parsed
    row = item_row_by_urn(session, urn) if version else latest_visible_version(session, agency, ddi_id, viewer)
    if row is None or item_row_visible(session, row, viewer) is None:
        raise NotFound(f"no item {urn} in the catalogue")
    if row.type != "Variable":
        raise InvalidInput([Problem("error", f"{urn} is a {row.type}: the basket holds variables",
                                    Location(element="urn"), "not-a-variable")])
    return row


def basket_add(*, session: Session, owner: BasketOwner, viewer: Viewer, urn: str) -> str:
    """Add a variable version (the latest visible one for a URN without version); its URN is returned."""
    row = _variable_row(session, urn, viewer)
    basket = basket_of(session, owner, create=True)
    if basket is None:
        raise InvalidInput([Problem("error", "this browser has no basket: allow the basket cookie",
                                    Location(element="basket"), "no-basket")])
    urns = set(session.scalars(select(BasketEntry.urn).where(BasketEntry.basket_id == basket.id)))
    if row.urn not in urns:
        if len(urns) >= MAX_ENTRIES:
            raise InvalidInput([Problem("error", f"a basket holds at most {MAX_ENTRIES} variables",
                                        Location(element="basket"), "basket-full")])
        session.add(BasketEntry(basket_id=basket.id, urn=row.urn))
        basket.updated_at = utcnow()
        session.flush()
    return row.urn


def basket_remove(*, session: Session, owner: BasketOwner, urn: str) -> None:
    """Take a variable out of the basket (nothing happens when it is not in it)."""
    basket = basket_of(session, owner)
    if basket is not None:
        session.execute(delete(BasketEntry).where(BasketEntry.basket_id == basket.id, BasketEntry.urn == urn))
        session.flush()


def basket_clear(*, session: Session, owner: BasketOwner) -> None:
    basket = basket_of(session, owner)
    if basket is not None:
        session.execute(delete(BasketEntry).where(BasketEntry.basket_id == basket.id))
        session.flush()


@dataclass(frozen=True, slots=True)
class BasketVariable:
    """An entry as the exports and the pages read it: the item version, its study and its waves."""

    row: ItemRow
    study: Study
    release: Release
    waves: tuple[Wave, ...]


def basket_variables(session: Session, owner: BasketOwner, viewer: Viewer) -> list[BasketVariable]:
    """The basket's variables the viewer may see, by study, then wave order, then name."""
    basket = _existing(session, owner)
    if basket is None:
        return []
    found = []
    for urn in session.scalars(select(BasketEntry.urn).where(BasketEntry.basket_id == basket.id)):
        row = item_row_by_urn(session, urn)
        where = item_row_visible(session, row, viewer) if row is not None else None
        if row is None or where is None:
            continue
        study, release, _wave = where
        wave_ids = set(session.scalars(select(ReleaseItem.wave_id).where(
            ReleaseItem.release_id == release.id, ReleaseItem.item_id == row.id, ReleaseItem.wave_id.is_not(None))))
        waves = tuple(sorted((w for w in (session.get(Wave, i) for i in wave_ids) if w is not None),
                             key=lambda w: w.position))
        found.append(BasketVariable(row, study, release, waves))
    found.sort(key=lambda v: (v.study.slug, v.waves[0].position if v.waves else -1, (v.row.name or "").lower()))
    return found


def basket_summary(session: Session, owner: BasketOwner, viewer: Viewer) -> dict[str, Any]:
    """How many variables, in which studies."""
    variables = basket_variables(session, owner, viewer)
    studies: dict[str, int] = {}
    for variable in variables:
        studies[variable.study.slug] = studies.get(variable.study.slug, 0) + 1
    return {"total": len(variables), "studies": studies, "urns": [v.row.urn for v in variables]}


def basket_urns(session: Session, owner: BasketOwner) -> frozenset[str]:
    """The URNs in the owner's basket, without loading them (to mark 'in the basket' on search results)."""
    basket = _existing(session, owner)
    if basket is None:
        return frozenset()
    return frozenset(session.scalars(select(BasketEntry.urn).where(BasketEntry.basket_id == basket.id)))


def _existing(session: Session, owner: BasketOwner) -> Basket | None:
    """The basket a read shows (no merge, no creation: reads never write)."""
    if owner.account_id is not None:
        found = session.scalar(select(Basket).where(Basket.account_id == owner.account_id))
        if found is not None or not owner.secret:
            return found
    if owner.secret:
        return session.scalar(select(Basket).where(Basket.anonymous_sha256 == owner.anonymous_sha256))
    return None
