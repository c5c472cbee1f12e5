"""Search documents built from a release: the category labels of a code list shared by several items are
joined once per release, in code order, and each item that uses the list shows them all."""

from __future__ import annotations

from pathlib import Path

from catalogue.imports import Source
from catalogue.model import CodeList, QuestionItem, Variable
from catalogue.store.reads import load_snapshot, published_release, study_by_slug
from search.documents import snapshot_documents


def test_items_sharing_a_code_list_show_its_categories_in_code_order(runtime, fixtures_dir: Path) -> None:  # noqa: ANN001
    cohort = fixtures_dir / "ddi" / "cohort_two_waves_3_3.xml"
    runtime.import_file(Source(name=cohort.name, data=cohort.read_bytes()), study="eveil")
    with runtime.sessions() as session:
        study = study_by_slug(session, "eveil")
        snapshot = load_snapshot(session, published_release(session, study.id))
        documents = {document.urn: document for document in snapshot_documents(snapshot, "published")}
    users = 0
    for item in snapshot.items.values():
        if isinstance(item, Variable) and item.representation is not None:
            lists = [item.representation.code_list]
        elif isinstance(item, QuestionItem):
            lists = [response.code_list for response in item.responses]
        else:
            continue
        expected: dict[str, list[str]] = {}
        for ref in filter(None, lists):
            code_list = snapshot.resolve(ref)
            assert isinstance(code_list, CodeList)
            for code in code_list.codes:
                for lang, text in snapshot.resolve(code.category).label.items():
                    expected.setdefault(lang, []).append(text)
        users += bool(expected)
        joined = {lang: " ".join(texts) for lang, texts in expected.items()}
        assert documents[item.urn].category_labels == joined
    assert users >= 2  # the yes/no list serves a question and its variable: joined once, shown twice
