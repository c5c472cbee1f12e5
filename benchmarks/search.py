"""Search at national scale: catalogues of 100k and 1M variables in the database, every backend built from it.

    .venv/bin/python -m benchmarks.search --sizes 100000 1000000 --whoosh-max 100000 --write

For each size, a bilingual catalogue of 40 cohorts × 10 waves is written into a fresh PostgreSQL database
(DDICAT_BENCH_POSTGRES_URL, default the local test server) through the store's own bulk functions
(`catalogue.store.writes`: study, waves, item versions with their links, one published release per cohort):
variables with their questions (70% of them asked again at later waves, so a question belongs to several
waves), shared code lists and one concept per topic. The import road (DDI-L writing, XSD validation) is
skipped: at 1M variables it would take hours and it is measured elsewhere (the import section).

Then, per backend: the index built from the database alone (`Indexer.rebuild`, the road `ddicat reindex`
takes), the documents/s of that build, of the backend alone (from documents already built), index size;
and a fixed mix of 236 queries (words, AND, phrases, inflections, prefixes, typos; three quarters with a
study, wave + type or age filter), each asking for the top 20 with highlights, the total and the facets
study/wave/type/lang: p50/p95/max of the per-query medians over interleaved passes, and the same-run ratio
to tantivy. `--write` puts the table in BENCHMARKS.md under this script's section.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy import Engine, create_engine, func, select
from sqlalchemy.engine import make_url

from benchmarks.sections import write_section
from benchmarks.search_engines import (
    CATEGORY_SETS,
    DATA_SOURCES,
    REPRESENTATIONS,
    REUSED_SHARE,
    STUDIES,
    TOPICS,
    WAVE_AGES_MONTHS,
    WAVES,
    query_mix,
)
from catalogue.model import (
    Category,
    Code,
    CodeList,
    Concept,
    DDIPackage,
    Item,
    QuestionItem,
    Representation,
    StudyInfo,
    Variable,
    WaveInfo,
    content_hash,
)
from catalogue.store import writes
from catalogue.store.db import make_engine, migrate, session_factory, transaction
from catalogue.store.tables import Item as ItemRow
from search.base import SearchBackend, SearchDocument, SearchQuery
from search.consistency import document_total
from search.indexer import FileCoordination, Indexer, study_documents
from search.postgres_coordination import PostgresCoordination
from search.registry import open_backend

SECTION = "## Search at scale (issue 7)"
BENCHMARKS_FILE = Path(__file__).resolve().parents[1] / "BENCHMARKS.md"
FIGURES_FILE = Path(__file__).resolve().parent / "out" / "search-figures.json"
DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SEED = 20261130
AGENCY = "fr.bench"
ENGINES = ("tantivy", "whoosh", "postgres")


@dataclass(slots=True)
class Cohort:
    """One synthetic cohort as the store receives it: its package and where each wave's variables go."""

    slug: str
    package: DDIPackage
    variables: int


