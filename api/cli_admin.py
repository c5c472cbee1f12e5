"""The operator's commands for cohort spaces: users, studies, tokens, the audit trail, and `upload`, the
cohort teams' client of a running catalogue.

The operator at the command line acts as the catalogue admin (`Actor.operator()`), through the same
services as the pages and the API: permission checks, audit events and index updates included.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from api.cli import runtime_of
from catalogue import accounts, workflow
from catalogue.accounts import ROLES, Actor
from catalogue.errors import DdicatError

OPERATOR = Actor.operator("cli")


def _write(ctx: click.Context, service: Any, **kwargs: Any) -> Any:
    from api.manage_api import write_through

    return write_through(runtime_of(ctx), service, actor=OPERATOR, **kwargs)


def _read(ctx: click.Context, service: Any, **kwargs: Any) -> Any:
    from api.manage_api import read_through

    return read_through(runtime_of(ctx), service, actor=OPERATOR, **kwargs)


@click.group("users")
def users_group() -> None:
    """Accounts and their roles on studies."""


@users_group.command("add")
@click.argument("email")
@click.option("--name", default="", help="The person's name, as shown to other members.")
@click.option("--admin", "is_admin", is_flag=True,
              help="A catalogue admin: creates studies and assigns managers.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
@click.pass_context
def users_add(ctx: click.Context, email: str, name: str, is_admin: bool, password_stdin: bool) -> None:
    """Create an account; the password is asked twice (or read from stdin) and stored as an argon2 hash."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    account = _write(ctx, accounts.account_create, email=email, password=password, name=name,
                     is_admin=is_admin)
    click.echo(f"Created {'admin ' if account.is_admin else ''}account {account.email}")


@users_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the accounts as JSON.")
@click.pass_context
def users_list(ctx: click.Context, as_json: bool) -> None:
    """List the accounts and their roles."""
    found = _read(ctx, accounts.account_list)
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    for account in found:
        roles = ", ".join(f"{slug}:{role}" for slug, role in account["roles"].items()) or "-"
        click.echo(f"{account['email']:<40} {'admin' if account['is_admin'] else '':<6} {roles}")


@users_group.command("grant")
@click.argument("email")
@click.option("--study", required=True, help="Handle of the study.")
@click.option("--role", required=True, type=click.Choice(ROLES), help="viewer, editor or manager.")
@click.pass_context
def users_grant(ctx: click.Context, email: str, study: str, role: str) -> None:
    """Give a person a role on a study (replacing the one they had)."""
    member = _write(ctx, accounts.member_grant, study_slug=study, email=email, role=role)
    click.echo(f"{member['email']} is {member['role']} of study {member['study']}")


@users_group.command("revoke")
@click.argument("email")
@click.option("--study", required=True, help="Handle of the study.")
@click.pass_context
def users_revoke(ctx: click.Context, email: str, study: str) -> None:
    """Take a person's role on a study away (their tokens for it are revoked too)."""
    _write(ctx, accounts.member_revoke, study_slug=study, email=email)
    click.echo(f"{email.strip().lower()} no longer has a role on study {study}")


@click.group("studies")
def studies_group() -> None:
    """Cohort spaces."""


@studies_group.command("create")
@click.argument("slug")
@click.option("--title-fr", default="", help="Title in French.")
@click.option("--title-en", default="", help="Title in English.")
@click.option("--agency", help="DDI agency of the study (default: <DDICAT_DEFAULT_AGENCY>.<slug>).")
@click.option("--manager", "manager_email", help="Email of the study's first manager.")
@click.pass_context
def studies_create(ctx: click.Context, slug: str, title_fr: str, title_en: str, agency: str | None,
                   manager_email: str | None) -> None:
    """Create an empty cohort space, ready for its team's uploads."""
    settings = runtime_of(ctx).settings
    created = _write(ctx, workflow.study_create, slug=slug, title={"fr": title_fr, "en": title_en},
                     agency=agency or f"{settings.default_agency}.{slug}", manager_email=manager_email)
    click.echo(f"Created study {created['slug']} (agency {created['agency']})"
               + (f", managed by {manager_email.strip().lower()}" if manager_email else ""))


