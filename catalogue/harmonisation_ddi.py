"""Confirmed comparable variables in DDI-L 3.3: a `cm:Comparison` and the shared concepts, beside the items.

The variables themselves are immutable versions whose one `r:ConceptReference` names their cohort's topic,
so a confirmed link is written next to them, the DDI-native way for harmonisation:

- a `g:ResourcePackage` of the catalogue's agency (`ddicat-harmonisation`) holding
- a `cm:Comparison` with one `cm:VariableMap` per confirmed link: its label is the shared concept's, a
  `r:UserAttributePair` `ddicat:sharedConcept` names the concept's URN, and one `cm:ItemMap` maps the source
  variable to the target variable, with the scorer's reasons as `cm:Commonality` and its score as
  `cm:CommonalityWeight`;
- a `c:ConceptScheme` (`ddicat-shared-concepts`) with the shared `c:Concept`s.

A DDIInstance gets that ResourcePackage after its own (the XSD's order: Group*, ResourcePackage*, then
StudyUnit*); a FragmentInstance gets one Fragment for the Comparison and one per Concept. Package, comparison
and scheme take as version the time of the latest judgement they include (digits only, as DDI versions are).
"""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalogue.accounts import as_utc
from catalogue.harmonisation import ComparableLink, SharedConcept, concept_links, shared_concepts_of
from catalogue.model import LangText, make_urn

