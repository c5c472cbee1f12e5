"""Where each part of a demo cohort goes: shared resource package or one wave, and the identifiers it gets."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .spec import (
    CategorySpec,
    Coded,
    CodeListSpec,
    Cohort,
    Derived,
    FlowItem,
    Grid,
    Question,
    Repeat,
    Response,
    Routing,
    Topic,
    Wave,
)

SHARED = None


@dataclass(frozen=True)
class Asked:
    """A question or grid with the topic it belongs to and the universe it is asked of."""

    item: Question | Grid
    topic: Topic
    universe: str


def flow_questions(topic: Topic) -> Iterator[tuple[Question | Grid, str]]:
    """Every question of a topic with its universe, routed and repeated ones included."""
    for item in topic.flow:
        yield from _item_questions(item, topic.universe)


def _item_questions(item: FlowItem, universe: str) -> Iterator[tuple[Question | Grid, str]]:
    if isinstance(item, Question | Grid):
        yield item, item.universe or universe
    elif isinstance(item, Routing):
        for inner in item.then:
            yield from _item_questions(inner, item.universe or universe)
        for inner in item.otherwise:
            yield from _item_questions(inner, universe)
    elif isinstance(item, Repeat):
        for inner in item.body:
            yield from _item_questions(inner, item.universe or universe)


def walk(items: tuple[FlowItem, ...]) -> Iterator[FlowItem]:
    """Every flow item, those nested in routing and loops included."""
    for item in items:
        yield item
        if isinstance(item, Routing):
            yield from walk(item.then + item.otherwise)
        elif isinstance(item, Repeat):
            yield from walk(item.body)


def is_multiple(item: Question | Grid) -> bool:
    """A multiple-response question: one 'selected' variable per option."""
    return isinstance(item, Question) and isinstance(item.response, Coded) and item.response.max_responses > 1


class CohortPlan:
    """The cohort's items indexed once, checked for dangling keys, with their placement and identifiers."""

    def __init__(self, cohort: Cohort) -> None:
        self.cohort = cohort
        self.prefix = cohort.prefix
        self.agency = cohort.agency
        self.waves: dict[str, Wave] = {wave.handle: wave for wave in cohort.waves}
        self.lists: dict[str, CodeListSpec] = {spec.key: spec for spec in cohort.code_lists}
        self.asked: dict[str, Asked] = {}
        self.derived: dict[str, tuple[Derived, Topic]] = {}
        for topic in cohort.topics:
            for item, universe in flow_questions(topic):
                self._add_question(item, topic, universe)
            for derived in topic.derived:
                self._check_waves(derived.key, derived.waves)
                self.derived[derived.key] = (derived, topic)
        self._check_flow()
        used = {asked.universe for asked in self.asked.values()} | {
            topic.universe for _, topic in self.derived.values()
        }
        self.universes = {key: label for key, label in cohort.universes.items() if key in used}
        self.list_waves = self._code_list_waves()
        self.category_home = self._category_homes()

    def _add_question(self, item: Question | Grid, topic: Topic, universe: str) -> None:
        if item.key in self.asked:
            raise ValueError(f"{self.prefix}: question key {item.key!r} is used twice")
        self._check_waves(item.key, item.waves)
        if universe not in self.cohort.universes:
            raise ValueError(f"{self.prefix}: question {item.key!r} names unknown universe {universe!r}")
        self.asked[item.key] = Asked(item, topic, universe)

    def _check_waves(self, key: str, waves: tuple[str, ...]) -> None:
        unknown = [handle for handle in waves if handle not in self.waves]
        if unknown or not waves:
            raise ValueError(f"{self.prefix}: {key!r} is asked at unknown waves {unknown or '(none)'}")

    def _check_flow(self) -> None:
        for topic in self.cohort.topics:
            for item in walk(topic.flow):
                needed = (
                    item.on if isinstance(item, Routing) else item.count if isinstance(item, Repeat) else None
                )
                if needed is not None and needed not in self.asked:
                    raise ValueError(f"{self.prefix}: {item.key!r} depends on unknown question {needed!r}")
                if isinstance(item, Repeat):
                    for question in item.body:
                        self._check_within(question.key, question.waves, item.count)
            for derived in topic.derived:
                for key in derived.questions + derived.variables:
                    if key not in self.asked and key not in self.derived:
                        raise ValueError(f"{self.prefix}: derived {derived.key!r} uses unknown {key!r}")
                    self._check_within(derived.key, derived.waves, key)

    def _check_within(self, key: str, waves: tuple[str, ...], source: str) -> None:
        """`key` exists only at waves where `source` does: loops need their count, derivations inputs."""
        source_waves = (
            self.asked[source].item.waves if source in self.asked else self.derived[source][0].waves
        )
        missing = sorted(set(waves) - set(source_waves))
        if missing:
            raise ValueError(f"{self.prefix}: {key!r} at waves {missing} where {source!r} is not asked")

    def _code_list_waves(self) -> dict[str, set[str]]:
        used: dict[str, set[str]] = {}

        def use(key: str, waves: tuple[str, ...]) -> None:
            if key not in self.lists:
                raise ValueError(f"{self.prefix}: unknown code list {key!r}")
            used.setdefault(key, set()).update(waves)

        for asked in self.asked.values():
            item = asked.item
            if isinstance(item.response, Coded):
                use(item.response.code_list, item.waves)
            if is_multiple(item):
                use("selected", item.waves)
            if isinstance(item, Grid):
                use(item.rows, item.waves)
        for derived, _ in self.derived.values():
            if isinstance(derived.response, Coded):
                use(derived.response.code_list, derived.waves)
        return used

    def _category_homes(self) -> dict[str, str | None]:
        homes: dict[str, set[str | None]] = {}
        for key in self.list_waves:
            for _, category in self.lists[key].codes:
                if category not in self.cohort.categories:
                    raise ValueError(f"{self.prefix}: code list {key!r} names unknown category {category!r}")
                homes.setdefault(category, set()).add(self.list_home(key))
        return {category: places.pop() if len(places) == 1 else SHARED for category, places in homes.items()}

    def question_home(self, key: str) -> str | None:
        """The wave handle a question belongs to, or SHARED when several waves ask it."""
        waves = set(self.asked[key].item.waves)
        return waves.pop() if len(waves) == 1 else SHARED

    def list_home(self, key: str) -> str | None:
        """The wave handle a code list belongs to, or SHARED when used at several waves."""
        waves = set(self.list_waves[key])
        return waves.pop() if len(waves) == 1 else SHARED

    def lists_at(self, home: str | None) -> list[CodeListSpec]:
        return [
            spec
            for spec in self.cohort.code_lists
            if spec.key in self.list_waves and self.list_home(spec.key) == home
        ]

    def categories_at(self, home: str | None) -> list[tuple[str, CategorySpec]]:
        return [
            (key, spec)
            for key, spec in self.cohort.categories.items()
            if self.category_home.get(key, "-") == home
        ]

    def questions_at(self, home: str | None) -> list[Asked]:
        return [asked for key, asked in self.asked.items() if self.question_home(key) == home]

    # Identifiers: stable mnemonics, so that URNs read like what they name.
    def question_id(self, key: str) -> str:
        kind = "qg" if isinstance(self.asked[key].item, Grid) else "qi"
        return f"{self.prefix}-{kind}-{key}"

    def question_type(self, key: str) -> str:
        return "QuestionGrid" if isinstance(self.asked[key].item, Grid) else "QuestionItem"

    def code_list_id(self, key: str) -> str:
        return f"{self.prefix}-cl-{key}"

    def code_id(self, list_key: str, value: str) -> str:
        return f"{self.prefix}-cl-{list_key}-{value.replace('-', 'm')}"

    def category_id(self, key: str) -> str:
        return f"{self.prefix}-cat-{key}"

    def concept_id(self, topic_key: str) -> str:
        return f"{self.prefix}-con-{topic_key}"

    def universe_id(self, key: str) -> str:
        return f"{self.prefix}-univ-{key}"

    def wave_id(self, wave: Wave, kind: str, key: str | None = None) -> str:
        return f"{self.prefix}-{kind}-{wave.code}" + (f"-{key}" if key else "")

    def shared_id(self, kind: str) -> str:
        return f"{self.prefix}-{kind}-shared"

    def variable_id(self, wave: Wave, name: str) -> str:
        return f"{self.prefix}-v-{wave.code}-{name.replace('_', '-')}"

    @staticmethod
    def variable_name(wave: Wave, name: str) -> str:
        return f"{wave.code}_{name}"

    def response_of(self, key: str) -> Response:
        if key in self.asked:
            return self.asked[key].item.response
        return self.derived[key][0].response

    def name_of(self, key: str) -> str:
        return self.asked[key].item.name if key in self.asked else self.derived[key][0].name
