"""Isolation between cohort spaces: every endpoint × every role × own/other study, with the exact status
and nothing of a study the caller holds no role on in any body. On SQLite and PostgreSQL.

Endpoints: the cohort spaces' API and pages, and the public reads a draft could leak through: study, wave
and item pages and exports (DDI-L, CSV), URN resolution, search and its facets, the sitemap, DCAT and
OAI-PMH. Targets: alpha and beta (published + draft), gamma (a draft only, never published), and a study
that does not exist. Callers: anonymous; the viewer, editor and manager of alpha; the manager of beta; the
admin; and API tokens of alpha's editor and manager.

The rule asserted (catalogue/accounts.py): no credentials → 401 (a page redirects to sign-in); no role on
the study → 404 for reads, and for writes 403 when the study is public, 404 when it is not (so a study
with nothing published cannot be told from one that does not exist); a role too low → 403; a token never
manages tokens → 403; a token id the caller may not see → 404.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from cohort_spaces import (
    PEOPLE,
    PUBLISHED,
    SECRETS,
    STUDIES,
    Browser,
    Spaces,
    Template,
    catalogue_settings,
    clone_catalogue,
    cohort_document,
    draft_only_urn,
    email_of,
    fingerprint,
)
from sqlalchemy import select

from catalogue.accounts import role_rank

TARGETS = (*STUDIES, "nowhere")
CALLERS = (
    "anonymous",
    "viewer_a",
    "editor_a",
    "manager_a",
    "manager_b",
    "admin",
    "token_editor_a",
    "token_manager_a",
)
TOKEN_OF = {"token_editor_a": "editor_a", "token_manager_a": "manager_a"}
# A member each study's managers may remove, and a token each study's manager (or the admin) owns.
MEMBER_OF = {"alpha": "viewer_a", "beta": "editor_b", "gamma": "viewer_c", "nowhere": "newcomer"}
TOKEN_ON = {"alpha": "manager_a", "beta": "manager_b", "gamma": "admin_gamma"}


def held(caller: str, study: str) -> str | None:
    """The role a caller holds on a study (the admin manages every study)."""
    if caller == "admin":
        return "manager" if study in STUDIES else None
    return PEOPLE[TOKEN_OF.get(caller, caller)][2].get(study) if caller != "anonymous" else None


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str  # {s}: the target study, {urn}, {member}, {token}
    need: str | None  # role needed on the target; None: public
    success: int
    page: bool = False
    token_management: bool = False
    body: Callable[[str], dict[str, Any]] | None = None

    @property
    def write(self) -> bool:
        return self.method != "GET"


def upload_body(study: str) -> dict[str, Any]:
    name = study if study in STUDIES else "alpha"
    return {
        "files": {
            "file": (
                f"{name}-v2-again.xml",
                cohort_document(2, name).replace(b"seconde", "troisième".encode()),
            )
        }
    }


ENDPOINTS = (
    Endpoint("members", "GET", "/api/v1/studies/{s}/members", "manager", 200),
    Endpoint(
        "member grant",
        "POST",
        "/api/v1/studies/{s}/members",
        "manager",
        200,
        body=lambda s: {"json": {"email": email_of("newcomer"), "role": "viewer"}},
    ),
    Endpoint("member revoke", "DELETE", "/api/v1/studies/{s}/members/{member}", "manager", 204),
    Endpoint("upload", "POST", "/api/v1/studies/{s}/uploads", "editor", 201, body=upload_body),
    Endpoint("uploads", "GET", "/api/v1/studies/{s}/uploads", "viewer", 200),
    Endpoint("draft", "GET", "/api/v1/studies/{s}/draft", "viewer", 200),
    Endpoint("diff", "GET", "/api/v1/studies/{s}/draft/diff", "viewer", 200),
    Endpoint("publish", "POST", "/api/v1/studies/{s}/draft/publish", "manager", 200),
    Endpoint("discard", "POST", "/api/v1/studies/{s}/draft/discard", "manager", 200),
    Endpoint("releases", "GET", "/api/v1/studies/{s}/releases", "viewer", 200),
    Endpoint("wave describe", "PATCH", "/api/v1/studies/{s}/waves/1a", "editor", 200,
             body=lambda s: {"json": {"title": {"en": "One year"}, "age_min_months": 12}}),
    # Every target holds a draft, so an allowed rollback is refused with 409 (publish or discard it first).
    Endpoint("rollback", "POST", "/api/v1/studies/{s}/releases/1/rollback", "manager", 409),
    Endpoint("tokens", "GET", "/api/v1/studies/{s}/tokens", "viewer", 200),
    Endpoint(
        "token create",
        "POST",
        "/api/v1/studies/{s}/tokens",
        "viewer",
        201,
        token_management=True,
        body=lambda s: {"json": {"role": "viewer", "name": "matrix"}},
    ),
    Endpoint(
        "token revoke", "DELETE", "/api/v1/studies/{s}/tokens/{token}", "owner", 204, token_management=True
    ),
    Endpoint("audit", "GET", "/api/v1/studies/{s}/audit", "manager", 200),
    Endpoint("audit export", "GET", "/api/v1/studies/{s}/audit?format=jsonl", "manager", 200),
    Endpoint("study", "GET", "/api/v1/studies/{s}", None, 200),
    Endpoint("study xml", "GET", "/api/v1/studies/{s}.xml", None, 200),
    Endpoint("draft item", "GET", "/api/v1/items/{urn}", None, 200),
    Endpoint("draft item xml", "GET", "/api/v1/items/{urn}.xml", None, 200),
    Endpoint("search", "GET", "/api/v1/search?q=poids+allaitement&study={s}&limit=100", None, 200),
    Endpoint("study page", "GET", "/studies/{s}", None, 200, page=True),
    Endpoint("draft item page", "GET", "/variables/{urn}", None, 200, page=True),
    Endpoint("space page", "GET", "/studies/{s}/manage", "viewer", 200, page=True),
    Endpoint("wave page", "GET", "/studies/{s}/waves/naissance", None, 200, page=True),
    Endpoint("wave xml", "GET", "/api/v1/studies/{s}/waves/naissance.xml", None, 200),
    Endpoint("variables csv", "GET", "/api/v1/studies/{s}/variables.csv", None, 200),
    Endpoint("draft item csv", "GET", "/api/v1/items/{urn}.csv", None, 200),
    Endpoint("draft item by urn", "GET", "/urn/{urn}?format=json", None, 200),
    Endpoint("draft item across waves", "GET", "/api/v1/items/{urn}/waves", None, 200),
    Endpoint("draft item across waves page", "GET", "/variables/{urn}/waves", None, 200, page=True),
    Endpoint("draft item comparable", "GET", "/api/v1/items/{urn}/comparable", None, 200),
    Endpoint("draft item comparable page", "GET", "/variables/{urn}/comparable", None, 200, page=True),
)

GLOBAL = (
    Endpoint("me", "GET", "/api/v1/me", "account", 200),
    Endpoint("catalogue audit", "GET", "/api/v1/audit", "admin", 200),
    Endpoint("catalogue audit export", "GET", "/api/v1/audit?format=jsonl", "admin", 200),
    Endpoint(
        "study create",
        "POST",
        "/api/v1/studies",
        "admin",
        201,
        body=lambda s: {
            "json": {
                "slug": f"delta-{uuid.uuid4().hex[:6]}",
                "agency": "fr.ddicat.delta",
                "title": {"fr": "Delta", "en": "Delta"},
            }
        },
    ),
    Endpoint("studies", "GET", "/api/v1/studies", None, 200),
    Endpoint("search everything", "GET", "/api/v1/search?q=poids&limit=200", None, 200),
    Endpoint("home page", "GET", "/", None, 200, page=True),
    Endpoint("sitemap", "GET", "/sitemap.xml", None, 200),
    Endpoint("dcat", "GET", "/api/v1/dcat", None, 200),
    Endpoint("oai sets", "GET", "/oai?verb=ListSets", None, 200),
    Endpoint("oai records", "GET", "/oai?verb=ListRecords&metadataPrefix=oai_dc", None, 200),
    Endpoint("account page", "GET", "/account", "account", 200, page=True),
    Endpoint("coverage", "GET", "/api/v1/coverage", None, 200),
    Endpoint("coverage page", "GET", "/coverage", None, 200, page=True),
    Endpoint("basket", "GET", "/api/v1/basket", None, 200),
    Endpoint("access requests", "GET", "/api/v1/access-requests", "account", 200),
    Endpoint("access parts", "GET", "/api/v1/access-parts", "account", 200),
    Endpoint("admin page", "GET", "/admin", "admin", 200, page=True),
)


def expected(endpoint: Endpoint, caller: str, target: str) -> int:
    """The one status the rule gives this caller on this endpoint and study."""
    role = held(caller, target)
    if endpoint.need is None:  # public reads: a study or item the caller may not see does not exist
        if endpoint.name.startswith("search"):
            return 200
        visible = target in PUBLISHED and not endpoint.name.startswith("draft item")
        return 200 if visible or role is not None else 404
    if caller == "anonymous":
        return 303 if endpoint.page else 401
    if endpoint.token_management and caller in TOKEN_OF:
        return 403
    if endpoint.name == "token revoke":  # each target's token is its manager's: only managers see it
        return 204 if role == "manager" else 404
    if role is None:
        return 403 if endpoint.write and target in PUBLISHED else 404
    return endpoint.success if role_rank(role) >= role_rank(endpoint.need) else 403


def expected_global(endpoint: Endpoint, caller: str) -> int:
    if endpoint.need is None:
        return 200
    if caller == "anonymous":
        return 303 if endpoint.page else 401
    if endpoint.need == "admin" and caller != "admin":
        return 403
    return endpoint.success


class World:
    """The spaces on one database, the app over them, and each caller's signed-in browser or token."""

    def __init__(self, spaces: Spaces, database_url: str, data_dir: Path) -> None:
        from api.app import create_app

        self.spaces = spaces
        self.database_url = database_url
        self.data_dir = data_dir
        self.drop: Callable[[], None] = lambda: None
        self.app = create_app(runtime=spaces.runtime)
        self.cookies: dict[str, Any] = {}
        self.callers: dict[str, Browser] = {"anonymous": Browser(self.app)}
        for caller in CALLERS[1:]:
            if caller in TOKEN_OF:
                secret, _id = spaces.tokens[TOKEN_OF[caller]]
                self.callers[caller] = Browser(self.app, token=secret)
            else:
                browser = Browser(self.app)
                assert browser.sign_in(email_of(caller)).status_code == 303
                assert browser.csrf
                self.callers[caller] = browser

    def request(self, browser: Browser, endpoint: Endpoint, target: str) -> Any:
        urn = draft_only_urn(target) if target in STUDIES else "urn:ddi:fr.ddicat.nowhere:nowhere-v-x:1"
        token_id = self.spaces.tokens[TOKEN_ON[target]][1] if target in TOKEN_ON else 987654
        path = endpoint.path.format(s=target, urn=urn, member=email_of(MEMBER_OF[target]), token=token_id)
        headers = {"Accept": "text/html"} if endpoint.page else {}
        if endpoint.write:
            headers |= browser.write_headers()
        extra = endpoint.body(target) if endpoint.body else {}
        return browser.client.request(endpoint.method, path, headers=headers, **extra)

    def close(self) -> None:
        for browser in self.callers.values():
            browser.close()
        self.spaces.runtime.close()


