"""Comparable variables in other cohorts: candidates found through the search index, scored in the open.

For a variable, candidates are the variables of the OTHER studies the viewer sees that the index finds by the
words of its label and question text (both languages, OR-ed) or by its topic. Each candidate is scored on
named features, each between 0 and 1, combined with the named `WEIGHTS`:

- label: the labels' stemmed words in common (Dice), per language both carry, averaged; a label's trailing
  wave (`– 2 mois`) is left out;
- question: the same on the texts of the questions feeding the two variables;
- codes: for two code lists, the substantive categories (missing ones excluded) labelled alike in a common
  language, over the longer list; for two numbers, whether the units agree; other pairs by kind;
- name: the parts of the names (split on `_`, parts holding a digit, such as wave codes, dropped) in common;
- concept: whether the cohorts' own topics carry the same label.

A feature neither variable can have (no question on either side, say) is left out of the weighted sum rather
than counted as 0. Every feature keeps what it compared, so the pages and the API show the reasons. This
module reads only: confirmations are stored by `catalogue.harmonisation`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalogue.errors import InvalidInput, Location, NotFound, Problem
from catalogue.harmonisation import concept_label, judged_links, other_side
from catalogue.model import (
    Category,
    CodeList,
    Item,
    ItemKey,
    LangText,
    QuestionGrid,
    QuestionItem,
    Variable,
    first_text,
    make_urn,
    parse_urn,
    Ref,
)
from catalogue.store.reads import (
    Viewer,
    item_row_by_urn,
    item_row_visible,
    latest_visible_version,
    to_item,
    visible_studies,
)
from catalogue.store.tables import Item as ItemRow
from catalogue.store.tables import ReleaseItem, Wave
from search.analysis import ANALYZED_LANGUAGES, UNSTEMMED_STOP_WORDS, analyze, prepare, tokenize
from search.base import SearchBackend, SearchQuery, Visibility

WEIGHTS: dict[str, float] = {"label": 0.30, "question": 0.25, "codes": 0.20, "name": 0.10, "concept": 0.15}
CANDIDATE_POOL = 60
TOPIC_POOL = 40
MIN_WORD_LETTERS = 3
MAX_QUERY_WORDS = 40
NUMERIC_UNITS = {"same": 1.0, "unknown": 0.7, "different": 0.3}
SAME_KIND = 0.6


@dataclass(slots=True)
class VariableProfile:
    """What the scorer compares of a variable, gathered once from its release."""

    urn: str
    agency: str
    id: str
    study: str
    name: str
    label: LangText
    waves: list[str]
    question_text: LangText
    kind: str | None
    unit: str | None
    categories: list[LangText]
    concepts: list[LangText]

    @property
    def pair(self) -> tuple[str, str]:
        return (self.agency.lower(), self.id)


@dataclass(slots=True)
class Feature:
    """One compared aspect: its value, the language compared (texts), and what was compared."""

    name: str
    value: float
    lang: str | None = None
    left: str = ""
    right: str = ""
    common: int | None = None
    total: int | None = None

    def reason(self) -> str:
        """The feature in one English line, for the API and the logs (the pages word it per language)."""
        where = f" {self.lang}" if self.lang else ""
        if self.name == "codes" and self.total:
            return f"code list {self.common}/{self.total} categories in common"
        if self.name == "codes":
            return f"representation {self.value:.2f}: {self.left} / {self.right}"
        if self.name == "concept":
            return f"same topic «{self.left}»" if self.value else f"topics differ: «{self.left}» / «{self.right}»"
        return f"{self.name}{where} {self.value:.2f}: «{self.left}» / «{self.right}»"

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "lang": self.lang, "value": round(self.value, 3), "left": self.left,
                "right": self.right, "common": self.common, "total": self.total, "reason": self.reason()}


@dataclass(slots=True)
class Candidate:
    """A variable of another cohort, its score, the features behind it, and a person's judgement if any."""

    profile: VariableProfile
    score: float
    features: list[Feature] = field(default_factory=list)
    status: str | None = None

    def as_dict(self) -> dict[str, Any]:
        p = self.profile
        return {
            "urn": p.urn, "study": p.study, "name": p.name, "label": p.label, "waves": p.waves,
            "score": round(self.score, 3), "status": self.status,
            "features": [f.as_dict() for f in self.features],
            "reasons": [f.reason() for f in self.features],
        }


# --- Profiles ------------------------------------------------------------------------------------------


def wave_stripped(label: LangText) -> LangText:
    """Labels without their trailing wave, as `catalogue.harmonisation` names shared concepts."""
    return concept_label(label)


