"""Every engine gives the same answers: totals, hits, facet counts and highlighted fragments."""

from __future__ import annotations

import pytest
from search_oracle import identity

from search.base import FACETS, SearchBackend, SearchQuery, Visibility

QUERIES = [
    "allaitement",
    "ALLAITÉ",
    "allaitée",
    "allaitait",
    "allait*",
    "allaitment",
    "allaitemnt",
    "breastfed",
    "breastfeeding",
    "sleeping",
    "sommeil enfant",
    '"durée de l\'allaitement"',
    "allaitement -durée",
    "écrans OR hospitalisation",
    "hosp_1an",
    "SLEEP_PROB",
    "hospitalisée",
    "mère",
    "Schlafdauer",
    "tablette",
    "lait maternel",
    '"lait maternel"',
    "nuit -réveils",
    "hosp*",
    "xyzzy",
    "de la",
    "",
    "enfant OR baby",
    "somneil",
    "-enfant",
    '"durée de l\'allaitement" exclusif',
    'enfant "lait maternel"',
    '"lait maternel" OR "night-time sleep"',
    '"temps passé" écrans -tablette',
]
VISIBILITIES = [
    Visibility(),
    Visibility(frozenset({"naissance"})),
    Visibility(frozenset({"naissance", "petitpas"})),
]


def answer(backend: SearchBackend, query: SearchQuery) -> dict[str, object]:
    result = backend.search(query)
    return {
        "total": result.total,
        "hits": {identity(hit): hit.highlights for hit in result.hits},
        "facets": result.facets,
        "first": result.hits[0].name if result.hits and query.text in ("hosp_1an", "SLEEP_PROB") else None,
    }


@pytest.mark.parametrize("visibility", VISIBILITIES, ids=["public", "naissance-member", "member-of-both"])
@pytest.mark.parametrize("text", QUERIES)
def test_engines_agree(engines: dict[str, SearchBackend], text: str, visibility: Visibility) -> None:
    query = SearchQuery(text=text, facets=FACETS, limit=100, visibility=visibility)
    answers = {name: answer(backend, query) for name, backend in engines.items()}
    first, reference = next(iter(answers.items()))
    for name, other in answers.items():
        assert other == reference, f"{name} differs from {first} on {text!r}"


def test_engines_agree_on_name_order(engines: dict[str, SearchBackend]) -> None:
    query = SearchQuery(text="enfant OR sleep", sort="name", limit=100)
    orders = {
        name: [identity(hit) for hit in backend.search(query).hits] for name, backend in engines.items()
    }
    assert len({tuple(order) for order in orders.values()}) == 1
