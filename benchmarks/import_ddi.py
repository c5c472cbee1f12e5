"""Measure the DDI-L import road on synthetic bilingual cohorts, and search on the largest catalogue.

    .venv/bin/python -m benchmarks.import_ddi              # 10k and 100k variables, SQLite, tantivy
    .venv/bin/python -m benchmarks.import_ddi --write      # and record the figures in BENCHMARKS.md
    .venv/bin/python -m benchmarks.import_ddi --sizes 10000 \
        --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test

The files come from `benchmarks/synthetic_ddi.py` (made once, then reused from benchmarks/out/). Each
import runs in a process of its own, into a fresh catalogue (default search backend: tantivy), through
`Runtime.import_file`: the real road. The time of each step is read by wrapping the functions the road
calls, nothing else: file (read from disk, SHA-256), check (XSD + catalogue profile, one streaming pass),
read (the DDI-L reader), versions, store (waves, import record, items, links, release), commit, index
(snapshot, documents, engine writes).
Peak memory is the VmHWM of that process. The floor is lxml alone on the same file, in another process:
parse + XMLSchema.validate of the whole tree, and the streaming validation the import gate runs.
Then a fixed mix of queries (words, French inflections, prefixes, typos, phrases, filters by study, wave
and type, every facet) runs through `runtime.backend.search` on the largest catalogue: p50/p95 are taken
over each query's median of `--passes` passes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
OUT = PROJECT / "benchmarks" / "out"
BENCHMARKS_FILE = PROJECT / "BENCHMARKS.md"
SECTION = "## Import of DDI-L (issue 2)"
FIGURES_START = "<!-- import_ddi {label}: written by benchmarks/import_ddi.py --write -->"
FIGURES_END = "<!-- /import_ddi {label} -->"
SCHEMAS = PROJECT.parent / "shared" / "ddi-schemas"
STUDY = "synthetic"
TARGET_RATE = 2000
CHUNK = 1 << 16
STEPS = ("file", "check", "read", "versions", "store", "commit", "index")
INDEX_STEPS = ("snapshot", "documents", "engine")

# The query mix, on the words of benchmarks/synthetic_bank.py: (kind, text).
WORDS = ["allaitement", "sommeil", "hospitalisation", "vaccination", "asthme", "tabagisme", "crèche",
         "scolarité", "dépression", "logement", "breastfeeding", "sleep"]
INFLECTIONS = ["allaitée", "allaitait", "hospitalisée", "vaccinés", "fumait", "dormait", "déprimée",
               "scolarisé"]
PREFIXES = ["allait*", "hospit*", "vacc*", "sommei*", "écra*", "breast*"]
TYPOS = ["allaitment", "somneil", "hospitalsation", "vaccinaton", "asthmme", "brestfeeding"]
PHRASES = ['"temps d\'écran"', '"mode de garde"', '"école maternelle"', '"screen time"',
           '"night wakings"', '"activité physique"']
SEVERAL = ["sommeil enfant", "revenus foyer", "allaitement OR breastfeeding", "tabagisme -passif"]


def query_mix() -> list[tuple[str, Any]]:
    """Every text alone (default facets), then a third of them filtered by study, wave and type, or with
    every facet asked: 70 queries."""
    from search.base import FACETS, SearchQuery

    texts = ([("word", w) for w in WORDS] + [("inflection", w) for w in INFLECTIONS]
             + [("prefix", p) for p in PREFIXES] + [("typo", t) for t in TYPOS]
             + [("phrase", p) for p in PHRASES] + [("words", s) for s in SEVERAL])
    queries = [(kind, SearchQuery(text=text)) for kind, text in texts]
    for index, (kind, text) in enumerate(texts[::2]):
        wave = f"v{index % 10 + 1:02d}"
        if index % 3 == 0:
            query = SearchQuery(text=text, filters={"study": [STUDY]})
        elif index % 3 == 1:
            query = SearchQuery(text=text, filters={"wave": [wave], "type": ["Variable"]})
        else:
            query = SearchQuery(text=text, facets=FACETS, filters={"type": ["QuestionItem", "Concept"]})
        queries.append((f"{kind} filtered", query))
    return queries


# -- the machine ------------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    from lxml import etree

    cpu = next((line.split(":", 1)[1].strip() for line in _read_lines("/proc/cpuinfo")
                if line.startswith("model name")), platform.processor() or "?")
    return {
        "cpu": cpu, "nproc": os.cpu_count(), "python": platform.python_version(),
        "lxml": ".".join(map(str, etree.LXML_VERSION)), "libxml2": ".".join(map(str, etree.LIBXML_VERSION)),
        "memory_gb": round(_meminfo_kb("MemTotal") / 1024 / 1024, 1),
    }


def _read_lines(path: str) -> list[str]:
    try:
        return Path(path).read_text().splitlines()
    except OSError:
        return []


def _meminfo_kb(key: str) -> int:
    return next((int(line.split()[1]) for line in _read_lines("/proc/meminfo") if line.startswith(key)), 0)


def peak_megabytes() -> float:
    """This process's peak resident memory (VmHWM: the process image's own high-water mark)."""
    status = _read_lines("/proc/self/status")
    kb = next((int(line.split()[1]) for line in status if line.startswith("VmHWM")), 0)
    return round(kb / 1024, 1)


def load() -> float:
    return round(os.getloadavg()[0], 2)


# -- the synthetic files ---------------------------------------------------------------------------------


def synthetic_file(variables: int) -> Path:
    """benchmarks/out/synthetic-N.xml, written by synthetic_ddi.py unless it is there already."""
    path = OUT / f"synthetic-{variables}.xml"
    if not path.is_file():
        subprocess.run([sys.executable, str(PROJECT / "benchmarks" / "synthetic_ddi.py"),
                        "--variables", str(variables), "-o", str(path)], check=True)
    return path


# -- timing the steps of the road ------------------------------------------------------------------------


class Stopwatch:
    """Wall-clock and CPU seconds (the whole process's) spent in wrapped functions, by step (a wrapped
    function inside another counts in both: the steps are made disjoint afterwards)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.cpu: dict[str, float] = defaultdict(float)

    def wrap_everywhere(self, owner: Any, attribute: str, step: str) -> None:
        """Wrap a function in its module and in every loaded module that imported it by name."""
        original = getattr(owner, attribute)
        for module in list(sys.modules.values()):
            if getattr(module, attribute, None) is original:
                self.wrap(module, attribute, step)

    def wrap(self, owner: Any, attribute: str, step: str) -> None:
        original = getattr(owner, attribute)

        def timed(*args: Any, **kwargs: Any) -> Any:
            started, cpu = time.perf_counter(), time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[step] += time.perf_counter() - started
                self.cpu[step] += time.process_time() - cpu

        setattr(owner, attribute, timed)

    def wrap_generator(self, owner: Any, attribute: str, step: str) -> None:
        """A function returning an iterator: the time counted is the time spent producing its items."""
        original = getattr(owner, attribute)

        def timed(*args: Any, **kwargs: Any) -> Iterator[Any]:
            iterator = iter(original(*args, **kwargs))
            while True:
                started, cpu = time.perf_counter(), time.process_time()
                try:
                    item = next(iterator)
                except StopIteration:
                    return
                finally:
                    self.seconds[step] += time.perf_counter() - started
                    self.cpu[step] += time.process_time() - cpu
                yield item

        setattr(owner, attribute, timed)


