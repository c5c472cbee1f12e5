"""Variables and their code lists as CSV: one row per code (one row for a variable without codes).

Columns are stable and named in English; texts get one column per interface language (`label_fr`,
`label_en`...). Missing-value codes are flagged in `missing` so that a spreadsheet can filter them out.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy.orm import Session

from api.views import representation_context
from catalogue.model import QuestionGrid, QuestionItem, Variable, first_text
from catalogue.store.reads import Snapshot

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"


def columns(languages: Sequence[str]) -> list[str]:
    return (
        ["study", "waves", "type", "name", "urn"]
        + [f"label_{lang}" for lang in languages]
        + ["representation", "unit", "minimum", "maximum", "question", "question_urn", "concepts", "code"]
        + [f"category_{lang}" for lang in languages]
        + ["missing"]
    )


def _rows_of(
    head: dict[str, Any], representation: dict[str, Any] | None, languages: Sequence[str]
) -> Iterator[dict[str, Any]]:
    rep = representation or {}
    base = dict(
        head,
        representation=rep.get("kind", ""),
        unit=rep.get("unit", ""),
        minimum=rep.get("minimum", ""),
        maximum=rep.get("maximum", ""),
    )
    codes = (rep.get("code_list") or {}).get("codes", [])
    if not codes:
        yield base
        return
    for code in codes:
        row = dict(base, code=code["value"], missing="yes" if code.get("missing") else "")
        for lang in languages:
            row[f"category_{lang}"] = (code.get("label") or {}).get(lang, "")
        yield row


def _head(
    study: str,
    waves: list[str],
    item_type: str,
    name: str | None,
    urn: str,
    label: dict[str, str],
    languages: Sequence[str],
) -> dict[str, Any]:
    head: dict[str, Any] = {
        "study": study,
        "waves": " ".join(waves),
        "type": item_type,
        "name": name or "",
        "urn": urn,
    }
    for lang in languages:
        head[f"label_{lang}"] = label.get(lang, "")
    return head


def item_rows(item: dict[str, Any], languages: Sequence[str]) -> Iterator[dict[str, Any]]:
    """Rows of one item as `api.views.item_context` describes it (a variable or a question)."""
    waves = [item["wave"]["name"]] if item.get("wave") else []
    label = item.get("label") or item.get("text") or {}
    head = _head(item["study"]["slug"], waves, item["type"], item.get("name"), item["urn"], label, languages)
    head["concepts"] = " | ".join(
        first_text(c.get("label") or {}) or c.get("name") or "" for c in item.get("concepts", [])
    )
    if item["type"] == "Variable":
        questions = item.get("questions", [])
        head["question"] = " ".join(q.get("name") or "" for q in questions)
        head["question_urn"] = " ".join(q["urn"] for q in questions)
        yield from _rows_of(head, item.get("representation"), languages)
    else:
        for rep in item.get("responses", []) or [None]:
            yield from _rows_of(head, rep, languages)


def snapshot_rows(
    session: Session, snapshot: Snapshot, languages: Sequence[str], wave_id: int | None = None
) -> Iterator[dict[str, Any]]:
    """Rows of every variable of a release (or of one wave), in name order."""
    wave_names = {w.id: w.name for w in snapshot.waves}
    variables = [
        (key, item)
        for key, item in snapshot.items.items()
        if isinstance(item, Variable) and (wave_id is None or wave_id in snapshot.waves_of.get(key, []))
    ]
    variables.sort(key=lambda pair: ((pair[1].name or "").lower(), pair[1].urn))
    for key, variable in variables:
        waves = [wave_names[w] for w in snapshot.waves_of.get(key, []) if w in wave_names]
        head = _head(
            snapshot.study.slug, waves, variable.TYPE, variable.name, variable.urn, variable.label, languages
        )
        questions = [
            q
            for q in (snapshot.resolve(r) for r in variable.questions)
            if isinstance(q, (QuestionItem, QuestionGrid))
        ]
        head["question"] = " ".join(q.name or "" for q in questions)
        head["question_urn"] = " ".join(q.urn for q in questions)
        concept = snapshot.resolve(variable.concept)
        head["concepts"] = (first_text(concept.label) or concept.name or "") if concept is not None else ""
        representation = (
            representation_context(snapshot, session, variable.representation)
            if variable.representation
            else None
        )
        yield from _rows_of(head, representation, languages)


def csv_text(rows: Iterable[dict[str, Any]], languages: Sequence[str]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=columns(languages), extrasaction="ignore", lineterminator="\r\n"
    )
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue()
