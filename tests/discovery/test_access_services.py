"""The access-request services and the mail sender on each database (SQLite, and PostgreSQL when the test
server is given): parts per study, the status machine, the outbox delivered once over real SMTP."""

from __future__ import annotations

from pathlib import Path

import pytest
from discovery_catalogue import make_account
from smtp_server import SmtpServer

from catalogue import access_requests
from catalogue.accounts import Actor, account_by_email, actor_of
from catalogue.errors import Conflict, NotFound, PermissionDenied
from catalogue.mail import outbox_deliver
from catalogue.notifications import outbox_pending
from catalogue.store.db import transaction


def actor(runtime, email: str) -> Actor:
    with runtime.sessions() as session:
        account = account_by_email(session, email)
        assert account is not None
        return actor_of(session, account, via="session")


def two_studies(runtime, fixtures_dir: Path) -> dict[str, list[str]]:
    from catalogue.imports import Source
    from catalogue.store.reads import Viewer, load_snapshot, study_by_slug, visible_release

    urns = {}
    for study, wave in (("soleil", "6m"), ("lune", "12m")):
        source = Source.from_path(fixtures_dir / "discovery" / f"soleil-{wave}.csv", max_bytes=10_000_000)
        runtime.import_file(source, study=study, wave=wave)
        with runtime.sessions() as session:
            snapshot = load_snapshot(session, visible_release(session, study_by_slug(session, study), Viewer.public()))
            urns[study] = sorted(item.urn for item in snapshot.members("Variable"))
    return urns


def test_parts_statuses_and_one_delivery_of_each_mail(runtime, fixtures_dir: Path) -> None:
    urns = two_studies(runtime, fixtures_dir)
    make_account(runtime, "r@lab.test")
    make_account(runtime, "m@soleil.test", roles={"soleil": "manager"})
    make_account(runtime, "m@lune.test", roles={"lune": "manager"})
    researcher, soleil, lune = (actor(runtime, e) for e in ("r@lab.test", "m@soleil.test", "m@lune.test"))
    with transaction(runtime.sessions) as session:
        request = access_requests.access_request_submit(
            session=session, actor=researcher, title="T", summary="S", institution="I", intended_use="U",
            snds_linkage=False, variables=urns["soleil"] + urns["lune"][:1])
        request_id = request.id
    with runtime.sessions() as session:
        parts = {p["study"]: p["id"] for p in access_requests.access_inbox(session=session, actor=soleil)}
        assert set(parts) == {"soleil"}
        lune_part = access_requests.access_inbox(session=session, actor=lune)[0]["id"]
        with pytest.raises(NotFound):
            access_requests.access_part_view(session=session, actor=soleil, part_id=lune_part)
        whole = access_requests.access_request_view(session=session, actor=researcher, request_id=request_id)
        assert [len(p["variables"]) for p in whole["parts"]] == [1, len(urns["soleil"])]  # lune, soleil
    steps = [(soleil, parts["soleil"], "review", ""), (soleil, parts["soleil"], "approve", ""),
             (lune, lune_part, "review", ""), (lune, lune_part, "request_information", "Why?"),
             (researcher, lune_part, "withdraw", "")]
    for who, part, action, message in steps:
        with transaction(runtime.sessions) as session:
            access_requests.access_part_act(session=session, actor=who, part_id=part, action=action, message=message)
    for who, part, action, error in ((soleil, parts["soleil"], "reject", Conflict),
                                     (researcher, parts["soleil"], "approve", PermissionDenied),
                                     (lune, parts["soleil"], "review", NotFound)):
        with pytest.raises(error), transaction(runtime.sessions) as session:
            access_requests.access_part_act(session=session, actor=who, part_id=part, action=action, message="x")
    with runtime.sessions() as session:
        assert len(outbox_pending(session)) == 7  # 2 submissions + 5 steps
    with SmtpServer() as server:
        settings = runtime.settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": server.port})
        first = outbox_deliver(sessions=runtime.sessions, settings=settings)
        second = outbox_deliver(sessions=runtime.sessions, settings=settings)
        received = server.mailbox.take()
    assert (first.sent, second.sent) == (7, 0)
    assert [m.recipients for m in received] == [("m@lune.test",), ("m@soleil.test",), ("r@lab.test",),
                                                ("r@lab.test",), ("r@lab.test",), ("r@lab.test",), ("m@lune.test",)]
