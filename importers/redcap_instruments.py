"""REDCap fields → the catalogue's model: one Instrument per form, questions, grids, routing and variables.

Shared by the data dictionary (CSV) and the project XML importers. Per form: an `Instrument` whose top
`Sequence` holds one section `Sequence` per Section Header; each field becomes a `QuestionConstruct` on a
`QuestionItem` (a `StatementItem` for descriptive text, a `ComputationItem` for calc fields), wrapped in an
`IfThenElse` carrying the raw Branching Logic; rows sharing a Matrix Group Name become one `QuestionGrid`.
Each data column is a `Variable` (checkboxes: one per choice, `field___code`). Events become waves: a form
run in one event is placed in that wave, a form run in several is shared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from catalogue.errors import Problem
from catalogue.model import (
    Command,
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
    StatementItem,
    StudyInfo,
    Variable,
    WaveInfo,
)
from importers.choice_sets import (
    CHECKED,
    TRUE_FALSE,
    YES_NO,
    Choice,
    ChoiceSets,
    declarable_missing,
    looks_missing,
    place_code_lists,
)
from importers.identifiers import ddi_id
from importers.label_text import TextLanguages, join_texts, plain_text
from importers.redcap_fields import (
    CODED_TYPES,
    FIELD_TYPES,
    RedcapField,
    action_tags,
    checkbox_variable,
    referenced_fields,
    slider_representation,
    text_representation,
)
from importers.registry import ImportOptions, ImportResult

PROGRAM_LANGUAGE = "REDCap"
IDENTIFIER_ATTRIBUTE = ("ddicat:identifier", "true")


@dataclass(slots=True)
class RedcapEvent:
    """One event of a longitudinal project (a wave): its unique name, display name, arm and forms."""

    unique_name: str
    title: str
    forms: list[str] = field(default_factory=list)
    arm_num: str | None = None
    arm_name: str | None = None
    day_offset: str | None = None
    offset_min: str | None = None
    offset_max: str | None = None
    repeating: bool = False


@dataclass(slots=True)
class RedcapProject:
    """What one REDCap export says, whichever its format: fields, forms, events, project settings."""

    file_name: str
    fields: list[RedcapField]
    form_labels: dict[str, str] = field(default_factory=dict)
    events: list[RedcapEvent] = field(default_factory=list)
    repeating_forms: dict[str, list[str]] = field(default_factory=dict)
    missing_codes: list[tuple[str, str]] = field(default_factory=list)
    title: str = ""
    description: str = ""
    problems: list[Problem] = field(default_factory=list)


def build_package(project: RedcapProject, options: ImportOptions) -> ImportResult:
    """The package for a REDCap project; problems are returned, the caller raises on errors."""
    builder = _Builder(project, options)
    builder.build()
    package = DDIPackage(
        source_name=project.file_name,
        study=builder.study,
        waves=builder.waves,
        items=builder.items + builder.choice_sets.items,
    )
    if builder.waves:
        package.placement = {item.key: builder.placement.get(item.key) for item in package.items}
        place_code_lists(package.items, package.placement)
    return ImportResult(package=package, problems=project.problems + builder.problems)


class _Builder:
    """One pass over the fields of a project, form by form."""

    def __init__(self, project: RedcapProject, options: ImportOptions) -> None:
        self.project = project
        self.agency = options.agency
        self.prefix = options.id_prefix
        self.texts = TextLanguages(options.split_languages, options.default_language)
        self.choice_sets = ChoiceSets(options.agency, options.id_prefix)
        self.items: list[Item] = []
        self.problems: list[Problem] = []
        self.placement: dict[ItemKey, str | None] = {}
        self.study: StudyInfo | None = None
        self.waves: list[WaveInfo] = []
        self.variables: dict[str, list[Variable]] = {}
        self.variable_names: set[str] = set()
        self.field_types: dict[str, str] = {}
        self.calcs: list[tuple[RedcapField, Variable]] = []
        self.grids_built: set[str] = set()
        self.missing_choices = [
            Choice(code, self.texts.lang_text(label), True) for code, label in project.missing_codes
        ]
        self._wave_of_form: dict[str, str | None] = {}
        self._current_wave: str | None = None

    def id(self, kind: str, *names: str) -> str:
        return ddi_id(self.prefix, kind, *names)

    def add(self, item: Item) -> Ref:
        self.items.append(item)
        if self._current_wave is not None:
            self.placement[item.key] = self._current_wave
        return item.ref()

    # The project --------------------------------------------------------------------------------------

    def build(self) -> None:
        fields = self._checked_fields()
        self._build_waves()
        forms: dict[str, list[RedcapField]] = {}
        for rf in fields:
            forms.setdefault(rf.form, []).append(rf)
        for form, form_fields in forms.items():
            self._current_wave = self._wave_of_form.get(form)
            self._build_form(form, form_fields)
        self._current_wave = None
        self._link_calculations()
        self._check_references(fields)

    def _checked_fields(self) -> list[RedcapField]:
        kept: list[RedcapField] = []
        seen: set[str] = set()
        for rf in self.project.fields:
            if not rf.name:
                self.problems.append(
                    Problem("error", "a field has no Variable / Field Name", rf.location, "redcap-field")
                )
                continue
            if not rf.form:
                self.problems.append(
                    Problem("error", f"field {rf.name!r} has no Form Name", rf.location, "redcap-field")
                )
                continue
            if rf.name in seen:
                self.problems.append(
                    Problem("error", f"field {rf.name!r} is defined twice", rf.location, "redcap-duplicate")
                )
                continue
            seen.add(rf.name)
            if rf.field_type not in FIELD_TYPES:
                self.problems.append(
                    Problem(
                        "warning",
                        f"field {rf.name!r}: unknown field type {rf.field_type!r}, read as text",
                        rf.location,
                        "redcap-field-type",
                    )
                )
                rf.field_type = "text"
            if rf.field_type in CODED_TYPES and not rf.choices:
                self.problems.append(
                    Problem(
                        "error",
                        f"{rf.field_type} field {rf.name!r} has no choices",
                        rf.location,
                        "redcap-choice",
                    )
                )
                continue
            self.field_types[rf.name] = rf.field_type
            kept.append(rf)
        return kept

    def _build_waves(self) -> None:
        project = self.project
        if not project.events:
            return
        arms = {event.arm_num for event in project.events}
        self.study = StudyInfo(
            agency=self.agency,
            id=self.id("study"),
            version="1",
            element="Group",
            title=self.texts.lang_text(project.title),
            abstract=self.texts.lang_text(project.description),
        )
        runs: dict[str, list[str]] = {}
        for event in project.events:
            attributes = {"redcap:uniqueEventName": event.unique_name}
            for key, value in (
                ("redcap:armNum", event.arm_num),
                ("redcap:armName", event.arm_name),
                ("redcap:dayOffset", event.day_offset),
                ("redcap:offsetMin", event.offset_min),
                ("redcap:offsetMax", event.offset_max),
            ):
                if value:
                    attributes[key] = value
            if event.repeating:
                attributes["redcap:repeatingEvent"] = "true"
            title = event.title
            if len(arms) > 1 and event.arm_num and "(Arm " not in title:
                title = f"{title} (Arm {event.arm_num}: {event.arm_name or event.arm_num})"
            wave = WaveInfo(
                agency=self.agency,
                id=self.id("wave", event.unique_name),
                version="1",
                name=event.unique_name,
                title=self.texts.lang_text(title),
                attributes=attributes,
            )
            wave.instruments = [
                Ref(self.agency, self.id("instr", form), None, "Instrument") for form in event.forms
            ]
            self.waves.append(wave)
            for form in event.forms:
                runs.setdefault(form, []).append(wave.id)
        self._wave_of_form = {form: ids[0] if len(set(ids)) == 1 else None for form, ids in runs.items()}

    # One form -----------------------------------------------------------------------------------------

    def _build_form(self, form: str, fields: list[RedcapField]) -> None:
        top: list[Ref] = []
        children = top
        matrices_done: set[str] = set()
        for rf in fields:
            header = self.texts.lang_text(rf.section_header)
            if header:
                section = Sequence(
                    agency=self.agency,
                    id=self.id("seq", form, rf.name),
                    version=None,
                    name=f"section_{rf.name}",
                    label=header,
                )
                top.append(self.add(section))
                children = section.children
            if rf.matrix_group:
                if rf.matrix_group not in matrices_done:
                    matrices_done.add(rf.matrix_group)
                    children.append(
                        self._grid(form, [f for f in fields if f.matrix_group == rf.matrix_group])
                    )
                continue
            construct = self._field_construct(rf)
            if construct is not None:
                children.append(construct)
        sequence = Sequence(
            agency=self.agency,
            id=self.id("seq", form),
            version=None,
            name=form,
            label=self.texts.lang_text(self.project.form_labels.get(form)),
            children=top,
        )
        root = self.add(sequence)
        repeats = self._repeats(form)
        if repeats:
            loop = Loop(
                agency=self.agency,
                id=self.id("loop", form),
                version=None,
                name=form,
                body=root,
                user_attributes=[("redcap:repeatingIn", " ".join(repeats))],
            )
            root = self.add(loop)
        instrument = Instrument(
            agency=self.agency,
            id=self.id("instr", form),
            version=None,
            name=form,
            label=self.texts.lang_text(self.project.form_labels.get(form)),
            root=root,
        )
        self.add(instrument)

    def _repeats(self, form: str) -> list[str]:
        events = list(self.project.repeating_forms.get(form, []))
        for event in self.project.events:
            if event.repeating and form in event.forms and event.unique_name not in events:
                events.append(event.unique_name)
        return events

    def _field_construct(self, rf: RedcapField) -> Ref | None:
        kind = rf.field_type
        label = self.texts.lang_text(rf.label)
        if kind == "descriptive":
            statement = StatementItem(
                agency=self.agency, id=self.id("st", rf.name), version=None, name=rf.name, text=label
            )
            return self._guarded(rf, self.add(statement))
        if kind == "calc":
            computation = ComputationItem(
                agency=self.agency,
                id=self.id("ci", rf.name),
                version=None,
                name=rf.name,
                label=label,
                command=Command(PROGRAM_LANGUAGE, rf.calculation),
            )
            ref = self.add(computation)
            variable = self._variable(rf, rf.name, label, self._calc_representation(rf), [])
            if variable is not None:
                variable.user_attributes.append(("redcap:calculation", rf.calculation))
                self.calcs.append((rf, variable))
            return self._guarded(rf, ref)
        if kind == "sql":
            self.problems.append(
                Problem(
                    "warning",
                    f"SQL field {rf.name!r}: its choices come from a query run by "
                    "the REDCap server; imported as text",
                    rf.location,
                    "redcap-sql",
                )
            )
        response = self._response(rf)
        question = QuestionItem(
            agency=self.agency,
            id=self.id("qi", rf.name),
            version=None,
            name=rf.name,
            text=label,
            responses=[response],
            instruction=self.texts.lang_text(rf.note),
        )
        if kind == "slider":
            question.responses[0].label = self._slider_label(rf)
        question_ref = self.add(question)
        self._field_variables(rf, label, question_ref, response)
        construct = QuestionConstruct(
            agency=self.agency, id=self.id("qc", rf.name), version=None, name=rf.name, question=question_ref
        )
        return self._guarded(rf, self.add(construct))

    def _guarded(self, rf: RedcapField, construct: Ref, name: str | None = None) -> Ref:
        """The construct, or the IfThenElse asking it only when the Branching Logic holds."""
        if not rf.branching.strip():
            return construct
        name = name or rf.name
        routing = IfThenElse(
            agency=self.agency,
            id=self.id("ite", name),
            version=None,
            name=f"if_{name}",
            condition=Command(PROGRAM_LANGUAGE, rf.branching.strip()),
            then=construct,
        )
        return self.add(routing)

    # Matrices -----------------------------------------------------------------------------------------

    def _grid(self, form: str, rows: list[RedcapField]) -> Ref:
        group = rows[0].matrix_group
        names = (group,) if group not in self.grids_built else (form, group)
        self.grids_built.add(group)
        first = rows[0]
        for row in rows[1:]:
            if row.field_type != first.field_type or row.choices != first.choices:
                self.problems.append(
                    Problem(
                        "warning",
                        f"matrix {group!r}: row {row.name!r} does not share the choices of {first.name!r}; "
                        "the grid shows the first row's",
                        row.location,
                        "redcap-matrix",
                    )
                )
        rows_ref = self.choice_sets.code_list(
            "rows-" + "-".join(names), [Choice(row.name, self.texts.lang_text(row.label)) for row in rows]
        )
        response = self._response(first)
        grid = QuestionGrid(
            agency=self.agency,
            id=self.id("qg", *names),
            version=None,
            name=group,
            text=self.texts.lang_text(first.section_header),
            dimensions=[GridDimension(rank=1, code_list=rows_ref)],
            responses=[response],
            instruction=self.texts.lang_text(first.note),
        )
        grid_ref = self.add(grid)
        for row in rows:
            self._field_variables(row, self.texts.lang_text(row.label), grid_ref, self._response(row))
        construct = QuestionConstruct(
            agency=self.agency, id=self.id("qc", "grid", *names), version=None, name=group, question=grid_ref
        )
        construct_ref = self.add(construct)
        logics = {row.branching.strip() for row in rows}
        if len(logics) == 1:
            return self._guarded(first, construct_ref, name="-".join(("grid",) + names))
        self.problems.append(
            Problem(
                "warning",
                f"matrix {group!r}: its rows have different branching logic; each row's is kept on its "
                "variables (redcap:branchingLogic), the grid is asked unconditionally",
                first.location,
                "redcap-matrix",
            )
        )
        for row in rows:
            if row.branching.strip():
                for variable in self.variables.get(row.name, []):
                    variable.user_attributes.append(("redcap:branchingLogic", row.branching.strip()))
        return construct_ref

    # Representations and variables --------------------------------------------------------------------

    def _response(self, rf: RedcapField) -> Representation:
        kind = rf.field_type
        if kind in ("radio", "dropdown"):
            return self._coded(rf.name, self._choices(rf) + self.missing_choices)
        if kind == "checkbox":
            ref = self.choice_sets.code_list(rf.name, self._choices(rf))
            return Representation("code", code_list=ref, min_responses=0, max_responses=len(rf.choices))
        if kind == "yesno":
            return self._coded("yesno", list(YES_NO) + self.missing_choices)
        if kind == "truefalse":
            return self._coded("truefalse", list(TRUE_FALSE) + self.missing_choices)
        if kind == "slider":
            return self._with_missing(slider_representation(rf, self.problems))
        if kind == "file":
            return Representation("other", format=rf.validation or "file")
        if kind in ("text", "notes", "sql"):
            return self._with_missing(
                text_representation(rf, self.problems) if kind == "text" else Representation("text")
            )
        return Representation("text")

    def _coded(self, name: str, choices: list[Choice]) -> Representation:
        ref = self.choice_sets.code_list(name, _unique(choices))
        return Representation(
            "code", code_list=ref, missing_values=declarable_missing(self.choice_sets.missing_codes(ref))
        )

    def _with_missing(self, rep: Representation) -> Representation:
        rep.missing_values = declarable_missing([choice.code for choice in self.missing_choices])
        return rep

    def _choices(self, rf: RedcapField) -> list[Choice]:
        choices = []
        for code, raw_label in rf.choices:
            label = self.texts.lang_text(raw_label)
            choices.append(Choice(code, label, looks_missing(code, label)))
        return choices

    def _calc_representation(self, rf: RedcapField) -> Representation:
        if rf.validation:
            return self._with_missing(text_representation(rf, self.problems))
        return self._with_missing(Representation("numeric", numeric_type="Decimal"))

    def _slider_label(self, rf: RedcapField) -> LangText:
        anchors = [self.texts.lang_text(text) for text in rf.slider_labels if plain_text(text)]
        return join_texts(anchors, " | ")

    def _field_variables(
        self, rf: RedcapField, label: LangText, question: Ref, response: Representation
    ) -> None:
        if rf.field_type == "checkbox":
            checked = self._coded("checked", list(CHECKED))
            for (code, _raw), choice in zip(rf.choices, self._choices(rf), strict=True):
                rep = Representation("code", code_list=checked.code_list)
                self._variable(
                    rf,
                    checkbox_variable(rf.name, code),
                    join_texts([label, choice.label], ": "),
                    rep,
                    [question],
                )
            return
        rep = replace(
            response,
            missing_values=list(response.missing_values),
            label=dict(response.label),
            min_responses=None,
            max_responses=None,
        )
        self._variable(rf, rf.name, label, rep, [question])

    def _variable(
        self, rf: RedcapField, name: str, label: LangText, rep: Representation, questions: list[Ref]
    ) -> Variable | None:
        if name in self.variable_names:
            self.problems.append(
                Problem(
                    "error",
                    f"variable {name!r} (from field {rf.name!r}) is defined twice",
                    rf.location,
                    "redcap-duplicate",
                )
            )
            return None
        self.variable_names.add(name)
        attributes: list[tuple[str, str]] = []
        if rf.identifier:
            attributes.append(IDENTIFIER_ATTRIBUTE)
        if rf.annotation.strip():
            attributes += action_tags(rf.annotation)
        variable = Variable(
            agency=self.agency,
            id=self.id("v", name),
            version=None,
            name=name,
            label=label,
            representation=rep,
            questions=questions,
            user_attributes=attributes,
        )
        self.add(variable)
        self.variables.setdefault(rf.name, []).append(variable)
        return variable

    # Cross-field links and checks ---------------------------------------------------------------------

    def _link_calculations(self) -> None:
        """A calc variable's sources: the variables its formula reads."""
        for rf, variable in self.calcs:
            sources: list[Ref] = []
            for name, code in referenced_fields(rf.calculation):
                targets = self.variables.get(name, [])
                if code is not None and self.field_types.get(name) == "checkbox":
                    wanted = checkbox_variable(name, code)
                    targets = [v for v in targets if v.name == wanted]
                sources += [t.ref() for t in targets if t is not variable and t.ref() not in sources]
            variable.source_variables = sources

    def _check_references(self, fields: list[RedcapField]) -> None:
        """Branching logic and calculations naming a field the project does not have: a warning each."""
        events = {event.unique_name for event in self.project.events}
        for rf in fields:
            for what, expression in (("branching logic", rf.branching), ("calculation", rf.calculation)):
                for match in re.finditer(
                    r"\[([A-Za-z][A-Za-z0-9_]*)(?:\([^)]*\))?(?::[A-Za-z0-9_-]+)?\](\[)?", expression
                ):
                    name, followed = match.group(1), match.group(2)
                    if followed or name in self.field_types or name in events:
                        continue
                    self.problems.append(
                        Problem(
                            "warning",
                            f"the {what} of {rf.name!r} refers to [{name}], which is not a field of this "
                            "file",
                            rf.location,
                            "redcap-reference",
                        )
                    )


def _unique(choices: list[Choice]) -> list[Choice]:
    """The first choice of each code (a project missing code may repeat a field's own)."""
    kept: dict[str, Choice] = {}
    for choice in choices:
        kept.setdefault(choice.code, choice)
    return list(kept.values())
