"""Reading what comes before the root element ourselves, so that libxml2 never sees a DOCTYPE with entities.

The prolog is the XML declaration, comments, processing instructions and an optional DOCTYPE. We read it
from the raw bytes: an empty file, a file that is not XML at all, and any DOCTYPE with an internal subset
or an external identifier (billion laughs, `file:///etc/passwd`) are refused before a parser is built.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_DECLARATION = re.compile(r"<\?xml\s[^>]*?encoding\s*=\s*[\"'](?P<encoding>[A-Za-z][\w.\-]*)[\"']")
_DOCTYPE = re.compile(
    r"<!DOCTYPE\s+(?P<name>[^\s\[>]+)\s*(?P<external>(?:SYSTEM|PUBLIC)\b[^\[>]*)?(?P<subset>\[)?", re.DOTALL
)
_NAME_START = re.compile(r"[A-Za-z_:\u00C0-\uFFFF]")


@dataclass(frozen=True, slots=True)
class Prolog:
    """What the prolog says: the declared encoding and any DOCTYPE, with the line of each finding."""

    encoding: str | None = None
    bom: str | None = None
    doctype_line: int | None = None
    doctype_subset: bool = False
    doctype_external: str | None = None
    root_line: int | None = None
    refusal: str | None = None  # "empty", "not-xml" or "entities"
    refusal_line: int | None = None
    refusal_detail: str = ""


def _encoding_guess(head: bytes) -> tuple[str, str | None]:
    """The codec to read the prolog with, and the byte-order mark found, if any."""
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return codec, codec
    if head.startswith(b"<\x00?\x00"):
        return "utf-16-le", None
    if head.startswith(b"\x00<\x00?"):
        return "utf-16-be", None
    return "latin-1", None  # every ASCII-compatible encoding spells markup the same way


def scan_prolog(blocks: Iterator[bytes]) -> Prolog:
    """Read blocks until the root element starts, and report what the prolog holds."""
    first = next(blocks, b"")
    while len(first) < 4:
        more = next(blocks, b"")
        if not more:
            break
        first += more
    codec, bom = _encoding_guess(first)
    decoder = codecs.getincrementaldecoder(codec)(errors="replace")
    text = decoder.decode(first)
    if bom and text.startswith("\ufeff"):
        text = text[1:]
    position = 0
    encoding: str | None = None

    def line_at(offset: int) -> int:
        return text.count("\n", 0, offset) + 1

    exhausted = False
    while True:
        while position < len(text) and text[position] in " \t\r\n":
            position += 1
        needed = _need_more(text, position)
        if needed and not exhausted:
            block = next(blocks, b"")
            if block:
                text += decoder.decode(block)
                continue
            exhausted = True
            text += decoder.decode(b"", final=True)
            continue
        if position >= len(text):
            if not text.strip():
                return Prolog(encoding=encoding, bom=bom, refusal="empty", refusal_line=None)
            return Prolog(
                encoding=encoding,
                bom=bom,
                refusal="not-xml",
                refusal_line=line_at(position),
                refusal_detail="it holds no element",
            )
        rest = text[position:]
        if rest.startswith("<?"):
            end = text.find("?>", position)
            if end < 0:
                return Prolog(encoding=encoding, bom=bom)  # let the parser report the truncation
            if rest[:5] == "<?xml" and rest[5:6] in (" ", "\t", "\r", "\n"):
                match = _DECLARATION.match(text, position, end + 2)
                encoding = match["encoding"].upper() if match else encoding
            position = end + 2
        elif rest.startswith("<!--"):
            end = text.find("-->", position + 4)
            if end < 0:
                return Prolog(encoding=encoding, bom=bom)
            position = end + 3
        elif rest.startswith("<!DOCTYPE"):
            match = _DOCTYPE.match(text, position)
            line = line_at(position)
            if match and (match["subset"] or match["external"]):
                external = (match["external"] or "").strip() or None
                detail = (
                    "a DOCTYPE with an internal subset (entity declarations)"
                    if match["subset"]
                    else f"a DOCTYPE pointing at an external DTD ({external})"
                )
                return Prolog(
                    encoding=encoding,
                    bom=bom,
                    doctype_line=line,
                    doctype_subset=bool(match["subset"]),
                    doctype_external=external,
                    refusal="entities",
                    refusal_line=line,
                    refusal_detail=detail,
                )
            end = text.find(">", position)
            if end < 0:
                return Prolog(encoding=encoding, bom=bom)
            position = end + 1
        elif rest.startswith("<") and _NAME_START.match(rest, 1):
            return Prolog(encoding=encoding, bom=bom, root_line=line_at(position))
        else:
            snippet = "".join(ch if ch.isprintable() else "." for ch in rest[:12])
            return Prolog(
                encoding=encoding,
                bom=bom,
                refusal="not-xml",
                refusal_line=line_at(position),
                refusal_detail=f"it starts with {snippet!r}, not with XML markup",
            )


def _need_more(text: str, position: int) -> bool:
    """Whether the construct starting at `position` is cut by the end of what was read so far."""
    rest = text[position:]
    if len(rest) < 10:
        return True
    if rest.startswith("<?"):
        return "?>" not in rest
    if rest.startswith("<!--"):
        return "-->" not in rest[4:]
    if rest.startswith("<!DOCTYPE"):
        return ">" not in rest
    return False
