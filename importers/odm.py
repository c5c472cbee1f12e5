"""CDISC ODM 1.3.x and 2.0 metadata → the catalogue's model (ClinicalData is skipped, never stored).

StudyEventDefs are waves; each form (ODM 1.3 FormDef, ODM 2.0 ItemGroupDef Type="Form", or a group a
StudyEventDef names directly) is an `Instrument` whose Sequence holds one Sequence per ItemGroup (nested in
2.0). An ItemDef with a Question is a `QuestionItem` (texts per xml:lang); every ItemDef is a `Variable`.
A static repeating ItemGroup whose repeat key has a code list is a matrix (`QuestionGrid`: rows = the key's
code list, columns = the other items); any other repeating ItemGroup is a `Loop`. A
CollectionExceptionConditionOID wraps the construct in an `IfThenElse` whose *else* branch asks it (the
condition says when the item is NOT collected); a MethodOID adds a `ComputationItem`. Aliases are user IDs.
REDCap project XMLs are ODM too but go to `redcap_project` (they are recognised first by their namespace).
"""

from __future__ import annotations

from lxml import etree

from catalogue.errors import InvalidInput, Problem
from catalogue.model import (
    ComputationItem,
    DDIPackage,
    GridDimension,
    IfThenElse,
    Instrument,
    Item,
    ItemKey,
    LangText,
    Loop,
    QuestionConstruct,
    QuestionGrid,
    QuestionItem,
    Ref,
    Representation,
    Sequence,
    StudyInfo,
    Variable,
    WaveInfo,
)
from importers.choice_sets import (
    YES_NO,
    Choice,
    ChoiceSets,
    declarable_missing,
    looks_missing,
    place_code_lists,
)
from importers.identifiers import ddi_id
from importers.label_text import TextLanguages
from importers.odm_common import OdmDocument, parse_odm, sniff_odm
from importers.odm_items import base_representation, formal_command, measurement_units, variable_name
from importers.registry import ImportOptions, ImportResult

REPEATING_LOOPS = frozenset({"yes", "dynamic", "simple"})
EXCEPTION_NOTE: LangText = {
    "en": "Collection exception: the item is not collected when the condition holds",
    "fr": "Exception de recueil : l'élément n'est pas recueilli quand la condition est remplie",
}


class OdmImporter:
    """CDISC ODM 1.3.x / 2.0 study metadata (forms, item groups, items, code lists, events)."""

    name = "odm"
    title = "CDISC ODM 1.3 / 2.0 (metadata)"
    extensions = (".xml", ".odm")

    def sniff(self, file_name: str, data: bytes) -> bool:
        """An ODM root in the ODM 1.3 or 2.0 namespace, not made by REDCap."""
        kind = sniff_odm(data)
        return kind is not None and not kind.redcap

    def read(self, file_name: str, data: bytes, options: ImportOptions | None = None) -> ImportResult:
        """Build the package; InvalidInput (with located problems) on errors."""
        builder = _Builder(parse_odm(file_name, data), options or ImportOptions())
        package = builder.build()
        if any(p.severity == "error" for p in builder.problems):
            raise InvalidInput(builder.problems)
        return ImportResult(package=package, problems=builder.problems)


