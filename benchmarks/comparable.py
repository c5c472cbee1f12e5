"""How well the comparable-variable suggestions rank the true counterparts, on a labelled set from the demo.

    .venv/bin/python -m benchmarks.comparable            # builds the demo catalogue in a temporary folder
    .venv/bin/python -m benchmarks.comparable --write    # and puts the figures in BENCHMARKS.md

The labelled set (`tests/fixtures/discovery/comparable-elfe-epipage2.csv`) lists Elfe-demo variables with
every Epipage-2-demo variable that measures the same thing (at any wave), judged by reading their labels,
questions and code lists. For each Elfe variable the scorer's candidates in the other cohorts are ranked
(`search.comparable.comparable_candidates`, as the API and the page rank them) and measured:

- precision@5: the share of the first five candidates that are true counterparts;
- precision@5 (bounded): the same over min(5, number of counterparts), so that a variable with one counterpart
  found first scores 1;
- recall@5: the share of the counterparts found in the first five;
- MRR: the mean of 1/rank of the first true counterpart (0 when none is in the first 50);
- hit@1: how often the first candidate is a true counterpart.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.sections import write_section

PROJECT = Path(__file__).resolve().parents[1]
LABELLED = PROJECT / "tests" / "fixtures" / "discovery" / "comparable-elfe-epipage2.csv"
SECTION = "## Comparable variables (issue 5)"
K = 5
DEPTH = 50


@dataclass(frozen=True, slots=True)
class Labelled:
    """An Elfe variable and the names of its true Epipage 2 counterparts."""

    source: str
    counterparts: frozenset[str]
    why: str


def labelled_set(path: Path = LABELLED) -> list[Labelled]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [Labelled(row["elfe"], frozenset(row["epipage2"].split()), row["why"]) for row in csv.DictReader(handle)]


@dataclass(slots=True)
class Evaluation:
    precision: list[float] = field(default_factory=list)
    bounded_precision: list[float] = field(default_factory=list)
    recall: list[float] = field(default_factory=list)
    reciprocal_ranks: list[float] = field(default_factory=list)
    hit_at_1: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, float]:
        return {
            "variables": len(self.precision),
            "precision@5": statistics.fmean(self.precision),
            "bounded precision@5": statistics.fmean(self.bounded_precision),
            "recall@5": statistics.fmean(self.recall),
            "MRR": statistics.fmean(self.reciprocal_ranks),
            "hit@1": statistics.fmean(self.hit_at_1),
            "median ms": statistics.median(self.seconds) * 1000,
        }


def names_by_urn(runtime, study: str) -> dict[str, str]:
    """Variable names of a study's published release, by name → URN."""
    from catalogue.store.reads import Viewer, load_snapshot, study_by_slug, visible_release

    with runtime.sessions() as session:
        found = study_by_slug(session, study)
        assert found is not None, f"no study {study!r}: load the demo first"
        release = visible_release(session, found, Viewer.public())
        assert release is not None
        snapshot = load_snapshot(session, release)
        return {item.name or item.id: item.urn for item in snapshot.members("Variable")}


def evaluate(runtime, labelled: list[Labelled], *, source_study: str = "elfe", target_study: str = "epipage2"
             ) -> Evaluation:
    """Rank the candidates of every labelled variable and score the ranking."""
    from catalogue.store.reads import Viewer
    from search.base import Visibility
    from search.comparable import comparable_candidates

    sources = names_by_urn(runtime, source_study)
    targets = set(names_by_urn(runtime, target_study))
    result = Evaluation()
    with runtime.sessions() as session:
        for entry in labelled:
            missing = entry.counterparts - targets
            assert entry.source in sources and not missing, (entry.source, missing)
            started = time.perf_counter()
            ranked = comparable_candidates(session=session, backend=runtime.backend, urn=sources[entry.source],
                                           viewer=Viewer.public(), visibility=Visibility.public(), limit=DEPTH)
            result.seconds.append(time.perf_counter() - started)
            names = [c.profile.name for c in ranked.candidates if c.profile.study == target_study]
            top = names[:K]
            relevant = sum(1 for name in top if name in entry.counterparts)
            result.precision.append(relevant / K)
            result.bounded_precision.append(relevant / min(K, len(entry.counterparts)))
            result.recall.append(relevant / len(entry.counterparts))
            rank = next((i for i, name in enumerate(names, 1) if name in entry.counterparts), None)
            result.reciprocal_ranks.append(1 / rank if rank else 0.0)
            result.hit_at_1.append(1.0 if top and top[0] in entry.counterparts else 0.0)
            if not relevant:
                result.misses.append(f"{entry.source}: first five {', '.join(top)}; expected {', '.join(sorted(entry.counterparts))}")
    return result


def demo_runtime(folder: Path, schemas: Path | None):
    from api.runtime import Runtime
    from catalogue.settings import Settings

    settings = Settings(data_dir=folder, ddi_schemas=schemas) if schemas else Settings(data_dir=folder)
    runtime = Runtime(settings)
    runtime.load_demo()
    return runtime


def report(summary: dict[str, float], evaluation: Evaluation, command: str) -> str:
    from search.comparable import WEIGHTS

    weights = ", ".join(f"{name} {weight:.2f}" for name, weight in WEIGHTS.items())
    lines = [
        SECTION, "",
        f"Command: `{command}` (the demo catalogue, built from examples/ in a temporary folder).", "",
        f"Labelled set: `tests/fixtures/discovery/comparable-elfe-epipage2.csv`, {summary['variables']:.0f} Elfe-demo "
        "variables with every Epipage-2-demo variable that measures the same thing (1 to 7 each), judged by reading "
        "labels, questions and code lists; a quarter of them worded differently (REDCap wave, \"How many times?\", "
        "per day vs per week). Candidates ranked by `search.comparable` with the weights " + weights + ".", "",
        "| precision@5 | bounded precision@5 | recall@5 | MRR | hit@1 | median time per variable |",
        "|---|---|---|---|---|---|",
        f"| {summary['precision@5']:.3f} | {summary['bounded precision@5']:.3f} | {summary['recall@5']:.3f} | "
        f"{summary['MRR']:.3f} | {summary['hit@1']:.3f} | {summary['median ms']:.0f} ms |", "",
        "precision@5 counts the true counterparts among the first five over 5; the bounded form divides by "
        "min(5, counterparts), so that a variable with a single counterpart ranked first scores 1. "
        "`tests/discovery/test_comparable.py` holds a floor under these figures (not a timing).",
    ]
    if evaluation.misses:
        lines += ["", "Variables with no true counterpart in their first five:"]
        lines += [f"- {miss}" for miss in evaluation.misses]
    return "\n".join(lines) + "\n"



def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--schemas", type=Path, help="folder of the official DDI-L XSDs (default: settings)")
    parser.add_argument("--write", action="store_true", help="write the figures into BENCHMARKS.md")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="ddicat-comparable-") as folder:
        runtime = demo_runtime(Path(folder), args.schemas)
        try:
            evaluation = evaluate(runtime, labelled_set())
        finally:
            runtime.close()
    arguments = argv if argv is not None else sys.argv[1:]
    command = ".venv/bin/python -m benchmarks.comparable " + " ".join(a for a in arguments if a != "--write")
    section = report(evaluation.summary(), evaluation, command.strip())
    print(section)
    if args.write:
        write_section(PROJECT / "BENCHMARKS.md", section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
