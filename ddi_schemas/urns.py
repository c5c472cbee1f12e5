"""DDI URNs as each DDI-L version writes them, split into agency, ID and version.

3.2 and 3.3 (reusable.xsd `DDIURNType`): the canonical `urn:ddi:agency:id:version`, its form scoped to
the maintainable (`urn:ddi:agency:MaintainableID.ObjectID:version`) and the deprecated
`urn:ddi:agency:Type:ID[:Type:ID]:version`. 3.1: `urn:ddi:agency:Type.ID.n.n.n[:Type.ID.n.n.n]`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_AGENCY = r"[a-zA-Z0-9-]{1,63}(?:\.[a-zA-Z0-9-]{1,63})*"
_ID = r"[A-Za-z0-9*@$\-_]+"
_VERSION = r"[0-9]+(?:\.[0-9]+)*"
_CANONICAL = re.compile(
    rf"^urn:ddi:(?P<agency>{_AGENCY}):(?P<id>{_ID}(?:\.{_ID})?):(?P<version>{_VERSION})$", re.IGNORECASE
)
_DEPRECATED = re.compile(
    rf"^urn:ddi:(?P<agency>{_AGENCY}):[A-Za-z]+:(?P<first>{_ID})(?::[A-Za-z]+:(?P<second>{_ID}))?"
    rf":(?P<version>{_VERSION})$",
    re.IGNORECASE,
)
_V31_VERSION = r"(?:[0-9*]+\.[0-9*]+\.[0-9*]+|[0-9*]+\.[0-9*]+\.L|[0-9*]+\.L\.L|L\.L\.L)"
_V31_PART = rf"[A-Za-z]+\.[A-Za-z]+[A-Za-z0-9_\-]*\.{_V31_VERSION}"
_V31 = re.compile(
    rf"^urn:ddi:(?P<agency>[A-Za-z]+\.[A-Za-z][A-Za-z0-9\-]*):(?P<first>{_V31_PART})"
    rf"(?::(?P<second>{_V31_PART}))?$",
    re.IGNORECASE,
)
_AGENCY_MAX = 253


@dataclass(frozen=True, slots=True)
class Urn:
    """The identity a URN carries; `object_id` is the ID without the maintainable's prefix, when scoped."""

    agency: str
    id: str
    version: str | None
    object_id: str

    def matches_id(self, id: str) -> bool:
        """Whether an `r:ID` (or 3.1 `id`) names the same object as this URN."""
        return id in (self.id, self.object_id)


def parse_urn(text: str, version: str) -> Urn | None:
    """The agency, ID and version of a URN written for DDI-L `version`, or None when it is malformed."""
    text = text.strip()
    if version == "3.1":
        match = _V31.match(text)
        if not match:
            return None
        part = match["second"] or match["first"]
        _, object_id, object_version = part.split(".", 2)
        return Urn(match["agency"], object_id, object_version, object_id)
    match = _CANONICAL.match(text)
    if match and len(match["agency"]) <= _AGENCY_MAX:
        id = match["id"]
        return Urn(match["agency"], id, match["version"], id.rpartition(".")[2])
    match = _DEPRECATED.match(text)
    if match and len(match["agency"]) <= _AGENCY_MAX:
        id = match["second"] or match["first"]
        return Urn(match["agency"], id, match["version"], id)
    return None
