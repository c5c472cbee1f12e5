"""Merging a data file's metadata into the questionnaire of the same wave, by variable name.

A questionnaire import knows what was asked (question texts, routing, bilingual labels); a data file (SPSS,
Stata, SAS) knows how the answers were stored (types, widths, value labels, missing-value codes). The rule:

* Variables match by name, case-insensitively (`.por` files upper-case names); REDCap checkbox columns
  `x___1` match as they are. A matched variable keeps the questionnaire variable's identity (agency, ID),
  name, questions, concept, universes and labels (the data file's label is used only when the questionnaire
  has none), and gains the data file's user attributes it lacks.
* Its representation: the questionnaire says what the answer means, the data file how it is stored.
  - no questionnaire representation → the data file's; no data-file representation → the questionnaire's;
  - both coded → the questionnaire's code list when the data file's codes are the same values (labels
    compared loosely), its categories flagged missing where the data file declares them; when the data file
    has more codes (missing-value codes -9, -8...), the variable gets a code list of its own: the
    questionnaire's categories for the shared codes, the data file's for the others;
  - questionnaire coded, data file not labelled → the questionnaire's, with the data file's missing values;
  - same kind (numeric, text, date) → the questionnaire's, completed with the data file's storage details
    (format, decimals, length, date type) where it has none;
  - otherwise (e.g. text asked, number stored) → the data file's, keeping the questionnaire's unit and label;
  - missing values: the union, data file first.
* Data-file variables without a match are added as they are, with their code lists; questionnaire variables
  without a match stay. An SPSS multiple-response question of the data file is kept only when one of its
  variables has no question from the questionnaire.

Items whose content changed, and the items referring to them, lose their version so that the catalogue gives
them the next one; untouched questionnaire items keep theirs.
"""

from __future__ import annotations

import copy
import unicodedata
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

from catalogue.model import (
    Category,
    Code,
    CodeList,
    DDIPackage,
    Item,
    ItemKey,
    LangText,
    Ref,
    Representation,
    Variable,
    content_hash,
    replace_refs,
)
from ddi_schemas.problems import Location, Problem

STORAGE_FIELDS = ("format", "decimal_positions", "max_length", "min_length", "date_type", "numeric_type")


@dataclass(slots=True)
class MergeReport:
    """Which variables matched by name, which only the data file has, which only the questionnaire has."""

    matched: list[str] = field(default_factory=list)
    data_file_only: list[str] = field(default_factory=list)
    questionnaire_only: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the CLI and the upload page."""
        return (
            f"{len(self.matched)} variables matched the questionnaire, "
            f"{len(self.data_file_only)} are only in "
            f"the data file, {len(self.questionnaire_only)} only in the questionnaire"
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "matched": self.matched,
            "data_file_only": self.data_file_only,
            "questionnaire_only": self.questionnaire_only,
            "problems": [p.as_dict() for p in self.problems],
        }


def merge_data_file(questionnaire: DDIPackage, data_file: DDIPackage) -> tuple[DDIPackage, MergeReport]:
    """The wave's content with the data file merged in (inputs untouched), and what matched."""
    return _Merge(questionnaire, data_file).run()


def _name_key(name: str | None) -> str:
    return unicodedata.normalize("NFC", name or "").casefold()