class _Builder:
    """One pass over a MetaDataVersion, form by form, items made once and reused."""

    def __init__(self, doc: OdmDocument, options: ImportOptions) -> None:
        self.doc = doc
        self.agency = options.agency
        self.prefix = options.id_prefix
        self.texts = TextLanguages(options.split_languages, options.default_language)
        self.choice_sets = ChoiceSets(options.agency, options.id_prefix)
        self.items: list[Item] = []
        self.problems: list[Problem] = []
        self.placement: dict[ItemKey, str | None] = {}
        self.wave: str | None = None
        self.constructs: dict[tuple[str, ...], Ref] = {}
        self.variables: dict[str, Variable] = {}
        self.questions: dict[str, Ref | None] = {}
        self.code_lists: dict[str, Ref] = {}
        self.groups_built: dict[str, list[Ref]] = {}

    def id(self, kind: str, *names: str) -> str:
        return ddi_id(self.prefix, kind, *names)

    def add(self, item: Item) -> Ref:
        self.items.append(item)
        self.placement[item.key] = self.wave
        return item.ref()

    def reuse(self, ref: Ref) -> Ref:
        """An item made for an earlier form: shared when that form ran at another wave."""
        if self.placement.get(ref.key, self.wave) != self.wave:
            self.placement[ref.key] = None
        return ref

    # The study ----------------------------------------------------------------------------------------

    def build(self) -> DDIPackage:
        doc = self.doc
        study, mdv, problems = doc.metadata_version()
        self.problems += problems
        self.units = measurement_units(doc, self.texts)
        self.item_defs = _by_oid(doc.children(mdv, "ItemDef"))
        self.group_defs = _by_oid(doc.children(mdv, "ItemGroupDef"))
        self.list_defs = _by_oid(doc.children(mdv, "CodeList"))
        self.conditions = _by_oid(doc.children(mdv, "ConditionDef"))
        self.methods = _by_oid(doc.children(mdv, "MethodDef"))
        form_defs = _by_oid(doc.children(mdv, "FormDef"))
        events = self._events(mdv)
        forms = list(form_defs) + [
            oid for oid, g in self.group_defs.items() if (g.get("Type") or "") == "Form"
        ]
        forms += [oid for _, _, refs in events for oid in refs if oid not in forms]
        if not forms:
            forms = self._top_groups()
        waves = self._waves(study, events)
        runs: dict[str, set[str]] = {}
        for wave, (_, _, refs) in zip(waves, events, strict=True):
            for oid in refs:
                runs.setdefault(oid, set()).add(wave.id)
        for oid in forms:
            at = runs.get(oid, set())
            self.wave = next(iter(at)) if len(at) == 1 else None
            definition = form_defs.get(oid, self.group_defs.get(oid))
            if definition is not None:
                self._form(definition)
        self.wave = None
        for wave, (_, _, refs) in zip(waves, events, strict=True):
            wave.instruments = [
                Ref(self.agency, self.id("instr", oid), None, "Instrument")
                for oid in refs
                if oid in form_defs or oid in self.group_defs
            ]
        package = DDIPackage(
            source_name=doc.file_name,
            waves=waves,
            items=self.items + self.choice_sets.items,
            study=self._study(study) if waves else None,
        )
        if waves:
            package.placement = {item.key: self.placement.get(item.key) for item in package.items}
            place_code_lists(package.items, package.placement)
        return package

    def _events(self, mdv: etree._Element) -> list[tuple[etree._Element, str, list[str]]]:
        """StudyEventDefs in Protocol order, each with the OIDs of the forms (or groups) it runs."""
        doc = self.doc
        definitions = _by_oid(doc.children(mdv, "StudyEventDef"))
        protocol = doc.child(mdv, "Protocol")
        order = (
            [r.get("StudyEventOID", "") for r in doc.children(protocol, "StudyEventRef")]
            if protocol is not None
            else []
        )
        order += [oid for oid in definitions if oid not in order]
        events = []
        for oid in order:
            definition = definitions.get(oid)
            if definition is not None:
                refs = [r.get("FormOID", "") for r in doc.children(definition, "FormRef")]
                refs += [r.get("ItemGroupOID", "") for r in doc.children(definition, "ItemGroupRef")]
                events.append((definition, oid, refs))
        return events

    def _waves(
        self, study: etree._Element, events: list[tuple[etree._Element, str, list[str]]]
    ) -> list[WaveInfo]:
        waves = []
        for definition, oid, _ in events:
            attributes = {"odm:OID": oid}
            for name in ("Type", "Repeating"):
                if definition.get(name):
                    attributes[f"odm:{name}"] = definition.get(name, "")
            title = self.texts.lang_text(definition.get("Name")) or self.doc.translated(
                self.doc.child(definition, "Description"), self.texts
            )
            waves.append(
                WaveInfo(
                    agency=self.agency,
                    id=self.id("wave", oid),
                    version="1",
                    name=oid,
                    title=title,
                    abstract=self.doc.translated(self.doc.child(definition, "Description"), self.texts),
                    attributes=attributes,
                )
            )
        return waves

    def _study(self, study: etree._Element) -> StudyInfo:
        doc = self.doc
        variables = doc.child(study, "GlobalVariables")
        title = study.get("StudyName") or (
            _text(doc.child(variables, "StudyName")) if variables is not None else ""
        )
        abstract = doc.translated(doc.child(study, "Description"), self.texts) or self.texts.lang_text(
            _text(doc.child(variables, "StudyDescription")) if variables is not None else ""
        )
        return StudyInfo(
            agency=self.agency,
            id=self.id("study"),
            version="1",
            element="Group",
            title=self.texts.lang_text(title),
            abstract=abstract,
        )

    def _top_groups(self) -> list[str]:
        """Without forms or events: the ItemGroupDefs no other group contains."""
        nested = {
            r.get("ItemGroupOID")
            for g in self.group_defs.values()
            for r in self.doc.children(g, "ItemGroupRef")
        }
        return [oid for oid in self.group_defs if oid not in nested]

    # Forms and groups ---------------------------------------------------------------------------------

    def _form(self, definition: etree._Element) -> None:
        doc = self.doc
        oid = definition.get("OID", "")
        label = self.texts.lang_text(definition.get("Name")) or doc.translated(
            doc.child(definition, "Description"), self.texts
        )
        children = self._children(definition, [oid])
        sequence = Sequence(
            agency=self.agency,
            id=self.id("seq", oid),
            version=None,
            name=definition.get("Name"),
            label=label,
            children=children,
        )
        root = self.add(sequence)
        if (definition.get("Repeating") or "no").lower() in REPEATING_LOOPS:
            root = self.add(
                Loop(
                    agency=self.agency,
                    id=self.id("loop", oid),
                    version=None,
                    name=definition.get("Name"),
                    body=root,
                )
            )
        self.add(
            Instrument(
                agency=self.agency,
                id=self.id("instr", oid),
                version=None,
                name=definition.get("Name"),
                label=label,
                root=root,
                user_ids=[("odm:OID", oid)],
            )
        )

    def _children(self, definition: etree._Element, stack: list[str]) -> list[Ref]:
        """The constructs of a form or group, in document order (ItemRefs and ItemGroupRefs mixed)."""
        children: list[Ref] = []
        for ref in definition:
            if ref.tag == self.doc.q("ItemRef"):
                children += self._item_constructs(ref)
            elif ref.tag == self.doc.q("ItemGroupRef"):
                children += self._group(ref, stack)
        return children

    def _group(self, ref: etree._Element, stack: list[str]) -> list[Ref]:
        oid = ref.get("ItemGroupOID", "")
        group = self.group_defs.get(oid)
        if group is None:
            self.problems.append(
                Problem(
                    "warning",
                    f"ItemGroupRef to unknown ItemGroupDef {oid!r}",
                    self.doc.location(ref),
                    "odm-reference",
                )
            )
            return []
        if oid in stack:
            self.problems.append(
                Problem(
                    "warning",
                    f"ItemGroupDef {oid!r} contains itself; the loop is cut",
                    self.doc.location(ref),
                    "odm-reference",
                )
            )
            return []
        if oid not in self.groups_built:
            self.groups_built[oid] = self._grid(group) or [self._section(group, stack + [oid])]
        *computations, construct = [self.reuse(built) for built in self.groups_built[oid]]
        return computations + [self._excepted(ref, construct, oid)]

    def _section(self, group: etree._Element, stack: list[str]) -> Ref:
        oid = group.get("OID", "")
        label = self.doc.translated(self.doc.child(group, "Description"), self.texts) or self.texts.lang_text(
            group.get("Name")
        )
        sequence = Sequence(
            agency=self.agency,
            id=self.id("seq", oid),
            version=None,
            name=group.get("Name"),
            label=label,
            children=self._children(group, stack),
        )
        ref = self.add(sequence)
        if (group.get("Repeating") or "no").lower() in REPEATING_LOOPS | {"static"}:
            ref = self.add(
                Loop(
                    agency=self.agency,
                    id=self.id("loop", oid),
                    version=None,
                    name=group.get("Name"),
                    body=ref,
                    user_attributes=[("odm:Repeating", group.get("Repeating", ""))],
                )
            )
        return ref

    def _grid(self, group: etree._Element) -> list[Ref] | None:
        """A static repeat over a code list (the Repeat="Yes" item's): its computations and QuestionGrid."""
        if (group.get("Repeating") or "").lower() not in REPEATING_LOOPS | {"static"}:
            return None
        refs = self.doc.children(group, "ItemRef")
        keys = [r for r in refs if (r.get("Repeat") or "").lower() == "yes"]
        key_def = self.item_defs.get(keys[0].get("ItemOID", "")) if len(keys) == 1 else None
        rows = self._code_list(key_def) if key_def is not None else None
        columns = (
            [
                (r, self.item_defs[r.get("ItemOID", "")])
                for r in refs
                if r is not keys[0] and r.get("ItemOID", "") in self.item_defs
            ]
            if rows is not None
            else []
        )
        if key_def is None or rows is None or not columns:
            return None
        oid = group.get("OID", "")
        column_list = self.choice_sets.code_list(
            f"columns-{oid}", [Choice(variable_name(item), self._item_label(item)) for _, item in columns]
        )
        responses: list[Representation] = []
        for _, item in columns:
            rep = self._representation(item)
            if rep not in responses:
                responses.append(rep)
        text = self.doc.translated(self.doc.child(group, "Description"), self.texts)
        grid = QuestionGrid(
            agency=self.agency,
            id=self.id("qg", oid),
            version=None,
            name=group.get("Name"),
            text=text or self.texts.lang_text(group.get("Name")),
            dimensions=[GridDimension(rank=1, code_list=rows), GridDimension(rank=2, code_list=column_list)],
            responses=responses,
            user_ids=[("odm:OID", oid)],
        )
        grid_ref = self.add(grid)
        constructs: list[Ref] = []
        for ref, item in [(keys[0], key_def)] + columns:
            variable = self._variable(item)
            if grid_ref not in variable.questions:
                variable.questions.append(grid_ref)
            constructs += self._computation(ref, item)
            condition = self.conditions.get(ref.get("CollectionExceptionConditionOID", ""))
            if condition is not None:
                command = formal_command(self.doc, condition, self.texts)
                variable.user_attributes.append(
                    (
                        "odm:CollectionExceptionCondition",
                        f"{command.program_language or ''}: {command.text}".strip(": "),
                    )
                )
        constructs.append(
            self.add(
                QuestionConstruct(
                    agency=self.agency,
                    id=self.id("qc", oid),
                    version=None,
                    name=group.get("Name"),
                    question=grid_ref,
                )
            )
        )
        return constructs

    # Items --------------------------------------------------------------------------------------------

    def _item_constructs(self, ref: etree._Element) -> list[Ref]:
        """An ItemRef's constructs: its computation (MethodOID), then its question (with its exception)."""
        oid = ref.get("ItemOID", "")
        item = self.item_defs.get(oid)
        if item is None:
            self.problems.append(
                Problem(
                    "warning", f"ItemRef to unknown ItemDef {oid!r}", self.doc.location(ref), "odm-reference"
                )
            )
            return []
        variable = self._variable(item)
        constructs = self._computation(ref, item)
        question = self._question(item)
        if question is None:
            return constructs
        if question not in variable.questions:
            variable.questions.append(question)
        key = ("question", oid)
        if key not in self.constructs:
            self.constructs[key] = self.add(
                QuestionConstruct(
                    agency=self.agency,
                    id=self.id("qc", oid),
                    version=None,
                    name=variable.name,
                    question=question,
                )
            )
        constructs.append(self._excepted(ref, self.reuse(self.constructs[key]), oid))
        return constructs

    def _computation(self, ref: etree._Element, item: etree._Element) -> list[Ref]:
        """The ComputationItem of an ItemRef with a MethodOID (the item's value is derived), else nothing."""
        method = ref.get("MethodOID", "")
        if method not in self.methods:
            return []
        oid = item.get("OID", "")
        key = ("method", oid, method)
        if key not in self.constructs:
            definition = self.methods[method]
            self.constructs[key] = self.add(
                ComputationItem(
                    agency=self.agency,
                    id=self.id("ci", oid),
                    version=None,
                    name=definition.get("Name"),
                    label=self._item_label(item),
                    command=formal_command(self.doc, definition, self.texts),
                )
            )
        return [self.reuse(self.constructs[key])]

    def _excepted(self, ref: etree._Element, construct: Ref, oid: str) -> Ref:
        """The construct inside an IfThenElse when its ref names a CollectionExceptionConditionOID."""
        condition_oid = ref.get("CollectionExceptionConditionOID", "")
        if not condition_oid:
            return construct
        definition = self.conditions.get(condition_oid)
        if definition is None:
            self.problems.append(
                Problem(
                    "warning",
                    f"unknown ConditionDef {condition_oid!r}; the item is kept without its condition",
                    self.doc.location(ref),
                    "odm-reference",
                )
            )
            return construct
        key = ("exception", oid, condition_oid)
        if key not in self.constructs:
            self.constructs[key] = self.add(
                IfThenElse(
                    agency=self.agency,
                    id=self.id("ite", oid, condition_oid),
                    version=None,
                    name=definition.get("Name"),
                    description=dict(EXCEPTION_NOTE),
                    condition=formal_command(self.doc, definition, self.texts),
                    else_=construct,
                )
            )
        return self.reuse(self.constructs[key])

    def _question(self, item: etree._Element) -> Ref | None:
        oid = item.get("OID", "")
        if oid in self.questions:
            found = self.questions[oid]
            return self.reuse(found) if found is not None else None
        text = self.doc.translated(self.doc.child(item, "Question"), self.texts)
        ref = None
        if text:
            instruction = self.doc.translated(self.doc.child(item, "CRFCompletionInstructions"), self.texts)
            prompt = self.doc.translated(self.doc.child(item, "Prompt"), self.texts)
            question = QuestionItem(
                agency=self.agency,
                id=self.id("qi", oid),
                version=None,
                name=variable_name(item),
                text=text,
                responses=[self._representation(item)],
                instruction=instruction or prompt,
                user_ids=self._user_ids(item),
            )
            ref = self.add(question)
        self.questions[oid] = ref
        return ref

    def _variable(self, item: etree._Element) -> Variable:
        oid = item.get("OID", "")
        if oid not in self.variables:
            variable = Variable(
                agency=self.agency,
                id=self.id("v", oid),
                version=None,
                name=variable_name(item),
                label=self._item_label(item),
                representation=self._representation(item),
                user_ids=self._user_ids(item),
            )
            self.add(variable)
            self.variables[oid] = variable
        else:
            self.reuse(self.variables[oid].ref())
        return self.variables[oid]

    def _item_label(self, item: etree._Element) -> LangText:
        return (
            self.doc.translated(self.doc.child(item, "Description"), self.texts)
            or self.doc.translated(self.doc.child(item, "Question"), self.texts)
            or self.texts.lang_text(item.get("Name"))
        )

    def _user_ids(self, item: etree._Element) -> list[tuple[str, str]]:
        ids = [("odm:OID", item.get("OID", ""))]
        for alias in self.doc.children(item, "Alias"):
            if alias.get("Name"):
                ids.append((alias.get("Context") or "odm:Alias", alias.get("Name", "")))
        return ids

    def _representation(self, item: etree._Element) -> Representation:
        code_list = self._code_list(item)
        if code_list is not None:
            return Representation(
                "code",
                code_list=code_list,
                missing_values=declarable_missing(self.choice_sets.missing_codes(code_list)),
            )
        if (item.get("DataType") or "").lower() == "boolean":
            return Representation("code", code_list=self.choice_sets.code_list("boolean", list(YES_NO)))
        return base_representation(self.doc, item, self.units)

    def _code_list(self, item: etree._Element) -> Ref | None:
        ref = self.doc.child(item, "CodeListRef")
        oid = ref.get("CodeListOID", "") if ref is not None else ""
        if not oid:
            return None
        if oid in self.code_lists:
            return self.code_lists[oid]
        definition = self.list_defs.get(oid)
        if definition is None:
            self.problems.append(
                Problem(
                    "warning",
                    f"CodeListRef to unknown CodeList {oid!r}; the item is kept as text",
                    self.doc.location(ref),
                    "odm-reference",
                )
            )
            return None
        choices = []
        for entry in definition:
            if entry.tag not in (self.doc.q("CodeListItem"), self.doc.q("EnumeratedItem")):
                continue
            code = (entry.get("CodedValue") or "").strip()
            label = self.doc.translated(self.doc.child(entry, "Decode"), self.texts) or {
                self.texts.default: code
            }
            choices.append(Choice(code, label, looks_missing(code, label)))
        label = self.doc.translated(
            self.doc.child(definition, "Description"), self.texts
        ) or self.texts.lang_text(definition.get("Name"))
        self.code_lists[oid] = self.choice_sets.code_list(
            oid, choices, label=label, user_ids=[("odm:OID", oid)]
        )
        return self.code_lists[oid]


def _by_oid(elements: list[etree._Element]) -> dict[str, etree._Element]:
    return {element.get("OID", ""): element for element in elements}


def _text(element: etree._Element | None) -> str:
    return "".join(element.itertext()).strip() if element is not None else ""


IMPORTER = OdmImporter()
