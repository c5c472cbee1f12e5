"""The DDI-L 3.3 building blocks the writer assembles: namespaces, identities, references and texts.

Items are built as small lxml trees (one per item, written then dropped); the containers around them are
streamed with `xmlfile`. The same blocks therefore come in two flavours: `add_*` on a tree, `stream_*` on
the open file. Every user string passes through `xml_text`; every text carries an `xml:lang`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeAlias

from lxml import etree

from catalogue.ddi.writer_lexical import fits_id_element, language_tag, xml_text
from catalogue.model import (
    UNDETERMINED_LANGUAGE,
    DDIPackage,
    Item,
    LangText,
    Ref,
    StudyInfo,
    WaveInfo,
    make_urn,
    version_key,
)

NAMESPACES: dict[str, str] = {
    "ddi": "ddi:instance:3_3",
    "r": "ddi:reusable:3_3",
    "g": "ddi:group:3_3",
    "s": "ddi:studyunit:3_3",
    "c": "ddi:conceptualcomponent:3_3",
    "d": "ddi:datacollection:3_3",
    "l": "ddi:logicalproduct:3_3",
}
# The root declares every prefix; the instance namespace is the default one, as in the DDI examples.
DOCUMENT_NSMAP: dict[str | None, str] = {None: NAMESPACES["ddi"]} | {
    prefix: uri for prefix, uri in NAMESPACES.items() if prefix != "ddi"
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# The version written on a late-bound reference whose target is not in the package. The XSD requires a
# Version; with lateBound="true" it only marks where late binding starts. "0" is a version no DDI tool
# issues, so a reader that ignores lateBound finds no such version and falls back to the latest, as meant.
LATE_BOUND_VERSION = "0"

Element: TypeAlias = etree._Element
TextPairs: TypeAlias = list[tuple[str, str]]


@lru_cache(maxsize=512)
def q(prefix: str, local: str) -> str:
    """The Clark name of a DDI element: q("r", "Label") is `{ddi:reusable:3_3}Label`."""
    return f"{{{NAMESPACES[prefix]}}}{local}"


@lru_cache(maxsize=16)
def item_nsmap(prefix: str) -> dict[str | None, str]:
    """The namespaces an item tree declares on its root: its module's and the reusable one."""
    return {"r": NAMESPACES["r"], prefix: NAMESPACES[prefix]}


@dataclass(frozen=True, slots=True)
class Target:
    """Where a reference points once resolved: A/I/V, element type, and whether it is late-bound."""

    agency: str
    id: str
    version: str
    type: str
    late_bound: bool = False


class References:
    """Resolves the model's references: a missing version becomes the latest one the package holds.

    The index of latest versions is built on the first reference that needs it: packages whose references
    all carry a version (catalogue exports) never pay for it.
    """

    def __init__(self, package: DDIPackage) -> None:
        self._package = package
        self._latest: dict[tuple[str, str], str] | None = None

    def target(self, ref: Ref) -> Target:
        if ref.version is not None:
            return Target(ref.agency, ref.id, ref.version, ref.type)
        latest = self._latest_versions().get((ref.agency.lower(), ref.id))
        if latest is None:
            return Target(ref.agency, ref.id, LATE_BOUND_VERSION, ref.type, late_bound=True)
        return Target(ref.agency, ref.id, latest, ref.type)

    def _latest_versions(self) -> dict[tuple[str, str], str]:
        if self._latest is None:
            latest: dict[tuple[str, str], str] = {}
            agencies: dict[str, str] = {}
            package = self._package
            identified: list[StudyInfo | WaveInfo | Item | None] = [package.study, *package.waves]
            identified += package.items
            for thing in identified:
                if thing is None or thing.version is None:
                    continue
                key = (agencies.setdefault(thing.agency, thing.agency.lower()), thing.id)
                known = latest.get(key)
                if known is None or version_key(thing.version) > version_key(known):
                    latest[key] = thing.version
            self._latest = latest
        return self._latest


