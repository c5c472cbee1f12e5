"""REDCap field grammar, and the label and choice rules shared by the REDCap, ODM and other importers."""

from __future__ import annotations

import pytest

from catalogue.errors import Location
from importers.choice_sets import CHECKED, Choice, ChoiceSets, declarable_missing, looks_missing
from importers.label_text import TextLanguages, join_texts, plain_text, split_bilingual
from importers.redcap_fields import (
    RedcapField,
    action_tags,
    checkbox_variable,
    field_type,
    parse_choices,
    referenced_fields,
    slider_representation,
    text_representation,
    validation_type,
)

HERE = Location(file="test.csv", row=2)


# Labels --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("<b>Poids</b> de l&#39;enfant&nbsp;(kg)", "Poids de l'enfant (kg)"),
        ("Ligne 1<br>Ligne 2<br/>\nLigne 3", "Ligne 1 Ligne 2 Ligne 3"),
        ('<p style="color:red">Âge</p><script>alert(1)</script>', "Âge"),
        ("Get <<AUDIT>> - look through", "Get <<AUDIT>> - look through"),
        ("si âge < 18 et poids > 3", "si âge < 18 et poids > 3"),
        ("&lt;b&gt; reste écrit", "<b> reste écrit"),
        ("<!-- note interne -->Texte", "Texte"),
    ],
)
def test_html_is_stripped_to_text_and_entities_decoded(raw: str, text: str) -> None:
    assert plain_text(raw) == text


def test_bilingual_strings_split_only_when_asked() -> None:
    assert TextLanguages().lang_text("Oui / Yes") == {"und": "Oui / Yes"}
    assert TextLanguages(default="fr").lang_text("Oui / Yes") == {"fr": "Oui / Yes"}
    both = TextLanguages(split=("fr", "en"))
    assert both.lang_text("Poids à la naissance / Birth weight") == {
        "fr": "Poids à la naissance",
        "en": "Birth weight",
    }
    assert TextLanguages(split=("ru", "en")).lang_text("Дата / Date  ") == {"ru": "Дата", "en": "Date"}
    # Without a separator the text keeps the default language; a source language wins over splitting.
    assert both.lang_text("Record ID") == {"und": "Record ID"}
    assert both.lang_text("Oui / Yes", "fr") == {"fr": "Oui / Yes"}
    assert both.lang_text("<p>  </p>") == {}


def test_split_picks_the_separator_in_the_middle() -> None:
    assert split_bilingual("mg / dL par jour / mg / dL per day") == ("mg / dL par jour", "mg / dL per day")
    assert split_bilingual("Texte sans traduction") is None
    assert split_bilingual(" / Text") is None


def test_texts_are_joined_per_language() -> None:
    question = {"fr": "Symptômes", "en": "Symptoms"}
    assert join_texts([question, {"fr": "Fièvre", "en": "Fever"}], ": ") == {
        "fr": "Symptômes: Fièvre",
        "en": "Symptoms: Fever",
    }
    assert join_texts([question, {"und": "COVID-19"}], ": ") == {
        "fr": "Symptômes: COVID-19",
        "en": "Symptoms: COVID-19",
        "und": "COVID-19",
    }


# Missing values and code lists ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "label", "missing"),
    [
        ("-9", {"fr": "Valeur quelconque"}, True),
        ("-8", {}, True),
        ("99", {"fr": "Ne sait pas", "en": "Don't know"}, True),
        ("99", {"und": "Ne sait pas / Don't know"}, True),
        ("2", {"und": "Unknown / Not Reported"}, True),
        ("9", {"fr": "(NSP)"}, True),
        ("7", {"fr": "Refus de répondre"}, True),
        ("8", {"fr": "Non concernée"}, True),
        ("88", {"und": "Autre"}, False),
        ("99", {"fr": "99 et plus"}, False),
        ("3", {"fr": "Refus de soins"}, False),
        ("1", {"fr": "Oui", "en": "Yes"}, False),
        ("-1", {"fr": "Beaucoup moins"}, False),
    ],
)
def test_missing_rule_is_conservative(code: str, label: dict[str, str], missing: bool) -> None:
    assert looks_missing(code, label) is missing


def test_identical_choice_sets_share_one_code_list() -> None:
    sets = ChoiceSets("fr.ddicat.test", "t")
    yes_no = [Choice("1", {"fr": "Oui"}), Choice("0", {"fr": "Non"}), Choice("-9", {"fr": "NSP"}, True)]
    first = sets.code_list("allaite", yes_no)
    again = sets.code_list("vaccin", list(yes_no))
    other = sets.code_list("sexe", [Choice("1", {"fr": "Garçon"}), Choice("2", {"fr": "Fille"})])
    assert first == again and first != other
    assert first.id == "t-cl-allaite"
    assert sets.missing_codes(first) == ["-9"]
    assert sum(1 for item in sets.items if item.TYPE == "CodeList") == 2
    assert sum(1 for item in sets.items if item.TYPE == "Category") == 5
    assert sets.code_list("coche", list(CHECKED)) != first
    assert declarable_missing(["-9", "(NSP)", "NA", "ne sait pas"]) == ["-9", "NA"]