def clone_world(world: World, tmp: Path) -> World:
    """A copy of the world (database and index) for a write that will succeed, so the others see none."""
    from api.app import create_app
    from api.runtime import Runtime

    world.spaces.runtime.engine.dispose()
    url, data_dir, drop = clone_catalogue(world.database_url, world.data_dir, tmp)
    settings = world.spaces.runtime.settings.model_copy(update={"database_url": url, "data_dir": data_dir})
    clone = object.__new__(World)
    clone.spaces = Spaces(Runtime(settings), world.spaces.tokens)
    clone.database_url, clone.data_dir, clone.drop = url, data_dir, drop
    clone.app = create_app(runtime=clone.spaces.runtime)
    clone.callers = {}
    for caller, browser in world.callers.items():
        copy = Browser(
            clone.app, token=browser.client.headers.get("authorization", "").removeprefix("Bearer ") or None
        )
        copy.client.cookies = browser.client.cookies
        copy._csrf, copy.signed_in = browser._csrf, browser.signed_in
        clone.callers[caller] = copy
    return clone


@pytest.fixture(scope="module")
def world(spaces_template: Template, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    from api.runtime import Runtime

    tmp = tmp_path_factory.mktemp("isolation")
    url, data_dir, drop = clone_catalogue(spaces_template.url, spaces_template.data_dir, tmp)
    runtime = Runtime(catalogue_settings(tmp, url, spaces_template.schemas))
    built = World(Spaces(runtime, dict(spaces_template.tokens)), url, data_dir)
    yield built
    built.close()
    drop()


def leaks(body: str, caller: str, asked: str) -> list[str]:
    """Secrets of the studies the caller holds no role on that appear in a response (what the caller wrote
    in the URL itself, such as a member's email, may be echoed back)."""
    return [
        secret
        for study in STUDIES
        if held(caller, study) is None
        for secret in SECRETS[study]
        if secret in body and secret not in asked
    ]


def check(world: World, endpoint: Endpoint, caller: str, target: str | None, want: int, tmp: Path) -> None:
    succeeds = endpoint.write and 200 <= want < 300
    used = clone_world(world, tmp) if succeeds else world
    before = None if succeeds else fingerprint(world.spaces.runtime)
    try:
        answer = used.request(used.callers[caller], endpoint, target or "alpha")
        assert answer.status_code == want, (
            f"{endpoint.method} {endpoint.path} as {caller} on {target}: "
            f"{answer.status_code} (expected {want}): {answer.text[:300]}"
        )
        found = leaks(answer.text, caller, unquote(str(answer.request.url)))
        assert not found, f"{endpoint.name} as {caller} on {target} shows {found}"
        if before is not None:
            assert fingerprint(world.spaces.runtime) == before, (
                "a refused or read-only request wrote something"
            )
    finally:
        if used is not world:
            used.close()
            used.drop()


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name.replace(" ", "-"))
def test_study_endpoints(world: World, endpoint: Endpoint, caller: str, target: str, tmp_path: Path) -> None:
    check(world, endpoint, caller, target, expected(endpoint, caller, target), tmp_path)


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("endpoint", GLOBAL, ids=lambda e: e.name.replace(" ", "-"))
def test_catalogue_endpoints(world: World, endpoint: Endpoint, caller: str, tmp_path: Path) -> None:
    check(world, endpoint, caller, None, expected_global(endpoint, caller), tmp_path)


