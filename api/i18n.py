"""Interface languages: picking the page language, translating interface strings, choosing metadata texts.

Interface strings are written in English in the templates and the code, extracted with Babel (`babel.cfg`)
into `api/locale/<lang>/LC_MESSAGES/ddicat.po`, the committed source of truth. The `.po` is compiled in
memory on first use, so a clean clone needs no build step and a stale `.mo` can never be served.
Metadata texts are shown in the chosen language with a fallback to the other ones.
"""

from __future__ import annotations

import gettext
import threading
from collections.abc import Sequence
from datetime import date, datetime
from io import BytesIO
from pathlib import Path

from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from catalogue.model import UNDETERMINED_LANGUAGE, LangText

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "ddicat"
SOURCE_LANGUAGE = "en"

_lock = threading.Lock()
_catalogues: dict[str, gettext.NullTranslations] = {}


def N_(text: str) -> str:
    """Mark a string for extraction without translating it (words that only reach templates as data)."""
    return text


# Words that reach the pages as data (item types, representation kinds, facet values...), marked here
# so that extraction puts them in the catalogue.
VOCABULARY = (
    N_("Variable"),
    N_("QuestionItem"),
    N_("QuestionGrid"),
    N_("Concept"),
    N_("CodeList"),
    N_("Instrument"),
    N_("Category"),
    N_("Universe"),
    N_("Sequence"),
    N_("QuestionConstruct"),
    N_("IfThenElse"),
    N_("Loop"),
    N_("StatementItem"),
    N_("ComputationItem"),
    N_("code"),
    N_("numeric"),
    N_("text"),
    N_("datetime"),
    N_("other"),
    N_("none"),
    N_("mixed"),
    N_("same question"),
    N_("same concept"),
    N_("questionnaire"),
    N_("data-file"),
    N_("administrative"),
    N_("biological"),
    N_("published"),
    N_("draft"),
    N_("superseded"),
    N_("Not found"),
    N_("Error"),
    N_("Method not allowed"),
    N_("Authentication required"),
    N_("Forbidden"),
    N_("Conflict"),
    N_("Payload too large"),
    N_("Invalid input"),
)


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of a language (English, the source language, needs none), cached per process."""
    found = _catalogues.get(lang)
    if found is not None:
        return found
    with _lock:
        found = _catalogues.get(lang)
        if found is None:
            found = _compile(lang)
            _catalogues[lang] = found
    return found


def _compile(lang: str) -> gettext.NullTranslations:
    path = po_path(lang)
    if lang == SOURCE_LANGUAGE or not path.is_file():
        return gettext.NullTranslations()
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale=lang, domain=DOMAIN)
    buffer = BytesIO()
    write_mo(buffer, catalogue, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def choose_language(requested: str | None, available: Sequence[str]) -> str:
    """The page language: the one asked for in the URL when the interface has it, else the default."""
    if requested:
        base = requested.lower().split("-")[0]
        if base in available:
            return base
    return available[0]


def translate(text: str, lang: str) -> str:
    """An interface string in `lang` (the string itself when the catalogue lacks it)."""
    if not text:
        return text
    return translations(lang).gettext(text)


def translate_plural(singular: str, plural: str, count: int, lang: str) -> str:
    return translations(lang).ngettext(singular, plural, count)


def format_number(value: float | int | str | None, lang: str) -> str:
    """A count or measure written as the language writes it (18 000 in French, 18,000 in English)."""
    if value in (None, ""):
        return ""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    return format_decimal(int(number) if number.is_integer() else number, locale=lang)


def format_day(value: str | date | None, lang: str) -> str:
    """An ISO date (or a year, a year-month) written for readers of `lang`; other strings as they are."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return format_date(value, format="medium", locale=lang)
    try:
        return format_date(date.fromisoformat(value[:10]), format="medium", locale=lang)
    except ValueError:
        return value


def pick(text: LangText | None, lang: str, fallbacks: Sequence[str] = ("fr", "en")) -> str:
    """A metadata text in the page language, else in another language (never empty when any exists)."""
    if not text:
        return ""
    if text.get(lang):
        return text[lang]
    for key, value in text.items():
        if key.split("-")[0] == lang and value:
            return value
    for other in fallbacks:
        if text.get(other):
            return text[other]
    return text.get(UNDETERMINED_LANGUAGE) or next((v for v in text.values() if v), "")


def text_language(text: LangText | None, lang: str, fallbacks: Sequence[str] = ("fr", "en")) -> str | None:
    """The language of the text `pick` shows, for the `lang` attribute of the element holding it."""
    if not text:
        return None
    if text.get(lang):
        return lang
    for key, value in text.items():
        if key.split("-")[0] == lang and value:
            return key
    for other in fallbacks:
        if text.get(other):
            return other
    for key, value in text.items():
        if value:
            return None if key == UNDETERMINED_LANGUAGE else key
    return None


def format_age(age_min: float | None, age_max: float | None, lang: str) -> str:
    """Participants' age at a wave: months up to two years, years after (at birth for 0)."""
    if age_min is None and age_max is None:
        return ""
    low = age_min if age_min is not None else age_max
    high = age_max if age_max is not None else age_min
    assert low is not None and high is not None
    if high == 0:
        return translate(N_("at birth"), lang)
    if high < 24:
        unit, scale = translate(N_("months"), lang), 1.0
    else:
        unit, scale = translate(N_("years"), lang), 12.0

    def number(months: float) -> str:
        return format_decimal(round(months / scale, 1), locale=lang)

    span = number(low) if number(low) == number(high) else f"{number(low)}–{number(high)}"
    return f"{span} {unit}"