Resolve = Callable[[Ref | None], Item | None]


def variable_profile(variable: Variable, resolve: Resolve, *, study: str, waves: list[str]) -> VariableProfile:
    """The variable's texts, representation and topics, its references resolved by `resolve`."""
    question_text: LangText = {}
    for ref in variable.questions:
        question = resolve(ref)
        if isinstance(question, (QuestionItem, QuestionGrid)):
            for lang, text in question.text.items():
                if text:
                    question_text[lang] = f"{question_text[lang]} {text}" if lang in question_text else text
    rep = variable.representation
    categories: list[LangText] = []
    if rep is not None and rep.code_list is not None:
        code_list = resolve(rep.code_list)
        if isinstance(code_list, CodeList):
            for code in code_list.codes:
                category = resolve(code.category)
                missing = code.value in rep.missing_values or (isinstance(category, Category) and category.is_missing)
                if category is not None and not missing and category.label:
                    categories.append(dict(category.label))
    concepts = [dict(c.label) for c in _concepts(variable, resolve) if c.label]
    return VariableProfile(
        urn=variable.urn, agency=variable.agency, id=variable.id, study=study,
        name=variable.name or variable.id, label=wave_stripped(variable.label), waves=waves,
        question_text=question_text, kind=rep.kind if rep else None, unit=rep.unit if rep else None,
        categories=categories, concepts=concepts,
    )


def _concepts(variable: Variable, resolve: Resolve) -> list[Item]:
    """A variable's topics: its own concept, else the concepts of the questions feeding it."""
    if variable.concept is not None:
        found = resolve(variable.concept)
        return [found] if found is not None else []
    concepts: list[Item] = []
    for ref in variable.questions:
        question = resolve(ref)
        for concept_ref in getattr(question, "concepts", []) or []:
            concept = resolve(concept_ref)
            if concept is not None and concept not in concepts:
                concepts.append(concept)
    return concepts


# --- Features ------------------------------------------------------------------------------------------


def stems(text: str, lang: str) -> set[str]:
    """The stemmed, folded words of a text in `lang` (both chains for a language without one)."""
    chains = (lang,) if lang in ANALYZED_LANGUAGES else ANALYZED_LANGUAGES
    return {token.term for chain in chains for token in analyze(prepare(text), chain)}


def dice(left: set[str], right: set[str]) -> float:
    if not left or not right:
        return 0.0
    return 2 * len(left & right) / (len(left) + len(right))


def text_features(name: str, left: LangText, right: LangText) -> list[Feature]:
    """One feature per language both texts carry (any language when they share none but have one each)."""
    shared = [lang for lang in left if left.get(lang) and right.get(lang)]
    if not shared and left and right:
        a, b = first_text(left), first_text(right)
        return [Feature(name, dice(stems(a, "und"), stems(b, "und")), None, a, b)]
    return [Feature(name, dice(stems(left[lang], lang), stems(right[lang], lang)), lang, left[lang], right[lang])
            for lang in sorted(shared)]


def _category_keys(category: LangText) -> set[tuple[str, str]]:
    return {(lang, " ".join(sorted(stems(text, lang)))) for lang, text in category.items() if text}


def codes_feature(left: VariableProfile, right: VariableProfile) -> Feature | None:
    if left.kind is None and right.kind is None:
        return None
    if left.categories and right.categories:
        theirs = set().union(*(_category_keys(c) for c in right.categories))
        common = sum(1 for c in left.categories if _category_keys(c) & theirs)
        total = max(len(left.categories), len(right.categories))
        return Feature("codes", common / total, None, str(len(left.categories)), str(len(right.categories)),
                       common, total)
    if left.kind == right.kind == "numeric":
        units = ("unknown" if not (left.unit and right.unit)
                 else "same" if left.unit.lower() == right.unit.lower() else "different")
        return Feature("codes", NUMERIC_UNITS[units], None, f"numeric {left.unit or '?'}",
                       f"numeric {right.unit or '?'}")
    value = SAME_KIND if left.kind == right.kind else 0.0
    return Feature("codes", value, None, left.kind or "?", right.kind or "?")


_DIGIT = re.compile(r"\d")


def name_parts(name: str) -> set[str]:
    """The meaningful parts of a variable name: lower-cased, split on `_`, parts with a digit dropped."""
    return {part for part in name.lower().split("_") if part and not _DIGIT.search(part)}


def name_feature(left: VariableProfile, right: VariableProfile) -> Feature:
    return Feature("name", dice(name_parts(left.name), name_parts(right.name)), None, left.name, right.name)


