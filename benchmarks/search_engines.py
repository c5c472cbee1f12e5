"""Measure the embedded search backends on a synthetic bilingual catalogue of SearchDocuments.

    .venv/bin/python -m benchmarks.search_engines --sizes 100000 1000000 --whoosh-max 100000 --write

For each size: N documents over 40 studies × 10 waves (70% of question texts reused from wave to wave,
French morphology varied on purpose: allaitement/allaité/allaitée/allaitait...), each backend builds its
index in a temporary folder (build rate, index size), then a fixed mix of queries (words, AND, phrases,
inflections, prefixes, typos, facet filters), each asking for the top 20, the total and the default
facets, is timed: latencies per query are medians over `--passes` interleaved passes, summed up as
p50/p95/max, and the ratio of each backend to tantivy comes from the same run. `--write` puts the figures
in BENCHMARKS.md under the section this script owns.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.sections import write_section
from search.base import SearchBackend, SearchDocument, SearchQuery
from search.registry import open_backend

SECTION = "## Search engines (search/ backends on SearchDocuments)"
BENCHMARKS_FILE = Path(__file__).resolve().parents[1] / "BENCHMARKS.md"
STUDIES = 40
WAVES = 10
WAVE_AGES_MONTHS = (0, 2, 6, 12, 24, 36, 48, 72, 96, 120)
REUSED_SHARE = 0.7
SEED = 20240601

# Topics: French and English label/question templates; {f} picks a French form, {e} an English one.
TOPICS: dict[str, dict[str, list[str]]] = {
    "allaitement": {
        "fr": [
            "Durée de l'allaitement {f}",
            "L'enfant a-t-il été {f} ?",
            "Âge à l'arrêt de l'allaitement {f}",
            "Votre enfant est-il {f} actuellement ?",
            "Mode d'alimentation : {f}",
        ],
        "f": ["allaité", "allaitée", "allaités", "maternel", "exclusif", "mixte", "allaitait", "allaitement"],
        "en": [
            "Breastfeeding duration {e}",
            "Was the child {e}?",
            "Age when breastfeeding stopped {e}",
            "Is your child currently {e}?",
            "Feeding mode: {e}",
        ],
        "e": ["breastfed", "breastfeeding", "exclusive", "mixed", "formula"],
    },
    "sommeil": {
        "fr": [
            "Heures de sommeil {f}",
            "Combien d'heures votre enfant dort-il {f} ?",
            "Troubles du sommeil {f}",
            "Réveils nocturnes {f}",
            "L'enfant a-t-il dormi {f} ?",
        ],
        "f": ["la nuit", "le jour", "en semaine", "le week-end", "dormait", "endormissement"],
        "en": [
            "Hours of sleep {e}",
            "How many hours does your child sleep {e}?",
            "Sleep problems {e}",
            "Night wakings {e}",
            "Did the child sleep {e}?",
        ],
        "e": ["at night", "during the day", "on weekdays", "at weekends", "sleeping"],
    },
    "hospitalisation": {
        "fr": [
            "Hospitalisation de l'enfant {f}",
            "Votre enfant a-t-il été hospitalisé {f} ?",
            "Nombre d'hospitalisations {f}",
            "Motif de l'hospitalisation {f}",
            "Enfant hospitalisée {f}",
        ],
        "f": [
            "depuis la naissance",
            "depuis la dernière visite",
            "au cours des 12 derniers mois",
            "aux urgences",
        ],
        "en": [
            "Child hospitalisation {e}",
            "Has your child been hospitalised {e}?",
            "Number of hospital stays {e}",
            "Reason for hospitalisation {e}",
            "Hospital admission {e}",
        ],
        "e": ["since birth", "since the last visit", "in the last 12 months", "emergency"],
    },
    "ecrans": {
        "fr": [
            "Temps passé devant les écrans {f}",
            "Temps d'écran {f}",
            "Télévision allumée {f}",
            "Usage de la tablette {f}",
        ],
        "f": ["par jour", "en semaine", "pendant les repas", "avant le coucher"],
        "en": ["Screen time {e}", "Time in front of screens {e}", "Television on {e}", "Tablet use {e}"],
        "e": ["per day", "on weekdays", "during meals", "before bedtime"],
    },
    "vaccination": {
        "fr": ["Vaccination contre {f}", "L'enfant est-il vacciné contre {f} ?", "Date du vaccin {f}"],
        "f": ["la rougeole", "la coqueluche", "le méningocoque", "la grippe", "les rotavirus"],
        "en": ["Vaccination against {e}", "Is the child vaccinated against {e}?", "Vaccine date {e}"],
        "e": ["measles", "whooping cough", "meningococcus", "influenza", "rotavirus"],
    },
    "croissance": {
        "fr": [
            "Poids de l'enfant {f}",
            "Taille de l'enfant {f}",
            "Périmètre crânien {f}",
            "Indice de masse corporelle {f}",
        ],
        "f": ["à la naissance", "en kilogrammes", "en centimètres", "mesuré", "déclaré"],
        "en": ["Child weight {e}", "Child height {e}", "Head circumference {e}", "Body mass index {e}"],
        "e": ["at birth", "in kilograms", "in centimetres", "measured", "reported"],
    },
    "tabac": {
        "fr": ["Tabagisme de la mère {f}", "Exposition au tabac {f}", "Nombre de cigarettes fumées {f}"],
        "f": ["pendant la grossesse", "au domicile", "par jour", "fumait"],
        "en": ["Maternal smoking {e}", "Tobacco exposure {e}", "Number of cigarettes smoked {e}"],
        "e": ["during pregnancy", "at home", "per day", "smoked"],
    },
    "langage": {
        "fr": ["Nombre de mots prononcés {f}", "L'enfant parle-t-il {f} ?", "Retard de langage {f}"],
        "f": ["à 2 ans", "couramment", "signalé", "diagnostiqué"],
        "en": ["Number of words spoken {e}", "Does the child speak {e}?", "Language delay {e}"],
        "e": ["at 2 years", "fluently", "reported", "diagnosed"],
    },
    "asthme": {
        "fr": ["Crises d'asthme {f}", "Sifflements respiratoires {f}", "Traitement de l'asthme {f}"],
        "f": ["depuis la naissance", "au cours des 12 derniers mois", "la nuit", "diagnostiqué"],
        "en": ["Asthma attacks {e}", "Wheezing {e}", "Asthma treatment {e}"],
        "e": ["since birth", "in the last 12 months", "at night", "diagnosed"],
    },
    "activite": {
        "fr": ["Activité physique {f}", "Temps de jeu en plein air {f}", "Pratique d'un sport {f}"],
        "f": ["par semaine", "le week-end", "encadrée", "quotidienne"],
        "en": ["Physical activity {e}", "Outdoor play time {e}", "Sports practice {e}"],
        "e": ["per week", "at weekends", "supervised", "daily"],
    },
}
CATEGORY_SETS: list[dict[str, str]] = [
    {"fr": "Oui / Non / Ne sait pas", "en": "Yes / No / Don't know"},
    {"fr": "Jamais / Parfois / Souvent / Toujours", "en": "Never / Sometimes / Often / Always"},
    {"fr": "Très bien / Bien / Mal / Très mal", "en": "Very well / Well / Badly / Very badly"},
    {
        "fr": "Lait maternel / Lait infantile / Eau / Autre",
        "en": "Breast milk / Infant formula / Water / Other",
    },
]
TYPES = (("Variable", 0.70), ("QuestionItem", 0.25), ("QuestionGrid", 0.03), ("Concept", 0.02))
REPRESENTATIONS = ("code", "numeric", "text", "datetime")
DATA_SOURCES = ("questionnaire", "questionnaire", "questionnaire", "registry", "medical_record", "biological")

WORDS = [
    "allaitement",
    "sommeil",
    "hospitalisation",
    "écrans",
    "vaccination",
    "asthme",
    "poids",
    "tabac",
    "langage",
    "sleep",
    "breastfeeding",
    "screen",
    "smoking",
    "weight",
    "enfant",
    "nuit",
    "mère",
    "grossesse",
]
AND_QUERIES = [
    "sommeil enfant",
    "durée allaitement",
    "temps écran jour",
    "hospitalisation naissance",
    "sleep night",
    "poids naissance",
    "tabac grossesse",
    "vaccin rougeole",
    "asthme nuit",
]
PHRASES = [
    '"durée de l\'allaitement"',
    '"temps d\'écran"',
    '"troubles du sommeil"',
    '"poids de l\'enfant"',
    '"screen time"',
    '"since birth"',
    '"lait maternel"',
]
INFLECTIONS = [
    "allaitée",
    "allaitait",
    "allaités",
    "hospitalisée",
    "hospitalisé",
    "dormait",
    "vaccinés",
    "fumait",
    "breastfed",
    "sleeping",
]
PREFIXES = ["allait*", "hospit*", "vacc*", "sommei*", "écra*", "asthm*", "breast*", "sleep*"]
TYPOS = ["allaitment", "allaitemnt", "somneil", "hospitalsation", "vaccinaton", "asthmme", "brestfeeding"]


def generate_documents(count: int, seed: int = SEED) -> Iterator[SearchDocument]:
    """`count` documents over STUDIES × WAVES, reproducible for a seed."""
    rng = random.Random(seed)
    per_wave = max(1, count // (STUDIES * WAVES))
    produced = 0
    topics = list(TOPICS)
    for study_index in range(STUDIES):
        study = f"cohorte-{study_index:02d}"
        bank: list[
            tuple[str, int, int, int]
        ] = []  # (topic, fr template, en template, form) reused across waves
        for wave_index in range(WAVES):
            wave = f"{study}-v{wave_index + 1}"
            for item in range(per_wave):
                if produced >= count:
                    return
                if bank and rng.random() < REUSED_SHARE:
                    topic, fr_t, en_t, form = rng.choice(bank)
                else:
                    topic = rng.choice(topics)
                    fr_t = rng.randrange(len(TOPICS[topic]["fr"]))
                    en_t = rng.randrange(len(TOPICS[topic]["en"]))
                    form = rng.randrange(1000)
                    bank.append((topic, fr_t, en_t, form))
                yield _document(rng, study, study_index, wave, wave_index, item, topic, fr_t, en_t, form)
                produced += 1


def _document(
    rng: random.Random,
    study: str,
    study_index: int,
    wave: str,
    wave_index: int,
    item: int,
    topic: str,
    fr_t: int,
    en_t: int,
    form: int,
) -> SearchDocument:
    spec = TOPICS[topic]
    french = spec["fr"][fr_t].format(f=spec["f"][form % len(spec["f"])])
    english = spec["en"][en_t].format(e=spec["e"][form % len(spec["e"])])
    roll = rng.random()
    item_type = next(name for name, share in _cumulative(TYPES) if roll < share)
    languages = ["fr", "en"] if rng.random() < 0.85 else (["fr"] if rng.random() < 0.6 else ["und"])
    texts = (
        {"fr": french, "en": english}
        if languages == ["fr", "en"]
        else ({"fr": french} if languages == ["fr"] else {"und": f"{french} / {english}"})
    )
    name = f"{topic[:5]}_{form:03d}_v{wave_index + 1}"
    categories = CATEGORY_SETS[form % len(CATEGORY_SETS)] if form % 3 == 0 else {}
    key = f"{study}:published:{wave}:{item}"
    return SearchDocument(
        key=key,
        urn=f"urn:ddi:fr.{study}:{topic}-{wave_index}-{item}:1",
        type=item_type,
        study=study,
        state="published",
        name=name,
        waves=[wave],
        labels=texts if item_type != "QuestionItem" else {},
        question_texts=texts if item_type in ("QuestionItem", "QuestionGrid") or form % 2 else {},
        category_labels={k: v for k, v in categories.items() if k in texts or "und" in texts},
        concept_labels={"fr": topic.capitalize(), "en": topic.capitalize()},
        concepts=[topic],
        languages=languages,
        representation=REPRESENTATIONS[form % len(REPRESENTATIONS)],
        data_source=DATA_SOURCES[(form + study_index) % len(DATA_SOURCES)],
        ages_months=[float(WAVE_AGES_MONTHS[wave_index])],
        sort_name=name,
    )


def _cumulative(shares: tuple[tuple[str, float], ...]) -> list[tuple[str, float]]:
    total = 0.0
    out = []
    for name, share in shares:
        total += share
        out.append((name, total))
    out[-1] = (out[-1][0], 1.01)
    return out


def query_mix() -> list[tuple[str, SearchQuery]]:
    """The fixed mix: every query alone, then with a study filter, a wave + type filter, an age range."""
    base: list[tuple[str, str]] = (
        [("word", w) for w in WORDS]
        + [("and", q) for q in AND_QUERIES]
        + [("phrase", p) for p in PHRASES]
        + [("inflection", w) for w in INFLECTIONS]
        + [("prefix", p) for p in PREFIXES]
        + [("typo", t) for t in TYPOS]
    )
    queries = [(kind, SearchQuery(text=text)) for kind, text in base]
    for index, (kind, text) in enumerate(base):
        study = f"cohorte-{index % STUDIES:02d}"
        wave = f"{study}-v{index % WAVES + 1}"
        queries.append((f"filtered {kind}", SearchQuery(text=text, filters={"study": [study]})))
        queries.append(
            (f"filtered {kind}", SearchQuery(text=text, filters={"wave": [wave], "type": ["Variable"]}))
        )
        queries.append((f"filtered {kind}", SearchQuery(text=text, age_min_months=12, age_max_months=36)))
    return queries


@dataclass
class Figures:
    engine: str
    size: int
    build_seconds: float = 0.0
    index_bytes: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    totals: list[int] = field(default_factory=list)
    build_cpu_seconds: float = 0.0

    @property
    def build_rate(self) -> float:
        return self.size / self.build_seconds if self.build_seconds else 0.0

    def percentile(self, share: float, values: list[float] | None = None) -> float:
        ordered = sorted(self.latencies_ms if values is None else values)
        return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def folder_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def process_seconds() -> float:
    """CPU time of this process, every thread included (tantivy indexes in its own threads)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def build(engine: str, documents: list[SearchDocument], folder: Path) -> tuple[SearchBackend, Figures]:
    """Index `documents` with `engine` in `folder`, timing it."""
    backend = open_backend(engine, index_dir=folder)
    figures = Figures(engine, len(documents))
    gc.collect()
    started, cpu = time.perf_counter(), process_seconds()
    backend.rebuild(iter(documents))
    figures.build_seconds = time.perf_counter() - started
    figures.build_cpu_seconds = process_seconds() - cpu
    figures.index_bytes = folder_bytes(folder)
    return backend, figures