def test_search_facets_count_only_what_the_caller_may_see(world: World) -> None:
    """A draft changes a study's facet counts only for its own people."""
    counts = {}
    for caller in ("anonymous", "manager_a", "manager_b"):
        answer = world.callers[caller].client.get("/api/v1/search", params={"q": "", "type": "Variable"})
        counts[caller] = {f["value"]: f["count"] for f in answer.json()["facets"]["study"]}
    # alpha's draft: 3 variables (poids added, sommeil removed); published: 3 as well, but other ones.
    assert counts["anonymous"] == counts["manager_b"] | {"beta": counts["anonymous"]["beta"]}
    assert counts["manager_a"]["beta"] == counts["anonymous"]["beta"]
    assert "gamma" not in counts["anonymous"] and "gamma" not in counts["manager_a"]
    names = {
        caller: {
            h["name"]
            for h in world.callers[caller]
            .client.get("/api/v1/search", params={"q": "", "type": "Variable", "limit": 200})
            .json()["hits"]
        }
        for caller in ("anonymous", "manager_a", "manager_b", "admin")
    }
    assert (
        "alpha_n_poids" in names["manager_a"]
        and "alpha_n_poids" not in names["manager_b"] | names["anonymous"]
    )
    assert (
        "beta_n_poids" in names["manager_b"] and "beta_n_poids" not in names["manager_a"] | names["anonymous"]
    )
    assert {"alpha_n_poids", "beta_n_poids", "gamma_n_allait"} <= names["admin"]


