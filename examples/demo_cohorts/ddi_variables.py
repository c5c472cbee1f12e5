"""One wave's variables: one per question asked (per option, grid row or loop pass), plus derived ones."""

from __future__ import annotations

from dataclasses import dataclass

from .ddi_elements import Element, child, contents, identified, name, reference, strings
from .ddi_resources import numeric_attributes, numeric_body
from .plan import CohortPlan, is_multiple
from .spec import (
    Bilingual,
    Coded,
    Derived,
    FlowItem,
    FreeText,
    Grid,
    Numeric,
    Question,
    Repeat,
    Response,
    Routing,
    Topic,
    Wave,
)

QUESTION_MISSING_VALUES = "-9 -8"


@dataclass(frozen=True)
class VariableSpec:
    """What one Variable element says, before it is written."""

    name: str
    label: Bilingual
    topic: Topic
    universe: str
    response: Response
    questions: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    description: Bilingual | None = None
    from_answers: bool = True


def variable_scheme(parent: Element, plan: CohortPlan, wave: Wave) -> int:
    """Write the wave's VariableScheme; returns how many variables it holds."""
    scheme = identified(parent, "l:VariableScheme", plan.agency, plan.wave_id(wave, "vs"))
    strings(
        scheme, "l:VariableSchemeName", Bilingual(f"Variables {wave.short.fr}", f"Variables {wave.short.en}")
    )
    specs = [spec for topic in plan.cohort.topics for spec in _topic_variables(plan, wave, topic)]
    for spec in specs:
        _write(scheme, plan, wave, spec)
    return len(specs)


def _topic_variables(plan: CohortPlan, wave: Wave, topic: Topic) -> list[VariableSpec]:
    specs = [spec for item in topic.flow for spec in _flow_variables(plan, wave, item)]
    for derived in topic.derived:
        if wave.handle in derived.waves:
            specs.append(_derived(plan, wave, derived, topic))
    return specs


def _flow_variables(plan: CohortPlan, wave: Wave, item: FlowItem) -> list[VariableSpec]:
    if isinstance(item, Question | Grid):
        return _question_variables(plan, wave, item)
    if isinstance(item, Routing):
        return [spec for inner in item.then + item.otherwise for spec in _flow_variables(plan, wave, inner)]
    return _repeat_variables(plan, wave, item)


def _suffixed(label: Bilingual, wave: Wave) -> Bilingual:
    return Bilingual(f"{label.fr} – {wave.short.fr}", f"{label.en} – {wave.short.en}")


def _question_variables(plan: CohortPlan, wave: Wave, item: Question | Grid) -> list[VariableSpec]:
    if wave.handle not in item.waves:
        return []
    asked = plan.asked[item.key]
    if not isinstance(item, Grid) and not is_multiple(item):
        return [
            VariableSpec(
                item.name,
                _suffixed(item.label, wave),
                asked.topic,
                asked.universe,
                item.response,
                (item.key,),
            )
        ]
    if isinstance(item, Grid):
        options, response = item.rows, item.response
    else:
        options, response = _code_list_of(item.response), Coded("selected")
    specs = []
    for value, category in plan.lists[options].codes:
        option = plan.cohort.categories[category].label
        label = Bilingual(f"{item.label.fr} : {option.fr}", f"{item.label.en}: {option.en}")
        specs.append(
            VariableSpec(
                f"{item.name}_{value}",
                _suffixed(label, wave),
                asked.topic,
                asked.universe,
                response,
                (item.key,),
            )
        )
    return specs


def _code_list_of(response: Response) -> str:
    if not isinstance(response, Coded):
        raise ValueError(f"a multiple-response question needs a code list, not {response!r}")
    return response.code_list


def _repeat_variables(plan: CohortPlan, wave: Wave, repeat: Repeat) -> list[VariableSpec]:
    specs = []
    for number in range(1, repeat.iterations + 1):
        for question in repeat.body:
            if wave.handle not in question.waves:
                continue
            asked = plan.asked[question.key]
            label = Bilingual(
                f"{question.label.fr}, {repeat.label.fr} n° {number}",
                f"{question.label.en}, {repeat.label.en} no. {number}",
            )
            specs.append(
                VariableSpec(
                    f"{question.name}_{number}",
                    _suffixed(label, wave),
                    asked.topic,
                    asked.universe,
                    question.response,
                    (question.key,),
                )
            )
    return specs


def _derived(plan: CohortPlan, wave: Wave, derived: Derived, topic: Topic) -> VariableSpec:
    description = Bilingual(
        f"{derived.description.fr} Formule : {derived.formula}",
        f"{derived.description.en} Formula: {derived.formula}",
    )
    return VariableSpec(
        derived.name,
        _suffixed(derived.label, wave),
        topic,
        topic.universe,
        derived.response,
        derived.questions,
        tuple(plan.name_of(key) for key in derived.variables),
        description,
        from_answers=False,
    )


def _write(scheme: Element, plan: CohortPlan, wave: Wave, spec: VariableSpec) -> None:
    variable = identified(scheme, "l:Variable", plan.agency, plan.variable_id(wave, spec.name))
    name(variable, "l:VariableName", plan.variable_name(wave, spec.name))
    contents(variable, "r:Label", spec.label)
    if spec.description:
        contents(variable, "r:Description", spec.description)
    for source in spec.sources:
        reference(
            variable, "r:SourceVariableReference", plan.agency, plan.variable_id(wave, source), "Variable"
        )
    reference(variable, "r:UniverseReference", plan.agency, plan.universe_id(spec.universe), "Universe")
    reference(variable, "r:ConceptReference", plan.agency, plan.concept_id(spec.topic.key), "Concept")
    for key in spec.questions:
        reference(
            variable, "r:QuestionReference", plan.agency, plan.question_id(key), plan.question_type(key)
        )
    _representation(child(variable, "l:VariableRepresentation"), plan, spec)


def _representation(parent: Element, plan: CohortPlan, spec: VariableSpec) -> None:
    response = spec.response
    if isinstance(response, Coded):
        element = child(parent, "r:CodeRepresentation")
        reference(
            element, "r:CodeListReference", plan.agency, plan.code_list_id(response.code_list), "CodeList"
        )
    elif isinstance(response, Numeric):
        attributes = numeric_attributes(response)
        if spec.from_answers:
            attributes["missingValue"] = QUESTION_MISSING_VALUES
        numeric_body(child(parent, "r:NumericRepresentation", **attributes), response)
    elif isinstance(response, FreeText):
        child(parent, "r:TextRepresentation", maxLength=str(response.max_length))
    else:
        element = child(parent, "r:DateTimeRepresentation")
        child(element, "r:DateTypeCode", response.kind)
