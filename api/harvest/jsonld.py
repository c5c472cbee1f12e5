"""schema.org JSON-LD: a `Dataset` per cohort and a `PropertyValue` per variable, for search engines.

Built from the same contexts as the pages (`api.views`). The cohort's Dataset carries what Google's Dataset
rich results ask for (name, a description of 50 to 5000 characters) and recommend (identifier, url,
creator, license, keywords, temporalCoverage, spatialCoverage, variableMeasured, includedInDataCatalog...).
Embedded in a page, texts are in the page's language (the context's `@language`); without a language
(`/urn/...` as JSON-LD), every text is a list of language-tagged values.

The context is inline (`@vocab`), never a remote URL, so that consumers parse it offline.
"""

from __future__ import annotations

from typing import Any

from api.i18n import format_age, pick
from catalogue.model import LangText

SCHEMA = "https://schema.org/"
VARIABLES_MEASURED_CAP = 500
DESCRIPTION_MIN, DESCRIPTION_MAX = 50, 5000
COUNTRY_NAMES = {"FR": {"fr": "France", "en": "France"}}


def context(lang: str | None) -> dict[str, Any]:
    return {"@vocab": SCHEMA, "@language": lang} if lang else {"@vocab": SCHEMA}


def text_value(text: LangText | None, lang: str | None) -> Any:
    """One string in the page's language, or every language as tagged values."""
    if not text:
        return None
    if lang:
        return pick(text, lang) or None
    values = [{"@value": v, "@language": k} for k, v in text.items() if v and k != "und"]
    values += [v for k, v in text.items() if v and k == "und"]
    return values or None


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}


def temporal_coverage(waves: list[dict[str, Any]]) -> str | None:
    """The collection period as an ISO 8601 interval, first wave's start to last wave's end."""
    starts = sorted(w["start_date"] for w in waves if w.get("start_date"))
    ends = sorted(
        w.get("end_date") or w.get("start_date") for w in waves if w.get("end_date") or w.get("start_date")
    )
    if not starts:
        return None
    return f"{starts[0]}/{ends[-1]}" if ends and ends[-1] != starts[0] else starts[0]


def long_description(parts: list[str]) -> str:
    """A description Google accepts: the parts joined until it says enough, cut at 5000 characters."""
    text = ""
    for part in parts:
        if not part:
            continue
        text = f"{text} {part}".strip() if text else part
        if len(text) >= DESCRIPTION_MIN * 2:
            break
    return text[:DESCRIPTION_MAX]


def creator(study: dict[str, Any]) -> dict[str, Any]:
    """The organisation behind the cohort: a declared creator, else the DDI agency that maintains it."""
    attrs = study.get("attributes", {})
    agency = study["urn"].split(":")[2]
    return _clean(
        {
            "@type": "Organization",
            "name": attrs.get("ddicat:creator") or attrs.get("ddicat:publisher") or agency,
            "identifier": agency,
            "url": attrs.get("ddicat:accessUrl"),
        }
    )


def spatial_coverage(study: dict[str, Any], lang: str | None) -> list[dict[str, Any]]:
    codes = study.get("attributes", {}).get("ddicat:country", "").split()
    places = []
    for code in codes:
        names = COUNTRY_NAMES.get(code.upper(), {})
        places.append(
            _clean(
                {
                    "@type": "Place",
                    "name": text_value(names, lang) or code.upper(),
                    "address": {"@type": "PostalAddress", "addressCountry": code.upper()},
                }
            )
        )
    return places


def property_value(variable: dict[str, Any], lang: str | None, url: str | None = None) -> dict[str, Any]:
    return _clean(
        {
            "@type": "PropertyValue",
            "name": variable.get("name") or variable["urn"],
            "description": text_value(variable.get("label"), lang)
            or text_value(variable.get("description"), lang),
            "propertyID": variable["urn"],
            "unitText": variable.get("unit"),
            "url": url,
        }
    )


