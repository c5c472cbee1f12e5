"""One search implementation behind the API, the pages and the CLI: parameters in, a query out, JSON back."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalogue.model import first_text
from catalogue.store.reads import Viewer, draft_release
from catalogue.store.tables import Study
from search.base import DEFAULT_FACETS, FACETS, SearchBackend, SearchQuery, SearchResult, Visibility

MAX_LIMIT = 200
# The page keeps the interface language in `lang`: its filter on the items' language is `language`.
PAGE_LANGUAGE_PARAM = "language"
LIST_FILTERS: tuple[tuple[str, str], ...] = (
    ("study", "study"), ("wave", "wave"), ("type", "type"), ("representation", "representation"),
    ("data_source", "data_source"), ("concept", "concept"),
)


def search_query(
    *,
    text: str = "",
    study: list[str] | None = None,
    wave: list[str] | None = None,
    item_type: list[str] | None = None,
    lang: str | None = None,
    representation: list[str] | None = None,
    data_source: list[str] | None = None,
    concept: list[str] | None = None,
    age_min: float | None = None,
    age_max: float | None = None,
    sort: str = "relevance",
    limit: int = 20,
    offset: int = 0,
    visibility: Visibility | None = None,
    facets: tuple[str, ...] = DEFAULT_FACETS,
) -> SearchQuery:
    """A SearchQuery from request parameters (empty values dropped, limits bounded)."""
    filters = {
        name: [v for v in values if v]
        for name, values in (
            ("study", study), ("wave", wave), ("type", item_type), ("representation", representation),
            ("data_source", data_source), ("concept", concept),
        )
        if values and any(values)
    }
    return SearchQuery(
        text=text.strip(),
        filters=filters,
        facets=tuple(f for f in facets if f in FACETS),
        age_min_months=age_min,
        age_max_months=age_max,
        lang=lang or None,
        sort="name" if sort == "name" else "relevance",
        limit=max(1, min(limit, MAX_LIMIT)),
        offset=max(0, offset),
        visibility=visibility or Visibility.public(),
    )


def search_result_json(result: SearchResult) -> dict[str, Any]:
    """The answer as the API returns it."""
    return {
        "total": result.total,
        "hits": [
            {
                "urn": hit.urn,
                "type": hit.type,
                "name": hit.name,
                "label": hit.labels,
                "question_text": hit.question_texts,
                "study": hit.study,
                "waves": hit.waves,
                "state": hit.state,
                "score": round(hit.score, 4),
                "highlights": hit.highlights,
                "title": first_text(hit.labels) or first_text(hit.question_texts),
            }
            for hit in result.hits
        ],
        "facets": {name: [{"value": v, "count": c} for v, c in counts.items()] for name, counts in result.facets.items()},
    }


def search_visibility(session: Session, viewer: Viewer) -> Visibility:
    """The search visibility matching the viewer: drafts of the studies they hold a role on."""
    if not viewer.draft_study_ids and not viewer.is_admin:
        return Visibility.public()
    slugs = {
        study.slug for study in session.scalars(select(Study))
        if viewer.sees_drafts_of(study.id) and draft_release(session, study.id) is not None
    }
    return Visibility(draft_studies=frozenset(slugs))


@dataclass(slots=True)
class SearchRequest:
    """A search as the API and the page receive it, before it becomes a SearchQuery."""

    text: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    lang: str | None = None
    age_min: float | None = None
    age_max: float | None = None
    sort: str = "relevance"
    limit: int = 20
    offset: int = 0

    def url_params(self) -> dict[str, Any]:
        """Every filter as the page's URL carries it (the text and paging apart), for links that keep them."""
        params: dict[str, Any] = {name: list(values) for name, values in self.filters.items() if values}
        if self.lang:
            params[PAGE_LANGUAGE_PARAM] = self.lang
        if self.age_min is not None:
            params["age_min"] = _number(self.age_min)
        if self.age_max is not None:
            params["age_max"] = _number(self.age_max)
        if self.sort != "relevance":
            params["sort"] = self.sort
        return params


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def search_filters(**values: list[str] | None) -> dict[str, list[str]]:
    """The list filters of a request, empty values dropped (study=, wave=, type=...)."""
    return {name: [v for v in found if v] for name, found in values.items() if found and any(found)}


def search_run(
    *, backend: SearchBackend, session: Session, viewer: Viewer, request: SearchRequest,
    facets: tuple[str, ...] = FACETS,
) -> SearchResult:
    """The one search of the API, the pages and the CLI: the request, seen by the viewer, on the backend."""
    filters = request.filters
    query = search_query(
        text=request.text, study=filters.get("study"), wave=filters.get("wave"), item_type=filters.get("type"),
        lang=request.lang, representation=filters.get("representation"),
        data_source=filters.get("data_source"), concept=filters.get("concept"), age_min=request.age_min,
        age_max=request.age_max, sort=request.sort, limit=request.limit, offset=request.offset,
        visibility=search_visibility(session, viewer), facets=facets,
    )
    return backend.search(query)


def search_page_facets(request: SearchRequest, result: SearchResult) -> dict[str, list[dict[str, Any]]]:
    """Each facet's values with their counts, whether chosen, and the URL parameters that toggle them
    (every other filter kept, so that a search can be bookmarked and shared)."""
    base = request.url_params()
    facets: dict[str, list[dict[str, Any]]] = {}
    for name, counts in result.facets.items():
        if not counts:
            continue
        entries = []
        for value, count in counts.items():
            params = {k: (list(v) if isinstance(v, list) else v) for k, v in base.items()}
            if name == "lang":
                selected = request.lang == value
                if selected:
                    params.pop(PAGE_LANGUAGE_PARAM, None)
                else:
                    params[PAGE_LANGUAGE_PARAM] = value
            else:
                chosen = list(params.get(name, []))
                selected = value in chosen
                params[name] = [v for v in chosen if v != value] if selected else chosen + [value]
            entries.append({"value": value, "count": count, "selected": selected, "params": params})
        facets[name] = entries
    return facets


def search_page_active(request: SearchRequest) -> list[dict[str, Any]]:
    """The filters in force, each with the URL parameters that remove it (the others kept)."""
    base = request.url_params()
    active = []
    for name, values in base.items():
        if name == "sort":
            continue
        for value in values if isinstance(values, list) else [values]:
            params = {k: (list(v) if isinstance(v, list) else v) for k, v in base.items()}
            if isinstance(values, list):
                params[name] = [v for v in values if v != value]
            else:
                params.pop(name)
            active.append({"name": name, "value": value, "params": params})
    return active
