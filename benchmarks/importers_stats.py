"""Throughput (variables per second) of the data-file, codebook and Table Schema importers, and of the merge.

    .venv/bin/python benchmarks/importers_stats.py            # best of 3 runs per input
    .venv/bin/python benchmarks/importers_stats.py --runs 5

Inputs: the largest public sample of each format found in ../shared/samples (skipped when absent), and
generated files of 10,000 variables: an SPSS file (pyreadstat.write_sav, 10k columns, 1 row, labels and value
labels on every fifth column), and the same codebook as a long CSV, a wide CSV and an Excel workbook. The
time is `importer.read` alone (files already in memory); the DDI-L writing is timed apart for reference.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from catalogue.ddi.writer import ddi_bytes  # noqa: E402
from catalogue.merge import merge_data_file  # noqa: E402
from catalogue.model import DDIPackage  # noqa: E402
from catalogue.versioning import assign_versions  # noqa: E402
from importers.codebook import IMPORTER as CODEBOOK  # noqa: E402
from importers.registry import ImportOptions  # noqa: E402
from importers.statfiles import IMPORTER as STATFILES  # noqa: E402
from importers.table_schema import IMPORTER as TABLE_SCHEMA  # noqa: E402

SAMPLES = ROOT.parent / "shared" / "samples"
OPTIONS = ImportOptions(agency="fr.ddicat.bench", id_prefix="bench")
N = 10_000
LABELS = ["Oui", "Non", "Ne sait pas"]


def best_of(runs: int, work: Callable[[], object]) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - start)
    return best, result


def generated_sav() -> bytes:
    import pandas as pd
    import pyreadstat

    names = [f"q{i:05d}" for i in range(N)]
    frame = pd.DataFrame({name: [1.0] for name in names})
    labels = {name: f"Question {i} : état de santé perçu de l'enfant" for i, name in enumerate(names)}
    value_labels = {name: {1: "Oui", 2: "Non", -9: "Ne sait pas"} for name in names[::5]}
    missing = {name: [-9] for name in names[::5]}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.sav"
        pyreadstat.write_sav(
            frame, str(path), column_labels=labels, variable_value_labels=value_labels, missing_ranges=missing
        )
        return path.read_bytes()


def codebook_rows() -> list[tuple[str, str, list[tuple[str, str]]]]:
    rows = []
    for i in range(N):
        choices = [("1", "Oui"), ("2", "Non"), ("-9", "Ne sait pas")] if i % 5 == 0 else []
        rows.append((f"q{i:05d}", f"Question {i} : état de santé perçu de l'enfant", choices))
    return rows


def long_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["variable", "modalite", "libelle"])
    for name, label, choices in codebook_rows():
        writer.writerow([name, "", label])
        for code, text in choices:
            writer.writerow([name, code, text])
    return out.getvalue().encode("cp1252")


def wide_rows() -> list[list[str]]:
    rows = [
        [
            "Form",
            "Section",
            "Variable",
            "Type",
            "Question",
            "Answer Options",
            "Minimum",
            "Maximum",
            "Skip Logic",
        ]
    ]
    for i, (name, label, choices) in enumerate(codebook_rows()):
        options = " | ".join(f"{code}, {text}" for code, text in choices)
        kind = "radio" if choices else "integer"
        rows.append(
            [
                f"form{i // 1000}",
                f"section{i // 100}",
                name,
                kind,
                label,
                options,
                "" if choices else "0",
                "" if choices else "120",
                f"[q{i - 1:05d}] = '1'" if i % 7 == 0 else "",
            ]
        )
    return rows


def wide_csv() -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(wide_rows())
    return out.getvalue().encode("utf-8-sig")


def wide_xlsx() -> bytes:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Dictionnaire")
    for row in wide_rows():
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def snds_zip() -> bytes | None:
    root = SAMPLES / "table_schema" / "snds"
    if not root.is_dir():
        return None
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                archive.write(path, str(path.relative_to(root)))
    return out.getvalue()


def largest_sample(folder: str, suffixes: tuple[str, ...]) -> tuple[str, bytes] | None:
    found = (
        [p for p in (SAMPLES / folder).glob("*") if p.suffix.lower() in suffixes]
        if (SAMPLES / folder).is_dir()
        else []
    )
    if not found:
        return None
    path = max(found, key=lambda p: p.stat().st_size)
    return path.name, path.read_bytes()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    inputs: list[tuple[str, object, str, bytes]] = []
    sav_sample = largest_sample("spss_stata_sas", (".sav", ".zsav", ".dta", ".por", ".sas7bdat", ".xpt"))
    if sav_sample:
        inputs.append(("statfile", STATFILES, *sav_sample))
    inputs.append(("statfile", STATFILES, "generated-10k.sav", generated_sav()))
    codebook_sample = largest_sample("codebook_csv", (".csv",)) or largest_sample("opal", (".xlsx", ".xls"))
    if codebook_sample:
        inputs.append(("codebook", CODEBOOK, *codebook_sample))
    inputs += [
        ("codebook", CODEBOOK, "generated-10k-long.csv", long_csv()),
        ("codebook", CODEBOOK, "generated-10k-wide.csv", wide_csv()),
        ("codebook", CODEBOOK, "generated-10k-wide.xlsx", wide_xlsx()),
    ]
    snds = snds_zip()
    if snds is not None:
        inputs.append(("table-schema", TABLE_SCHEMA, "snds-sample.zip", snds))
    heal = largest_sample("table_schema", (".json",))
    if heal:
        inputs.append(("table-schema", TABLE_SCHEMA, *heal))

    columns = ("importer", "input", "bytes", "variables", "read s", "vars/s", "write s")
    print("{:<13} {:<45} {:>11} {:>9} {:>8} {:>9} {:>8}".format(*columns))
    packages: dict[str, DDIPackage] = {}
    for importer_name, importer, name, data in inputs:
        def read(importer: object = importer, name: str = name, data: bytes = data) -> object:
            return importer.read(name, data, OPTIONS)  # type: ignore[attr-defined]

        seconds, result = best_of(args.runs, read)
        package = result.package  # type: ignore[attr-defined]
        count = package.counts().get("Variable", 0)
        packages[name] = package
        assign_versions(package, lambda pairs: {})
        write_seconds, _xml = best_of(1, lambda package=package: ddi_bytes(package))
        print(
            f"{importer_name:<13} {name:<45} {len(data):>11,} {count:>9,} {seconds:>8.3f} "
            f"{count / seconds:>9,.0f} {write_seconds:>8.3f}"
        )
    questionnaire = CODEBOOK.read("q.csv", wide_csv(), OPTIONS).package
    data_file = STATFILES.read(
        "d.sav", generated_sav(), ImportOptions(agency="fr.ddicat.bench", id_prefix="data")
    ).package
    assign_versions(questionnaire, lambda pairs: {})
    seconds, merged = best_of(args.runs, lambda: merge_data_file(questionnaire, data_file))
    report = merged[1]  # type: ignore[index]
    print(
        f"{'merge':<13} {'10k wide codebook + 10k-column .sav':<45} {'':>11} {len(report.matched):>9,} "
        f"{seconds:>8.3f} {len(report.matched) / seconds:>9,.0f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
