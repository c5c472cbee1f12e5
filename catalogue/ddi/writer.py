"""The DDI-L 3.3 writer: a `DDIPackage` out as a document that validates against the official 3.3 XSD.

Two forms. "ddi-l" nests everything in a DDIInstance: the study as a g:Group holding one s:StudyUnit per
wave (or a single s:StudyUnit for a one-wave study), each with its ConceptualComponent, DataCollection and
LogicalProduct, then a g:ResourcePackage with the items the waves share. "fragment" is a FragmentInstance
in the Colectica manner: top-level references, then one ddi:Fragment per maintainable or versionable,
containment expressed by references. Both stream through `lxml.etree.xmlfile`: one small tree per item is
built, written and dropped, so memory grows with the package's size in references, not in XML.
"""

from __future__ import annotations

import io
import math
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO, Literal

from lxml import etree

from catalogue.ddi.writer_checks import package_problems
from catalogue.ddi.writer_items import has_instruction, instruction_element, instruction_target, item_element
from catalogue.ddi.writer_layout import (
    INSTRUCTION_SCHEME,
    MODULES,
    RESOURCE_PACKAGE_SCHEMES,
    SCHEME_PREFIX,
    Layout,
    Owner,
    StudyUnitPlan,
    layout_of,
)
from catalogue.ddi.writer_lexical import derived_id
from catalogue.ddi.writer_xml import (
    DOCUMENT_NSMAP,
    References,
    Target,
    citation,
    q,
    stream_attribute_pairs,
    stream_identity,
    stream_leaf,
    stream_target,
    stream_tree,
    structured,
)
from catalogue.model import (
    WAVE_AGE_MAX_KEY,
    WAVE_AGE_MIN_KEY,
    WAVE_NAME_KEY,
    DDIPackage,
    Item,
    ItemKey,
    Ref,
    WaveInfo,
)
from ddi_schemas.problems import InvalidInput

Form = Literal["ddi-l", "fragment"]
__all__ = ["Form", "ddi_bytes", "write_ddi"]

# The element that refers to each kind of scheme member from a scheme fragment.
_MEMBER_REFERENCE: dict[str, str] = {
    "Concept": q("r", "ConceptReference"),
    "Universe": q("r", "UniverseReference"),
    "QuestionItem": q("d", "QuestionItemReference"),
    "QuestionGrid": q("d", "QuestionGridReference"),
    "Instrument": q("d", "InstrumentReference"),
    "Category": q("r", "CategoryReference"),
    "CodeList": q("r", "CodeListReference"),
    "Variable": q("r", "VariableReference"),
}
_CONSTRUCT_REFERENCE = q("d", "ControlConstructReference")
_INSTRUCTION_REFERENCE = q("d", "InstructionReference")


def write_ddi(
    package: DDIPackage,
    out: Path | str | BinaryIO,
    *,
    form: Form = "ddi-l",
    instance_id: ItemKey | None = None,
    top_level: list[Ref] | None = None,
) -> None:
    """Write the package as DDI-L 3.3; InvalidInput (nothing written) when something cannot be expressed.

    A path is written through a temporary file renamed at the end, so it is never left half-written.
    `instance_id` names the DDIInstance (form "ddi-l"); `top_level` lists the FragmentInstance's top-level
    references (form "fragment"; default: the study, else every item).
    """
    if form not in ("ddi-l", "fragment"):
        raise ValueError(f"unknown DDI-L form {form!r}")
    problems = package_problems(package, instance_id=instance_id, top_level=top_level)
    if problems:
        name = package.source_name or "the package"
        raise InvalidInput(
            problems,
            f"{name} cannot be written as valid DDI-L 3.3: {problems[0]}"
            + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""),
        )
    layout = layout_of(package, instance_id)
    refs = References(package)
    if isinstance(out, str | Path):
        _write_file(Path(out), package, layout, refs, form, top_level)
    else:
        _write_stream(out, package, layout, refs, form, top_level)


