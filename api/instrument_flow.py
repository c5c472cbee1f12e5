"""An instrument's flow as plain data: the walk from Instrument through its control constructs.

Sections (Sequence), questions asked (QuestionConstruct → QuestionItem/QuestionGrid with their responses and
the variables they feed), routing (IfThenElse with its condition as written, in its program language),
loops, statements and computations, in the order a respondent meets them. The walk stops at cycles and
at `MAX_NODES`, saying so, rather than trusting the document.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from catalogue.model import (
    Command,
    ComputationItem,
    IfThenElse,
    Instrument,
    Item,
    ItemKey,
    Loop,
    QuestionConstruct,
    QuestionGrid,
    QuestionItem,
    Ref,
    Sequence,
    StatementItem,
    Variable,
)
from catalogue.store.reads import Snapshot

MAX_NODES = 5000


def command_context(command: Command | None) -> dict[str, Any] | None:
    if command is None or not (command.text or command.description):
        return None
    return {"language": command.program_language, "text": command.text, "description": command.description}


class FlowWalk:
    """One walk of one instrument (counts nodes, remembers the path to refuse cycles)."""

    def __init__(self, session: Session, snapshot: Snapshot, wave_ids: set[int]) -> None:
        self.session = session
        self.snapshot = snapshot
        self.wave_ids = wave_ids
        self.nodes = 0
        self.truncated = False
        self.fed_by = self._variables_by_question()

    def _variables_by_question(self) -> dict[tuple[str, str], list[dict[str, Any]]]:
        """The variables each question feeds, in the instrument's waves (or anywhere when shared)."""
        found: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for key, item in self.snapshot.items.items():
            if not isinstance(item, Variable):
                continue
            waves = set(self.snapshot.waves_of.get(key, []))
            if self.wave_ids and waves and not waves & self.wave_ids:
                continue
            for ref in item.questions:
                found.setdefault((ref.agency.lower(), ref.id), []).append(
                    {"urn": item.urn, "type": item.TYPE, "name": item.name, "label": item.label}
                )
        return found

    def node(self, ref: Ref | None, path: frozenset[ItemKey]) -> dict[str, Any] | None:
        if ref is None:
            return None
        if self.nodes >= MAX_NODES:
            self.truncated = True
            return None
        self.nodes += 1
        item = self.snapshot.resolve(ref)
        if item is None:
            return {"kind": "missing", "urn": ref.urn, "type": ref.type}
        if item.key in path:
            return {"kind": "cycle", "urn": item.urn, "type": item.TYPE, "name": item.name}
        path = path | {item.key}
        base = {"urn": item.urn, "type": item.TYPE, "name": item.name, "label": item.label}
        if isinstance(item, Sequence):
            children = [self.node(child, path) for child in item.children]
            return base | {"kind": "sequence", "children": [c for c in children if c]}
        if isinstance(item, QuestionConstruct):
            return base | {"kind": "question", "question": self.question(item.question)}
        if isinstance(item, IfThenElse):
            return base | {
                "kind": "if",
                "condition": command_context(item.condition),
                "then": self.node(item.then, path),
                "else": self.node(item.else_, path),
            }
        if isinstance(item, Loop):
            return base | {
                "kind": "loop",
                "initial": command_context(item.initial_value),
                "while": command_context(item.loop_while),
                "step": command_context(item.step_value),
                "body": self.node(item.body, path),
            }
        if isinstance(item, StatementItem):
            return base | {"kind": "statement", "text": item.text}
        if isinstance(item, ComputationItem):
            return base | {"kind": "computation", "command": command_context(item.command)}
        return base | {"kind": "other"}

    def question(self, ref: Ref | None) -> dict[str, Any] | None:
        from api.views import representation_context

        question: Item | None = self.snapshot.resolve(ref)
        if not isinstance(question, (QuestionItem, QuestionGrid)):
            return {"urn": ref.urn, "type": ref.type, "unresolved": True} if ref else None
        return {
            "urn": question.urn,
            "type": question.TYPE,
            "name": question.name,
            "label": question.label,
            "text": question.text,
            "instruction": question.instruction,
            "responses": [
                representation_context(self.snapshot, self.session, rep) for rep in question.responses
            ],
            "variables": self.fed_by.get((question.agency.lower(), question.id), []),
        }


def instrument_flow(session: Session, snapshot: Snapshot, instrument: Instrument) -> dict[str, Any]:
    """The instrument's top construct walked depth first, with counts of what it asks."""
    walk = FlowWalk(session, snapshot, set(snapshot.waves_of.get(instrument.key, [])))
    root = walk.node(instrument.root, frozenset({instrument.key}))
    questions = 0
    stack = [root] if root else []
    while stack:
        node = stack.pop()
        if node.get("kind") == "question":
            questions += 1
        stack += node.get("children", [])
        stack += [node[k] for k in ("then", "else", "body") if node.get(k)]
    return {"root": root, "nodes": walk.nodes, "questions": questions, "truncated": walk.truncated}
