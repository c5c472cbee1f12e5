"""Texts of a DDI-L element as `LangText` maps: names, labels, question and instruction texts (XHTML
flattened to its words, literal parts joined, conditional parts kept as their expression)."""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

from catalogue.ddi.reader_identity import _LOCAL_NAMES, local_name
from catalogue.model import UNDETERMINED_LANGUAGE, LangText

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_STRING_NAMES = frozenset({"String", "Content"})
_XHTML_BLOCKS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 table tr td th blockquote pre dl dt dd hr".split()
)


def language(
    element: etree._Element, *, within: etree._Element | None = None, audience: str | None = None
) -> str:
    """The `xml:lang` in scope (XML inherits it), else `und`. Inside a dynamic text (`within`), the text's
    `audienceLanguage` comes before the languages inherited from further up: Colectica writes one
    QuestionText per language that way, with no `xml:lang` at all."""
    node: etree._Element | None = element
    while node is not None:
        lang: str | None = node.get(XML_LANG)
        if lang:
            return lang
        if node is within and audience:
            return audience
        node = node.getparent()
    return UNDETERMINED_LANGUAGE


def plain_text(element: etree._Element) -> str:
    """An element's words: plain text stripped, XHTML content flattened with blocks kept apart."""
    if len(element) == 0:
        text = element.text or ""
        return text.replace("\r\n", "\n").replace("\r", "\n").strip()
    parts: list[str] = []
    _walk(element, parts)
    return " ".join("".join(parts).split())


def _walk(node: etree._Element, parts: list[str]) -> None:
    if node.text:
        parts.append(node.text)
    for child in node:
        block = local_name(child) in _XHTML_BLOCKS
        if block:
            parts.append(" ")
        if isinstance(child.tag, str):
            _walk(child, parts)
        if block:
            parts.append(" ")
        if child.tail:
            parts.append(child.tail)


def add_text(target: LangText, lang: str, text: str, *, joiner: str | None = None) -> None:
    """Put `text` under `lang`: the first value wins, unless a joiner says to append."""
    if not text:
        return
    if lang not in target:
        target[lang] = text
    elif joiner is not None:
        target[lang] = f"{target[lang]}{joiner}{text}"


def strings(elements: Iterable[etree._Element]) -> LangText:
    """`r:String`/`r:Content` children per language (3.1 strings carry their text directly)."""
    result: LangText = {}
    for element in elements:
        parts = [child for child in element if local_name(child) in _STRING_NAMES]
        for part in parts or [element]:
            add_text(result, language(part), plain_text(part))
    return result


def by_name(element: etree._Element) -> dict[str, list[etree._Element]]:
    """An element's children grouped by local name, in document order (one pass for a whole builder)."""
    groups: dict[str, list[etree._Element]] = {}
    names = _LOCAL_NAMES
    for node in element:
        name = names.get(node.tag) or local_name(node)  # type: ignore[arg-type]
        if name:
            found = groups.get(name)
            if found is None:
                groups[name] = [node]
            else:
                found.append(node)
    return groups


def children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if local_name(child) == name]


def child(element: etree._Element, name: str) -> etree._Element | None:
    return next((c for c in element if local_name(c) == name), None)


def child_text(element: etree._Element, name: str) -> str | None:
    found = child(element, name)
    if found is None:
        return None
    return plain_text(found) or None


def item_name(kids: dict[str, list[etree._Element]]) -> str | None:
    """The first value of the element's own `*Name` child (QuestionItemName, VariableName, ConstructName…)."""
    for name, found in kids.items():
        if name.endswith("Name"):
            parts = [c for c in found[0] if local_name(c) in _STRING_NAMES] or [found[0]]
            for part in parts:
                text = plain_text(part)
                if text:
                    return text
    return None


def dynamic_text(elements: Iterable[etree._Element]) -> LangText:
    """QuestionText, DisplayText, InstructionText: literal parts per language joined with a space;
    a conditional part keeps its expression (INSEE writes VTL there), under every language of the text;
    of several texts in one language (one per mode, say), the first is kept."""
    result: LangText = {}
    for element in elements:
        audience = element.get("audienceLanguage")
        parts: list[tuple[str | None, str]] = []  # (language, text); None for a conditional part
        for part in element:
            name = local_name(part)
            if name == "LiteralText":
                parts += [
                    (language(text, within=element, audience=audience), plain_text(text))
                    for text in children(part, "Text")
                ]
            elif name == "ConditionalText":
                parts.append((None, _expression(part)))
            elif name == "Text":  # a bare d:Text, as some producers write it
                parts.append((language(part, within=element, audience=audience), plain_text(part)))
        parts = [(lang, text) for lang, text in parts if text]
        languages = list(dict.fromkeys(lang for lang, _ in parts if lang is not None))
        if not languages and parts:
            languages = [UNDETERMINED_LANGUAGE]
        for lang in languages:
            pieces = [text for part_lang, text in parts if part_lang in (lang, None)]
            add_text(result, lang, " ".join(pieces))  # a later text in the same language is an alternative
    return result


def _expression(conditional: etree._Element) -> str:
    """The command of a ConditionalText's Expression; a bare parameter insert has no text of its own."""
    for node in conditional.iter():
        if node is not conditional and local_name(node) in ("CommandContent", "Code"):
            return plain_text(node)
    return ""
