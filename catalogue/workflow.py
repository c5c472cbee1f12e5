"""A cohort space's workflow: upload into a draft, review it against the published release, publish it,
discard it, or roll the study back to an earlier published release.

Draft semantics: a study has at most one draft. An upload builds a new draft release from the current
draft (else from the published release) plus the file's items, and the previous draft becomes
"replaced", so that a questionnaire then its data file, or two waves, accumulate in one draft while each
release row keeps a fixed membership. Uploads to one study queue on its row lock (PostgreSQL) or on the
database write lock (SQLite): both end cleanly and nothing is mixed. Publishing turns the draft into the
published release in one short transaction (status changes, the draft's study and wave description, the
index outbox row, the audit event); a rollback publishes a copy of an earlier release's membership.
DDI versions are given at upload: only changed items get a new version (a discarded draft's new
versions stay stored, unpublished; the next change takes the next number).

Each service checks its actor first and appends its audit event in the caller's transaction.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, func, insert, literal, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from catalogue.accounts import Actor, member_grant, require_admin, study_for
from catalogue.audit import event_append, event_json, events_jsonl, events_of, events_stream
from catalogue.diff import membership_changes, release_diff
from catalogue.errors import Conflict, InvalidInput, Location, NotFound, Problem
from catalogue.imports import ImportReport, Source, study_import
from catalogue.model import AGENCY_PATTERN, UNDETERMINED_LANGUAGE, StudyInfo, WaveInfo
from catalogue.store import writes
from catalogue.store.reads import draft_release, published_release, release_counts
from catalogue.store.tables import Base, ImportRecord, IndexGeneration, Release, ReleaseItem, Study, Wave
from catalogue.store.tables import Item as ItemRow
from ddi_schemas.compiled import SchemaSet

REVIEWED = ("published", "superseded")


class DraftDescription(Base):
    """What the files of a draft say about the study and its waves, applied to them when it is published
    (until then the public keeps seeing the published description)."""

    __tablename__ = "draft_description"

    release_id: Mapped[int] = mapped_column(ForeignKey("release.id", ondelete="CASCADE"), primary_key=True)
    study: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    waves: Mapped[list[Any]] = mapped_column(default=list)


_ISO_DATE = re.compile(r"[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?")


def study_create(
    *,
    session: Session,
    actor: Actor,
    slug: str,
    title: dict[str, str],
    agency: str,
    abstract: dict[str, str] | None = None,
    manager_email: str | None = None,
) -> dict[str, Any]:
    """A new, empty cohort space (admin only), optionally with its first manager."""
    require_admin(actor)
    problems = []
    if not slug or writes.slugify(slug) != slug:
        problems.append(Problem("error", f"study handle {slug!r} must be lower-case letters, digits and "
                                f"hyphens (e.g. {writes.slugify(slug or 'my-cohort')!r})",
                                Location(element="slug"), "invalid-slug"))
    if not AGENCY_PATTERN.match(agency or ""):
        problems.append(Problem("error", f"DDI agency {agency!r} must look like a reversed domain name "
                                "(e.g. fr.inserm.cohort)", Location(element="agency"), "invalid-agency"))
    texts = {lang: text.strip() for lang, text in title.items() if text and text.strip()}
    if not texts:
        problems.append(Problem("error", "give the study a title (in French, English or both)",
                                Location(element="title"), "missing-title"))
    if problems:
        raise InvalidInput(problems)
    if session.scalar(select(Study.id).where(Study.slug == slug)) is not None:
        raise Conflict(f"a study {slug!r} already exists")
    study = Study(slug=slug, agency=agency, ddi_id=slug, version="1", element="Group", title=texts,
                  abstract={k: v for k, v in (abstract or {}).items() if v}, purpose={}, attributes={})
    session.add(study)
    session.flush()
    event_append(session, actor=actor.label, action="study.create", study=study,
                 detail={"slug": slug, "agency": agency, "title": texts})
    if manager_email:
        member_grant(session=session, actor=actor, study_slug=slug, email=manager_email, role="manager")
    return {"slug": study.slug, "agency": study.agency, "title": study.title}


def draft_upload(
    *,
    session: Session,
    schemas: SchemaSet,
    actor: Actor,
    study_slug: str,
    source: Source,
    default_agency: str,
    max_bytes: int,
    wave: str | None = None,
    source_format: str | None = None,
    lenient: bool = False,
) -> ImportReport:
    """An editor's file imported into the study's draft (created, or extended), with its audit event."""
    study = study_for(session, actor, study_slug, role="editor", write=True)
    previous = draft_release(session, study.id)
    report = study_import(
        session=session, schemas=schemas, source=source, study_slug=study.slug, default_agency=default_agency,
        wave=wave, lenient=lenient, source_format=source_format, actor=actor.label, status="draft",
        max_bytes=max_bytes,
    )
    release = session.scalar(
        select(Release).where(Release.study_id == study.id, Release.number == report.release))
    assert release is not None
    _describe(session, release, previous, report.description or {})
    new_urns = session.scalars(select(ItemRow.urn).where(ItemRow.import_id == report.import_id)).all()
    event_append(session, actor=actor.label, action="upload", study=study, items=new_urns, detail={
        "file": source.name, "sha256": source.sha256, "size": len(source.data),
        "format": report.source_format, "release": report.release, "import_id": report.import_id,
        "waves": report.waves, "counts": report.counts,
        "new_items": report.new_items, "unchanged_items": report.unchanged_items,
        "warnings": len(report.warnings),
    })
    return report


def release_import(
    *,
    session: Session,
    schemas: SchemaSet,
    actor: Actor,
    study_slug: str,
    source: Source,
    default_agency: str,
    max_bytes: int,
    **options: Any,
) -> ImportReport:
    """The operator's direct import, published at once (`ddicat import`, the demo), with its audit event;
    refused while the study has a draft under review. `options` are study_import's (wave, format...)."""
    require_admin(actor)
    report = study_import(session=session, schemas=schemas, source=source, study_slug=study_slug,
                          default_agency=default_agency, actor=actor.label, status="published",
                          max_bytes=max_bytes, **options)
    study = session.scalar(select(Study).where(Study.slug == report.study))
    new_urns = session.scalars(select(ItemRow.urn).where(ItemRow.import_id == report.import_id)).all()
    event_append(session, actor=actor.label, action="import", study=study, items=new_urns, detail={
        "file": source.name, "sha256": source.sha256, "size": len(source.data),
        "format": report.source_format, "release": report.release, "import_id": report.import_id,
        "waves": report.waves, "counts": report.counts, "new_items": report.new_items,
        "unchanged_items": report.unchanged_items, "warnings": len(report.warnings),
    })
    return report


