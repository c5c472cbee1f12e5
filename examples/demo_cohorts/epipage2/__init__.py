"""Epipage-2-like demo preterm cohort: fictitious, in the spirit of Epipage 2 (French preterm births of 2011).

Topics overlap with the Elfe-like demo (breastfeeding, sleep, language, hospitalisations) with parallel
wording, so that variables can be compared across the two cohorts by text.
"""

from __future__ import annotations

from ..spec import Bilingual as B
from ..spec import Cohort
from ..vocabulary import CATEGORIES, CODE_LISTS, UNIVERSES
from .development import LANGUAGE, NEURODEVELOPMENT, SENSES, SLEEP
from .family_care import FAMILY, GROWTH, HOSPITALISATIONS, SCHOOL, SCREENS
from .neonatal import BIRTH, BPD, BREASTFEEDING, NEONATAL_CARE
from .preterm_vocabulary import PRETERM_CATEGORIES, PRETERM_LISTS, PRETERM_UNIVERSES
from .waves import WAVES

EPIPAGE2 = Cohort(
    prefix="epipage2",
    agency="fr.ddicat.epipage2",
    file_name="epipage2-demo.xml",
    title=B("Cohorte démo Epipage 2", "Epipage-2-like demo preterm cohort"),
    abstract=B(
        "Cohorte fictive de démonstration, dans l'esprit d'Epipage 2, l'étude française des enfants nés "
        "prématurés "
        "en 2011 : les questions, les vagues et les effectifs sont inventés pour montrer le catalogue. "
        "Certains thèmes "
        "(allaitement, sommeil, langage, hospitalisations) sont formulés comme dans la cohorte démo Elfe "
        "pour permettre "
        "les comparaisons entre cohortes.",
        "A fictitious demo cohort in the spirit of Epipage 2, the French study of children born preterm in "
        "2011: "
        "questions, waves and numbers are invented to show the catalogue. Some topics (breastfeeding, sleep, "
        "language, hospitalisations) are worded as in the Elfe-like demo cohort to allow cross-cohort "
        "comparison.",
    ),
    purpose=B(
        "Montrer comment ddicat décrit une cohorte de prématurés en DDI-L 3.3, de la période néonatale à 5 "
        "ans et demi.",
        "Show how ddicat describes a preterm-birth cohort in DDI-L 3.3, from the neonatal period to 5.5 "
        "years.",
    ),
    attributes=(
        ("ddicat:dataSource", "questionnaire"),
        (
            "ddicat:population",
            "Children born preterm (22 to 34 weeks of gestation) in France in 2011, "
            "followed with their parents (fictitious demo)",
        ),
        ("ddicat:startYear", "2011"),
        ("ddicat:participants", "4000"),
        ("ddicat:country", "FR"),
        ("ddicat:design", "prospective population-based preterm birth cohort"),
        ("ddicat:accessUrl", "https://epipage2.inserm.fr"),
        ("ddicat:license", "https://creativecommons.org/licenses/by/4.0/"),
    ),
    start="2011-03-28",
    end="2017-12-31",
    waves=WAVES,
    topics=(
        BIRTH,
        NEONATAL_CARE,
        BPD,
        BREASTFEEDING,
        NEURODEVELOPMENT,
        HOSPITALISATIONS,
        SLEEP,
        LANGUAGE,
        SENSES,
        SCREENS,
        SCHOOL,
        FAMILY,
        GROWTH,
    ),
    categories={**CATEGORIES, **PRETERM_CATEGORIES},
    code_lists=CODE_LISTS + PRETERM_LISTS,
    universes={**UNIVERSES, **PRETERM_UNIVERSES},
)
