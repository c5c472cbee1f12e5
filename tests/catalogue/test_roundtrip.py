"""Round trip on every valid public sample: import, export as DDI-L 3.3, re-import the export.

The re-import must find every item unchanged: the same agency:id:version with the same content, so the
same counts by type (codes included), the same texts per language and the same question↔variable and
question↔code-list links. It runs in strict mode, where an item coming back different under its version
would be refused, so a lossy writer or reader cannot pass.
"""

from __future__ import annotations

from collections import Counter

import pytest
from lxml import etree
from sqlalchemy import select

from catalogue.exports import study_export
from catalogue.imports import Source
from catalogue.model import CodeList, QuestionGrid, QuestionItem, Variable
from catalogue.store.reads import Viewer, load_snapshot, published_release, study_by_slug
from catalogue.store.tables import ReleaseItem
from tests.conftest import SHARED

INVALID = {"Example_QuestionnaireDevelopment.xml", "insee_eno_ddi33_l5v3spn0.xml"}
SAMPLES = sorted(p.name for p in (SHARED / "samples" / "ddi").glob("*.xml")) if SHARED.is_dir() else []


def members(runtime, slug: str) -> set[int]:
    with runtime.sessions() as session:
        study = study_by_slug(session, slug)
        release = published_release(session, study.id)
        return set(session.scalars(select(ReleaseItem.item_id).where(ReleaseItem.release_id == release.id)))


def summary(runtime, slug: str) -> tuple[Counter[str], dict[str, object], set[tuple[str, str, str]]]:
    """Counts by type (and codes), the texts of every item per language, and the links that matter."""
    with runtime.sessions() as session:
        study = study_by_slug(session, slug)
        snapshot = load_snapshot(session, published_release(session, study.id))
    counts: Counter[str] = Counter()
    texts: dict[str, object] = {}
    links: set[tuple[str, str, str]] = set()
    for item in snapshot.items.values():
        counts[item.TYPE] += 1
        texts[item.urn] = (item.name, item.label, getattr(item, "text", None))
        if isinstance(item, CodeList):
            counts["Code"] += len(item.codes)
        if isinstance(item, Variable):
            links |= {("variable-question", item.urn, q.urn) for q in item.questions}
        if isinstance(item, (QuestionItem, QuestionGrid)):
            links |= {("question-codelist", item.urn, r.code_list.urn) for r in item.responses if r.code_list}
    return counts, texts, links


@pytest.mark.parametrize("name", [n for n in SAMPLES if n not in INVALID])
def test_each_valid_sample_survives_export_and_reimport(runtime, samples_dir, schemas_dir, name) -> None:
    data = (samples_dir / "ddi" / name).read_bytes()
    first = runtime.import_file(Source(name=name, data=data), study="original")
    assert first.problems is not None

    with runtime.sessions() as session:
        exported = study_export(session=session, slug="original", viewer=Viewer.public())
    schema = etree.XMLSchema(etree.parse(str(schemas_dir / "3.3" / "instance.xsd")))
    assert schema.validate(etree.fromstring(exported)), schema.error_log.last_error

    again = runtime.import_file(Source(name=f"export-{name}", data=exported), study="copy")
    assert again.new_items == 0, f"{again.new_items} items came back different"
    assert members(runtime, "copy") == members(runtime, "original")
    assert summary(runtime, "copy") == summary(runtime, "original")


def test_the_invalid_samples_are_refused_with_their_line(runtime, samples_dir) -> None:
    from catalogue.errors import InvalidInput

    lines = {"Example_QuestionnaireDevelopment.xml": 12, "insee_eno_ddi33_l5v3spn0.xml": 1198}
    for name, line in lines.items():
        with pytest.raises(InvalidInput) as refused:
            runtime.import_file(Source(name=name, data=(samples_dir / "ddi" / name).read_bytes()), study="x")
        assert refused.value.problems[0].location.line == line
        assert name in refused.value.message
