"""Measure the REDCap (dictionary CSV, project XML) and CDISC ODM importers.

    .venv/bin/python -m benchmarks.importers_redcap                     # 100,000 variables + the samples
    .venv/bin/python -m benchmarks.importers_redcap --variables 20000 --repeat 5

A synthetic REDCap data dictionary of `--variables` variables is generated (bilingual "Texte / Text"
labels; text with integer/number/date validations, radio, dropdown, yes/no, 4-choice checkboxes, notes,
sliders, calc fields, descriptive text, 5-row matrices, a section header every 20 fields and branching logic
on one field in four), then timed three ways: read → package (the importer), versions assigned as on a first
import (`catalogue.versioning.assign_versions`), and package → DDI-L 3.3 bytes (`catalogue.ddi.writer`).
Each importer is also timed on its largest public sample in ../shared/samples (best of `--repeat` runs).
Figures are printed as one table; `--json` prints them as JSON for the lead's BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

from catalogue.ddi.writer import ddi_bytes
from catalogue.model import DDIPackage
from catalogue.versioning import assign_versions
from importers.odm import IMPORTER as ODM
from importers.redcap_dictionary import IMPORTER as DICTIONARY
from importers.redcap_project import IMPORTER as PROJECT
from importers.registry import ImportOptions, ImportResult

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"
OPTIONS = ImportOptions(agency="fr.ddicat.bench", id_prefix="bench", split_languages=("fr", "en"))
HEADER = [
    "Variable / Field Name",
    "Form Name",
    "Section Header",
    "Field Type",
    "Field Label",
    "Choices, Calculations, OR Slider Labels",
    "Field Note",
    "Text Validation Type OR Show Slider Number",
    "Text Validation Min",
    "Text Validation Max",
    "Identifier?",
    "Branching Logic (Show field only if...)",
    "Required Field?",
    "Custom Alignment",
    "Question Number (surveys only)",
    "Matrix Group Name",
    "Matrix Ranking?",
    "Field Annotation",
]
FREQUENCY = "1, Jamais / Never | 2, Parfois / Sometimes | 3, Souvent / Often | -9, Ne sait pas / Don't know"
# (field type, validation, choices, variables it makes); cycled field after field.
KINDS = [
    ("text", "integer", "", 1),
    ("radio", "", FREQUENCY, 1),
    ("text", "number_1dp", "", 1),
    (
        "checkbox",
        "",
        "1, Télévision / Television | 2, Tablette / Tablet | 3, Console / Console | 4, Aucun / None",
        4,
    ),
    ("yesno", "", "", 1),
    ("dropdown", "", "1, CP / Year 1 | 2, CE1 / Year 2 | 3, CE2 / Year 3", 1),
    ("text", "date_dmy", "", 1),
    ("notes", "", "", 1),
    ("slider", "", "Jamais / Never | | Toujours / Always", 1),
    ("calc", "", "[{previous}] * 2", 1),
    ("descriptive", "", "", 0),
    ("text", "", "", 1),
]
LARGEST_SAMPLES = [
    ("redcap-dictionary", DICTIONARY, "redcap/redcapr_longitudinal_dictionary.csv"),
    ("redcap-xml", PROJECT, "redcap/redcapr_russian_bilingual_project.xml"),
    ("odm", ODM, "odm/odm20_cdash_mh_conditions_rangechecks.xml"),
]


def synthetic_dictionary(variables: int) -> bytes:
    """A REDCap dictionary CSV with at least `variables` variables (see the module docstring)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    made = number = 0
    previous = "f0000000"
    while made < variables:
        form = f"formulaire_{number // 200:04d}"
        name = f"f{number:07d}"
        row = dict.fromkeys(HEADER, "")
        row["Variable / Field Name"], row["Form Name"] = name, form
        if number % 20 == 0:
            row["Section Header"] = f"<b>Section {number // 20}</b> / <b>Section {number // 20}</b>"
        if number % 50 < 5:  # a 5-row radio matrix every 50 fields
            kind, validation, choices, count = "radio", "", FREQUENCY, 1
            row["Matrix Group Name"] = f"matrice_{number // 50}"
        else:
            kind, validation, choices, count = KINDS[number % len(KINDS)]
            if number % 4 == 3 and kind != "descriptive":
                row["Branching Logic (Show field only if...)"] = f"[{previous}] <> ''"
        row["Field Type"], row["Text Validation Type OR Show Slider Number"] = kind, validation
        row["Choices, Calculations, OR Slider Labels"] = choices.format(previous=previous)
        row["Field Label"] = (
            f"Question {number} sur la santé de l'enfant / Question {number} on the child's health"
        )
        if validation == "integer":
            row["Text Validation Min"], row["Text Validation Max"] = "0", "99"
        writer.writerow([row[h] for h in HEADER])
        if count and kind not in ("calc", "checkbox"):
            previous = name
        made += count
        number += 1
    return out.getvalue().encode("utf-8")


def timed(function: Callable[[], object], repeat: int = 1) -> tuple[float, object]:
    """The best wall time of `repeat` runs, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def measure(name: str, read: Callable[[], ImportResult], repeat: int) -> dict[str, object]:
    """read → package, assign_versions, package → ddi_bytes, for one input."""
    read_seconds, result = timed(read, repeat)
    assert isinstance(result, ImportResult)
    package: DDIPackage = result.package
    counts = package.counts()
    versions_seconds, _ = timed(lambda: assign_versions(package, lambda pairs: {}))
    write_seconds, document = timed(lambda: ddi_bytes(package), repeat)
    assert isinstance(document, bytes)
    variables = counts.get("Variable", 0)
    return {
        "input": name,
        "variables": variables,
        "items": len(package.items),
        "read_s": round(read_seconds, 3),
        "read_variables_per_s": round(variables / read_seconds),
        "versions_s": round(versions_seconds, 3),
        "write_s": round(write_seconds, 3),
        "write_variables_per_s": round(variables / write_seconds),
        "ddi_mb": round(len(document) / 1e6, 1),
    }


def main(argv: list[str] | None = None) -> int:
    """Command line: generate, time, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--variables", type=int, default=100_000, help="variables in the synthetic dictionary"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per sample (best time kept)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)

    data = synthetic_dictionary(args.variables)
    rows: list[dict[str, object]] = [
        measure(
            f"synthetic dictionary ({len(data) / 1e6:.1f} MB CSV)",
            lambda: DICTIONARY.read("synthetic.csv", data, OPTIONS),
            1,
        )
    ]
    for importer_name, importer, relative in LARGEST_SAMPLES:
        path = SAMPLES / relative
        if not path.is_file():
            print(f"skipped {relative}: absent", file=sys.stderr)
            continue
        sample = path.read_bytes()
        rows.append(
            measure(
                f"{importer_name}: {path.name}",
                lambda importer=importer, sample=sample, name=path.name: importer.read(name, sample, OPTIONS),
                args.repeat,
            )
        )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if args.json:
        print(json.dumps({"rows": rows, "peak_rss_mb": round(peak_mb)}, indent=2, ensure_ascii=False))
        return 0
    columns = [
        "input",
        "variables",
        "items",
        "read_s",
        "read_variables_per_s",
        "versions_s",
        "write_s",
        "write_variables_per_s",
        "ddi_mb",
    ]
    print(" | ".join(columns))
    for row in rows:
        print(" | ".join(str(row[c]) for c in columns))
    print(f"peak RSS: {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