def lang_texts(text: LangText) -> TextPairs:
    """The (xml:lang, text) pairs worth writing: cleaned of forbidden characters, blank ones skipped."""
    pairs: TextPairs = []
    for lang, value in text.items():
        if not value:
            continue
        value = xml_text(value)
        tag = language_tag(lang)
        if tag is not None and value.strip():
            pairs.append((tag, value))
    return pairs


def clean(value: str | None) -> str | None:
    """A single string (a name, a code, a unit) ready to write, or None when nothing is left of it."""
    if value is None:
        return None
    value = xml_text(value)
    return value if value.strip() else None


def identity_attrib(version_date: str | None, is_universally_unique: bool) -> dict[str, str]:
    """The identification attributes of a versionable: versionDate and isUniversallyUnique when set."""
    attrib: dict[str, str] = {}
    if is_universally_unique:
        attrib["isUniversallyUnique"] = "true"
    if version_date:
        attrib["versionDate"] = version_date
    return attrib


def item_root(item: Item, prefix: str, local: str) -> Element:
    """A new item tree: its element with URN, Agency, ID, Version, UserIDs and UserAttributePairs."""
    root = etree.Element(
        q(prefix, local),
        identity_attrib(item.version_date, item.is_universally_unique),
        nsmap=item_nsmap(prefix),
    )
    add_identity(root, item.agency, item.id, item.version or "")
    add_user_fields(root, item.user_ids, item.user_attributes)
    return root


# Trees ----------------------------------------------------------------------------------------------------


def add_leaf(parent: Element, tag: str, text: str | None, attrib: dict[str, str] | None = None) -> Element:
    element = etree.SubElement(parent, tag, attrib) if attrib else etree.SubElement(parent, tag)
    if text is not None:
        element.text = text
    return element


def add_identity(parent: Element, agency: str, id: str, version: str, *, urn: bool = True) -> None:
    """URN first, then Agency, ID, Version: the 3.3 identification every identified object opens with
    (the URN alone when r:ID cannot hold the ID)."""
    sub = etree.SubElement
    triple = fits_id_element(id)
    if urn or not triple:
        sub(parent, q("r", "URN")).text = make_urn(agency, id, version)
    if triple:
        sub(parent, q("r", "Agency")).text = agency
        sub(parent, q("r", "ID")).text = id
        sub(parent, q("r", "Version")).text = version


def add_user_fields(
    parent: Element, user_ids: list[tuple[str, str]], pairs: Iterable[tuple[str, str]]
) -> None:
    """r:UserID (type, value) then r:UserAttributePair (key, value), where the XSD puts them."""
    for kind, value in user_ids:
        add_leaf(parent, q("r", "UserID"), xml_text(value), {"typeOfUserID": xml_text(kind)})
    for key, value in pairs:
        pair = etree.SubElement(parent, q("r", "UserAttributePair"))
        add_leaf(pair, q("r", "AttributeKey"), xml_text(key))
        add_leaf(pair, q("r", "AttributeValue"), xml_text(value))


def add_target(parent: Element, tag: str, target: Target) -> Element:
    """A reference: Agency, ID, Version and TypeOfObject (lateBound="true" when the version is open)."""
    element = etree.SubElement(parent, tag, {"lateBound": "true"} if target.late_bound else {})
    add_identity(element, target.agency, target.id, target.version, urn=False)
    etree.SubElement(element, q("r", "TypeOfObject")).text = target.type
    return element


def add_ref(parent: Element, tag: str, ref: Ref | None, refs: References) -> None:
    if ref is not None:
        add_target(parent, tag, refs.target(ref))


def add_strings(parent: Element, tag: str, text: LangText) -> None:
    """An InternationalString (r:Title, names): one r:String per language; nothing when all are blank."""
    pairs = lang_texts(text)
    if pairs:
        wrapper = etree.SubElement(parent, tag)
        for lang, value in pairs:
            etree.SubElement(wrapper, q("r", "String"), {XML_LANG: lang}).text = value


def add_contents(parent: Element, tag: str, text: LangText) -> None:
    """A StructuredString (r:Label, r:Description, r:Abstract): one r:Content per language."""
    add_content_pairs(parent, tag, lang_texts(text))


