"""Bad input is refused with one located, one-line reason, by every entry point of the gate."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ddi_schemas.check import check
from ddi_schemas.compiled import SchemaSet
from ddi_schemas.problems import InvalidInput
from ddi_schemas.profile import profile
from ddi_schemas.validate import sniff, validate

BAD = [
    ("empty.xml", "empty", None, "the file is empty"),
    ("variables.csv", "not-xml", 1, "this is not an XML document: it starts with 'nom;libelle_'"),
    ("questionnaire.pdf", "not-xml", 1, "this is not an XML document: it starts with '%PDF-1.7"),
    ("codebook_2_5.xml", "not-ddi", 2, "this is a DDI-Codebook (DDI 2.x) document, not DDI-Lifecycle"),
    ("odm_not_ddi.xml", "not-ddi", 2, "its root is <ODM> in namespace http://www.cdisc.org/ns/odm/v1.3"),
    ("billion_laughs.xml", "entities", 3, "declares a DOCTYPE with an internal subset"),
    ("external_entity.xml", "entities", 2, "declares a DOCTYPE with an internal subset"),
    ("external_dtd.xml", "entities", 4, 'pointing at an external DTD (SYSTEM "file:///etc/passwd")'),
    ("truncated.xml", "truncated", 7, "the document ends too early, it looks truncated"),
    ("latin1_no_declaration.xml", "encoding", 4, "it has no encoding declaration, so UTF-8 applies"),
    ("latin1_declared_utf8.xml", "encoding", 5, "its XML declaration says UTF-8"),
    ("ddi_3_4.xml", "unknown-version", 2, "DDI-Lifecycle 3.4 (namespace ddi:instance:3_4) is not supported"),
    ("ddi_3_0.xml", "unknown-version", 3, "DDI-Lifecycle 3.0 (namespace ddi:instance:3_0) is not supported"),
]


def gates(schemas: SchemaSet) -> dict[str, Callable[..., object]]:
    return {
        "sniff": lambda source, name: sniff(source, file_name=name),
        "validate": lambda source, name: validate(source, schemas, file_name=name),
        "validate-all": lambda source, name: validate(source, schemas, file_name=name, all_errors=True),
        "profile": lambda source, name: profile(source, schemas, file_name=name),
        "check": lambda source, name: check(source, schemas, file_name=name),
    }


@pytest.mark.parametrize(("name", "code", "line", "reason"), BAD)
def test_each_bad_file_is_refused_by_every_gate(
    schemas: SchemaSet, ddi_fixtures: Path, name: str, code: str, line: int | None, reason: str
) -> None:
    path = ddi_fixtures / "bad" / name
    for gate_name, gate in gates(schemas).items():
        if code == "truncated" and gate_name == "sniff":
            continue  # sniff reads only up to the root's start tag
        with pytest.raises(InvalidInput) as raised:
            gate(path, name)
        error = raised.value
        assert len(error.problems) == 1, gate_name
        problem = error.problems[0]
        assert (problem.code, problem.location.line, problem.location.file) == (code, line, name), gate_name
        assert reason in problem.message, gate_name
        message = str(error)
        assert "\n" not in message
        assert message.startswith(f"{name}, line {line}" if line else f"{name}:")


def test_entities_are_never_expanded_nor_fetched(schemas: SchemaSet, ddi_fixtures: Path) -> None:
    with pytest.raises(InvalidInput) as raised:
        check(ddi_fixtures / "bad" / "external_entity.xml", schemas)
    assert "root:" not in str(raised.value)  # nothing of /etc/passwd
    assert "lol" not in str(raised.value.problems)


def test_a_path_without_a_name_is_shown_as_given(ddi_fixtures: Path) -> None:
    path = ddi_fixtures / "bad" / "variables.csv"
    with pytest.raises(InvalidInput) as raised:
        sniff(path)
    assert str(raised.value).startswith(f"{path}, line 1: error:")


def test_an_unreadable_path_is_refused_not_a_traceback(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as raised:
        sniff(tmp_path / "absent.xml", file_name="absent.xml")
    assert raised.value.problems[0].code == "unreadable"
    assert str(raised.value).startswith("absent.xml: error: the file cannot be read")


COHORT = b"""<?xml version="1.0" encoding="UTF-8"?>
<DDIInstance xmlns="ddi:instance:3_3" xmlns:r="ddi:reusable:3_3">
  <r:Agency>fr.cohorte-exemple</r:Agency><r:ID>inst</r:ID><r:Version>1</r:Version>
  <r:Citation>
    <r:Title><r:String xml:lang="fr">Cohorte</r:String></r:Title>
  </r:Citation>
</DDIInstance>
"""


@pytest.mark.parametrize(
    ("data", "code", "line", "reason"),
    [
        (
            COHORT.replace(b"</r:Citation>", b"</r:Citaton>"),
            "malformed",
            6,
            "Opening and ending tag mismatch",
        ),
        (COHORT + b"<!-- fin -->\n<", "malformed", 9, "Extra content at the end of the document"),
        (COHORT + b"<DDIInstance/>\n", "malformed", 8, "Extra content at the end of the document"),
        (COHORT.replace(b"Cohorte<", b"Cohorte &nbsp;<"), "malformed", 5, "Entity 'nbsp' not defined"),
        (COHORT.replace(b"Cohorte<", b"Cohorte \x01<"), "malformed", 5, "PCDATA invalid Char value 1"),
        (COHORT[:-40], "truncated", 5, "looks truncated"),
        (COHORT[:-1].replace(b"</DDIInstance>", b"</DDIInst"), "truncated", 7, "looks truncated"),
        (COHORT.replace(b'encoding="UTF-8"', b'encoding="X-COHORTE"'), "encoding", 1, "X-COHORTE"),
    ],
)
def test_well_formedness_errors_that_lxml_hides_when_validating(
    schemas: SchemaSet, data: bytes, code: str, line: int, reason: str
) -> None:
    """With `schema=`, lxml accepts a truncated file or a stray `<` after the root: the gate must not."""
    for gate_name in ("validate", "validate-all", "profile", "check"):
        with pytest.raises(InvalidInput) as raised:
            gates(schemas)[gate_name](data, "cohorte.xml")
        problem = raised.value.problems[0]
        assert (problem.code, problem.location.line) == (code, line), gate_name
        assert reason in problem.message, gate_name