@click.group("waves")
def waves_group() -> None:
    """Waves and what their sources do not say about them."""


@waves_group.command("describe")
@click.argument("study")
@click.argument("wave")
@click.option("--title-fr", default="", help="Title in French.")
@click.option("--title-en", default="", help="Title in English.")
@click.option("--start", "start_date", help="First day of data collection (YYYY-MM-DD).")
@click.option("--end", "end_date", help="Last day of data collection (YYYY-MM-DD).")
@click.option("--age-min-months", type=float, help="Youngest participants' age at the wave, in months.")
@click.option("--age-max-months", type=float, help="Oldest participants' age at the wave, in months.")
@click.pass_context
def waves_describe(ctx: click.Context, study: str, wave: str, title_fr: str, title_en: str,
                   start_date: str | None, end_date: str | None, age_min_months: float | None,
                   age_max_months: float | None) -> None:
    """Give a wave its title, dates and participants' age (REDCap, SPSS and codebook files carry none)."""
    done = _write(ctx, workflow.wave_describe, study_slug=study, wave_name=wave,
                  title={"fr": title_fr, "en": title_en}, start_date=start_date, end_date=end_date,
                  age_min_months=age_min_months, age_max_months=age_max_months)
    changed = ", ".join(done["changed"]) or "nothing"
    click.echo(f"Wave {done['wave']} of {done['study']}: {changed} updated")


@click.group("tokens")
def tokens_group() -> None:
    """API tokens for the scripts and CI of cohort teams."""


@tokens_group.command("create")
@click.option("--user", "email", required=True, help="Whose token it is.")
@click.option("--study", required=True, help="The one study the token acts on.")
@click.option("--role", required=True, type=click.Choice(ROLES), help="No higher than the user's role.")
@click.option("--days", default=90, show_default=True, help="Days before it expires.")
@click.option("--name", default="", help="What it is for, e.g. ci-upload.")
@click.pass_context
def tokens_create(ctx: click.Context, email: str, study: str, role: str, days: int, name: str) -> None:
    """Create a token and print its secret, once: only its SHA-256 is kept."""
    token, secret = _write(ctx, accounts.token_create, study_slug=study, role=role, name=name, days=days,
                           owner_email=email)
    click.echo(f"Token {token['id']} for {token['owner']} on study {token['study']} as {token['role']}, "
               f"expires {token['expires_at'][:10]}. Its secret, shown this once:", err=True)
    click.echo(secret)


@tokens_group.command("revoke")
@click.argument("token_id", type=int)
@click.pass_context
def tokens_revoke(ctx: click.Context, token_id: int) -> None:
    """Revoke a token at once."""
    token = _write(ctx, accounts.token_revoke, token_id=token_id)
    click.echo(f"Token {token['id']} ({token['prefix']}…) of {token['owner']} is revoked")


@click.group("audit")
def audit_group() -> None:
    """The hash-chained audit trail."""