def cohort(study_index: int, variables_per_wave: int, seed: int = SEED) -> Cohort:
    """A cohort of WAVES waves: each wave's variables ask questions of a bank that later waves draw on."""
    rng = random.Random(f"{seed}:{study_index}")
    slug = f"cohorte-{study_index:02d}"
    agency = f"{AGENCY}.{slug}"
    study = StudyInfo(
        agency=agency,
        id=slug,
        version="1",
        element="Group",
        title={"fr": f"Cohorte {study_index}", "en": f"Cohort {study_index}"},
    )
    waves = [
        WaveInfo(
            agency=agency,
            id=f"{slug}-w{w + 1}",
            version="1",
            name=f"{slug}-v{w + 1}",
            title={"fr": f"Vague {w + 1}", "en": f"Wave {w + 1}"},
            age_min_months=float(WAVE_AGES_MONTHS[w]),
            age_max_months=float(WAVE_AGES_MONTHS[w]),
        )
        for w in range(WAVES)
    ]
    items: list[Item] = []
    placement: dict = {}
    concepts = {}
    for topic in TOPICS:
        concept = Concept(
            agency=agency,
            id=f"con-{topic}",
            version="1",
            name=topic,
            label={"fr": topic.capitalize(), "en": topic.capitalize()},
        )
        concepts[topic] = concept
        items.append(concept)
    code_lists = []
    for index, labels in enumerate(CATEGORY_SETS):
        codes = []
        for value, (fr, en) in enumerate(
            zip(labels["fr"].split(" / "), labels["en"].split(" / "), strict=True)
        ):
            category = Category(
                agency=agency, id=f"cat-{index}-{value}", version="1", label={"fr": fr, "en": en}
            )
            items.append(category)
            codes.append(Code(id=f"code-{index}-{value}", value=str(value + 1), category=category.ref()))
        code_list = CodeList(agency=agency, id=f"cl-{index}", version="1", name=f"CL{index}", codes=codes)
        items.append(code_list)
        code_lists.append(code_list)
    bank: list[tuple[QuestionItem, str, dict[str, str], int]] = []
    variables = 0
    for w, wave in enumerate(waves):
        for position in range(variables_per_wave):
            if bank and rng.random() < REUSED_SHARE:
                question, topic, texts, form = rng.choice(bank)
            else:
                topic = rng.choice(list(TOPICS))
                spec = TOPICS[topic]
                form = rng.randrange(1000)
                french = spec["fr"][rng.randrange(len(spec["fr"]))].format(f=spec["f"][form % len(spec["f"])])
                english = spec["en"][rng.randrange(len(spec["en"]))].format(
                    e=spec["e"][form % len(spec["e"])]
                )
                roll = rng.random()
                texts = (
                    {"fr": french, "en": english}
                    if roll < 0.85
                    else {"fr": french}
                    if roll < 0.94
                    else {"und": f"{french} / {english}"}
                )
                kind = REPRESENTATIONS[form % len(REPRESENTATIONS)]
                response = Representation(
                    kind=kind, code_list=code_lists[form % len(code_lists)].ref() if kind == "code" else None
                )
                question = QuestionItem(
                    agency=agency,
                    id=f"q-{len(bank)}",
                    version="1",
                    name=f"Q_{topic[:5].upper()}_{len(bank)}",
                    text=texts,
                    responses=[response],
                    concepts=[concepts[topic].ref()],
                )
                items.append(question)
                bank.append((question, topic, texts, form))
            variable = Variable(
                agency=agency,
                id=f"v-{w + 1}-{position}",
                version="1",
                name=f"{topic[:5]}_{form:03d}_v{w + 1}_{position}",
                label=texts,
                representation=question.responses[0],
                questions=[question.ref()],
                concept=concepts[topic].ref(),
                user_attributes=[
                    ("ddicat:dataSource", DATA_SOURCES[(form + study_index) % len(DATA_SOURCES)])
                ],
            )
            items.append(variable)
            placement[variable.key] = wave.id
            variables += 1
    package = DDIPackage(
        ddi_version="3.3",
        study=study,
        waves=waves,
        items=items,
        placement={item.key: placement.get(item.key) for item in items},
    )
    return Cohort(slug, package, variables)


