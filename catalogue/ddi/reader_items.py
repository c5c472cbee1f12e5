"""DDI-L items read into the catalogue model, one builder per element: the element's subtree in, the
items out (an IfThenElse with ElseIf branches, or a Loop over several constructs, gives more than one)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lxml import etree

from catalogue.ddi.reader_context import ReadContext
from catalogue.ddi.reader_identity import Identity, local_name, read_identity, read_reference
from catalogue.ddi.reader_representation import representation, response_domains, variable_representation
from catalogue.ddi.reader_text import (
    by_name,
    child,
    child_text,
    children,
    dynamic_text,
    item_name,
    plain_text,
    strings,
)
from catalogue.model import (
    Category,
    Code,
    CodeList,
    Command,
    ComputationItem,
    Concept,
    GridDimension,
    IfThenElse,
    Instrument,
    Item,
    Loop,
    QuestionConstruct,
    QuestionGrid,
    QuestionItem,
    Ref,
    Representation,
    Sequence,
    StatementItem,
    Universe,
    Variable,
)

Kids = dict[str, list[etree._Element]]
Builder = Callable[[etree._Element, Kids, ReadContext, Identity], list[Item]]


def _common(element: etree._Element, kids: Kids, identity: Identity) -> dict[str, Any]:
    """Identity, names and texts every item has."""
    return {
        "agency": identity.agency,
        "id": identity.id,
        "version": identity.version,
        "name": item_name(kids),
        "label": strings(kids.get("Label", ())),
        "description": strings(kids.get("Description", ())),
        "version_date": element.get("versionDate"),
        "is_universally_unique": element.get("isUniversallyUnique") == "true",
        "user_ids": [
            (uid.get("typeOfUserID") or uid.get("type") or "", plain_text(uid))
            for uid in kids.get("UserID", ())
        ],
        "user_attributes": [
            (child_text(pair, "AttributeKey") or "", child_text(pair, "AttributeValue") or "")
            for pair in kids.get("UserAttributePair", ())
        ],
    }


def _refs(kids: Kids, ctx: ReadContext, identity: Identity, *names: str) -> list[Ref]:
    refs: list[Ref] = []
    for name in names:
        for element in kids.get(name, ()):
            ref = read_reference(element, ctx, agency=identity.agency)
            if ref is not None:
                refs.append(ref)
    return refs


def _ref(kids: Kids, ctx: ReadContext, identity: Identity, *names: str) -> Ref | None:
    refs = _refs(kids, ctx, identity, *names)
    return refs[0] if refs else None


def _first(kids: Kids, *names: str) -> etree._Element | None:
    """The first child with the first of `names` present."""
    for name in names:
        found = kids.get(name)
        if found:
            return found[0]
    return None


def _command(element: etree._Element | None) -> Command | None:
    """A CommandCode (3.2, 3.3: r:Command with ProgramLanguage and CommandContent; 3.1: r:Code)."""
    if element is None:
        return None
    command = Command(description=strings(children(element, "Description")))
    found = child(element, "Command")
    if found is not None:
        command.program_language = child_text(found, "ProgramLanguage")
        command.text = child_text(found, "CommandContent") or ""
        return command
    code = child(element, "Code")
    if code is not None:
        command.program_language = code.get("programmingLanguage")
        command.text = plain_text(code)
    return command


def concept(element: etree._Element, kids: Kids, ctx: ReadContext, identity: Identity) -> list[Item]:
    return [
        Concept(**_common(element, kids, identity), parents=_refs(kids, ctx, identity, "SubclassOfReference"))
    ]


def universe(element: etree._Element, kids: Kids, ctx: ReadContext, identity: Identity) -> list[Item]:
    return [Universe(**_common(element, kids, identity))]


def category(element: etree._Element, kids: Kids, ctx: ReadContext, identity: Identity) -> list[Item]:
    missing = element.get("isMissing") or element.get("missing")  # 3.1 calls it `missing`
    return [Category(**_common(element, kids, identity), is_missing=missing == "true")]


def code_list(element: etree._Element, kids: Kids, ctx: ReadContext, identity: Identity) -> list[Item]:
    codes: list[Code] = []
    _collect_codes(kids, ctx, identity, codes)
    return [CodeList(**_common(element, kids, identity), codes=codes)]


def _collect_codes(holder: Kids, ctx: ReadContext, owner: Identity, codes: list[Code]) -> None:
    """Codes in document order, nested codes flattened after their parent."""
    for element in holder.get("Code", ()):
        kids = by_name(element)
        codes.append(_code(element, kids, ctx, owner, len(codes) + 1))
        _collect_codes(kids, ctx, owner, codes)


def _code(element: etree._Element, kids: Kids, ctx: ReadContext, owner: Identity, position: int) -> Code:
    identity = None
    if ctx.version != "3.1":  # 3.1 codes are not identifiable: they get an ID from their list
        identity = read_identity(element, ctx, kids=kids)
    category_ref = _ref(kids, ctx, owner, "CategoryReference")
    value_element = _first(kids, "Value")
    value = plain_text(value_element) if value_element is not None else ""
    if identity is None:
        return Code(id=f"{owner.id}-{position}", value=value, category=category_ref)
    return Code(
        id=identity.id, value=value, category=category_ref, agency=identity.agency, version=identity.version
    )


def question_item(element: etree._Element, kids: Kids, ctx: ReadContext, identity: Identity) -> list[Item]:
    item = QuestionItem(
        **_common(element, kids, identity),
        text=dynamic_text(kids.get("QuestionText", ())),
        responses=response_domains(element, ctx),
        concepts=_refs(kids, ctx, identity, "ConceptReference"),
    )
    cardinality = _first(kids, "ResponseCardinality")  # 3.3 also allows it on the question itself
    if cardinality is not None and len(item.responses) == 1:
        response = item.responses[0]
        if response.min_responses is None and response.max_responses is None:
            response.min_responses = _whole(cardinality.get("minimumResponses"))
            response.max_responses = _whole(cardinality.get("maximumResponses"))
    _defer_instructions(item, kids, ctx, identity)
    return [item]


def _whole(value: str | None) -> int | None:
    return int(value) if value is not None and value.strip().isdigit() else None


def question_grid(element: etree._Element, kids: Kids, ctx: ReadContext, identity: Identity) -> list[Item]:
    item = QuestionGrid(
        **_common(element, kids, identity),
        text=dynamic_text(kids.get("QuestionText", ())),
        dimensions=[_dimension(d, ctx, identity) for d in kids.get("GridDimension", ())],
        responses=response_domains(element, ctx) + _grid_responses(kids, ctx),
        concepts=_refs(kids, ctx, identity, "ConceptReference"),
    )
    _defer_instructions(item, kids, ctx, identity)
    return [item]


def _dimension(element: etree._Element, ctx: ReadContext, identity: Identity) -> GridDimension:
    dimension = GridDimension(rank=_whole(element.get("rank")) or 0)
    domain = child(element, "CodeDomain")
    if domain is not None:
        dimension.code_list = _ref(by_name(domain), ctx, identity, "CodeListReference", "CodeSchemeReference")
        dimension.label = strings(children(domain, "Label"))
    roster = child(element, "Roster")
    if roster is not None:
        dimension.roster_size = _whole(roster.get("maximumAllowed"))
        dimension.label = strings(children(roster, "Label"))
    return dimension


def _grid_responses(kids: Kids, ctx: ReadContext) -> list[Representation]:
    """StructuredMixedGridResponseDomain (3.3: GridResponseDomainInMixed; 3.2: GridResponseDomain)."""
    found = kids.get("StructuredMixedGridResponseDomain")
    if not found:
        return []
    mixed = found[0]
    entries = [c for c in mixed if local_name(c) in ("GridResponseDomainInMixed", "GridResponseDomain")]
    if len(entries) + len(children(mixed, "NoDataByDefinition")) < 2:
        ctx.deviation(
            "short-mixed-grid-domain",
            f"StructuredMixedGridResponseDomain holds {len(entries)} response domain(s) where the "
            "schema wants at least two: read as it is",
            line=mixed.sourceline,
            element="StructuredMixedGridResponseDomain",
        )
    responses: list[Representation] = []
    for entry in entries:
        responses += response_domains(entry, ctx)[:1]
    return responses


def _defer_instructions(
    item: QuestionItem | QuestionGrid, kids: Kids, ctx: ReadContext, identity: Identity
) -> None:
    refs = _refs(kids, ctx, identity, "InterviewerInstructionReference")
    if refs:
        ctx.deferred.instruction_uses.append((item, refs))


def statement_item(element: etree._Element, kids: Kids, ctx: ReadContext, identity: Identity) -> list[Item]:
    return [StatementItem(**_common(element, kids, identity), text=dynamic_text(kids.get("DisplayText", ())))]


def question_construct(
    element: etree._Element, kids: Kids, ctx: ReadContext, identity: Identity
) -> list[Item]:
    return [
        QuestionConstruct(
            **_common(element, kids, identity),
            question=_ref(kids, ctx, identity, "QuestionReference"),
            universes=_refs(kids, ctx, identity, "UniverseReference"),
        )
    ]


def sequence(element: etree._Element, kids: Kids, ctx: ReadContext, identity: Identity) -> list[Item]:
    return [
        Sequence(
            **_common(element, kids, identity),
            children=_refs(kids, ctx, identity, "ControlConstructReference"),
        )
    ]


def if_then_else(element: etree._Element, kids: Kids, ctx: ReadContext, identity: Identity) -> list[Item]:
    """An IfThenElse; ElseIf branches become a chain of nested IfThenElse items `<id>-elseif-<n>`."""
    item = IfThenElse(
        **_common(element, kids, identity),
        condition=_command(_first(kids, "IfCondition")) or Command(),
        then=_ref(kids, ctx, identity, "ThenConstructReference"),
        else_=_ref(kids, ctx, identity, "ElseConstructReference"),
    )
    branches = kids.get("ElseIf", [])
    if not branches:
        return [item]
    ctx.warn(
        f"IfThenElse {identity.id}: its {len(branches)} ElseIf branch(es) become nested IfThenElse items "
        f"{identity.id}-elseif-1…",
        line=element.sourceline,
        element="IfThenElse",
        code="else-if-chain",
    )
    chain: list[Item] = [item]
    final_else, previous = item.else_, item
    for number, branch in enumerate(branches, start=1):
        nested = IfThenElse(
            agency=identity.agency,
            id=f"{identity.id}-elseif-{number}",
            version=identity.version,
            condition=_command(child(branch, "IfCondition")) or Command(),
            then=_ref(by_name(branch), ctx, identity, "ThenConstructReference"),
        )
        previous.else_ = nested.ref()
        chain.append(nested)
        previous = nested
    previous.else_ = final_else
    return chain


def loop(element: etree._Element, kids: Kids, ctx: ReadContext, identity: Identity) -> list[Item]:
    """A Loop; several ControlConstructReferences (3.1, INSEE files) are wrapped in a Sequence `<id>-body`."""
    item = Loop(
        **_common(element, kids, identity),
        initial_value=_command(_first(kids, "InitialValue")),
        loop_while=_command(_first(kids, "LoopWhile")),
        step_value=_command(_first(kids, "StepValue")),
    )
    bodies = _refs(kids, ctx, identity, "ControlConstructReference")
    if len(bodies) <= 1:
        item.body = bodies[0] if bodies else None
        return [item]
    if ctx.version != "3.1":
        ctx.deviation(
            "loop-with-several-constructs",
            f"Loop {identity.id} holds {len(bodies)} ControlConstructReferences (at most one in "
            f"DDI-L {ctx.version}): wrapped in a generated Sequence {identity.id}-body",
            line=element.sourceline,
            element="Loop",
        )
    body = Sequence(
        agency=identity.agency, id=f"{identity.id}-body", version=identity.version, children=bodies
    )
    item.body = body.ref()
    return [item, body]


def computation_item(element: etree._Element, kids: Kids, ctx: ReadContext, identity: Identity) -> list[Item]:
    holder = _first(kids, "CommandCode", "Code")  # 3.1: d:Code holding r:Code
    return [ComputationItem(**_common(element, kids, identity), command=_command(holder) or Command())]


def instrument(element: etree._Element, kids: Kids, ctx: ReadContext, identity: Identity) -> list[Item]:
    kind = _first(kids, "TypeOfInstrument", "Type")  # 3.1: d:Type
    return [
        Instrument(
            **_common(element, kids, identity),
            root=_ref(kids, ctx, identity, "ControlConstructReference"),
            instrument_type=(plain_text(kind) or None) if kind is not None else None,
        )
    ]


def variable(element: etree._Element, kids: Kids, ctx: ReadContext, identity: Identity) -> list[Item]:
    unit = _first(kids, "AnalysisUnit")
    return [
        Variable(
            **_common(element, kids, identity),
            representation=variable_representation(kids, ctx),
            questions=_refs(kids, ctx, identity, "QuestionReference"),
            concept=_ref(kids, ctx, identity, "ConceptReference"),
            universes=_refs(kids, ctx, identity, "UniverseReference"),
            source_variables=_refs(kids, ctx, identity, "SourceVariableReference"),
            analysis_unit=(plain_text(unit) or None) if unit is not None else None,
        )
    ]


ITEM_BUILDERS: dict[str, Builder] = {
    "Concept": concept,
    "Universe": universe,
    "Category": category,
    "CodeList": code_list,
    "QuestionItem": question_item,
    "QuestionGrid": question_grid,
    "StatementItem": statement_item,
    "QuestionConstruct": question_construct,
    "Sequence": sequence,
    "IfThenElse": if_then_else,
    "Loop": loop,
    "ComputationItem": computation_item,
    "Instrument": instrument,
    "Variable": variable,
}


def item_builder(name: str, version: str) -> Builder | None:
    """The builder for a DDI element name in that version (3.1's CodeScheme is a CodeList)."""
    if version == "3.1":
        if name == "CodeScheme":
            return code_list
        if name == "CodeList":
            return None
    return ITEM_BUILDERS.get(name)


def instruction_text(element: etree._Element) -> dict[str, str]:
    """The text of an interviewer instruction (`d:Instruction`), used by the questions that point at it."""
    return dynamic_text(children(element, "InstructionText"))


def managed_representation(element: etree._Element, ctx: ReadContext) -> Representation:
    return representation(element, ctx)
