"""Access requests through one front door, walked end to end through the HTTP app with a real SMTP server: a
request spanning two cohorts, split per cohort, routed to each cohort's managers only, answered part by part;
the mails each side receives, what each party may and may not see, and the audit trail."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from discovery_catalogue import Browser, form_token, make_account, variable_urn
from smtp_server import SmtpServer

RESEARCHER = "researcher@inserm.test"
ELFE_MANAGERS = ("anne.manager@elfe.test", "bruno.manager@elfe.test")
ELFE_EDITOR = "editor@elfe.test"
EPI_MANAGER = "chloe.manager@epipage2.test"
ADMIN = "admin@ddicat.test"
TITLE = "Allaitement et sommeil des enfants prématurés"


@pytest.fixture
def smtp():
    with SmtpServer() as server:
        yield server


def people(runtime) -> None:
    make_account(runtime, RESEARCHER, name="Rose Researcher")
    for email in ELFE_MANAGERS:
        make_account(runtime, email, roles={"elfe": "manager"})
    make_account(runtime, ELFE_EDITOR, roles={"elfe": "editor"})
    make_account(runtime, EPI_MANAGER, roles={"epipage2": "manager"})
    make_account(runtime, ADMIN, admin=True)


def signed_in(runtime, email: str) -> Browser:
    browser = Browser(runtime)
    browser.sign_in(email)
    return browser


def act(browser: Browser, part_id: int, action: str, message: str = ""):
    """Press an action button on a part's page (the page's form, its CSRF token)."""
    page = browser.client.get(f"/access/parts/{part_id}", params={"lang": "en"})
    assert page.status_code == 200, page.text
    assert f'name="action" value="{action}"' in page.text, f"no {action} button for {part_id}"
    return browser.client.post(f"/access/parts/{part_id}/act",
                               data={"action": action, "message": message, "csrf_token": form_token(page.text)})


def one_mail(smtp: SmtpServer):
    mails = smtp.mailbox.take()
    assert len(mails) == 1, [(m.recipients, m.subject) for m in mails]
    return mails[0]


def test_a_request_over_two_cohorts_from_submission_to_decisions(catalogue_copy, smtp: SmtpServer) -> None:
    from catalogue.audit import AuditEvent, chain_verify

    runtime = catalogue_copy(smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_from="catalogue@ddicat.test",
                             base_url="https://catalogue.example.org")
    people(runtime)
    elfe_vars = [variable_urn(runtime, "elfe", "m02_allait_arret_motif"),
                 variable_urn(runtime, "elfe", "m02_sommeil_nuit_h")]
    epi_vars = [variable_urn(runtime, "epipage2", "m12_allait_arret_motif")]

    # The researcher fills the basket, then sends one request from it.
    researcher = signed_in(runtime, RESEARCHER)
    token = researcher.client.get("/api/v1/basket").json()["csrf_token"]
    for urn in elfe_vars + epi_vars:
        assert researcher.client.post("/api/v1/basket/items", json={"urn": urn},
                                      headers={"X-CSRF-Token": token}).status_code == 201
    form = researcher.client.get("/access/new", params={"lang": "en"}).text
    assert "<strong>elfe</strong>: 2 variables" in form and "<strong>epipage2</strong>: 1 variable" in form
    sent = researcher.client.post("/access/new", data={
        "title": TITLE, "summary": "Durée de l'allaitement et sommeil à 1 an selon l'âge gestationnel.",
        "institution": "Inserm U1153", "intended_use": "Analyse secondaire, pas de diffusion individuelle.",
        "snds_linkage": "1", "csrf_token": form_token(form)})
    assert sent.status_code == 303
    request_id = int(re.search(r"/access/requests/(\d+)", sent.headers["location"]).group(1))
    whole = researcher.client.get(f"/api/v1/access-requests/{request_id}").json()
    parts = {part["study"]["slug"]: part for part in whole["parts"]}
    assert {slug: part["status"] for slug, part in parts.items()} == {"elfe": "submitted", "epipage2": "submitted"}
    assert [v["urn"] for v in parts["elfe"]["variables"]] == elfe_vars
    assert [v["urn"] for v in parts["epipage2"]["variables"]] == epi_vars
    assert whole["snds_linkage"] is True
    elfe_part, epi_part = parts["elfe"]["id"], parts["epipage2"]["id"]

    # Each cohort's managers, and only they, are told about their part.
    mails = {mail.recipients: mail for mail in smtp.mailbox.take()}
    assert set(mails) == {tuple(sorted(ELFE_MANAGERS)), (EPI_MANAGER,)}
    elfe_mail = mails[tuple(sorted(ELFE_MANAGERS))]
    assert elfe_mail.message["From"] == "catalogue@ddicat.test"
    assert TITLE in elfe_mail.subject and "(elfe)" in elfe_mail.subject
    assert f"https://catalogue.example.org/access/parts/{elfe_part}" in elfe_mail.body
    assert "epipage2" not in elfe_mail.body
    assert f"/access/parts/{epi_part}" in mails[(EPI_MANAGER,)].body

    # Each manager sees their study's part, never the other one nor the whole request.
    anne = signed_in(runtime, ELFE_MANAGERS[0])
    chloe = signed_in(runtime, EPI_MANAGER)
    editor = signed_in(runtime, ELFE_EDITOR)
    assert [p["id"] for p in anne.client.get("/api/v1/access-parts").json()["parts"]] == [elfe_part]
    assert [p["id"] for p in chloe.client.get("/api/v1/access-parts").json()["parts"]] == [epi_part]
    assert anne.client.get(f"/api/v1/access-parts/{epi_part}").status_code == 404
    assert chloe.client.get(f"/api/v1/access-parts/{elfe_part}").status_code == 404
    assert anne.client.get(f"/api/v1/access-requests/{request_id}").status_code == 404
    assert editor.client.get(f"/api/v1/access-parts/{elfe_part}").status_code == 404
    assert editor.client.get("/api/v1/access-parts").json()["parts"] == []
    page = anne.client.get(f"/access/parts/{elfe_part}", params={"lang": "en"}).text
    assert "Rose Researcher" in page and "Inserm U1153" in page and "m02_sommeil_nuit_h" in page
    assert "m12_allait_arret_motif" not in page  # the other cohort's variable
    assert Browser(runtime).client.get(f"/api/v1/access-parts/{elfe_part}").status_code == 401

    # Elfe: review, then ask for more information; the researcher is told, with the question.
    assert act(anne, elfe_part, "review").status_code == 303
    review = one_mail(smtp)
    assert review.recipients == (RESEARCHER,) and "under review" in review.body
    question = "Pouvez-vous préciser le plan d'analyse ?"
    assert act(anne, elfe_part, "request_information", question).status_code == 303
    asked = one_mail(smtp)
    assert asked.recipients == (RESEARCHER,) and f"> {question}" in asked.body
    # an action out of order, or from the wrong side, is refused
    assert act(anne, elfe_part, "comment", "Merci").status_code == 303
    assert one_mail(smtp).recipients == (RESEARCHER,)
    wrong = anne.client.post(f"/api/v1/access-parts/{elfe_part}/actions", json={"action": "approve"},
                             headers={"X-CSRF-Token": form_token(anne.client.get(f"/access/parts/{elfe_part}").text)})
    assert wrong.status_code == 409

    # The researcher answers; Elfe's managers are told; then one of them approves.
    answer = "Modèles de survie, ajustés sur l'âge gestationnel."
    assert act(researcher, elfe_part, "answer", answer).status_code == 303
    answered = one_mail(smtp)
    assert answered.recipients == tuple(sorted(ELFE_MANAGERS)) and f"> {answer}" in answered.body
    denied = researcher.client.post(
        f"/api/v1/access-parts/{elfe_part}/actions", json={"action": "approve"},
        headers={"X-CSRF-Token": form_token(researcher.client.get(f"/access/parts/{elfe_part}").text)})
    assert denied.status_code == 403
    bruno = signed_in(runtime, ELFE_MANAGERS[1])
    assert act(bruno, elfe_part, "approve").status_code == 303
    approved = one_mail(smtp)
    assert approved.recipients == (RESEARCHER,) and "approved" in approved.body

    # Epipage 2: review, then reject with a reason.
    assert act(chloe, epi_part, "review").status_code == 303
    one_mail(smtp)
    refused = chloe.client.post(f"/access/parts/{epi_part}/act", data={
        "action": "reject", "message": "", "csrf_token": form_token(chloe.client.get(f"/access/parts/{epi_part}").text)})
    assert refused.status_code == 422  # a rejection gives its reason
    assert act(chloe, epi_part, "reject", "Effectifs trop faibles à cet âge.").status_code == 303
    rejected = one_mail(smtp)
    assert rejected.recipients == (RESEARCHER,) and "rejected" in rejected.body

    # The researcher sees the whole request, every part, its status and its history.
    whole = researcher.client.get(f"/api/v1/access-requests/{request_id}").json()
    statuses = {part["study"]["slug"]: part["status"] for part in whole["parts"]}
    assert statuses == {"elfe": "approved", "epipage2": "rejected"}
    elfe_history = next(p for p in whole["parts"] if p["study"]["slug"] == "elfe")["history"]
    assert [(e["action"], e["side"], e["to"]) for e in elfe_history] == [
        ("submit", "researcher", "submitted"), ("review", "manager", "under_review"),
        ("request_information", "manager", "more_information_requested"),
        ("comment", "manager", "more_information_requested"), ("answer", "researcher", "under_review"),
        ("approve", "manager", "approved")]
    assert elfe_history[2]["message"] == question and elfe_history[2]["actor"] == ELFE_MANAGERS[0]
    html = researcher.client.get(f"/access/requests/{request_id}", params={"lang": "fr"}).text
    assert "approuvée" in html and "refusée" in html and "Effectifs trop faibles" in html
    mine = researcher.client.get("/api/v1/access-requests").json()["requests"]
    assert [(r["id"], [p["status"] for p in r["parts"]]) for r in mine] == [(request_id, ["approved", "rejected"])]
    # a decided part can no longer be withdrawn
    withdraw = researcher.client.post(
        f"/api/v1/access-parts/{epi_part}/actions", json={"action": "withdraw"},
        # (a decided part shows no form: the session's token is read from the basket page)
        headers={"X-CSRF-Token": form_token(researcher.client.get("/basket").text)})
    assert withdraw.status_code == 409

    # Every step is in the audit trail, on the right study, and the chain holds.
    with runtime.sessions() as session:
        events = [(e.action, e.study_slug, e.actor) for e in session.query(AuditEvent)
                  .filter(AuditEvent.action.like("access.%")).order_by(AuditEvent.seq)]
        assert chain_verify(session).intact
    assert events == [
        ("access.submit", "elfe", RESEARCHER), ("access.submit", "epipage2", RESEARCHER),
        ("access.review", "elfe", ELFE_MANAGERS[0]), ("access.request_information", "elfe", ELFE_MANAGERS[0]),
        ("access.comment", "elfe", ELFE_MANAGERS[0]), ("access.answer", "elfe", RESEARCHER),
        ("access.approve", "elfe", ELFE_MANAGERS[1]), ("access.review", "epipage2", EPI_MANAGER),
        ("access.reject", "epipage2", EPI_MANAGER)]
    # nothing left in the outbox
    from catalogue.notifications import outbox_pending

    with runtime.sessions() as session:
        assert outbox_pending(session) == []
    for browser in (researcher, anne, bruno, chloe, editor):
        browser.close()


def test_withdrawing_an_open_part_tells_the_managers(catalogue_copy, smtp: SmtpServer) -> None:
    runtime = catalogue_copy(smtp_host="127.0.0.1", smtp_port=smtp.port)
    people(runtime)
    researcher = signed_in(runtime, RESEARCHER)
    urn = variable_urn(runtime, "epipage2", "m12_allait_arret_motif")
    page = researcher.client.get("/account").text
    created = researcher.client.post("/api/v1/access-requests", json={
        "title": "Sevrage", "summary": "Âge au sevrage.", "institution": "Inserm", "intended_use": "Analyse.",
        "variables": [urn]}, headers={"X-CSRF-Token": form_token(page)})
    assert created.status_code == 201, created.text
    part = created.json()["parts"][0]["id"]
    assert one_mail(smtp).recipients == (EPI_MANAGER,)
    assert act(researcher, part, "withdraw").status_code == 303
    assert one_mail(smtp).recipients == (EPI_MANAGER,)
    assert researcher.client.get(f"/api/v1/access-parts/{part}").json()["status"] == "withdrawn"
    researcher.close()


def test_a_request_needs_an_account_variables_and_its_fields(catalogue_copy) -> None:
    runtime = catalogue_copy()
    people(runtime)
    anonymous = Browser(runtime)
    assert anonymous.client.get("/access/new").status_code == 303  # to the sign-in page
    assert anonymous.client.post("/api/v1/access-requests", json={
        "title": "x", "summary": "x", "institution": "x", "intended_use": "x"}).status_code == 401
    researcher = signed_in(runtime, RESEARCHER)
    token = form_token(researcher.client.get("/account").text)
    empty = researcher.client.post("/api/v1/access-requests", json={
        "title": "x", "summary": "x", "institution": "x", "intended_use": "x"}, headers={"X-CSRF-Token": token})
    assert empty.status_code == 422 and empty.json()["problems"][0]["code"] == "no-variables"
    urn = variable_urn(runtime, "elfe", "m02_sommeil_nuit_h")
    missing = researcher.client.post("/api/v1/access-requests", json={
        "title": "x", "summary": " ", "institution": "x", "intended_use": "x", "variables": [urn]},
        headers={"X-CSRF-Token": token})
    assert missing.status_code == 422 and missing.json()["problems"][0]["location"]["element"] == "summary"
    # the form says which field is wrong, in the page's language
    basket_token = researcher.client.get("/api/v1/basket").json()["csrf_token"]
    assert researcher.client.post("/api/v1/basket/items", json={"urn": urn},
                                  headers={"X-CSRF-Token": basket_token}).status_code == 201
    page = researcher.client.post("/access/new?lang=fr", data={
        "title": "Sommeil", "summary": " ", "institution": "Inserm", "intended_use": "Analyse",
        "csrf_token": form_token(researcher.client.get("/access/new").text)})
    assert page.status_code == 422 and "« Résumé du projet » est vide." in page.text
    forged = researcher.client.post("/api/v1/access-requests", json={
        "title": "x", "summary": "x", "institution": "x", "intended_use": "x", "variables": [urn]})
    assert forged.status_code == 403
    anonymous.close()
    researcher.close()


def test_mails_wait_in_the_outbox_until_the_sender_delivers_them(catalogue_copy, smtp: SmtpServer,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from api.cli import main

    runtime = catalogue_copy()  # no mail server configured: changes only queue their mails
    people(runtime)
    researcher = signed_in(runtime, RESEARCHER)
    urn = variable_urn(runtime, "elfe", "m02_sommeil_nuit_h")
    created = researcher.client.post("/api/v1/access-requests", json={
        "title": "Sommeil", "summary": "s", "institution": "i", "intended_use": "u", "variables": [urn]},
        headers={"X-CSRF-Token": form_token(researcher.client.get("/account").text)})
    assert created.status_code == 201
    researcher.close()
    settings = runtime.settings
    env = {"DDICAT_DATA_DIR": str(settings.data_dir), "DDICAT_DATABASE_URL": settings.resolved_database_url,
           "DDICAT_DDI_SCHEMAS": str(settings.ddi_schemas), "DDICAT_SMTP_HOST": "127.0.0.1"}
    waiting = CliRunner().invoke(main, ["mail", "outbox"], env=env)
    assert waiting.exit_code == 0 and "1 mail waiting" in waiting.output
    closed = CliRunner().invoke(main, ["mail", "send"], env={**env, "DDICAT_SMTP_PORT": "1"})
    assert closed.exit_code == 1 and closed.output.startswith("ddicat: error: the mail server 127.0.0.1:1 cannot")
    assert len(closed.output.strip().splitlines()) == 1
    sent = CliRunner().invoke(main, ["mail", "send"], env={**env, "DDICAT_SMTP_PORT": str(smtp.port)})
    assert sent.exit_code == 0 and "Sent 1 mail" in sent.output
    assert [m.recipients for m in smtp.mailbox.take()] == [tuple(sorted(ELFE_MANAGERS))]
    again = CliRunner().invoke(main, ["mail", "send"], env={**env, "DDICAT_SMTP_PORT": str(smtp.port)})
    assert again.exit_code == 0 and "Sent 0 mails" in again.output and smtp.mailbox.take() == []
