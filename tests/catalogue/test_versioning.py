"""Version assignment: unchanged items keep their version, changed ones move, and moves travel up."""

from __future__ import annotations

from catalogue.model import (
    Category,
    Code,
    CodeList,
    DDIPackage,
    Item,
    QuestionItem,
    Ref,
    Representation,
    Variable,
    content_hash,
)
from catalogue.versioning import assign_versions

AGENCY = "fr.ddicat.test"


def cohort_items(version: str | None = None, *, yes_label: str = "Oui") -> list[Item]:
    yes = Category(agency=AGENCY, id="cat-oui", version=version, label={"fr": yes_label, "en": "Yes"})
    no = Category(agency=AGENCY, id="cat-non", version=version, label={"fr": "Non", "en": "No"})
    codes = CodeList(agency=AGENCY, id="cl-ouinon", version=version, codes=[
        Code(id="c1", value="1", category=Ref(AGENCY, "cat-oui", version, "Category")),
        Code(id="c2", value="2", category=Ref(AGENCY, "cat-non", version, "Category")),
    ])
    question = QuestionItem(
        agency=AGENCY, id="qi-allait", version=version, name="allait",
        text={"fr": "L'enfant a-t-il été allaité ?", "en": "Was the child breastfed?"},
        responses=[Representation(kind="code", code_list=Ref(AGENCY, "cl-ouinon", version, "CodeList"))],
    )
    variable = Variable(
        agency=AGENCY, id="v-allait", version=version, name="m00_allait", label={"fr": "Allaitement", "en": "Breastfed"},
        questions=[Ref(AGENCY, "qi-allait", version, "QuestionItem")],
        representation=Representation(kind="code", code_list=Ref(AGENCY, "cl-ouinon", version, "CodeList")),
    )
    return [variable, question, codes, yes, no]


class Catalogue:
    """Stored versions as the store would answer them."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], list[tuple[str, str]]] = {}

    def store(self, items: list[Item]) -> None:
        for item in items:
            assert item.version is not None
            self.rows.setdefault((item.agency.lower(), item.id), []).append((item.version, content_hash(item)))

    def __call__(self, pairs):  # noqa: ANN001 - the StoredVersions callable
        return {pair: self.rows[pair] for pair in pairs if pair in self.rows}


def test_items_without_versions_start_at_one_and_references_follow() -> None:
    package = DDIPackage(items=cohort_items())
    outcome = assign_versions(package, Catalogue())
    assert {item.version for item in package.items} == {"1"}
    variable = package.items[0]
    assert isinstance(variable, Variable)
    assert variable.questions[0].version == "1"
    assert variable.representation and variable.representation.code_list
    assert variable.representation.code_list.version == "1"
    assert len(outcome.new) == 5 and not outcome.problems


def test_reimport_of_unchanged_source_keeps_every_version() -> None:
    catalogue = Catalogue()
    first = DDIPackage(items=cohort_items())
    assign_versions(first, catalogue)
    catalogue.store(first.items)
    again = DDIPackage(items=cohort_items())
    outcome = assign_versions(again, catalogue)
    assert {item.version for item in again.items} == {"1"}
    assert len(outcome.reused) == 5 and not outcome.new


def test_a_changed_category_moves_its_code_list_question_and_variable_only() -> None:
    catalogue = Catalogue()
    first = DDIPackage(items=cohort_items())
    assign_versions(first, catalogue)
    catalogue.store(first.items)
    changed = DDIPackage(items=cohort_items(yes_label="Oui, allaité"))
    outcome = assign_versions(changed, catalogue)
    versions = {item.id: item.version for item in changed.items}
    assert versions == {"v-allait": "2", "qi-allait": "2", "cl-ouinon": "2", "cat-oui": "2", "cat-non": "1"}
    assert len(outcome.reused) == 1


def test_ddi_item_reusing_a_stored_version_with_new_content_is_refused_or_moved_when_lenient() -> None:
    catalogue = Catalogue()
    first = DDIPackage(items=cohort_items("1"))
    assign_versions(first, catalogue)
    catalogue.store(first.items)

    strict = DDIPackage(items=cohort_items("1", yes_label="Oui !"))
    outcome = assign_versions(strict, catalogue)
    errors = [p for p in outcome.problems if p.severity == "error"]
    assert [p.code for p in errors] == ["version-conflict"]
    assert "cat-oui" in errors[0].message

    lenient = DDIPackage(items=cohort_items("1", yes_label="Oui !"))
    outcome = assign_versions(lenient, catalogue, lenient=True)
    versions = {item.id: item.version for item in lenient.items}
    assert versions["cat-oui"] == "2" and versions["cat-non"] == "1"
    assert versions["cl-ouinon"] == "2"  # its code now points at cat-oui version 2
    assert all(p.severity == "warning" for p in outcome.problems)


def test_late_bound_reference_resolves_to_the_latest_version_in_the_package() -> None:
    items = cohort_items("3")
    variable = items[0]
    assert isinstance(variable, Variable)
    variable.questions = [Ref(AGENCY, "qi-allait", None, "QuestionItem")]
    package = DDIPackage(items=items)
    assign_versions(package, Catalogue())
    assert variable.questions[0].version == "3"
