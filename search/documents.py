"""Turning a study's release into search documents: one per variable, question and concept.

Documents carry what a researcher searches (names, labels, question texts, code-list labels, topics) and
what they filter on (study, waves, participants' age, representation, data source, language). They are
built from the database alone, so any index can be rebuilt from it.
"""

from __future__ import annotations

from collections.abc import Iterator

from catalogue.model import (
    UNDETERMINED_LANGUAGE,
    CodeList,
    Concept,
    Item,
    LangText,
    QuestionConstruct,
    QuestionGrid,
    QuestionItem,
    Representation,
    Variable,
    first_text,
)
from catalogue.store.reads import Snapshot
from search.base import INDEXED_TYPES, SearchDocument, State

DEFAULT_DATA_SOURCE = "questionnaire"


def snapshot_documents(snapshot: Snapshot, state: State) -> Iterator[SearchDocument]:
    """Every searchable member of the release, as the index stores it."""
    waves = snapshot.wave_by_id()
    study = snapshot.study
    data_source = study.attributes.get("ddicat:dataSource", DEFAULT_DATA_SOURCE)
    question_waves = _question_waves(snapshot)
    code_list_labels: dict[int, LangText] = {}  # a code list's category labels, joined once per release
    for key, item in snapshot.items.items():
        if item.TYPE not in INDEXED_TYPES:
            continue
        wave_ids = set(snapshot.waves_of.get(key, []))
        if isinstance(item, (QuestionItem, QuestionGrid)):
            wave_ids |= question_waves.get((key.agency, key.id), set())
        wave_list = [waves[w] for w in sorted(wave_ids) if w in waves]
        ages = sorted({a for w in wave_list for a in (w.age_min_months, w.age_max_months) if a is not None})
        item_concepts = _concepts(snapshot, item)
        labels, questions, categories, concepts = _texts(snapshot, item, item_concepts, code_list_labels)
        concept_names = [first_text(c.label) or c.name or c.id for c in item_concepts]
        languages = sorted(
            {
                lang
                for text in (labels, questions, categories, concepts)
                for lang, value in text.items()
                if value and lang != UNDETERMINED_LANGUAGE
            }
        )
        yield SearchDocument(
            key=f"{state}:{study.slug}:{item.urn}",
            urn=item.urn,
            type=item.TYPE,
            study=study.slug,
            state=state,
            name=item.name or "",
            waves=[w.name for w in wave_list],
            labels=labels,
            question_texts=questions,
            category_labels=categories,
            concept_labels=concepts,
            concepts=concept_names,
            languages=languages,
            representation=_representation_kind(item),
            data_source=item_data_source(item, data_source),
            ages_months=ages,
            sort_name=(item.name or first_text(item.label) or item.id).lower(),
        )


def item_data_source(item: Item, study_source: str) -> str:
    """Where the item's values come from: the study's kind, or data file for variables with no question."""
    for key, value in item.user_attributes:
        if key == "ddicat:dataSource":
            return value
    return study_source


def _question_waves(snapshot: Snapshot) -> dict[tuple[str, str], set[int]]:
    """The waves that ask each question: through variables fed by it and constructs using it."""
    found: dict[tuple[str, str], set[int]] = {}
    for key, item in snapshot.items.items():
        wave_ids = snapshot.waves_of.get(key)
        if not wave_ids:
            continue
        targets = []
        if isinstance(item, Variable):
            targets = item.questions
        elif isinstance(item, QuestionConstruct) and item.question:
            targets = [item.question]
        for ref in targets:
            found.setdefault((ref.agency.lower(), ref.id), set()).update(wave_ids)
    return found


def _texts(
    snapshot: Snapshot, item: Item, item_concepts: list[Item], code_list_labels: dict[int, LangText]
) -> tuple[LangText, LangText, LangText, LangText]:
    labels = _merge(item.label, item.description if not item.label else {})
    questions: LangText = {}
    representations: list[Representation] = []
    if isinstance(item, (QuestionItem, QuestionGrid)):
        questions = dict(item.text)
        representations = list(item.responses)
        if isinstance(item, QuestionGrid):
            representations += [Representation(kind="code", code_list=d.code_list) for d in item.dimensions]
    elif isinstance(item, Variable):
        for ref in item.questions:
            question = snapshot.resolve(ref)
            if isinstance(question, (QuestionItem, QuestionGrid)):
                questions = _merge(questions, question.text)
        if item.representation:
            representations.append(item.representation)
    categories: LangText = {}
    for rep in representations:
        code_list = snapshot.resolve(rep.code_list)
        if isinstance(code_list, CodeList):
            joined = code_list_labels.get(id(code_list))
            if joined is None:
                joined = code_list_labels[id(code_list)] = _category_labels(snapshot, code_list)
            categories = _merge(categories, joined)
    concepts: LangText = {}
    for concept in item_concepts:
        concepts = _merge(concepts, concept.label)
    return labels, questions, categories, concepts


def _category_labels(snapshot: Snapshot, code_list: CodeList) -> LangText:
    """The labels of a code list's categories, in code order (merging them into a text that already holds
    some gives what merging them one by one would)."""
    joined: LangText = {}
    for code in code_list.codes:
        category = snapshot.resolve(code.category)
        if category is not None:
            joined = _merge(joined, category.label)
    return joined


def _concepts(snapshot: Snapshot, item: Item) -> list[Item]:
    refs = []
    if isinstance(item, Variable) and item.concept:
        refs.append(item.concept)
    elif isinstance(item, (QuestionItem, QuestionGrid)):
        refs += item.concepts
    elif isinstance(item, Concept):
        return [item]
    return [c for c in (snapshot.resolve(r) for r in refs) if c is not None]


def _representation_kind(item: Item) -> str:
    if isinstance(item, Variable) and item.representation:
        return item.representation.kind
    if isinstance(item, (QuestionItem, QuestionGrid)) and item.responses:
        return item.responses[0].kind if len(item.responses) == 1 else "mixed"
    return "none"


def _merge(left: LangText, right: LangText) -> LangText:
    merged = dict(left)
    for lang, text in right.items():
        if not text:
            continue
        merged[lang] = f"{merged[lang]} {text}" if merged.get(lang) else text
    return merged
