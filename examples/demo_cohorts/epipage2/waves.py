"""The Epipage-2-like demo's four waves (neonatal period to 5.5 years) and the wave sets questions use."""

from __future__ import annotations

from ..spec import Bilingual as B
from ..spec import Wave

FOLLOW_UPS = ("1a", "2a", "5a5")

CORRECTED = ("1a", "2a")

TODDLER = ("2a", "5a5")

WAVES = (
    Wave(
        "neonat",
        "neo",
        B("Période néonatale (naissance à la sortie)", "Neonatal period (birth to discharge)"),
        B("période néonatale", "neonatal period"),
        B(
            "Données recueillies dans les dossiers médicaux de la mère et de l'enfant, de la naissance à "
            "la sortie "
            "du service de néonatologie, complétées par un entretien avec la mère.",
            "Data abstracted from the mother's and child's medical records from birth to discharge from the "
            "neonatal unit, completed by an interview with the mother.",
        ),
        0,
        4,
        "2011-03-28",
        "2012-03-31",
        B(
            "Extraction des dossiers médicaux et entretien en face à face",
            "Medical record abstraction and face-to-face interview",
        ),
        "Interview.FaceToFace.CAPIorCAMI",
        B("Questionnaire néonatal", "Neonatal questionnaire"),
    ),
    Wave(
        "1a",
        "m12",
        B("Suivi à 1 an d'âge corrigé", "Follow-up at 1 year corrected age"),
        B("1 an d'âge corrigé", "1 year corrected age"),
        B(
            "Questionnaire postal rempli par les parents à l'âge corrigé de 1 an.",
            "Postal questionnaire filled in by the parents at 1 year corrected age.",
        ),
        12,
        13,
        "2012-03-01",
        "2013-03-31",
        B("Questionnaire papier rempli par les parents", "Paper questionnaire completed by the parents"),
        "SelfAdministeredQuestionnaire.Paper",
        B("Questionnaire 1 an", "1-year questionnaire"),
    ),
    Wave(
        "2a",
        "m24",
        B("Suivi à 2 ans d'âge corrigé", "Follow-up at 2 years corrected age"),
        B("2 ans d'âge corrigé", "2 years corrected age"),
        B(
            "Questionnaire parental et examen par le médecin référent à l'âge corrigé de 2 ans.",
            "Parent questionnaire and examination by the child's doctor at 2 years corrected age.",
        ),
        24,
        25,
        "2013-03-01",
        "2014-03-31",
        B("Questionnaire parental et examen médical", "Parent questionnaire and medical examination"),
        "SelfAdministeredQuestionnaire.Paper",
        B("Questionnaire 2 ans", "2-year questionnaire"),
    ),
    Wave(
        "5a5",
        "m66",
        B("Bilan à 5 ans et demi", "Assessment at 5.5 years"),
        B("5 ans et demi", "5.5 years"),
        B(
            "Bilan médical et psychologique en centre d'examen et questionnaire parental à 5 ans et demi.",
            "Medical and psychological assessment at an examination centre and parent questionnaire at 5.5 "
            "years.",
        ),
        66,
        69,
        "2016-09-01",
        "2017-12-31",
        B(
            "Examen en face à face et questionnaire parental",
            "Face-to-face assessment and parent questionnaire",
        ),
        "Interview.FaceToFace.CAPIorCAMI",
        B("Questionnaire 5 ans et demi", "5.5-year questionnaire"),
    ),
)