def _loose(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _clone(value: Any) -> Any:
    """A copy of an item or of a value inside one: containers and dataclasses copied, frozen refs shared.

    Much faster than `copy.deepcopy` on packages of tens of thousands of items, and enough: the model holds
    only dataclasses, lists, dicts, tuples, strings, numbers and frozen `Ref`s.
    """
    if isinstance(value, list):
        return [_clone(v) for v in value]
    if isinstance(value, dict):
        return {k: _clone(v) for k, v in value.items()}
    if is_dataclass(value) and not isinstance(value, Ref | type):
        copied = copy.copy(value)
        for f in fields(value):
            inner = getattr(value, f.name)
            if isinstance(inner, list | dict) or (is_dataclass(inner) and not isinstance(inner, Ref)):
                setattr(copied, f.name, _clone(inner))
        return copied
    return value


def _shallow(package: DDIPackage) -> DDIPackage:
    """A package whose lists are new and whose items are shared: items are copied only when changed."""
    return DDIPackage(
        ddi_version=package.ddi_version,
        study=package.study,
        waves=_clone(package.waves),
        items=list(package.items),
        placement=dict(package.placement),
        source_name=package.source_name,
    )


class _Merge:
    def __init__(self, questionnaire: DDIPackage, data_file: DDIPackage) -> None:
        self.q = _shallow(questionnaire)
        self.d = _shallow(data_file)
        self.report = MergeReport()
        self.q_items: dict[tuple[str, str], Item] = {(i.agency.lower(), i.id): i for i in self.q.items}
        self.owned: set[int] = set()
        self.q_position: dict[int, int] = {id(item): at for at, item in enumerate(self.q.items)}
        self._rename_collisions()
        self.d_items: dict[tuple[str, str], Item] = {(i.agency.lower(), i.id): i for i in self.d.items}
        self.added: list[Item] = []
        self.added_pairs: set[tuple[str, str]] = set()
        self.changed: set[tuple[str, str]] = set()
        self.wave = _main_wave(self.q)

    def run(self) -> tuple[DDIPackage, MergeReport]:
        by_name: dict[str, Variable] = {}
        for item in self.q.items:
            if isinstance(item, Variable):
                key = _name_key(item.name)
                if key in by_name:
                    self.report.problems.append(
                        Problem(
                            "warning",
                            f"the questionnaire has two variables named {item.name!r} (case aside): the data "
                            f"file's is merged with {by_name[key].id}",
                            Location(element=item.id),
                            "ambiguous",
                        )
                    )
                    continue
                by_name[key] = item
        seen: set[str] = set()
        for item in self.d.items:
            if not isinstance(item, Variable):
                continue
            key = _name_key(item.name)
            target = by_name.get(key)
            if target is None or key in seen:
                self._add_with_dependencies(item)
                self.report.data_file_only.append(item.name or item.id)
                continue
            seen.add(key)
            target = self._own(target)
            self._merge_variable(target, item)
            self.report.matched.append(target.name or target.id)
        self.report.questionnaire_only = [v.name or v.id for k, v in by_name.items() if k not in seen]
        return self._package(), self.report

    def _rename_collisions(self) -> None:
        """A data-file item with a questionnaire item's ID: same content reused, other content renamed."""
        mapping: dict[ItemKey, Ref] = {}
        kept: list[Item] = []
        for item in self.d.items:
            twin = self.q_items.get((item.agency.lower(), item.id))
            if twin is None:
                kept.append(item)
                continue
            if twin.TYPE == item.TYPE and content_hash(twin) == content_hash(item):
                mapping[item.key] = twin.ref()
                continue
            item = self._owned(_clone(item))
            old = item.key
            suffix = 1
            while (item.agency.lower(), f"{old.id}-data{suffix if suffix > 1 else ''}") in self.q_items:
                suffix += 1
            item.id = f"{old.id}-data{suffix if suffix > 1 else ''}"
            mapping[old] = item.ref()
            kept.append(item)
        if mapping:
            kept = [self._owned(_clone(item)) for item in kept]
            for item in kept:
                replace_refs(item, mapping)
        self.d.items = kept

    # Variables --------------------------------------------------------------------------------------------

    def _merge_variable(self, target: Variable, source: Variable) -> None:
        before = (
            dict(target.label),
            list(target.user_attributes),
            _clone(target.representation),
            list(target.questions),
        )
        if not target.label and source.label:
            target.label = dict(source.label)
        for pair in source.user_attributes:
            if pair not in target.user_attributes:
                target.user_attributes.append(pair)
        target.representation = self._representation(target, source)
        if not target.questions and source.questions:
            for ref in source.questions:
                self._add_with_dependencies(self.d_items[(ref.agency.lower(), ref.id)])
            target.questions = list(source.questions)
        if (target.label, target.user_attributes, target.representation, target.questions) != before:
            self.changed.add((target.agency.lower(), target.id))

    def _representation(self, target: Variable, source: Variable) -> Representation | None:
        q_rep, d_rep = target.representation, source.representation
        if d_rep is None:
            return q_rep
        if q_rep is None:
            self._add_code_list(d_rep)
            return d_rep
        missing = list(dict.fromkeys(d_rep.missing_values + q_rep.missing_values))
        if d_rep.kind == "code" and q_rep.kind == "code":
            merged = _clone(q_rep)
            merged.code_list = self._merged_code_list(target, q_rep.code_list, d_rep.code_list)
            merged.missing_values = missing
            merged.format = merged.format or d_rep.format
            return merged
        if q_rep.kind == "code" or q_rep.kind == d_rep.kind:
            merged = _clone(q_rep)
            merged.missing_values = missing
            if q_rep.kind == d_rep.kind:
                for name in STORAGE_FIELDS:
                    if getattr(merged, name) is None:
                        setattr(merged, name, getattr(d_rep, name))
            return merged
        self._add_code_list(d_rep)
        merged = _clone(d_rep)
        merged.unit = merged.unit or q_rep.unit
        merged.label = merged.label or q_rep.label
        merged.missing_values = missing
        self.report.problems.append(
            Problem(
                "warning",
                f"{target.name}: the questionnaire describes a {q_rep.kind} answer, the data file stores a "
                f"{d_rep.kind}: the data file's representation is kept",
                Location(element=target.id),
                "representation-kind",
            )
        )
        return merged

    def _merged_code_list(self, target: Variable, q_ref: Ref | None, d_ref: Ref | None) -> Ref | None:
        q_list = self._code_list(self.q_items, q_ref)
        d_list = self._code_list(self.d_items, d_ref)
        if q_list is None or d_list is None:
            if d_list is not None:
                self._add_with_dependencies(d_list)
            return q_ref if q_list is not None else d_ref
        q_codes = {code.value: code for code in q_list.codes}
        d_missing = {code.value for code in d_list.codes if self._category(self.d_items, code).is_missing}
        extra = [code for code in d_list.codes if code.value not in q_codes]
        for code in q_list.codes:
            category = self._category(self.q_items, code)
            d_code = next((c for c in d_list.codes if c.value == code.value), None)
            if d_code is not None and not self._labels_agree(category, self._category(self.d_items, d_code)):
                self.report.problems.append(
                    Problem(
                        "warning",
                        f"{target.name}: code {code.value} is labelled differently in the data file "
                        f"({_first(self._category(self.d_items, d_code).label)!r}); the questionnaire's "
                        "label is kept",
                        Location(element=target.id),
                        "label-differs",
                    )
                )
            if code.value in d_missing and not category.is_missing:
                category = self._own(category)
                category.is_missing = True
                self.changed.add((category.agency.lower(), category.id))
        if not extra:
            return q_ref
        list_id = f"{target.id}-codes"
        codes = [
            Code(id=f"{list_id}-{n}", value=code.value, category=code.category, agency=code.agency)
            for n, code in enumerate([*q_list.codes, *extra], start=1)
        ]
        for code in extra:
            self._add_with_dependencies(self._category(self.d_items, code))
        combined = CodeList(
            agency=q_list.agency,
            id=list_id,
            version=None,
            name=f"{target.name} (data)",
            label=dict(q_list.label),
            codes=codes,
        )
        self._add(combined)
        return combined.ref()

    @staticmethod
    def _labels_agree(q_category: Category, d_category: Category) -> bool:
        if not d_category.label or not q_category.label:
            return True
        q_texts = {_loose(t) for t in q_category.label.values()}
        return any(_loose(t) in q_texts for t in d_category.label.values())

    @staticmethod
    def _code_list(items: dict[tuple[str, str], Item], ref: Ref | None) -> CodeList | None:
        if ref is None:
            return None
        found = items.get((ref.agency.lower(), ref.id))
        return found if isinstance(found, CodeList) else None

    @staticmethod
    def _category(items: dict[tuple[str, str], Item], code: Code) -> Category:
        found = items.get((code.category.agency.lower(), code.category.id)) if code.category else None
        return found if isinstance(found, Category) else Category(agency="", id="", version=None)

    # Adding data-file items ---------------------------------------------------------------------------------

    def _add_code_list(self, rep: Representation) -> None:
        found = self._code_list(self.d_items, rep.code_list)
        if found is not None:
            self._add_with_dependencies(found)

    def _add_with_dependencies(self, item: Item) -> None:
        """Add a data-file item and every data-file item it refers to (code lists, categories, questions)."""
        stack = [item]
        while stack:
            current = stack.pop()
            pair = (current.agency.lower(), current.id)
            if pair in self.added_pairs or pair in self.q_items:
                continue
            self._add(current)
            for _role, ref in current.references():
                target = self.d_items.get((ref.agency.lower(), ref.id))
                if target is not None:
                    stack.append(target)

    def _own(self, item: Item) -> Item:
        """The questionnaire's item, copied before its first change (the caller's package stays intact)."""
        if id(item) in self.owned:
            return item
        pair = (item.agency.lower(), item.id)
        copied = self._owned(_clone(item))
        self.q_items[pair] = copied
        at = self.q_position.pop(id(item))
        self.q.items[at] = copied
        self.q_position[id(copied)] = at
        return copied

    def _owned(self, item: Item) -> Item:
        self.owned.add(id(item))
        return item

    def _add(self, item: Item) -> None:
        self.added_pairs.add((item.agency.lower(), item.id))
        self.added.append(item)

    # The result ---------------------------------------------------------------------------------------------

    def _package(self) -> DDIPackage:
        items = self.q.items + self.added
        placement: dict[ItemKey, str | None] = dict(self.q.placement)
        for item in self.added:
            placement[item.key] = self.wave if isinstance(item, Variable) else None
        unversioned = self.changed | self.added_pairs
        grew = True
        while grew:
            grew = False
            for item in items:
                pair = (item.agency.lower(), item.id)
                if pair not in unversioned and any(
                    (r.agency.lower(), r.id) in unversioned for _, r in item.references()
                ):
                    unversioned.add(pair)
                    grew = True
        items = [
            item if id(item) in self.owned or (item.agency.lower(), item.id) not in unversioned
            else self._owned(_clone(item))
            for item in items
        ]
        mapping: dict[ItemKey, Ref] = {}
        for item in items:
            if (item.agency.lower(), item.id) in unversioned and item.version is not None:
                old = item.key
                mapping[old] = Ref(item.agency, item.id, None, item.TYPE)
                item.version = None
                placement[item.key] = placement.pop(old, None)
        for item in items:
            if mapping and (item.agency.lower(), item.id) in unversioned:
                replace_refs(item, mapping)
        for wave in self.q.waves:
            wave.instruments = [mapping.get(ref.key, ref) for ref in wave.instruments]
        return DDIPackage(
            ddi_version=self.q.ddi_version,
            study=self.q.study,
            waves=self.q.waves,
            items=items,
            placement=placement,
            source_name=self.d.source_name or self.q.source_name,
        )


def _main_wave(package: DDIPackage) -> str | None:
    """The wave the questionnaire's variables belong to (the only wave, else the one most of them are in)."""
    if len(package.waves) == 1:
        return package.waves[0].id
    counts: dict[str, int] = {}
    for item in package.items:
        wave = package.placement.get(item.key)
        if isinstance(item, Variable) and wave is not None:
            counts[wave] = counts.get(wave, 0) + 1
    return max(counts, key=lambda w: counts[w]) if counts else None


def _first(text: LangText) -> str:
    return next(iter(text.values()), "")
