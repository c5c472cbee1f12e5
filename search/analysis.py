"""French and English text analysis: the named constants every engine configures, and a pure-Python chain.

One chain per language, in this order (the order matters, see below):

- French: blank elided articles (`l'`, `d'`, `qu'`…), tokenize, drop over-long tokens, lower-case, drop
  stop words, Snowball French stemmer, ASCII folding.
- English: tokenize, drop over-long tokens, lower-case, drop stop words, Snowball English (Porter2)
  stemmer, ASCII folding.
- Unstemmed ("words", for prefix and fuzzy queries): tokenize, drop over-long tokens, lower-case, drop the
  stop words of both languages, ASCII folding.

Folding comes after stemming because the French stemmer needs the accents (`allaitée` → `allait`, while
the folded `allaitee` would stem to `allaite`). Text is NFKC-normalised first, so that the tokenizer sees
the same characters in Python and in Rust (`m²` → `m2`, ligatures split). Elided articles are replaced by
spaces of the same length before tokenizing (every chain does it, English too): offsets stay those of
the text, the letter `d` of "vitamine D" survives, and tokens are plain runs of letters and digits, which
tantivy's fast simple tokenizer cuts exactly as `TOKEN_PATTERN` does in Python.

Texts stored under "und" (no language) go through both chains; other languages only feed the unstemmed
field. tantivy builds the same chains natively from these constants (`search.tantivy_backend`); this
module's pure functions, on Whoosh's Snowball ports, are what Whoosh and the tests run. The two stemmer
implementations agree on nearly every word: on the 29,472 distinct words of the public sample files they
differ on 28 French ones (`française`: `franc` in tantivy, `français` here) and 21 English ones
(`organization`: `organiz` / `organ`); the conformance suite checks its vocabulary on both.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from whoosh.lang.snowball.english import EnglishStemmer
from whoosh.lang.snowball.french import FrenchStemmer

from catalogue.model import UNDETERMINED_LANGUAGE

# Bump when any chain below changes: indexes built with another version are rebuilt, not read.
ANALYSIS_VERSION = 1

ANALYZED_LANGUAGES: tuple[str, ...] = ("fr", "en")
STEMMER_LANGUAGES: dict[str, str] = {"fr": "french", "en": "english"}

APOSTROPHES: tuple[str, ...] = ("'", "\u2019")
# French words that lose their vowel before another vowel: `l'allaitement`, `qu'il` (`jusqu'à` keeps
# `jusqu`, a stop word).
FRENCH_ELIDED: tuple[str, ...] = ("qu", "c", "d", "j", "l", "m", "n", "s", "t")
ELISION_PATTERN = (
    r"(?i)(?<![^\W_])(?:" + "|".join(FRENCH_ELIDED) + r")[" + "".join(APOSTROPHES) + r"](?=[^\W_])"
)
# Tokens are runs of letters and digits (tantivy's simple tokenizer cuts the same runs).
TOKEN_PATTERN = r"[^\W_]+"

# Function words only: words that can carry meaning in a cohort questionnaire ("été" the summer, "pas",
# "no", "not") are kept. `jusqu`, `lorsqu`… are what the tokenizer leaves of `jusqu'à`, `lorsqu'il`.
FRENCH_STOP_WORDS: frozenset[str] = frozenset(
    """
    a à au aux avec ce ces cet cette dans de des du elle elles en et eux il ils je jusqu la le les leur
    leurs lorsqu lui ma mais me mes moi mon ne ni nos notre nous on ou où par pour puisqu qu que quel
    quelle quelles quels qui quoiqu sa se ses si son sur ta te tes toi ton tu un une vos votre vous y
    est sont
    """.split()
)
ENGLISH_STOP_WORDS: frozenset[str] = frozenset(
    """
    a an and are as at be but by for from has have he her his if in into is it its of on or she such
    that the their then there these they this those to was were which who will with s t
    """.split()
)
STOP_WORDS: dict[str, frozenset[str]] = {"fr": FRENCH_STOP_WORDS, "en": ENGLISH_STOP_WORDS}
UNSTEMMED_STOP_WORDS: frozenset[str] = FRENCH_STOP_WORDS | ENGLISH_STOP_WORDS

# Tokens of this many UTF-8 bytes or more are dropped (URLs, base64 noise), as tantivy's default does.
MAX_TOKEN_BYTES = 40

# Letters that Unicode decomposition does not reduce to ASCII, folded as tantivy's ASCII folding does.
FOLDED_LETTERS: dict[str, str] = {
    "ß": "ss",
    "æ": "ae",
    "œ": "oe",
    "ð": "d",
    "đ": "d",
    "ø": "o",
    "þ": "th",
    "ħ": "h",
    "ı": "i",
    "ĸ": "q",
    "ł": "l",
    "ŋ": "n",
    "ŧ": "t",
}

_TOKEN_RE = re.compile(TOKEN_PATTERN)
_ELISION_RE = re.compile(ELISION_PATTERN)
_STEMMERS = {"fr": FrenchStemmer(), "en": EnglishStemmer()}


@dataclass(frozen=True, slots=True)
class Token:
    """An analysed term, its position (gaps left by dropped words are kept) and its span in the text."""

    term: str
    position: int
    start: int
    end: int


def normalize(text: str) -> str:
    """NFKC, so that Python and Rust tokenizers see the same letters and digits."""
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def blank_elisions(text: str) -> str:
    """Elided articles replaced by as many spaces (`l'enfant` → `  enfant`): offsets do not move."""
    if "'" not in text and "\u2019" not in text:
        return text
    return _ELISION_RE.sub(_spaces, text)


def _spaces(match: re.Match[str]) -> str:
    return "   " if match.end() - match.start() == 3 else "  "


@lru_cache(maxsize=65536)
def prepare(text: str) -> str:
    """What every chain tokenizes: the normalised text with its elisions blanked."""
    return blank_elisions(normalize(text))


@lru_cache(maxsize=65536)
def fold(term: str) -> str:
    """ASCII folding of a lower-cased term: accents off Latin letters, ligatures spelled out."""
    return term if term.isascii() else "".join(_fold_letter(letter) for letter in term)


@lru_cache(maxsize=4096)
def _fold_letter(letter: str) -> str:
    if letter in FOLDED_LETTERS:
        return FOLDED_LETTERS[letter]
    base = "".join(c for c in unicodedata.normalize("NFKD", letter) if not unicodedata.combining(c))
    return base if base.isascii() else letter  # other scripts keep their letters, as in tantivy


@lru_cache(maxsize=131072)
def stem(term: str, lang: str) -> str:
    """The Snowball stem of a lower-cased term in `lang` ("fr" or "en")."""
    return _STEMMERS[lang].stem(term)


def tokenize(text: str) -> list[Token]:
    """Lower-cased tokens of a prepared text, long ones dropped, positions counted before that."""
    tokens = []
    for position, match in enumerate(_TOKEN_RE.finditer(text)):
        surface = match.group()
        if len(surface.encode()) >= MAX_TOKEN_BYTES:
            continue
        tokens.append(Token(surface.lower(), position, match.start(), match.end()))
    return tokens


def analyze(text: str, lang: str) -> list[Token]:
    """The stemmed chain of `lang` ("fr" or "en") over a prepared text."""
    stop_words = STOP_WORDS[lang]
    return [
        Token(fold(stem(token.term, lang)), token.position, token.start, token.end)
        for token in tokenize(text)
        if token.term not in stop_words
    ]


def analyze_unstemmed(text: str) -> list[Token]:
    """The unstemmed, folded chain over a prepared text: what prefix and fuzzy queries match."""
    return [
        Token(fold(token.term), token.position, token.start, token.end)
        for token in tokenize(text)
        if token.term not in UNSTEMMED_STOP_WORDS
    ]


def analysis_languages(lang: str) -> tuple[str, ...]:
    """The stemmed chains a text in `lang` goes through: its own, both for "und", none for others."""
    base = lang.lower().split("-")[0]
    if base in ANALYZED_LANGUAGES:
        return (base,)
    if base in (UNDETERMINED_LANGUAGE, ""):
        return ANALYZED_LANGUAGES
    return ()


class SnowballAnalysis:
    """The pure-Python chains behind the `Analysis` interface that query planning and highlighting use."""

    def stemmed(self, text: str, lang: str) -> list[Token]:
        return analyze(prepare(text), lang)

    def unstemmed(self, text: str) -> list[Token]:
        return analyze_unstemmed(prepare(text))
