"""Each catalogue item as its DDI-L 3.3 element, children in the order the XSD fixes for that element.

`item_element` returns a small self-contained tree (its root declares the namespaces it uses) that the
writer streams into the document and then drops, so memory does not grow with the number of items.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from catalogue.ddi.writer_domains import (
    add_grid_dimension,
    add_grid_responses,
    add_question_responses,
    add_variable_representation,
)
from catalogue.ddi.writer_lexical import derived_id, xml_text
from catalogue.ddi.writer_xml import (
    Element,
    References,
    Target,
    add_code_value,
    add_contents,
    add_dynamic_texts,
    add_identity,
    add_leaf,
    add_name,
    add_ref,
    add_target,
    clean,
    item_nsmap,
    item_root,
    lang_texts,
    q,
)
from catalogue.model import (
    Category,
    CodeList,
    Command,
    ComputationItem,
    Concept,
    IfThenElse,
    Instrument,
    Item,
    Loop,
    QuestionConstruct,
    QuestionGrid,
    QuestionItem,
    Sequence,
    StatementItem,
    Universe,
    Variable,
)

Question = QuestionItem | QuestionGrid
# The module (namespace prefix) of each item element.
ITEM_PREFIX: dict[str, str] = {
    "Concept": "c",
    "Universe": "c",
    "Category": "l",
    "CodeList": "l",
    "Variable": "l",
    "QuestionItem": "d",
    "QuestionGrid": "d",
    "StatementItem": "d",
    "QuestionConstruct": "d",
    "Sequence": "d",
    "IfThenElse": "d",
    "Loop": "d",
    "ComputationItem": "d",
    "Instrument": "d",
    "Instruction": "d",
}
# A question's interviewer instruction is written as a d:Instruction of its own, with this derived ID.
INSTRUCTION_KIND = "Instruction"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def item_element(item: Item, refs: References) -> Element:
    """The item as its DDI-L element (raises KeyError for a type the writer does not know: checked before)."""
    return _BUILDERS[item.TYPE](item, refs)


def has_instruction(item: Item) -> bool:
    """Whether the question carries an instruction text worth a d:Instruction."""
    return isinstance(item, QuestionItem | QuestionGrid) and bool(lang_texts(item.instruction))


def instruction_target(question: Item) -> Target:
    """The d:Instruction made from a question's instruction: in the question's agency and version."""
    return Target(
        question.agency, derived_id(question.id, INSTRUCTION_KIND), question.version or "", "Instruction"
    )


def instruction_element(question: Item) -> Element:
    """The question's instruction text as a d:Instruction (InterviewerInstructionScheme member)."""
    assert isinstance(question, QuestionItem | QuestionGrid)
    target = instruction_target(question)
    root = etree.Element(q("d", "Instruction"), nsmap=item_nsmap("d"))
    add_identity(root, target.agency, target.id, target.version)
    add_dynamic_texts(root, q("d", "InstructionText"), question.instruction)
    return root


def _head(item: Item, local: str, name_tag: str) -> Element:
    """Identity, then the *Name, r:Label and r:Description every versionable here starts with."""
    prefix = ITEM_PREFIX[item.TYPE]
    root = item_root(item, prefix, local)
    add_name(root, q(prefix, name_tag), item.name)
    add_contents(root, q("r", "Label"), item.label)
    add_contents(root, q("r", "Description"), item.description)
    return root


def _concept(item: Concept, refs: References) -> Element:
    root = _head(item, "Concept", "ConceptName")
    for parent in item.parents:
        add_ref(root, q("c", "SubclassOfReference"), parent, refs)
    return root


def _universe(item: Universe, refs: References) -> Element:
    return _head(item, "Universe", "UniverseName")


def _category(item: Category, refs: References) -> Element:
    root = _head(item, "Category", "CategoryName")
    if item.is_missing:
        root.set("isMissing", "true")
    return root


def _code_list(item: CodeList, refs: References) -> Element:
    root = _head(item, "CodeList", "CodeListName")
    for code in item.codes:
        element = etree.SubElement(root, q("l", "Code"))
        # Codes are Identifiables: without their own, they take the code list's agency and version.
        agency, version = code.agency or item.agency, code.version or item.version or ""
        add_identity(element, agency, code.id, version)
        add_ref(element, q("r", "CategoryReference"), code.category, refs)
        value = xml_text(code.value)
        value_element = add_leaf(element, q("r", "Value"), value)
        if value != value.strip():
            value_element.set(XML_SPACE, "preserve")
    return root


def _question_item(item: QuestionItem, refs: References) -> Element:
    root = _head(item, "QuestionItem", "QuestionItemName")
    add_dynamic_texts(root, q("d", "QuestionText"), item.text)
    add_question_responses(root, item.responses, refs)
    _add_question_tail(root, item, refs)
    return root


