"""Elfe-like demo birth cohort: fictitious, in the spirit of Elfe (French children born in 2011).

French wording varies its morphology on purpose (allaitement, allaité, allaitée, allaitait; hospitalisation,
hospitalisé, hospitalisée; sommeil, dort, dormir) so that search can be tested on it.
"""

from __future__ import annotations

from ..spec import Bilingual as B
from ..spec import Cohort
from ..vocabulary import CATEGORIES, CODE_LISTS, UNIVERSES
from .early_years import BIRTH, BREASTFEEDING, LANGUAGE, SLEEP
from .family import CHILDCARE, PARENTS_HEALTH, SOCIOECONOMIC
from .health import GROWTH, HEALTH_CARE, NUTRITION, RESPIRATORY, SCREENS
from .waves import WAVES

ELFE = Cohort(
    prefix="elfe",
    agency="fr.ddicat.elfe",
    file_name="elfe-demo.xml",
    title=B("Cohorte de naissance démo Elfe", "Elfe-like demo birth cohort"),
    abstract=B(
        "Cohorte fictive de démonstration, dans l'esprit d'Elfe, la cohorte française des enfants nés en "
        "2011 : "
        "les questions, les vagues et les effectifs sont inventés pour montrer le catalogue, avec une "
        "forme réaliste "
        "(vagues de la maternité à 5 ans et demi, questions reprises d'une vague à l'autre, routage, "
        "grilles).",
        "A fictitious demo cohort in the spirit of Elfe, the French birth cohort of children born in 2011: "
        "questions, "
        "waves and numbers are invented to show the catalogue, with a realistic shape (waves from the "
        "maternity stay "
        "to 5.5 years, questions repeated across waves, routing, grids).",
    ),
    purpose=B(
        "Montrer comment ddicat décrit une cohorte de naissance multi-vagues en DDI-L 3.3 et permet d'en "
        "chercher "
        "et comparer les variables.",
        "Show how ddicat describes a multi-wave birth cohort in DDI-L 3.3 and lets users search and "
        "compare its "
        "variables.",
    ),
    attributes=(
        ("ddicat:dataSource", "questionnaire"),
        (
            "ddicat:population",
            "Children born in 2011 in a sample of maternity units in metropolitan France, "
            "followed with their parents (fictitious demo)",
        ),
        ("ddicat:startYear", "2011"),
        ("ddicat:participants", "18000"),
        ("ddicat:country", "FR"),
        ("ddicat:design", "prospective birth cohort"),
        ("ddicat:accessUrl", "https://www.elfe-france.fr"),
        ("ddicat:license", "https://creativecommons.org/licenses/by/4.0/"),
    ),
    start="2011-04-01",
    end="2017-06-30",
    waves=WAVES,
    topics=(
        BIRTH,
        BREASTFEEDING,
        SLEEP,
        LANGUAGE,
        HEALTH_CARE,
        SCREENS,
        NUTRITION,
        GROWTH,
        RESPIRATORY,
        SOCIOECONOMIC,
        PARENTS_HEALTH,
        CHILDCARE,
    ),
    categories=CATEGORIES,
    code_lists=CODE_LISTS,
    universes=UNIVERSES,
)