def ddi_bytes(
    package: DDIPackage,
    *,
    form: Form = "ddi-l",
    instance_id: ItemKey | None = None,
    top_level: list[Ref] | None = None,
) -> bytes:
    """The package as a DDI-L 3.3 document in memory (for the API and the import pipeline)."""
    buffer = io.BytesIO()
    write_ddi(package, buffer, form=form, instance_id=instance_id, top_level=top_level)
    return buffer.getvalue()


def _write_file(
    path: Path, package: DDIPackage, layout: Layout, refs: References, form: Form, top_level: list[Ref] | None
) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            _write_stream(stream, package, layout, refs, form, top_level)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _write_stream(
    stream: BinaryIO,
    package: DDIPackage,
    layout: Layout,
    refs: References,
    form: Form,
    top_level: list[Ref] | None,
) -> None:
    with etree.xmlfile(stream, encoding="utf-8") as xf:
        xf.write_declaration()
        if form == "ddi-l":
            _write_instance(xf, layout, refs)
        else:
            _write_fragments(xf, package, layout, refs, top_level)


# DDIInstance ------------------------------------------------------------------------------------------------


def _write_instance(xf: Any, layout: Layout, refs: References) -> None:
    """DDIInstance children in XSD order: Citation, Group*, ResourcePackage*, then StudyUnit*."""
    with xf.element(q("ddi", "DDIInstance"), nsmap=DOCUMENT_NSMAP):
        xf.write("\n")
        _identity(xf, layout.instance)
        if layout.study is not None:
            stream_tree(xf, citation(layout.study.title))
        if layout.as_group:
            _write_group(xf, layout, refs, nested=True)
        if not layout.shared.is_empty():
            _write_resource_package(xf, layout.shared, refs, nested=True)
        if layout.study is not None and not layout.as_group:
            _write_study_unit(xf, layout.units[0], layout, refs, nested=True)


def _write_group(xf: Any, layout: Layout, refs: References, *, nested: bool) -> None:
    study = layout.study
    assert study is not None
    with _container(xf, q("g", "Group")):
        _identity(xf, Target(study.agency, study.id, study.version or "", "Group"))
        _attribute_pairs(xf, study.attributes.items())
        stream_tree(xf, citation(study.title))
        stream_tree(xf, structured(q("r", "Abstract"), study.abstract))
        stream_tree(xf, structured(q("r", "Purpose"), study.purpose))
        _required_resources(xf, layout)
        for unit in layout.units:
            if nested:
                _write_study_unit(xf, unit, layout, refs, nested=True)
            else:
                _reference(xf, q("r", "StudyUnitReference"), _unit_target(unit))


def _write_study_unit(
    xf: Any, unit: StudyUnitPlan, layout: Layout, refs: References, *, nested: bool
) -> None:
    """An s:StudyUnit: a wave of a Group, or the whole one-wave study (then with the study's texts too)."""
    single = not layout.as_group
    study = layout.study if single else None
    wave, owner = unit.wave, unit.owner
    with _container(xf, q("s", "StudyUnit")):
        _identity(xf, _unit_target(unit))
        _attribute_pairs(xf, _unit_attributes(study.attributes if study else {}, wave))
        title = (study.title if study and study.title else None) or (wave.title if wave else {})
        abstract = (study.abstract if study and study.abstract else None) or (wave.abstract if wave else {})
        stream_tree(xf, citation(title))
        stream_tree(xf, structured(q("r", "Abstract"), abstract))
        if study is not None:
            stream_tree(xf, structured(q("r", "Purpose"), study.purpose))
        if wave is not None:
            _coverage(xf, owner, wave)
        if single:
            _required_resources(xf, layout)
        for prefix, module, schemes in MODULES:
            if _module_is_needed(unit, module, schemes):
                if nested:
                    _write_module(xf, unit, prefix, module, schemes, refs, nested=True)
                else:
                    _reference(xf, q("r", f"{module}Reference"), unit.owner.made(module))


