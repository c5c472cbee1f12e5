"""The reader streams: on a document made mostly of content it skips, its peak memory stays far below what
parsing the whole tree costs (each side measured in its own process)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[3]

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<g:ResourcePackage xmlns:g="ddi:group:3_3" '
    'xmlns:r="ddi:reusable:3_3" xmlns:l="ddi:logicalproduct:3_3" xmlns:pi="ddi:physicalinstance:3_3">\n'
    "<r:Agency>fr.test</r:Agency><r:ID>rp</r:ID><r:Version>1</r:Version>\n"
)


def write_document(path: Path, variables: int, statistics_per_variable: int) -> None:
    """Variables, then a data file description (VariableStatistics) that the catalogue does not keep."""
    with path.open("w", encoding="utf-8") as out:
        out.write(
            HEAD + "<l:VariableScheme><r:Agency>fr.test</r:Agency><r:ID>vs</r:ID><r:Version>1</r:Version>\n"
        )
        for n in range(variables):
            out.write(
                f"<l:Variable><r:Agency>fr.test</r:Agency><r:ID>v{n}</r:ID><r:Version>1</r:Version>"
                f"<l:VariableName><r:String>V{n}</r:String></l:VariableName>"
                f'<r:Label><r:Content xml:lang="fr">Variable {n}</r:Content></r:Label></l:Variable>\n'
            )
        out.write(
            "</l:VariableScheme>\n<pi:PhysicalInstance><r:Agency>fr.test</r:Agency><r:ID>pi</r:ID>"
            "<r:Version>1</r:Version>\n"
        )
        for n in range(variables * statistics_per_variable):
            out.write(
                f"<pi:Statistics><pi:VariableStatistics><r:Agency>fr.test</r:Agency><r:ID>s{n}</r:ID>"
                f"<r:Version>1</r:Version><r:VariableReference><r:Agency>fr.test</r:Agency>"
                f"<r:ID>v{n % variables}</r:ID><r:Version>1</r:Version><r:TypeOfObject>Variable"
                "</r:TypeOfObject></r:VariableReference><pi:TotalResponses>1234</pi:TotalResponses>"
                "<pi:SummaryStatistic><pi:TypeOfSummaryStatistic>Mean</pi:TypeOfSummaryStatistic>"
                f"<pi:Statistic>{n * 0.5}</pi:Statistic></pi:SummaryStatistic></pi:VariableStatistics>"
                "</pi:Statistics>\n"
            )
        out.write("</pi:PhysicalInstance>\n</g:ResourcePackage>\n")


def peak_megabytes(statement: str, path: Path) -> float:
    """Peak resident memory of a fresh interpreter that imports the reader and lxml, then runs `statement`.

    Read from VmHWM, the high-water mark of the new process image: `ru_maxrss` would also count the
    parent's pages at fork time (Linux carries it over exec), and pytest's own size with them.
    """
    code = (
        "from pathlib import Path\n"
        "from lxml import etree\n"
        "from catalogue.ddi.reader import read_ddi\n"
        f"path = Path({str(path)!r})\n"
        f"result = {statement}\n"
        "status = Path('/proc/self/status').read_text().splitlines()\n"
        "print(next(int(line.split()[1]) for line in status if line.startswith('VmHWM:')) / 1024)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True, check=True
    )
    return float(done.stdout.strip().splitlines()[-1])


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="peak memory is read from Linux's /proc")
def test_peak_memory_stays_far_below_a_whole_tree(tmp_path: Path) -> None:
    path = tmp_path / "skipped_bulk.xml"
    write_document(path, variables=500, statistics_per_variable=300)  # ~55 MB
    whole = peak_megabytes("etree.parse(str(path))", path)
    streamed = peak_megabytes("read_ddi(path)", path)
    assert streamed < whole / 3, f"streamed {streamed:.0f} MB, whole tree {whole:.0f} MB"


def test_skipped_bulk_keeps_its_links(tmp_path: Path) -> None:
    from catalogue.ddi.reader import read_ddi

    path = tmp_path / "small_bulk.xml"
    write_document(path, variables=20, statistics_per_variable=5)
    result = read_ddi(path)
    assert result.package.counts() == {"Variable": 20}
    (skipped,) = [p for p in result.problems if p.code == "skipped-elements"]
    assert "PhysicalInstance ×1" in skipped.message