def concept_feature(left: VariableProfile, right: VariableProfile) -> Feature | None:
    if not left.concepts or not right.concepts:
        return None
    theirs = set().union(*(_category_keys(c) for c in right.concepts))
    for concept in left.concepts:
        if _category_keys(concept) & theirs:
            return Feature("concept", 1.0, None, first_text(concept), first_text(concept))
    return Feature("concept", 0.0, None, first_text(left.concepts[0]), first_text(right.concepts[0]))


def candidate_features(left: VariableProfile, right: VariableProfile) -> list[Feature]:
    """Every feature of a pair, in the order the reasons are shown."""
    found = text_features("label", left.label, right.label)
    if left.question_text or right.question_text:
        found += text_features("question", left.question_text, right.question_text) or [
            Feature("question", 0.0, None, first_text(left.question_text), first_text(right.question_text))
        ]
    for feature in (codes_feature(left, right), name_feature(left, right), concept_feature(left, right)):
        if feature is not None:
            found.append(feature)
    return found


def weighted_score(features: Iterable[Feature]) -> float:
    """The weighted mean of the features present: per name, the mean over languages; absent names left out."""
    by_name: dict[str, list[float]] = {}
    for feature in features:
        by_name.setdefault(feature.name, []).append(feature.value)
    weight = sum(WEIGHTS[name] for name in by_name)
    if not weight:
        return 0.0
    return sum(WEIGHTS[name] * sum(values) / len(values) for name, values in by_name.items()) / weight


# --- Candidates ----------------------------------------------------------------------------------------


class ReleaseCache:
    """Profiles of the variables a viewer sees: the releases shown to them are looked up once, and each item a
    profile refers to is read from the store once per request (a candidate needs a handful of items, not its
    whole release)."""

    def __init__(self, session: Session, viewer: Viewer) -> None:
        self.session = session
        self.viewer = viewer
        self._items: dict[ItemKey, Item | None] = {}
        self.studies = {release.id: study.slug for study, release in visible_studies(session, viewer)}

    def resolve(self, ref: Ref | None) -> Item | None:
        if ref is None:
            return None
        key = ref.key
        if key not in self._items:
            query = select(ItemRow).where(ItemRow.agency_key == key.agency, ItemRow.ddi_id == key.id)
            query = (query.where(ItemRow.version == key.version) if key.version is not None
                     else query.order_by(ItemRow.version_sort.desc()).limit(1))
            row = self.session.scalar(query)
            self._items[key] = to_item(row) if row is not None else None
        return self._items[key]

    def profile_of(self, row: ItemRow, *, shown_only: bool = True) -> VariableProfile | None:
        """The profile of a variable version in a release the viewer is shown (any release it may read when
        `shown_only` is False: an older version named by its URN)."""
        if row.type != "Variable":
            return None
        memberships = self.session.execute(
            select(ReleaseItem.release_id, Wave.name).outerjoin(Wave, Wave.id == ReleaseItem.wave_id)
            .where(ReleaseItem.item_id == row.id, ReleaseItem.release_id.in_(list(self.studies)))
            .order_by(Wave.position)
        ).all()
        if memberships:
            study = self.studies[memberships[0][0]]
            release_id = memberships[0][0]
            waves = [name for release, name in memberships if release == release_id and name]
        else:
            where = None if shown_only else item_row_visible(self.session, row, self.viewer)
            if where is None:
                return None
            study, waves = where[0].slug, [where[2].name] if where[2] is not None else []
        variable = to_item(row)
        assert isinstance(variable, Variable)
        return variable_profile(variable, self.resolve, study=study, waves=waves)


def query_words(profile: VariableProfile) -> list[str]:
    """The words of a variable's label and question text worth searching for, each once."""
    words: dict[str, None] = {}
    for text in list(profile.label.values()) + list(profile.question_text.values()):
        for token in tokenize(prepare(text)):
            term = token.term
            if len(term) >= MIN_WORD_LETTERS and term not in UNSTEMMED_STOP_WORDS and not term.isdigit():
                words.setdefault(term, None)
    return list(words)[:MAX_QUERY_WORDS]


def topic_values(profile: VariableProfile) -> list[str]:
    """The values under which the index files the variable's topics (first label, English first)."""
    return [first_text(c) for c in profile.concepts if first_text(c)]


@dataclass(slots=True)
class ComparableResult:
    variable: VariableProfile
    candidates: list[Candidate]
    rejected: list[Candidate]
    weights: dict[str, float]

    def as_dict(self) -> dict[str, Any]:
        v = self.variable
        return {
            "variable": {"urn": v.urn, "study": v.study, "name": v.name, "label": v.label, "waves": v.waves},
            "weights": self.weights,
            "candidates": [c.as_dict() for c in self.candidates],
            "rejected": [c.as_dict() for c in self.rejected],
        }


