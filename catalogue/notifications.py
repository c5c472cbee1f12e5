"""The notification outbox: mail to send, written in the transaction of the change it tells about.

A change that must reach someone (an access request submitted, answered, approved...) adds its mails here in
its own transaction, so that a change that fails sends nothing and a change that commits is never lost. A
sender (`catalogue.mail`) delivers the rows later and marks them sent; one that fails keeps its row, its
attempt count and the reason, for the next run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from datetime import datetime

from sqlalchemy import Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from catalogue.store.tables import Base, utcnow

MAX_ATTEMPTS = 8


class Notification(Base):
    """One mail waiting in the outbox (or sent): its recipients, subject, text, and how delivery went."""

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(64))
    recipients: Mapped[list[Any]] = mapped_column(default=list)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    access_part_id: Mapped[int | None] = mapped_column(Integer, index=True)  # what it tells about, if a part
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


@dataclass(frozen=True, slots=True)
class Mail:
    """A mail as a service composes it, before it is queued."""

    kind: str
    recipients: tuple[str, ...]
    subject: str
    body: str


def notification_enqueue(session: Session, mail: Mail, *, access_part_id: int | None = None) -> Notification | None:
    """Queue one mail in the caller's transaction (nothing when it has no recipient)."""
    recipients = sorted({address.strip().lower() for address in mail.recipients if address and address.strip()})
    if not recipients:
        return None
    row = Notification(kind=mail.kind, recipients=recipients, subject=mail.subject[:300], body=mail.body,
                       access_part_id=access_part_id, attempts=0)
    session.add(row)
    session.flush()
    return row


def outbox_pending(session: Session, *, limit: int = 100) -> list[Notification]:
    """Mails not sent yet and not given up on, oldest first."""
    query = (select(Notification).where(Notification.sent_at.is_(None), Notification.attempts < MAX_ATTEMPTS)
             .order_by(Notification.id).limit(limit))
    return list(session.scalars(query))


def notifications_of_part(session: Session, part_ids: Iterable[int]) -> list[Notification]:
    """Every mail queued about some access request parts, oldest first."""
    ids = list(part_ids)
    if not ids:
        return []
    query = select(Notification).where(Notification.access_part_id.in_(ids)).order_by(Notification.id)
    return list(session.scalars(query))
