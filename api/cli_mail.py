"""`ddicat mail`: the notification outbox, seen and delivered from the command line (the same services as
the server's delivery after each access-request change)."""

from __future__ import annotations

import json
import time

import click

from catalogue.mail import outbox_deliver
from catalogue.notifications import outbox_pending


@click.group("mail")
def mail() -> None:
    """The notification outbox (access requests): what waits, and sending it."""


@mail.command("outbox")
@click.option("--json", "as_json", is_flag=True, help="Print the waiting mails as JSON.")
@click.pass_context
def mail_outbox(ctx: click.Context, as_json: bool) -> None:
    """List the mails waiting to be sent."""
    from api.cli import runtime_of

    runtime = runtime_of(ctx)
    with runtime.sessions() as session:
        waiting = [
            {"id": row.id, "kind": row.kind, "to": list(row.recipients), "subject": row.subject,
             "attempts": row.attempts, "last_error": row.last_error}
            for row in outbox_pending(session, limit=10_000)
        ]
    if as_json:
        click.echo(json.dumps(waiting, ensure_ascii=False, indent=2))
        return
    for row in waiting:
        retry = f" (attempts: {row['attempts']}; {row['last_error']})" if row["attempts"] else ""
        click.echo(f"#{row['id']} {row['kind']} → {', '.join(row['to'])}: {row['subject']}{retry}")
    click.echo(f"{len(waiting)} mail{'s' if len(waiting) != 1 else ''} waiting")


@mail.command("send")
@click.option("--every", type=click.FloatRange(min=1), help="Keep running, sending every SECONDS.")
@click.pass_context
def mail_send(ctx: click.Context, every: float | None) -> None:
    """Send the waiting mails through the DDICAT_SMTP_* server; exit 1 when it cannot be reached."""
    from api.cli import runtime_of

    runtime = runtime_of(ctx)
    while True:
        report = outbox_deliver(sessions=runtime.sessions, settings=runtime.settings)
        click.echo(f"Sent {report.sent} mail{'s' if report.sent != 1 else ''}"
                   + (f"; {report.refused} refused, kept for the next run" if report.refused else ""))
        for problem in report.errors:
            click.echo(f"  - {problem}", err=True)
        if every is None:
            return
        time.sleep(every)


def register(main: click.Group) -> None:
    main.add_command(mail)
