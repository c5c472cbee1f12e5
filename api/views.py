"""What each resource says, as plain data: one context feeds the JSON API, the pages and the exports.

Handlers return these dictionaries; the JSON routes send them as they are and the pages render them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalogue.errors import NotFound
from catalogue.harmonisation import comparable_links_context
from catalogue.model import (
    CodeList,
    Concept,
    Instrument,
    Item,
    ItemKey,
    QuestionGrid,
    QuestionItem,
    Representation,
    Variable,
    first_text,
    parse_urn,
)
from catalogue.store.reads import (
    Snapshot,
    Viewer,
    item_row_by_urn,
    item_row_visible,
    latest_visible_version,
    load_items,
    load_snapshot,
    referrers,
    release_counts,
    study_by_slug,
    to_item,
    visible_release,
    visible_studies,
)
from catalogue.store.tables import Item as ItemRow
from catalogue.store.tables import Release, ReleaseItem, Study, Wave

QUESTION_ROLES = ("question",)


def study_summary(session: Session, study: Study, release: Release) -> dict[str, Any]:
    counts = release_counts(session, release)
    totals: dict[str, int] = {}
    for per_wave in counts.values():
        for item_type, count in per_wave.items():
            totals[item_type] = totals.get(item_type, 0) + count
    return {
        "slug": study.slug,
        "urn": f"urn:ddi:{study.agency}:{study.ddi_id}:{study.version}",
        "title": study.title,
        "abstract": study.abstract,
        "attributes": study.attributes,
        "release": {"number": release.number, "status": release.status,
                    "published_at": release.published_at.isoformat() if release.published_at else None},
        "waves": len([w for w in counts if w is not None]),
        "counts": dict(sorted(totals.items())),
        "topics": release_topics(session, release),
        "data_sources": data_sources(study.attributes),
    }


def studies_context(session: Session, viewer: Viewer) -> list[dict[str, Any]]:
    return [study_summary(session, study, release) for study, release in visible_studies(session, viewer)]


def study_context(session: Session, slug: str, viewer: Viewer) -> dict[str, Any]:
    study = study_by_slug(session, slug)
    release = visible_release(session, study, viewer) if study else None
    if study is None or release is None:
        raise NotFound(f"no study {slug!r} in the catalogue")
    counts = release_counts(session, release)
    snapshot = load_snapshot(session, release)
    instruments: dict[int | None, list[dict[str, Any]]] = {}
    for key, item in snapshot.items.items():
        if item.TYPE == "Instrument":
            for wave_id in snapshot.waves_of.get(key) or [None]:
                instruments.setdefault(wave_id, []).append(
                    {"urn": item.urn, "name": item.name, "label": item.label or item.description}
                )
    waves = [
        {
            "name": wave.name,
            "urn": f"urn:ddi:{wave.agency}:{wave.ddi_id}:{wave.version}",
            "title": wave.title,
            "abstract": wave.abstract,
            "start_date": wave.start_date,
            "end_date": wave.end_date,
            "age_min_months": wave.age_min_months,
            "age_max_months": wave.age_max_months,
            "counts": dict(sorted(counts.get(wave.id, {}).items())),
            "instruments": instruments.get(wave.id, []),
        }
        for wave in snapshot.waves
        if wave.id in counts
    ]
    summary = study_summary(session, study, release)
    summary.update(
        purpose=study.purpose,
        waves=waves,
        shared_counts=dict(sorted(counts.get(None, {}).items())),
        shared_instruments=instruments.get(None, []),
        coverage=topic_coverage(snapshot),
        variables=variables_measured(snapshot),
    )
    return summary


def find_item(session: Session, urn: str, viewer: Viewer) -> tuple[ItemRow, Study, Release, Wave | None]:
    """The item version a URN names, if the viewer may see it; NotFound otherwise (never 'forbidden':
    the existence of another study's draft is not disclosed)."""
    parsed = parse_urn(urn)
    if parsed is None:
        raise NotFound(f"{urn!r} is not a DDI URN (urn:ddi:agency:id[:version])")
    agency, ddi_id, version = parsed
    row = item_row_by_urn(session, urn) if version else latest_visible_version(session, agency, ddi_id, viewer)
    where = item_row_visible(session, row, viewer) if row is not None else None
    if row is None or where is None:
        raise NotFound(f"no item {urn} in the catalogue")
    study, release, wave = where
    return row, study, release, wave


def representation_context(snapshot: Snapshot | None, session: Session, rep: Representation) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": rep.kind,
        "numeric_type": rep.numeric_type, "minimum": rep.minimum, "maximum": rep.maximum,
        "decimal_positions": rep.decimal_positions, "unit": rep.unit, "max_length": rep.max_length,
        "date_type": rep.date_type, "format": rep.format, "min_responses": rep.min_responses,
        "max_responses": rep.max_responses, "missing_values": rep.missing_values, "label": rep.label,
    }
    if rep.code_list is not None:
        data["code_list"] = code_list_context(snapshot, session, rep.code_list, rep.missing_values)
    return {k: v for k, v in data.items() if v not in (None, [], {})}