def _write_module(
    xf: Any,
    unit: StudyUnitPlan,
    prefix: str,
    module: str,
    schemes: tuple[str, ...],
    refs: References,
    *,
    nested: bool,
) -> None:
    """c:ConceptualComponent, d:DataCollection or l:LogicalProduct with its non-empty schemes."""
    owner = unit.owner
    with _container(xf, q(prefix, module)):
        _identity(xf, owner.made(module))
        for kind in owner.module_kinds(schemes):
            if nested:
                _write_scheme(xf, owner, kind, refs, nested=True)
            else:
                _reference(xf, q("r", f"{kind}Reference"), owner.made(kind))
        if module == "DataCollection":
            for ref in unit.instrument_references():
                _reference(xf, q("d", "InstrumentReference"), refs.target(ref))


def _write_resource_package(xf: Any, shared: Owner, refs: References, *, nested: bool) -> None:
    with _container(xf, q("g", "ResourcePackage")):
        _identity(xf, Target(shared.agency, shared.id, shared.version, "ResourcePackage"))
        for kind in shared.module_kinds(RESOURCE_PACKAGE_SCHEMES):
            if nested:
                _write_scheme(xf, shared, kind, refs, nested=True)
            else:
                _reference(xf, q("r", f"{kind}Reference"), shared.made(kind))


def _write_scheme(xf: Any, owner: Owner, kind: str, refs: References, *, nested: bool) -> None:
    """A scheme holding its items (nested) or referring to them (fragment)."""
    with _container(xf, q(SCHEME_PREFIX[kind], kind)):
        _identity(xf, owner.made(kind))
        for item in owner.members(kind):
            if kind == INSTRUCTION_SCHEME:
                if nested:
                    stream_tree(xf, instruction_element(item))
                else:
                    _reference(xf, _INSTRUCTION_REFERENCE, instruction_target(item))
            elif nested:
                stream_tree(xf, item_element(item, refs))
            else:
                tag = _MEMBER_REFERENCE.get(item.TYPE, _CONSTRUCT_REFERENCE)
                _reference(xf, tag, _item_target(item))


# FragmentInstance -------------------------------------------------------------------------------------------


def _write_fragments(
    xf: Any, package: DDIPackage, layout: Layout, refs: References, top_level: list[Ref] | None
) -> None:
    """TopLevelReferences, then the containers (when there is a study) and every item, one Fragment each."""
    with xf.element(q("ddi", "FragmentInstance"), nsmap=DOCUMENT_NSMAP):
        xf.write("\n")
        for target in _top_level(package, layout, refs, top_level):
            _reference(xf, q("ddi", "TopLevelReference"), target)
        if layout.study is not None:
            _write_container_fragments(xf, layout, refs)
        for item in package.items:
            with _fragment(xf):
                stream_tree(xf, item_element(item, refs))
            if has_instruction(item):
                with _fragment(xf):
                    stream_tree(xf, instruction_element(item))


def _write_container_fragments(xf: Any, layout: Layout, refs: References) -> None:
    if layout.as_group:
        with _fragment(xf):
            _write_group(xf, layout, refs, nested=False)
    for unit in layout.units:
        with _fragment(xf):
            _write_study_unit(xf, unit, layout, refs, nested=False)
        for prefix, module, schemes in MODULES:
            if _module_is_needed(unit, module, schemes):
                with _fragment(xf):
                    _write_module(xf, unit, prefix, module, schemes, refs, nested=False)
        for kind in unit.owner.module_kinds(tuple(SCHEME_PREFIX)):
            with _fragment(xf):
                _write_scheme(xf, unit.owner, kind, refs, nested=False)
    if not layout.shared.is_empty():
        with _fragment(xf):
            _write_resource_package(xf, layout.shared, refs, nested=False)
        for kind in layout.shared.module_kinds(RESOURCE_PACKAGE_SCHEMES):
            with _fragment(xf):
                _write_scheme(xf, layout.shared, kind, refs, nested=False)