def test_a_wave_only_a_draft_holds_stays_hidden(spaces: Spaces, app: Any) -> None:
    """An upload may bring a new wave: until the draft is published, nothing public names it."""
    from cohort_spaces import FIXTURES, actor, upload

    csv = (FIXTURES / "alpha-3a-codebook.csv").read_bytes().replace(b"alpha", b"beta")
    upload(spaces.runtime, actor(spaces.runtime, "editor_b"), "beta", "beta-7ans.csv", csv, wave="bilan7ans")
    manager = Browser(app)
    assert manager.sign_in(email_of("manager_b")).status_code == 303
    assert manager.client.get("/studies/beta/waves/bilan7ans").status_code == 200
    public = Browser(app).client
    for path in (
        "/oai?verb=ListSets",
        "/oai?verb=ListRecords&metadataPrefix=oai_dc",
        "/sitemap.xml",
        "/api/v1/dcat",
        "/studies/beta",
        "/api/v1/studies/beta",
        "/api/v1/studies/beta.xml",
        "/api/v1/search?study=beta&limit=200",
        "/api/v1/studies/beta/variables.csv",
    ):
        answer = public.get(path)
        assert answer.status_code == 200 and "bilan7ans" not in answer.text, f"{path} names the draft's wave"
    # Asked for by name or URN, the draft's wave answers exactly as a wave that does not exist.
    with spaces.runtime.sessions() as session:
        from catalogue.store.tables import Wave

        wave = session.scalars(select(Wave).where(Wave.name == "bilan7ans")).one()
        urn = f"urn:ddi:{wave.agency}:{wave.ddi_id}:{wave.version}"
    for hidden, absent in (
        ("/studies/beta/waves/bilan7ans", "/studies/beta/waves/bilan9ans"),
        ("/api/v1/studies/beta/waves/bilan7ans.xml", "/api/v1/studies/beta/waves/bilan9ans.xml"),
        (f"/urn/{urn}?format=json", f"/urn/{urn.replace('bilan7ans', 'bilan9ans')}?format=json"),
    ):
        seen, unseen = public.get(hidden), public.get(absent)
        assert seen.status_code == unseen.status_code == 404
        assert seen.json()["detail"].replace("bilan7ans", "bilan9ans") == unseen.json()["detail"], hidden
