"""The same question across waves: where a study asked a question (or measured a variable) again, at which
participants' age, and what changed in its wording or its code list from one wave to the next.

Within the item's study, another variable or question is the same measure when it is, in this order of
strength: the same question item reused (`same question`); a question whose text, normalised (case, accents,
punctuation and spacing ignored), equals the item's in one language (`same question text`); for variables,
the same name in another wave (`same name`: codebooks name a wave's variable as the last one), a label equal
once its trailing wave is left out (`same label`); or, for variables without a question, the
same concept when that concept names one variable per wave at most (a specific concept, not a topic:
`same concept`). Every wave the study holds is listed, by participants' age, asked there or not; between two
consecutive waves where it was asked, the wording (per language) and the code list (code by code) are
compared with `catalogue.diff`'s comparisons.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from sqlalchemy.orm import Session

from catalogue.diff import code_list_changes, text_changes
from catalogue.errors import NotFound
from catalogue.harmonisation import concept_label
from catalogue.model import CodeList, Item, ItemKey, LangText, QuestionGrid, QuestionItem, Ref, Variable
from catalogue.store.reads import Snapshot, Viewer, load_items, load_snapshot, to_item
from catalogue.store.tables import Wave

from api.views import find_item

REASONS = ("same item", "same question", "same question text", "same name", "same label", "same concept")
_PUNCTUATION = re.compile(r"[^\w]+")


def normalised(text: str) -> str:
    """Text compared for sameness: lower case, accents and punctuation off, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_PUNCTUATION.sub(" ", bare).split())


def _texts_key(text: LangText) -> set[tuple[str, str]]:
    return {(lang.split("-")[0], normalised(value)) for lang, value in text.items() if value and normalised(value)}


def _pair(ref: Ref | Item) -> tuple[str, str]:
    return (ref.agency.lower(), ref.id)


class _Study:
    """The release's variables and questions, with the waves each is asked at."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.waves_of_question: dict[tuple[str, str], set[int]] = {}
        self.variables: list[Variable] = []
        self.questions: list[Item] = []
        for key, item in snapshot.items.items():
            if isinstance(item, Variable):
                self.variables.append(item)
                for ref in item.questions:
                    self.waves_of_question.setdefault(_pair(ref), set()).update(snapshot.waves_of.get(key, []))
            elif isinstance(item, (QuestionItem, QuestionGrid)):
                self.questions.append(item)
                self.waves_of_question.setdefault(_pair(item), set()).update(snapshot.waves_of.get(key, []))
        for key, item in snapshot.items.items():
            if item.TYPE == "QuestionConstruct" and getattr(item, "question", None) is not None:
                self.waves_of_question.setdefault(_pair(item.question), set()).update(snapshot.waves_of.get(key, []))

    def waves(self, item: Item) -> set[int]:
        if isinstance(item, (QuestionItem, QuestionGrid)):
            return set(self.waves_of_question.get(_pair(item), set()))
        return set(self.snapshot.waves_of.get(item.key, []))

    def question_texts(self, variable: Variable) -> LangText:
        merged: LangText = {}
        for ref in variable.questions:
            question = self.snapshot.resolve(ref)
            if isinstance(question, (QuestionItem, QuestionGrid)):
                for lang, text in question.text.items():
                    merged[lang] = f"{merged[lang]} {text}" if lang in merged else text
        return merged


def _matches(study: _Study, item: Item) -> list[tuple[Item, str]]:
    """The study's items that are the same measure as `item`, with the strongest reason for each."""
    found: list[tuple[Item, str]] = []
    if isinstance(item, Variable):
        questions = {_pair(ref) for ref in item.questions}
        texts = _texts_key(study.question_texts(item))
        label = _texts_key(concept_label(item.label))
        concept = _pair(item.concept) if item.concept else None
        specific = concept is not None and _specific(study, concept)
        for other in study.variables:
            if other.key == item.key:
                continue
            reason = None
            if questions & {_pair(ref) for ref in other.questions}:
                reason = "same question"
            elif texts and texts & _texts_key(study.question_texts(other)):
                reason = "same question text"
            elif item.name and other.name and item.name.lower() == other.name.lower():
                reason = "same name"
            elif label and label & _texts_key(concept_label(other.label)):
                reason = "same label"
            elif not questions and specific and other.concept and _pair(other.concept) == concept:
                reason = "same concept"
            if reason:
                found.append((other, reason))
    elif isinstance(item, (QuestionItem, QuestionGrid)):
        texts = _texts_key(item.text)
        for other in study.questions:
            if other.key != item.key and _pair(other) != _pair(item) and texts & _texts_key(getattr(other, "text", {})):
                found.append((other, "same question text"))
    return found


def _specific(study: _Study, concept: tuple[str, str]) -> bool:
    per_wave: dict[int, int] = {}
    for variable in study.variables:
        if variable.concept and _pair(variable.concept) == concept:
            for wave_id in study.snapshot.waves_of.get(variable.key, []):
                per_wave[wave_id] = per_wave.get(wave_id, 0) + 1
    return bool(per_wave) and max(per_wave.values()) <= 1


