"""Interface languages: picking the page language, translating interface strings, choosing metadata texts.

Interface strings are written in English in the templates and translated here; metadata texts are shown
in the chosen language with a fallback to the other ones.
"""

from __future__ import annotations

from collections.abc import Sequence

from catalogue.model import UNDETERMINED_LANGUAGE, LangText

FRENCH: dict[str, str] = {
    "A DDI-Lifecycle metadata catalogue for longitudinal cohorts":
        "Un catalogue de métadonnées DDI-Lifecycle pour les cohortes longitudinales",
    "Search variables and questions": "Rechercher des variables et des questions",
    "Search": "Rechercher",
    "Cohorts": "Cohortes",
    "Cohort": "Cohorte",
    "Study": "Étude",
    "Waves": "Vagues",
    "Wave": "Vague",
    "variables": "variables",
    "questions": "questions",
    "Variables": "Variables",
    "Questions": "Questions",
    "Variable": "Variable",
    "Question": "Question",
    "Question grid": "Question en grille",
    "Concept": "Concept",
    "Concepts": "Concepts",
    "Code list": "Liste de codes",
    "Instruments": "Instruments",
    "Instrument": "Instrument",
    "results": "résultats",
    "result": "résultat",
    "No result.": "Aucun résultat.",
    "Filters": "Filtres",
    "Remove filter": "Retirer le filtre",
    "Type": "Type",
    "Language": "Langue",
    "Representation": "Représentation",
    "Data source": "Source des données",
    "Topic": "Thème",
    "Label": "Libellé",
    "Name": "Nom",
    "Description": "Description",
    "Question text": "Texte de la question",
    "Response domain": "Domaine de réponse",
    "Code": "Code",
    "Category": "Modalité",
    "Missing value": "Valeur manquante",
    "missing": "manquante",
    "Source question": "Question source",
    "Variables fed by this question": "Variables alimentées par cette question",
    "The same variable in other waves": "La même variable dans d'autres vagues",
    "same question": "même question",
    "same concept": "même concept",
    "Versions": "Versions",
    "Download DDI-L": "Télécharger en DDI-L",
    "DDI-L 3.3 (XML)": "DDI-L 3.3 (XML)",
    "JSON": "JSON",
    "Age of participants": "Âge des participants",
    "months": "mois",
    "Dates": "Dates",
    "Counts": "Effectifs",
    "Shared by all waves": "Commun à toutes les vagues",
    "Abstract": "Résumé",
    "Purpose": "Objectif",
    "Home": "Accueil",
    "Not found": "Introuvable",
    "Error": "Erreur",
    "Previous": "Précédent",
    "Next": "Suivant",
    "Numeric": "Numérique",
    "Text": "Texte",
    "Date": "Date",
    "code": "codes",
    "numeric": "numérique",
    "text": "texte",
    "datetime": "date",
    "other": "autre",
    "none": "aucune",
    "mixed": "mixte",
    "Unit": "Unité",
    "Range": "Intervalle",
    "Maximum length": "Longueur maximale",
    "Multiple answers allowed": "Plusieurs réponses possibles",
    "Dimensions": "Dimensions",
    "Published release": "Version publiée",
    "Draft": "Brouillon",
    "release": "version",
    "Participants": "Participants",
    "Start year": "Année de début",
    "Population": "Population",
    "Design": "Protocole",
    "Main content": "Contenu principal",
    "Skip to content": "Aller au contenu",
    "Search terms": "Termes de recherche",
    "Apply": "Appliquer",
    "API": "API",
    "Item": "Élément",
    "in": "dans",
    "latest": "la plus récente",
    "older version": "version antérieure",
    "Latest version": "Dernière version",
    "This is an older version.": "Ceci est une version antérieure.",
}

CATALOGUES: dict[str, dict[str, str]] = {"fr": FRENCH, "en": {}}


def choose_language(requested: str | None, available: Sequence[str]) -> str:
    """The page language: the one asked for in the URL when the interface has it, else the default."""
    if requested:
        base = requested.lower().split("-")[0]
        if base in available:
            return base
    return available[0]


def translate(text: str, lang: str) -> str:
    return CATALOGUES.get(lang, {}).get(text, text)


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


def text_language(text: LangText | None, lang: str) -> str | None:
    """The language of the text `pick` shows, for the `lang` attribute of the element holding it."""
    if not text:
        return None
    if text.get(lang):
        return lang
    for key, value in text.items():
        if key.split("-")[0] == lang and value:
            return key
    for key, value in text.items():
        if value:
            return None if key == UNDETERMINED_LANGUAGE else key
    return None