def _top_level(
    package: DDIPackage, layout: Layout, refs: References, top_level: list[Ref] | None
) -> Iterator[Target]:
    if top_level is not None:
        yield from (refs.target(ref) for ref in top_level)
    elif layout.study is not None:
        study = layout.study
        element = "Group" if layout.as_group else "StudyUnit"
        yield Target(study.agency, study.id, study.version or "", element)
    else:
        yield from (_item_target(item) for item in package.items)


@contextmanager
def _fragment(xf: Any) -> Iterator[None]:
    with _container(xf, q("ddi", "Fragment")):
        yield


# Shared pieces ----------------------------------------------------------------------------------------------


def _identity(xf: Any, target: Target) -> None:
    stream_identity(xf, target.agency, target.id, target.version)
    xf.write("\n")


@contextmanager
def _container(xf: Any, tag: str) -> Iterator[None]:
    """A streamed container element, ending on its own line so that XSD errors point at short lines."""
    with xf.element(tag):
        yield
    xf.write("\n")


def _attribute_pairs(xf: Any, pairs: Iterable[tuple[str, str]]) -> None:
    for pair in pairs:
        stream_attribute_pairs(xf, [pair])
        xf.write("\n")


def _reference(xf: Any, tag: str, target: Target) -> None:
    stream_target(xf, tag, target)
    xf.write("\n")


def _item_target(item: Item) -> Target:
    return Target(item.agency, item.id, item.version or "", item.TYPE)


def _unit_target(unit: StudyUnitPlan) -> Target:
    return Target(unit.owner.agency, unit.owner.id, unit.owner.version, "StudyUnit")


def _module_is_needed(unit: StudyUnitPlan, module: str, schemes: tuple[str, ...]) -> bool:
    if unit.owner.module_kinds(schemes):
        return True
    return module == "DataCollection" and bool(unit.instrument_references())


def _required_resources(xf: Any, layout: Layout) -> None:
    """r:RequiredResourcePackages: the study needs the shared ResourcePackage to be complete."""
    if layout.shared.is_empty():
        return
    with _container(xf, q("r", "RequiredResourcePackages")):
        shared = layout.shared
        _reference(
            xf,
            q("r", "ResourcePackageReference"),
            Target(shared.agency, shared.id, shared.version, "ResourcePackage"),
        )


def _unit_attributes(study_attributes: dict[str, str], wave: WaveInfo | None) -> list[tuple[str, str]]:
    """The StudyUnit's UserAttributePairs: the study's (one-wave study), the wave name, the ages, the rest."""
    pairs = list(study_attributes.items())
    if wave is not None:
        pairs.append((WAVE_NAME_KEY, wave.name))
        for key, months in ((WAVE_AGE_MIN_KEY, wave.age_min_months), (WAVE_AGE_MAX_KEY, wave.age_max_months)):
            if months is not None and math.isfinite(months):
                pairs.append((key, _number(months)))
        pairs += list(wave.attributes.items())
    seen: set[str] = set()
    unique = []
    for key, value in pairs:
        if key not in seen:
            seen.add(key)
            unique.append((key, value))
    return unique


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _coverage(xf: Any, owner: Owner, wave: WaveInfo) -> None:
    """r:Coverage/r:TemporalCoverage (an Identifiable: it gets a derived ID) with the wave's dates."""
    if not wave.start_date and not wave.end_date:
        return
    with xf.element(q("r", "Coverage")), xf.element(q("r", "TemporalCoverage")):
        stream_identity(xf, owner.agency, derived_id(owner.id, "TemporalCoverage"), owner.version)
        with xf.element(q("r", "ReferenceDate")):
            if wave.start_date:
                stream_leaf(xf, q("r", "StartDate"), wave.start_date)
            if wave.end_date:
                stream_leaf(xf, q("r", "EndDate"), wave.end_date)
    xf.write("\n")
