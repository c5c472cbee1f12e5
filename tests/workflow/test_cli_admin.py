"""The operator's commands: users, studies, tokens and the audit trail, through the same services (and the
same audit events) as the pages and the API."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from click.testing import CliRunner
from cohort_spaces import OPERATOR, Browser, email_of
from sqlalchemy import select

from api.cli import main
from api.manage_api import read_through
from catalogue import workflow
from catalogue.accounts import ApiToken


def ddicat(spaces: Any, *args: str, stdin: str | None = None) -> Any:
    return CliRunner().invoke(main, list(args), input=stdin, obj={"settings": spaces.runtime.settings})


def test_the_operator_creates_people_and_a_study_and_hands_out_a_token(spaces: Any, app: Any) -> None:
    answer = ddicat(
        spaces,
        "users",
        "add",
        "Chercheuse@Inserm.test",
        "--name",
        "Chercheuse",
        "--password-stdin",
        stdin="un mot de passe solide\n",
    )
    assert answer.exit_code == 0 and "Created account chercheuse@inserm.test" in answer.output, answer.output
    weak = ddicat(spaces, "users", "add", "weak@inserm.test", "--password-stdin", stdin="short\n")
    assert weak.exit_code == 1 and "at least 10 characters" in weak.output
    prompted = ddicat(
        spaces,
        "users",
        "add",
        "second@inserm.test",
        "--admin",
        stdin="une autre phrase longue\nune autre phrase longue\n",
    )
    assert prompted.exit_code == 0 and "Created admin account second@inserm.test" in prompted.output
    duplicate = ddicat(
        spaces, "users", "add", "chercheuse@inserm.test", "--password-stdin", stdin="x" * 12 + "\n"
    )
    assert duplicate.exit_code == 1 and duplicate.output.startswith("ddicat: error: an account")

    created = ddicat(
        spaces,
        "studies",
        "create",
        "epsilon",
        "--title-fr",
        "Cohorte Epsilon",
        "--title-en",
        "Epsilon cohort",
        "--manager",
        "chercheuse@inserm.test",
    )
    assert created.exit_code == 0 and "agency fr.ddicat.epsilon" in created.output, created.output
    granted = ddicat(spaces, "users", "grant", email_of("newcomer"), "--study", "epsilon", "--role", "editor")
    assert granted.exit_code == 0 and "is editor of study epsilon" in granted.output
    listed = json.loads(ddicat(spaces, "users", "list", "--json").output)
    roles = {a["email"]: a["roles"] for a in listed}
    assert roles["chercheuse@inserm.test"] == {"epsilon": "manager"} and roles[email_of("newcomer")] == {
        "epsilon": "editor"
    }

    made = ddicat(
        spaces,
        "tokens",
        "create",
        "--user",
        email_of("newcomer"),
        "--study",
        "epsilon",
        "--role",
        "editor",
        "--days",
        "7",
        "--name",
        "ci",
    )
    assert made.exit_code == 0, made.output
    secret = made.stdout.strip().splitlines()[-1]
    assert secret.startswith("ddicat_")
    with spaces.runtime.sessions() as session:
        token = session.scalar(select(ApiToken).where(ApiToken.name == "ci"))
    assert token is not None and token.secret_sha256 == hashlib.sha256(secret.encode()).hexdigest()
    script = Browser(app, token=secret).client
    assert script.get("/api/v1/studies/epsilon/uploads").status_code == 200
    too_high = ddicat(
        spaces, "tokens", "create", "--user", email_of("newcomer"), "--study", "epsilon", "--role", "manager"
    )
    assert too_high.exit_code == 1 and "more than its owner's role" in too_high.output
    revoked = ddicat(spaces, "tokens", "revoke", str(token.id))
    assert revoked.exit_code == 0 and script.get("/api/v1/studies/epsilon/uploads").status_code == 401
    removed = ddicat(spaces, "users", "revoke", email_of("newcomer"), "--study", "epsilon")
    assert removed.exit_code == 0
    unknown = ddicat(spaces, "users", "grant", "nobody@inserm.test", "--study", "epsilon", "--role", "viewer")
    assert unknown.exit_code == 1 and "no account" in unknown.output

    events = read_through(spaces.runtime, workflow.study_events, actor=OPERATOR, study_slug="epsilon")
    assert [e["action"] for e in reversed(events)] == [
        "study.create",
        "member.grant",
        "member.grant",
        "token.create",
        "token.revoke",
        "member.revoke",
    ]
    assert {e["actor"] for e in events} == {"cli"}
