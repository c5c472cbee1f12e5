"""Search-box text into clauses: words, phrases, prefixes, exclusions, OR."""

from __future__ import annotations

from search.query import Clause, Phrase, Prefix, Word, parse_query


def test_words_phrases_prefixes_and_exclusions() -> None:
    parsed = parse_query('sommeil  "durée de l\'allaitement" allait* -écran -"temps passé" -hosp*')
    assert parsed.clauses == (
        Clause((Word("sommeil"),)),
        Clause((Phrase("durée de l'allaitement"),)),
        Clause((Prefix("allait"),)),
        Clause((Word("écran"),), excluded=True),
        Clause((Phrase("temps passé"),), excluded=True),
        Clause((Prefix("hosp"),), excluded=True),
    )


def test_or_binds_tighter_than_and() -> None:
    parsed = parse_query("sommeil OR sleep OR dodo enfant")
    assert parsed.required == (
        Clause((Word("sommeil"), Word("sleep"), Word("dodo"))),
        Clause((Word("enfant"),)),
    )


def test_french_and_curly_quotes() -> None:
    assert parse_query("«lait maternel»").clauses == (Clause((Phrase("lait maternel"),)),)
    assert parse_query("\u201clait maternel\u201d").clauses == (Clause((Phrase("lait maternel"),)),)


def test_nothing_fails() -> None:
    assert parse_query('"non fermée').clauses == (Clause((Phrase("non fermée"),)),)
    assert parse_query('OR AND - * "" +').clauses == (Clause((Word("-"),)), Clause((Word("+"),)))
    assert parse_query("a* -OR b").clauses == (
        Clause((Word("a"),)),
        Clause((Word("OR"),), excluded=True),
        Clause((Word("b"),)),
    )
    assert parse_query("").clauses == ()


def test_hyphens_and_apostrophes_inside_words_are_kept() -> None:
    assert parse_query("covid-19 l'enfant +sommeil").clauses == (
        Clause((Word("covid-19"),)),
        Clause((Word("l'enfant"),)),
        Clause((Word("sommeil"),)),
    )
