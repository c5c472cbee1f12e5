"""Labels as cohort sources write them, turned into language maps.

REDCap, Qualtrics and LimeSurvey labels are HTML: tags are stripped (only real HTML tag names, so that
"<<AUDIT>>" or "age < 18" survive), entities unescaped and line breaks kept as spaces; the raw HTML is kept
nowhere. French hospitals without multi-language modules write both languages in one string,
"Texte / Text": it is split only when the user names the two languages (`split_languages`).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from catalogue.model import UNDETERMINED_LANGUAGE, LangText

_HTML_TAGS = (
    "a|abbr|b|big|blockquote|body|br|caption|center|cite|code|col|colgroup|dd|del|div|dl|dt|em|font|h[1-6]|"
    "head|hr|html|i|img|ins|label|li|mark|ol|p|pre|q|s|small|span|strike|strong|sub|sup|table|tbody|td|"
    "tfoot|th|thead|tr|tt|u|ul|video|audio|source|iframe|figure|figcaption|section|article|header|footer"
)
_DROPPED_BLOCKS = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(rf"</?(?:{_HTML_TAGS})\b[^<>]*?/?>", re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_SPACES = re.compile(r"\s+")
_UNUSUAL_SPACE = re.compile(r"\s\s|[^\S ]")
BILINGUAL_SEPARATOR = " / "


def plain_text(raw: str) -> str:
    """Text a respondent reads: HTML tags and comments removed, entities decoded, whitespace collapsed."""
    if "<" in raw:
        raw = _COMMENT.sub(" ", _DROPPED_BLOCKS.sub(" ", raw))
        raw = _TAG.sub(" ", raw)
    if "&" in raw:
        raw = html.unescape(raw)
    if _UNUSUAL_SPACE.search(raw):
        raw = _SPACES.sub(" ", raw)
    return raw.strip()


def split_bilingual(text: str) -> tuple[str, str] | None:
    """ "Texte / Text" → ("Texte", "Text"); with several " / ", the one that splits the string in halves."""
    positions = []
    at = text.find(BILINGUAL_SEPARATOR)
    while at >= 0:
        positions.append(at)
        at = text.find(BILINGUAL_SEPARATOR, at + 1)
    if not positions:
        return None
    width = len(BILINGUAL_SEPARATOR)

    def balance(index: int) -> tuple[int, int]:
        left, right = index, len(positions) - index - 1
        at = positions[index]
        return abs(left - right), abs(at - (len(text) - at - width))

    at = positions[min(range(len(positions)), key=balance)]
    first, second = text[:at].strip(), text[at + width :].strip()
    if not first or not second:
        return None
    return first, second


@dataclass(frozen=True, slots=True)
class TextLanguages:
    """How to file a source text under languages: the user's split pair, else one given language."""

    split: tuple[str, str] | None = None
    default: str = UNDETERMINED_LANGUAGE

    def lang_text(self, raw: str | None, language: str | None = None) -> LangText:
        """The cleaned text under its language: `language` when the source says it, else split or default."""
        text = plain_text(raw or "")
        if not text:
            return {}
        if language:
            return {language: text}
        if self.split is not None:
            pair = split_bilingual(text)
            if pair is not None:
                return {self.split[0]: pair[0], self.split[1]: pair[1]}
        return {self.default: text}


def join_texts(parts: list[LangText], separator: str) -> LangText:
    """Several texts joined per language (slider anchors, "question: choice" labels)."""
    languages: list[str] = []
    for part in parts:
        languages += [lang for lang in part if lang not in languages]
    joined: LangText = {}
    for lang in languages:
        values = [_in_language(part, lang) for part in parts]
        values = [v for v in values if v]
        if values:
            joined[lang] = separator.join(values)
    return joined


def _in_language(text: LangText, lang: str) -> str:
    """The text in `lang`, else its only text (a one-language text joins every language)."""
    if lang in text:
        return text[lang]
    if len(text) == 1:
        return next(iter(text.values()))
    return ""