def draft_publish(
    *, session: Session, actor: Actor, study_slug: str, expected_draft: int | None = None
) -> dict[str, Any]:
    """The draft becomes the study's published release (a manager's act); the index follows the commit."""
    study = study_for(session, actor, study_slug, role="manager", write=True)
    draft = _current_draft(session, study, expected_draft)
    base = published_release(session, study.id)
    changes = membership_changes(session, base, draft)
    description = session.get(DraftDescription, draft.id)
    if description is not None:
        first = base is None and not _ever_published(session, study)
        _apply_description(session, study, description, first=first)
    session.execute(
        update(Release).where(Release.study_id == study.id, Release.status == "published")
        .values(status="superseded")
    )
    draft.status, draft.published_at = "published", datetime.now(UTC)
    session.add(IndexGeneration(study_slug=study.slug))
    session.flush()
    summary = changes.summary()
    event_append(session, actor=actor.label, action="publish", study=study, items=changes.urns(), detail={
        "release": draft.number, "previous": base.number if base else None, **summary,
    })
    return {"study": study.slug, "release": draft.number, "previous": base.number if base else None,
            "summary": summary}


def draft_discard(
    *, session: Session, actor: Actor, study_slug: str, expected_draft: int | None = None
) -> dict[str, Any]:
    """Drop the draft (a manager's act): the published release stays as it is."""
    study = study_for(session, actor, study_slug, role="manager", write=True)
    draft = _current_draft(session, study, expected_draft)
    draft.status = "discarded"
    session.add(IndexGeneration(study_slug=study.slug))
    session.flush()
    event_append(session, actor=actor.label, action="discard", study=study, detail={"release": draft.number})
    return {"study": study.slug, "discarded": draft.number}