def instrument(runtime: Any, watch: Stopwatch) -> None:
    """Wrap the functions of the import road (as the modules that call them see them)."""
    import catalogue.imports
    import search.indexer
    from catalogue.store import writes

    watch.wrap_everywhere(catalogue.imports, "study_import", "import")
    watch.wrap(catalogue.imports, "check", "check")
    watch.wrap(catalogue.imports, "read_ddi", "read")
    watch.wrap(catalogue.imports, "assign_versions", "versions")
    watch.wrap(writes, "store_items", "store items")
    watch.wrap(writes, "create_release", "release")
    watch.wrap(search.indexer.Indexer, "sync", "index")
    watch.wrap(search.indexer, "load_snapshot", "snapshot")
    watch.wrap_generator(search.indexer, "snapshot_documents", "documents")
    watch.wrap(runtime.backend, "replace_study", "engine")
    watch.wrap(runtime.backend, "delete_study", "engine")


def steps(seconds: dict[str, float], total: float) -> dict[str, float]:
    """The disjoint steps of one import, in seconds."""
    inside = seconds["import"]
    found = {
        "file": seconds["file"], "check": seconds["check"], "read": seconds["read"],
        "versions": seconds["versions"],
        "store": inside - seconds["check"] - seconds["read"] - seconds["versions"],
        "commit": total - seconds["file"] - inside - seconds["index"], "index": seconds["index"],
        "snapshot": seconds["snapshot"], "documents": seconds["documents"], "engine": seconds["engine"],
        "store items": seconds["store items"], "release": seconds["release"],
    }
    return {name: round(value, 2) for name, value in found.items()}


