"""The catalogue as DCAT-AP 3 (with HealthDCAT-AP properties): one dcat:Dataset per cohort and per wave.

A cohort's Dataset `dct:hasPart` its waves' Datasets (each `dct:isPartOf` it). Each Dataset has one
Distribution, its DDI-Lifecycle 3.3 document from the API. Individual data are never in the catalogue, so
`dct:accessRights` is NON_PUBLIC and `healthdcatap:*` describe the population (participants, age range,
coverage). Controlled values come from the EU Publications Office authority lists (country, language,
access right, data theme, file type), typed as DCAT-AP's range shapes expect.

Graph IRIs are the pages' addresses (`…/studies/elfe#dataset`), the same identities as the pages' JSON-LD.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

HEALTH = Namespace("http://healthdataportal.eu/ns/health#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"
NON_PUBLIC = URIRef(EU + "access-right/NON_PUBLIC")
HEALTH_THEME = URIRef(EU + "data-theme/HEAL")
XML_TYPE = URIRef(EU + "file-type/XML")
XML_MEDIA = URIRef("http://www.iana.org/assignments/media-types/application/xml")
DDI_33 = URIRef("https://ddialliance.org/Specification/DDI-Lifecycle/3.3/")
LANGUAGES = {"fr": "FRA", "en": "ENG", "de": "DEU", "es": "SPA", "it": "ITA", "nl": "NLD"}
COUNTRIES = {"FR": "FRA", "BE": "BEL", "CH": "CHE", "DE": "DEU", "GB": "GBR", "AU": "AUS"}
TURTLE, JSONLD = "text/turtle", "application/ld+json"
DCAT_VERSION = URIRef(str(DCAT) + "version")  # DCAT 3; rdflib's closed DCAT namespace predates it
JSONLD_CONTEXT = {
    "dcat": str(DCAT),
    "dct": str(DCTERMS),
    "foaf": str(FOAF),
    "skos": str(SKOS),
    "xsd": str(XSD),
    "healthdcatap": str(HEALTH),
    "dcatap": str(DCATAP),
    "vcard": str(VCARD),
}


def _texts(graph: Graph, subject: URIRef | BNode, predicate: URIRef, text: dict[str, str] | None) -> None:
    for lang, value in (text or {}).items():
        if value:
            graph.add((subject, predicate, Literal(value, lang=None if lang == "und" else lang)))


def _date(value: str | None) -> Literal | None:
    if not value:
        return None
    try:
        return Literal(datetime.fromisoformat(value[:10]).date().isoformat(), datatype=XSD.date)
    except ValueError:
        return None


def _stamp(value: str | None) -> Literal | None:
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return Literal(moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), datatype=XSD.dateTime)


class CatalogueGraph:
    """Builds the graph: the catalogue, its publisher, then each cohort with its waves."""

    def __init__(self, *, base_url: str, languages: list[str], title: str = "ddicat") -> None:
        self.graph = Graph()
        for prefix, namespace in JSONLD_CONTEXT.items():
            self.graph.bind(prefix, namespace)
        self.base = base_url.rstrip("/")
        self.languages = languages
        self.catalogue = URIRef(self.base + "/api/v1/dcat#catalogue")
        g = self.graph
        g.add((self.catalogue, RDF.type, DCAT.Catalog))
        g.add((self.catalogue, DCTERMS.title, Literal(title, lang="en")))
        g.add(
            (
                self.catalogue,
                DCTERMS.description,
                Literal(
                    "Metadata of longitudinal health cohorts: waves, questionnaires and variables, "
                    "in DDI-Lifecycle 3.3.",
                    lang="en",
                ),
            )
        )
        g.add(
            (
                self.catalogue,
                DCTERMS.description,
                Literal(
                    "Métadonnées de cohortes longitudinales en santé : vagues, questionnaires et "
                    "variables, en DDI-Lifecycle 3.3.",
                    lang="fr",
                ),
            )
        )
        g.add((self.catalogue, FOAF.homepage, self._document(self.base + "/")))
        g.add((self.catalogue, DCTERMS.publisher, self._agent(title, self.base + "/")))
        for lang in languages:
            g.add((self.catalogue, DCTERMS.language, self._language(lang)))
        health = HEALTH_THEME
        g.add((health, RDF.type, SKOS.Concept))
        g.add((health, SKOS.prefLabel, Literal("Health", lang="en")))
        g.add((health, SKOS.prefLabel, Literal("Santé", lang="fr")))

    def _document(self, address: str) -> URIRef:
        node = URIRef(address)
        self.graph.add((node, RDF.type, FOAF.Document))
        return node

    def _agent(self, name: str, homepage: str | None = None) -> URIRef | BNode:
        node = BNode()
        self.graph.add((node, RDF.type, FOAF.Agent))
        self.graph.add((node, FOAF.name, Literal(name)))
        if homepage:
            self.graph.add((node, FOAF.homepage, self._document(homepage)))
        return node

    def _language(self, code: str) -> URIRef:
        node = URIRef(EU + "language/" + LANGUAGES.get(code, code.upper()))
        self.graph.add((node, RDF.type, DCTERMS.LinguisticSystem))
        return node

    def _period(self, start: str | None, end: str | None) -> BNode | None:
        start_date, end_date = _date(start), _date(end)
        if start_date is None and end_date is None:
            return None
        node = BNode()
        self.graph.add((node, RDF.type, DCTERMS.PeriodOfTime))
        if start_date is not None:
            self.graph.add((node, DCAT.startDate, start_date))
        if end_date is not None:
            self.graph.add((node, DCAT.endDate, end_date))
        return node

    def _distribution(self, dataset: URIRef, access_url: str, title: str, license_url: str | None) -> None:
        g = self.graph
        node = URIRef(access_url)
        g.add((node, RDF.type, DCAT.Distribution))
        g.add((node, DCAT.accessURL, URIRef(access_url)))
        g.add((node, DCAT.downloadURL, URIRef(access_url)))
        g.add((node, DCTERMS.title, Literal(title, lang="en")))
        g.add((node, DCAT.mediaType, XML_MEDIA))
        g.add((XML_MEDIA, RDF.type, DCTERMS.MediaType))
        g.add((node, DCTERMS.format, XML_TYPE))
        g.add((XML_TYPE, RDF.type, DCTERMS.MediaTypeOrExtent))
        g.add((node, DCTERMS.conformsTo, DDI_33))
        g.add((DDI_33, RDF.type, DCTERMS.Standard))
        if license_url:
            license_node = URIRef(license_url)
            g.add((node, DCTERMS.license, license_node))
            g.add((license_node, RDF.type, DCTERMS.LicenseDocument))
        g.add((dataset, DCAT.distribution, node))

    def _common(self, node: URIRef, study: dict[str, Any], landing: str) -> None:
        g = self.graph
        attrs = study.get("attributes", {})
        g.add((node, RDF.type, DCAT.Dataset))
        g.add((node, DCAT.landingPage, self._document(landing)))
        g.add((node, DCAT.theme, HEALTH_THEME))
        g.add((node, DCTERMS.accessRights, NON_PUBLIC))
        g.add((NON_PUBLIC, RDF.type, DCTERMS.RightsStatement))
        for code in attrs.get("ddicat:country", "").split():
            place = URIRef(EU + "country/" + COUNTRIES.get(code.upper(), code.upper()))
            g.add((place, RDF.type, DCTERMS.Location))
            g.add((node, DCTERMS.spatial, place))
        for lang in sorted({k for k in (study.get("title") or {}) if k in LANGUAGES}):
            g.add((node, DCTERMS.language, self._language(lang)))
        if attrs.get("ddicat:population"):
            g.add((node, HEALTH.populationCoverage, Literal(attrs["ddicat:population"], lang="en")))
        if attrs.get("ddicat:accessUrl"):
            g.add((node, FOAF.page, self._document(attrs["ddicat:accessUrl"])))

    def add_study(self, study: dict[str, Any]) -> URIRef:
        """A cohort and its waves; returns the cohort's Dataset."""
        g = self.graph
        slug = study["slug"]
        landing = f"{self.base}/studies/{slug}"
        node = URIRef(landing + "#dataset")
        attrs = study.get("attributes", {})
        g.add((self.catalogue, DCAT.dataset, node))
        self._common(node, study, landing)
        _texts(g, node, DCTERMS.title, study.get("title"))
        _texts(g, node, DCTERMS.description, study.get("abstract") or study.get("title"))
        g.add((node, DCTERMS.identifier, Literal(study["urn"])))
        agency = study["urn"].split(":")[2]
        g.add((node, DCTERMS.publisher, self._agent(attrs.get("ddicat:publisher") or agency)))
        g.add((node, DCTERMS.creator, self._agent(attrs.get("ddicat:creator") or agency)))
        release = study.get("release", {})
        g.add((node, DCAT_VERSION, Literal(str(release.get("number", "")))))
        modified = _stamp(release.get("published_at"))
        if modified is not None:
            g.add((node, DCTERMS.modified, modified))
        for topic in study.get("topics", []):
            _texts(g, node, DCAT.keyword, topic.get("label"))
        if attrs.get("ddicat:participants", "").isdigit():
            g.add(
                (
                    node,
                    HEALTH.numberOfUniqueIndividuals,
                    Literal(int(attrs["ddicat:participants"]), datatype=XSD.nonNegativeInteger),
                )
            )
        variables = study.get("counts", {}).get("Variable")
        if variables:
            g.add((node, HEALTH.numberOfRecords, Literal(variables, datatype=XSD.nonNegativeInteger)))
        waves = study.get("waves", [])
        starts = sorted(w["start_date"] for w in waves if w.get("start_date"))
        ends = sorted(w.get("end_date") or w.get("start_date") for w in waves if w.get("start_date"))
        period = self._period(starts[0] if starts else None, ends[-1] if ends else None)
        if period is not None:
            g.add((node, DCTERMS.temporal, period))
        ages = [a for w in waves for a in (w.get("age_min_months"), w.get("age_max_months")) if a is not None]
        if ages:
            g.add(
                (node, HEALTH.minTypicalAge, Literal(int(min(ages) // 12), datatype=XSD.nonNegativeInteger))
            )
            g.add(
                (
                    node,
                    HEALTH.maxTypicalAge,
                    Literal(int(-(-max(ages) // 12)), datatype=XSD.nonNegativeInteger),
                )
            )
        self._distribution(
            node,
            f"{self.base}/api/v1/studies/{slug}.xml",
            "DDI-Lifecycle 3.3 document of the cohort",
            attrs.get("ddicat:license"),
        )
        for wave in waves:
            part = self.add_wave(study, wave)
            g.add((node, DCTERMS.hasPart, part))
            g.add((part, DCTERMS.isPartOf, node))
        return node

    def add_wave(self, study: dict[str, Any], wave: dict[str, Any]) -> URIRef:
        g = self.graph
        landing = f"{self.base}/studies/{study['slug']}/waves/{wave['name']}"
        node = URIRef(landing + "#dataset")
        g.add((self.catalogue, DCAT.dataset, node))
        self._common(node, study, landing)
        titles = wave.get("title") or {"und": wave["name"]}
        study_titles = study.get("title") or {}
        _texts(
            g,
            node,
            DCTERMS.title,
            {
                lang: f"{study_titles.get(lang) or next(iter(study_titles.values()), study['slug'])} — {text}"
                for lang, text in titles.items()
            },
        )
        _texts(g, node, DCTERMS.description, wave.get("abstract") or titles)
        g.add((node, DCTERMS.identifier, Literal(wave["urn"])))
        period = self._period(wave.get("start_date"), wave.get("end_date") or wave.get("start_date"))
        if period is not None:
            g.add((node, DCTERMS.temporal, period))
        for key, predicate in (
            ("age_min_months", HEALTH.minTypicalAge),
            ("age_max_months", HEALTH.maxTypicalAge),
        ):
            if wave.get(key) is not None:
                years = wave[key] // 12 if key == "age_min_months" else -(-wave[key] // 12)
                g.add((node, predicate, Literal(int(years), datatype=XSD.nonNegativeInteger)))
        variables = wave.get("counts", {}).get("Variable")
        if variables:
            g.add((node, HEALTH.numberOfRecords, Literal(variables, datatype=XSD.nonNegativeInteger)))
        self._distribution(
            node,
            f"{self.base}/api/v1/studies/{study['slug']}/waves/{wave['name']}.xml",
            "DDI-Lifecycle 3.3 document of the wave",
            study.get("attributes", {}).get("ddicat:license"),
        )
        return node


def catalogue_graph(studies: list[dict[str, Any]], *, base_url: str, languages: list[str]) -> Graph:
    """The whole catalogue as an RDF graph (studies as `api.views.study_context` gives them)."""
    builder = CatalogueGraph(base_url=base_url, languages=languages)
    for study in studies:
        builder.add_study(study)
    return builder.graph


def serialize(graph: Graph, media_type: str) -> str:
    if media_type == JSONLD:
        return graph.serialize(format="json-ld", context=JSONLD_CONTEXT, indent=1)
    return graph.serialize(format="turtle")
