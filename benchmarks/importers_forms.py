"""Throughput (variables per second) of the XLSForm, DDI-Codebook, LimeSurvey and Qualtrics importers.

    .venv/bin/python -m benchmarks.importers_forms               # best of 3 runs per input
    .venv/bin/python -m benchmarks.importers_forms --runs 5 --json

Inputs: the largest public sample of each format in ../shared/samples (ESS round 10, 618 variables and
13,060 categories, is the big one; the UCL XLSForm is left out while importers/spreadsheet.py pads its
1,048,576 declared rows), and two generated files: the ESS codebook with its variables repeated ten times
under new names (6,180 variables, ~20 MB) and an XLSForm of 2,000 questions. The time is `importer.read`
alone, files already in memory; writing the package as DDI-L 3.3 is timed apart for reference.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl

from catalogue.ddi.writer import ddi_bytes
from catalogue.versioning import assign_versions
from importers.ddi_codebook import IMPORTER as CODEBOOK
from importers.limesurvey import IMPORTER as LIMESURVEY
from importers.limesurvey_tsv import IMPORTER as LIMESURVEY_TSV
from importers.qualtrics import IMPORTER as QUALTRICS
from importers.registry import ImportOptions, ImportResult
from importers.xlsform import IMPORTER as XLSFORM

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"
OPTIONS = ImportOptions(agency="fr.ddicat.bench", id_prefix="bench")
ESS = SAMPLES / "ddi_codebook" / "ess10_from_sav_ddi25_missingY.xml"


@dataclass(slots=True)
class Input:
    """One file to import: which importer, its name and bytes."""

    format: str
    name: str
    data: bytes
    read: Callable[[str, bytes, ImportOptions], ImportResult]


def sample_inputs() -> list[Input]:
    chosen = [
        ("xlsform", XLSFORM.read, SAMPLES / "xlsform" / "correlaid_testB_de_en.xlsx"),
        ("ddi-codebook", CODEBOOK.read, ESS),
        ("limesurvey", LIMESURVEY.read, SAMPLES / "limesurvey" / "citric_answers_array_multi.lss"),
        ("limesurvey-tsv", LIMESURVEY_TSV.read, SAMPLES / "limesurvey" / "xlsform2lstsv_testB_de_en.tsv"),
        ("qualtrics", QUALTRICS.read, SAMPLES / "qualtrics" / "qtools_many_question_types.qsf"),
    ]
    return [Input(fmt, path.name, path.read_bytes(), read) for fmt, read, path in chosen if path.exists()]


def repeated_codebook(times: int) -> bytes:
    """The ESS codebook with its var elements repeated `times` times, names and IDs made unique."""
    text = ESS.read_text("utf-8")
    start, end = text.index("<ddi:var "), text.rindex("</ddi:dataDscr>")
    block = text[start:end]
    copies = [
        re.sub(r'(name|ID)="([^"]+)"', lambda m, i=i: f'{m[1]}="{m[2]}_{i}"', block) for i in range(times)
    ]
    return (text[:start] + "".join(copies) + text[end:]).encode("utf-8")


def generated_xlsform(questions: int) -> bytes:
    """A bilingual form of `questions` rows: integers, selects (1 of 4, several of 5), texts, groups of 20."""
    book = openpyxl.Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(["type", "name", "label::Français (fr)", "label::English (en)", "relevant", "constraint"])
    for index in range(questions):
        if index % 20 == 0:
            survey.append(["begin_group", f"g{index}", f"Section {index}", f"Section {index}"])
        kind = ("integer", "select_one freq", "select_multiple ecrans", "text")[index % 4]
        relevant = f"${{q{index - 1}}} > 0" if index % 5 == 0 and index else ""
        survey.append(
            [
                kind,
                f"q{index}",
                f"Question {index} en français ?",
                f"Question {index} in English?",
                relevant,
                ". >= 0 and . <= 99" if kind == "integer" else "",
            ]
        )
        if index % 20 == 19:
            survey.append(["end_group"])
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", "label::Français (fr)", "label::English (en)"])
    for code, fr, en in (
        ("1", "Jamais", "Never"),
        ("2", "Parfois", "Sometimes"),
        ("3", "Souvent", "Often"),
        ("-9", "Ne sait pas", "Don't know"),
    ):
        choices.append(["freq", code, fr, en])
    for code in ("tv", "tablette", "telephone", "ordinateur", "console"):
        choices.append(["ecrans", code, code.capitalize(), code])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def generated_inputs() -> list[Input]:
    inputs = [Input("xlsform", "generated 2,000 questions", generated_xlsform(2000), XLSFORM.read)]
    if ESS.exists():
        inputs.append(Input("ddi-codebook", "ESS10 × 10 (generated)", repeated_codebook(10), CODEBOOK.read))
    return inputs


def measure(item: Input, runs: int) -> dict[str, object]:
    best = float("inf")
    result: ImportResult | None = None
    for _ in range(runs):
        started = time.perf_counter()
        result = item.read(item.name, item.data, OPTIONS)
        best = min(best, time.perf_counter() - started)
    assert result is not None
    counts = result.package.counts()
    variables = counts.get("Variable", 0)
    assign_versions(result.package, lambda pairs: {})
    started = time.perf_counter()
    written = ddi_bytes(result.package)
    writing = time.perf_counter() - started
    return {
        "format": item.format,
        "input": item.name,
        "bytes": len(item.data),
        "variables": variables,
        "items": len(result.package.items),
        "read_s": round(best, 4),
        "variables_per_s": round(variables / best) if best else None,
        "write_ddi_s": round(writing, 4),
        "ddi_bytes": len(written),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per input; the best is kept")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    rows = [measure(item, args.runs) for item in sample_inputs() + generated_inputs()]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    if args.json:
        print(json.dumps({"results": rows, "peak_rss_mb": peak}, indent=2))
        return
    print(f"{'format':15} {'input':40} {'bytes':>11} {'vars':>6} {'read s':>8} {'vars/s':>9} {'write s':>8}")
    for row in rows:
        print(
            f"{row['format']:15} {row['input']:40} {row['bytes']:>11,} {row['variables']:>6} "
            f"{row['read_s']:>8} {row['variables_per_s']:>9,} {row['write_ddi_s']:>8}"
        )
    print(f"peak RSS {peak} MB")


if __name__ == "__main__":
    main()