def catalogue_load(engine: Engine, variables: int, seed: int = SEED) -> tuple[int, float]:
    """Write a catalogue of about `variables` variables, one transaction per cohort; (items, seconds)."""
    per_wave = max(1, variables // (STUDIES * WAVES))
    sessions = session_factory(engine)
    started = time.perf_counter()
    stored = 0
    for study_index in range(STUDIES):
        made = cohort(study_index, per_wave, seed)
        items = made.package.items
        with transaction(sessions) as session:
            study = writes.get_or_create_study(
                session, slug=made.slug, info=made.package.study, agency=AGENCY
            )
            waves = writes.upsert_waves(session, study, made.package.waves)
            ids = writes.store_items(session, items, {item.key: content_hash(item) for item in items}, None)  # type: ignore[arg-type]
            writes.create_release(
                session,
                study=study,
                package=made.package,
                item_ids=ids,
                waves=waves,
                import_id=None,
                status="published",
                base=None,
            )
        stored += len(items)
        print(f"  {made.slug}: {len(items):,} items ({made.variables:,} variables)", file=sys.stderr)
    return stored, time.perf_counter() - started


@dataclass
class Figures:
    engine: str
    documents: int
    variables: int
    build_seconds: float = 0.0
    backend_seconds: float = 0.0
    index_bytes: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    totals: list[int] = field(default_factory=list)

    def percentile(self, share: float, values: list[float] | None = None) -> float:
        ordered = sorted(self.latencies_ms if values is None else values)
        return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def process_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def folder_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def postgres_bytes(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(
            connection.exec_driver_sql(
                "SELECT pg_total_relation_size('search_document') + pg_total_relation_size('search_word')"
            ).scalar()
            or 0
        )


def all_documents(engine: Engine) -> list[SearchDocument]:
    """Every document, built from the database as the indexer builds them."""
    from catalogue.store.tables import Study

    sessions = session_factory(engine)
    documents: list[SearchDocument] = []
    with sessions() as session:
        for study in session.scalars(select(Study).order_by(Study.slug)):
            for found in study_documents(session, study).values():
                documents.extend(found)
    return documents


def open_engine_backend(name: str, engine: Engine, folder: Path) -> tuple[SearchBackend, object]:
    backend = open_backend(name, index_dir=folder / name, engine=engine)
    coordination = PostgresCoordination(engine) if name == "postgres" else FileCoordination(folder / name)
    return backend, coordination


def time_queries(
    backends: dict[str, SearchBackend],
    figures: dict[str, Figures],
    queries: list[SearchQuery],
    passes: dict[str, int],
) -> None:
    """Interleaved passes (each query on every engine in turn); per query the median of its passes."""
    wall: dict[str, list[list[float]]] = {name: [[] for _ in queries] for name in backends}
    cpu: dict[str, list[list[float]]] = {name: [[] for _ in queries] for name in backends}
    for round_ in range(max(passes.values())):
        for index, query in enumerate(queries):
            for name, backend in backends.items():
                if round_ >= passes[name]:
                    continue
                started, used = time.perf_counter(), process_seconds()
                result = backend.search(query)
                wall[name][index].append((time.perf_counter() - started) * 1000)
                cpu[name][index].append((process_seconds() - used) * 1000)
                if round_ == 0:
                    figures[name].totals.append(result.total)
    for name in backends:
        figures[name].latencies_ms = [statistics.median(runs) for runs in wall[name]]
        figures[name].cpu_ms = [statistics.median(runs) for runs in cpu[name]]


def load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def fresh_database(server: str, name: str, *, reuse: bool = False) -> tuple[str, bool]:
    """The URL of database `name` on `server`, created empty (or kept as it is with `reuse`, when it holds
    a catalogue already); and whether it was kept."""
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.exec_driver_sql(
            "SELECT 1 FROM pg_database WHERE datname = %(name)s", {"name": name}
        ).scalar()
        if reuse and exists:
            admin.dispose()
            return url, True
        connection.exec_driver_sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %(name)s", {"name": name}
        )
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return url, False


def run_size(
    size: int,
    engines: list[str],
    whoosh_max: int,
    passes: int,
    server: str,
    notes: list[str],
    reuse: bool = False,
) -> list[Figures]:
    url, kept = fresh_database(server, f"ddicat_bench_search_{size}", reuse=reuse)
    engine = make_engine(url)
    migrate(engine)
    if not kept:
        print(f"loading a catalogue of {size:,} variables (load {load()})", file=sys.stderr)
        items, seconds = catalogue_load(engine, size)
    sessions = session_factory(engine)
    with sessions() as session:
        documents_count = document_total(session)
        variables = (
            session.scalar(select(func.count()).select_from(ItemRow).where(ItemRow.type == "Variable")) or 0
        )
        every_item = session.scalar(select(func.count()).select_from(ItemRow)) or 0
    loaded = "" if kept else f" written in {seconds:,.0f} s ({items / seconds:,.0f} items/s)"
    notes.append(
        f"{size:,}: catalogue of {variables:,} variables and {every_item:,} item versions in all "
        f"(with questions, code lists, categories, concepts){loaded}, {documents_count:,} search documents"
    )
    started, used = time.perf_counter(), process_seconds()
    documents = all_documents(engine)
    document_seconds = time.perf_counter() - started
    notes.append(
        f"{size:,}: documents built from the database alone (search.documents) at "
        f"{len(documents) / document_seconds:,.0f} docs/s "
        f"({(process_seconds() - used) / len(documents) * 1e6:,.0f} µs CPU each)"
    )
    rows: dict[str, Figures] = {}
    backends: dict[str, SearchBackend] = {}
    with tempfile.TemporaryDirectory(prefix="ddicat-bench-") as tmp:
        for name in engines:
            if name == "whoosh" and size > whoosh_max:
                notes.append(f"{size:,}: whoosh not run (over --whoosh-max {whoosh_max:,})")
                continue
            figures = Figures(name, len(documents), variables)
            backend, coordination = open_engine_backend(name, engine, Path(tmp))
            if name != "whoosh":  # the backend alone, from documents already built (whoosh: too slow twice)
                gc.collect()
                print(f"building {name} from documents at {size:,} (load {load()})", file=sys.stderr)
                started = time.perf_counter()
                backend.rebuild(iter(documents))
                figures.backend_seconds = time.perf_counter() - started
            gc.collect()
            print(f"building {name} from the database at {size:,} (load {load()})", file=sys.stderr)
            started = time.perf_counter()
            Indexer(sessions, backend, coordination).rebuild()  # type: ignore[arg-type]
            figures.build_seconds = time.perf_counter() - started
            figures.index_bytes = (
                postgres_bytes(engine) if name == "postgres" else folder_bytes(Path(tmp) / name)
            )
            print(
                f"  {len(documents) / figures.build_seconds:,.0f} docs/s from the database", file=sys.stderr
            )
            notes.append(
                f"{size:,}: {name}: building the documents (search.documents) is "
                f"{min(1.0, document_seconds / figures.build_seconds):.0%} of its build from the database"
            )
            rows[name], backends[name] = figures, backend
        del documents
        gc.collect()
        queries = [query for _kind, query in query_mix()]
        for query in queries:  # warm-up: caches, the index in the page cache
            for backend in backends.values():
                backend.search(query)
        print(f"timing queries at {size:,} (load {load()})", file=sys.stderr)
        engine_passes = {name: passes if name != "whoosh" else max(1, passes // 3) for name in backends}
        time_queries(backends, rows, queries, engine_passes)
        notes.append(f"{size:,}: load average (1 min) after the queries: {load()}")
        if "tantivy" in rows:
            for name, other in rows.items():
                if name != "tantivy":
                    differing = sum(a != b for a, b in zip(other.totals, rows["tantivy"].totals, strict=True))
                    notes.append(
                        f"{size:,}: {name} gives the same total as tantivy on "
                        f"{len(queries) - differing} of {len(queries)} queries"
                    )
        for backend in backends.values():
            backend.close()
    engine.dispose()
    return list(rows.values())


def report(rows: list[Figures], notes: list[str], command: str, passes: int) -> str:
    """The BENCHMARKS.md section."""
    queries = query_mix()
    filtered = sum(kind.startswith("filtered") for kind, _ in queries)
    lines = [
        SECTION,
        "",
        f"Command: `{command}` (this machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
        "PostgreSQL 15 on the same machine).",
        "",
        f"Catalogue: {STUDIES} cohorts × {WAVES} waves written into PostgreSQL with the store's bulk "
        "functions "
        f"(variables, their questions — {int(REUSED_SHARE * 100)}% asked again at later waves —, code lists, "
        "categories, one concept per topic; one published release per cohort). Build = the index rebuilt "
        "from the database alone (`Indexer.rebuild`, what `ddicat reindex` runs: reading the releases, "
        "building the documents, indexing); backend = the same index from documents already built. "
        f"Queries: {len(queries)} ({filtered} with a study, wave + type or age filter), each returning the "
        "top 20 with highlights, the total and the facets study/wave/type/lang; latency = median of a "
        f"query's interleaved passes after a warm-up ({passes} passes, a third for whoosh); CPU = this "
        "process's CPU time (PostgreSQL's own work is not in it).",
        "",
        "| engine | documents (variables) | build from the database, docs/s (variables/s) | backend alone, "
        "docs/s | index | p50 / p95 / max ms | CPU p50 / p95 ms | p50 / p95 vs tantivy |",
        "|---|---|---|---|---|---|---|---|",
    ]
    by_size: dict[int, dict[str, Figures]] = {}
    for row in rows:
        by_size.setdefault(row.variables, {})[row.engine] = row
    for engines in by_size.values():
        reference = engines.get("tantivy")
        for name, row in engines.items():
            ratio = (
                "1"
                if name == "tantivy" or reference is None
                else f"×{row.percentile(0.5) / reference.percentile(0.5):.1f} / "
                f"×{row.percentile(0.95) / reference.percentile(0.95):.1f}"
            )
            backend = f"{row.documents / row.backend_seconds:,.0f}" if row.backend_seconds else "–"
            lines.append(
                f"| {name} | {row.documents:,} ({row.variables:,}) "
                f"| {row.documents / row.build_seconds:,.0f} ({row.variables / row.build_seconds:,.0f}) "
                f"| {backend} | {row.index_bytes / 1e6:,.0f} MB "
                f"| {row.percentile(0.5):.2f} / {row.percentile(0.95):.2f} / {max(row.latencies_ms):.1f} "
                f"| {row.percentile(0.5, row.cpu_ms):.2f} / {row.percentile(0.95, row.cpu_ms):.2f} "
                f"| {ratio} |"
            )
    lines.append("")
    lines.extend(f"- {note}" for note in notes)
    lines.extend(["", "Against the targets of issue 7 (this run):"])
    lines.extend(f"- {verdict}" for verdict in verdicts(by_size))
    return "\n".join(lines) + "\n"


# The targets on this machine: tantivy p95 at 100k and at 1M (ms), its build rate (variables/s),
# PostgreSQL's p95 at 100k (ms).
TARGETS = {
    "tantivy_p95": {100_000: 5.0, 1_000_000: 20.0},
    "tantivy_build": 20_000,
    "postgres_p95": {100_000: 100.0},
}


def verdicts(by_size: dict[int, dict[str, Figures]]) -> list[str]:
    """Each target of the issue with this run's figure, met or missed."""
    lines = []
    for size, engines in by_size.items():
        tantivy, postgres = engines.get("tantivy"), engines.get("postgres")
        if tantivy and size in TARGETS["tantivy_p95"]:
            target = TARGETS["tantivy_p95"][size]
            wall, cpu = tantivy.percentile(0.95), tantivy.percentile(0.95, tantivy.cpu_ms)
            lines.append(
                f"tantivy p95 at {size:,} variables: {wall:.1f} ms wall, {cpu:.1f} ms CPU "
                f"(target ≤ {target:g} ms): {_met(wall <= target)}"
            )
        if tantivy:
            built = tantivy.variables / tantivy.build_seconds
            alone = tantivy.variables / tantivy.backend_seconds if tantivy.backend_seconds else 0.0
            lines.append(
                f"tantivy build at {size:,}: {built:,.0f} variables/s from the database, {alone:,.0f} "
                f"variables/s for the index alone (target ≥ {TARGETS['tantivy_build']:,}): "
                f"{_met(built >= TARGETS['tantivy_build'])} from the database, "
                f"{_met(alone >= TARGETS['tantivy_build'])} for the index alone"
            )
        if postgres and size in TARGETS["postgres_p95"]:
            target = TARGETS["postgres_p95"][size]
            wall = postgres.percentile(0.95)
            lines.append(
                f"postgres p95 at {size:,}: {wall:.1f} ms (target ≤ {target:g} ms): {_met(wall <= target)}"
            )
    return lines


def _met(ok: bool) -> str:
    return "met" if ok else "missed"



def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--engines", nargs="+", default=list(ENGINES), choices=ENGINES)
    parser.add_argument("--whoosh-max", type=int, default=100_000, help="largest size whoosh is run at")
    parser.add_argument("--passes", type=int, default=5)
    parser.add_argument(
        "--server",
        default=os.environ.get("DDICAT_BENCH_POSTGRES_URL", DEFAULT_SERVER),
        help="PostgreSQL server holding the catalogues (one database per size)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep a catalogue loaded by an earlier run instead of writing it again",
    )
    parser.add_argument("--write", action="store_true", help="write the figures into BENCHMARKS.md")
    parser.add_argument(
        "--report",
        action="store_true",
        help=f"only write the section again from the last run's {FIGURES_FILE.name}",
    )
    args = parser.parse_args(argv)
    if args.report:
        saved = json.loads(FIGURES_FILE.read_text())
        section = report(
            [Figures(**row) for row in saved["rows"]], saved["notes"], saved["command"], saved["passes"]
        )
        print(section)
        if args.write:
            write_section(BENCHMARKS_FILE, section)
        return 0
    rows: list[Figures] = []
    notes: list[str] = []
    for size in args.sizes:
        rows.extend(
            run_size(size, args.engines, args.whoosh_max, args.passes, args.server, notes, args.reuse)
        )
    arguments = argv if argv is not None else sys.argv[1:]
    command = ".venv/bin/python -m benchmarks.search " + " ".join(arguments)
    FIGURES_FILE.parent.mkdir(parents=True, exist_ok=True)
    FIGURES_FILE.write_text(
        json.dumps(
            {"command": command, "passes": args.passes, "notes": notes, "rows": [asdict(r) for r in rows]}
        )
    )
    section = report(rows, notes, command, args.passes)
    print(section)
    if args.write:
        write_section(BENCHMARKS_FILE, section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
