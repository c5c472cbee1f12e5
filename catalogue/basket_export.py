"""A basket out of the catalogue: as CSV rows, as a DDI-L 3.3 document, and as the codebook page's data.

Every form describes each variable the same way: its study and waves (with the participants' age), name,
labels in French and English, the text of the questions feeding it, its representation and its code list
(missing codes marked). The DDI-L document holds the variables with everything they refer to (questions, code
lists, categories, concepts), in one g:ResourcePackage as they come from several studies, and the
confirmed comparable variables among them as a cm:Comparison.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from catalogue.basket import BasketVariable
from catalogue.ddi.writer import ddi_bytes
from catalogue.exports import item_package
from catalogue.harmonisation_ddi import harmonised_links, with_harmonisation
from catalogue.model import (
    Category,
    CodeList,
    DDIPackage,
    Item,
    ItemKey,
    LangText,
    QuestionGrid,
    QuestionItem,
    Variable,
    first_text,
)
from catalogue.store.reads import Snapshot, load_items, load_snapshot, to_item

CSV_COLUMNS = (
    "study", "waves", "ages_months", "name", "label_fr", "label_en", "question_fr", "question_en",
    "representation", "unit", "range", "code_list", "missing_codes", "concepts", "urn",
)
INSTANCE_ID = "ddicat-basket"


class _Releases:
    """Loaded releases by id: the variables of one study resolve their references in one snapshot."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._loaded: dict[int, Snapshot] = {}

    def of(self, entry: BasketVariable) -> Snapshot:
        found = self._loaded.get(entry.release.id)
        if found is None:
            found = self._loaded[entry.release.id] = load_snapshot(self.session, entry.release)
        return found


def _resolve(session: Session, snapshot: Snapshot, ref: Any) -> Item | None:
    if ref is None:
        return None
    return snapshot.resolve(ref) or next(iter(load_items(session, [ref.key]).values()), None)


def variable_description(session: Session, snapshot: Snapshot, entry: BasketVariable) -> dict[str, Any]:
    """One basket variable as every export form shows it."""
    item = to_item(entry.row)
    assert isinstance(item, Variable)
    questions = []
    for ref in item.questions:
        question = _resolve(session, snapshot, ref)
        if isinstance(question, (QuestionItem, QuestionGrid)):
            questions.append({"urn": question.urn, "name": question.name, "text": dict(question.text)})
    rep = item.representation
    codes: list[dict[str, Any]] = []
    if rep is not None and rep.code_list is not None:
        code_list = _resolve(session, snapshot, rep.code_list)
        if isinstance(code_list, CodeList):
            for code in code_list.codes:
                category = _resolve(session, snapshot, code.category)
                missing = code.value in rep.missing_values or (isinstance(category, Category) and category.is_missing)
                codes.append({"value": code.value, "label": dict(category.label) if category else {},
                              "missing": bool(missing)})
    concepts = []
    if item.concept is not None:
        concept = _resolve(session, snapshot, item.concept)
        if concept is not None:
            concepts.append({"urn": concept.urn, "label": dict(concept.label), "name": concept.name})
    return {
        "urn": item.urn, "name": item.name, "label": dict(item.label), "description": dict(item.description),
        "study": {"slug": entry.study.slug, "title": dict(entry.study.title)},
        "waves": [{"name": w.name, "title": dict(w.title), "age_min_months": w.age_min_months,
                   "age_max_months": w.age_max_months} for w in entry.waves],
        "questions": questions,
        "representation": {
            "kind": rep.kind if rep else None, "unit": rep.unit if rep else None,
            "minimum": rep.minimum if rep else None, "maximum": rep.maximum if rep else None,
            "date_type": rep.date_type if rep else None, "max_length": rep.max_length if rep else None,
        },
        "codes": codes,
        "concepts": concepts,
    }


def basket_descriptions(session: Session, entries: Iterable[BasketVariable]) -> list[dict[str, Any]]:
    releases = _Releases(session)
    return [variable_description(session, releases.of(entry), entry) for entry in entries]


def codebook_context(descriptions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The descriptions grouped per study, then per wave (variables of no wave last), in basket order."""
    studies: dict[str, dict[str, Any]] = {}
    for description in descriptions:
        study = studies.setdefault(description["study"]["slug"], {"study": description["study"], "waves": {}})
        wave = description["waves"][0] if description["waves"] else None
        key = wave["name"] if wave else ""
        group = study["waves"].setdefault(key, {"wave": wave, "variables": []})
        group["variables"].append(description)
    return [{"study": s["study"], "waves": list(s["waves"].values())} for s in studies.values()]


def _joined(text: LangText, lang: str) -> str:
    return text.get(lang) or ""


def _ages(waves: list[dict[str, Any]]) -> str:
    spans = []
    for wave in waves:
        low, high = wave["age_min_months"], wave["age_max_months"]
        if low is None and high is None:
            continue
        spans.append(_number(low) if low == high or high is None else f"{_number(low)}-{_number(high)}")
    return " | ".join(spans)


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def basket_csv(descriptions: list[dict[str, Any]]) -> str:
    """One row per variable (UTF-8 with a byte order mark, so that spreadsheets read the accents)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for d in descriptions:
        rep = d["representation"]
        questions_fr = " / ".join(q["text"].get("fr", "") for q in d["questions"] if q["text"].get("fr"))
        questions_en = " / ".join(q["text"].get("en", "") for q in d["questions"] if q["text"].get("en"))
        code_list = " | ".join(
            f"{c['value']}={first_text(c['label'], ('fr', 'en'))}"
            + (f" / {c['label']['en']}" if c["label"].get("en") and c["label"].get("fr") else "")
            for c in d["codes"]
        )
        low, high = rep.get("minimum"), rep.get("maximum")
        writer.writerow([
            d["study"]["slug"], " | ".join(w["name"] for w in d["waves"]), _ages(d["waves"]), d["name"] or "",
            _joined(d["label"], "fr"), _joined(d["label"], "en"), questions_fr, questions_en, rep.get("kind") or "",
            rep.get("unit") or "", f"[{low or ''};{high or ''}]" if low or high else "", code_list,
            " ".join(c["value"] for c in d["codes"] if c["missing"]),
            " | ".join(first_text(c["label"], ("fr", "en")) or c["name"] or "" for c in d["concepts"]), d["urn"],
        ])
    return "\ufeff" + out.getvalue()


def basket_package(session: Session, entries: Iterable[BasketVariable]) -> DDIPackage:
    """The basket's variables and everything they refer to, transitively, as one package of shared items."""
    chosen: dict[ItemKey, Item] = {}
    for entry in entries:
        for item in item_package(session, entry.row).items:
            chosen.setdefault(item.key, item)
    items = list(chosen.values())
    return DDIPackage(items=items, placement={item.key: None for item in items}, source_name="the basket")


def basket_ddi(session: Session, entries: list[BasketVariable], *, agency: str) -> bytes:
    """The basket as one DDI-L 3.3 DDIInstance, with the confirmed comparable variables among it."""
    package = basket_package(session, entries)
    document = ddi_bytes(package, instance_id=ItemKey(agency, INSTANCE_ID, "1"))
    pairs = {(entry.row.agency_key, entry.row.ddi_id) for entry in entries}
    links = [link for link in harmonised_links(session, pairs=pairs)
             if (link.left_agency, link.left_ddi_id) in pairs and (link.right_agency, link.right_ddi_id) in pairs]
    return with_harmonisation(document, session, links, agency=agency)
