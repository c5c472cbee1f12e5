"""The questionnaire items every form importer builds, made one way: XLSForm, LimeSurvey and Qualtrics.

A form importer walks its source and calls these methods in the source's order; the builder makes the DDI
items (stable IDs from source names, `version=None`, the import's agency), keeps IDs unique, shares
identical choice sets through `ChoiceSets`, and collects located problems. `result()` returns the package
or raises `InvalidInput` with every problem when one of them is an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from catalogue.errors import InvalidInput, Location, Problem
from catalogue.model import (
    Command,
    ComputationItem,
    DDIPackage,
    GridDimension,
    IfThenElse,
    Instrument,
    Item,
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
)
from importers.choice_sets import CHECKED, Choice, ChoiceSets, declarable_missing, looks_missing
from importers.identifiers import ddi_id
from importers.label_text import TextLanguages, join_texts
from importers.registry import ImportOptions, ImportResult


@dataclass(slots=True)
class InstrumentBuilder:
    """The items of one import, in the making."""

    file_name: str
    options: ImportOptions
    program_language: str
    items: list[Item] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    choice_sets: ChoiceSets = field(init=False)
    texts: TextLanguages = field(init=False)
    _taken: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.choice_sets = ChoiceSets(self.options.agency, self.options.id_prefix)
        self.texts = TextLanguages(self.options.split_languages, self.options.default_language)

    # Identity and problems ------------------------------------------------------------------------

    def id(self, kind: str, *names: str) -> str:
        """A stable ID from source names, made unique within the import by a numeric suffix."""
        wanted = ddi_id(self.options.id_prefix, kind, *names)
        candidate, suffix = wanted, 2
        while candidate in self._taken:
            candidate, suffix = f"{wanted}-{suffix}", suffix + 1
        self._taken.add(candidate)
        return candidate

    def add(self, item: Item) -> Ref:
        self.items.append(item)
        return item.ref()

    def location(
        self,
        *,
        line: int | None = None,
        element: str | None = None,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> Location:
        return Location(file=self.file_name, line=line, element=element, sheet=sheet, row=row, column=column)

    def warn(self, message: str, location: Location, code: str) -> None:
        self.problems.append(Problem("warning", message, location, code))

    def error(self, message: str, location: Location, code: str) -> None:
        self.problems.append(Problem("error", message, location, code))

    # Code lists ------------------------------------------------------------------------------------

    def choice(self, code: str, label: LangText, missing: bool = False) -> Choice:
        """An answer option, flagged missing when the source says so or when it looks like one."""
        return Choice(code, label, missing or looks_missing(code, label))

    def code_list(self, name: str, choices: list[Choice], label: LangText | None = None) -> Ref:
        return self.choice_sets.code_list(name, choices, label=label)

    def checked_list(self) -> Ref:
        """The 1 = checked / 0 = unchecked list of every multiple-choice dummy variable."""
        return self.choice_sets.code_list("checked", list(CHECKED))

    def coded(
        self,
        code_list: Ref,
        *,
        max_responses: int | None = 1,
        min_responses: int | None = None,
        extra_missing: list[str] | None = None,
    ) -> Representation:
        """A code representation whose missing values are the list's missing codes (those DDI can list)."""
        missing = self.choice_sets.missing_codes(code_list) + list(extra_missing or [])
        return Representation(
            "code",
            code_list=code_list,
            min_responses=min_responses,
            max_responses=max_responses,
            missing_values=listable_missing(missing),
        )

    # Questions and constructs ----------------------------------------------------------------------

    def question(
        self,
        name: str,
        text: LangText,
        responses: list[Representation],
        *,
        instruction: LangText | None = None,
        label: LangText | None = None,
    ) -> Ref:
        return self.add(
            QuestionItem(
                agency=self.options.agency,
                id=self.id("qi", name),
                version=None,
                name=name,
                text=text,
                responses=responses,
                instruction=dict(instruction or {}),
                label=dict(label or {}),
            )
        )

    def grid(
        self,
        name: str,
        text: LangText,
        rows: Ref,
        columns: Ref | None,
        responses: list[Representation],
        *,
        instruction: LangText | None = None,
        row_label: LangText | None = None,
        column_label: LangText | None = None,
    ) -> Ref:
        """A QuestionGrid: rank 1 lists the rows, rank 2 (when given) the columns, then the cell domain(s)."""
        dimensions = [GridDimension(1, rows, label=dict(row_label or {}))]
        if columns is not None:
            dimensions.append(GridDimension(2, columns, label=dict(column_label or {})))
        return self.add(
            QuestionGrid(
                agency=self.options.agency,
                id=self.id("qg", name),
                version=None,
                name=name,
                text=text,
                dimensions=dimensions,
                responses=responses,
                instruction=dict(instruction or {}),
            )
        )

    def construct(self, name: str, question: Ref) -> Ref:
        return self.add(
            QuestionConstruct(
                agency=self.options.agency, id=self.id("qc", name), version=None, name=name, question=question
            )
        )

    def statement(self, name: str, text: LangText) -> Ref:
        return self.add(
            StatementItem(
                agency=self.options.agency, id=self.id("st", name), version=None, name=name, text=text
            )
        )

    def computation(self, name: str, formula: str, label: LangText | None = None) -> Ref:
        return self.add(
            ComputationItem(
                agency=self.options.agency,
                id=self.id("comp", name),
                version=None,
                name=name,
                label=dict(label or {}),
                command=Command(self.program_language, formula),
            )
        )

    def guarded(self, name: str, construct: Ref, condition: str, description: LangText | None = None) -> Ref:
        """The construct wrapped in an IfThenElse keeping the source's condition verbatim, in its dialect."""
        return self.add(
            IfThenElse(
                agency=self.options.agency,
                id=self.id("ite", name),
                version=None,
                name=name,
                condition=Command(self.program_language, condition, dict(description or {})),
                then=construct,
            )
        )

    def sequence(self, name: str, children: list[Ref], label: LangText | None = None) -> Ref:
        return self.add(
            Sequence(
                agency=self.options.agency,
                id=self.id("seq", name),
                version=None,
                name=name,
                label=dict(label or {}),
                children=children,
            )
        )

    def loop(
        self,
        name: str,
        children: list[Ref],
        label: LangText | None = None,
        *,
        loop_while: Command | None = None,
        initial_value: Command | None = None,
    ) -> Ref:
        """A Loop over a body Sequence (DDI-L allows one child: the body is always a Sequence)."""
        body = self.sequence(f"{name}-body", children, label)
        return self.add(
            Loop(
                agency=self.options.agency,
                id=self.id("loop", name),
                version=None,
                name=name,
                label=dict(label or {}),
                initial_value=initial_value,
                loop_while=loop_while,
                body=body,
            )
        )

    def instrument(
        self,
        name: str,
        root: Ref,
        label: LangText | None = None,
        user_attributes: list[tuple[str, str]] | None = None,
    ) -> Ref:
        return self.add(
            Instrument(
                agency=self.options.agency,
                id=self.id("instr", name),
                version=None,
                name=name,
                label=dict(label or {}),
                root=root,
                user_attributes=list(user_attributes or []),
            )
        )

    # Variables -------------------------------------------------------------------------------------

    def variable(
        self,
        name: str,
        label: LangText,
        representation: Representation | None,
        questions: list[Ref] | None = None,
        user_attributes: list[tuple[str, str]] | None = None,
    ) -> Ref:
        return self.add(
            Variable(
                agency=self.options.agency,
                id=self.id("v", name),
                version=None,
                name=name,
                label=dict(label),
                representation=representation,
                questions=list(questions or []),
                user_attributes=list(user_attributes or []),
            )
        )

    def part_label(self, stem: LangText, *parts: LangText) -> LangText:
        """ "Question: part" per language, for the variables of one row, choice or cell of a question."""
        trimmed = {lang: text.rstrip(" :") for lang, text in stem.items()}
        return join_texts([trimmed, *parts], ": ")

    # The outcome -----------------------------------------------------------------------------------

    def result(self, study: StudyInfo | None = None) -> ImportResult:
        """The package (code lists and categories included), or InvalidInput listing every problem."""
        if any(p.severity == "error" for p in self.problems):
            raise InvalidInput(self.problems)
        package = DDIPackage(
            study=study, items=self.items + self.choice_sets.items, source_name=self.file_name
        )
        return ImportResult(package=package, problems=self.problems)


def listable_missing(codes: list[str]) -> list[str]:
    """Missing codes DDI's @missingValue can carry, in order, once each."""
    return list(dict.fromkeys(declarable_missing([code.strip() for code in codes if code.strip()])))