def comparable_candidates(
    *, session: Session, backend: SearchBackend, urn: str, viewer: Viewer, visibility: Visibility,
    limit: int = 10,
) -> ComparableResult:
    """The ranked candidates for a variable in the other cohorts the viewer sees, confirmed links first."""
    parsed = parse_urn(urn)
    if parsed is None:
        raise NotFound(f"{urn!r} is not a DDI URN (urn:ddi:agency:id[:version])")
    agency, ddi_id, version = parsed
    row = item_row_by_urn(session, urn) if version else latest_visible_version(session, agency, ddi_id, viewer)
    cache = ReleaseCache(session, viewer)
    if row is None or item_row_visible(session, row, viewer) is None:
        raise NotFound(f"no item {urn} in the catalogue")
    source = cache.profile_of(row, shown_only=False)
    if source is None:
        raise InvalidInput([Problem("error", f"{urn} is a {row.type}: comparable candidates are found for "
                                    "variables", Location(element="urn"), "not-a-variable")])
    others = sorted(set(cache.studies.values()) - {source.study})
    found: dict[str, Candidate] = {}
    if others:
        for hit_urn in _candidate_urns(backend, source, others, visibility):
            _consider(session, cache, source, hit_urn, found)
    for link in judged_links(session, source.pair):
        (o_agency, o_id), _version, _study_id = other_side(link, source.pair)
        other_row = latest_visible_version(session, o_agency, o_id, viewer)
        if other_row is None:
            continue
        candidate = _consider(session, cache, source, other_row.urn, found)
        if candidate is not None:
            candidate.status = link.status
    ranked = sorted(found.values(), key=lambda c: (c.status != "confirmed", -c.score, c.profile.study,
                                                   c.profile.name))
    kept = [c for c in ranked if c.status != "rejected"]
    confirmed = [c for c in kept if c.status == "confirmed"]
    return ComparableResult(
        variable=source,
        candidates=confirmed + [c for c in kept if c.status is None][: max(0, limit - len(confirmed))],
        rejected=[c for c in ranked if c.status == "rejected"],
        weights=dict(WEIGHTS),
    )


def _candidate_urns(
    backend: SearchBackend, source: VariableProfile, studies: list[str], visibility: Visibility
) -> list[str]:
    urns: dict[str, None] = {}
    filters = {"type": ["Variable"], "study": studies}
    words = query_words(source)
    if words:
        text = " OR ".join(words)
        result = backend.search(SearchQuery(text=text, filters=filters, facets=(), limit=CANDIDATE_POOL,
                                            visibility=visibility))
        urns.update((hit.urn, None) for hit in result.hits)
    topics = topic_values(source)
    if topics:
        result = backend.search(SearchQuery(text="", filters={**filters, "concept": topics}, facets=(),
                                            limit=TOPIC_POOL, visibility=visibility))
        urns.update((hit.urn, None) for hit in result.hits)
    return list(urns)


def _consider(
    session: Session, cache: ReleaseCache, source: VariableProfile, urn: str, found: dict[str, Candidate]
) -> Candidate | None:
    row = item_row_by_urn(session, urn)
    if row is None:
        return None
    key = make_urn(row.agency, row.ddi_id, row.version)
    if key in found:
        return found[key]
    profile = cache.profile_of(row)
    if profile is None or profile.study == source.study:
        return None
    features = candidate_features(source, profile)
    candidate = Candidate(profile, weighted_score(features), features)
    found[key] = candidate
    return candidate


def score_pair(*, session: Session, urn: str, candidate_urn: str, viewer: Viewer) -> Candidate:
    """One pair scored as the candidate list would score it (what a confirmation records)."""
    cache = ReleaseCache(session, viewer)
    profiles = []
    for which in (urn, candidate_urn):
        parsed = parse_urn(which)
        if parsed is None:
            raise NotFound(f"{which!r} is not a DDI URN (urn:ddi:agency:id[:version])")
        agency, ddi_id, version = parsed
        row = (item_row_by_urn(session, which) if version
               else latest_visible_version(session, agency, ddi_id, viewer))
        profile = cache.profile_of(row, shown_only=False) if row is not None else None
        if profile is None:
            raise NotFound(f"no variable {which} in the catalogue")
        profiles.append(profile)
    features = candidate_features(profiles[0], profiles[1])
    return Candidate(profiles[1], weighted_score(features), features)
