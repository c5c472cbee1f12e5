"""People and their rights over HTTP: argon2 passwords, session cookies, CSRF, sign-in throttling, roles
and API tokens."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

from cohort_spaces import PASSWORD, Browser, email_of, fingerprint, form_token, signed_in
from sqlalchemy import select, text, update

from catalogue.accounts import (
    MAX_FAILURES_PER_ACCOUNT,
    MAX_FAILURES_PER_CLIENT,
    Account,
    ApiToken,
    BrowserSession,
)


def test_passwords_are_kept_as_argon2_hashes_only(spaces: Any) -> None:
    with spaces.runtime.sessions() as session:
        stored = session.scalar(select(Account.password_hash).where(Account.email == email_of("editor_a")))
    assert stored is not None and stored.startswith("$argon2id$") and PASSWORD not in stored


def test_a_session_cookie_is_secure_httponly_samesite_and_kept_hashed(spaces: Any, app: Any) -> None:
    browser = Browser(app)
    answer = browser.sign_in(email_of("viewer_a"))
    assert answer.status_code == 303 and answer.headers["location"] == "/account"
    cookie = next(h for h in answer.headers.get_list("set-cookie") if h.startswith("ddicat_session="))
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"secure", "httponly", "samesite"} <= attributes and "samesite=lax" in cookie.lower()
    secret = browser.client.cookies["ddicat_session"]
    with spaces.runtime.sessions() as session:
        stored = session.scalars(select(BrowserSession.secret_sha256)).all()
    assert hashlib.sha256(secret.encode()).hexdigest() in stored and secret not in stored
    assert browser.client.get("/api/v1/me").json()["email"] == email_of("viewer_a")

    assert browser.client.post("/logout", data={"csrf_token": browser.csrf}).status_code == 303
    assert browser.client.get("/api/v1/me").status_code == 401  # the server forgot the session
    replay = Browser(app)
    replay.client.cookies.set("ddicat_session", secret, domain="testserver")
    assert replay.client.get("/api/v1/me").status_code == 401


def test_every_form_and_cookie_write_needs_its_csrf_token(spaces: Any, app: Any) -> None:
    manager = signed_in(app, "manager_a")
    before = fingerprint(spaces.runtime)
    refused = [
        manager.client.post("/api/v1/studies/alpha/draft/publish"),
        manager.client.post("/api/v1/studies/alpha/draft/publish", headers={"X-CSRF-Token": "forged"}),
        manager.client.post(
            "/studies/alpha/manage/publish", data={"draft": "2"}, headers={"Accept": "text/html"}
        ),
        manager.client.post(
            "/studies/alpha/manage/members",
            data={"email": email_of("newcomer"), "role": "viewer", "csrf_token": "forged"},
        ),
        manager.client.post("/logout"),
    ]
    assert [a.status_code for a in refused] == [403] * 5
    assert "CSRF" in refused[0].json()["detail"] and "<html" in refused[2].text
    assert fingerprint(spaces.runtime) == before
    # The sign-in form has its own token, bound to a cookie of the browser that loaded the form.
    other = Browser(app)
    page = other.client.get("/login")
    stranger = Browser(app)
    forged = stranger.client.post(
        "/login",
        data={"email": email_of("viewer_a"), "password": PASSWORD, "csrf_token": form_token(page.text)},
    )
    assert forged.status_code == 403
    # A script's bearer token needs no CSRF token: no browser sends that header by itself.
    secret, _id = spaces.tokens["manager_a"]
    assert Browser(app, token=secret).client.post("/api/v1/studies/alpha/draft/publish").status_code == 200


def test_repeated_failures_throttle_sign_in_even_with_the_right_password(spaces: Any, app: Any) -> None:
    browser = Browser(app)
    for _ in range(MAX_FAILURES_PER_ACCOUNT):
        assert browser.sign_in(email_of("editor_a"), "wrong password!").status_code == 401
    answer = browser.sign_in(email_of("editor_a"))
    assert answer.status_code == 429
    assert 0 < int(answer.headers["retry-after"]) <= 15 * 60
    assert "too many failed sign-ins for this account" in answer.text
    assert "ddicat_session" not in browser.client.cookies
    # Others still sign in; the address is throttled only after more failures.
    assert Browser(app).sign_in(email_of("viewer_a")).status_code == 303
    for index in range(MAX_FAILURES_PER_CLIENT - MAX_FAILURES_PER_ACCOUNT):
        Browser(app).sign_in(f"nobody{index}@cohorte.test", "whatever it is")
    blocked = Browser(app).sign_in(email_of("manager_b"))
    assert blocked.status_code == 429 and "from your address" in blocked.text
    with spaces.runtime.engine.begin() as connection:  # once the window has passed, sign-in works again
        connection.execute(
            text("UPDATE login_failure SET at = :old"), {"old": datetime.now(UTC) - timedelta(hours=1)}
        )
    assert Browser(app).sign_in(email_of("editor_a")).status_code == 303


def test_tokens_are_shown_once_kept_hashed_and_limited_to_the_owners_role(spaces: Any, app: Any) -> None:
    editor = signed_in(app, "editor_a")
    page = editor.client.get("/account")
    created = editor.client.post(
        "/account/tokens",
        data={
            "study": "alpha",
            "role": "editor",
            "name": "ci-upload",
            "days": "30",
            "csrf_token": form_token(page.text),
        },
    )
    assert created.status_code == 201
    secret = created.text.split('<code id="new-token">')[1].split("</code>")[0]
    assert secret.startswith("ddicat_") and len(secret) > 40
    assert secret not in editor.client.get("/account").text
    with spaces.runtime.sessions() as session:
        token = session.scalar(select(ApiToken).where(ApiToken.name == "ci-upload"))
        assert token is not None and token.secret_sha256 == hashlib.sha256(secret.encode()).hexdigest()
        assert token.prefix == secret[: len(token.prefix)]
    assert token.prefix in editor.client.get("/account").text  # only the prefix is shown again
    script = Browser(app, token=secret).client
    me = script.get("/api/v1/me").json()
    assert (me["email"], me["via"], me["token_id"], me["csrf_token"]) == (
        email_of("editor_a"),
        "token",
        token.id,
        None,
    )
    assert [(s["slug"], s["role"]) for s in me["studies"]] == [("alpha", "editor")]
    assert script.get("/api/v1/studies/alpha/draft").status_code == 200
    assert script.get("/api/v1/studies/beta/draft").status_code == 404  # one study per token

    headers = editor.write_headers()
    too_high = editor.client.post("/api/v1/studies/alpha/tokens", json={"role": "manager"}, headers=headers)
    assert too_high.status_code == 403 and "more than its owner's role" in too_high.json()["detail"]
    assert script.post("/api/v1/studies/alpha/tokens", json={"role": "viewer"}).status_code == 403
    assert (
        editor.client.post(
            "/api/v1/studies/alpha/tokens", json={"role": "viewer", "days": 400}, headers=headers
        ).status_code
        == 422
    )

    with spaces.runtime.engine.begin() as connection:
        connection.execute(
            update(ApiToken)
            .where(ApiToken.id == token.id)
            .values(expires_at=datetime.now(UTC) - timedelta(minutes=1))
        )
    expired = script.get("/api/v1/studies/alpha/draft")
    assert expired.status_code == 401 and "expired" in expired.json()["detail"]
    with spaces.runtime.engine.begin() as connection:
        connection.execute(
            update(ApiToken)
            .where(ApiToken.id == token.id)
            .values(expires_at=datetime.now(UTC) + timedelta(days=1))
        )
    assert script.get("/api/v1/studies/alpha/draft").status_code == 200
    assert (
        editor.client.delete(f"/api/v1/studies/alpha/tokens/{token.id}", headers=headers).status_code == 204
    )
    revoked = script.get("/api/v1/studies/alpha/draft")
    assert revoked.status_code == 401 and "revoked" in revoked.json()["detail"]
    assert Browser(app, token="ddicat_made-up").client.get("/api/v1/studies").status_code == 401


def test_a_token_follows_its_owners_role(spaces: Any, app: Any) -> None:
    secret, _id = spaces.tokens["editor_a"]
    script = Browser(app, token=secret).client
    assert script.get("/api/v1/studies/alpha/uploads").status_code == 200
    admin = signed_in(app, "admin")
    headers = admin.write_headers()
    admin.client.post(
        "/api/v1/studies/alpha/members",
        json={"email": email_of("editor_a"), "role": "viewer"},
        headers=headers,
    )
    # Now a viewer: the editor token acts as a viewer at most.
    assert script.post("/api/v1/studies/alpha/draft/discard").status_code == 403
    assert script.post("/api/v1/studies/alpha/uploads", files={"file": ("x.xml", b"<x/>")}).status_code == 403
    assert (
        admin.client.delete(
            f"/api/v1/studies/alpha/members/{email_of('editor_a')}", headers=headers
        ).status_code
        == 204
    )
    gone = script.get("/api/v1/studies/alpha/uploads")
    assert gone.status_code == 401 and "revoked" in gone.json()["detail"]


def test_managers_manage_viewers_and_editors_and_the_admin_assigns_managers(spaces: Any, app: Any) -> None:
    manager = signed_in(app, "manager_a")
    headers = manager.write_headers()
    grant = manager.client.post(
        "/api/v1/studies/alpha/members",
        json={"email": email_of("newcomer"), "role": "editor"},
        headers=headers,
    )
    assert grant.status_code == 200 and grant.json()["role"] == "editor"
    assert (
        manager.client.post(
            "/api/v1/studies/alpha/members",
            json={"email": email_of("newcomer"), "role": "manager"},
            headers=headers,
        ).status_code
        == 403
    )
    assert (
        manager.client.delete(
            f"/api/v1/studies/alpha/members/{email_of('manager_a')}", headers=headers
        ).status_code
        == 403
    )
    assert (
        manager.client.post(
            "/api/v1/studies/alpha/members",
            json={"email": "nobody@cohorte.test", "role": "viewer"},
            headers=headers,
        ).status_code
        == 404
    )
    members = {
        m["email"]: m["role"] for m in manager.client.get("/api/v1/studies/alpha/members").json()["members"]
    }
    assert members[email_of("newcomer")] == "editor" and email_of("manager_b") not in members
    admin = signed_in(app, "admin")
    assert (
        admin.client.post(
            "/api/v1/studies/alpha/members",
            json={"email": email_of("newcomer"), "role": "manager"},
            headers=admin.write_headers(),
        ).status_code
        == 200
    )
    created = admin.client.post(
        "/api/v1/studies",
        json={
            "slug": "delta",
            "agency": "fr.ddicat.delta",
            "title": {"fr": "Cohorte Delta", "en": "Delta cohort"},
            "manager": email_of("newcomer"),
        },
        headers=admin.write_headers(),
    )
    assert created.status_code == 201
    again = admin.client.post(
        "/api/v1/studies",
        json={"slug": "delta", "agency": "fr.ddicat.delta", "title": {"fr": "x"}},
        headers=admin.write_headers(),
    )
    assert again.status_code == 409
    bad = admin.client.post(
        "/api/v1/studies",
        json={"slug": "Delta Two", "agency": "not an agency", "title": {}},
        headers=admin.write_headers(),
    )
    assert bad.status_code == 422 and {p["location"].get("element") for p in bad.json()["problems"]} == {
        "slug",
        "agency",
        "title",
    }
    newcomer = signed_in(app, "newcomer")
    assert {s["slug"]: s["role"] for s in newcomer.client.get("/api/v1/me").json()["studies"]} == {
        "alpha": "manager",
        "delta": "manager",
    }
    # An empty new study is nobody else's business: it does not exist for the public.
    assert Browser(app).client.get("/api/v1/studies/delta").status_code == 404
