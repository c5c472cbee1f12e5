"""Delivering the notification outbox over SMTP (the server is configured by the DDICAT_SMTP_* settings).

One row at a time, each in its own short transaction that locks it (PostgreSQL: `FOR UPDATE SKIP LOCKED`, so
two senders never send one mail twice; SQLite: the writer's lock), over one SMTP connection per run. A mail
the server refuses keeps its row with the reason and is tried again on the next run, up to
`notifications.MAX_ATTEMPTS` times; a server that cannot be reached fails the run without spending attempts.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import make_msgid

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from catalogue.errors import DdicatError
from catalogue.notifications import MAX_ATTEMPTS, Notification, outbox_pending
from catalogue.settings import Settings
from catalogue.store.db import transaction


class MailServerUnavailable(DdicatError):
    status = 503
    kind = "mail-unavailable"
    title = "Mail server unavailable"


@dataclass(slots=True)
class DeliveryReport:
    """What a run of the sender did: mails sent, mails refused (kept for a later run) and why."""

    sent: int = 0
    refused: int = 0
    errors: list[str] = field(default_factory=list)


def mail_message(row: Notification, sender: str) -> EmailMessage:
    """The outbox row as an RFC 5322 message, marked as automatic so that no one replies to a robot."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(row.recipients)
    message["Subject"] = row.subject
    message["Message-ID"] = make_msgid(idstring=f"ddicat-{row.id}", domain=sender.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(row.body)
    return message


def smtp_connection(settings: Settings) -> smtplib.SMTP:
    """A connection to the configured server, with STARTTLS and login when the settings ask for them."""
    if not settings.smtp_host:
        raise MailServerUnavailable("no mail server is configured: set DDICAT_SMTP_HOST (and DDICAT_SMTP_PORT)")
    try:
        client = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout)
        if settings.smtp_starttls:
            client.starttls(context=ssl.create_default_context())
        if settings.smtp_user:
            client.login(settings.smtp_user, settings.smtp_password or "")
    except (OSError, smtplib.SMTPException) as error:
        raise MailServerUnavailable(
            f"the mail server {settings.smtp_host}:{settings.smtp_port} cannot be used: {error}"
        ) from error
    return client


def outbox_deliver(*, sessions: sessionmaker[Session], settings: Settings, limit: int = 500) -> DeliveryReport:
    """Send the mails waiting in the outbox; MailServerUnavailable when the server cannot be reached."""
    report = DeliveryReport()
    with sessions() as session:
        waiting = [row.id for row in outbox_pending(session, limit=limit)]
    if not waiting:
        return report
    client = smtp_connection(settings)
    try:
        for row_id in waiting:
            _deliver_one(sessions, client, row_id, settings.smtp_from, report)
    finally:
        try:
            client.quit()
        except (OSError, smtplib.SMTPException):
            client.close()
    return report


def _deliver_one(
    sessions: sessionmaker[Session], client: smtplib.SMTP, row_id: int, sender: str, report: DeliveryReport
) -> None:
    with transaction(sessions) as session:
        row = session.scalar(
            select(Notification)
            .where(Notification.id == row_id, Notification.sent_at.is_(None), Notification.attempts < MAX_ATTEMPTS)
            .with_for_update(skip_locked=True)
        )
        if row is None:  # sent meanwhile by another sender
            return
        row.attempts += 1
        try:
            refused = client.send_message(mail_message(row, sender))
        except smtplib.SMTPServerDisconnected as error:
            raise MailServerUnavailable(f"the mail server closed the connection: {error}") from error
        except (smtplib.SMTPException, OSError) as error:
            row.last_error = str(error)[:2000]
            report.refused += 1
            report.errors.append(f"mail #{row.id}: {error}")
            return
        if refused:
            row.last_error = "; ".join(f"{address}: {code} {reason!r}" for address, (code, reason) in refused.items())
            report.errors.append(f"mail #{row.id}: some recipients refused ({row.last_error})")
        row.sent_at = datetime.now(UTC)
        report.sent += 1