def release_rollback(*, session: Session, actor: Actor, study_slug: str, number: int) -> dict[str, Any]:
    """Publish again what an earlier published release held, as a new release (a manager's act)."""
    study = study_for(session, actor, study_slug, role="manager", write=True)
    draft = draft_release(session, study.id)
    if draft is not None:
        raise Conflict(f"study {study.slug!r} has a draft under review (release {draft.number}): publish or "
                       "discard it before rolling back")
    target = session.scalar(select(Release).where(Release.study_id == study.id, Release.number == number))
    if target is None or target.status not in REVIEWED:
        raise NotFound(f"study {study.slug!r} has no published release {number}")
    current = published_release(session, study.id)
    if current is not None and current.id == target.id:
        raise Conflict(f"release {number} is already the published release of study {study.slug!r}")
    latest = session.scalar(select(func.max(Release.number)).where(Release.study_id == study.id)) or 0
    release = Release(study_id=study.id, number=latest + 1, status="published", based_on_id=target.id,
                      note=f"rollback to release {number}", published_at=datetime.now(UTC))
    session.add(release)
    session.flush()
    session.execute(insert(ReleaseItem).from_select(
        ["release_id", "item_id", "wave_id"],
        select(literal(release.id), ReleaseItem.item_id, ReleaseItem.wave_id)
        .where(ReleaseItem.release_id == target.id),
    ))
    if current is not None:
        current.status = "superseded"
    session.add(IndexGeneration(study_slug=study.slug))
    session.flush()
    changes = membership_changes(session, current, release)
    event_append(session, actor=actor.label, action="rollback", study=study, items=changes.urns(), detail={
        "release": release.number, "to": number, "previous": current.number if current else None,
        **changes.summary(),
    })
    return {"study": study.slug, "release": release.number, "to": number,
            "previous": current.number if current else None, "summary": changes.summary()}


def wave_describe(
    *,
    session: Session,
    actor: Actor,
    study_slug: str,
    wave_name: str,
    title: dict[str, str] | None = None,
    abstract: dict[str, str] | None = None,
    start_date: str | None = None,
    end_date: str | None = None,
    age_min_months: float | None = None,
    age_max_months: float | None = None,
) -> dict[str, Any]:
    """Describe a wave its sources leave blank (a REDCap dictionary, an SPSS file carry no wave title,
    dates or participants' age): an editor's act, applied at once (waves are not versioned items)."""
    study = study_for(session, actor, study_slug, role="editor", write=True)
    wave = session.scalar(select(Wave).where(Wave.study_id == study.id, Wave.name == wave_name))
    if wave is None:
        raise NotFound(f"study {study_slug!r} has no wave {wave_name!r}")
    problems = []
    for field_name, value in (("start_date", start_date), ("end_date", end_date)):
        if value is not None and not _ISO_DATE.fullmatch(value):
            problems.append(Problem("error", f"{value!r} is not a date (YYYY-MM-DD, YYYY-MM or YYYY)",
                                    Location(element=field_name), "invalid-date"))
    for field_name, age in (("age_min_months", age_min_months), ("age_max_months", age_max_months)):
        if age is not None and not 0 <= age <= 2000:
            problems.append(Problem("error", f"an age of {age} months is out of range",
                                    Location(element=field_name), "invalid-age"))
    if age_min_months is not None and age_max_months is not None and age_min_months > age_max_months:
        problems.append(Problem("error", "the minimum age is above the maximum age",
                                Location(element="age_min_months"), "invalid-age"))
    if problems:
        raise InvalidInput(problems)
    changed: dict[str, Any] = {}
    for field_name, value in (("title", title), ("abstract", abstract)):
        texts = {lang: text.strip() for lang, text in (value or {}).items() if text and text.strip()}
        if texts:
            current = {lang: text for lang, text in getattr(wave, field_name).items()
                       if not (lang == UNDETERMINED_LANGUAGE and text == wave.name)}  # the name as placeholder
            setattr(wave, field_name, {**current, **texts})
            changed[field_name] = texts
    for field_name, value in (("start_date", start_date), ("end_date", end_date),
                              ("age_min_months", age_min_months), ("age_max_months", age_max_months)):
        if value is not None:
            setattr(wave, field_name, value)
            changed[field_name] = value
    session.add(IndexGeneration(study_slug=study.slug))  # participants' ages feed the search's age filter
    event_append(session, actor=actor.label, action="wave-describe", study=study,
                 detail={"wave": wave.name, **changed})
    session.flush()
    return {"study": study.slug, "wave": wave.name, "changed": changed}


