"""The content an import stores and the hash it compares versions with come from one serialisation, and
neither may ever change: stored hashes decide whether a re-imported item is new."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from catalogue.ddi.reader import read_ddi
from catalogue.model import (
    Code,
    CodeList,
    Command,
    GridDimension,
    IfThenElse,
    Item,
    QuestionGrid,
    Ref,
    Representation,
    Variable,
    content_hash,
    content_record,
    item_content,
)
from catalogue.store.writes import to_json

AGENCY = "fr.ddicat.test"


def sleep_variable() -> Variable:
    return Variable(
        agency=AGENCY, id="v-sommeil", version="2", name="m02_sommeil",
        label={"fr": "Heures de sommeil – nuit", "en": "Hours of sleep at night"},
        version_date="2024-03-01T10:00:00",
        user_ids=[("colectica:sourceId", "A12")], user_attributes=[("ddicat:dataSource", "questionnaire")],
        questions=[Ref(AGENCY, "qi-sommeil", "1", "QuestionItem")],
        representation=Representation(
            kind="numeric", unit="h", minimum="0", maximum="24", decimal_positions=1,
            missing_values=["-9", "-8"],
        ),
    )


def reference_hash(item: Item) -> str:
    """The definition the catalogue started with: json-mode content, version_date left out, sorted keys."""
    data = item_content(item)
    data.pop("version_date", None)
    canonical = json.dumps([item.TYPE, data], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def test_the_hash_of_a_known_item_never_changes() -> None:
    pinned = "e48aa8f6f24cb03cece78f211c214efe200c9801d51c01e47928ec28f95fc806"
    assert content_hash(sleep_variable()) == pinned


def test_the_record_is_the_stored_json_and_the_hash() -> None:
    variable = sleep_variable()
    text, digest = content_record(variable)
    assert text == to_json(item_content(variable))
    assert text.startswith('{"name":"m02_sommeil","label":{"fr":"Heures de sommeil – nuit"')  # not escaped
    assert '"user_ids":[["colectica:sourceId","A12"]]' in text  # tuples are JSON arrays
    assert digest == content_hash(variable) == reference_hash(variable)


def test_a_new_version_date_keeps_the_hash_but_not_the_stored_text() -> None:
    before, after = sleep_variable(), sleep_variable()
    after.version_date = "2025-01-15T08:30:00"
    assert content_record(before)[1] == content_record(after)[1]
    assert content_record(before)[0] != content_record(after)[0]


def test_nested_content_and_control_characters() -> None:
    grid = QuestionGrid(
        agency=AGENCY, id="qg-repas", version="1",
        text={"fr": "Repas\u00a0:\n\tpetit-déjeuner \x1f « midi »"},
        dimensions=[GridDimension(rank=1, code_list=Ref(AGENCY, "cl-jours", "1", "CodeList"),
                                  label={"fr": "Jour"})],
        responses=[Representation(kind="code", code_list=Ref(AGENCY, "cl-ouinon", "1", "CodeList"))],
    )
    branch = IfThenElse(agency=AGENCY, id="ite-1", version="1",
                        condition=Command("VTL", "age > 2", {"en": "older"}))
    codes = CodeList(agency=AGENCY, id="cl-ouinon", version="1",
                     codes=[Code(id="c1", value="1", category=Ref(AGENCY, "cat-oui", "1", "Category"))])
    for item in (grid, branch, codes):
        text, digest = content_record(item)
        assert text == to_json(item_content(item)) and digest == reference_hash(item)


@pytest.mark.parametrize("name", ["cohort_two_waves_3_3.xml", "cohort_variables_3_1.xml",
                                  "fragments_3_3.xml"])
def test_every_item_of_our_fixtures(fixtures_dir: Path, name: str) -> None:
    items = read_ddi(fixtures_dir / "ddi" / name).package.items
    assert items
    for item in items:
        text, digest = content_record(item)
        assert text == to_json(item_content(item)), item.urn
        assert digest == reference_hash(item), item.urn
