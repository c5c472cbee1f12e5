"""Interface translations: every string the templates and code mark is translated in the French catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from api.i18n import format_age, format_day, format_number, pick, po_path, text_language, translate

PROJECT = Path(__file__).resolve().parents[2]


def extracted_messages() -> dict[str, list[str]]:
    """msgid → where it is used, extracted as `pybabel extract -F babel.cfg` does."""
    with (PROJECT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(PROJECT), method_map, options_map
    ):
        msgid = message if isinstance(message, str) else message[0]
        if msgid:
            found.setdefault(msgid, []).append(f"{filename}:{lineno}")
    return found


def test_the_extraction_finds_the_templates_and_the_code() -> None:
    messages = extracted_messages()
    assert "How to request access" in messages  # a template string
    assert "QuestionItem" in messages  # vocabulary marked in api/i18n.py
    assert any(place.startswith("api/templates/") for places in messages.values() for place in places)


def test_every_interface_string_has_a_french_translation() -> None:
    with po_path("fr").open("rb") as handle:
        catalogue = read_po(handle, locale="fr")
    untranslated = []
    for msgid, places in sorted(extracted_messages().items()):
        entry = catalogue.get(msgid)
        if entry is None or not entry.string or entry.fuzzy:
            untranslated.append(f"{msgid!r} ({places[0]})")
    assert not untranslated, (
        "strings without a French translation in api/locale/fr/LC_MESSAGES/ddicat.po:\n"
        + ("\n".join(untranslated))
    )


def test_translate_uses_the_compiled_catalogue_and_falls_back_to_the_source() -> None:
    assert translate("How to request access", "fr") == "Demander l'accès aux données"
    assert translate("How to request access", "en") == "How to request access"
    assert translate("A sentence nobody wrote", "fr") == "A sentence nobody wrote"
    assert translate("Waves", "de") == "Waves"


@pytest.mark.parametrize(
    ("text", "lang", "shown", "marked"),
    [
        ({"fr": "Sommeil", "en": "Sleep"}, "en", "Sleep", "en"),
        ({"fr": "Sommeil"}, "en", "Sommeil", "fr"),
        ({"en": "Sleep"}, "fr", "Sleep", "en"),
        ({"fr-FR": "Sommeil"}, "fr", "Sommeil", "fr-FR"),
        ({"und": "Schlaf"}, "fr", "Schlaf", None),
        ({}, "fr", "", None),
    ],
)
def test_metadata_texts_fall_back_to_another_language_and_say_which(text, lang, shown, marked) -> None:
    assert pick(text, lang) == shown
    assert text_language(text, lang) == marked


def test_numbers_dates_and_ages_are_written_per_language() -> None:
    assert format_number("18000", "en") == "18,000" and format_number(18000, "fr") == "18\u202f000"
    assert format_day("2011-04-01", "en") == "Apr 1, 2011" and format_day("2011-04-01", "fr") == "1 avr. 2011"
    assert format_day("spring 2011", "fr") == "spring 2011"
    assert format_age(0, 0, "fr") == "à la naissance" and format_age(2, 3, "en") == "2–3 months"
    assert format_age(42, 44, "fr") == "3,5–3,7 ans" and format_age(66, 66, "en") == "5.5 years"
