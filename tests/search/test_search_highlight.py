"""Fragments: matched words marked, the rest escaped, long texts cut around the first match."""

from __future__ import annotations

from search.analysis import SnowballAnalysis
from search.highlight import FRAGMENT_CHARS, edit_distance, fragment, highlight_text
from search.plan import Highlighting

ANALYSIS = SnowballAnalysis()


def marks(**terms: object) -> Highlighting:
    highlighting = Highlighting()
    for lang, stems in dict(terms.get("stems", {})).items():  # type: ignore[call-overload]
        highlighting.stems[lang] = {((0, stem),) for stem in stems}
    highlighting.prefixes = set(terms.get("prefixes", ()))  # type: ignore[call-overload]
    highlighting.fuzzy = set(terms.get("fuzzy", ()))  # type: ignore[call-overload]
    return highlighting


def test_marks_stems_in_the_text_language_and_escapes_html() -> None:
    text = "L'enfant <b>allaité</b> & sevré"
    assert highlight_text(text, "fr", marks(stems={"fr": {"allait"}}), ANALYSIS) == (
        "L'enfant &lt;b&gt;<mark>allaité</mark>&lt;/b&gt; &amp; sevré"
    )
    assert highlight_text(text, "en", marks(stems={"fr": {"allait"}}), ANALYSIS) is None


def test_und_texts_are_marked_with_both_languages() -> None:
    highlighting = marks(stems={"fr": {"mer"}, "en": {"mother"}})
    assert highlight_text("Âge de la mère / Mother's age", "und", highlighting, ANALYSIS) == (
        "Âge de la <mark>mère</mark> / <mark>Mother</mark>'s age"
    )


def test_prefix_and_fuzzy_marks() -> None:
    assert highlight_text("Hospitalisations", "fr", marks(prefixes={"hospit"}), ANALYSIS) == (
        "<mark>Hospitalisations</mark>"
    )
    assert (
        highlight_text("allaitement", "fr", marks(fuzzy={("allaitemnt", 1)}), ANALYSIS)
        == "<mark>allaitement</mark>"
    )
    assert edit_distance("allaitemnt", "allaitement", 2) == 1
    assert edit_distance("abc", "abcdef", 2) == 3


def test_phrases_are_marked_only_where_whole() -> None:
    highlighting = Highlighting()
    highlighting.stems["fr"] = {((0, "lait"), (1, "maternel"))}
    text = "Lait maternel / lait infantile"
    assert (
        highlight_text(text, "fr", highlighting, ANALYSIS)
        == "<mark>Lait</mark> <mark>maternel</mark> / lait infantile"
    )


def test_long_texts_are_cut_around_the_first_match() -> None:
    text = "début " * 60 + "allaitement " + "fin " * 80
    cut = fragment(text, [(360, 371)])
    assert cut.startswith("\u2026") and cut.endswith("\u2026") and "<mark>allaitement</mark>" in cut
    assert len(cut) <= FRAGMENT_CHARS + len("<mark></mark>") + 2
