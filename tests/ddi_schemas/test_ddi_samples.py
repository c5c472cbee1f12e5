"""The real public DDI files: which validate, which are refused and where, and what the profile sees."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from ddi_schemas.check import check
from ddi_schemas.compiled import SchemaSet
from ddi_schemas.problems import InvalidInput
from ddi_schemas.profile import profile
from ddi_schemas.validate import sniff, validate

SAMPLES = [
    "Example_QuestionnaireDevelopment.xml",
    "QuestionExample.xml",
    "RepresentationExamples.xml",
    "RepresentedVariableExample.xml",
    "archivist_fragment_instance_3_2.xml",
    "insee_colectica_physicalInstance.xml",
    "insee_eno_ddi-l20g2ba7.xml",
    "insee_eno_ddi-llxh9g6g.xml",
    "insee_eno_ddi-loops-sequence.xml",
    "insee_eno_ddi-mcq.xml",
    "insee_eno_ddi33_l5v3spn0.xml",
    "insee_eno_ddi33_m5o3qhu0.xml",
    "statcan_colectica_Quality_of_Life.xml",
    "team_cohort_minimal_3_3.xml",
]
INVALID = {
    "Example_QuestionnaireDevelopment.xml": (
        12,
        "d:QuestionnaireDevelopment",
        "This element is not expected",
    ),
    "insee_eno_ddi33_l5v3spn0.xml": (1198, "d:StructuredMixedGridResponseDomain", "Missing child element(s)"),
}


def test_the_sample_list_is_the_folder(ddi_samples: Path) -> None:
    assert sorted(p.name for p in ddi_samples.glob("*.xml")) == sorted(SAMPLES)


@pytest.mark.parametrize("name", SAMPLES)
def test_each_sample_validates_or_is_refused_at_its_line(
    schemas: SchemaSet, ddi_samples: Path, name: str
) -> None:
    report = validate(ddi_samples / name, schemas, file_name=name)
    if name not in INVALID:
        assert report.valid, report.problems[:3]
        return
    line, element, reason = INVALID[name]
    assert not report.valid and report.complete
    assert [(p.location.line, p.location.element, p.code) for p in report.problems] == [
        (line, element, "xsd")
    ]
    assert report.problems[0].message.startswith(reason)
    with pytest.raises(InvalidInput) as raised:
        report.raise_for_errors()
    assert str(raised.value).startswith(f"{name}, line {line}, element {element}: error: {reason}")


@pytest.mark.parametrize("name", sorted(INVALID))
def test_the_whole_tree_mode_agrees_on_the_invalid_samples(
    schemas: SchemaSet, ddi_samples: Path, name: str
) -> None:
    report = validate(ddi_samples / name, schemas, file_name=name, all_errors=True)
    assert [p.location.line for p in report.problems] == [INVALID[name][0]]


@pytest.mark.parametrize(
    ("name", "version", "root", "encoding"),
    [
        ("QuestionExample.xml", "3.3", "ResourcePackage", "UTF-8"),
        ("RepresentedVariableExample.xml", "3.3", "LogicalProduct", "UTF-8"),
        ("archivist_fragment_instance_3_2.xml", "3.2", "FragmentInstance", None),
        ("insee_eno_ddi-mcq.xml", "3.3", "DDIInstance", "UTF-8"),
        ("statcan_colectica_Quality_of_Life.xml", "3.3", "FragmentInstance", "UTF-8"),  # declared utf-8
    ],
)
def test_sniff_reads_version_and_root(
    ddi_samples: Path, name: str, version: str, root: str, encoding: str | None
) -> None:
    document = sniff(ddi_samples / name)
    assert (document.version, document.root, document.encoding) == (version, root, encoding)
    assert document.namespace.endswith(version.replace(".", "_"))


def test_the_dangling_references_of_representation_examples_are_warnings(
    schemas: SchemaSet, ddi_samples: Path
) -> None:
    report = profile(ddi_samples / "RepresentationExamples.xml", schemas)
    dangling = [p for p in report.problems if p.code == "dangling-reference"]
    assert len(dangling) == 20
    assert all(p.severity == "warning" and p.location.line for p in dangling)
    assert not report.errors
    assert dangling[0].location.file == str(ddi_samples / "RepresentationExamples.xml")


def test_colectica_copies_are_not_conflicts_but_version_skew_is_flagged(
    schemas: SchemaSet, ddi_samples: Path
) -> None:
    report = profile(ddi_samples / "statcan_colectica_Quality_of_Life.xml", schemas)
    codes = Counter(p.code for p in report.problems)
    assert not report.errors  # 122 Codes share agency:id:version across copied CodeLists: keyed by parent
    assert codes["version-skew"] == 108
    assert report.counts["Code"] > 122


def test_a_question_reference_typed_question_item_landing_on_a_grid(
    schemas: SchemaSet, ddi_samples: Path
) -> None:
    report = profile(ddi_samples / "QuestionExample.xml", schemas)
    mismatches = [p for p in report.problems if p.code == "type-mismatch"]
    assert len(mismatches) == 1
    assert (
        "TypeOfObject says QuestionItem" in mismatches[0].message and "QuestionGrid" in mismatches[0].message
    )


@pytest.mark.parametrize(
    "name",
    [
        "insee_eno_ddi33_l5v3spn0.xml",
        "archivist_fragment_instance_3_2.xml",
        "insee_colectica_physicalInstance.xml",
    ],
)
def test_one_pass_check_finds_what_validate_and_profile_find(
    schemas: SchemaSet, ddi_samples: Path, name: str
) -> None:
    path = ddi_samples / name
    combined = check(path, schemas)
    assert combined.validation.problems == validate(path, schemas).problems
    separate = profile(path, schemas)
    assert combined.profile.problems == separate.problems
    assert combined.profile.counts == separate.counts


def test_ddi_codebook_files_are_refused_with_a_hint(samples_dir: Path) -> None:
    for path in sorted((samples_dir / "ddi_codebook").glob("*.xml")):
        with pytest.raises(InvalidInput) as raised:
            sniff(path, file_name=path.name)
        problem = raised.value.problems[0]
        assert problem.code == "not-ddi"
        assert "DDI-Codebook" in problem.message and path.name in str(raised.value)
