"""Errors of the search room, in the project's one hierarchy, without HTTP in them."""

from __future__ import annotations

from ddi_schemas.problems import DdicatError


class IndexBusy(DdicatError):
    """Another writer holds the index (one writer per index directory): retry after it finishes."""

    status = 503
    kind = "index-busy"
    title = "Search index busy"


class SearchBackendUnavailable(DdicatError):
    """The configured search backend is unknown, not built yet, or cannot run here."""

    status = 503
    kind = "search-backend-unavailable"
    title = "Search backend unavailable"