def _ordered_waves(snapshot: Snapshot) -> list[Wave]:
    held = snapshot.held_waves()
    return sorted(held, key=lambda w: (w.age_min_months if w.age_min_months is not None else float("inf"),
                                       w.position))


def _code_list(snapshot: Snapshot, session: Session, item: Item) -> CodeList | None:
    ref = None
    if isinstance(item, Variable) and item.representation is not None:
        ref = item.representation.code_list
    elif isinstance(item, (QuestionItem, QuestionGrid)):
        ref = next((rep.code_list for rep in item.responses if rep.code_list is not None), None)
    if ref is None:
        return None
    found = snapshot.resolve(ref) or next(iter(load_items(session, [ref.key]).values()), None)
    return found if isinstance(found, CodeList) else None


def _occurrence(study: _Study, item: Item, reason: str) -> dict[str, Any]:
    text = dict(getattr(item, "text", {}) or {}) if not isinstance(item, Variable) else study.question_texts(item)
    return {"urn": item.urn, "type": item.TYPE, "name": item.name, "label": dict(item.label), "text": text,
            "reason": reason}


def item_waves_context(session: Session, urn: str, viewer: Viewer) -> dict[str, Any]:
    """The across-waves view of a variable or question (NotFound for anything else)."""
    row, study_row, release, _wave = find_item(session, urn, viewer)
    item = to_item(row)
    if not isinstance(item, (Variable, QuestionItem, QuestionGrid)):
        raise NotFound(f"{urn} is a {item.TYPE}: the across-waves view is for variables and questions")
    snapshot = load_snapshot(session, release)
    study = _Study(snapshot)
    own = snapshot.items.get(item.key, item)
    members: list[tuple[Item, str]] = [(own, "same item")] + _matches(study, own)
    by_wave: dict[int, list[tuple[Item, str]]] = {}
    for member, reason in members:
        for wave_id in study.waves(member):
            by_wave.setdefault(wave_id, []).append((member, reason))

    def resolve_in(ref: Ref | None) -> Item | None:
        if ref is None:
            return None
        return snapshot.resolve(ref) or next(iter(load_items(session, [ref.key]).values()), None)

    waves = []
    previous: tuple[str, Item] | None = None
    for wave in _ordered_waves(snapshot):
        found = sorted(by_wave.get(wave.id, []), key=lambda pair: REASONS.index(pair[1]))
        entry: dict[str, Any] = {
            "name": wave.name, "title": dict(wave.title), "age_min_months": wave.age_min_months,
            "age_max_months": wave.age_max_months, "start_date": wave.start_date, "end_date": wave.end_date,
            "asked": bool(found), "occurrences": [_occurrence(study, m, r) for m, r in _unique(found)],
            "changes": None,
        }
        if found:
            current = found[0][0]
            if previous is not None:
                entry["changes"] = _changes(study, session, previous, wave.name, current, resolve_in)
            previous = (wave.name, current)
        waves.append(entry)
    asked = [w for w in waves if w["asked"]]
    return {
        "urn": item.urn, "type": item.TYPE, "name": item.name, "label": dict(item.label),
        "text": dict(getattr(item, "text", {}) or {}),
        "study": {"slug": study_row.slug, "title": dict(study_row.title)},
        "release": {"number": release.number, "status": release.status},
        "waves": waves,
        "asked_in": [w["name"] for w in asked],
        "ages_months": [[w["age_min_months"], w["age_max_months"]] for w in asked],
    }


def _unique(found: list[tuple[Item, str]]) -> list[tuple[Item, str]]:
    seen: set[ItemKey] = set()
    kept = []
    for member, reason in found:
        if member.key not in seen:
            seen.add(member.key)
            kept.append((member, reason))
    return kept


def _changes(
    study: _Study, session: Session, previous: tuple[str, Item], wave_name: str, current: Item, resolve: Any
) -> dict[str, Any]:
    """What differs from the previous wave where it was asked: wording per language, code list code by code."""
    before_wave, before = previous

    def wording(item: Item) -> dict[str, Any]:
        text = study.question_texts(item) if isinstance(item, Variable) else dict(getattr(item, "text", {}) or {})
        return {"text": text, "label": concept_label(item.label)}

    texts = text_changes(wording(before), wording(current), ("text", "label"))
    worded = {(t["lang"], t["before"], t["after"]) for t in texts if t["field"] == "text"}
    texts = [t for t in texts if t["field"] == "text" or (t["lang"], t["before"], t["after"]) not in worded]
    old_list, new_list = _code_list(study.snapshot, session, before), _code_list(study.snapshot, session, current)
    codes: list[dict[str, Any]] = []
    if old_list is not None and new_list is not None and old_list.key != new_list.key:
        codes = code_list_changes(old_list, new_list, resolve, resolve)
    elif (old_list is None) != (new_list is None):
        codes = [{"value": None, "changes": ["code list " + ("added" if new_list else "removed")],
                  "before": None, "after": None}]
    return {"from": before_wave, "to": wave_name, "texts": texts, "codes": codes,
            "same": not texts and not codes}