NAMESPACES = {
    "ddi": "ddi:instance:3_3",
    "r": "ddi:reusable:3_3",
    "g": "ddi:group:3_3",
    "c": "ddi:conceptualcomponent:3_3",
    "cm": "ddi:comparative:3_3",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
PACKAGE_ID = "ddicat-harmonisation"
COMPARISON_ID = "ddicat-comparable-variables"
SCHEME_ID = "ddicat-shared-concepts"
CONCEPT_KEY = "ddicat:sharedConcept"
# Children of a DDIInstance that come after every ResourcePackage, in the XSD's order.
AFTER_PACKAGES = frozenset({"LocalHoldingPackage", "StudyUnit", "DDIProfile", "TranslationInformation"})


def q(prefix: str, local: str) -> str:
    return f"{{{NAMESPACES[prefix]}}}{local}"


def _sub(parent: etree._Element, prefix: str, local: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, q(prefix, local))
    if text is not None:
        element.text = text
    return element


def _identity(parent: etree._Element, agency: str, ddi_id: str, version: str) -> None:
    _sub(parent, "r", "URN", make_urn(agency, ddi_id, version))
    _sub(parent, "r", "Agency", agency)
    _sub(parent, "r", "ID", ddi_id)
    _sub(parent, "r", "Version", version)


def _reference(parent: etree._Element, prefix: str, local: str, agency: str, ddi_id: str, version: str,
               type_of_object: str) -> None:
    ref = _sub(parent, prefix, local)
    _sub(ref, "r", "Agency", agency)
    _sub(ref, "r", "ID", ddi_id)
    _sub(ref, "r", "Version", version)
    _sub(ref, "r", "TypeOfObject", type_of_object)


def _texts(parent: etree._Element, prefix: str, local: str, text: LangText, inner: str = "Content") -> None:
    pairs = [(lang, value) for lang, value in text.items() if value and value.strip()]
    if not pairs:
        return
    element = _sub(parent, prefix, local)
    for lang, value in pairs:
        _sub(element, "r", inner, value).set(XML_LANG, lang)


def _version(links: Iterable[ComparableLink]) -> str:
    moments = [as_utc(link.decided_at) for link in links]
    return max(moments).strftime("%Y%m%d%H%M%S") if moments else "1"


def harmonised_links(
    session: Session, *, pairs: Iterable[tuple[str, str]] | None = None, study_id: int | None = None
) -> list[ComparableLink]:
    """The confirmed links to write beside some variables (agency, id) or a study's: every link of every
    shared concept they belong to. Neither given: every confirmed link of the catalogue."""
    confirmed = select(ComparableLink).where(ComparableLink.status == "confirmed")
    if study_id is not None:
        touching = session.scalars(confirmed.where(
            (ComparableLink.left_study_id == study_id) | (ComparableLink.right_study_id == study_id)))
        return concept_links(session, sorted({link.concept_id for link in touching if link.concept_id}))
    if pairs is not None:
        return concept_links(session, sorted(shared_concepts_of(session, list(pairs))))
    return list(session.scalars(confirmed.order_by(ComparableLink.id)))


def harmonisation_package(session: Session, links: list[ComparableLink], *, agency: str) -> etree._Element | None:
    """The g:ResourcePackage holding the Comparison and the shared concepts of `links` (None: no link)."""
    if not links:
        return None
    comparison, scheme = _comparison(session, links, agency=agency)
    version = _version(links)
    package = etree.Element(q("g", "ResourcePackage"), nsmap={k: v for k, v in NAMESPACES.items() if k != "ddi"})
    _identity(package, agency, PACKAGE_ID, version)
    package.append(comparison)
    package.append(scheme)
    return package


def _comparison(
    session: Session, links: list[ComparableLink], *, agency: str
) -> tuple[etree._Element, etree._Element]:
    concepts = {c.id: c for c in session.scalars(
        select(SharedConcept).where(SharedConcept.id.in_({link.concept_id for link in links if link.concept_id}))
    )}
    version = _version(links)
    comparison = etree.Element(q("cm", "Comparison"), nsmap={"cm": NAMESPACES["cm"], "r": NAMESPACES["r"]})
    _identity(comparison, agency, COMPARISON_ID, version)
    _texts(comparison, "cm", "ComparisonName",
           {"fr": "Variables comparables confirmées", "en": "Confirmed comparable variables"}, inner="String")
    _texts(comparison, "r", "Description", {
        "fr": "Paires de variables de deux cohortes jugées comparables par les responsables des études.",
        "en": "Pairs of variables of two cohorts judged comparable by the studies' managers.",
    })
    for link in links:
        concept = concepts.get(link.concept_id or -1)
        variable_map = _sub(comparison, "cm", "VariableMap")
        _identity(variable_map, agency, f"ddicat-variable-map-{link.id}", str(link.revision))
        if concept is not None:
            pair = _sub(variable_map, "r", "UserAttributePair")
            _sub(pair, "r", "AttributeKey", CONCEPT_KEY)
            _sub(pair, "r", "AttributeValue", make_urn(concept.agency, concept.ddi_id, concept.version))
            _texts(variable_map, "r", "Label", concept.label)
        item_map = _sub(variable_map, "cm", "ItemMap")
        _identity(item_map, agency, f"ddicat-item-map-{link.id}", str(link.revision))
        _reference(item_map, "cm", "SourceItemReference", link.left_agency, link.left_ddi_id, link.left_version,
                   "Variable")
        _reference(item_map, "cm", "TargetItemReference", link.right_agency, link.right_ddi_id,
                   link.right_version, "Variable")
        correspondence = _sub(item_map, "cm", "Correspondence")
        reasons = "; ".join(str(reason) for reason in (link.reasons or []))
        _texts(correspondence, "cm", "Commonality",
               {"en": f"Confirmed by {link.decided_by}" + (f": {reasons}" if reasons else "")})
        if link.score is not None:
            _sub(correspondence, "cm", "CommonalityWeight", f"{min(1.0, max(0.0, link.score)):.3f}")
    scheme = etree.Element(q("c", "ConceptScheme"), nsmap={"c": NAMESPACES["c"], "r": NAMESPACES["r"]})
    _identity(scheme, agency, SCHEME_ID, version)
    _texts(scheme, "r", "Label", {"fr": "Concepts partagés entre cohortes", "en": "Concepts shared across cohorts"})
    for concept in sorted(concepts.values(), key=lambda c: c.ddi_id):
        scheme.append(concept_element(concept))
    return comparison, scheme


def concept_element(concept: SharedConcept) -> etree._Element:
    element = etree.Element(q("c", "Concept"), nsmap={"c": NAMESPACES["c"], "r": NAMESPACES["r"]})
    _identity(element, concept.agency, concept.ddi_id, concept.version)
    _texts(element, "r", "Label", concept.label)
    return element


def _parse(document: bytes) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, remove_blank_text=False)
    return etree.fromstring(document, parser)


def with_harmonisation(
    document: bytes, session: Session, links: list[ComparableLink], *, agency: str | None = None
) -> bytes:
    """A written DDI-L 3.3 document (DDIInstance or FragmentInstance) with the links' Comparison added, under
    `agency` (default: the agency of their shared concepts, the catalogue's)."""
    if not links:
        return document
    if agency is None:
        concept = session.get(SharedConcept, next((l.concept_id for l in links if l.concept_id), -1))
        agency = concept.agency if concept is not None else links[0].left_agency
    root = _parse(document)
    local = etree.QName(root).localname
    if local == "DDIInstance":
        package = harmonisation_package(session, links, agency=agency)
        assert package is not None
        position = next((i for i, child in enumerate(root)
                         if isinstance(child.tag, str) and etree.QName(child).localname in AFTER_PACKAGES), len(root))
        root.insert(position, package)
    elif local == "FragmentInstance":
        comparison, scheme = _comparison(session, links, agency=agency)
        for content in [comparison, *scheme.findall(q("c", "Concept"))]:
            fragment = etree.SubElement(root, q("ddi", "Fragment"))
            fragment.append(content)
    else:
        return document
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")