# REDCap grammar ------------------------------------------------------------------------------------------


def test_choices_split_on_the_first_comma_with_or_without_spaces() -> None:
    choices, problems = parse_choices("1, Oui, souvent | 2,Non|a, Autre (préciser)|-1, Aucun", HERE)
    assert choices == [("1", "Oui, souvent"), ("2", "Non"), ("a", "Autre (préciser)"), ("-1", "Aucun")]
    assert problems == []


def test_bad_choices_are_reported_with_their_location() -> None:
    choices, problems = parse_choices("1, Oui | 1, Encore | Sans virgule | , Sans code", HERE)
    assert choices == [("1", "Oui"), ("Sans virgule", "Sans virgule")]
    assert len(problems) == 3 and all(p.location == HERE and p.severity == "warning" for p in problems)


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("1", "symptomes___1"),
        ("-1", "symptomes____1"),
        ("A", "symptomes___a"),
        ("1.5", "symptomes___1_5"),
        ("NSP!", "symptomes___nsp"),
    ],
)
def test_checkbox_variables_are_named_as_redcap_exports_them(code: str, name: str) -> None:
    assert checkbox_variable("symptomes", code) == name


def test_xml_spellings_become_dictionary_ones() -> None:
    assert field_type("select") == "dropdown" and field_type("textarea") == "notes"
    assert validation_type("int") == "integer" and validation_type("float") == "number"


def _text_field(validation: str, minimum: str = "", maximum: str = "") -> RedcapField:
    return RedcapField(
        name="x",
        form="f",
        field_type="text",
        location=HERE,
        validation=validation,
        minimum=minimum,
        maximum=maximum,
    )


def test_validation_types_give_representations() -> None:
    problems: list = []
    integer = text_representation(_text_field("integer", "0", "24"), problems)
    assert (integer.kind, integer.numeric_type, integer.minimum, integer.maximum) == (
        "numeric",
        "Integer",
        "0",
        "24",
    )
    decimal = text_representation(_text_field("number_2dp_comma_decimal"), problems)
    assert (decimal.kind, decimal.decimal_positions, decimal.format) == (
        "numeric",
        2,
        "number_2dp_comma_decimal",
    )
    date = text_representation(_text_field("date_dmy", "2011-01-01"), problems)
    assert (date.kind, date.date_type, date.format, date.minimum) == (
        "datetime",
        "Date",
        "DD-MM-YYYY",
        "2011-01-01",
    )
    stamp = text_representation(_text_field("datetime_seconds_ymd"), problems)
    assert (stamp.date_type, stamp.format) == ("DateTime", "YYYY-MM-DD HH:MM:SS")
    assert text_representation(_text_field("time"), problems).date_type == "Time"
    email = text_representation(_text_field("email"), problems)
    assert (email.kind, email.format) == ("text", "email")
    assert text_representation(_text_field("postalcode_french"), problems).regex == "[0-9]{5}"
    assert problems == []


def test_non_numeric_bounds_and_custom_validations_are_warned() -> None:
    problems: list = []
    rep = text_representation(_text_field("integer", "today", "10"), problems)
    assert (rep.minimum, rep.maximum) == (None, "10")
    custom = text_representation(_text_field("numero_secu"), problems)
    assert (custom.kind, custom.format) == ("text", "numero_secu")
    assert [p.code for p in problems] == ["redcap-range", "redcap-validation"]


def test_slider_defaults_to_0_100() -> None:
    slider = RedcapField(name="s", form="f", field_type="slider", location=HERE)
    rep = slider_representation(slider, [])
    assert (rep.kind, rep.minimum, rep.maximum) == ("numeric", "0", "100")


def test_fields_named_in_expressions() -> None:
    assert referenced_fields("[sexe] = '2' and [symptomes(1)] = '1' or [visite_1_arm_1][poids]") == [
        ("sexe", None),
        ("symptomes", "1"),
        ("visite_1_arm_1", None),
        ("poids", None),
    ]


def test_action_tags_and_free_text_of_an_annotation() -> None:
    assert action_tags(
        "@HIDDEN-SURVEY @DEFAULT='inconnu' @CALCTEXT(if([a]>1, 'x', 'y')) Champ nominatif"
    ) == [
        ("redcap:@HIDDEN-SURVEY", ""),
        ("redcap:@DEFAULT", "'inconnu'"),
        ("redcap:@CALCTEXT", "(if([a]>1, 'x', 'y'))"),
        ("redcap:fieldAnnotation", "Champ nominatif"),
    ]
    assert action_tags("https://github.com/OuhscBbmc/REDCapR/issues/290") == [
        ("redcap:fieldAnnotation", "https://github.com/OuhscBbmc/REDCapR/issues/290")
    ]
