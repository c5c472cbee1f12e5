"""LimeSurvey surveys (.lss) into the model; the TSV structure export shares the building (limesurvey_tsv).

Both readers fill one `LsSurvey` (groups → questions → subquestions and answers, texts per language), and
`build_survey` turns it into DDI items: one Instrument whose top Sequence holds a Sequence per group;
`relevance` other than "1" → IfThenElse (program language "LimeSurvey-ExpressionScript"); `X` →
StatementItem; `*` → ComputationItem + Variable; arrays (F A B C E H 1 : ;) → QuestionGrid (rank 1 = the
subquestions, rank 2 = the answer options or the second-scale subquestions; dual-scale `1` has one code
domain per scale); K and Q → a one-dimension grid of numeric or text cells; M and P → one question with a
code domain allowing several answers.

Variables follow LimeSurvey's question-code naming (the names ExpressionScript, SPSS and R exports use):
`title` for a single answer, `title_sub` per subquestion, `title_row_col` for `:`/`;` arrays,
`title_sub_0`/`title_sub_1` for dual scale, `title_other`, `title_comment`, `title_subcomment` (P),
`title_1`… per rank of an `R` ranking. Multiple-choice dummies use the 1 = checked / 0 = unchecked list.
.lss: LimeSurvey 4–6 texts live in `*_l10ns` tables; LimeSurvey 3 exports carry `language` columns in the
main tables. Both are read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePath

from lxml import etree

from catalogue.errors import InvalidInput, Location, Problem
from catalogue.model import LangText, Ref, Representation
from importers.choice_sets import Choice
from importers.instrument_builder import InstrumentBuilder
from importers.label_text import plain_text
from importers.registry import ImportOptions, ImportResult

PROGRAM_LANGUAGE = "LimeSurvey-ExpressionScript"
MAX_SURVEY_BYTES = 64 * 1024 * 1024
_YES = {"en": "Yes", "fr": "Oui"}
_NO = {"en": "No", "fr": "Non"}
# Answer options LimeSurvey fixes for some question types (its interface translates them).
FIXED_ANSWERS: dict[str, list[tuple[str, LangText]]] = {
    "5": [(str(i), {"en": str(i), "fr": str(i)}) for i in range(1, 6)],
    "A": [(str(i), {"en": str(i), "fr": str(i)}) for i in range(1, 6)],
    "B": [(str(i), {"en": str(i), "fr": str(i)}) for i in range(1, 11)],
    "C": [("Y", _YES), ("U", {"en": "Uncertain", "fr": "Incertain"}), ("N", _NO)],
    "E": [
        ("I", {"en": "Increase", "fr": "Augmentation"}),
        ("S", {"en": "Same", "fr": "Sans changement"}),
        ("D", {"en": "Decrease", "fr": "Diminution"}),
    ],
    "G": [("F", {"en": "Female", "fr": "Féminin"}), ("M", {"en": "Male", "fr": "Masculin"})],
    "Y": [("Y", _YES), ("N", _NO)],
}
SINGLE_TYPES = frozenset({"L", "!", "O", "5", "G", "Y", "I"})
ARRAY_TYPES = frozenset({"F", "A", "B", "C", "E", "H", "1", ":", ";"})
TEXT_TYPES = frozenset({"S", "T", "U"})
OTHER_CODE = "-oth-"


@dataclass(slots=True)
class LsAnswer:
    code: str
    scale: str
    order: float
    text: LangText = field(default_factory=dict)


@dataclass(slots=True)
class LsSubquestion:
    title: str
    scale: str
    order: float
    text: LangText = field(default_factory=dict)


@dataclass(slots=True)
class LsQuestion:
    """A question: its code (`title`), type, relevance, texts, subquestions, answers and attributes."""

    key: str
    title: str
    type: str
    order: float
    relevance: str = "1"
    other: bool = False
    text: LangText = field(default_factory=dict)
    help: LangText = field(default_factory=dict)
    raw_text: str = ""
    subquestions: list[LsSubquestion] = field(default_factory=list)
    answers: list[LsAnswer] = field(default_factory=list)
    attributes: dict[str, str] = field(default_factory=dict)
    location: Location = field(default_factory=Location)


@dataclass(slots=True)
class LsGroup:
    key: str
    order: float
    name: LangText = field(default_factory=dict)
    description: LangText = field(default_factory=dict)
    relevance: str = "1"
    questions: list[LsQuestion] = field(default_factory=list)


@dataclass(slots=True)
class LsSurvey:
    """A survey as both LimeSurvey formats describe it."""

    survey_id: str
    languages: list[str]
    title: LangText = field(default_factory=dict)
    groups: list[LsGroup] = field(default_factory=list)


def order_of(value: str | None) -> float:
    try:
        return float(value or 0)
    except ValueError:
        return 0.0


# The .lss reader --------------------------------------------------------------------------------------------

Row = dict[str, str]


class LimeSurveyImporter:
    """LimeSurvey survey structure files (.lss)."""

    name = "limesurvey"
    title = "LimeSurvey survey (.lss)"
    extensions = (".lss",)

    def sniff(self, file_name: str, data: bytes) -> bool:
        head = data[:4096]
        return b"<document>" in head and b"<LimeSurveyDocType>Survey</LimeSurveyDocType>" in head

    def read(self, file_name: str, data: bytes, options: ImportOptions | None = None) -> ImportResult:
        options = options or ImportOptions()
        check_size(file_name, data)
        builder = InstrumentBuilder(file_name, options, PROGRAM_LANGUAGE)
        survey = _read_lss(file_name, data, builder)
        return build_survey(survey, builder)


def check_size(file_name: str, data: bytes) -> None:
    """Refuse an empty file, and one far larger than any survey structure, before parsing it."""
    if not data.strip():
        raise InvalidInput([Problem("error", "the file is empty", Location(file=file_name), "empty")])
    if len(data) > MAX_SURVEY_BYTES:
        raise InvalidInput(
            [
                Problem(
                    "error",
                    f"{len(data):,} bytes is more than the {MAX_SURVEY_BYTES:,} bytes a survey structure "
                    "may have",
                    Location(file=file_name),
                    "too-large",
                )
            ]
        )


def _read_lss(file_name: str, data: bytes, b: InstrumentBuilder) -> LsSurvey:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, load_dtd=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise InvalidInput(
            [
                Problem(
                    "error",
                    f"not well-formed XML: {error.msg}",
                    Location(file=file_name, line=error.lineno or None),
                    "xml-syntax",
                )
            ]
        ) from error
    doc_type = root.findtext("LimeSurveyDocType")
    if root.tag != "document" or (doc_type or "").strip() != "Survey":
        raise InvalidInput(
            [
                Problem(
                    "error",
                    "not a LimeSurvey survey: no <document><LimeSurveyDocType>Survey",
                    Location(file=file_name, line=root.sourceline, element=str(root.tag)),
                    "not-limesurvey",
                )
            ]
        )
    tables = {str(table.tag): _rows(table) for table in root if table.find("rows") is not None}
    lines = {str(table.tag): [row.sourceline for row in table.iterfind("rows/row")] for table in root}
    languages = [
        lang.text.strip() for lang in root.iterfind("languages/language") if lang.text and lang.text.strip()
    ]
    reader = _LssTables(file_name, tables, lines, b, languages)
    return reader.survey()


def _rows(table: etree._Element) -> list[Row]:
    return [{str(cell.tag): (cell.text or "") for cell in row} for row in table.iterfind("rows/row")]


class _LssTables:
    """The tables of one .lss joined into an `LsSurvey`, whichever LimeSurvey version wrote them."""

    def __init__(
        self,
        file_name: str,
        tables: dict[str, list[Row]],
        lines: dict[str, list[int | None]],
        b: InstrumentBuilder,
        languages: list[str],
    ) -> None:
        self.file_name = file_name
        self.tables = tables
        self.lines = lines
        self.b = b
        self.languages = languages

    def text(self, raw: str, language: str) -> LangText:
        return self.b.texts.lang_text(raw, language or None)

    def survey(self) -> LsSurvey:
        settings = self.tables.get("surveys_languagesettings", [])
        title: LangText = {}
        for row in settings:
            title.update(self.text(row.get("surveyls_title", ""), row.get("surveyls_language", "")))
        surveys = self.tables.get("surveys", [])
        survey_id = (surveys[0].get("sid") if surveys else "") or (
            settings[0].get("surveyls_survey_id", "") if settings else ""
        )
        languages = self.languages or list(dict.fromkeys(r.get("surveyls_language", "") for r in settings))
        survey = LsSurvey(survey_id, [lang for lang in languages if lang], title)
        groups = self._groups()
        questions, subquestions = self._questions()
        self._answers(questions)
        self._attributes(questions)
        for parent, sub in subquestions:
            if parent in questions:
                questions[parent].subquestions.append(sub)
        for question in questions.values():
            question.subquestions.sort(key=lambda s: (s.scale, s.order))
            question.answers.sort(key=lambda a: (a.scale, a.order))
            group = groups.get(question.attributes.pop("__gid", ""))
            if group is None:
                self.b.warn(
                    f"question {question.title!r} belongs to no group: imported at the end",
                    question.location,
                    "limesurvey-group",
                )
                group = groups.setdefault(
                    "", LsGroup("", float("inf"), {self.b.texts.default: "Other questions"})
                )
            group.questions.append(question)
        for group in groups.values():
            group.questions.sort(key=lambda q: q.order)
        survey.groups = sorted(groups.values(), key=lambda g: g.order)
        return survey

    def _groups(self) -> dict[str, LsGroup]:
        groups: dict[str, LsGroup] = {}
        for row in self.tables.get("groups", []):
            gid = row.get("gid", "")
            group = groups.setdefault(
                gid,
                LsGroup(
                    gid, order_of(row.get("group_order")), relevance=(row.get("grelevance") or "1").strip()
                ),
            )
            group.name.update(self.text(row.get("group_name", ""), row.get("language", "")))
            group.description.update(self.text(row.get("description", ""), row.get("language", "")))
        for row in self.tables.get("group_l10ns", []):
            group = groups.get(row.get("gid", ""))
            if group is not None:
                group.name.update(self.text(row.get("group_name", ""), row.get("language", "")))
                group.description.update(self.text(row.get("description", ""), row.get("language", "")))
        return groups

    def _questions(self) -> tuple[dict[str, LsQuestion], list[tuple[str, LsSubquestion]]]:
        questions: dict[str, LsQuestion] = {}
        subquestions: dict[tuple[str, str], LsSubquestion] = {}
        parents: dict[str, str] = {}
        texts: dict[str, list[Row]] = {}
        for table in ("questions", "subquestions"):
            for index, row in enumerate(self.tables.get(table, [])):
                qid, parent = row.get("qid", ""), row.get("parent_qid", "0") or "0"
                texts.setdefault(qid, []).append(row)
                if parent != "0":
                    parents[qid] = parent
                    if (parent, qid) not in subquestions:
                        subquestions[(parent, qid)] = LsSubquestion(
                            row.get("title", ""),
                            row.get("scale_id", "0") or "0",
                            order_of(row.get("question_order")),
                        )
                elif qid not in questions:
                    line = (
                        self.lines.get(table, [])[index] if index < len(self.lines.get(table, [])) else None
                    )
                    questions[qid] = LsQuestion(
                        qid,
                        row.get("title", ""),
                        row.get("type", ""),
                        order_of(row.get("question_order")),
                        relevance=(row.get("relevance") or "1").strip(),
                        other=row.get("other") == "Y",
                        location=Location(
                            file=self.file_name, line=line, element=f"question {row.get('title')}"
                        ),
                        attributes={"__gid": row.get("gid", "")},
                    )
        for row in self.tables.get("question_l10ns", []):
            texts.setdefault(row.get("qid", ""), []).append(row)
        for qid, rows in texts.items():
            for row in rows:
                if "question" not in row:
                    continue
                language = row.get("language", "")
                target = questions.get(qid) or subquestions.get((parents.get(qid, ""), qid))
                if target is None:
                    continue
                target.text.update(self.text(row.get("question", ""), language))
                if isinstance(target, LsQuestion):
                    target.help.update(self.text(row.get("help", ""), language))
                    if not target.raw_text or language == (self.languages[:1] or [language])[0]:
                        target.raw_text = row.get("question", "")
        return questions, [(parent, sub) for (parent, _), sub in subquestions.items()]

    def _answers(self, questions: dict[str, LsQuestion]) -> None:
        by_aid: dict[str, LsAnswer] = {}
        by_key: dict[tuple[str, str, str], LsAnswer] = {}
        for row in self.tables.get("answers", []):
            question = questions.get(row.get("qid", ""))
            if question is None:
                continue
            key = (row.get("qid", ""), row.get("code", ""), row.get("scale_id", "0") or "0")
            answer = by_key.get(key)
            if answer is None:
                answer = LsAnswer(key[1], key[2], order_of(row.get("sortorder")))
                by_key[key] = answer
                question.answers.append(answer)
            if row.get("aid"):
                by_aid[row["aid"]] = answer
            if "answer" in row:
                answer.text.update(self.text(row.get("answer", ""), row.get("language", "")))
        for row in self.tables.get("answer_l10ns", []):
            found = by_aid.get(row.get("aid", ""))
            if found is not None:
                found.text.update(self.text(row.get("answer", ""), row.get("language", "")))

    def _attributes(self, questions: dict[str, LsQuestion]) -> None:
        for row in self.tables.get("question_attributes", []):
            question = questions.get(row.get("qid", ""))
            value = (row.get("value") or "").strip()
            if question is not None and value and row.get("attribute"):
                question.attributes.setdefault(row["attribute"], value)


# Building the model -----------------------------------------------------------------------------------------


def build_survey(survey: LsSurvey, b: InstrumentBuilder) -> ImportResult:
    """The package of a survey, whichever reader filled it."""
    return _SurveyBuilder(survey, b).build()


class _SurveyBuilder:
    def __init__(self, survey: LsSurvey, b: InstrumentBuilder) -> None:
        self.survey = survey
        self.b = b

    def build(self) -> ImportResult:
        b = self.b
        if not any(group.questions for group in self.survey.groups):
            b.error("the survey has no question", b.location(), "limesurvey-empty")
        name = self.survey.survey_id or PurePath(b.file_name).stem or "survey"
        sections: list[Ref] = []
        for group in self.survey.groups:
            children = [ref for question in group.questions if (ref := self._question(question)) is not None]
            section = b.sequence(f"g{group.key}" if group.key else "other", children, group.name)
            if group.relevance not in ("", "1"):
                section = b.guarded(f"g{group.key}", section, group.relevance)
            sections.append(section)
        title = self.survey.title or {b.texts.default: name}
        top = b.sequence(name, sections, title)
        attributes = [("limesurvey:sid", self.survey.survey_id)] if self.survey.survey_id else []
        attributes += [("limesurvey:language", lang) for lang in self.survey.languages]
        b.instrument(name, top, title, attributes)
        return b.result()

    def _question(self, q: LsQuestion) -> Ref | None:
        if not q.title:
            self.b.error("a question has no code (title)", q.location, "limesurvey-question")
            return None
        kind = q.type
        if kind == "X":
            built = self.b.statement(q.title, q.text)
        elif kind == "*":
            formula = plain_text(q.raw_text)
            built = self.b.computation(q.title, formula)
            self.b.variable(q.title, {self.b.texts.default: q.title}, Representation("text"))
        elif kind in SINGLE_TYPES:
            built = self._single(q)
        elif kind in ARRAY_TYPES:
            built = self._array(q)
        elif kind in ("M", "P"):
            built = self._multiple(q)
        elif kind in ("K", "Q"):
            cell = self._numeric(q) if kind == "K" else self._text(q)
            built = self._rows_grid(q, cell)
        elif kind == "R":
            built = self._ranking(q)
        else:
            built = self._simple(q)
        if q.relevance not in ("", "1"):
            return self.b.guarded(q.title, built, q.relevance)
        return built

    def _choices(self, q: LsQuestion, scale: str = "0") -> list[Choice]:
        if q.type in FIXED_ANSWERS:
            return [self.b.choice(code, label) for code, label in FIXED_ANSWERS[q.type]]
        if q.type == "I":
            return [self.b.choice(lang, {self.b.texts.default: lang}) for lang in self.survey.languages]
        answers = [a for a in q.answers if a.scale == scale]
        if not answers:
            self.b.warn(
                f"question {q.title!r} (type {q.type}) has no answer options",
                q.location,
                "limesurvey-answers",
            )
        return [self.b.choice(a.code, a.text) for a in answers]

    def _code_list(self, q: LsQuestion, choices: list[Choice], suffix: str = "") -> Ref:
        fixed = q.type in FIXED_ANSWERS
        return self.b.code_list(f"type-{q.type}" if fixed else f"{q.title}{suffix}", choices)

    def _single(self, q: LsQuestion) -> Ref:
        choices = self._choices(q)
        if q.other and q.type in ("L", "!"):
            choices.append(Choice(OTHER_CODE, {"en": "Other"}))
        rep = self.b.coded(self._code_list(q, choices))
        question = self.b.question(q.title, q.text, [rep], instruction=q.help)
        self.b.variable(q.title, q.text, rep, [question])
        if q.other and q.type in ("L", "!"):
            self._text_variable(f"{q.title}_other", q, {"en": "Other"}, question)
        if q.type == "O":
            self._text_variable(f"{q.title}_comment", q, {"en": "Comment"}, question)
        return self.b.construct(q.title, question)

    def _array(self, q: LsQuestion) -> Ref:
        rows = [s for s in q.subquestions if s.scale == "0"]
        row_list = self._rows_list(q, rows)
        if q.type in (":", ";"):
            columns = [s for s in q.subquestions if s.scale == "1"]
            column_list = self.b.code_list(f"{q.title}-columns", [Choice(c.title, c.text) for c in columns])
            cell = self._multiflexible(q) if q.type == ":" else self._text(q)
            grid = self.b.grid(q.title, q.text, row_list, column_list, [cell], instruction=q.help)
            for row in rows:
                for column in columns:
                    label = self.b.part_label(q.text, row.text, column.text)
                    self.b.variable(f"{q.title}_{row.title}_{column.title}", label, cell, [grid])
            return self.b.construct(q.title, grid)
        if q.type == "1":
            scales = [
                self.b.coded(self._code_list(q, self._choices(q, scale), f"-scale{scale}"))
                for scale in ("0", "1")
            ]
            grid = self.b.grid(q.title, q.text, row_list, None, scales, instruction=q.help)
            for row in rows:
                for scale, rep in zip(("0", "1"), scales, strict=True):
                    label = self.b.part_label(q.text, row.text)
                    self.b.variable(f"{q.title}_{row.title}_{scale}", label, rep, [grid])
            return self.b.construct(q.title, grid)
        columns_list = self._code_list(q, self._choices(q))
        rep = self.b.coded(columns_list)
        grid = self.b.grid(q.title, q.text, row_list, columns_list, [rep], instruction=q.help)
        for row in rows:
            self.b.variable(f"{q.title}_{row.title}", self.b.part_label(q.text, row.text), rep, [grid])
        return self.b.construct(q.title, grid)

    def _rows_list(self, q: LsQuestion, rows: list[LsSubquestion]) -> Ref:
        if not rows:
            self.b.warn(
                f"question {q.title!r} (type {q.type}) has no subquestions",
                q.location,
                "limesurvey-subquestions",
            )
        return self.b.code_list(f"{q.title}-rows", [Choice(row.title, row.text) for row in rows])

    def _rows_grid(self, q: LsQuestion, cell: Representation) -> Ref:
        rows = [s for s in q.subquestions if s.scale == "0"]
        grid = self.b.grid(q.title, q.text, self._rows_list(q, rows), None, [cell], instruction=q.help)
        for row in rows:
            self.b.variable(f"{q.title}_{row.title}", self.b.part_label(q.text, row.text), cell, [grid])
        return self.b.construct(q.title, grid)

    def _multiple(self, q: LsQuestion) -> Ref:
        rows = [s for s in q.subquestions if s.scale == "0"]
        choices = [self.b.choice(row.title, row.text) for row in rows]
        if q.other:
            choices.append(Choice("other", {"en": "Other"}))
        maximum = _int(q.attributes.get("max_answers")) or len(choices)
        rep = self.b.coded(
            self._code_list(q, choices),
            max_responses=maximum,
            min_responses=_int(q.attributes.get("min_answers")),
        )
        question = self.b.question(q.title, q.text, [rep], instruction=q.help)
        checked = self.b.coded(self.b.checked_list())
        for row in rows:
            self.b.variable(
                f"{q.title}_{row.title}", self.b.part_label(q.text, row.text), checked, [question]
            )
            if q.type == "P":
                self._text_variable(f"{q.title}_{row.title}comment", q, {"en": "Comment"}, question)
        if q.other:
            self._text_variable(f"{q.title}_other", q, {"en": "Other"}, question)
        return self.b.construct(q.title, question)

    def _ranking(self, q: LsQuestion) -> Ref:
        choices = self._choices(q)
        ranks = (
            _int(q.attributes.get("max_subquestions"))
            or _int(q.attributes.get("max_answers"))
            or len(choices)
        )
        code_list = self._code_list(q, choices)
        rep = self.b.coded(code_list, max_responses=ranks)
        question = self.b.question(q.title, q.text, [rep], instruction=q.help)
        for rank in range(1, ranks + 1):
            label = self.b.part_label(
                q.text, {lang: f"#{rank}" for lang in q.text} or {self.b.texts.default: f"#{rank}"}
            )
            self.b.variable(f"{q.title}_{rank}", label, self.b.coded(code_list), [question])
        return self.b.construct(q.title, question)

    def _simple(self, q: LsQuestion) -> Ref:
        if q.type == "N":
            rep = self._numeric(q)
        elif q.type in TEXT_TYPES:
            rep = self._text(q)
        elif q.type == "D":
            fmt = q.attributes.get("date_format") or None
            date_type = "DateTime" if fmt and any(c in fmt for c in "HhNn") else "Date"
            rep = Representation(
                "datetime",
                date_type=date_type,
                format=fmt,
                minimum=_date(q.attributes.get("date_min")),
                maximum=_date(q.attributes.get("date_max")),
            )
        else:
            what = "a file upload" if q.type == "|" else f"of unknown type {q.type!r}"
            self.b.warn(
                f"question {q.title!r} is {what}: kept with an unspecified representation",
                q.location,
                "limesurvey-type",
            )
            rep = Representation("other")
        question = self.b.question(q.title, q.text, [rep], instruction=q.help)
        self.b.variable(q.title, q.text, rep, [question])
        return self.b.construct(q.title, question)

    def _numeric(self, q: LsQuestion) -> Representation:
        integer = q.attributes.get("num_value_int_only") == "1"
        return Representation(
            "numeric",
            numeric_type="Integer" if integer else None,
            minimum=_number(q.attributes.get("min_num_value_n")),
            maximum=_number(q.attributes.get("max_num_value_n")),
        )

    def _multiflexible(self, q: LsQuestion) -> Representation:
        if q.attributes.get("multiflexible_checkbox") == "1":
            return self.b.coded(self.b.checked_list())
        return Representation(
            "numeric",
            minimum=_number(q.attributes.get("multiflexible_min")),
            maximum=_number(q.attributes.get("multiflexible_max")),
        )

    def _text(self, q: LsQuestion) -> Representation:
        return Representation("text", max_length=_int(q.attributes.get("maximum_chars")))

    def _text_variable(self, name: str, q: LsQuestion, what: LangText, question: Ref) -> None:
        self.b.variable(name, self.b.part_label(q.text, what), Representation("text"), [question])


def _int(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else None


def _number(value: str | None) -> str | None:
    value = (value or "").strip()
    try:
        float(value)
    except ValueError:
        return None
    return value


def _date(value: str | None) -> str | None:
    """A fixed date bound (`2020-01-31`, time dropped); expressions and relative dates are left out."""
    match = re.match(r"\d{4}-\d{2}-\d{2}", (value or "").strip())
    return match.group(0) if match else None


IMPORTER = LimeSurveyImporter()
