"""Qualtrics survey files (.qsf, JSON) into the model, read with the standard json module.

The flow (`FL`) orders the blocks (`BL`, one Sequence each; the Trash block is left out); a Branch becomes an
IfThenElse around the Sequence of what it guards, a question's `DisplayLogic` an IfThenElse around its
construct: the condition is kept as readable text (Qualtrics' own descriptions, the locator in brackets)
with program language "Qualtrics". `DB` → StatementItem; MC → QuestionItem; Matrix and SBS → QuestionGrid
(rows = choices, columns = answers, or the side-by-side columns); Slider, CS, RO, TE FORM → a one-dimension
grid of numeric or text cells; Timing and Meta are skipped with a warning. Translations (`Language.FR`…) go
under lower-cased BCP 47 tags (FR → fr, ES-ES → es-ES, ZH-S → zh-Hans). Embedded data fields of the flow are
variables without a question.

Variables carry the column names of a Qualtrics data export (`DataExportTag`, else the QuestionID):
single answer → `Q5` (values = RecodeValues, else choice IDs); multiple answer → `Q5_<code>` per choice
(code = its recode value, else its ID) on the 1/0 checked list; a choice with a text box → `Q5_<code>_TEXT`;
matrix row → `Q5_<row>` (row = the choice's ChoiceDataExportTag when set, used as the whole name, else
`Q5_<choice ID>`), multiple-answer matrix → `<row>_<answer code>`; side-by-side → `Q5#1_<choice ID>` per
column; slider, constant sum, rank order, form fields → `Q5_<choice ID>`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from catalogue.errors import InvalidInput, Location, Problem
from catalogue.model import LangText, Ref, Representation, StudyInfo
from importers.choice_sets import Choice
from importers.instrument_builder import InstrumentBuilder
from importers.label_text import plain_text
from importers.registry import ImportOptions, ImportResult

PROGRAM_LANGUAGE = "Qualtrics"
MAX_QSF_BYTES = 64 * 1024 * 1024
SINGLE_SELECTORS = frozenset({"SAVR", "SAHR", "SACOL", "DL", "SB", "NPS", "SAVRTEXT"})
MULTI_SELECTORS = frozenset({"MAVR", "MAHR", "MACOL", "MSB", "MADL"})
SKIPPED_TYPES = frozenset({"Timing", "Meta"})
BLOCK_FLOW_TYPES = frozenset({"Block", "Standard", "Default"})
GROUP_FLOW_TYPES = frozenset({"BlockRandomizer", "Randomizer", "Group"})
_SPECIAL_SCRIPTS = {"S": "Hans", "T": "Hant"}
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


def qualtrics_language(code: str) -> str:
    """A Qualtrics language code as a BCP 47 tag: EN → en, ES-ES → es-ES, ZH-S → zh-Hans, PT-BR → pt-BR."""
    head, *rest = code.strip().replace("_", "-").split("-")
    parts = [head.lower()]
    for part in rest:
        if head.upper() == "ZH" and part.upper() in _SPECIAL_SCRIPTS:
            parts.append(_SPECIAL_SCRIPTS[part.upper()])
        else:
            parts.append(part.upper() if len(part) == 2 else part)
    tag = "-".join(parts)
    return tag if _LANGUAGE.match(tag) else f"x-{re.sub(r'[^a-z0-9]', '', code.lower())[:8] or 'unknown'}"


def as_items(value: Any) -> list[tuple[str, Any]]:
    """A QSF collection as (key, value) pairs: dicts keep their keys, lists are numbered from 1."""
    if isinstance(value, dict):
        return [(str(key), item) for key, item in value.items()]
    if isinstance(value, list):
        return [(str(index), item) for index, item in enumerate(value, start=1)]
    return []


def ordered(collection: Any, order: Any) -> list[tuple[str, dict[str, Any]]]:
    """Choices or answers in their `*Order` (IDs may be ints there), the rest after them."""
    items = {key: value for key, value in as_items(collection) if isinstance(value, dict)}
    keys = [str(key) for key in order] if isinstance(order, list) else []
    result = [(key, items[key]) for key in dict.fromkeys(keys) if key in items]
    return result + [(key, value) for key, value in items.items() if key not in keys]


@dataclass(slots=True)
class QsfOption:
    """A choice (a row of a matrix) or an answer (a column): its ID, export code and texts."""

    id: str
    code: str
    text: LangText
    text_entry: bool = False


@dataclass(slots=True)
class QsfQuestion:
    """The SQ payload fields the catalogue reads."""

    qid: str
    tag: str
    type: str
    selector: str
    subselector: str
    text: LangText
    choices: list[QsfOption]
    answers: list[QsfOption]
    row_tags: dict[str, str]
    display_logic: Any
    payload: dict[str, Any] = field(repr=False)


class QualtricsImporter:
    """Qualtrics survey export (.qsf)."""

    name = "qualtrics"
    title = "Qualtrics survey (.qsf)"
    extensions = (".qsf",)

    def sniff(self, file_name: str, data: bytes) -> bool:
        """A JSON object with both a SurveyEntry and a SurveyElements key (in either order)."""
        head = data[:8192].lstrip(b"\xef\xbb\xbf").lstrip()
        if not head.startswith(b"{") or not (b'"SurveyElements"' in head or b'"SurveyEntry"' in head):
            return False
        return b'"SurveyElements"' in data and b'"SurveyEntry"' in data

    def read(self, file_name: str, data: bytes, options: ImportOptions | None = None) -> ImportResult:
        options = options or ImportOptions()
        document = _load(file_name, data)
        return _SurveyReader(file_name, document, options).read()


def _load(file_name: str, data: bytes) -> dict[str, Any]:
    where = Location(file=file_name)
    if not data.strip():
        raise InvalidInput([Problem("error", "the file is empty", where, "empty")])
    if len(data) > MAX_QSF_BYTES:
        raise InvalidInput(
            [
                Problem(
                    "error",
                    f"{len(data):,} bytes is more than the {MAX_QSF_BYTES:,} bytes a survey file may have",
                    where,
                    "too-large",
                )
            ]
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InvalidInput(
            [
                Problem(
                    "error",
                    "not UTF-8 text: a .qsf is UTF-8 JSON",
                    Location(file=file_name, line=line),
                    "encoding",
                )
            ]
        ) from error
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInput(
            [
                Problem(
                    "error",
                    f"not valid JSON: {error.msg} (column {error.colno})",
                    Location(file=file_name, line=error.lineno),
                    "json-syntax",
                )
            ]
        ) from error
    if not isinstance(document, dict) or not isinstance(document.get("SurveyElements"), list):
        raise InvalidInput(
            [Problem("error", "not a Qualtrics survey: no SurveyElements list", where, "not-qsf")]
        )
    return document


class _SurveyReader:
    def __init__(self, file_name: str, document: dict[str, Any], options: ImportOptions) -> None:
        self.document = document
        self.b = InstrumentBuilder(file_name, options, PROGRAM_LANGUAGE)
        entry = document.get("SurveyEntry") if isinstance(document.get("SurveyEntry"), dict) else {}
        self.entry: dict[str, Any] = entry or {}
        code = str(self.entry.get("SurveyLanguage") or "")
        self.language: str | None = None if options.split_languages or not code else qualtrics_language(code)
        self.questions: dict[str, QsfQuestion] = {}
        self.blocks: dict[str, dict[str, Any]] = {}
        self.block_refs: dict[str, Ref] = {}
        self.placed: set[str] = set()
        self.embedded: set[str] = set()

    def loc(self, element: str) -> Location:
        return self.b.location(element=element)

    def text(self, raw: Any, language: str | None) -> LangText:
        return self.b.texts.lang_text(raw if isinstance(raw, str) else "", language)

    def read(self) -> ImportResult:
        flow: list[Any] = []
        for index, element in enumerate(self.document["SurveyElements"]):
            if not isinstance(element, dict):
                continue
            kind, payload = element.get("Element"), element.get("Payload")
            if kind == "SQ" and isinstance(payload, dict):
                self._question_payload(payload, index)
            elif kind == "BL":
                for _, block in as_items(payload):
                    if isinstance(block, dict) and block.get("ID"):
                        self.blocks[str(block["ID"])] = block
            elif kind == "FL" and isinstance(payload, dict):
                flow = payload.get("Flow") if isinstance(payload.get("Flow"), list) else []
        trash = [b for b in self.blocks.values() if b.get("Type") == "Trash"]
        trashed = sum(
            1
            for b in trash
            for _, e in as_items(b.get("BlockElements"))
            if isinstance(e, dict) and e.get("Type") == "Question"
        )
        if trashed:
            self.b.warn(
                f"{trashed} questions in the Trash block are not part of the survey: not imported",
                self.loc("BL Trash"),
                "qualtrics-trash",
            )
        if not flow:
            flow = [
                {"Type": "Block", "ID": key} for key, b in self.blocks.items() if b.get("Type") != "Trash"
            ]
        children = self._flow(flow)
        unplaced = [
            q
            for q in self.questions.values()
            if q.qid not in self.placed and not any(q.qid in _block_questions(b) for b in trash)
        ]
        if unplaced:
            self.b.warn(
                f"{len(unplaced)} questions are in no block of the flow: not imported "
                f"({', '.join(q.qid for q in unplaced[:10])})",
                self.loc("SQ"),
                "qualtrics-orphan",
            )
        if not self.questions:
            self.b.error(
                "the survey has no question (no SQ element)", self.loc("SurveyElements"), "qualtrics-empty"
            )
        name = str(self.entry.get("SurveyID") or PurePath(self.b.file_name).stem)
        title = self.text(self.entry.get("SurveyName"), self.language) or {self.b.texts.default: name}
        top = self.b.sequence(name, children, title)
        self.b.instrument(name, top, title, [("qualtrics:surveyId", name)])
        study = None
        if self.entry.get("SurveyName"):
            study = StudyInfo(
                agency=self.b.options.agency,
                id=self.b.id("study", name),
                version="1",
                element="StudyUnit",
                title=title,
                abstract=self.text(self.entry.get("SurveyDescription"), self.language),
            )
        return self.b.result(study)

    # The payloads ----------------------------------------------------------------------------------

    def _question_payload(self, payload: dict[str, Any], index: int) -> None:
        qid = str(payload.get("QuestionID") or f"SQ{index}")
        translations = {
            qualtrics_language(code): value
            for code, value in as_items(payload.get("Language"))
            if isinstance(value, dict)
        }
        text = self.text(payload.get("QuestionText"), self.language)
        for lang, tr in translations.items():
            text.update(self.text(tr.get("QuestionText"), lang))
        recodes = {key: str(value) for key, value in as_items(payload.get("RecodeValues"))}
        row_tags = {key: str(value) for key, value in as_items(payload.get("ChoiceDataExportTags")) if value}
        question = QsfQuestion(
            qid,
            str(payload.get("DataExportTag") or qid),
            str(payload.get("QuestionType") or ""),
            str(payload.get("Selector") or ""),
            str(payload.get("SubSelector") or ""),
            text,
            self._options(
                payload, "Choices", "ChoiceOrder", recodes if "Answers" not in payload else {}, translations
            ),
            self._options(payload, "Answers", "AnswerOrder", recodes, translations),
            row_tags,
            payload.get("DisplayLogic"),
            payload,
        )
        if qid in self.questions:
            self.b.warn(
                f"question {qid} is defined twice: the first is kept",
                self.loc(f"SQ {qid}"),
                "qualtrics-duplicate",
            )
            return
        self.questions[qid] = question

    def _options(
        self,
        payload: dict[str, Any],
        key: str,
        order_key: str,
        recodes: dict[str, str],
        translations: dict[str, dict[str, Any]],
    ) -> list[QsfOption]:
        options = []
        for option_id, option in ordered(payload.get(key), payload.get(order_key)):
            text = self.text(option.get("Display"), self.language)
            for lang, tr in translations.items():
                translated = dict(as_items(tr.get(key))).get(option_id)
                if isinstance(translated, dict):
                    text.update(self.text(translated.get("Display"), lang))
            entry = str(option.get("TextEntry", "")).lower() in ("true", "1", "on")
            options.append(QsfOption(option_id, recodes.get(option_id, option_id), text, entry))
        return options

    # The flow --------------------------------------------------------------------------------------

    def _flow(self, nodes: list[Any]) -> list[Ref]:
        refs: list[Ref] = []
        for node in nodes:
            if not isinstance(node, dict):
                continue
            kind = node.get("Type")
            flow_id = str(node.get("FlowID") or node.get("ID") or f"flow{len(refs)}")
            inner = node.get("Flow") if isinstance(node.get("Flow"), list) else []
            if kind in BLOCK_FLOW_TYPES and node.get("ID"):
                built = self._block(str(node["ID"]))
                if built is not None:
                    refs.append(built)
            elif kind == "Branch":
                body = self.b.sequence(flow_id, self._flow(inner))
                refs.append(self.b.guarded(flow_id, body, logic_text(node.get("BranchLogic"))))
            elif kind in GROUP_FLOW_TYPES:
                label = self.text(node.get("Description"), self.language)
                refs.append(self.b.sequence(flow_id, self._flow(inner), label))
            elif kind == "EmbeddedData":
                self._embedded(node)
        return refs

    def _embedded(self, node: dict[str, Any]) -> None:
        for _, data in as_items(node.get("EmbeddedData")):
            name = str(data.get("Field") or "") if isinstance(data, dict) else ""
            if name and name not in self.embedded:
                self.embedded.add(name)
                self.b.variable(
                    name,
                    {self.b.texts.default: name},
                    Representation("text"),
                    user_attributes=[("qualtrics:embeddedData", "true")],
                )

    def _block(self, block_id: str) -> Ref | None:
        if block_id in self.block_refs:
            return self.block_refs[block_id]
        block = self.blocks.get(block_id)
        if block is None:
            self.b.warn(
                f"the flow names block {block_id}, which the survey does not define",
                self.loc(f"FL {block_id}"),
                "qualtrics-block",
            )
            return None
        children: list[Ref] = []
        for qid in _block_questions(block):
            question = self.questions.get(qid)
            if question is None:
                self.b.warn(
                    f"block {block_id} names question {qid}, which the survey does not define",
                    self.loc(f"BL {block_id}"),
                    "qualtrics-question",
                )
                continue
            if qid in self.placed:
                continue
            self.placed.add(qid)
            built = self._question(question)
            if built is not None:
                children.append(built)
        label = self.text(block.get("Description"), self.language)
        self.block_refs[block_id] = self.b.sequence(block_id, children, label)
        return self.block_refs[block_id]

    # Questions -------------------------------------------------------------------------------------

    def _question(self, q: QsfQuestion) -> Ref | None:
        where = self.loc(f"SQ {q.qid}")
        if q.type in SKIPPED_TYPES:
            self.b.warn(
                f"{q.qid} ({q.tag}) is a {q.type} question (paradata): skipped", where, "qualtrics-skipped"
            )
            return None
        if q.type == "DB":
            built = self.b.statement(q.tag, q.text)
        elif q.type == "MC":
            built = self._multiple_choice(q)
        elif q.type == "Matrix":
            built = self._matrix(q)
        elif q.type == "SBS":
            built = self._side_by_side(q)
        elif q.type in ("Slider", "CS", "RO") or (q.type == "TE" and q.selector == "FORM"):
            built = self._per_choice(q)
        elif q.type == "TE":
            rep = self._text_entry(q)
            question = self.b.question(q.tag, q.text, [rep])
            self.b.variable(q.tag, q.text, rep, [question])
            built = self.b.construct(q.tag, question)
        else:
            self.b.warn(
                f"{q.qid} ({q.tag}) is a {q.type or 'typeless'} question: kept with an unspecified "
                "representation",
                where,
                "qualtrics-type",
            )
            question = self.b.question(q.tag, q.text, [Representation("other")])
            self.b.variable(q.tag, q.text, Representation("other"), [question])
            built = self.b.construct(q.tag, question)
        if q.display_logic:
            return self.b.guarded(q.tag, built, logic_text(q.display_logic))
        return built

    def _choices(self, options: list[QsfOption]) -> list[Choice]:
        return [self.b.choice(o.code, o.text) for o in options]

    def _multiple_choice(self, q: QsfQuestion) -> Ref:
        code_list = self.b.code_list(q.tag, self._choices(q.choices))
        multiple = q.selector in MULTI_SELECTORS
        if q.selector not in SINGLE_SELECTORS | MULTI_SELECTORS:
            self.b.warn(
                f"{q.qid} ({q.tag}): unknown multiple-choice selector {q.selector!r}, read as single answer",
                self.loc(f"SQ {q.qid}"),
                "qualtrics-selector",
            )
        rep = self.b.coded(code_list, max_responses=len(q.choices) if multiple else 1)
        question = self.b.question(q.tag, q.text, [rep])
        if multiple:
            checked = self.b.coded(self.b.checked_list())
            for choice in q.choices:
                self.b.variable(
                    f"{q.tag}_{choice.code}", self.b.part_label(q.text, choice.text), checked, [question]
                )
        else:
            self.b.variable(q.tag, q.text, rep, [question])
        for choice in q.choices:
            if choice.text_entry:
                self.b.variable(
                    f"{q.tag}_{choice.code}_TEXT",
                    self.b.part_label(q.text, choice.text),
                    Representation("text"),
                    [question],
                )
        return self.b.construct(q.tag, question)

    def _rows(self, q: QsfQuestion) -> Ref:
        return self.b.code_list(f"{q.tag}-rows", [Choice(c.id, c.text) for c in q.choices])

    def _row_name(self, q: QsfQuestion, choice: QsfOption) -> str:
        return q.row_tags.get(choice.id) or f"{q.tag}_{choice.id}"

    def _matrix(self, q: QsfQuestion) -> Ref:
        multiple = q.subselector == "MultipleAnswer"
        if q.selector in ("TE", "CS"):
            cell = Representation("text") if q.selector == "TE" else Representation("numeric")
            columns = self.b.code_list(f"{q.tag}-columns", [Choice(a.code, a.text) for a in q.answers])
            grid = self.b.grid(q.tag, q.text, self._rows(q), columns, [cell])
            for choice in q.choices:
                for answer in q.answers:
                    label = self.b.part_label(q.text, choice.text, answer.text)
                    self.b.variable(f"{self._row_name(q, choice)}_{answer.id}", label, cell, [grid])
            return self.b.construct(q.tag, grid)
        answers = self.b.code_list(f"{q.tag}-answers", self._choices(q.answers))
        rep = self.b.coded(answers, max_responses=len(q.answers) if multiple else 1)
        grid = self.b.grid(q.tag, q.text, self._rows(q), answers, [rep])
        checked = self.b.coded(self.b.checked_list())
        for choice in q.choices:
            name, label = self._row_name(q, choice), self.b.part_label(q.text, choice.text)
            if multiple:
                for answer in q.answers:
                    self.b.variable(
                        f"{name}_{answer.code}", self.b.part_label(label, answer.text), checked, [grid]
                    )
            else:
                self.b.variable(name, label, self.b.coded(answers), [grid])
            if choice.text_entry:
                self.b.variable(f"{name}_TEXT", label, Representation("text"), [grid])
        return self.b.construct(q.tag, grid)

    def _side_by_side(self, q: QsfQuestion) -> Ref:
        columns: list[tuple[str, LangText, Representation, list[QsfOption], bool]] = []
        for key, column in as_items(q.payload.get("AdditionalQuestions")):
            if not isinstance(column, dict):
                continue
            tag = str(column.get("DataExportTag") or f"{q.tag}#{key}")
            text = self.text(column.get("QuestionText"), self.language)
            recodes = {k: str(v) for k, v in as_items(column.get("RecodeValues"))}
            answers = [
                QsfOption(a_id, recodes.get(a_id, a_id), self.text(a.get("Display"), self.language))
                for a_id, a in ordered(column.get("Answers"), column.get("AnswerOrder"))
            ]
            multiple = column.get("SubSelector") == "MultipleAnswer"
            if column.get("Selector") == "TE" or not answers:
                rep = Representation("text")
            else:
                answer_list = self.b.code_list(f"{tag}-answers", self._choices(answers))
                rep = self.b.coded(answer_list, max_responses=len(answers) if multiple else 1)
            columns.append((tag, text, rep, answers, multiple))
        column_list = self.b.code_list(
            f"{q.tag}-columns", [Choice(str(i), c[1]) for i, c in enumerate(columns, start=1)]
        )
        grid = self.b.grid(q.tag, q.text, self._rows(q), column_list, [c[2] for c in columns])
        checked = self.b.coded(self.b.checked_list())
        for tag, text, rep, answers, multiple in columns:
            for choice in q.choices:
                label = self.b.part_label(q.text, text, choice.text)
                if multiple:
                    for answer in answers:
                        self.b.variable(
                            f"{tag}_{choice.id}_{answer.code}",
                            self.b.part_label(label, answer.text),
                            checked,
                            [grid],
                        )
                else:
                    single = (
                        rep if rep.kind != "code" or rep.code_list is None else self.b.coded(rep.code_list)
                    )
                    self.b.variable(f"{tag}_{choice.id}", label, single, [grid])
        return self.b.construct(q.tag, grid)

    def _per_choice(self, q: QsfQuestion) -> Ref:
        """Slider, constant sum, rank order and form fields: one numeric or text cell per choice."""
        config = q.payload.get("Configuration") if isinstance(q.payload.get("Configuration"), dict) else {}
        if q.type == "TE":
            cell = Representation("text")
        elif q.type == "RO":
            cell = Representation(
                "numeric", numeric_type="Integer", minimum="1", maximum=str(max(len(q.choices), 1))
            )
        elif q.type == "Slider":
            decimals = str(config.get("NumDecimals", ""))
            cell = Representation(
                "numeric",
                minimum=_number(config.get("CSSliderMin")),
                maximum=_number(config.get("CSSliderMax")),
                decimal_positions=int(decimals) if decimals.isdigit() else None,
            )
        else:
            cell = Representation("numeric")
        grid = self.b.grid(q.tag, q.text, self._rows(q), None, [cell])
        for choice in q.choices:
            self.b.variable(f"{q.tag}_{choice.id}", self.b.part_label(q.text, choice.text), cell, [grid])
        return self.b.construct(q.tag, grid)

    def _text_entry(self, q: QsfQuestion) -> Representation:
        validation = q.payload.get("Validation")
        settings = validation.get("Settings", {}) if isinstance(validation, dict) else {}
        if isinstance(settings, dict) and settings.get("ContentType") == "ValidNumber":
            number = settings.get("ValidNumber") if isinstance(settings.get("ValidNumber"), dict) else {}
            return Representation(
                "numeric", minimum=_number(number.get("Min")), maximum=_number(number.get("Max"))
            )
        return Representation("text")


def _block_questions(block: dict[str, Any]) -> list[str]:
    return [
        str(e["QuestionID"])
        for _, e in as_items(block.get("BlockElements"))
        if isinstance(e, dict) and e.get("Type") == "Question" and e.get("QuestionID")
    ]


def logic_text(logic: Any) -> str:
    """Display or branch logic as a sentence: Qualtrics' descriptions, each locator in brackets."""
    sentences: list[str] = []
    for key, group in as_items(logic):
        if not key.isdigit() or not isinstance(group, dict):
            continue
        parts: list[str] = []
        if sentences:
            parts.append(str(group.get("Conjuction") or "Or"))
        for index, (ckey, condition) in enumerate(as_items(group)):
            if not ckey.isdigit() or not isinstance(condition, dict):
                continue
            described = plain_text(str(condition.get("Description") or ""))
            operands = " ".join(
                str(condition.get(k))
                for k in ("LeftOperand", "Operator", "RightOperand")
                if condition.get(k) not in (None, "")
            )
            if not described:
                conjunction = "If" if index == 0 else str(condition.get("Conjuction") or "And")
                described = f"{conjunction} {operands}".strip()
            elif operands:
                described = f"{described} [{operands}]"
            parts.append(described)
        sentences.append(" ".join(parts))
    return " ".join(s for s in sentences if s) or json.dumps(logic, ensure_ascii=False, sort_keys=True)[:2000]


def _number(value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text if re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text) else None


IMPORTER = QualtricsImporter()
