"""Schemes of reusable items: concepts, universes, categories, code lists and questions with their domains."""

from __future__ import annotations

from .ddi_elements import Element, child, contents, identified, literal_texts, name, reference, strings
from .plan import Asked, CohortPlan
from .spec import Bilingual, CategorySpec, Coded, CodeListSpec, FreeText, Grid, Numeric, Response, When

NUMERIC_TYPE = {0: "Integer"}
UCUM = "UCUM"


def concept_scheme(parent: Element, plan: CohortPlan) -> None:
    """One concept per topic, worded alike in both cohorts so they can be compared by text."""
    scheme = identified(parent, "c:ConceptScheme", plan.agency, plan.shared_id("cs"))
    strings(scheme, "c:ConceptSchemeName", Bilingual("Thèmes", "Topics"))
    for topic in plan.cohort.topics:
        concept = identified(scheme, "c:Concept", plan.agency, plan.concept_id(topic.key))
        strings(concept, "c:ConceptName", topic.label)
        contents(concept, "r:Label", topic.label)
        contents(concept, "r:Description", topic.description)


def universe_scheme(parent: Element, plan: CohortPlan) -> None:
    """The populations questions are asked of (all children, parents, breastfed children...)."""
    scheme = identified(parent, "c:UniverseScheme", plan.agency, plan.shared_id("us"))
    strings(scheme, "c:UniverseSchemeName", Bilingual("Populations", "Universes"))
    for key, label in plan.universes.items():
        universe = identified(scheme, "c:Universe", plan.agency, plan.universe_id(key))
        contents(universe, "r:Label", label)


def category_scheme(
    parent: Element, plan: CohortPlan, scheme_id: str, categories: list[tuple[str, CategorySpec]]
) -> None:
    """Categories, the missing ones (don't know, refused, not applicable) flagged isMissing."""
    scheme = identified(parent, "l:CategoryScheme", plan.agency, scheme_id)
    strings(scheme, "l:CategorySchemeName", Bilingual("Modalités", "Categories"))
    for key, spec in categories:
        attributes = {"isMissing": "true"} if spec.missing else {}
        category = identified(scheme, "l:Category", plan.agency, plan.category_id(key), **attributes)
        name(category, "l:CategoryName", key.replace("-", "_"))
        contents(category, "r:Label", spec.label)


def code_list_scheme(parent: Element, plan: CohortPlan, scheme_id: str, lists: list[CodeListSpec]) -> None:
    """Code lists whose codes point at categories; values are what the data file holds."""
    scheme = identified(parent, "l:CodeListScheme", plan.agency, scheme_id)
    strings(scheme, "l:CodeListSchemeName", Bilingual("Listes de codes", "Code lists"))
    for spec in lists:
        code_list = identified(scheme, "l:CodeList", plan.agency, plan.code_list_id(spec.key))
        name(code_list, "l:CodeListName", spec.name)
        contents(code_list, "r:Label", spec.label)
        for value, category in spec.codes:
            code = identified(code_list, "l:Code", plan.agency, plan.code_id(spec.key, value))
            reference(code, "r:CategoryReference", plan.agency, plan.category_id(category), "Category")
            child(code, "r:Value", value)


def question_scheme(
    parent: Element, plan: CohortPlan, scheme_id: str, label: Bilingual, asked: list[Asked]
) -> None:
    """Question items first, then grids, as the scheme's content model orders them."""
    scheme = identified(parent, "d:QuestionScheme", plan.agency, scheme_id)
    strings(scheme, "d:QuestionSchemeName", label)
    for entry in [a for a in asked if not isinstance(a.item, Grid)] + [
        a for a in asked if isinstance(a.item, Grid)
    ]:
        _question(scheme, plan, entry)


def _question(scheme: Element, plan: CohortPlan, asked: Asked) -> None:
    item = asked.item
    is_grid = isinstance(item, Grid)
    question = identified(
        scheme, "d:QuestionGrid" if is_grid else "d:QuestionItem", plan.agency, plan.question_id(item.key)
    )
    name(question, "d:QuestionGridName" if is_grid else "d:QuestionItemName", item.name)
    contents(question, "r:Label", item.label)
    literal_texts(question, "d:QuestionText", item.text)
    if isinstance(item, Grid):
        dimension = child(question, "d:GridDimension", rank="1", displayCode="false", displayLabel="true")
        rows = child(dimension, "d:CodeDomain")
        reference(rows, "r:CodeListReference", plan.agency, plan.code_list_id(item.rows), "CodeList")
    response_domain(question, plan, item.response)
    reference(question, "r:ConceptReference", plan.agency, plan.concept_id(asked.topic.key), "Concept")


def response_domain(parent: Element, plan: CohortPlan, response: Response) -> None:
    """The question-side answer format: code, numeric with unit and range, text or date domain."""
    if isinstance(response, Coded):
        domain = child(parent, "d:CodeDomain")
        reference(
            domain, "r:CodeListReference", plan.agency, plan.code_list_id(response.code_list), "CodeList"
        )
        if response.max_responses > 1:
            child(
                domain,
                "r:ResponseCardinality",
                minimumResponses="1",
                maximumResponses=str(response.max_responses),
            )
    elif isinstance(response, Numeric):
        numeric_body(child(parent, "d:NumericDomain", **numeric_attributes(response)), response)
    elif isinstance(response, FreeText):
        child(parent, "d:TextDomain", maxLength=str(response.max_length))
    elif isinstance(response, When):
        domain = child(parent, "d:DateTimeDomain")
        child(domain, "r:DateTypeCode", response.kind)


def numeric_attributes(response: Numeric) -> dict[str, str]:
    return {"decimalPositions": str(response.decimals)} if response.decimals else {}


def numeric_body(element: Element, response: Numeric) -> None:
    """Unit, range and number type, in the order NumericRepresentationBaseType requires."""
    if response.unit:
        child(element, "r:MeasurementUnit", response.unit, controlledVocabularyName=UCUM)
    number_range = child(element, "r:NumberRange")
    child(number_range, "r:Low", _number(response.low), isInclusive="true")
    child(number_range, "r:High", _number(response.high), isInclusive="true")
    child(element, "r:NumericTypeCode", NUMERIC_TYPE.get(response.decimals, "Decimal"))


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)
