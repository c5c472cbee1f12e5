"""Comparable variables across cohorts, once a person has judged them: confirmed links and shared concepts.

The scorer (`catalogue.comparable`) only proposes. A manager of EITHER study, or the catalogue admin, confirms
or rejects a candidate: the link states a fact about both variables and either team knows its own variable
well enough to say it. A link names its two variables by agency and ID, not version, so it still holds for
their later versions; the versions judged are kept beside it.

Confirmed links group variables into shared concepts (agency: the catalogue's, `Settings.default_agency`):
variables linked directly or through others share one concept, and two groups joined by a new link become
one. Item versions are immutable and a DDI Variable has one ConceptReference (its cohort's own topic), so the
shared concept is not written into the variables: exports add it beside them with a DDI `cm:Comparison`
(`catalogue.harmonisation_ddi`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Float, ForeignKey, Index, Integer, String, UniqueConstraint, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from catalogue.accounts import Actor, as_utc, require_account
from catalogue.audit import event_append
from catalogue.errors import InvalidInput, Location, NotFound, PermissionDenied, Problem
from catalogue.model import LangText, make_urn, parse_urn
from catalogue.store.reads import Viewer, item_row_by_urn, item_row_visible, latest_visible_version, to_item
from catalogue.store.tables import Base, Study, utcnow
from catalogue.store.tables import Item as ItemRow

Decision = Literal["confirmed", "rejected"]
LABEL_SEPARATOR = " – "  # the demo and many codebooks end a variable label with " – <wave>"


class SharedConcept(Base):
    """A concept of the catalogue's own agency that the variables of several cohorts measure alike."""

    __tablename__ = "shared_concept"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency: Mapped[str] = mapped_column(String(253))
    ddi_id: Mapped[str] = mapped_column(String(255), unique=True)
    version: Mapped[str] = mapped_column(String(64), default="1")
    label: Mapped[dict[str, str]] = mapped_column(default=dict)
    created_by: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ComparableLink(Base):
    """A person's judgement on two variables of two studies: comparable (confirmed) or not (rejected).

    `left` is the pair whose agency:id sorts first, so that one pair has one row whichever page it was
    judged from.
    """

    __tablename__ = "comparable_link"
    __table_args__ = (
        UniqueConstraint("left_agency", "left_ddi_id", "right_agency", "right_ddi_id", name="uq_comparable_link_pair"),
        Index("ix_comparable_link_left", "left_agency", "left_ddi_id"),
        Index("ix_comparable_link_right", "right_agency", "right_ddi_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    left_agency: Mapped[str] = mapped_column(String(253))
    left_ddi_id: Mapped[str] = mapped_column(String(255))
    left_version: Mapped[str] = mapped_column(String(64))
    left_study_id: Mapped[int] = mapped_column(ForeignKey("study.id", ondelete="CASCADE"), index=True)
    right_agency: Mapped[str] = mapped_column(String(253))
    right_ddi_id: Mapped[str] = mapped_column(String(255))
    right_version: Mapped[str] = mapped_column(String(64))
    right_study_id: Mapped[int] = mapped_column(ForeignKey("study.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    score: Mapped[float | None] = mapped_column(Float)
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    concept_id: Mapped[int | None] = mapped_column(ForeignKey("shared_concept.id", ondelete="SET NULL"), index=True)
    decided_by: Mapped[str] = mapped_column(String(320))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    revision: Mapped[int] = mapped_column(Integer, default=1)


Pair = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Judged:
    """One side of a link as the services resolve it: the item version, its study, and its pair."""

    row: ItemRow
    study: Study

    @property
    def pair(self) -> Pair:
        return (self.row.agency_key, self.row.ddi_id)


def _judged(session: Session, urn: str, actor: Actor) -> Judged:
    parsed = parse_urn(urn)
    if parsed is None:
        raise NotFound(f"{urn!r} is not a DDI URN (urn:ddi:agency:id[:version])")
    agency, ddi_id, version = parsed
    viewer = actor.viewer()
    row = item_row_by_urn(session, urn) if version else latest_visible_version(session, agency, ddi_id, viewer)
    where = item_row_visible(session, row, viewer) if row is not None else None
    if row is None or where is None:
        raise NotFound(f"no item {urn} in the catalogue")
    if row.type != "Variable":
        raise InvalidInput([Problem("error", f"{urn} is a {row.type}: only variables are compared across cohorts",
                                    Location(element="urn"), "not-a-variable")])
    return Judged(row, where[0])


def link_key(a: Pair, b: Pair) -> tuple[Pair, Pair]:
    """The two pairs in the order a link stores them."""
    return (a, b) if a <= b else (b, a)


def concept_label(label: LangText) -> LangText:
    """A variable label without its trailing wave (`Allaitement – 2 mois` → `Allaitement`), per language."""
    return {lang: text.rsplit(LABEL_SEPARATOR, 1)[0].strip() or text for lang, text in label.items() if text}


def _links_touching(session: Session, pairs: list[Pair], *, status: str | None = None) -> list[ComparableLink]:
    clauses = []
    for agency, ddi_id in pairs:
        clauses.append((ComparableLink.left_agency == agency) & (ComparableLink.left_ddi_id == ddi_id))
        clauses.append((ComparableLink.right_agency == agency) & (ComparableLink.right_ddi_id == ddi_id))
    query = select(ComparableLink).where(or_(*clauses))
    if status is not None:
        query = query.where(ComparableLink.status == status)
    return list(session.scalars(query))


def _decide(
    session: Session, actor: Actor, urn: str, candidate_urn: str, status: Decision, *,
    score: float | None, reasons: list[str], default_agency: str, label: LangText | None,
) -> ComparableLink:
    require_account(actor)
    one, other = _judged(session, urn, actor), _judged(session, candidate_urn, actor)
    if one.study.id == other.study.id:
        raise InvalidInput([Problem(
            "error", "both variables belong to the same study: comparable variables link two cohorts "
            "(the same question across waves is shown on the variable's waves page)",
            Location(element="candidate"), "same-study")])
    if not actor.is_admin and "manager" not in (actor.role_on(one.study.id), actor.role_on(other.study.id)):
        raise PermissionDenied(f"confirming or rejecting comparable variables needs the manager role on "
                               f"{one.study.slug!r} or {other.study.slug!r}, or the catalogue admin")
    (left, right) = (one, other) if one.pair <= other.pair else (other, one)
    link = session.scalar(select(ComparableLink).where(
        ComparableLink.left_agency == left.pair[0], ComparableLink.left_ddi_id == left.pair[1],
        ComparableLink.right_agency == right.pair[0], ComparableLink.right_ddi_id == right.pair[1],
    ))
    previous = link.status if link is not None else None
    if link is None:
        link = ComparableLink(
            left_agency=left.pair[0], left_ddi_id=left.pair[1], right_agency=right.pair[0],
            right_ddi_id=right.pair[1], revision=0,
        )
        session.add(link)
    link.left_version, link.right_version = left.row.version, right.row.version
    link.left_study_id, link.right_study_id = left.study.id, right.study.id
    link.status, link.score, link.reasons = status, score, list(reasons)[:20]
    link.decided_by, link.revision = actor.label, (link.revision or 0) + 1
    link.concept_id = None
    session.flush()
    concept = None
    if status == "confirmed":
        concept = _concept_for(session, link, actor, default_agency,
                               label or concept_label(to_item(one.row).label) or {"und": one.row.name or ""})
    for study in (one.study, other.study):
        event_append(session, actor=actor.label,
                     action="comparable.confirm" if status == "confirmed" else "comparable.reject", study=study, items=[one.row.urn, other.row.urn],
                     detail={"variable": one.row.urn, "candidate": other.row.urn, "previous": previous,
                             "score": score, "concept": concept.ddi_id if concept else None})
    return link


def _concept_for(
    session: Session, link: ComparableLink, actor: Actor, agency: str, label: LangText
) -> SharedConcept:
    """The shared concept of a new confirmed link: the one its variables already share, else a new one; two
    concepts joined by the link become one (the links of the second move to the first)."""
    pairs = [(link.left_agency, link.left_ddi_id), (link.right_agency, link.right_ddi_id)]
    others = [o for o in _links_touching(session, pairs, status="confirmed") if o.id != link.id and o.concept_id]
    concept_ids = sorted({o.concept_id for o in others if o.concept_id is not None})
    if concept_ids:
        kept = session.get(SharedConcept, concept_ids[0])
        assert kept is not None
        for merged in concept_ids[1:]:
            for moved in session.scalars(select(ComparableLink).where(ComparableLink.concept_id == merged)):
                moved.concept_id = kept.id
    else:
        digest = hashlib.sha256(f"{pairs[0][0]}:{pairs[0][1]}|{pairs[1][0]}:{pairs[1][1]}".encode()).hexdigest()
        kept = SharedConcept(agency=agency, ddi_id=f"ddicat-shared-concept-{digest[:16]}", version="1",
                             label={k: v[:500] for k, v in label.items()}, created_by=actor.label)
        session.add(kept)
        session.flush()
    link.concept_id = kept.id
    session.flush()
    return kept


def comparable_confirm(
    *, session: Session, actor: Actor, urn: str, candidate_urn: str, default_agency: str,
    score: float | None = None, reasons: list[str] | None = None, label: LangText | None = None,
) -> ComparableLink:
    """Confirm that two variables of two cohorts are comparable; they then share a DDI concept."""
    require_account(actor)
    return _decide(session, actor, urn, candidate_urn, "confirmed", score=score, reasons=reasons or [],
                   default_agency=default_agency, label=label)


def comparable_reject(
    *, session: Session, actor: Actor, urn: str, candidate_urn: str, default_agency: str,
    score: float | None = None, reasons: list[str] | None = None,
) -> ComparableLink:
    """Record that a proposed candidate is not comparable: it is no longer proposed for this variable."""
    require_account(actor)
    return _decide(session, actor, urn, candidate_urn, "rejected", score=score, reasons=reasons or [],
                   default_agency=default_agency, label=None)


def judged_links(session: Session, pair: Pair) -> list[ComparableLink]:
    """Every confirmed or rejected link of a variable (any version of it)."""
    return _links_touching(session, [pair])


def other_side(link: ComparableLink, pair: Pair) -> tuple[Pair, str, int]:
    """The variable a link joins to `pair`: its (agency, id), the version judged, and its study id."""
    if (link.left_agency, link.left_ddi_id) == pair:
        return (link.right_agency, link.right_ddi_id), link.right_version, link.right_study_id
    return (link.left_agency, link.left_ddi_id), link.left_version, link.left_study_id


def shared_concepts_of(session: Session, pairs: list[Pair]) -> dict[int, SharedConcept]:
    """The shared concepts reached by the confirmed links of some variables, by id."""
    ids = {link.concept_id for link in _links_touching(session, pairs, status="confirmed") if link.concept_id}
    if not ids:
        return {}
    return {concept.id: concept for concept in session.scalars(select(SharedConcept).where(SharedConcept.id.in_(ids)))}


def concept_links(session: Session, concept_ids: list[int]) -> list[ComparableLink]:
    """The confirmed links of some shared concepts."""
    if not concept_ids:
        return []
    return list(session.scalars(
        select(ComparableLink).where(ComparableLink.concept_id.in_(concept_ids), ComparableLink.status == "confirmed")
        .order_by(ComparableLink.id)
    ))


def link_json(session: Session, link: ComparableLink, pair: Pair, viewer: Viewer) -> dict[str, Any] | None:
    """A judged link as seen from one of its variables: the other variable (its latest version the viewer
    sees), the judgement, and the shared concept; None when the other variable is not visible."""
    (agency, ddi_id), version, study_id = other_side(link, pair)
    row = latest_visible_version(session, agency, ddi_id, viewer)
    study = session.get(Study, study_id)
    if row is None or study is None:
        return None
    concept = session.get(SharedConcept, link.concept_id) if link.concept_id else None
    return {
        "urn": row.urn, "name": row.name, "label": dict(row.label), "study": study.slug,
        "judged_version": version, "status": link.status, "score": link.score, "reasons": list(link.reasons or []),
        "decided_by": link.decided_by, "decided_at": as_utc(link.decided_at).isoformat(timespec="seconds"),
        "concept": {"urn": make_urn(concept.agency, concept.ddi_id, concept.version), "label": dict(concept.label)}
        if concept else None,
    }


def comparable_links_context(session: Session, agency: str, ddi_id: str, viewer: Viewer) -> dict[str, Any]:
    """What a variable's page says of its judged links: confirmed (with their shared concept) and rejected."""
    pair = (agency.lower(), ddi_id)
    confirmed, rejected = [], []
    for link in judged_links(session, pair):
        data = link_json(session, link, pair, viewer)
        if data is not None:
            (confirmed if link.status == "confirmed" else rejected).append(data)
    return {"confirmed": confirmed, "rejected": rejected}
