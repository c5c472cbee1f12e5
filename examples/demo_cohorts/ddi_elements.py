"""The DDI-L 3.3 building blocks every demo element is made of: identity, references, texts in fr and en."""

from __future__ import annotations

from lxml import etree

from .spec import Bilingual

NAMESPACES: dict[str | None, str] = {
    None: "ddi:instance:3_3",
    "r": "ddi:reusable:3_3",
    "g": "ddi:group:3_3",
    "s": "ddi:studyunit:3_3",
    "c": "ddi:conceptualcomponent:3_3",
    "d": "ddi:datacollection:3_3",
    "l": "ddi:logicalproduct:3_3",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
VERSION = "1"
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
NAME_LANGUAGE = "fr"

Element = etree._Element


def tag(qualified: str) -> str:
    """Clark notation for `prefix:Local` (no prefix: the instance namespace)."""
    prefix, _, local = qualified.rpartition(":")
    return f"{{{NAMESPACES[prefix or None]}}}{local}"


def child(parent: Element, qualified: str, text: str | None = None, **attributes: str) -> Element:
    """Append one element, with optional text and attributes."""
    element = etree.SubElement(parent, tag(qualified), attributes)
    if text is not None:
        element.text = text
    return element


def root(qualified: str) -> Element:
    """The document element, declaring every prefix once."""
    return etree.Element(tag(qualified), nsmap=NAMESPACES)


def identify(element: Element, agency: str, id: str, pairs: tuple[tuple[str, str], ...] = ()) -> Element:
    """URN and Agency/ID/Version, then the UserAttributePairs, as every identified DDI object starts."""
    child(element, "r:URN", f"urn:ddi:{agency}:{id}:{VERSION}")
    child(element, "r:Agency", agency)
    child(element, "r:ID", id)
    child(element, "r:Version", VERSION)
    for key, value in pairs:
        pair = child(element, "r:UserAttributePair")
        child(pair, "r:AttributeKey", key)
        child(pair, "r:AttributeValue", value)
    return element


def identified(parent: Element, qualified: str, agency: str, id: str, **attributes: str) -> Element:
    """A new identified child: element plus its identity."""
    return identify(child(parent, qualified, **attributes), agency, id)


def reference(parent: Element, qualified: str, agency: str, id: str, type_of_object: str) -> Element:
    """A reference by Agency/ID/Version with its mandatory TypeOfObject."""
    element = child(parent, qualified)
    child(element, "r:Agency", agency)
    child(element, "r:ID", id)
    child(element, "r:Version", VERSION)
    child(element, "r:TypeOfObject", type_of_object)
    return element


def _lang(element: Element, lang: str) -> Element:
    element.set(XML_LANG, lang)
    return element


def strings(parent: Element, qualified: str, text: Bilingual) -> Element:
    """A name or title: one r:String per language."""
    element = child(parent, qualified)
    for lang, value in zip(("fr", "en"), text, strict=True):
        _lang(child(element, "r:String", value), lang)
    return element


def name(parent: Element, qualified: str, value: str) -> Element:
    """A mnemonic name (variable, question, list): French words, so tagged fr."""
    element = child(parent, qualified)
    _lang(child(element, "r:String", value), NAME_LANGUAGE)
    return element


def contents(parent: Element, qualified: str, text: Bilingual) -> Element:
    """A label, description, abstract or purpose: one r:Content per language."""
    element = child(parent, qualified)
    for lang, value in zip(("fr", "en"), text, strict=True):
        _lang(child(element, "r:Content", value), lang)
    return element


def literal_texts(parent: Element, qualified: str, text: Bilingual) -> None:
    """Question or statement wording: one dynamic text per audience language, each a literal text."""
    for lang, value in zip(("fr", "en"), text, strict=True):
        element = child(parent, qualified, audienceLanguage=lang)
        literal = child(element, "d:LiteralText")
        _lang(child(literal, "d:Text", value), lang)


def command(
    parent: Element, qualified: str, description: Bilingual | None, language: str, code: str
) -> Element:
    """A condition or computation in pseudo-code, described in words for readers."""
    element = child(parent, qualified)
    if description is not None:
        contents(element, "r:Description", description)
    cmd = child(element, "r:Command")
    child(cmd, "r:ProgramLanguage", language)
    child(cmd, "r:CommandContent", code)
    return element
