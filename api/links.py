"""Where each page lives: the live site (`?lang=` in the query), the static export (`/fr/…`, `/en/…` files).

Templates only ever name logical paths (`/studies/elfe`, `/variables/{urn}`); a link scheme turns them into
hrefs. The live site keeps the language in a `lang` query parameter (absent for the default language), so
every dynamic URL stays the one issue 2 published. The static export writes one folder per language with
relative links, so it opens from disk and from any web server under any prefix.
"""

from __future__ import annotations

import posixpath
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from catalogue.model import parse_urn

PAGE_TYPES = {
    "Variable": "variables",
    "QuestionItem": "questions",
    "QuestionGrid": "questions",
    "Instrument": "instruments",
}
ITEM_PAGE_KINDS = ("variables", "questions", "instruments", "items")


def item_path(urn: str, item_type: str = "") -> str:
    """The logical path of an item's page, by its type."""
    return f"/{PAGE_TYPES.get(item_type, 'items')}/{urn}"


def _pairs(params: dict[str, Any]) -> list[tuple[str, Any]]:
    pairs: list[tuple[str, Any]] = []
    for key, value in params.items():
        if isinstance(value, (list, tuple)):
            pairs += [(key, v) for v in value if v not in (None, "")]
        elif value not in (None, ""):
            pairs.append((key, value))
    return pairs


@dataclass(slots=True)
class LiveLinks:
    """Links of the running catalogue: absolute paths, the language as `?lang=` when not the default."""

    lang: str
    languages: Sequence[str]
    base_url: str
    path: str
    query: list[tuple[str, str]] = field(default_factory=list)
    kind: str = "live"

    def url(self, path: str, **params: Any) -> str:
        pairs = _pairs(params)
        if self.lang != self.languages[0]:
            pairs.append(("lang", self.lang))
        return quote(path, safe="/:@$*-_.~") + ("?" + urlencode(pairs) if pairs else "")

    def asset(self, name: str) -> str:
        return f"/static/{name}"

    def api(self, path: str) -> str | None:
        return path

    def switch_language(self, target: str) -> str:
        params = [(k, v) for k, v in self.query if k != "lang"]
        if target != self.languages[0]:
            params.append(("lang", target))
        return quote(self.path, safe="/:@$*-_.~") + ("?" + urlencode(params) if params else "")

    def address(self, path: str, lang: str) -> str:
        """The public address of a logical path in `lang`."""
        suffix = f"?lang={lang}" if lang != self.languages[0] else ""
        return self.base_url.rstrip("/") + quote(path, safe="/:@$*-_.~") + suffix

    def absolute(self, lang: str) -> str:
        """This page's public address in `lang` (canonical and hreflang links)."""
        return self.address(self.path, lang)

    @property
    def canonical(self) -> str:
        return self.absolute(self.lang)

    @property
    def search_action(self) -> str:
        return "/search"


def static_file(path: str) -> str | None:
    """The file (relative to a language folder) holding the page of a logical path, or None if none does."""
    parts = [p for p in path.strip("/").split("/") if p]
    if not parts:
        return "index.html"
    if parts == ["search"]:
        return "search.html"
    if parts[0] == "studies" and len(parts) == 2:
        return f"studies/{parts[1]}.html"
    if parts[0] == "studies" and len(parts) == 4 and parts[2] == "waves":
        return f"studies/{parts[1]}/waves/{parts[3]}.html"
    if parts[0] in ITEM_PAGE_KINDS and len(parts) == 2:
        parsed = parse_urn(parts[1])
        if parsed is None or parsed[2] is None:
            return None
        agency, ddi_id, version = parsed
        return f"{parts[0]}/{agency}/{ddi_id}/{version}.html"
    return None


@dataclass(slots=True)
class StaticLinks:
    """Links of the static export: relative hrefs between files of `<out>/<lang>/`.

    A page that the export did not write (an older item version, say) links to the live catalogue at
    `live_url` instead; API downloads need `api_base`, without which they are left out.
    """

    lang: str
    languages: Sequence[str]
    base_url: str
    path: str
    written: Collection[str]
    live_url: str
    api_base: str | None = None
    kind: str = "static"

    @property
    def file(self) -> str:
        found = static_file(self.path)
        assert found is not None, self.path
        return found

    def _relative(self, target: str) -> str:
        here = posixpath.dirname(f"{self.lang}/{self.file}")
        return posixpath.relpath(target, here or ".")

    def url(self, path: str, **params: Any) -> str:
        target = static_file(path)
        if target is None or target not in self.written:
            pairs = _pairs(params)
            if self.lang != self.languages[0]:
                pairs.append(("lang", self.lang))
            return (
                self.live_url.rstrip("/")
                + quote(path, safe="/:@$*-_.~")
                + ("?" + urlencode(pairs) if pairs else "")
            )
        href = quote(self._relative(f"{self.lang}/{target}"), safe="/:@$*-_.~")
        if not href.startswith("."):
            href = "./" + href  # a first segment with a colon would read as a URL scheme
        pairs = _pairs(params)
        return href + ("?" + urlencode(pairs) if pairs else "")

    def asset(self, name: str) -> str:
        return self._relative(f"static/{name}")

    def api(self, path: str) -> str | None:
        return self.api_base.rstrip("/") + path if self.api_base else None

    def switch_language(self, target: str) -> str:
        return quote(self._relative(f"{target}/{self.file}"), safe="/:@$*-_.~")

    def address(self, path: str, lang: str) -> str:
        """The public address of a logical path in `lang` (the live catalogue's when not exported)."""
        target = static_file(path)
        if target is None or target not in self.written:
            suffix = f"?lang={lang}" if lang != self.languages[0] else ""
            return self.live_url.rstrip("/") + quote(path, safe="/:@$*-_.~") + suffix
        return f"{self.base_url.rstrip('/')}/{lang}/{quote(target, safe='/:@$*-_.~')}"

    def absolute(self, lang: str) -> str:
        return self.address(self.path, lang)

    @property
    def canonical(self) -> str:
        return self.absolute(self.lang)

    @property
    def search_action(self) -> str:
        return self.url("/search")
