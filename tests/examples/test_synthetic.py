"""The synthetic DDI-L generator for benchmarks: valid, deterministic, shaped like a cohort."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from demo_documents import BENCHMARKS, NS, parse, question_waves, texts, xsd
from lxml import etree

SCRIPT = BENCHMARKS / "synthetic_ddi.py"


def generate(out: Path, variables: int, seed: int = 1) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--variables", str(variables), "-o", str(out), "--seed", str(seed)],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("synthetic") / "small.xml"
    result = generate(path, 400)
    assert result.returncode == 0, result.stderr
    return path


def test_small_output_is_valid_ddi_3_3(schemas_dir: Path, small: Path) -> None:
    schema = xsd(schemas_dir)
    assert schema.validate(parse(small)), [f"{e.line}: {e.message}" for e in schema.error_log][:5]


def test_small_output_is_a_ten_wave_cohort_of_exactly_n_variables(small: Path) -> None:
    doc = parse(small)
    units = doc.findall(".//g:Group/s:StudyUnit", NS)
    assert len(units) == 10
    assert len(doc.findall(".//l:Variable", NS)) == 400
    assert all(unit.find(".//l:Variable", NS) is not None for unit in units)
    for variable in doc.iterfind(".//l:Variable", NS):
        labels = texts(variable, "r:Label/r:Content")
        assert labels.get("fr") and labels.get("en")
    for question in doc.iterfind(".//d:QuestionItem", NS):
        wording = texts(question, "d:QuestionText/d:LiteralText/d:Text")
        assert wording.get("fr") and wording.get("en")


def test_most_questions_are_reused_across_waves(small: Path) -> None:
    doc = parse(small)
    waves = question_waves(doc)
    reused = sum(1 for units in waves.values() if len(units) >= 2) / len(waves)
    assert 0.55 <= reused <= 0.85, reused
    shared = set(doc.xpath("//g:ResourcePackage//d:QuestionItem/r:ID/text()", namespaces=NS))
    assert {q for q, units in waves.items() if len(units) >= 2} == shared


def test_representations_and_missing_codes(small: Path) -> None:
    doc = parse(small)
    kinds = Counter(etree.QName(r).localname for r in doc.findall(".//l:VariableRepresentation/*", NS))
    assert {
        "CodeRepresentation",
        "NumericRepresentation",
        "TextRepresentation",
        "DateTimeRepresentation",
    } <= set(kinds)
    assert doc.xpath("//r:NumericRepresentation/r:MeasurementUnit[text()='kg']", namespaces=NS)
    missing = doc.xpath("//l:Category[@isMissing='true']/r:ID/text()", namespaces=NS)
    assert len(missing) == 3
    for code_list in doc.iterfind(".//l:CodeList", NS):
        refs = code_list.xpath("l:Code/r:CategoryReference/r:ID/text()", namespaces=NS)
        assert set(refs) & set(missing), code_list.findtext("r:ID", namespaces=NS)


def test_french_inflections_are_spread_over_labels(small: Path) -> None:
    text = small.read_text(encoding="utf-8")
    assert (
        sum(
            form in text
            for form in ("allaité", "allaitée", "allaitait", "hospitalisé", "hospitalisée", "dort")
        )
        >= 4
    )


def test_same_seed_same_bytes_other_seed_other_content(tmp_path: Path) -> None:
    for name, seed in (("a.xml", 7), ("b.xml", 7), ("c.xml", 8)):
        assert generate(tmp_path / name, 120, seed).returncode == 0
    assert (tmp_path / "a.xml").read_bytes() == (tmp_path / "b.xml").read_bytes()
    assert (tmp_path / "a.xml").read_bytes() != (tmp_path / "c.xml").read_bytes()


def test_a_bad_count_is_refused_with_one_line(tmp_path: Path) -> None:
    result = generate(tmp_path / "none.xml", 0)
    assert result.returncode == 2
    assert "--variables must be at least 1" in result.stderr.strip().splitlines()[-1]
    assert not (tmp_path / "none.xml").exists()


@pytest.mark.slow
def test_ten_thousand_variables_validate(schemas_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "synthetic-10000.xml"
    result = generate(path, 10_000)
    assert result.returncode == 0, result.stderr
    doc = parse(path)
    schema = xsd(schemas_dir)
    assert schema.validate(doc), [f"{e.line}: {e.message}" for e in schema.error_log][:5]
    assert len(doc.findall(".//l:Variable", NS)) == 10_000
