"""The audit trail: every write leaves its event in its own transaction, and `ddicat audit verify` finds
any altered, removed, reordered or added event, naming the first broken link."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from cohort_spaces import FIXTURES, OPERATOR, Browser, actor, cohort_document, signed_in, upload
from sqlalchemy import text

from api.cli import main
from api.manage_api import read_through, write_through
from catalogue import accounts, workflow
from catalogue.audit import GENESIS, chain_verify, export_verify
from catalogue.errors import Conflict, InvalidInput, PermissionDenied
from catalogue.imports import Source


def verify(runtime: Any) -> Any:
    with runtime.sessions() as session:
        return chain_verify(session)


def run_cli(runtime: Any, *args: str) -> Any:
    return CliRunner().invoke(main, list(args), obj={"settings": runtime.settings})


def tamper(runtime: Any, *statements: str) -> None:
    with runtime.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))


def actions(runtime: Any) -> list[tuple[str, str | None, str]]:
    events = read_through(runtime, workflow.catalogue_events, actor=OPERATOR, limit=1000)
    return [(e["action"], e["study"], e["actor"]) for e in reversed(events)]


def test_every_write_leaves_one_event_and_a_refused_one_none(spaces: Any, app: Any) -> None:
    runtime = spaces.runtime
    seen = actions(runtime)
    assert ("account.create", None, "tests") in seen and ("study.create", "gamma", "tests") in seen
    assert ("member.grant", "alpha", "tests") in seen and (
        "token.create",
        "beta",
        "manager.beta@cohorte.test",
    ) in seen
    assert ("upload", "alpha", "editor.alpha@cohorte.test") in seen and (
        "publish",
        "alpha",
        "manager.alpha@cohorte.test",
    ) in seen
    upload_event = next(
        e
        for e in read_through(runtime, workflow.study_events, actor=OPERATOR, study_slug="alpha")
        if e["action"] == "upload" and e["detail"]["file"] == "alpha-v2.xml"
    )
    assert len(upload_event["detail"]["sha256"]) == 64 and upload_event["detail"]["release"] == 2
    assert "urn:ddi:fr.ddicat.alpha:alpha-v-n-poids:1" in upload_event["items"]

    head = verify(runtime).head_seq
    with pytest.raises(InvalidInput):
        upload(
            runtime,
            actor(runtime, "editor_a"),
            "alpha",
            "alpha-broken.xml",
            (FIXTURES / "alpha-broken.xml").read_bytes(),
        )
    assert verify(runtime).head_seq == head  # a refused write leaves no event

    stranger = Browser(app)
    assert stranger.sign_in("manager.alpha@cohorte.test", "not the password").status_code == 401
    manager = signed_in(app, "manager_a")
    headers = manager.write_headers()
    manager.client.post(
        "/api/v1/studies/alpha/members",
        json={"email": "newcomer@cohorte.test", "role": "editor"},
        headers=headers,
    )
    manager.client.delete("/api/v1/studies/alpha/members/newcomer@cohorte.test", headers=headers)
    manager.client.post("/api/v1/studies/alpha/draft/discard", headers=headers)
    manager.client.post("/api/v1/studies/alpha/releases/1/rollback", headers=headers)  # 409: 1 is published
    manager.client.delete(f"/api/v1/studies/alpha/tokens/{spaces.tokens['manager_a'][1]}", headers=headers)
    manager.client.post("/logout", data={"csrf_token": manager.csrf})
    tail = actions(runtime)[-7:]
    assert [a for a, _s, _w in tail] == [
        "login.failed",
        "login",
        "member.grant",
        "member.revoke",
        "discard",
        "token.revoke",
        "logout",
    ]
    assert verify(runtime).intact


def test_managers_see_their_study_and_the_admin_everything(spaces: Any, app: Any) -> None:
    manager = signed_in(app, "manager_b")
    events = manager.client.get("/api/v1/studies/beta/audit", params={"limit": 1000}).json()["events"]
    assert events and {e["study"] for e in events} == {"beta"}
    lines = manager.client.get("/api/v1/studies/beta/audit", params={"format": "jsonl"})
    assert lines.headers["content-type"].startswith("application/x-ndjson")
    exported = [json.loads(line) for line in lines.text.splitlines()]
    assert [e["seq"] for e in exported] == sorted(e["seq"] for e in events)
    admin = signed_in(app, "admin")
    everything = admin.client.get("/api/v1/audit", params={"format": "jsonl"}).text.splitlines()
    assert export_verify(everything).intact and len(everything) == verify(spaces.runtime).head_seq


def test_an_untouched_chain_verifies(spaces: Any) -> None:
    report = verify(spaces.runtime)
    assert report.intact and report.events == report.head_seq > 20 and report.head_hash != GENESIS
    answer = run_cli(spaces.runtime, "audit", "verify")
    assert answer.exit_code == 0 and "is intact" in answer.output, answer.output


TAMPERING = {
    "altered": (["UPDATE audit_event SET actor = 'someone.else@example.org' WHERE seq = 7"], 7, "altered"),
    "removed": (["DELETE FROM audit_event WHERE seq = 7"], 7, "removed"),
    "removed and renumbered": (
        [
            "DELETE FROM audit_event WHERE seq = 7",
            "UPDATE audit_event SET seq = seq + 100000 WHERE seq > 7",
            "UPDATE audit_event SET seq = seq - 100001 WHERE seq > 100000",
            "UPDATE audit_head SET seq = seq - 1",
        ],
        7,
        "removed",
    ),
    "reordered": (
        [
            "UPDATE audit_event SET seq = -1 WHERE seq = 7",
            "UPDATE audit_event SET seq = 7 WHERE seq = 8",
            "UPDATE audit_event SET seq = 8 WHERE seq = -1",
        ],
        7,
        "reordered",
    ),
    "last removed": (["DELETE FROM audit_event WHERE seq = (SELECT seq FROM audit_head)"], None, "removed"),
}


@pytest.mark.parametrize("kind", TAMPERING)
def test_verify_names_the_first_broken_link(spaces: Any, kind: str) -> None:
    runtime = spaces.runtime
    statements, seq, breakage = TAMPERING[kind]
    last = verify(runtime).head_seq
    tamper(runtime, *statements)
    report = verify(runtime)
    assert report.broken is not None and report.broken.kind == breakage, report
    assert report.broken.seq == (seq if seq is not None else last)
    answer = run_cli(runtime, "audit", "verify")
    assert answer.exit_code == 1
    assert f"broken at event #{report.broken.seq} ({breakage})" in answer.output, answer.output


def test_an_event_written_around_the_trail_is_found(spaces: Any) -> None:
    runtime = spaces.runtime
    report = verify(runtime)
    tamper(
        runtime,
        "INSERT INTO audit_event (seq, at, actor, action, items, detail, prev_hash, hash) VALUES "
        f"({report.head_seq + 1}, '2030-01-01T00:00:00+00:00', 'intruder', 'publish', '[]', '{{}}', "
        f"'{report.head_hash}', '{'f' * 64}')",
    )
    broken = verify(runtime).broken
    assert broken is not None and broken.seq == report.head_seq + 1 and broken.kind == "altered"


def test_an_export_verifies_and_an_edited_export_does_not(spaces: Any, tmp_path: Path) -> None:
    runtime = spaces.runtime
    export = tmp_path / "audit.jsonl"
    answer = run_cli(runtime, "audit", "export", "-o", str(export))
    assert answer.exit_code == 0, answer.output
    assert run_cli(runtime, "audit", "verify", "--file", str(export)).exit_code == 0
    lines = export.read_text(encoding="utf-8").splitlines()
    event = json.loads(lines[4])
    event["detail"]["role"] = "manager"
    lines[4] = json.dumps(event)
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    answer = run_cli(runtime, "audit", "verify", "--file", str(export))
    assert answer.exit_code == 1 and "event #5 (altered)" in answer.output, answer.output
    study_only = run_cli(runtime, "audit", "export", "--study", "beta")
    assert study_only.exit_code == 0 and {
        json.loads(line)["study"] for line in study_only.output.splitlines()
    } == {"beta"}


def test_a_failed_sign_in_is_recorded_even_though_it_is_refused(spaces: Any) -> None:
    runtime = spaces.runtime
    result = write_through(
        runtime,
        accounts.login_attempt,
        email="viewer.alpha@cohorte.test",
        password="wrong",
        client="192.0.2.7",
    )
    assert isinstance(result.refusal, Exception)
    event = read_through(runtime, workflow.catalogue_events, actor=OPERATOR, limit=1)[0]
    assert (event["action"], event["actor"], event["detail"]) == (
        "login.failed",
        "viewer.alpha@cohorte.test",
        {"client": "192.0.2.7", "reason": "wrong password"},
    )


def test_the_operators_direct_import_is_audited_and_refused_while_a_draft_waits(spaces: Any) -> None:
    runtime = spaces.runtime
    options = {"schemas": runtime.schemas, "default_agency": "fr.ddicat", "max_bytes": 10**7}
    source = Source("zeta-v1.xml", cohort_document(1, "zeta"))
    report = write_through(
        runtime, workflow.release_import, actor=OPERATOR, study_slug="zeta", source=source, **options
    )
    assert report.status == "published"
    event = read_through(runtime, workflow.catalogue_events, actor=OPERATOR, limit=1)[0]
    assert (event["action"], event["study"], event["actor"]) == ("import", "zeta", "tests")
    assert event["detail"]["sha256"] == source.sha256 and event["detail"]["release"] == 1
    head = verify(runtime).head_seq
    with pytest.raises(Conflict, match="draft under review"):
        write_through(
            runtime,
            workflow.release_import,
            actor=OPERATOR,
            study_slug="alpha",
            source=Source("alpha-v1.xml", cohort_document(1)),
            **options,
        )
    with pytest.raises(PermissionDenied):
        write_through(
            runtime,
            workflow.release_import,
            actor=actor(runtime, "manager_b"),
            study_slug="zeta",
            source=source,
            **options,
        )
    assert verify(runtime).head_seq == head
