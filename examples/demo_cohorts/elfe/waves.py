"""The Elfe-like demo's five waves, from the maternity stay to 5.5 years, and the wave sets questions use."""

from __future__ import annotations

from ..spec import Bilingual as B
from ..spec import Wave

ALL = ("maternite", "2m", "1a", "3a5", "5a5")

FOLLOW_UPS = ("2m", "1a", "3a5", "5a5")

CHILDHOOD = ("1a", "3a5", "5a5")

PRESCHOOL = ("3a5", "5a5")

WAVES = (
    Wave(
        "maternite",
        "m00",
        B("Séjour en maternité (naissance)", "Maternity stay (birth)"),
        B("maternité", "birth"),
        B(
            "Entretien en face à face avec la mère pendant le séjour en maternité, quelques jours après la "
            "naissance.",
            "Face-to-face interview with the mother during the maternity stay, a few days after the birth.",
        ),
        0,
        0,
        "2011-04-01",
        "2011-12-31",
        B("Entretien en face à face à la maternité", "Face-to-face interview at the maternity unit"),
        "Interview.FaceToFace.CAPIorCAMI",
        B("Questionnaire maternité", "Maternity questionnaire"),
    ),
    Wave(
        "2m",
        "m02",
        B("Enquête à 2 mois", "2-month survey"),
        B("2 mois", "2 months"),
        B(
            "Entretien téléphonique avec les parents quand l'enfant a deux mois.",
            "Telephone interview with the parents when the child is two months old.",
        ),
        2,
        3,
        "2011-06-01",
        "2012-02-29",
        B("Entretien téléphonique assisté par ordinateur", "Computer-assisted telephone interview"),
        "Interview.Telephone.CATI",
        B("Questionnaire 2 mois", "2-month questionnaire"),
    ),
    Wave(
        "1a",
        "m12",
        B("Enquête à 1 an", "1-year survey"),
        B("1 an", "1 year"),
        B(
            "Entretien téléphonique avec les parents au premier anniversaire de l'enfant.",
            "Telephone interview with the parents around the child's first birthday.",
        ),
        12,
        13,
        "2012-04-01",
        "2013-01-31",
        B("Entretien téléphonique assisté par ordinateur", "Computer-assisted telephone interview"),
        "Interview.Telephone.CATI",
        B("Questionnaire 1 an", "1-year questionnaire"),
    ),
    Wave(
        "3a5",
        "m42",
        B("Enquête à 3 ans et demi", "3.5-year survey"),
        B("3 ans et demi", "3.5 years"),
        B(
            "Entretien téléphonique et questionnaire papier rempli par les parents quand l'enfant a 3 ans "
            "et demi.",
            "Telephone interview and paper questionnaire filled in by the parents when the child is 3.5 "
            "years old.",
        ),
        42,
        44,
        "2014-10-01",
        "2015-06-30",
        B(
            "Entretien téléphonique et auto-questionnaire",
            "Telephone interview and self-completion questionnaire",
        ),
        "Interview.Telephone.CATI",
        B("Questionnaire 3 ans et demi", "3.5-year questionnaire"),
    ),
    Wave(
        "5a5",
        "m66",
        B("Enquête à 5 ans et demi", "5.5-year survey"),
        B("5 ans et demi", "5.5 years"),
        B(
            "Entretien téléphonique avec les parents l'année de l'entrée au cours préparatoire.",
            "Telephone interview with the parents in the year the child starts primary school.",
        ),
        66,
        69,
        "2016-10-01",
        "2017-06-30",
        B("Entretien téléphonique assisté par ordinateur", "Computer-assisted telephone interview"),
        "Interview.Telephone.CATI",
        B("Questionnaire 5 ans et demi", "5.5-year questionnaire"),
    ),
)