# -- one import, in its own process ----------------------------------------------------------------------


def run_import(path: Path, variables: int, postgres: str | None, passes: int, search: bool) -> dict[str, Any]:
    """Import `path` into a fresh catalogue and time it; then, if asked, time the query mix on it."""
    from api.runtime import Runtime
    from catalogue.imports import Source
    from catalogue.settings import Settings

    with tempfile.TemporaryDirectory(prefix="ddicat-bench-") as folder, \
            fresh_database(postgres, folder) as url:
        settings = Settings(data_dir=Path(folder), database_url=url, ddi_schemas=SCHEMAS,
                            max_upload_bytes=path.stat().st_size + 1)
        runtime = Runtime(settings)
        started = time.perf_counter()
        runtime.engine, runtime.backend  # noqa: B018 - migrate and open the index before timing
        runtime.schemas.validator("3.3"), runtime.schemas.vocabulary("3.3")  # noqa: B018
        warmup = time.perf_counter() - started
        watch = Stopwatch()
        instrument(runtime, watch)
        load_before = load()
        wall, cpu = time.perf_counter(), time.process_time()
        source = Source.from_path(path, max_bytes=settings.max_upload_bytes)
        read_seconds = time.perf_counter() - wall
        watch.seconds["file"], watch.cpu["file"] = read_seconds, time.process_time() - cpu
        report = runtime.import_file(source, study=STUDY, actor="benchmark")
        total = time.perf_counter() - wall  # from the file on disk to the index up to date
        result: dict[str, Any] = {
            "variables": variables, "file_mb": round(path.stat().st_size / 1e6, 1),
            "database": "postgresql" if postgres else "sqlite", "backend": settings.search_backend,
            "items": sum(v for k, v in report.counts.items() if k != "Code"),
            "counted_variables": report.counts.get("Variable", 0),
            "seconds": round(total, 2), "file_read_seconds": round(read_seconds, 2),
            "cpu_seconds": round(time.process_time() - cpu, 2), "warmup_seconds": round(warmup, 2),
            "rate": round(variables / total), "steps": steps(watch.seconds, total),
            "cpu_steps": steps(watch.cpu, time.process_time() - cpu),
            "peak_mb": peak_megabytes(), "load_before": load_before, "load_after": load(),
        }
        if search:
            result["search"] = time_queries(runtime, passes)
        runtime.close()
        return result


class fresh_database:  # noqa: N801 - used as a context manager, like `tempfile.TemporaryDirectory`
    """A SQLite file in `folder`, or a new PostgreSQL database on the server of `postgres` (dropped after)."""

    def __init__(self, postgres: str | None, folder: str) -> None:
        self.postgres, self.folder = postgres, folder
        self.drop: Callable[[], None] | None = None

    def __enter__(self) -> str:
        if self.postgres is None:
            return f"sqlite:///{self.folder}/ddicat.sqlite"
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        name = f"ddicat_bench_{os.getpid()}"
        admin = create_engine(self.postgres, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))

        def drop() -> None:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()

        self.drop = drop
        return make_url(self.postgres).set(database=name).render_as_string(hide_password=False)

    def __exit__(self, *_: object) -> None:
        if self.drop is not None:
            self.drop()


def time_queries(runtime: Any, passes: int) -> dict[str, Any]:
    """Each query of the mix, `passes` times after one warm-up pass: p50/p95/max of the medians, in ms."""
    mix = query_mix()
    for _kind, query in mix:
        runtime.backend.search(query)
    timings: dict[int, list[float]] = defaultdict(list)
    hits: dict[int, int] = {}
    for _ in range(passes):
        for index, (_kind, query) in enumerate(mix):
            started = time.perf_counter()
            result = runtime.backend.search(query)
            timings[index].append((time.perf_counter() - started) * 1000)
            hits[index] = result.total
    medians = sorted(statistics.median(values) for values in timings.values())
    slowest = max(range(len(mix)), key=lambda i: statistics.median(timings[i]))
    return {
        "queries": len(mix), "passes": passes, "p50_ms": round(_percentile(medians, 50), 1),
        "p95_ms": round(_percentile(medians, 95), 1), "max_ms": round(medians[-1], 1),
        "slowest": f"{mix[slowest][0]}: {mix[slowest][1].text}",
        "without_hits": sum(1 for n in hits.values() if not n),
    }


