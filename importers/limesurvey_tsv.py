"""LimeSurvey's tab-separated survey structure (.txt/.tsv export, also written by converters) into the model.

Columns `class, type/scale, name, relevance, text, help, language, …` (plus `id, related_id` and question
attributes in newer exports), read with `csv.QUOTE_NONE` because texts carry unbalanced quotes. Row
classes: S (survey setting), SL (language setting), G (group), Q (question), SQ (subquestion), A (answer).
Every language repeats the G/Q/SQ/A rows: a group is matched across languages by its `id` (or its number in
`type/scale`, or its rank among the groups of that language), a question by its code within its group, a
subquestion or an answer by its code and scale within its question. The survey is then built like an .lss.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import PurePath

from catalogue.errors import InvalidInput, Location, Problem
from importers.instrument_builder import InstrumentBuilder
from importers.limesurvey import (
    PROGRAM_LANGUAGE,
    LsAnswer,
    LsGroup,
    LsQuestion,
    LsSubquestion,
    LsSurvey,
    build_survey,
    check_size,
)
from importers.registry import ImportOptions, ImportResult
from importers.text_decoding import decode_text

REQUIRED_COLUMNS = ("class", "type/scale", "name")
CORE_COLUMNS = frozenset(
    {
        "id",
        "related_id",
        "class",
        "type/scale",
        "name",
        "relevance",
        "text",
        "help",
        "language",
        "validation",
        "mandatory",
        "encrypted",
        "other",
        "default",
        "same_default",
    }
)
ROW_CLASSES = frozenset({"S", "SL", "G", "Q", "SQ", "A"})


@dataclass(slots=True)
class _Context:
    """The group and question the rows of one language currently belong to."""

    group: LsGroup | None = None
    question: LsQuestion | None = None
    groups_seen: int = 0


@dataclass(slots=True)
class _TsvReader:
    file_name: str
    b: InstrumentBuilder
    groups: dict[str, LsGroup] = field(default_factory=dict)
    questions: dict[tuple[str, str], LsQuestion] = field(default_factory=dict)
    contexts: dict[str, _Context] = field(default_factory=dict)
    settings: dict[str, str] = field(default_factory=dict)
    survey: LsSurvey = field(default_factory=lambda: LsSurvey("", []))

    def loc(self, row: int, column: str | None = None) -> Location:
        return self.b.location(line=row, row=row, column=column)

    def read(self, text: str) -> LsSurvey:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t", quoting=csv.QUOTE_NONE)
        header = [cell.strip().lower() for cell in next(reader, [])]
        if header:
            header[0] = header[0].lstrip("\ufeff")
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise InvalidInput(
                [
                    Problem(
                        "error",
                        f"not a LimeSurvey structure file: no column {', '.join(missing)}",
                        self.loc(1),
                        "not-limesurvey-tsv",
                    )
                ]
            )
        needed = max(header.index(c) for c in ("class", "type/scale", "name", "language") if c in header) + 1
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) < needed:
                self.b.warn(
                    f"row has {len(cells)} of {len(header)} columns (a truncated file or a line break "
                    "inside a text?): ignored",
                    self.loc(number),
                    "limesurvey-tsv-row",
                )
                continue
            row = {name: cells[i] if i < len(cells) else "" for i, name in enumerate(header)}
            self._row(number, row, header)
        languages = [self.settings.get("language", "")] + self.settings.get(
            "additional_languages", ""
        ).split()
        self.survey.languages = [lang for lang in dict.fromkeys(languages) if lang] or list(self.contexts)
        self.survey.survey_id = self.settings.get("sid", "")
        self.survey.groups = list(self.groups.values())
        return self.survey

    def _row(self, number: int, row: dict[str, str], header: list[str]) -> None:
        kind = row["class"].strip().upper()
        language = row.get("language", "").strip()
        context = self.contexts.setdefault(language, _Context())
        texts = self.b.texts
        if kind == "S":
            self.settings.setdefault(row["name"].strip(), row.get("text", "").strip())
        elif kind == "SL":
            if row["name"].strip() == "surveyls_title":
                self.survey.title.update(texts.lang_text(row.get("text", ""), language or None))
        elif kind == "G":
            context.groups_seen += 1
            key = row.get("id", "").strip() or row["type/scale"].strip() or str(context.groups_seen)
            group = self.groups.setdefault(
                key, LsGroup(key, float(len(self.groups)), relevance=row.get("relevance", "").strip() or "1")
            )
            group.name.update(texts.lang_text(row["name"], language or None))
            group.description.update(texts.lang_text(row.get("text", ""), language or None))
            context.group, context.question = group, None
        elif kind == "Q":
            self._question(number, row, header, context, language)
        elif kind in ("SQ", "A"):
            self._option(number, row, kind, context, language)
        elif kind not in ROW_CLASSES and not kind.startswith("QTA"):
            self.b.warn(
                f"unknown row class {row['class']!r}: ignored",
                self.loc(number, "class"),
                "limesurvey-tsv-class",
            )

    def _question(
        self, number: int, row: dict[str, str], header: list[str], context: _Context, language: str
    ) -> None:
        if context.group is None:
            context.group = self.groups.setdefault("", LsGroup("", float(len(self.groups))))
        code = row["name"].strip()
        key = (context.group.key, row.get("id", "").strip() or code)
        question = self.questions.get(key)
        if question is None:
            question = LsQuestion(
                f"{key[0]}/{key[1]}",
                code,
                row["type/scale"].strip(),
                float(len(context.group.questions)),
                relevance=row.get("relevance", "").strip() or "1",
                other=row.get("other", "").strip() == "Y",
                location=self.loc(number, "name"),
            )
            question.attributes = {
                name: row[name].strip()
                for name in header
                if name not in CORE_COLUMNS and row.get(name, "").strip()
            }
            self.questions[key] = question
            context.group.questions.append(question)
        question.text.update(self.b.texts.lang_text(row.get("text", ""), language or None))
        question.help.update(self.b.texts.lang_text(row.get("help", ""), language or None))
        if not question.raw_text:
            question.raw_text = row.get("text", "")
        context.question = question

    def _option(self, number: int, row: dict[str, str], kind: str, context: _Context, language: str) -> None:
        question = context.question
        if question is None:
            self.b.warn(
                f"{kind} row {row['name']!r} follows no question: ignored",
                self.loc(number, "class"),
                "limesurvey-tsv-row",
            )
            return
        code, scale = row["name"].strip(), row["type/scale"].strip() or "0"
        text = self.b.texts.lang_text(row.get("text", ""), language or None)
        if kind == "SQ":
            sub = next((s for s in question.subquestions if s.title == code and s.scale == scale), None)
            if sub is None:
                sub = LsSubquestion(code, scale, float(len(question.subquestions)))
                question.subquestions.append(sub)
            sub.text.update(text)
        else:
            answer = next((a for a in question.answers if a.code == code and a.scale == scale), None)
            if answer is None:
                answer = LsAnswer(code, scale, float(len(question.answers)))
                question.answers.append(answer)
            answer.text.update(text)


class LimeSurveyTsvImporter:
    """LimeSurvey survey structure as tab-separated text."""

    name = "limesurvey-tsv"
    title = "LimeSurvey survey structure (.txt/.tsv)"
    extensions = (".txt", ".tsv")

    def sniff(self, file_name: str, data: bytes) -> bool:
        """A first line of tab-separated headers including class, type/scale and name."""
        first = data[:4096].split(b"\n", 1)[0].decode("utf-8", "replace").lstrip("\ufeff").rstrip("\r")
        header = [cell.strip().lower() for cell in first.split("\t")]
        return all(column in header for column in REQUIRED_COLUMNS)

    def read(self, file_name: str, data: bytes, options: ImportOptions | None = None) -> ImportResult:
        options = options or ImportOptions()
        check_size(file_name, data)
        text, _encoding, problems = decode_text(data, file_name)
        builder = InstrumentBuilder(file_name, options, PROGRAM_LANGUAGE)
        builder.problems.extend(problems)
        survey = _TsvReader(file_name, builder).read(text)
        if not survey.survey_id:
            survey.survey_id = PurePath(file_name).stem
        return build_survey(survey, builder)


IMPORTER = LimeSurveyTsvImporter()
