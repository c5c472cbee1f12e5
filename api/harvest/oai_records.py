"""What OAI-PMH harvests: one record per published variable and question, and one per cohort.

A record is named by its URN without version (`oai:<host>:urn:ddi:agency:id`) and carries the latest
published version, so a new version updates the record instead of adding one. Its datestamp is the moment
that version was first published. Sets: `study` (every cohort), `study:<slug>` and `study:<slug>:<wave>`.
Metadata: Dublin Core (`oai_dc`) from labels and texts with `xml:lang`, and DDI-L 3.3 (`ddi-l`): the
item's FragmentInstance or the cohort's DDIInstance from `catalogue.exports`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from lxml import etree
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalogue.exports import item_export, study_export
from catalogue.model import QuestionGrid, QuestionItem, Variable, make_urn
from catalogue.store.reads import Viewer, load_items, release_wave_ids, to_item, visible_studies
from catalogue.store.tables import Item as ItemRow
from catalogue.store.tables import Release, ReleaseItem, Study, Wave

RECORD_TYPES = ("Variable", "QuestionItem", "QuestionGrid")
DC_NS = "http://purl.org/dc/elements/1.1/"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)


def utc(moment: datetime) -> datetime:
    """Stored datetimes are UTC; SQLite hands them back naive."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@dataclass(slots=True)
class OaiRecord:
    identifier: str
    urn: str
    kind: str  # "item" or "study"
    datestamp: datetime
    sets: set[str] = field(default_factory=set)
    row_id: int | None = None
    study_slug: str | None = None
    version_sort: str = ""

    @property
    def order(self) -> tuple[str, str]:
        return (self.datestamp.strftime("%Y-%m-%dT%H:%M:%SZ"), self.identifier)


def record_identifier(host: str, urn_without_version: str) -> str:
    return f"oai:{host}:{urn_without_version}"


def published_records(session: Session, host: str) -> list[OaiRecord]:
    """Every record of the repository, in (datestamp, identifier) order."""
    shown = visible_studies(session, Viewer.public())
    releases = {release.id: (study, release) for study, release in shown if release.status == "published"}
    records: dict[str, OaiRecord] = {}
    for study, release in releases.values():
        identifier = record_identifier(host, make_urn(study.agency, study.ddi_id, None))
        records[identifier] = OaiRecord(
            identifier=identifier,
            urn=make_urn(study.agency, study.ddi_id, study.version),
            kind="study",
            datestamp=utc(release.published_at or release.created_at),
            sets={"study", f"study:{study.slug}"},
            study_slug=study.slug,
        )
    if not releases:
        return []
    first_published = dict(
        session.execute(
            select(ReleaseItem.item_id, func.min(Release.published_at))
            .join(Release, Release.id == ReleaseItem.release_id)
            .join(ItemRow, ItemRow.id == ReleaseItem.item_id)
            .where(Release.status.in_(("published", "superseded")), ItemRow.type.in_(RECORD_TYPES))
            .group_by(ReleaseItem.item_id)
        ).all()
    )
    waves = {w.id: w.name for w in session.scalars(select(Wave))}
    rows = session.execute(
        select(
            ItemRow.id,
            ItemRow.agency,
            ItemRow.ddi_id,
            ItemRow.version,
            ItemRow.version_sort,
            ReleaseItem.release_id,
            ReleaseItem.wave_id,
        )
        .join(ReleaseItem, ReleaseItem.item_id == ItemRow.id)
        .where(ReleaseItem.release_id.in_(releases), ItemRow.type.in_(RECORD_TYPES))
    )
    for row_id, agency, ddi_id, version, version_sort, release_id, wave_id in rows:
        study, release = releases[release_id]
        identifier = record_identifier(host, make_urn(agency, ddi_id, None))
        record = records.get(identifier)
        if record is None or (record.kind == "item" and version_sort > record.version_sort):
            stamp = first_published.get(row_id) or release.published_at or release.created_at
            sets = record.sets if record is not None else set()
            record = records[identifier] = OaiRecord(
                identifier=identifier,
                urn=make_urn(agency, ddi_id, version),
                kind="item",
                datestamp=utc(stamp),
                sets=sets,
                row_id=row_id,
                study_slug=study.slug,
                version_sort=version_sort,
            )
        record.sets |= {"study", f"study:{study.slug}"}
        if wave_id in waves:
            record.sets.add(f"study:{study.slug}:{waves[wave_id]}")
    return sorted(records.values(), key=lambda r: r.order)


