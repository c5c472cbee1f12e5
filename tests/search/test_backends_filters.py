"""Filters, facets, age range, visibility, pages and sorting, checked against plain-Python answers."""

from __future__ import annotations

import pytest
from search_oracle import facet_counts, filtered, identity

from ddi_schemas.problems import InvalidInput
from search.base import FACETS, SearchBackend, SearchDocument, SearchQuery, Visibility
from search.layout import sort_key

ALL = 100

FILTER_CASES: list[dict[str, list[str]]] = [
    {"study": ["petitpas"]},
    {"wave": ["naissance-1a"]},
    {"wave": ["naissance-1a", "petitpas-6m"]},
    {"type": ["QuestionItem", "QuestionGrid"]},
    {"lang": ["und"]},
    {"representation": ["code"]},
    {"data_source": ["registry", "medical_record"]},
    {"concept": ["sommeil"]},
    {"study": ["naissance"], "concept": ["allaitement", "sommeil"], "type": ["Variable"]},
    {"wave": ["naissance-3a"], "representation": ["numeric"]},
    {"study": ["nowhere"]},
]


def keys(result_hits: list) -> set[tuple[str, str]]:
    return {identity(hit) for hit in result_hits}


@pytest.mark.parametrize("filters", FILTER_CASES)
def test_filters_and_their_composition(
    catalogue: SearchBackend, documents: list[SearchDocument], filters: dict[str, list[str]]
) -> None:
    query = SearchQuery(filters=filters, facets=FACETS, limit=ALL)
    result = catalogue.search(query)
    expected = filtered(documents, query)
    assert keys(result.hits) == {identity(d) for d in expected}
    assert result.total == len(expected)
    assert result.facets == {name: counts for name, counts in facet_counts(expected, FACETS).items()}


@pytest.mark.parametrize(
    "text, filters",
    [
        ("allaitement", {}),
        ("allaitement", {"wave": ["naissance-2m"]}),
        ("sommeil OR écrans", {"study": ["petitpas"]}),
        ("enfant", {"type": ["Variable", "QuestionItem"], "concept": ["sommeil", "hospitalisation"]}),
        ("allait*", {"representation": ["code"]}),
        ("allaitemnt", {"study": ["naissance"]}),
    ],
)
def test_facet_counts_are_counts_of_the_matches_under_all_filters(
    catalogue: SearchBackend, documents: list[SearchDocument], text: str, filters: dict[str, list[str]]
) -> None:
    result = catalogue.search(SearchQuery(text=text, filters=filters, facets=FACETS, limit=ALL))
    by_identity = {identity(d): d for d in documents}
    matched = [by_identity[identity(hit)] for hit in result.hits]
    assert result.total == len(matched) > 0
    assert result.facets == facet_counts(matched, FACETS)
    assert {identity(d) for d in matched} <= {
        identity(d) for d in filtered(documents, SearchQuery(filters=filters))
    }


def test_only_requested_facets_are_counted(catalogue: SearchBackend) -> None:
    assert catalogue.search(SearchQuery(text="sommeil", facets=())).total == 6
    assert set(catalogue.search(SearchQuery(text="sommeil")).facets) == {"study", "wave", "type", "lang"}
    assert catalogue.search(SearchQuery(text="sommeil", facets=("concept",))).facets == {
        "concept": {"sommeil": 6}
    }


def test_language_restriction(catalogue: SearchBackend, documents: list[SearchDocument]) -> None:
    query = SearchQuery(lang="de", limit=ALL)
    assert [hit.name for hit in catalogue.search(query).hits] == ["SLEEP_DUR_DE"]
    assert catalogue.search(SearchQuery(lang="fr", limit=ALL)).total == len(
        filtered(documents, SearchQuery(lang="fr"))
    )


@pytest.mark.parametrize("low, high", [(10, 14), (0, 0), (None, 3), (30, None), (7, 11), (2, 2)])
def test_age_range_matches_any_age_of_the_item(
    catalogue: SearchBackend, documents: list[SearchDocument], low: float | None, high: float | None
) -> None:
    query = SearchQuery(age_min_months=low, age_max_months=high, limit=ALL)
    result = catalogue.search(query)
    assert keys(result.hits) == {identity(d) for d in filtered(documents, query)}