def _resolve(snapshot: Snapshot | None, session: Session, ref: Any) -> Item | None:
    if ref is None:
        return None
    if snapshot is not None:
        found = snapshot.resolve(ref)
        if found is not None:
            return found
    return next(iter(load_items(session, [ref.key]).values()), None)


def code_list_context(snapshot: Snapshot | None, session: Session, ref: Any, missing: list[str]) -> dict[str, Any]:
    code_list = _resolve(snapshot, session, ref)
    if not isinstance(code_list, CodeList):
        return {"urn": ref.urn, "codes": [], "unresolved": True}
    codes = []
    for code in code_list.codes:
        category = _resolve(snapshot, session, code.category)
        is_missing = bool(getattr(category, "is_missing", False)) or code.value in missing
        codes.append({"value": code.value, "label": category.label if category else {}, "missing": is_missing,
                      "category_urn": category.urn if category else None})
    return {"urn": code_list.urn, "name": code_list.name, "label": code_list.label, "codes": codes}


def item_context(
    session: Session, urn: str, viewer: Viewer, *, snapshot: Snapshot | None = None
) -> dict[str, Any]:
    """Everything the item page and the JSON API say about one item version.

    `snapshot`, when it is the loaded release holding the item, saves loading it again.
    """
    row, study, release, wave = find_item(session, urn, viewer)
    item = to_item(row)
    if snapshot is None or snapshot.release.id != release.id:
        snapshot = load_snapshot(session, release)
    versions = [
        {"version": r.version, "urn": r.urn}
        for r in session.scalars(
            select(ItemRow).where(ItemRow.agency_key == row.agency_key, ItemRow.ddi_id == row.ddi_id)
            .order_by(ItemRow.version_sort.desc())
        )
        if item_row_visible(session, r, viewer)
    ]
    data: dict[str, Any] = {
        "urn": item.urn, "type": item.TYPE, "agency": item.agency, "id": item.id, "version": item.version,
        "name": item.name, "label": item.label, "description": item.description,
        "study": {"slug": study.slug, "title": study.title},
        "wave": {"name": wave.name, "title": wave.title} if wave else None,
        "release": {"number": release.number, "status": release.status},
        "versions": versions,
        "latest": versions[0]["urn"] == item.urn if versions else True,
    }
    if isinstance(item, (QuestionItem, QuestionGrid)):
        data["text"] = item.text
        data["instruction"] = item.instruction
        data["responses"] = [representation_context(snapshot, session, rep) for rep in item.responses]
        if isinstance(item, QuestionGrid):
            data["dimensions"] = [
                {"rank": d.rank, "label": d.label,
                 "code_list": code_list_context(snapshot, session, d.code_list, []) if d.code_list else None}
                for d in item.dimensions
            ]
        fed = [r for r in referrers(session, row, role="question", release=release)]
        wave_names = {w.id: w.name for w in snapshot.waves}
        data["variables"] = [
            _item_link(to_item(r), wave_names, snapshot) for r in sorted(fed, key=lambda r: (r.name or "", r.urn))
        ]
        data["concepts"] = [_concept_link(_resolve(snapshot, session, c)) for c in item.concepts]
    elif isinstance(item, Variable):
        data["representation"] = (
            representation_context(snapshot, session, item.representation) if item.representation else None
        )
        data["questions"] = []
        for ref in item.questions:
            question = _resolve(snapshot, session, ref)
            if question is not None:
                data["questions"].append({"urn": question.urn, "type": question.TYPE, "name": question.name,
                                          "text": getattr(question, "text", {}) or question.label})
        data["concepts"] = [_concept_link(_resolve(snapshot, session, item.concept))] if item.concept else []
        data["other_waves"] = other_waves(snapshot, item)
        # the comparable variables confirmed in other cohorts, with their shared concept
        data["comparable"] = comparable_links_context(session, row.agency_key, row.ddi_id, viewer)
    elif isinstance(item, CodeList):
        data["code_list"] = code_list_context(snapshot, session, item.ref(), [])
    elif isinstance(item, Concept):
        wave_names = {w.id: w.name for w in snapshot.waves}
        data["variables"] = [
            _item_link(v, wave_names, snapshot) for v in snapshot.members("Variable")
            if isinstance(v, Variable) and v.concept and v.concept.id == item.id
        ]
    data["concepts"] = [c for c in data.get("concepts", []) if c]
    return data


