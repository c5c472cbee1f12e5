"""DDI-L 3.3 lexical rules the writer must meet, as the official XSD states them, and text cleaning.

Each rule answers "would the XSD accept this value here?" so that the writer can refuse an item with a clear
message before writing, instead of producing a document that fails validation.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from catalogue.model import UNDETERMINED_LANGUAGE

# reusable.xsd DDIAgencyIDType: the pattern, and at most 253 characters.
_AGENCY = re.compile(r"[a-zA-Z0-9-]{1,63}(\.[a-zA-Z0-9-]{1,63})*")
AGENCY_MAX_LENGTH = 253
# reusable.xsd BaseIDType restricts r:ID; its optional `.suffix` class reads `[A-Zz-z0-9*@$-_]` (a typo for
# a-z: lower-case letters other than z are refused there). The canonical URN allows the full class. An ID
# the element refuses (`CS_PISA_1.Cat_1`, from the DDI Alliance's own examples) is written as a URN only.
_ID = re.compile(r"[A-Za-z0-9*@$\-_]+(\.[A-Za-z0-9*@$\-_]+)?")
_ID_ELEMENT = re.compile(r"[A-Za-z0-9*@$\-_]+(\.[A-Zz0-9*@$\-_]+)?")
_VERSION = re.compile(r"[0-9]+(\.[0-9]+)*")
# xs:language, the type of xml:lang and of d:QuestionText/@audienceLanguage.
_LANGUAGE = re.compile(r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*")
# xs:NMTOKEN (one token of @missingValue): XML name characters.
_NMTOKEN = re.compile(r"[\w.\-:\u00B7\u0300-\u036F\u203F-\u2040]+")
_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
_DOUBLE = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|-?INF|NaN")
_NON_NEGATIVE = re.compile(r"\+?[0-9]+")
# Characters XML 1.0 forbids anywhere (C0 controls but tab/newline/return, surrogates, FFFE/FFFF).
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# reusable.xsd BaseDateType is the union xs:dateTime | xs:date | xs:gYearMonth | xs:gYear | xs:duration.
_TZ = r"(Z|[+-](0[0-9]|1[0-3]):[0-5][0-9]|[+-]14:00)?"
_YEAR = r"-?([1-9][0-9]{4,}|[0-9]{4})"
_DATE_TIME = re.compile(
    _YEAR + r"-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?" + _TZ
)
_DATE = re.compile(_YEAR + r"-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})" + _TZ)
_YEAR_MONTH = re.compile(_YEAR + r"-(0[1-9]|1[0-2])" + _TZ)
_GYEAR = re.compile(_YEAR + _TZ)
_DURATION = re.compile(
    r"-?P(?=[0-9T])([0-9]+Y)?([0-9]+M)?([0-9]+D)?(T(?=[0-9])([0-9]+H)?([0-9]+M)?([0-9]+(\.[0-9]+)?S)?)?"
)


def is_agency(value: str) -> bool:
    """r:Agency: reverse-DNS-like segments of letters, digits and hyphens."""
    return len(value) <= AGENCY_MAX_LENGTH and _AGENCY.fullmatch(value) is not None


def is_ddi_id(value: str) -> bool:
    """An ID the canonical URN accepts."""
    return _ID.fullmatch(value) is not None


def fits_id_element(value: str) -> bool:
    """An ID the r:ID element accepts too (see `_ID_ELEMENT`); otherwise identify by URN alone."""
    return _ID_ELEMENT.fullmatch(value) is not None


def is_version(value: str) -> bool:
    """r:Version: dot-separated numbers."""
    return _VERSION.fullmatch(value) is not None


def is_nmtoken(value: str) -> bool:
    """One token of an xs:NMTOKENS attribute such as @missingValue."""
    return _NMTOKEN.fullmatch(value) is not None


def is_decimal(value: str) -> bool:
    """xs:decimal, the type of r:Low and r:High."""
    return _DECIMAL.fullmatch(value.strip()) is not None


def is_double(value: str) -> bool:
    """xs:double, the type of r:LowDouble and r:HighDouble (exponents, INF, NaN)."""
    return _DOUBLE.fullmatch(value.strip()) is not None


def is_non_negative(value: int) -> bool:
    """xs:nonNegativeInteger (lengths, cardinalities, ranks)."""
    return value >= 0 and _NON_NEGATIVE.fullmatch(str(value)) is not None


def is_ddi_date(value: str) -> bool:
    """reusable.xsd BaseDateType: an ISO 8601 date-time, date, year-month, year or duration."""
    for pattern in (_DATE_TIME, _DATE):
        match = pattern.fullmatch(value)
        if match:
            return _real_day(match.group(0), int(match["m"]), int(match["d"]))
    return any(p.fullmatch(value) for p in (_YEAR_MONTH, _GYEAR, _DURATION))


def _real_day(value: str, month: int, day: int) -> bool:
    year = int(value.lstrip("-").split("-")[0])
    try:
        dt.date(2000 if year == 0 or year > 9999 else year, month, day)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=256)
def language_tag(lang: str) -> str | None:
    """The xml:lang to write for a text stored under `lang`, or None when no valid tag can be made of it.

    A text stored without a language (empty key) is written as `und`; `fr_FR` is written `fr-FR`.
    """
    tag = lang.strip().replace("_", "-") or UNDETERMINED_LANGUAGE
    return tag if _LANGUAGE.fullmatch(tag) else None


def xml_text(value: str) -> str:
    """The text without the characters XML 1.0 cannot carry (NUL, other C0 controls, lone surrogates...)."""
    return _NOT_XML.sub("", value)


def derived_id(owner_id: str, kind: str) -> str:
    """The ID of an object the writer makes for an owner: `<owner id>-<kind>` (a dot becomes `-`)."""
    return f"{owner_id.replace('.', '-')}-{kind}"
