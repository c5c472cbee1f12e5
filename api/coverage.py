"""The coverage grid: for every cohort the viewer sees, how many variables each wave holds on each topic.

Built on the study page's `views.topic_coverage` (topic × wave for one release), for every visible study at
once, with each cell's search: the variables of that study, wave and topic, as the search page shows them.
Variables with no topic are counted on a row of their own, so that every variable of a wave is
counted somewhere (one with two topics counts on both rows).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from api.views import _variable_concepts, topic_coverage
from catalogue.model import Variable
from catalogue.store.reads import Viewer, load_snapshot, visible_studies


def coverage_context(session: Session, viewer: Viewer, *, studies: list[str] | None = None) -> dict[str, Any]:
    """Cohort × wave × topic counts of variables, published only (or the drafts the viewer may see)."""
    grids = []
    topics: dict[str, dict[str, Any]] = {}
    for study, release in visible_studies(session, viewer):
        if studies and study.slug not in studies:
            continue
        snapshot = load_snapshot(session, release)
        coverage = topic_coverage(snapshot)
        names = [w["name"] for w in coverage["waves"]]
        ages = {w.name: (w.age_min_months, w.age_max_months) for w in snapshot.waves}
        totals = [0] * len(names)
        without_topic = [0] * len(names)
        shared = 0
        for key, item in snapshot.items.items():
            if not isinstance(item, Variable):
                continue
            waves = {w.name for w in snapshot.waves if w.id in snapshot.waves_of.get(key, [])}
            shared += not waves
            untopical = not _variable_concepts(snapshot, item)
            for i, name in enumerate(names):
                totals[i] += name in waves
                without_topic[i] += name in waves and untopical
        rows = []
        for row in coverage["rows"]:
            facet = row["concept"]["facet"]
            topics.setdefault(facet, {"facet": facet, "label": row["concept"]["label"], "studies": 0})
            topics[facet]["studies"] += 1
            cells = [
                {"wave": name, "count": count,
                 "search": {"study": [study.slug], "wave": [name], "concept": [facet], "type": ["Variable"]}}
                for name, count in zip(names, row["counts"], strict=True)
            ]
            rows.append({"concept": row["concept"], "total": row["total"], "cells": cells})
        grids.append({
            "study": {"slug": study.slug, "title": dict(study.title)},
            "waves": [{**w, "age_min_months": ages.get(w["name"], (None, None))[0],
                       "age_max_months": ages.get(w["name"], (None, None))[1]} for w in coverage["waves"]],
            "rows": rows,
            "variables_per_wave": totals,
            "without_topic": without_topic,
            "variables_without_wave": shared,
        })
    return {"studies": grids, "topics": sorted(topics.values(), key=lambda t: t["facet"].lower())}