def time_queries(
    backends: dict[str, SearchBackend],
    figures: dict[str, Figures],
    queries: list[tuple[str, SearchQuery]],
    passes: dict[str, int],
) -> None:
    """Interleaved passes (each query on every engine in turn); per query the median of the passes."""
    wall: dict[str, list[list[float]]] = {name: [[] for _ in queries] for name in backends}
    cpu: dict[str, list[list[float]]] = {name: [[] for _ in queries] for name in backends}
    for round_ in range(max(passes.values())):
        for index, (_, query) in enumerate(queries):
            for name, backend in backends.items():
                if round_ >= passes[name]:
                    continue
                started, used = time.perf_counter(), process_seconds()
                result = backend.search(query)
                wall[name][index].append((time.perf_counter() - started) * 1000)
                cpu[name][index].append((process_seconds() - used) * 1000)
                if len(figures[name].totals) < len(queries):
                    figures[name].totals.append(result.total)
    for name in backends:
        figures[name].latencies_ms = [statistics.median(runs) for runs in wall[name]]
        figures[name].cpu_ms = [statistics.median(runs) for runs in cpu[name]]


def warm(backends: dict[str, SearchBackend], queries: list[tuple[str, SearchQuery]]) -> None:
    for _, query in queries:
        for backend in backends.values():
            backend.search(query)


