"""Choice sets of one source file as DDI code lists: identical sets become one code list.

A choice set is (code, label) pairs. Two fields offering the same codes with the same labels share one
`CodeList` (named after the first field that uses it) and its `Category`s. Missing-value choices are flagged
`Category.is_missing` by a deliberately conservative rule (`looks_missing`): a classic negative missing code
(-7, -8, -9, -77, -88, -99, -999, -9999...), or a label that is, in full, a "don't know / refused / not
applicable / unknown" phrase in French or English. Positive codes 88, 99, 999, 9999 are not enough on their
own: "88, Autre" (other) is a real answer in ISARIC forms.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from catalogue.model import Category, Code, CodeList, Item, ItemKey, LangText, Ref
from importers.identifiers import ddi_id

MISSING_CODES = frozenset({"-7", "-8", "-9", "-77", "-88", "-99", "-777", "-888", "-999", "-9999", "-99999"})
MISSING_PHRASES = frozenset(
    {
        # French
        "ne sait pas",
        "ne sais pas",
        "nsp",
        "ne sait pas ne repond pas",
        "refus",
        "refus de repondre",
        "refuse de repondre",
        "ne veut pas repondre",
        "ne souhaite pas repondre",
        "prefere ne pas repondre",
        "sans reponse",
        "non reponse",
        "pas de reponse",
        "non renseigne",
        "non renseignee",
        "inconnu",
        "inconnue",
        "non applicable",
        "sans objet",
        "non concerne",
        "non concernee",
        "manquant",
        "donnee manquante",
        # English
        "don t know",
        "dont know",
        "do not know",
        "dk",
        "refused",
        "refusal",
        "prefer not to answer",
        "prefer not to say",
        "no answer",
        "not applicable",
        "n a",
        "na",
        "unknown",
        "not known",
        "missing",
        "not reported",
        "not stated",
        "declined to answer",
    }
)
_NMTOKEN = re.compile(r"[\w.\-:]+")
_SIDES = re.compile(r"\s*[/;]\s*")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def _normalised(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return _NOT_WORD.sub(" ", ascii_text).strip()


def looks_missing(code: str, label: LangText) -> bool:
    """True for a missing-value choice (see the module docstring for the rule)."""
    if code.strip() in MISSING_CODES:
        return True
    texts = [text for text in label.values() if text.strip()]
    if not texts:
        return False
    for text in texts:
        sides = [_normalised(side) for side in _SIDES.split(text) if side.strip()]
        if not sides or not all(side in MISSING_PHRASES for side in sides):
            return False
    return True


def declarable_missing(codes: list[str]) -> list[str]:
    """The codes DDI's `missingValue` can list (XML name tokens): "(NSP)" stays a flagged category only."""
    return [code for code in codes if _NMTOKEN.fullmatch(code)]


@dataclass(frozen=True, slots=True)
class Choice:
    """One answer option: its code (the stored value), label per language and missing flag."""

    code: str
    label: LangText
    missing: bool = False

    def key(self) -> tuple[str, tuple[tuple[str, str], ...], bool]:
        return self.code, tuple(sorted(self.label.items())), self.missing


YES_NO = (Choice("1", {"en": "Yes", "fr": "Oui"}), Choice("0", {"en": "No", "fr": "Non"}))
TRUE_FALSE = (Choice("1", {"en": "True", "fr": "Vrai"}), Choice("0", {"en": "False", "fr": "Faux"}))
CHECKED = (Choice("1", {"en": "Checked", "fr": "Coché"}), Choice("0", {"en": "Unchecked", "fr": "Non coché"}))


@dataclass(slots=True)
class ChoiceSets:
    """The code lists and categories built so far for one import, deduplicated by content."""

    agency: str
    prefix: str
    items: list[Item] = field(default_factory=list)
    _by_content: dict[tuple[object, ...], CodeList] = field(default_factory=dict)
    _missing: dict[str, list[str]] = field(default_factory=dict)
    _taken: set[str] = field(default_factory=set)

    def code_list(
        self,
        name: str,
        choices: list[Choice] | tuple[Choice, ...],
        *,
        label: LangText | None = None,
        user_ids: list[tuple[str, str]] | None = None,
    ) -> Ref:
        """The code list for these choices, made on first use (named `name`), shared afterwards."""
        unique = _first_of_each_code(choices)
        key = tuple(choice.key() for choice in unique)
        found = self._by_content.get(key)
        if found is not None:
            return found.ref()
        list_id = self._free_id(ddi_id(self.prefix, "cl", name))
        code_list = CodeList(
            agency=self.agency,
            id=list_id,
            version=None,
            name=name,
            label=dict(label or {}),
            user_ids=list(user_ids or []),
        )
        for choice in unique:
            category = Category(
                agency=self.agency,
                id=self._free_id(ddi_id(list_id, "cat", choice.code)),
                version=None,
                label=dict(choice.label),
                is_missing=choice.missing,
            )
            self.items.append(category)
            code_list.codes.append(
                Code(id=ddi_id(list_id, "code", choice.code), value=choice.code, category=category.ref())
            )
        self.items.append(code_list)
        self._by_content[key] = code_list
        self._missing[list_id] = [choice.code for choice in unique if choice.missing]
        return code_list.ref()

    def missing_codes(self, ref: Ref) -> list[str]:
        """The codes of a code list built here whose category is flagged missing."""
        return list(self._missing.get(ref.id, []))

    def _free_id(self, wanted: str) -> str:
        candidate, suffix = wanted, 2
        while candidate in self._taken:
            candidate, suffix = f"{wanted}-{suffix}", suffix + 1
        self._taken.add(candidate)
        return candidate


def _first_of_each_code(choices: list[Choice] | tuple[Choice, ...]) -> list[Choice]:
    seen: set[str] = set()
    unique = []
    for choice in choices:
        if choice.code not in seen:
            seen.add(choice.code)
            unique.append(choice)
    return unique


def place_code_lists(items: list[Item], placement: dict[ItemKey, str | None]) -> None:
    """A code list (with its categories) used from one wave only goes to that wave; shared ones stay None."""
    users: dict[str, set[str | None]] = {}
    for item in items:
        for _role, ref in item.references():
            if ref.type == "CodeList":
                users.setdefault(ref.id, set()).add(placement.get(item.key))
    for item in items:
        if not isinstance(item, CodeList):
            continue
        waves = users.get(item.id, {None})
        wave = next(iter(waves)) if len(waves) == 1 else None
        placement[item.key] = wave
        for code in item.codes:
            if code.category is not None:
                placement[code.category.key] = wave
