"""Where each item goes in the written document: which StudyUnit or the ResourcePackage, and which scheme.

The layout is one pass over the package that sorts references to the items (not copies) into buckets, and
names every object the writer makes itself: schemes, modules, the ResourcePackage and the DDIInstance get
deterministic identities `<owner id>-<kind>`, version "1", the owner's agency.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from catalogue.ddi.writer_items import has_instruction
from catalogue.ddi.writer_lexical import derived_id
from catalogue.ddi.writer_xml import Target
from catalogue.model import DDIPackage, Item, ItemKey, Ref, StudyInfo, WaveInfo

GENERATED_VERSION = "1"
# The scheme that holds each item type (InterviewerInstructionScheme holds the instructions of questions).
SCHEME_OF_TYPE: dict[str, str] = {
    "Concept": "ConceptScheme",
    "Universe": "UniverseScheme",
    "QuestionItem": "QuestionScheme",
    "QuestionGrid": "QuestionScheme",
    "StatementItem": "ControlConstructScheme",
    "QuestionConstruct": "ControlConstructScheme",
    "Sequence": "ControlConstructScheme",
    "IfThenElse": "ControlConstructScheme",
    "Loop": "ControlConstructScheme",
    "ComputationItem": "ControlConstructScheme",
    "Instrument": "InstrumentScheme",
    "Category": "CategoryScheme",
    "CodeList": "CodeListScheme",
    "Variable": "VariableScheme",
}
INSTRUCTION_SCHEME = "InterviewerInstructionScheme"
SCHEME_PREFIX: dict[str, str] = {
    "ConceptScheme": "c",
    "UniverseScheme": "c",
    "QuestionScheme": "d",
    "ControlConstructScheme": "d",
    INSTRUCTION_SCHEME: "d",
    "InstrumentScheme": "d",
    "CategoryScheme": "l",
    "CodeListScheme": "l",
    "VariableScheme": "l",
}
# A StudyUnit's modules and their schemes, each list in the order of its module's XSD sequence.
MODULES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("c", "ConceptualComponent", ("ConceptScheme", "UniverseScheme")),
    (
        "d",
        "DataCollection",
        ("QuestionScheme", "ControlConstructScheme", INSTRUCTION_SCHEME, "InstrumentScheme"),
    ),
    ("l", "LogicalProduct", ("CategoryScheme", "CodeListScheme", "VariableScheme")),
)
# g:ResourcePackage takes the schemes directly, in its own XSD order.
RESOURCE_PACKAGE_SCHEMES: tuple[str, ...] = (
    "ConceptScheme",
    "UniverseScheme",
    INSTRUCTION_SCHEME,
    "ControlConstructScheme",
    "QuestionScheme",
    "CategoryScheme",
    "CodeListScheme",
    "VariableScheme",
    "InstrumentScheme",
)


@dataclass(slots=True)
class Owner:
    """A maintainable holding schemes: a StudyUnit (a wave, or a one-wave study) or the ResourcePackage."""

    agency: str
    id: str
    version: str
    schemes: dict[str, list[Item]] = field(default_factory=dict)

    def add(self, item: Item) -> None:
        self.schemes.setdefault(SCHEME_OF_TYPE[item.TYPE], []).append(item)
        if has_instruction(item):
            self.schemes.setdefault(INSTRUCTION_SCHEME, []).append(item)

    def made(self, kind: str) -> Target:
        """The identity of a module or scheme the writer makes for this owner."""
        return Target(self.agency, derived_id(self.id, kind), GENERATED_VERSION, kind)

    def members(self, kind: str) -> list[Item]:
        """The items of one scheme, in the order its XSD wants (QuestionItems before QuestionGrids)."""
        items = self.schemes.get(kind, [])
        if kind == "QuestionScheme":
            return [i for i in items if i.TYPE == "QuestionItem"] + [
                i for i in items if i.TYPE == "QuestionGrid"
            ]
        return items

    def module_kinds(self, schemes: tuple[str, ...]) -> list[str]:
        return [kind for kind in schemes if self.schemes.get(kind)]

    def is_empty(self) -> bool:
        return not any(self.schemes.values())


@dataclass(slots=True)
class StudyUnitPlan:
    """One s:StudyUnit to write: its identity, the wave it describes (if any) and its items."""

    owner: Owner
    wave: WaveInfo | None

    def instrument_references(self) -> list[Ref]:
        """The wave's instruments written elsewhere: DataCollection refers to them."""
        if self.wave is None:
            return []
        inside = {item.key for item in self.owner.schemes.get("InstrumentScheme", [])}
        return [ref for ref in self.wave.instruments if ref.key not in inside]


@dataclass(slots=True)
class Layout:
    """The whole document: the instance, the study (Group or StudyUnit), its units, the shared package."""

    instance: Target
    study: StudyInfo | None
    as_group: bool
    units: list[StudyUnitPlan]
    shared: Owner


def layout_of(package: DDIPackage, instance_id: ItemKey | None = None) -> Layout:
    """Sort the package's items into StudyUnits and the ResourcePackage (placement None → shared)."""
    study = package.study
    instance = _instance_identity(package, instance_id)
    as_group = study is not None and (study.element == "Group" or len(package.waves) > 1)
    units: list[StudyUnitPlan] = []
    owners: dict[str, Owner] = {}
    if study is not None and as_group:
        for wave in package.waves:
            owner = Owner(wave.agency, wave.id, wave.version or "")
            units.append(StudyUnitPlan(owner, wave))
            owners.setdefault(wave.id, owner)
    elif study is not None:
        only = package.waves[0] if package.waves else None
        owner = Owner(study.agency, study.id, study.version or "")
        units.append(StudyUnitPlan(owner, only))
        owners[study.id] = owner
        if only is not None:
            owners[only.id] = owner
    shared_owner = study if study is not None else instance
    shared = Owner(shared_owner.agency, derived_id(shared_owner.id, "resources"), GENERATED_VERSION)
    placement = package.placement
    for item in package.items:
        wave_id = placement.get(item.key)
        (owners.get(wave_id, shared) if wave_id is not None else shared).add(item)
    return Layout(instance, study, as_group, units, shared)


def _instance_identity(package: DDIPackage, instance_id: ItemKey | None) -> Target:
    if instance_id is not None:
        return Target(
            instance_id.agency, instance_id.id, instance_id.version or GENERATED_VERSION, "DDIInstance"
        )
    if package.study is not None:
        owner_agency, owner_id = package.study.agency, package.study.id
    else:
        first = package.items[0]
        owner_agency, owner_id = first.agency, first.id
    return Target(owner_agency, derived_id(owner_id, "instance"), GENERATED_VERSION, "DDIInstance")