def run(
    sizes: list[int], engines: list[str], whoosh_max: int, passes: int
) -> tuple[list[Figures], list[str]]:
    queries = query_mix()
    rows: list[Figures] = []
    notes: list[str] = []
    for size in sizes:
        print(f"generating {size:,} documents", file=sys.stderr)
        documents = list(generate_documents(size))
        with tempfile.TemporaryDirectory(prefix="ddicat-bench-") as tmp:
            backends: dict[str, SearchBackend] = {}
            figures: dict[str, Figures] = {}
            for engine in engines:
                if engine == "whoosh" and size > whoosh_max:
                    notes.append(f"whoosh not run at {size:,} (over --whoosh-max {whoosh_max:,})")
                    continue
                print(f"building {engine} at {size:,} (load {load()})", file=sys.stderr)
                backends[engine], figures[engine] = build(engine, documents, Path(tmp) / engine)
                print(f"  {figures[engine].build_rate:,.0f} docs/s", file=sys.stderr)
            del documents
            gc.collect()
            warm(backends, queries)
            print(f"timing queries at {size:,} (load {load()})", file=sys.stderr)
            engine_passes = {name: passes if name == "tantivy" else max(1, passes // 3) for name in backends}
            time_queries(backends, figures, queries, engine_passes)
            notes.append(f"load average (1 min) after the queries at {size:,}: {load()}")
            if "tantivy" in figures:
                for name, other in figures.items():
                    if name == "tantivy":
                        continue
                    differing = sum(
                        a != b for a, b in zip(other.totals, figures["tantivy"].totals, strict=True)
                    )
                    notes.append(
                        f"{name} at {size:,}: {differing} of {len(queries)} totals differ from tantivy"
                        if differing
                        else f"{name} at {size:,}: the same total as tantivy on all {len(queries)} queries"
                    )
            rows.extend(figures.values())
            for backend in backends.values():
                backend.close()
    return rows, notes


def load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def report(rows: list[Figures], notes: list[str], command: str, passes: int) -> str:
    """The BENCHMARKS.md section."""
    queries = query_mix()
    kinds = sorted({kind.split()[-1] for kind, _ in queries})
    filtered = sum(kind.startswith("filtered") for kind, _ in queries)
    lines = [
        SECTION,
        "",
        f"Command: `{command}` (this machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}).",
        "",
        f"Corpus: synthetic bilingual SearchDocuments, {STUDIES} studies × {WAVES} waves, "
        f"{int(REUSED_SHARE * 100)}% of question texts reused across waves, French inflections varied. "
        f"Queries: {len(queries)} ({', '.join(kinds)}; {filtered} of them with a study, a wave + type or "
        "an age-range filter), each returning the top 20 with highlights, the total and the facets "
        "study/wave/type/lang. Latency of a query = median of its interleaved passes after a warm-up "
        f"({passes} passes for tantivy, a third for whoosh); CPU = the same in process CPU time, which "
        "other processes on the machine do not inflate. Build = `rebuild()` from SearchDocuments.",
        "",
        "| engine | documents | build docs/s (CPU µs/doc) | index | p50 / p95 / max ms | CPU p50 / p95 ms "
        "| p50 / p95 vs tantivy |",
        "|---|---|---|---|---|---|---|",
    ]
    by_size: dict[int, dict[str, Figures]] = {}
    for row in rows:
        by_size.setdefault(row.size, {})[row.engine] = row
    for size, engines in by_size.items():
        reference = engines.get("tantivy")
        for name, row in engines.items():
            ratio = (
                "1"
                if name == "tantivy" or reference is None
                else f"×{row.percentile(0.5) / reference.percentile(0.5):.0f} / "
                f"×{row.percentile(0.95) / reference.percentile(0.95):.0f}"
            )
            lines.append(
                f"| {name} | {size:,} | {row.build_rate:,.0f} ({row.build_cpu_seconds / size * 1e6:,.0f}) "
                f"| {row.index_bytes / 1e6:,.0f} MB "
                f"| {row.percentile(0.5):.2f} / {row.percentile(0.95):.2f} / {max(row.latencies_ms):.1f} "
                f"| {row.percentile(0.5, row.cpu_ms):.2f} / {row.percentile(0.95, row.cpu_ms):.2f} "
                f"| {ratio} |"
            )
    lines.append("")
    lines.extend(f"- {note}" for note in notes)
    return "\n".join(lines) + "\n"



def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--engines", nargs="+", default=["tantivy", "whoosh"])
    parser.add_argument("--whoosh-max", type=int, default=100_000, help="largest size whoosh is run at")
    parser.add_argument("--passes", type=int, default=9)
    parser.add_argument("--write", action="store_true", help="write the figures into BENCHMARKS.md")
    args = parser.parse_args(argv)
    rows, notes = run(args.sizes, args.engines, args.whoosh_max, args.passes)
    arguments = argv if argv is not None else sys.argv[1:]
    command = ".venv/bin/python -m benchmarks.search_engines " + " ".join(arguments)
    section = report(rows, notes, command, args.passes)
    print(section)
    if args.write:
        write_section(BENCHMARKS_FILE, section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