# What the space's pages and API read ------------------------------------------------------------------------


def draft_overview(*, session: Session, actor: Actor, study_slug: str) -> dict[str, Any]:
    """The draft under review: its uploads with their reports, counts, and what it changes (viewers)."""
    study = study_for(session, actor, study_slug, role="viewer", write=False)
    draft = draft_release(session, study.id)
    if draft is None:
        raise NotFound(f"study {study.slug!r} has no draft")
    base = published_release(session, study.id)
    imports = _draft_imports(session, draft)
    records = {r.id: r for r in session.scalars(select(ImportRecord).where(ImportRecord.id.in_(imports)))}
    totals: dict[str, int] = {}
    for per_wave in release_counts(session, draft).values():
        for item_type, count in per_wave.items():
            totals[item_type] = totals.get(item_type, 0) + count
    return {
        "study": study.slug,
        "release": draft.number,
        "base": base.number if base else None,
        "created_at": _iso(draft.created_at),
        "uploads": [_upload_json(records[i], draft.number) for i in sorted(records)],
        "counts": dict(sorted(totals.items())),
        "changes": membership_changes(session, base, draft).summary(),
    }


def draft_diff(*, session: Session, actor: Actor, study_slug: str, limit: int = 1000) -> dict[str, Any]:
    """The draft against the published release, item by item (viewers)."""
    study = study_for(session, actor, study_slug, role="viewer", write=False)
    draft = draft_release(session, study.id)
    if draft is None:
        raise NotFound(f"study {study.slug!r} has no draft")
    description = session.get(DraftDescription, draft.id)
    return release_diff(
        session, published_release(session, study.id), draft, limit=limit,
        description={"study": description.study, "waves": description.waves} if description else None,
    )


def upload_list(*, session: Session, actor: Actor, study_slug: str) -> list[dict[str, Any]]:
    """Every file imported into the study, newest first, with the release it made (viewers)."""
    study = study_for(session, actor, study_slug, role="viewer", write=False)
    rows = session.execute(
        select(ImportRecord, Release.number, Release.status)
        .outerjoin(Release, Release.import_id == ImportRecord.id)
        .where(ImportRecord.study_id == study.id)
        .order_by(ImportRecord.id.desc())
    )
    return [_upload_json(record, number) | {"release_status": status} for record, number, status in rows]


def release_list(*, session: Session, actor: Actor, study_slug: str) -> list[dict[str, Any]]:
    """The study's releases, newest first, with their state (viewers)."""
    study = study_for(session, actor, study_slug, role="viewer", write=False)
    releases = list(session.scalars(
        select(Release).where(Release.study_id == study.id).order_by(Release.number.desc())))
    numbers = {r.id: r.number for r in releases}
    files = dict(session.execute(
        select(ImportRecord.id, ImportRecord.source_name).where(ImportRecord.study_id == study.id)
    ).all())
    sizes = dict(session.execute(
        select(ReleaseItem.release_id, func.count()).join(Release, Release.id == ReleaseItem.release_id)
        .where(Release.study_id == study.id).group_by(ReleaseItem.release_id)
    ).all())
    return [
        {"number": r.number, "status": r.status, "created_at": _iso(r.created_at),
         "published_at": _iso(r.published_at), "based_on": numbers.get(r.based_on_id or 0), "note": r.note,
         "file": files.get(r.import_id or 0), "item_count": sizes.get(r.id, 0),
         "can_roll_back": r.status == "superseded"}
        for r in releases
    ]


