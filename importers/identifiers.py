"""Stable DDI identifiers for items built from sources that have none.

The same source name always gives the same ID, so a re-import finds its items again and only what changed
gets a new version. IDs keep to `[A-Za-z0-9_-]` (the portable subset of the DDI ID pattern); names in other
scripts (Hebrew, Cyrillic...) are transliterated where Unicode allows and otherwise suffixed with a digest
so that two different names never meet.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

MAX_ID_LENGTH = 200


def id_part(name: str) -> str:
    """A source name as an ID fragment: ASCII letters, digits, `_` and `-`; never empty."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "-", ascii_name).strip("-")
    if cleaned != name:
        digest = hashlib.sha1(name.encode()).hexdigest()[:8]
        cleaned = f"{cleaned}-{digest}" if cleaned else digest
    return cleaned


def ddi_id(prefix: str, *names: str) -> str:
    """`ddi_id("elfe-redcap", "v", "allait")` → `elfe-redcap-v-allait`."""
    parts = [id_part(prefix)] + [id_part(n) for n in names if n != ""]
    result = "-".join(parts)
    if len(result) > MAX_ID_LENGTH:
        digest = hashlib.sha1(result.encode()).hexdigest()[:12]
        result = f"{result[: MAX_ID_LENGTH - 13]}-{digest}"
    return result