def study_jsonld(
    study: dict[str, Any],
    *,
    lang: str | None,
    page_url: str,
    dataset_id: str,
    catalogue_url: str,
    catalogue_name: str = "ddicat",
    wave_urls: dict[str, str] | None = None,
    variable_url: Any = None,
) -> dict[str, Any]:
    """The cohort as a schema.org Dataset, its waves as parts and its variables as variableMeasured."""
    attrs = study.get("attributes", {})
    shown = lang or "en"
    description = long_description(
        [
            pick(study.get("abstract"), shown),
            pick(study.get("purpose"), shown),
            attrs.get("ddicat:population", ""),
            attrs.get("ddicat:design", ""),
            pick(study.get("title"), shown),
        ]
    )
    if len(description) < DESCRIPTION_MIN:
        description = f"{description} Metadata of a longitudinal cohort (DDI-Lifecycle 3.3).".strip()
    topics = [pick(t["label"], shown) or t.get("name") for t in study.get("topics", [])]
    variables = study.get("variables", {}).get("items", [])[:VARIABLES_MEASURED_CAP]
    parts = []
    for wave in study.get("waves", []):
        wave_description = long_description(
            [
                pick(wave.get("abstract"), shown),
                pick(wave.get("title"), shown),
                format_age(wave.get("age_min_months"), wave.get("age_max_months"), shown),
                f"{pick(study.get('title'), shown)}: {wave['name']}",
            ]
        )
        parts.append(
            _clean(
                {
                    "@type": "Dataset",
                    "@id": (wave_urls or {}).get(wave["name"], f"{page_url}#wave-{wave['name']}"),
                    "name": text_value(wave.get("title"), lang) or wave["name"],
                    "description": wave_description if len(wave_description) >= DESCRIPTION_MIN else None,
                    "identifier": wave.get("urn"),
                    "temporalCoverage": temporal_coverage([wave]),
                    "url": (wave_urls or {}).get(wave["name"]),
                }
            )
        )
    title = text_value(study.get("title"), lang) or study["slug"]
    other_titles = [v for k, v in (study.get("title") or {}).items() if v and k != lang] if lang else []
    return _clean(
        {
            "@context": context(lang),
            "@type": "Dataset",
            "@id": dataset_id,
            "name": title,
            "alternateName": other_titles,
            "description": description if lang else (text_value(study.get("abstract"), None) or description),
            "url": page_url,
            "identifier": study["urn"],
            "version": str(study.get("release", {}).get("number", "")),
            "dateModified": (study.get("release", {}).get("published_at") or "")[:10] or None,
            "inLanguage": sorted({k for k in (study.get("title") or {}) if k != "und"}),
            "keywords": topics,
            "creator": creator(study),
            "license": attrs.get("ddicat:license"),
            "isAccessibleForFree": False,
            "conditionsOfAccess": f"Individual data on request: {attrs['ddicat:accessUrl']}"
            if attrs.get("ddicat:accessUrl")
            else None,
            "measurementTechnique": study.get("data_sources") or None,
            "spatialCoverage": spatial_coverage(study, lang),
            "temporalCoverage": temporal_coverage(study.get("waves", [])),
            "variableMeasured": [
                property_value(v, lang, variable_url(v["urn"]) if variable_url else None) for v in variables
            ],
            "hasPart": parts,
            "includedInDataCatalog": {"@type": "DataCatalog", "name": catalogue_name, "url": catalogue_url},
        }
    )


def variable_jsonld(
    item: dict[str, Any], *, lang: str | None, page_url: str, dataset_id: str
) -> dict[str, Any]:
    """A variable as a schema.org PropertyValue: its code list as value references, its cohort as subject."""
    representation = item.get("representation") or {}
    codes = (representation.get("code_list") or {}).get("codes", [])
    questions = item.get("questions", [])
    return _clean(
        {
            "@context": context(lang),
            "@type": "PropertyValue",
            "@id": page_url,
            "name": item.get("name") or item["urn"],
            "description": text_value(item.get("label"), lang) or text_value(item.get("description"), lang),
            "propertyID": item["urn"],
            "identifier": item["urn"],
            "url": page_url,
            "unitText": representation.get("unit"),
            "minValue": _number(representation.get("minimum")),
            "maxValue": _number(representation.get("maximum")),
            "measurementTechnique": text_value(questions[0].get("text"), lang) if questions else None,
            "valueReference": [
                _clean(
                    {
                        "@type": "PropertyValue",
                        "value": code["value"],
                        "name": text_value(code.get("label"), lang),
                        "description": "missing value" if code.get("missing") else None,
                    }
                )
                for code in codes
            ],
            "subjectOf": {"@id": dataset_id},
        }
    )


def _number(value: Any) -> float | int | None:
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if number.is_integer() else number
