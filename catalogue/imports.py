"""Importing a file into a study: the one road every source takes into the catalogue.

source → (DDI-L: XSD + profile gate, reader | other formats: an importer) → package → versions →
canonical DDI-L 3.3 document (validated) → store (waves, items, a new release, the import record).
Everything happens in the caller's transaction: an error anywhere leaves the catalogue as it was.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalogue.ddi.reader import collector_paused, read_ddi
from catalogue.ddi.writer import ddi_bytes
from catalogue.errors import Conflict, InvalidInput, Location, PayloadTooLarge, Problem
from catalogue.model import DDIPackage, WaveInfo
from catalogue.store import writes
from catalogue.merge import MergeReport, merge_data_file
from catalogue.store.reads import draft_release, load_snapshot, package_of, published_release
from catalogue.store.tables import ImportRecord, Item, Release, Study, Wave
from catalogue.versioning import assign_versions
from ddi_schemas.compiled import SchemaSet
from ddi_schemas.check import check
from importers.registry import ImportOptions, detect_importer
from ddi_schemas.validate import validate

DDI_FORMAT = "ddi-l"


@dataclass(slots=True)
class Source:
    """An input file as received: its name (for messages), its bytes, their size and SHA-256."""

    name: str
    data: bytes
    sha256: str = ""

    def __post_init__(self) -> None:
        if not self.sha256:
            self.sha256 = hashlib.sha256(self.data).hexdigest()

    @classmethod
    def from_path(cls, path: Path, *, max_bytes: int) -> Source:
        size = path.stat().st_size
        if size > max_bytes:
            raise PayloadTooLarge(
                f"{path.name}: {size:,} bytes is more than the {max_bytes:,} bytes accepted (DDICAT_MAX_UPLOAD_BYTES)"
            )
        return cls(name=path.name, data=path.read_bytes())


@dataclass(slots=True)
class ImportReport:
    """What an import did, for the CLI, the API and the upload page."""

    study: str
    release: int
    status: str
    import_id: int
    source_name: str
    source_sha256: str
    source_format: str
    ddi_version: str
    waves: list[str]
    counts: dict[str, int]
    new_items: int
    unchanged_items: int
    problems: list[Problem] = field(default_factory=list)
    merge: dict[str, object] | None = None
    # A draft's description of the study and its waves, applied to them when the draft is published.
    description: dict[str, object] | None = None

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def as_dict(self) -> dict[str, object]:
        return {
            "study": self.study, "release": self.release, "status": self.status, "import_id": self.import_id,
            "source": {"name": self.source_name, "sha256": self.source_sha256, "format": self.source_format,
                       "ddi_version": self.ddi_version},
            "waves": self.waves, "counts": self.counts,
            "new_items": self.new_items, "unchanged_items": self.unchanged_items,
            "problems": [p.as_dict() for p in self.problems],
            "merge": self.merge,
        }


@collector_paused()
def study_import(
    *,
    session: Session,
    schemas: SchemaSet,
    source: Source,
    study_slug: str,
    default_agency: str,
    wave: str | None = None,
    agency: str | None = None,
    lenient: bool = False,
    source_format: str | None = None,
    actor: str = "cli",
    status: str = "published",
    max_bytes: int | None = None,
    split_languages: tuple[str, str] | None = None,
    column_mapping: dict[str, str] | None = None,
    preset: str | None = None,
) -> ImportReport:
    """Import one file into a study as a new release (published, or a draft for review)."""
    if max_bytes is not None and len(source.data) > max_bytes:
        raise PayloadTooLarge(
            f"{source.name}: {len(source.data):,} bytes is more than the {max_bytes:,} bytes accepted"
        )
    if not study_slug or writes.slugify(study_slug) != study_slug:
        raise InvalidInput([Problem("error", f"study handle {study_slug!r} must be lower-case letters, digits "
                                    f"and hyphens (e.g. {writes.slugify(study_slug or 'my-cohort')!r})")])
    problems: list[Problem] = []
    study = _locked_study(session, study_slug)
    if status == "published" and study is not None and (draft := draft_release(session, study.id)) is not None:
        raise Conflict(
            f"study {study_slug!r} has a draft under review (release {draft.number}): publish or discard it "
            "before importing directly, or upload this file into the draft"
        )
    options = ImportOptions(
        agency=agency or (study.agency if study else default_agency),
        id_prefix=f"{study_slug}-{writes.slugify(wave)}" if wave else study_slug, wave=wave,
        split_languages=split_languages, column_mapping=column_mapping, preset=preset,
    )
    package, ddi_version, fmt, canonical, data_file = _read_source(
        session, schemas, source, lenient=lenient, source_format=source_format, options=options, problems=problems
    )
    merge_report = None
    if data_file:
        package, merge_report = _merge_with_questionnaire(
            session, package, study=study, wave=wave, status=status, file_name=source.name
        )
        problems += merge_report.problems
    owner_agency = agency or (study.agency if study else None) or (
        package.study.agency if package.study else default_agency
    )
    if wave is not None and not data_file:
        _place_in_wave(session, package, wave, study_id=study.id if study else None, agency=owner_agency,
                       study_id_hint=study.ddi_id if study else study_slug, file_name=source.name)
        canonical = None
    if study is not None and package.study is not None and (
        package.study.agency.lower(), package.study.id) != (study.agency.lower(), study.ddi_id):
        problems.append(Problem(
            "warning",
            f"the document describes the study {package.study.urn}; imported into the catalogue's study "
            f"{study.slug!r} ({study.agency}:{study.ddi_id})",
            Location(file=source.name), "other-study",
        ))

    outcome = assign_versions(package, lambda pairs: writes.stored_versions(session, pairs), lenient=lenient)
    problems += [
        Problem(p.severity, p.message, Location(file=source.name, element=p.location.element), p.code)
        for p in outcome.problems
    ]
    _raise_on_errors(problems)
    if outcome.moved:
        canonical = None
    if canonical is None:
        canonical = ddi_bytes(package)
        written = validate(canonical, schemas, file_name=f"{source.name} (as DDI-L 3.3)")
        if not written.valid:
            raise InvalidInput(
                written.problems,
                f"{source.name}: the catalogue could not express this input as valid DDI-L 3.3: "
                f"{written.problems[0]}",
            )

    drafting = status == "draft" and study is not None
    study = writes.get_or_create_study(session, slug=study_slug, info=None if drafting else package.study,
                                       agency=owner_agency)
    waves = _draft_waves(session, study, package.waves) if drafting else writes.upsert_waves(
        session, study, package.waves)
    record = ImportRecord(
        study_id=study.id, actor=actor, source_name=source.name[:1024], source_sha256=source.sha256,
        source_size=len(source.data), source_format=fmt, wave_names=[w.name for w in waves.values()],
        ddi_document=gzip.compress(canonical, compresslevel=3), counts=package.counts(),
        problems=[p.as_dict() for p in problems],
    )
    session.add(record)
    session.flush()
    with writes.import_cache(session):
        item_ids = writes.store_items(session, package.items, outcome.hashes, record.id, outcome.contents)
        base = (draft_release(session, study.id) if status == "draft" else None) or published_release(
            session, study.id)
        if status == "draft":
            # The new draft holds the old one's items plus this file's: the old draft is replaced, not lost.
            for old in session.scalars(select(Release).where(Release.study_id == study.id,
                                                             Release.status == "draft")):
                old.status = "replaced"
        release = writes.create_release(
            session, study=study, package=package, item_ids=item_ids, waves=waves,
            import_id=record.id, status=status, base=base,
            scope={w.id for w in waves.values()} if wave is not None else None,
        )
    return ImportReport(
        study=study.slug, release=release.number, status=release.status, import_id=record.id,
        source_name=source.name, source_sha256=source.sha256, source_format=fmt, ddi_version=ddi_version,
        waves=[w.name for w in waves.values()], counts=package.counts(),
        new_items=len(outcome.new), unchanged_items=len(outcome.reused), problems=problems,
        merge=merge_report.as_dict() if merge_report else None,
        description=_description(package) if status == "draft" else None,
    )


def _locked_study(session: Session, slug: str) -> Study | None:
    """The study, its row locked until the import commits: imports of one study queue (PostgreSQL; SQLite's
    writer transaction already holds the database's write lock)."""
    return session.scalar(select(Study).where(Study.slug == slug).with_for_update())


def _draft_waves(session: Session, study: Study, infos: list[WaveInfo]) -> dict[str, Wave]:
    """A draft's waves: known waves keep their published description until the draft is published (the
    document's description travels with the draft); new waves are created, hidden until they hold items."""
    existing = list(session.scalars(select(Wave).where(Wave.study_id == study.id)))
    found: dict[str, Wave] = {}
    new = []
    for info in infos:
        row = next((w for w in existing if w.agency.lower() == info.agency.lower() and w.ddi_id == info.id), None)
        row = row or next((w for w in existing if w.name == info.name), None)
        if row is None:
            new.append(info)
        else:
            found[info.id] = row
    found.update(writes.upsert_waves(session, study, new))
    return found


def _description(package: DDIPackage) -> dict[str, object]:
    """What the document says about the study and its waves, as plain data."""
    waves = []
    for info in package.waves:
        data = asdict(info)
        data.pop("instruments", None)
        waves.append(data)
    return {"study": asdict(package.study) if package.study else None, "waves": waves}


def _read_source(
    session: Session,
    schemas: SchemaSet,
    source: Source,
    *,
    lenient: bool,
    source_format: str | None,
    options: ImportOptions,
    problems: list[Problem],
) -> tuple[DDIPackage, str, str, bytes | None, bool]:
    """The package a source describes, its DDI version, its format, its bytes when they are already the
    canonical DDI-L 3.3 record (a valid 3.3 document needs no rewriting), and whether it is a data file."""
    importer = detect_importer(source.name, source.data, requested=source_format)
    if importer is not None:
        result = importer.read(source.name, source.data, options)
        problems += result.problems
        _raise_on_errors(problems)
        return result.package, "3.3", importer.name, None, result.data_file

    def known(agency: str, ddi_id: str, version: str | None) -> bool:
        query = select(Item.id).where(Item.agency_key == agency.lower(), Item.ddi_id == ddi_id)
        if version is not None:
            query = query.where(Item.version == version)
        return session.scalar(query.limit(1)) is not None

    report = check(source.data, schemas, known=known, file_name=source.name)
    if not report.valid and not lenient:
        raise InvalidInput(report.problems)
    problems += [Problem("warning", p.message, p.location, p.code) for p in report.problems]
    read = read_ddi(source.data, file_name=source.name, lenient=lenient)
    problems += read.problems
    version = report.document.version
    canonical = source.data if version == "3.3" and report.valid else None
    return read.package, version, DDI_FORMAT, canonical, False


def _merge_with_questionnaire(
    session: Session, data_file: DDIPackage, *, study: Study | None, wave: str | None, status: str,
    file_name: str,
) -> tuple[DDIPackage, MergeReport]:
    """A data file's variables merged by name into the wave's questionnaire, as the catalogue holds it."""
    if wave is None:
        raise InvalidInput([Problem(
            "error", "a data file (SPSS, Stata, SAS) describes one wave: give the wave it belongs to (--wave NAME)",
            Location(file=file_name), "wave-required",
        )])
    wave_row = None
    release = None
    if study is not None:
        wave_row = session.scalar(select(Wave).where(Wave.study_id == study.id, Wave.name == wave))
        release = (draft_release(session, study.id) if status == "draft" else None) or published_release(
            session, study.id
        )
    if wave_row is None or release is None:
        questionnaire = DDIPackage()
    else:
        questionnaire = package_of(session, load_snapshot(session, release), wave=wave_row)
        questionnaire.study = None
    merged, report = merge_data_file(questionnaire, data_file)
    return merged, report


def _place_in_wave(
    session: Session, package: DDIPackage, name: str, *, study_id: int | None, agency: str,
    study_id_hint: str, file_name: str,
) -> None:
    """`--wave NAME`: the whole document describes that one wave of the study."""
    if len(package.waves) > 1:
        raise InvalidInput([Problem(
            "error",
            f"the document describes {len(package.waves)} waves "
            f"({', '.join(w.name for w in package.waves)}); --wave applies to a document of one wave",
            Location(file=file_name), "several-waves",
        )])
    existing = None
    if study_id is not None:
        existing = session.scalar(select(Wave).where(Wave.study_id == study_id, Wave.name == name))
    if package.waves:
        info = package.waves[0]
        info.name = name
    elif existing is not None:
        info = WaveInfo(agency=existing.agency, id=existing.ddi_id, version=existing.version, name=name)
        package.waves.append(info)
    else:
        info = WaveInfo(agency=agency, id=f"{study_id_hint}-wave-{writes.slugify(name)}", version="1",
                        name=name, title={"und": name})
        package.waves.append(info)
    if package.study is not None and package.study.element == "StudyUnit":
        package.study = None
    package.placement = {item.key: info.id for item in package.items}


def _raise_on_errors(problems: list[Problem]) -> None:
    if any(p.severity == "error" for p in problems):
        raise InvalidInput(problems)