def _percentile(ordered: list[float], percent: float) -> float:
    """Nearest-rank percentile of an ordered list."""
    rank = max(1, round(percent / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


# -- the floor: lxml alone -------------------------------------------------------------------------------


class _Discard:
    """A parser target that keeps nothing, as the import gate's validating parser has."""

    def close(self) -> None:
        return None


def run_floor(path: Path) -> dict[str, Any]:
    """Raw lxml on the same file: whole-tree parse + validate, then streaming validation in 64 KiB chunks."""
    from lxml import etree

    from ddi_schemas.compiled import compile_schema

    schema = compile_schema(SCHEMAS / "3.3" / "instance.xsd")
    data = path.read_bytes()
    options = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": True}
    started = time.perf_counter()
    tree = etree.fromstring(data, etree.XMLParser(**options))
    parsed = time.perf_counter()
    valid = schema.validate(tree)
    validated = time.perf_counter()
    del tree
    streaming = time.perf_counter()
    parser = etree.XMLParser(target=_Discard(), schema=schema, **options)  # type: ignore[call-overload]
    for start in range(0, len(data), CHUNK):
        parser.feed(data[start : start + CHUNK])
    parser.close()
    streamed = time.perf_counter()
    return {
        "valid": valid, "parse_seconds": round(parsed - started, 2),
        "validate_seconds": round(validated - parsed, 2), "tree_seconds": round(validated - started, 2),
        "streaming_seconds": round(streamed - streaming, 2), "peak_mb": peak_megabytes(),
    }


# -- the parent: one child process per measure -----------------------------------------------------------


def child(arguments: list[str], code: Path = PROJECT) -> dict[str, Any]:
    """Run this module in a fresh interpreter and read the JSON it prints last; `code` is the folder whose
    packages it imports (another checkout, to measure the road as it was)."""
    done = subprocess.run([sys.executable, "-m", "benchmarks.import_ddi", *arguments], cwd=code,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"benchmark child failed ({' '.join(arguments)}):\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(sizes: list[int], postgres: str | None, passes: int, code: Path) -> dict[str, Any]:
    runs, floors = [], []
    largest = max(sizes)
    for size in sizes:
        path = synthetic_file(size)
        print(f"importing {path.name} (load {load()})", file=sys.stderr)
        arguments = ["--child", "import", "--file", str(path), "--variables", str(size),
                     "--passes", str(passes)]
        if postgres:
            arguments += ["--postgres", postgres]
        if size == largest:
            arguments.append("--search")
        runs.append(child(arguments, code))
        print(f"  {runs[-1]['rate']:,} variables/s, {runs[-1]['seconds']} s", file=sys.stderr)
        floors.append({"variables": size, **child(["--child", "floor", "--file", str(path)])})
    return {"machine": machine(), "runs": runs, "floors": floors, "command": command_line()}


def command_line() -> str:
    shown = [arg for arg in sys.argv[1:] if arg != "--write"]
    return " ".join([".venv/bin/python -m benchmarks.import_ddi", *shown])


# -- the report -------------------------------------------------------------------------------------------


def figures_markdown(results: dict[str, Any], label: str) -> str:
    """The figures as Markdown tables, with the command and the machine."""
    m = results["machine"]
    lines = [
        FIGURES_START.format(label=label),
        f"Command: `{results['command']}` ({time.strftime('%Y-%m-%d %H:%M')}). Machine: {m['cpu']}, "
        f"nproc {m['nproc']}, {m['memory_gb']} GB; Python {m['python']}, lxml {m['lxml']} "
        f"(libxml2 {m['libxml2']}).",
        "",
        "| variables | file | database | end to end | variables/s | CPU (all threads) | peak memory "
        "| load average before → after |",
        "|---:|---:|---|---:|---:|---:|---:|---|",
    ]
    for run in results["runs"]:
        lines.append(
            f"| {run['variables']:,} | {run['file_mb']} MB | {run['database']} | {run['seconds']} s "
            f"| **{run['rate']:,}** | {run['cpu_seconds']} s | {run['peak_mb']:,} MB "
            f"| {run['load_before']} → {run['load_after']} |"
        )
    lines += [
        "",
        "Steps, wall-clock seconds (CPU seconds in brackets); index = snapshot + documents + engine:",
        "",
        "| variables | database | " + " | ".join(STEPS) + " | " + " | ".join(INDEX_STEPS) + " |",
        "|---:|---|" + "---:|" * (len(STEPS) + len(INDEX_STEPS)),
    ]
    for run in results["runs"]:
        wall, cpu = run["steps"], run["cpu_steps"]
        cells = [f"{wall[name]} ({cpu[name]})" for name in (*STEPS, *INDEX_STEPS)]
        lines.append(f"| {run['variables']:,} | {run['database']} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "The floor, lxml alone on the same file (whole tree: `etree.fromstring` + `XMLSchema.validate`; "
        "streaming: the gate's validating parser fed 64 KiB chunks, no tree):",
        "",
        "| variables | parse | validate | parse + validate | as variables/s | streaming validation "
        "| peak memory |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for floor in results["floors"]:
        rate = round(floor["variables"] / floor["tree_seconds"]) if floor["tree_seconds"] else 0
        lines.append(
            f"| {floor['variables']:,} | {floor['parse_seconds']} s | {floor['validate_seconds']} s "
            f"| {floor['tree_seconds']} s | {rate:,} | {floor['streaming_seconds']} s "
            f"| {floor['peak_mb']:,} MB |"
        )
    for run in (run for run in results["runs"] if "search" in run):
        q = run["search"]
        lines += [
            "",
            f"Search on the {run['variables']:,}-variable catalogue ({run['backend']}, {q['queries']} "
            f"queries, median of {q['passes']} passes each): p50 **{q['p50_ms']} ms**, p95 "
            f"**{q['p95_ms']} ms**, max {q['max_ms']} ms (slowest: `{q['slowest']}`; queries without "
            f"hits: {q['without_hits']}).",
        ]
    lines.append(FIGURES_END.format(label=label))
    return "\n".join(lines)


def write_section(figures: str, label: str) -> None:
    """Put the figures in this benchmark's section of BENCHMARKS.md (one block per label: the database, or
    `before`), leaving every other section, and the section's own prose, as they are."""
    text = BENCHMARKS_FILE.read_text(encoding="utf-8") if BENCHMARKS_FILE.exists() else "# Benchmarks\n"
    start, end = FIGURES_START.format(label=label), FIGURES_END.format(label=label)
    if start in text and end in text:
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1]
        text = before + figures + after
    elif SECTION in text:
        head, rest = text.split(SECTION, 1)
        following = rest.find("\n## ")
        body, tail = (rest, "") if following < 0 else (rest[:following], rest[following:])
        text = head + SECTION + body.rstrip("\n") + "\n\n" + figures + "\n" + tail
    else:
        text = text.rstrip("\n") + f"\n\n{SECTION}\n\n{figures}\n"
    BENCHMARKS_FILE.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000],
                        help="numbers of variables (default 10000 100000)")
    parser.add_argument("--postgres", help="SQLAlchemy URL of a PostgreSQL server (one database per run)")
    parser.add_argument("--passes", type=int, default=5, help="passes over the query mix (default 5)")
    parser.add_argument("--write", action="store_true", help="record the figures in BENCHMARKS.md")
    parser.add_argument("--code", type=Path, default=PROJECT,
                        help="a checkout whose packages are measured instead (figures labelled 'before')")
    parser.add_argument("--child", choices=["import", "floor"], help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--variables", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--search", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child == "import":
        print(json.dumps(run_import(args.file, args.variables, args.postgres, args.passes, args.search)))
        return 0
    if args.child == "floor":
        print(json.dumps(run_floor(args.file)))
        return 0
    results = measure(sorted(args.sizes), args.postgres, args.passes, args.code.resolve())
    label = "before" if args.code.resolve() != PROJECT else ("postgresql" if args.postgres else "sqlite")
    figures = figures_markdown(results, label)
    print(figures)
    print(json.dumps(results), file=sys.stderr)
    if args.write:
        write_section(figures, label)
    return 0


if __name__ == "__main__":
    sys.exit(main())
