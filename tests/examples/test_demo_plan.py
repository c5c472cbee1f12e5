"""The demo generator refuses inconsistent question banks and documents whose references dangle."""

from __future__ import annotations

import dataclasses
import sys

import pytest
from demo_documents import EXAMPLES, NS

sys.path.insert(0, str(EXAMPLES))

from demo_cohorts.ddi_document import check_integrity, cohort_document  # noqa: E402
from demo_cohorts.elfe import ELFE  # noqa: E402
from demo_cohorts.plan import CohortPlan  # noqa: E402
from demo_cohorts.spec import Bilingual, Coded, Cohort, FlowItem, Numeric, Repeat, Routing, Topic, ask  # noqa: E402
from demo_cohorts.vocabulary import CATEGORIES, CODE_LISTS, UNIVERSES, YES_NO  # noqa: E402

SLEPT = ask(
    "slept",
    "dort",
    ("Dort bien", "Sleeps well"),
    ("Votre enfant dort-il bien ?", "Does your child sleep well?"),
    YES_NO,
    "1a",
    "3a5",
)


def tiny_cohort(*flow: FlowItem) -> Cohort:
    """Elfe's identity and waves with a one-topic bank, to probe the plan's checks."""
    topic = Topic(
        "sleep",
        Bilingual("Sommeil", "Sleep"),
        Bilingual("Sommeil.", "Sleep."),
        Bilingual("Sommeil :", "Sleep:"),
        tuple(flow),
    )
    return dataclasses.replace(
        ELFE, topics=(topic,), categories=CATEGORIES, code_lists=CODE_LISTS, universes=UNIVERSES
    )


def test_a_small_bank_gives_one_variable_per_wave_asked() -> None:
    document = cohort_document(tiny_cohort(SLEPT))
    names = document.xpath("//l:Variable/l:VariableName/r:String/text()", namespaces=NS)
    assert names == ["m12_dort", "m42_dort"]
    assert document.xpath("//g:ResourcePackage//d:QuestionItem/r:ID/text()", namespaces=NS) == [
        "elfe-qi-slept"
    ]


def test_an_unknown_code_list_is_refused() -> None:
    broken = dataclasses.replace(SLEPT, response=Coded("no-such-list"))
    with pytest.raises(ValueError, match="no-such-list"):
        CohortPlan(tiny_cohort(broken))


def test_an_unknown_wave_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown waves"):
        CohortPlan(tiny_cohort(dataclasses.replace(SLEPT, waves=("7a",))))


def test_routing_on_an_unknown_question_is_refused() -> None:
    routing = Routing("if-x", "missing-question", "x == 1", Bilingual("Si x", "If x"), then=(SLEPT,))
    with pytest.raises(ValueError, match="missing-question"):
        CohortPlan(tiny_cohort(routing))


def test_a_loop_asked_where_its_count_is_not_is_refused() -> None:
    count = ask(
        "naps",
        "nb_siestes",
        ("Siestes", "Naps"),
        ("Combien de siestes ?", "How many naps?"),
        Numeric(None, 0, 5),
        "1a",
    )
    loop = Repeat("each-nap", "naps", Bilingual("sieste", "nap"), (SLEPT,))
    with pytest.raises(ValueError, match="naps"):
        CohortPlan(tiny_cohort(count, loop))


def test_a_duplicate_question_key_is_refused() -> None:
    with pytest.raises(ValueError, match="used twice"):
        CohortPlan(tiny_cohort(SLEPT, SLEPT))


def test_a_dangling_reference_is_caught_before_writing() -> None:
    root = cohort_document(tiny_cohort(SLEPT)).getroot()
    reference = root.find(".//r:QuestionReference/r:ID", NS)
    reference.text = "elfe-qi-nowhere"
    with pytest.raises(ValueError, match="elfe-qi-nowhere"):
        check_integrity(root)


def test_a_reused_identifier_is_caught_before_writing() -> None:
    root = cohort_document(tiny_cohort(SLEPT)).getroot()
    ids = root.findall(".//l:Variable/r:ID", NS)
    ids[1].text = ids[0].text
    with pytest.raises(ValueError, match="more than once"):
        check_integrity(root)