def _question_grid(item: QuestionGrid, refs: References) -> Element:
    root = _head(item, "QuestionGrid", "QuestionGridName")
    add_dynamic_texts(root, q("d", "QuestionText"), item.text)
    for dimension in item.dimensions:
        add_grid_dimension(root, dimension, refs)
    add_grid_responses(root, item.responses, refs)
    _add_question_tail(root, item, refs)
    return root


def _add_question_tail(root: Element, item: Question, refs: References) -> None:
    for concept in item.concepts:
        add_ref(root, q("r", "ConceptReference"), concept, refs)
    if has_instruction(item):
        add_target(root, q("d", "InterviewerInstructionReference"), instruction_target(item))


def _statement(item: StatementItem, refs: References) -> Element:
    root = _head(item, "StatementItem", "ConstructName")
    add_dynamic_texts(root, q("d", "DisplayText"), item.text)
    return root


def _question_construct(item: QuestionConstruct, refs: References) -> Element:
    root = _head(item, "QuestionConstruct", "ConstructName")
    add_ref(root, q("r", "QuestionReference"), item.question, refs)
    for universe in item.universes:
        add_ref(root, q("r", "UniverseReference"), universe, refs)
    return root


def _sequence(item: Sequence, refs: References) -> Element:
    root = _head(item, "Sequence", "ConstructName")
    for child in item.children:
        add_ref(root, q("d", "ControlConstructReference"), child, refs)
    return root


def _if_then_else(item: IfThenElse, refs: References) -> Element:
    root = _head(item, "IfThenElse", "ConstructName")
    _add_command_code(root, q("d", "IfCondition"), item.condition)
    add_ref(root, q("d", "ThenConstructReference"), item.then, refs)
    add_ref(root, q("d", "ElseConstructReference"), item.else_, refs)
    return root


def _loop(item: Loop, refs: References) -> Element:
    root = _head(item, "Loop", "ConstructName")
    _add_command_code(root, q("d", "InitialValue"), item.initial_value)
    _add_command_code(root, q("d", "LoopWhile"), item.loop_while)
    _add_command_code(root, q("d", "StepValue"), item.step_value)
    add_ref(root, q("d", "ControlConstructReference"), item.body, refs)
    return root


def _computation(item: ComputationItem, refs: References) -> Element:
    root = _head(item, "ComputationItem", "ConstructName")
    _add_command_code(root, q("r", "CommandCode"), item.command)
    return root


def _add_command_code(parent: Element, tag: str, command: Command | None) -> None:
    """A CommandCodeType element: r:Description, then one r:Command (ProgramLanguage, CommandContent).

    r:ProgramLanguage is required in a command: when the model has none it is written empty, which the XSD
    accepts and which reads back as no language.
    """
    if command is None:
        return
    description = lang_texts(command.description)
    content = clean(command.text)
    language = clean(command.program_language)
    if not description and content is None and language is None:
        return
    element = etree.SubElement(parent, tag)
    add_contents(element, q("r", "Description"), command.description)
    if content is not None or language is not None:
        code = etree.SubElement(element, q("r", "Command"))
        add_leaf(code, q("r", "ProgramLanguage"), language)
        if content is not None:
            add_leaf(code, q("r", "CommandContent"), content)


def _instrument(item: Instrument, refs: References) -> Element:
    root = _head(item, "Instrument", "InstrumentName")
    add_code_value(root, q("d", "TypeOfInstrument"), item.instrument_type)
    add_ref(root, q("d", "ControlConstructReference"), item.root, refs)
    return root


def _variable(item: Variable, refs: References) -> Element:
    root = _head(item, "Variable", "VariableName")
    for source in item.source_variables:
        add_ref(root, q("r", "SourceVariableReference"), source, refs)
    for universe in item.universes:
        add_ref(root, q("r", "UniverseReference"), universe, refs)
    add_ref(root, q("r", "ConceptReference"), item.concept, refs)
    for question in item.questions:
        add_ref(root, q("r", "QuestionReference"), question, refs)
    add_code_value(root, q("r", "AnalysisUnit"), item.analysis_unit)
    if item.representation is not None:
        add_variable_representation(root, item.representation, refs)
    return root


_BUILDERS: dict[str, Callable[..., Element]] = {
    "Concept": _concept,
    "Universe": _universe,
    "Category": _category,
    "CodeList": _code_list,
    "QuestionItem": _question_item,
    "QuestionGrid": _question_grid,
    "StatementItem": _statement,
    "QuestionConstruct": _question_construct,
    "Sequence": _sequence,
    "IfThenElse": _if_then_else,
    "Loop": _loop,
    "ComputationItem": _computation,
    "Instrument": _instrument,
    "Variable": _variable,
}
WRITABLE_TYPES = frozenset(_BUILDERS)
