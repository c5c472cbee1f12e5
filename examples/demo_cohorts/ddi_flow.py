"""One wave's questionnaire flow: sections as Sequences, routing, loops, computations, and its Instrument."""

from __future__ import annotations

from .ddi_elements import (
    Element,
    child,
    command,
    contents,
    identified,
    literal_texts,
    name,
    reference,
    strings,
)
from .plan import CohortPlan
from .spec import Bilingual, Derived, FlowItem, Grid, Question, Repeat, Routing, Topic, Wave

CONDITION_LANGUAGE = "ddicat-condition"
Construct = tuple[str, str]


class WaveFlow:
    """Writes the control constructs of one wave into its ControlConstructScheme, children before parents."""

    def __init__(self, plan: CohortPlan, wave: Wave, scheme: Element) -> None:
        self.plan = plan
        self.wave = wave
        self.scheme = scheme

    def write(self) -> str:
        """All sections of the wave under one top Sequence; returns the top Sequence's ID."""
        sections: list[Construct] = []
        for topic in self.plan.cohort.topics:
            inner = [c for item in topic.flow for c in self._item(item, topic)]
            inner += [self._computation(d) for d in topic.derived if self._computed_here(d)]
            if inner:
                statement = self._statement(topic)
                sections.append(
                    self._sequence(
                        topic.key, f"section_{topic.key.replace('-', '_')}", topic.label, [statement, *inner]
                    )
                )
        return self._sequence(None, f"questionnaire_{self.wave.code}", self.wave.instrument, sections)[0]

    def _asked_here(self, item: Question | Grid) -> bool:
        return self.wave.handle in item.waves

    def _computed_here(self, derived: Derived) -> bool:
        return derived.computed_in_instrument and self.wave.handle in derived.waves

    def _item(self, item: FlowItem, topic: Topic) -> list[Construct]:
        if isinstance(item, Question | Grid):
            return [self._question(item)] if self._asked_here(item) else []
        if isinstance(item, Routing):
            return self._routing(item, topic)
        return self._repeat(item)

    def _question(self, item: Question | Grid) -> Construct:
        asked = self.plan.asked[item.key]
        construct_id = self.plan.wave_id(self.wave, "qc", item.key)
        construct = identified(self.scheme, "d:QuestionConstruct", self.plan.agency, construct_id)
        name(construct, "d:ConstructName", item.name)
        reference(
            construct,
            "r:QuestionReference",
            self.plan.agency,
            self.plan.question_id(item.key),
            self.plan.question_type(item.key),
        )
        reference(
            construct,
            "r:UniverseReference",
            self.plan.agency,
            self.plan.universe_id(asked.universe),
            "Universe",
        )
        return construct_id, "QuestionConstruct"

    def _routing(self, routing: Routing, topic: Topic) -> list[Construct]:
        then = [c for inner in routing.then for c in self._item(inner, topic)]
        otherwise = [c for inner in routing.otherwise for c in self._item(inner, topic)]
        if not self._asked_here(self.plan.asked[routing.on].item):
            return then + otherwise
        if not then and not otherwise:
            return []
        construct_id = self.plan.wave_id(self.wave, "ite", routing.key)
        then_seq = self._sequence(f"{routing.key}-then", f"{routing.key}_alors", routing.description, then)
        else_seq = None
        if otherwise:
            else_label = Bilingual(
                f"Sinon : {routing.description.fr}", f"Otherwise: {routing.description.en}"
            )
            else_seq = self._sequence(f"{routing.key}-else", f"{routing.key}_sinon", else_label, otherwise)
        element = identified(self.scheme, "d:IfThenElse", self.plan.agency, construct_id)
        name(element, "d:ConstructName", routing.key.replace("-", "_"))
        contents(element, "r:Label", routing.description)
        command(element, "d:IfCondition", routing.description, CONDITION_LANGUAGE, routing.condition)
        reference(element, "d:ThenConstructReference", self.plan.agency, then_seq[0], "Sequence")
        if else_seq:
            reference(element, "d:ElseConstructReference", self.plan.agency, else_seq[0], "Sequence")
        return [(construct_id, "IfThenElse")]

    def _repeat(self, repeat: Repeat) -> list[Construct]:
        body = [self._question(q) for q in repeat.body if self._asked_here(q)]
        if not body or not self._asked_here(self.plan.asked[repeat.count].item):
            return []
        body_seq = self._sequence(f"{repeat.key}-body", f"{repeat.key}_corps", repeat.label, body)
        construct_id = self.plan.wave_id(self.wave, "loop", repeat.key)
        loop = identified(self.scheme, "d:Loop", self.plan.agency, construct_id)
        name(loop, "d:ConstructName", repeat.key.replace("-", "_"))
        contents(loop, "r:Label", repeat.label)
        count = self.plan.name_of(repeat.count)
        command(loop, "d:InitialValue", None, CONDITION_LANGUAGE, "i = 1")
        command(
            loop,
            "d:LoopWhile",
            Bilingual(f"Tant que i ≤ {count}", f"While i ≤ {count}"),
            CONDITION_LANGUAGE,
            f"i <= {count}",
        )
        command(loop, "d:StepValue", None, CONDITION_LANGUAGE, "i = i + 1")
        reference(loop, "d:ControlConstructReference", self.plan.agency, body_seq[0], "Sequence")
        return [(construct_id, "Loop")]

    def _computation(self, derived: Derived) -> Construct:
        construct_id = self.plan.wave_id(self.wave, "ci", derived.key)
        element = identified(self.scheme, "d:ComputationItem", self.plan.agency, construct_id)
        name(element, "d:ConstructName", derived.name)
        contents(element, "r:Label", derived.label)
        command(element, "r:CommandCode", derived.description, CONDITION_LANGUAGE, derived.formula)
        reference(
            element,
            "d:AssignedVariableReference",
            self.plan.agency,
            self.plan.variable_id(self.wave, derived.name),
            "Variable",
        )
        return construct_id, "ComputationItem"

    def _statement(self, topic: Topic) -> Construct:
        construct_id = self.plan.wave_id(self.wave, "st", topic.key)
        element = identified(self.scheme, "d:StatementItem", self.plan.agency, construct_id)
        name(element, "d:ConstructName", f"intro_{topic.key.replace('-', '_')}")
        literal_texts(element, "d:DisplayText", topic.intro)
        return construct_id, "StatementItem"

    def _sequence(
        self, key: str | None, construct_name: str, label: Bilingual, children: list[Construct]
    ) -> Construct:
        construct_id = self.plan.wave_id(self.wave, "seq", key)
        element = identified(self.scheme, "d:Sequence", self.plan.agency, construct_id)
        name(element, "d:ConstructName", construct_name)
        contents(element, "r:Label", label)
        for child_id, child_type in children:
            reference(element, "d:ControlConstructReference", self.plan.agency, child_id, child_type)
        return construct_id, "Sequence"


def instrument(parent: Element, plan: CohortPlan, wave: Wave, top_sequence: str) -> None:
    """The wave's questionnaire, pointing at its top Sequence."""
    scheme = identified(parent, "d:InstrumentScheme", plan.agency, plan.wave_id(wave, "is"))
    strings(
        scheme,
        "d:InstrumentSchemeName",
        Bilingual(f"Questionnaires {wave.short.fr}", f"Questionnaires {wave.short.en}"),
    )
    element = identified(scheme, "d:Instrument", plan.agency, plan.wave_id(wave, "instr"))
    strings(element, "d:InstrumentName", wave.instrument)
    contents(element, "r:Label", wave.instrument)
    child(element, "d:TypeOfInstrument", "Questionnaire")
    reference(element, "d:ControlConstructReference", plan.agency, top_sequence, "Sequence")