def other_waves(snapshot: Snapshot, variable: Variable) -> list[dict[str, Any]]:
    """The same measure in the study's other waves: variables fed by the same question, else same concept."""
    wave_names = {w.id: w.name for w in snapshot.waves}
    own_waves = set(snapshot.waves_of.get(variable.key, []))
    questions = {(q.agency.lower(), q.id) for q in variable.questions}
    concept = (variable.concept.agency.lower(), variable.concept.id) if variable.concept else None
    found = []
    for other in snapshot.members("Variable"):
        if other is variable or not isinstance(other, Variable):
            continue
        other_waves_ids = set(snapshot.waves_of.get(other.key, []))
        if not other_waves_ids or other_waves_ids <= own_waves:
            continue
        same_question = questions & {(q.agency.lower(), q.id) for q in other.questions}
        same_concept = concept and other.concept and (other.concept.agency.lower(), other.concept.id) == concept
        if same_question or (not questions and same_concept):
            link = _item_link(other, wave_names, snapshot)
            link["reason"] = "same question" if same_question else "same concept"
            found.append(link)
    order = {w.id: w.position for w in snapshot.waves}
    found.sort(key=lambda link: min((order.get(w, 0) for w in link["wave_ids"]), default=0))
    return found


def _item_link(item: Item, wave_names: dict[int, str], snapshot: Snapshot) -> dict[str, Any]:
    wave_ids = snapshot.waves_of.get(item.key, [])
    return {"urn": item.urn, "type": item.TYPE, "name": item.name, "label": item.label,
            "waves": [wave_names[w] for w in wave_ids if w in wave_names], "wave_ids": wave_ids}


def _concept_link(concept: Item | None) -> dict[str, Any] | None:
    if concept is None:
        return None
    return {"urn": concept.urn, "name": concept.name, "label": concept.label}


def item_title(data: dict[str, Any], lang: str) -> str:
    return (data.get("name") or first_text(data.get("label") or {}, (lang,)) or data.get("id") or data["urn"])


# --- The public face (issue 6): topics, coverage, waves and instruments --------------------------------

VARIABLES_MEASURED_CAP = 1000


def release_topics(session: Session, release: Release) -> list[dict[str, Any]]:
    """The concepts (topics) of a release, labels per language, for the cohort cards."""
    rows = session.execute(
        select(ItemRow.urn, ItemRow.name, ItemRow.label)
        .join(ReleaseItem, ReleaseItem.item_id == ItemRow.id)
        .where(ReleaseItem.release_id == release.id, ItemRow.type == "Concept")
    )
    # Deduplicated here: PostgreSQL cannot compare json values for DISTINCT.
    unique = {urn: (name, label) for urn, name, label in rows}
    topics = [{"urn": urn, "name": name, "label": label or {}} for urn, (name, label) in unique.items()]
    return sorted(topics, key=lambda t: (first_text(t["label"]) or t["name"] or "").lower())


