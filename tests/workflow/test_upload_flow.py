"""upload → validation report → draft → diff → publish (and discard, rollback), through the real HTTP app,
on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from cohort_spaces import (
    FIXTURES,
    Browser,
    cohort_document,
    fingerprint,
    releases_of,
    signed_in,
)

from catalogue.errors import Conflict
from catalogue.imports import Source

CSV = FIXTURES / "alpha-3a-codebook.csv"


def variable_names(client: Any, study: str) -> set[str]:
    found = client.get("/api/v1/search", params={"study": study, "type": "Variable", "limit": 200}).json()
    return {hit["name"] for hit in found["hits"]}


def test_a_draft_is_reviewed_then_published_and_the_public_follows(spaces: Any, app: Any) -> None:
    public = Browser(app).client
    before = public.get("/api/v1/studies/alpha").json()
    assert before["title"]["en"] == "Alpha cohort (example)"  # the draft's new title waits for publication
    assert before["release"]["status"] == "published" and before["release"]["number"] == 1
    assert "alpha_n_poids" not in variable_names(public, "alpha")

    manager = signed_in(app, "manager_a")
    draft = manager.client.get("/api/v1/studies/alpha/draft").json()
    assert draft["release"] == 2 and draft["base"] == 1
    assert [u["file"] for u in draft["uploads"]] == ["alpha-v2.xml"]
    assert draft["changes"] == {"added": 2, "removed": 3, "changed": 9, "unchanged": 3}

    diff = manager.client.get("/api/v1/studies/alpha/draft/diff").json()
    assert {i["name"] for i in diff["added"] if i["type"] == "Variable"} == {"alpha_n_poids"}
    assert {i["name"] for i in diff["removed"] if i["type"] == "Variable"} == {"alpha_n_sommeil"}
    question = next(c for c in diff["changed"] if c["type"] == "QuestionItem")
    assert (question["version_before"], question["version_after"]) == ("1", "2")
    assert question["texts"] == [
        {
            "field": "text",
            "lang": "fr",
            "before": "Votre enfant est-il allaité ?",
            "after": "Votre enfant est-il nourri au sein ?",
        }
    ]
    codes = {c["value"]: c for c in next(c for c in diff["changed"] if c["type"] == "CodeList")["codes"]}
    assert codes["2"]["changes"] == ["relabelled"]
    assert (codes["2"]["before"]["label"]["fr"], codes["2"]["after"]["label"]["fr"]) == ("Non", "Non, jamais")
    assert codes["99"]["changes"] == ["missing"] and codes["99"]["after"]["missing"] is True
    assert codes["8"]["changes"] == ["added"] and "1" not in codes and "-9" not in codes
    assert {(r["field"], r["lang"]) for r in diff["description"]["study"]} >= {
        ("title", "fr"),
        ("title", "en"),
    }

    answer = manager.client.post(
        "/api/v1/studies/alpha/draft/publish", json={"draft": 2}, headers=manager.write_headers()
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["summary"] == {"added": 2, "removed": 3, "changed": 9, "unchanged": 3}

    after = public.get("/api/v1/studies/alpha").json()
    assert after["title"]["en"] == "Alpha cohort (example, second edition)"
    assert after["release"]["number"] == 2
    assert "alpha_n_poids" in variable_names(public, "alpha") and "alpha_n_sommeil" not in variable_names(
        public, "alpha"
    )
    # Versions moved only for what changed; the older version stays readable by its URN.
    assert public.get("/api/v1/items/urn:ddi:fr.ddicat.alpha:alpha-con-alimentation:1").json()["release"] == {
        "number": 2,
        "status": "published",
    }
    assert public.get("/api/v1/items/urn:ddi:fr.ddicat.alpha:alpha-qi-allaitement:2").status_code == 200
    assert public.get("/api/v1/items/urn:ddi:fr.ddicat.alpha:alpha-qi-allaitement:1").status_code == 200
    assert manager.client.get("/api/v1/studies/alpha/draft").status_code == 404
    events = manager.client.get("/api/v1/studies/alpha/audit").json()["events"]
    assert events[0]["action"] == "publish" and events[0]["actor"] == "manager.alpha@cohorte.test"
    assert "urn:ddi:fr.ddicat.alpha:alpha-v-n-poids:1" in events[0]["items"]


def test_a_refused_file_leaves_no_draft_and_says_where(spaces: Any, app: Any) -> None:
    secret, _id = spaces.tokens["editor_a"]
    script = Browser(app, token=secret).client
    before = fingerprint(spaces.runtime)
    answer = script.post(
        "/api/v1/studies/alpha/uploads",
        files={"file": ("alpha-broken.xml", (FIXTURES / "alpha-broken.xml").read_bytes())},
    )
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    problem = answer.json()
    first = problem["problems"][0]
    assert first["severity"] == "error" and first["location"] == {
        "file": "alpha-broken.xml",
        "line": 15,
        "element": "l:VariableNam",
    }
    assert fingerprint(spaces.runtime) == before


def test_uploads_accumulate_in_one_draft_until_discarded(spaces: Any, app: Any) -> None:
    secret, _id = spaces.tokens["editor_a"]
    script = Browser(app, token=secret).client
    answer = script.post(
        "/api/v1/studies/alpha/uploads",
        data={"wave": "3a"},
        files={"file": ("alpha-3a-codebook.csv", CSV.read_bytes(), "text/csv")},
    )
    assert answer.status_code == 201, answer.text
    report = answer.json()
    assert report["status"] == "draft" and report["waves"] == ["3a"] and report["counts"]["Variable"] == 5
    assert report["source"]["sha256"] == __import__("hashlib").sha256(CSV.read_bytes()).hexdigest()
    draft = script.get("/api/v1/studies/alpha/draft").json()
    assert [u["file"] for u in draft["uploads"]] == ["alpha-v2.xml", "alpha-3a-codebook.csv"]
    assert releases_of(spaces.runtime, "alpha") == [(3, "draft"), (2, "replaced"), (1, "published")]
    diff = script.get("/api/v1/studies/alpha/draft/diff").json()
    added = {i["name"] for i in diff["added"] if i["type"] == "Variable"}
    assert added == {
        "alpha_n_poids",
        "alpha_3a_ecole",
        "alpha_3a_taille",
        "alpha_3a_langues___1",
        "alpha_3a_langues___2",
        "alpha_3a_langues___3",
    }

    manager = signed_in(app, "manager_a")
    published = Browser(app).client.get("/api/v1/studies/alpha").json()
    assert manager.client.get("/api/v1/studies/alpha").json()["release"]["status"] == "draft"
    answer = manager.client.post("/api/v1/studies/alpha/draft/discard", headers=manager.write_headers())
    assert answer.status_code == 200 and answer.json()["discarded"] == 3
    assert manager.client.get("/api/v1/studies/alpha/draft").status_code == 404
    assert manager.client.get("/api/v1/studies/alpha").json() == published
    assert "alpha_3a_ecole" not in variable_names(manager.client, "alpha")


def test_versions_move_only_for_changed_items(spaces: Any, app: Any) -> None:
    manager = signed_in(app, "manager_b")
    headers = manager.write_headers()
    assert manager.client.post("/api/v1/studies/beta/draft/discard", headers=headers).status_code == 200
    first = CSV.read_text(encoding="utf-8").replace("alpha", "beta")
    answer = manager.client.post(
        "/api/v1/studies/beta/uploads",
        data={"wave": "3a"},
        headers=headers,
        files={"file": ("beta-3a.csv", first.encode(), "text/csv")},
    )
    assert answer.status_code == 201, answer.text
    assert manager.client.post("/api/v1/studies/beta/draft/publish", headers=headers).status_code == 200
    changed = first.replace("Taille de l'enfant (cm)", "Taille de l'enfant debout (cm)")
    answer = manager.client.post(
        "/api/v1/studies/beta/uploads",
        data={"wave": "3a"},
        headers=headers,
        files={"file": ("beta-3a.csv", changed.encode(), "text/csv")},
    )
    assert answer.status_code == 201
    # The question, its variable, and the flow that holds it (construct, section, root sequence, instrument):
    # six new versions; the other questions, variables, code lists and categories keep version 1.
    assert answer.json()["new_items"] == 6
    diff = manager.client.get("/api/v1/studies/beta/draft/diff").json()
    assert sorted(
        (c["type"], c["name"], c["version_before"], c["version_after"]) for c in diff["changed"]
    ) == [
        ("Instrument", "suivi_3a", "1", "2"),
        ("QuestionConstruct", "beta_3a_taille", "1", "2"),
        ("QuestionItem", "beta_3a_taille", "1", "2"),
        ("Sequence", "Croissance", "1", "2"),
        ("Sequence", "suivi_3a", "1", "2"),
        ("Variable", "beta_3a_taille", "1", "2"),
    ]
    assert diff["summary"]["added"] == diff["summary"]["removed"] == 0 and diff["summary"]["unchanged"] == 36
    texts = [t for c in diff["changed"] for t in c["texts"] if t["lang"] == "fr"]
    assert {
        "field": "text",
        "lang": "fr",
        "before": "Taille de l'enfant (cm)",
        "after": "Taille de l'enfant debout (cm)",
    } in texts


def test_rollback_publishes_an_earlier_release_again(spaces: Any, app: Any) -> None:
    manager = signed_in(app, "manager_a")
    headers = manager.write_headers()
    assert (
        manager.client.post("/api/v1/studies/alpha/releases/1/rollback", headers=headers).status_code == 409
    )
    assert manager.client.post("/api/v1/studies/alpha/draft/publish", headers=headers).status_code == 200
    assert (
        manager.client.post("/api/v1/studies/alpha/releases/2/rollback", headers=headers).status_code == 409
    )
    answer = manager.client.post("/api/v1/studies/alpha/releases/1/rollback", headers=headers)
    assert answer.status_code == 201, answer.text
    assert answer.json()["release"] == 3 and answer.json()["to"] == 1
    assert releases_of(spaces.runtime, "alpha") == [(3, "published"), (2, "superseded"), (1, "superseded")]
    public = Browser(app).client
    names = variable_names(public, "alpha")
    assert "alpha_n_sommeil" in names and "alpha_n_poids" not in names
    study = public.get("/api/v1/studies/alpha").json()
    assert study["release"]["number"] == 3 and study["counts"]["Variable"] == 3
    assert (
        manager.client.post("/api/v1/studies/alpha/releases/7/rollback", headers=headers).status_code == 404
    )


def test_a_direct_import_is_refused_while_a_draft_is_under_review(spaces: Any) -> None:
    runtime = spaces.runtime
    with pytest.raises(Conflict, match="publish or discard it"):
        runtime.import_file(Source("alpha-v1.xml", cohort_document(1)), study="alpha")


def test_the_size_limit_refuses_a_large_upload_before_reading_it(spaces: Any) -> None:
    from api.app import create_app
    from api.runtime import Runtime

    runtime = Runtime(spaces.runtime.settings.model_copy(update={"max_upload_bytes": 4096}))
    try:
        secret, _id = spaces.tokens["editor_a"]
        script = Browser(create_app(runtime=runtime), token=secret).client
        before = fingerprint(runtime)
        big = cohort_document(2)
        assert len(big) > 4096 + 64 * 1024 or len(big) > 4096
        answer = script.post("/api/v1/studies/alpha/uploads", files={"file": ("alpha-v2.xml", big * 20)})
        assert answer.status_code == 413
        assert answer.json()["type"].endswith("/too-large") and "4,096 bytes" in answer.json()["detail"]

        boundary = "ddicat-test-boundary"

        def chunked() -> Any:  # no Content-Length: the server counts as the body streams in
            yield (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.xml"\r\n'
                "Content-Type: application/xml\r\n\r\n"
            ).encode()
            for _ in range(200):
                yield b"<!-- padding -->" * 64
            yield f"\r\n--{boundary}--\r\n".encode()

        answer = script.post(
            "/api/v1/studies/alpha/uploads",
            content=chunked(),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        assert answer.status_code == 413
        small = script.post("/api/v1/studies/alpha/uploads", files={"file": ("x.xml", b"<x/>" * 1100)})
        assert small.status_code == 413 and "x.xml" in small.json()["detail"]
        assert fingerprint(runtime) == before
    finally:
        runtime.close()