def repository_sets(session: Session) -> list[tuple[str, str, dict[str, str]]]:
    """(setSpec, setName, descriptions per language) of every set, parents first."""
    found: list[tuple[str, str, dict[str, str]]] = [("study", "Cohorts", {})]
    for study, release in visible_studies(session, Viewer.public()):
        if release.status != "published":
            continue
        name = study.title.get("en") or next(iter(study.title.values()), study.slug)
        found.append((f"study:{study.slug}", name, dict(study.title)))
        held = release_wave_ids(session, release)
        for wave in session.scalars(select(Wave).where(Wave.study_id == study.id).order_by(Wave.position)):
            if wave.id not in held:
                continue
            wave_name = wave.title.get("en") or next(iter(wave.title.values()), wave.name)
            found.append((f"study:{study.slug}:{wave.name}", f"{name} — {wave_name}", dict(wave.title)))
    return found


def _dc(parent: etree._Element, name: str, value: str, lang: str | None = None) -> None:
    if not value:
        return
    element = etree.SubElement(parent, f"{{{DC_NS}}}{name}")
    element.text = value
    if lang and lang != "und":
        element.set(XML_LANG, lang)


def _dc_texts(parent: etree._Element, name: str, text: dict[str, str] | None) -> None:
    for lang, value in (text or {}).items():
        _dc(parent, name, value, lang)


def oai_dc(session: Session, record: OaiRecord, page_url: str) -> etree._Element:
    """Dublin Core for a record: titles and descriptions per language, identifiers, subjects, relation."""
    root = etree.Element(f"{{{OAI_DC_NS}}}dc", nsmap={"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_DC_NS} http://www.openarchives.org/OAI/2.0/oai_dc.xsd")
    if record.kind == "study":
        study = session.scalar(select(Study).where(Study.slug == record.study_slug))
        assert study is not None
        _dc_texts(root, "title", study.title)
        _dc_texts(root, "description", study.abstract)
        _dc(root, "type", "Dataset")
        _dc(root, "creator", study.attributes.get("ddicat:creator") or study.agency)
        _dc(root, "coverage", study.attributes.get("ddicat:country", ""))
        _dc(root, "rights", study.attributes.get("ddicat:license", ""))
    else:
        row = session.get(ItemRow, record.row_id)
        assert row is not None
        item = to_item(row)
        _dc_texts(root, "title", item.label or ({"und": item.name} if item.name else {}))
        if isinstance(item, (QuestionItem, QuestionGrid)):
            _dc_texts(root, "description", item.text)
            concepts = item.concepts
        else:
            _dc_texts(root, "description", item.description)
            concepts = [item.concept] if isinstance(item, Variable) and item.concept else []
        for concept in load_items(session, [ref.key for ref in concepts]).values():
            _dc_texts(root, "subject", concept.label)
        _dc(root, "type", "Variable" if item.TYPE == "Variable" else "Question")
        _dc(root, "creator", item.agency)
        study = session.scalar(select(Study).where(Study.slug == record.study_slug))
        if study is not None:
            _dc(root, "relation", make_urn(study.agency, study.ddi_id, study.version))
    _dc(root, "identifier", record.urn)
    _dc(root, "identifier", page_url)
    _dc(root, "date", record.datestamp.strftime("%Y-%m-%d"))
    _dc(root, "format", "application/xml")
    return root


def ddi_l(session: Session, record: OaiRecord) -> etree._Element:
    """The DDI-L 3.3 document of the record (a FragmentInstance for an item, a DDIInstance for a cohort)."""
    if record.kind == "study":
        assert record.study_slug is not None
        data = study_export(session=session, slug=record.study_slug, viewer=Viewer.public())
    else:
        row = session.get(ItemRow, record.row_id)
        assert row is not None
        data = item_export(session=session, row=row)
    return etree.fromstring(data, SAFE_PARSER)


def describe(record: OaiRecord) -> dict[str, Any]:
    return {"identifier": record.identifier, "urn": record.urn, "sets": sorted(record.sets)}