def data_sources(attributes: dict[str, str]) -> list[str]:
    """The kinds of data a study holds (questionnaire, administrative such as SNDS linkage...)."""
    raw = attributes.get("ddicat:dataSource", "")
    return sorted({part for part in raw.replace(",", " ").replace("|", " ").split() if part})


def concept_facet(concept: Item) -> str:
    """The value the search index files a concept under (search.documents: first label, else name)."""
    return first_text(concept.label) or concept.name or concept.id


def _variable_concepts(snapshot: Snapshot, variable: Variable) -> list[Item]:
    """A variable's topics: its own concept, else the concepts of the questions feeding it."""
    if variable.concept:
        found = snapshot.resolve(variable.concept)
        return [found] if found is not None else []
    concepts: list[Item] = []
    for ref in variable.questions:
        question = snapshot.resolve(ref)
        for concept_ref in getattr(question, "concepts", []) or []:
            concept = snapshot.resolve(concept_ref)
            if concept is not None and concept not in concepts:
                concepts.append(concept)
    return concepts


def topic_coverage(snapshot: Snapshot) -> dict[str, Any]:
    """Topic × wave: how many variables of each concept every wave holds."""
    waves = [w for w in snapshot.waves if any(w.id in ids for ids in snapshot.waves_of.values())]
    index = {w.id: i for i, w in enumerate(waves)}
    rows: dict[ItemKey, dict[str, Any]] = {}
    for key, item in snapshot.items.items():
        if not isinstance(item, Variable):
            continue
        for concept in _variable_concepts(snapshot, item):
            row = rows.get(concept.key)
            if row is None:
                row = rows[concept.key] = {
                    "concept": {"urn": concept.urn, "name": concept.name, "label": concept.label,
                                "facet": concept_facet(concept)},
                    "counts": [0] * len(waves), "total": 0,
                }
            for wave_id in set(snapshot.waves_of.get(key, [])):
                if wave_id in index:
                    row["counts"][index[wave_id]] += 1
            row["total"] += 1
    ordered = sorted(rows.values(), key=lambda r: (-r["total"], r["concept"]["facet"].lower()))
    return {"waves": [{"name": w.name, "title": w.title} for w in waves], "rows": ordered}


def variables_measured(snapshot: Snapshot, wave_id: int | None = None) -> dict[str, Any]:
    """The variables of a release (or of one wave), in name order, capped for the pages and JSON-LD."""
    wave_names = {w.id: w.name for w in snapshot.waves}
    found = []
    for key, item in snapshot.items.items():
        if not isinstance(item, Variable):
            continue
        wave_ids = snapshot.waves_of.get(key, [])
        if wave_id is not None and wave_id not in wave_ids:
            continue
        concepts = _variable_concepts(snapshot, item)
        found.append({
            "urn": item.urn, "name": item.name, "label": item.label, "description": item.description,
            "kind": item.representation.kind if item.representation else None,
            "unit": item.representation.unit if item.representation else None,
            "waves": [wave_names[w] for w in wave_ids if w in wave_names],
            "concepts": [{"urn": c.urn, "label": c.label, "name": c.name} for c in concepts],
        })
    found.sort(key=lambda v: ((v["name"] or "").lower(), v["urn"]))
    return {"total": len(found), "items": found[:VARIABLES_MEASURED_CAP]}


