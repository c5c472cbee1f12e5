"""Structure of the cohort-space services, read from their source: every public service that writes checks
its actor's permission before its first write, records an audit event, and takes keyword arguments only."""

from __future__ import annotations

import ast
import inspect
from dataclasses import dataclass, field
from types import ModuleType

import pytest

from catalogue import accounts, workflow

CHECKS = frozenset({"study_for", "require_admin", "require_account"})
AUDIT = "event_append"
# Writes other than an audit event: the import road, session.add/delete, SQL insert/update/delete.
IMPORT = frozenset({"study_import"})
SESSION_WRITES = frozenset({"add", "delete"})
SQL_WRITES = frozenset({"insert", "update", "delete"})
# Services that write without an actor to check, and why that is right.
WITHOUT_CHECK = {
    "login_attempt": "signing in is the check: the password, under throttling",
    "session_close": "ends only the session whose secret the caller holds",
}


@dataclass
class Body:
    """What one function does, in source order: (line, kind, name) for checks, writes and calls."""

    name: str
    node: ast.FunctionDef
    events: list[tuple[int, str, str]] = field(default_factory=list)


def function_bodies(source: str) -> dict[str, Body]:
    bodies: dict[str, Body] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef):
            body = Body(node.name, node)
            for call in (n for n in ast.walk(node) if isinstance(n, ast.Call)):
                func = call.func
                if isinstance(func, ast.Name):
                    kind = (
                        "check"
                        if func.id in CHECKS
                        else "audit"
                        if func.id == AUDIT
                        else "write"
                        if func.id in SQL_WRITES | IMPORT
                        else "call"
                    )
                    body.events.append((call.lineno, kind, func.id))
                elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
                    if func.value.id == "session" and func.attr in SESSION_WRITES:
                        body.events.append((call.lineno, "write", f"session.{func.attr}"))
            body.events.sort()
            bodies[node.name] = body
    return bodies


def writing_functions(bodies: dict[str, Body]) -> dict[str, int]:
    """Functions that write (directly, or through another of the module's functions): first write's line."""
    first: dict[str, int] = {}
    changed = True
    while changed:
        changed = False
        for name, body in bodies.items():
            lines = [
                line
                for line, kind, callee in body.events
                if kind in ("write", "audit") or (kind == "call" and callee in first)
            ]
            if lines and first.get(name) != min(lines):
                first[name], changed = min(lines), True
    return first


def audited(bodies: dict[str, Body], name: str, seen: frozenset[str] = frozenset()) -> bool:
    body = bodies[name]
    return any(
        kind == "audit"
        or (
            kind == "call"
            and callee in bodies
            and callee not in seen
            and audited(bodies, callee, seen | {name})
        )
        for _line, kind, callee in body.events
    )


def violations(source: str) -> list[str]:
    bodies = function_bodies(source)
    writes = writing_functions(bodies)
    found = []
    for name, first_write in writes.items():
        if name.startswith("_"):
            continue
        body = bodies[name]
        checks = [line for line, kind, _callee in body.events if kind == "check"]
        if name not in WITHOUT_CHECK and (not checks or min(checks) > first_write):
            found.append(f"{name} writes (line {first_write}) before checking permission")
        if not audited(bodies, name):
            found.append(f"{name} writes without recording an audit event")
        arguments = body.node.args
        if arguments.args or arguments.vararg:
            found.append(f"{name} takes positional arguments: services take keyword arguments only")
    return found


@pytest.mark.parametrize("module", [workflow, accounts], ids=lambda m: m.__name__)
def test_every_writing_service_checks_permission_first_and_is_audited(module: ModuleType) -> None:
    source = inspect.getsource(module)
    assert violations(source) == []
    writers = {name for name in writing_functions(function_bodies(source)) if not name.startswith("_")}
    # The check is not vacuous: these are the services the issue lists.
    expected = {
        workflow: {"study_create", "release_import", "draft_upload", "draft_publish", "draft_discard", "wave_describe",
                   "release_rollback"},
        accounts: {
            "account_create",
            "member_grant",
            "member_revoke",
            "token_create",
            "token_revoke",
            "login_attempt",
            "session_close",
        },
    }[module]
    assert writers == expected


def test_the_structure_check_catches_a_write_before_the_check() -> None:
    source = """
def release_delete(*, session, actor, study_slug):
    session.execute(delete(Release))
    study_for(session, actor, study_slug, role="manager", write=True)
    event_append(session, actor=actor.label, action="release.delete")

def member_touch(*, session, actor):
    require_admin(actor)
    _touch(session)

def _touch(session):
    session.add(object())

def token_purge(session, actor):
    require_admin(actor)
    session.execute(delete(ApiToken))
    event_append(session, actor=actor.label, action="token.purge")
"""
    assert sorted(violations(source)) == [
        "member_touch writes without recording an audit event",
        "release_delete writes (line 3) before checking permission",
        "token_purge takes positional arguments: services take keyword arguments only",
    ]