def add_content_pairs(parent: Element, tag: str, pairs: TextPairs) -> None:
    if pairs:
        wrapper = etree.SubElement(parent, tag)
        for lang, value in pairs:
            etree.SubElement(wrapper, q("r", "Content"), {XML_LANG: lang}).text = value


def add_name(parent: Element, tag: str, name: str | None) -> None:
    """A *Name element. Names are identifiers, not language texts: their r:String says xml:lang="und"."""
    value = clean(name)
    if value is not None:
        wrapper = etree.SubElement(parent, tag)
        etree.SubElement(wrapper, q("r", "String"), {XML_LANG: UNDETERMINED_LANGUAGE}).text = value


def add_dynamic_texts(parent: Element, tag: str, text: LangText) -> None:
    """Question, statement and instruction texts: one d:<tag> per language, each a LiteralText."""
    for lang, value in lang_texts(text):
        wrapper = etree.SubElement(parent, tag, {"audienceLanguage": lang})
        literal = etree.SubElement(wrapper, q("d", "LiteralText"))
        etree.SubElement(literal, q("d", "Text"), {XML_LANG: lang}).text = value


def add_code_value(parent: Element, tag: str, value: str | None) -> None:
    """A CodeValueType element (unit, type codes, analysis unit) when there is a value to write."""
    value = clean(value)
    if value is not None:
        add_leaf(parent, tag, value)


def citation(title: LangText) -> Element | None:
    """An r:Citation holding the title per language, or None when there is no title to cite."""
    pairs = lang_texts(title)
    if not pairs:
        return None
    root = etree.Element(q("r", "Citation"), nsmap=item_nsmap("r"))
    wrapper = etree.SubElement(root, q("r", "Title"))
    for lang, value in pairs:
        etree.SubElement(wrapper, q("r", "String"), {XML_LANG: lang}).text = value
    return root


def structured(tag: str, text: LangText) -> Element | None:
    """A stand-alone r:Abstract / r:Purpose tree to stream into a container, or None when blank."""
    pairs = lang_texts(text)
    if not pairs:
        return None
    root = etree.Element(tag, nsmap=item_nsmap("r"))
    for lang, value in pairs:
        etree.SubElement(root, q("r", "Content"), {XML_LANG: lang}).text = value
    return root


# Streams --------------------------------------------------------------------------------------------------


def stream_leaf(xf: Any, tag: str, text: str, attrib: dict[str, str] | None = None) -> None:
    with xf.element(tag, attrib or {}):
        xf.write(text)


def stream_identity(xf: Any, agency: str, id: str, version: str) -> None:
    stream_leaf(xf, q("r", "URN"), make_urn(agency, id, version))
    if fits_id_element(id):
        stream_leaf(xf, q("r", "Agency"), agency)
        stream_leaf(xf, q("r", "ID"), id)
        stream_leaf(xf, q("r", "Version"), version)


def stream_attribute_pairs(xf: Any, pairs: Iterable[tuple[str, str]]) -> None:
    for key, value in pairs:
        with xf.element(q("r", "UserAttributePair")):
            stream_leaf(xf, q("r", "AttributeKey"), xml_text(key))
            stream_leaf(xf, q("r", "AttributeValue"), xml_text(value))


def stream_target(xf: Any, tag: str, target: Target) -> None:
    with xf.element(tag, {"lateBound": "true"} if target.late_bound else {}):
        if fits_id_element(target.id):
            stream_leaf(xf, q("r", "Agency"), target.agency)
            stream_leaf(xf, q("r", "ID"), target.id)
            stream_leaf(xf, q("r", "Version"), target.version)
        else:
            stream_leaf(xf, q("r", "URN"), make_urn(target.agency, target.id, target.version))
        stream_leaf(xf, q("r", "TypeOfObject"), target.type)


def stream_tree(xf: Any, element: Element | None) -> None:
    """Write a finished tree (one item, a citation) into the open container, one item per few lines."""
    if element is not None:
        xf.write(element, pretty_print=True)
