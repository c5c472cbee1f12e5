"""The answers computed in plain Python over the test catalogue, to check the engines against."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from search.base import SearchDocument, SearchHit, SearchQuery, Visibility


def values_of(document: SearchDocument, facet: str) -> list[str]:
    """A document's values for one facet, read straight from its fields."""
    return {
        "study": [document.study],
        "wave": document.waves,
        "type": [document.type],
        "lang": document.languages,
        "representation": [document.representation],
        "data_source": [document.data_source],
        "concept": document.concepts,
    }[facet]


def identity(item: SearchDocument | SearchHit) -> tuple[str, str]:
    """A document or hit by URN and state (a draft may share the published URN)."""
    return item.urn, item.state


def visible(documents: Iterable[SearchDocument], visibility: Visibility) -> list[SearchDocument]:
    """Drafts of `draft_studies` instead of their published documents; published documents elsewhere."""
    return [
        d for d in documents if d.state == ("draft" if d.study in visibility.draft_studies else "published")
    ]


def filtered(documents: Iterable[SearchDocument], query: SearchQuery) -> list[SearchDocument]:
    """The visible documents passing the query's filters, language and age range (its text ignored)."""
    kept = []
    for document in visible(documents, query.visibility):
        if any(
            wanted and not set(wanted) & set(values_of(document, facet))
            for facet, wanted in query.filters.items()
        ):
            continue
        if query.lang and query.lang not in document.languages:
            continue
        low, high = query.age_min_months, query.age_max_months
        if (low is not None or high is not None) and not any(
            (low is None or age >= low) and (high is None or age <= high) for age in document.ages_months
        ):
            continue
        kept.append(document)
    return kept


def facet_counts(documents: Iterable[SearchDocument], facets: Iterable[str]) -> dict[str, dict[str, int]]:
    """Documents per facet value."""
    documents = list(documents)
    counts = {}
    for facet in facets:
        counter: Counter[str] = Counter()
        for document in documents:
            counter.update(values_of(document, facet))
        counts[facet] = dict(counter)
    return counts
