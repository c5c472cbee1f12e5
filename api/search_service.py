"""One search implementation behind the API, the pages and the CLI: parameters in, a query out, JSON back."""

from __future__ import annotations

from typing import Any

from catalogue.model import first_text
from search.base import DEFAULT_FACETS, FACETS, SearchQuery, SearchResult, Visibility

MAX_LIMIT = 200


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