def study_events(
    *, session: Session, actor: Actor, study_slug: str, limit: int = 100, before: int | None = None
) -> list[dict[str, Any]]:
    """The study's audit events, newest first (managers)."""
    study = study_for(session, actor, study_slug, role="manager", write=False)
    return [event_json(e) for e in events_of(session, study_id=study.id, limit=limit, before=before)]


def study_events_export(*, session: Session, actor: Actor, study_slug: str) -> list[str]:
    """The study's audit events as JSON lines, in chain order (managers)."""
    study = study_for(session, actor, study_slug, role="manager", write=False)
    return list(events_jsonl(events_stream(session, study_id=study.id)))


def catalogue_events(
    *, session: Session, actor: Actor, limit: int = 100, before: int | None = None
) -> list[dict[str, Any]]:
    """Every audit event, newest first (admin)."""
    require_admin(actor)
    return [event_json(e) for e in events_of(session, limit=limit, before=before)]


def catalogue_events_export(*, session: Session, actor: Actor) -> list[str]:
    """The whole audit chain as JSON lines (admin): `ddicat audit verify --file` checks such an export."""
    require_admin(actor)
    return list(events_jsonl(events_stream(session)))


def _current_draft(session: Session, study: Study, expected: int | None) -> Release:
    draft = draft_release(session, study.id)
    if draft is None:
        raise NotFound(f"study {study.slug!r} has no draft")
    if expected is not None and draft.number != expected:
        raise Conflict(f"the draft of study {study.slug!r} changed since you reviewed it: it is now release "
                       f"{draft.number} (you reviewed {expected}); review it again")
    return draft


def _draft_imports(session: Session, draft: Release) -> list[int]:
    """The imports gathered in a draft: its own and those of the drafts it replaced."""
    found = []
    release: Release | None = draft
    while release is not None and release.status in ("draft", "replaced"):
        if release.import_id is not None:
            found.append(release.import_id)
        release = session.get(Release, release.based_on_id) if release.based_on_id else None
    return found


def _describe(
    session: Session, release: Release, previous: Release | None, description: dict[str, Any]
) -> None:
    """The new draft's description: the previous draft's, updated with what this file says."""
    earlier = session.get(DraftDescription, previous.id) if previous is not None else None
    study = description.get("study") or (earlier.study if earlier else None)
    waves = {(str(w["agency"]).lower(), w["id"]): w for w in (earlier.waves if earlier else [])}
    for wave in description.get("waves") or []:
        waves[(str(wave["agency"]).lower(), wave["id"])] = wave
    session.add(DraftDescription(release_id=release.id, study=study, waves=list(waves.values())))
    session.flush()


def _apply_description(session: Session, study: Study, description: DraftDescription, *, first: bool) -> None:
    """The draft's description becomes the study's; at a study's first publication it also takes the
    document's DDI identity (an admin-created space has a provisional one), so exports keep the URN."""
    if description.study:
        info = StudyInfo(**description.study)
        if first:
            study.agency, study.ddi_id, study.version = info.agency, info.id, info.version or "1"
            study.element = info.element
        writes.get_or_create_study(session, slug=study.slug, info=info, agency=study.agency)
    if description.waves:
        writes.upsert_waves(session, study, [WaveInfo(**wave) for wave in description.waves])


def _ever_published(session: Session, study: Study) -> bool:
    return session.scalar(
        select(Release.id).where(Release.study_id == study.id, Release.status.in_(REVIEWED)).limit(1)
    ) is not None


def _upload_json(record: ImportRecord, release: int | None) -> dict[str, Any]:
    return {
        "id": record.id, "file": record.source_name, "sha256": record.source_sha256,
        "size": record.source_size,
        "format": record.source_format, "actor": record.actor, "at": _iso(record.created_at),
        "waves": record.wave_names, "counts": record.counts, "release": release,
        "problems": record.problems,
        "errors": sum(1 for p in record.problems if p.get("severity") == "error"),
        "warnings": sum(1 for p in record.problems if p.get("severity") == "warning"),
    }


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()