def test_age_range_composes_with_text_and_filters(catalogue: SearchBackend) -> None:
    query = SearchQuery(
        text="sommeil", filters={"study": ["naissance"]}, age_min_months=30, age_max_months=40
    )
    assert {hit.name for hit in catalogue.search(query).hits} == {
        "sommeil_nuit_h",
        "Q_SOMMEIL",
        "reveils_nuit",
    }


def test_drafts_are_invisible_to_the_public(catalogue: SearchBackend) -> None:
    public = catalogue.search(SearchQuery(text="allaitement", limit=ALL))
    assert all(hit.state == "published" for hit in public.hits)
    assert catalogue.search(SearchQuery(text="biberon")).total == 0


def test_a_study_member_sees_the_draft_instead_of_the_published_version(
    catalogue: SearchBackend, documents: list[SearchDocument]
) -> None:
    member = Visibility(draft_studies=frozenset({"naissance"}))
    assert [hit.name for hit in catalogue.search(SearchQuery(text="biberon", visibility=member)).hits] == [
        "allait_mixte"
    ]
    hits = catalogue.search(SearchQuery(text="durée allaitement", visibility=member, limit=ALL)).hits
    naissance = [hit for hit in hits if hit.study == "naissance"]
    assert [(hit.name, hit.state, hit.urn.rsplit(":", 1)[1]) for hit in naissance] == [
        ("allait_duree", "draft", "2")
    ]
    assert {hit.name for hit in hits if hit.study == "petitpas"} == {"BF_EXCL_M"}  # published elsewhere
    browse = SearchQuery(visibility=member, facets=FACETS, limit=ALL)
    result = catalogue.search(browse)
    assert keys(result.hits) == {identity(d) for d in filtered(documents, browse)}
    assert result.facets == facet_counts(filtered(documents, browse), FACETS)


def test_pages_keep_the_total(catalogue: SearchBackend, documents: list[SearchDocument]) -> None:
    everything = catalogue.search(SearchQuery(limit=ALL, sort="name"))
    pages = [catalogue.search(SearchQuery(limit=4, offset=offset, sort="name")) for offset in range(0, 24, 4)]
    assert {page.total for page in pages} == {everything.total}
    assert [hit.urn for page in pages for hit in page.hits] == [hit.urn for hit in everything.hits]
    relevance = [catalogue.search(SearchQuery(text="sommeil", limit=2, offset=o)) for o in (0, 2, 4, 6)]
    assert [len(page.hits) for page in relevance] == [2, 2, 2, 0]
    assert len({hit.urn for page in relevance for hit in page.hits}) == 6
    assert catalogue.search(SearchQuery(text="sommeil", limit=0)).hits == []
    assert catalogue.search(SearchQuery(text="sommeil", limit=0)).total == 6


def test_sort_by_name(catalogue: SearchBackend, documents: list[SearchDocument]) -> None:
    query = SearchQuery(text="sommeil OR allaitement", sort="name", limit=ALL)
    names = [hit.name for hit in catalogue.search(query).hits]
    by_identity = {identity(d): d for d in documents}
    expected = sorted((by_identity[identity(h)] for h in catalogue.search(query).hits), key=sort_key)
    assert names == [d.name for d in expected]
    assert names[:3] == ["allait_arret_age", "allait_duree", "allait_ever"]


@pytest.mark.parametrize(
    "query",
    [
        SearchQuery(filters={"colour": ["red"]}),
        SearchQuery(facets=("study", "colour")),
        SearchQuery(limit=-1),
        SearchQuery(age_min_months=12, age_max_months=6),
    ],
)
def test_impossible_queries_are_refused_with_problems(catalogue: SearchBackend, query: SearchQuery) -> None:
    with pytest.raises(InvalidInput) as refused:
        catalogue.search(query)
    assert refused.value.problems and refused.value.problems[0].location.element