@audit_group.command("verify")
@click.option("--file", "export", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Verify a full JSON-lines export instead of the database.")
@click.pass_context
def audit_verify(ctx: click.Context, export: Path | None) -> None:
    """Check that no audit event was altered, removed or reordered; name the first broken link."""
    from catalogue.audit import chain_verify, export_verify

    if export is not None:
        with export.open(encoding="utf-8") as handle:
            report = export_verify(handle)
    else:
        with runtime_of(ctx).sessions() as session:
            report = chain_verify(session)
    if report.broken is not None:
        raise DdicatError(f"the audit chain is broken at event #{report.broken.seq} ({report.broken.kind}): "
                          f"{report.broken.message}")
    click.echo(f"The audit chain of {report.events:,} events is intact; "
               f"head #{report.head_seq} {report.head_hash}")


@audit_group.command("export")
@click.option("--study", help="Only this study's events (a part of the chain: verify a full export instead).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: stdout).")
@click.pass_context
def audit_export(ctx: click.Context, study: str | None, output: Path | None) -> None:
    """Write the audit events as JSON lines, in chain order."""
    lines = (_read(ctx, workflow.study_events_export, study_slug=study) if study
             else _read(ctx, workflow.catalogue_events_export))
    if output is None:
        sys.stdout.write("".join(lines))
    else:
        output.write_text("".join(lines), encoding="utf-8")
        click.echo(f"Wrote {len(lines):,} events to {output}", err=True)


@click.command("upload")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--study", required=True, help="Handle of the study.")
@click.option("--server", required=True,
              help="Address of the running catalogue, e.g. https://catalogue.example.org")
@click.option("--token", envvar="DDICAT_TOKEN", required=True,
              help="An API token with the editor role on the study (or the variable DDICAT_TOKEN).")
@click.option("--wave", help="Import the file as this wave of the study.")
@click.option("--format", "source_format", help="Source format, when detection by content is not enough.")
@click.option("--lenient", is_flag=True, help="Take what can be read from a file that fails its XSD.")
@click.option("--json", "as_json", is_flag=True, help="Print the server's answer as JSON.")
def upload_command(file: Path, study: str, server: str, token: str, wave: str | None,
                   source_format: str | None, lenient: bool, as_json: bool) -> None:
    """Upload FILE into a study's draft on a running catalogue and print its validation report."""
    import httpx

    base = server.rstrip("/")
    headers = {"Authorization": f"Bearer {token.strip()}", "Accept": "application/json"}
    try:
        timeout = httpx.Timeout(900.0, connect=15.0)
        with httpx.Client(base_url=base, headers=headers, timeout=timeout) as client:
            answer = client.get(f"/api/v1/studies/{study}/uploads")
            if answer.status_code != 200:
                raise _problem(answer)
            limit = int(answer.json().get("max_upload_bytes") or 0)
            size = file.stat().st_size
            if limit and size > limit:
                raise DdicatError(f"{file.name}: {size:,} bytes is more than the {limit:,} bytes the "
                                  "server accepts")
            data = {k: v for k, v in (("wave", wave), ("format", source_format),
                                      ("lenient", "true" if lenient else None)) if v}
            with file.open("rb") as handle:
                answer = client.post(f"/api/v1/studies/{study}/uploads", data=data,
                                     files={"file": (file.name, handle, "application/octet-stream")})
    except httpx.HTTPError as error:
        raise DdicatError(f"could not reach {base}: {error}") from error
    if answer.status_code != 201:
        raise _problem(answer)
    report = answer.json()
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    source = report["source"]
    click.echo(f"Uploaded {source['name']} ({source['format']}, SHA-256 {source['sha256'][:16]}…) into the "
               f"draft of study {report['study']!r}: release {report['release']} ({report['status']})")
    if report.get("waves"):
        click.echo(f"  waves: {', '.join(report['waves'])}")
    for item_type, count in report.get("counts", {}).items():
        click.echo(f"  {item_type:<18} {count:>8,}")
    click.echo(f"  new item versions: {report['new_items']:,}; unchanged: {report['unchanged_items']:,}")
    warnings = [p for p in report.get("problems", []) if p.get("severity") == "warning"]
    for problem in warnings:
        click.echo(f"  warning: {_located(problem)}")
    click.echo("A manager publishes the draft once reviewed (the study's space, or POST .../draft/publish).")


def _problem(answer: Any) -> DdicatError:
    """The server's RFC 9457 problem as one error, with each located problem on its own line."""
    try:
        body = answer.json()
    except ValueError:
        return DdicatError(f"the server answered {answer.status_code}: {answer.text[:200]}")
    lines = [f"{body.get('title', 'error')} ({answer.status_code}): {body.get('detail', '')}"]
    for problem in (body.get("problems") or [])[1:21]:
        if isinstance(problem, dict) and problem.get("severity") == "error":
            lines.append(f"  - {_located(problem)}")
    return DdicatError("\n".join(lines))


def _located(problem: dict[str, Any]) -> str:
    location = problem.get("location") or {}
    where = ", ".join(f"{k} {v}" for k, v in location.items() if k != "file")
    return f"{location.get('file', '')}{' (' + where + ')' if where else ''}: {problem.get('message', '')}"


def register(main: click.Group) -> None:
    """Add the cohort-space commands to `ddicat`."""
    for command in (users_group, studies_group, waves_group, tokens_group, audit_group, upload_command):
        main.add_command(command)
