"""A cohort-sized package (2,000 variables over two waves, their questions and code lists) stays valid."""

from __future__ import annotations

import pytest
from lxml import etree

from catalogue.ddi.writer import ddi_bytes
from catalogue.ddi.writer_xml import NAMESPACES
from catalogue.model import (
    Category,
    Code,
    CodeList,
    DDIPackage,
    Item,
    QuestionItem,
    Representation,
    StudyInfo,
    Variable,
    WaveInfo,
)

AGENCY = "fr.ddicat.grande"
VARIABLES = 2_000


def large_package() -> DDIPackage:
    items: list[Item] = []
    lists: list[CodeList] = []
    for k in range(20):
        categories = [
            Category(
                agency=AGENCY,
                id=f"cat-{k}-{j}",
                version="1",
                is_missing=j == 3,
                label={"fr": f"Réponse {j} (échelle {k})", "en": f"Answer {j} (scale {k})"},
            )
            for j in range(4)
        ]
        codes = [
            Code(f"code-{k}-{j}", str(j + 1) if j < 3 else "-9", c.ref()) for j, c in enumerate(categories)
        ]
        lists.append(CodeList(agency=AGENCY, id=f"cl-{k}", version="1", name=f"echelle_{k}", codes=codes))
        items += categories
    items += lists
    placement: dict = {i.key: None for i in items}
    for n in range(VARIABLES):
        wave = f"grande-v{n % 2 + 1}"
        code_list = lists[n % len(lists)]
        question = QuestionItem(
            agency=AGENCY,
            id=f"qi-{n}",
            version="1",
            name=f"Q{n}",
            text={"fr": f"Question n° {n} : êtes-vous d'accord ?", "en": f"Question {n}: agree?"},
            responses=[Representation("code", code_list=code_list.ref(), missing_values=["-9"])],
        )
        var = Variable(
            agency=AGENCY,
            id=f"var-{n}",
            version="1",
            name=f"v{n:04d}",
            label={"fr": f"Accord, item {n} — échelle", "en": f"Agreement, item {n}"},
            representation=Representation("code", code_list=code_list.ref(), missing_values=["-9"]),
            questions=[question.ref()],
        )
        items += [question, var]
        placement |= {question.key: wave, var.key: wave}
    study = StudyInfo(AGENCY, "grande", "1", title={"fr": "Grande cohorte", "en": "Large cohort"})
    waves = [
        WaveInfo(AGENCY, f"grande-v{w}", "1", f"v{w}", title={"fr": f"Vague {w}", "en": f"Wave {w}"})
        for w in (1, 2)
    ]
    return DDIPackage(study=study, waves=waves, items=items, placement=placement)


@pytest.mark.parametrize("form", ["ddi-l", "fragment"])
def test_two_thousand_variables_validate(form, schemas_dir, assert_valid_ddi33):
    data = ddi_bytes(large_package(), form=form)
    assert_valid_ddi33(data, schemas_dir)
    root = etree.fromstring(data, etree.XMLParser(huge_tree=True))
    assert len(root.xpath("//l:Variable", namespaces=NAMESPACES)) == VARIABLES
    assert len(root.xpath("//d:QuestionItem", namespaces=NAMESPACES)) == VARIABLES
    if form == "ddi-l":
        per_wave = [
            len(u.xpath(".//l:Variable", namespaces=NAMESPACES))
            for u in root.xpath("//s:StudyUnit", namespaces=NAMESPACES)
        ]
        assert per_wave == [VARIABLES // 2, VARIABLES // 2]