def wave_context(session: Session, slug: str, name: str, viewer: Viewer) -> dict[str, Any]:
    """One wave of a study: dates, participants' age, instruments, topics and variables."""
    study = study_by_slug(session, slug)
    release = visible_release(session, study, viewer) if study else None
    if study is None or release is None:
        raise NotFound(f"no study {slug!r} in the catalogue")
    snapshot = load_snapshot(session, release)
    counts = release_counts(session, release)
    waves = [w for w in snapshot.waves if w.id in counts]
    wave = next((w for w in waves if w.name == name), None)
    if wave is None:
        names = ", ".join(w.name for w in waves) or "none"
        raise NotFound(f"study {slug!r} has no wave {name!r} (waves: {names})")
    position = waves.index(wave)
    instruments = [
        {"urn": item.urn, "name": item.name, "label": item.label or item.description}
        for key, item in snapshot.items.items()
        if item.TYPE == "Instrument" and wave.id in snapshot.waves_of.get(key, [])
    ]
    coverage = topic_coverage(snapshot)
    column = next((i for i, w in enumerate(coverage["waves"]) if w["name"] == wave.name), None)
    topics = [
        {"concept": row["concept"], "count": row["counts"][column]}
        for row in coverage["rows"] if column is not None and row["counts"][column]
    ]
    neighbour = {"previous": waves[position - 1] if position > 0 else None,
                 "next": waves[position + 1] if position + 1 < len(waves) else None}
    return {
        "study": {"slug": study.slug, "title": study.title,
                  "urn": f"urn:ddi:{study.agency}:{study.ddi_id}:{study.version}",
                  "attributes": study.attributes},
        "release": {"number": release.number, "status": release.status},
        "name": wave.name,
        "urn": f"urn:ddi:{wave.agency}:{wave.ddi_id}:{wave.version}",
        "title": wave.title, "abstract": wave.abstract,
        "start_date": wave.start_date, "end_date": wave.end_date,
        "age_min_months": wave.age_min_months, "age_max_months": wave.age_max_months,
        "counts": dict(sorted(counts.get(wave.id, {}).items())),
        "instruments": sorted(instruments, key=lambda i: i["urn"]),
        "topics": topics,
        "variables": variables_measured(snapshot, wave.id),
        "previous": _wave_link(neighbour["previous"]),
        "next": _wave_link(neighbour["next"]),
    }


def _wave_link(wave: Wave | None) -> dict[str, Any] | None:
    return {"name": wave.name, "title": wave.title} if wave is not None else None


def instrument_context(session: Session, urn: str, viewer: Viewer) -> dict[str, Any]:
    """An instrument and its flow: sections, questions with their responses, routing and loops."""
    from api.instrument_flow import instrument_flow

    row, study, release, wave = find_item(session, urn, viewer)
    item = to_item(row)
    if not isinstance(item, Instrument):
        raise NotFound(f"{urn} is a {item.TYPE}, not an instrument")
    snapshot = load_snapshot(session, release)
    wave_rows = snapshot.wave_by_id()
    wave_ids = snapshot.waves_of.get(item.key, [])
    return {
        "urn": item.urn, "type": item.TYPE, "agency": item.agency, "id": item.id, "version": item.version,
        "name": item.name, "label": item.label, "description": item.description,
        "instrument_type": item.instrument_type,
        "study": {"slug": study.slug, "title": study.title},
        "wave": {"name": wave.name, "title": wave.title} if wave else None,
        "waves": [_wave_link(wave_rows[w]) for w in wave_ids if w in wave_rows],
        "release": {"number": release.number, "status": release.status},
        "flow": instrument_flow(session, snapshot, item),
    }


PAGE_ITEM_TYPES = ("Variable", "QuestionItem", "QuestionGrid", "Instrument", "Concept")


def public_pages(session: Session, viewer: Viewer) -> list[dict[str, Any]]:
    """Every page of the catalogue a viewer may see: studies, waves and items, with their last change.

    The sitemap lists these and the static export writes them.
    """
    pages: list[dict[str, Any]] = []
    seen: set[str] = set()
    for study, release in visible_studies(session, viewer):
        changed = release.published_at or release.created_at
        pages.append({"kind": "study", "study": study.slug, "slug": study.slug, "changed": changed})
        counts = release_counts(session, release)
        for wave in session.scalars(select(Wave).where(Wave.study_id == study.id).order_by(Wave.position)):
            if wave.id in counts:
                pages.append({"kind": "wave", "study": study.slug, "slug": study.slug, "name": wave.name,
                              "changed": changed})
        rows = session.execute(
            select(ItemRow.urn, ItemRow.type)
            .join(ReleaseItem, ReleaseItem.item_id == ItemRow.id)
            .where(ReleaseItem.release_id == release.id, ItemRow.type.in_(PAGE_ITEM_TYPES))
            .order_by(ItemRow.type, ItemRow.urn)
        )
        for urn, item_type in rows:
            if urn not in seen:
                seen.add(urn)
                pages.append({"kind": "item", "study": study.slug, "urn": urn, "type": item_type,
                              "changed": changed})
    return pages
