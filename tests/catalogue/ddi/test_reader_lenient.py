"""Lenient reading: what a document that fails its XSD still says, each departure a warning with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalogue.ddi.reader import ReadResult, read_ddi
from catalogue.model import Loop, QuestionConstruct, QuestionGrid, Ref, Sequence


def line_of(text: str, marker: str, occurrence: int = 1) -> int:
    """1-based line of the n-th line containing `marker`."""
    found = [n for n, line in enumerate(text.splitlines(), start=1) if marker in line]
    return found[occurrence - 1]


@pytest.fixture(scope="module")
def source(fixtures_dir: Path) -> Path:
    return fixtures_dir / "ddi" / "lenient_3_3.xml"


@pytest.fixture(scope="module")
def lenient(source: Path) -> ReadResult:
    return read_ddi(source, lenient=True)


def deviations(result: ReadResult) -> set[tuple[int | None, str | None]]:
    return {(p.location.line, p.location.element) for p in result.problems if p.code == "deviation"}


def test_each_departure_is_a_warning_on_its_line(lenient: ReadResult, source: Path) -> None:
    text = source.read_text(encoding="utf-8")
    assert deviations(lenient) == {
        (line_of(text, "<d:Loop>"), "Loop"),
        (line_of(text, "<r:QuestionReference>", 2), "QuestionReference"),
        (line_of(text, "<d:StructuredMixedGridResponseDomain>"), "StructuredMixedGridResponseDomain"),
        (line_of(text, "<d:GridResponseDomain>", 1), "GridResponseDomain"),
        (line_of(text, "<d:GridResponseDomain>", 2), "GridResponseDomain"),
        (line_of(text, "<r:CodeListReference>"), "CodeListReference"),
        (line_of(text, 'codeListID="'), "NumericTypeCode"),
        (line_of(text, "<d:SourceQuestion>"), "SourceQuestion"),
        (line_of(text, "<d:SourceVariable>"), "SourceVariable"),
    }
    assert all(p.severity == "warning" for p in lenient.problems)


def test_what_is_understood_is_read(lenient: ReadResult) -> None:
    items = {i.id: i for i in lenient.package.items}
    loop = items["boucle-individus"]
    assert isinstance(loop, Loop)
    assert loop.body == Ref("fr.insee", "boucle-individus-body", "1", "Sequence")
    body = items["boucle-individus-body"]
    assert isinstance(body, Sequence)
    assert [c.id for c in body.children] == ["qc-prenoms", "qc-liens"]
    names = items["qg-prenoms"]
    assert isinstance(names, QuestionGrid)
    assert [(r.kind, r.max_length) for r in names.responses] == [("text", 40)]
    assert names.dimensions[0].roster_size == 10
    links = items["qg-liens"]
    assert isinstance(links, QuestionGrid)
    assert [r.kind for r in links.responses] == ["code", "text"]  # read from 3.2 GridResponseDomain
    assert links.responses[0].code_list == Ref("fr.insee", "cl-liens", "1", "CodeList")
    construct = items["qc-liens"]
    assert isinstance(construct, QuestionConstruct)
    # no TypeOfObject: a QuestionItem by its name, a QuestionGrid by its target
    assert construct.question == Ref("fr.insee", "qg-liens", "1", "QuestionGrid")
    assert lenient.package.study is not None
    assert lenient.package.study.title == {"fr-FR": "Enquête test « mode permissif »"}  # from the DDIInstance


def test_strict_mode_reads_the_same_without_the_departures(lenient: ReadResult, source: Path) -> None:
    strict = read_ddi(source)
    assert [i.urn for i in strict.package.items] == [i.urn for i in lenient.package.items]
    assert strict.package.counts() == lenient.package.counts()
    assert deviations(strict) == set()


def test_insee_sample_with_an_incomplete_grid_domain(samples_dir: Path) -> None:
    path = samples_dir / "ddi" / "insee_eno_ddi33_l5v3spn0.xml"
    result = read_ddi(path, lenient=True)
    assert (1198, "StructuredMixedGridResponseDomain") in deviations(result)
    counts = result.package.counts()
    assert (counts["QuestionItem"], counts["QuestionGrid"], counts["Variable"]) == (8, 1, 10)
    (grid,) = [i for i in result.package.items if i.id == "kyyagqkx"]
    assert isinstance(grid, QuestionGrid)
    assert [r.max_length for r in grid.responses] == [249]
    assert deviations(read_ddi(path)) == set()
