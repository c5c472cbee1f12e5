"""The cohort spaces' pages, used as a browser without JavaScript uses them: plain forms, redirects, French
and English."""

from __future__ import annotations

import re
from typing import Any

from cohort_spaces import FIXTURES, Browser, email_of, fingerprint, form_token, releases_of, signed_in

HTML = {"Accept": "text/html"}


def page(browser: Browser, path: str) -> Any:
    answer = browser.client.get(path, headers=HTML)
    assert answer.status_code == 200, (path, answer.status_code, answer.text[:300])
    return answer


def test_the_header_offers_sign_in_then_the_account(spaces: Any, app: Any) -> None:
    assert 'href="/login">Se connecter</a>' in Browser(app).client.get("/", headers=HTML).text
    manager = signed_in(app, "manager_a")
    home = page(manager, "/?lang=en").text
    assert f'href="/account?lang=en">{email_of("manager_a")}</a>' in home
    assert page(manager, "/studies/alpha/manage").text.count("Déposer un fichier") == 1
    assert "Upload a file" in page(manager, "/studies/alpha/manage?lang=en").text
    anonymous = Browser(app).client.get("/studies/alpha/manage?lang=en")
    assert anonymous.status_code == 303 and anonymous.headers["location"] == (
        "/login?next=%2Fstudies%2Falpha%2Fmanage%3Flang%3Den&lang=en"
    )


def test_upload_review_and_publish_through_the_pages(spaces: Any, app: Any) -> None:
    editor = signed_in(app, "editor_a")
    space = page(editor, "/studies/alpha/manage?lang=en").text
    assert (
        'enctype="multipart/form-data"' in space and "Publish this draft" not in space
    )  # editors do not publish
    answer = editor.client.post(
        "/studies/alpha/manage/upload?lang=en",
        data={"csrf_token": form_token(space), "wave": "3a", "format": ""},
        files={
            "file": ("alpha-3a-codebook.csv", (FIXTURES / "alpha-3a-codebook.csv").read_bytes(), "text/csv")
        },
    )
    assert answer.status_code == 303, answer.text[:500]
    location = answer.headers["location"]
    assert re.fullmatch(r"/studies/alpha/manage\?done=uploaded&upload=\d+&lang=en", location)
    report = page(editor, location).text
    assert "The file was imported into the draft." in report
    row = report.split('class="highlight" id="report"')[1].split("</tr>")[0]
    assert "alpha-3a-codebook.csv" in row and "codebook" in row and "Variable: 5" in row

    manager = signed_in(app, "manager_a")
    space = page(manager, "/studies/alpha/manage?lang=en").text
    assert "Publish this draft" in space and "Discard this draft" in space
    # The diff, side by side: one row holds the published and the draft wording of the same language.
    assert re.search(
        r'<td class="field">text</td><td class="lang">fr</td><td lang="fr"><del class="before">'
        r"Votre enfant est-il allaité \?</del></td><td lang=\"fr\"><ins class=\"after\">"
        r"Votre enfant est-il nourri au sein \?</ins></td>",
        space.replace("&#39;", "'"),
    )
    codes = space.split("<caption>Codes</caption>")[1].split("</table>")[0]
    assert "category label changed" in codes and "Non, jamais" in codes and "code added" in codes
    draft = re.search(r'name="draft" value="(\d+)"', space)
    assert draft is not None and draft.group(1) == "3"
    stale = manager.client.post(
        "/studies/alpha/manage/publish", headers=HTML, data={"csrf_token": form_token(space), "draft": "2"}
    )
    assert stale.status_code == 409 and "changed since you reviewed it" in stale.text
    published = manager.client.post(
        "/studies/alpha/manage/publish?lang=en",
        data={"csrf_token": form_token(space), "draft": draft.group(1)},
    )
    assert published.status_code == 303
    after = page(manager, published.headers["location"]).text
    assert "The draft is now the published release." in after and "No draft: everyone sees" in after
    public = page(Browser(app), "/studies/alpha?lang=en").text
    assert "Alpha cohort (example, second edition)" in public
    assert releases_of(spaces.runtime, "alpha")[0] == (3, "published")

    rollback = manager.client.post(
        "/studies/alpha/manage/releases/1/rollback", data={"csrf_token": form_token(after)}
    )
    assert rollback.status_code == 303 and releases_of(spaces.runtime, "alpha")[0] == (4, "published")


def test_a_refused_file_is_reported_on_the_page_with_its_line(spaces: Any, app: Any) -> None:
    editor = signed_in(app, "editor_a")
    space = page(editor, "/studies/alpha/manage?lang=en").text
    before = fingerprint(spaces.runtime)
    answer = editor.client.post(
        "/studies/alpha/manage/upload?lang=en",
        headers=HTML,
        data={"csrf_token": form_token(space)},
        files={"file": ("alpha-broken.xml", (FIXTURES / "alpha-broken.xml").read_bytes(), "application/xml")},
    )
    assert answer.status_code == 422
    refused = answer.text.split('id="upload-refused"')[1].split("</div>")[0]
    assert (
        "The file was refused: the draft is unchanged" in refused and "alpha-broken.xml, line 15" in refused
    )
    assert fingerprint(spaces.runtime) == before


def test_members_are_managed_on_the_space_page(spaces: Any, app: Any) -> None:
    manager = signed_in(app, "manager_a")
    space = page(manager, "/studies/alpha/manage").text
    assert email_of("viewer_a") in space and '<option value="manager">' not in space
    answer = manager.client.post(
        "/studies/alpha/manage/members",
        data={"csrf_token": form_token(space), "email": email_of("newcomer"), "role": "editor"},
    )
    assert answer.status_code == 303
    answer = manager.client.post(
        "/studies/alpha/manage/members/revoke",
        data={"csrf_token": form_token(space), "email": email_of("viewer_a")},
    )
    assert answer.status_code == 303
    members = (
        page(manager, "/studies/alpha/manage?lang=en")
        .text.split('id="members-heading"')[1]
        .split("</table>")[0]
    )
    assert email_of("newcomer") in members and email_of("viewer_a") not in members
    events = page(manager, "/studies/alpha/manage?lang=en").text.split('id="audit-heading"')[1]
    assert "member.revoke" in events and "member.grant" in events
    viewer = signed_in(app, "editor_a")
    assert 'id="members-heading"' not in page(viewer, "/studies/alpha/manage").text


def test_the_admin_creates_a_study_and_gives_it_a_manager(spaces: Any, app: Any) -> None:
    admin = signed_in(app, "admin")
    screen = page(admin, "/admin?lang=en").text
    assert re.search(r"The chain of \d+ events is intact", screen)
    answer = admin.client.post(
        "/admin/studies",
        data={
            "csrf_token": form_token(screen),
            "slug": "delta",
            "agency": "fr.ddicat.delta",
            "title_fr": "Cohorte Delta",
            "title_en": "Delta cohort",
            "manager": email_of("newcomer"),
        },
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/admin?done=study-created"
    answer = admin.client.post(
        "/admin/members",
        data={
            "csrf_token": form_token(screen),
            "study": "delta",
            "email": email_of("editor_a"),
            "role": "editor",
        },
    )
    assert answer.status_code == 303
    newcomer = signed_in(app, "newcomer")
    account = page(newcomer, "/account?lang=en").text
    assert "/studies/delta/manage" in account and "manager" in account
    assert newcomer.client.get("/admin", headers=HTML).status_code == 403
