"""Epipage-2-like question bank, part 3: health-care use, screens, school, family and growth."""

from __future__ import annotations

from ..spec import Bilingual as B
from ..spec import Coded, Derived, FreeText, Numeric, Repeat, Routing, Topic
from ..spec import ask as q
from ..vocabulary import FREQUENCY, YES_NO
from .waves import CORRECTED, FOLLOW_UPS, TODDLER

HOSPITALISATIONS = Topic(
    "health-care",
    B("Recours aux soins", "Health-care use"),
    B(
        "Réhospitalisations après la sortie, passages aux urgences et consultations.",
        "Readmissions after discharge, emergency visits and medical visits.",
    ),
    B(
        "Parlons maintenant des hospitalisations et des consultations de votre enfant depuis sa sortie.",
        "Let us now talk about your child's hospital stays and medical visits since discharge.",
    ),
    (
        q(
            "gp-visits",
            "nb_consult_mg",
            ("Nombre de consultations chez le médecin généraliste", "Number of GP visits"),
            (
                "Depuis le dernier contact, combien de fois votre enfant a-t-il consulté un médecin "
                "généraliste ?",
                "Since the last contact, how many times has your child seen a general practitioner?",
            ),
            Numeric(None, 0, 50),
            *FOLLOW_UPS,
        ),
        q(
            "paediatrician-visits",
            "nb_consult_pediatre",
            ("Nombre de consultations chez le pédiatre", "Number of paediatrician visits"),
            (
                "Depuis le dernier contact, combien de fois votre enfant a-t-il consulté un pédiatre ?",
                "Since the last contact, how many times has your child seen a paediatrician?",
            ),
            Numeric(None, 0, 50),
            *FOLLOW_UPS,
        ),
        q(
            "vaccines-up-to-date",
            "vaccins_a_jour",
            ("Vaccinations à jour", "Vaccinations up to date"),
            (
                "D'après le carnet de santé, les vaccinations de votre enfant sont-elles à jour ?",
                "According to the health record, are your child's vaccinations up to date?",
            ),
            YES_NO,
            *FOLLOW_UPS,
        ),
        q(
            "emergency-visits",
            "nb_urgences",
            ("Nombre de passages aux urgences", "Number of emergency department visits"),
            (
                "Depuis le dernier contact, combien de fois votre enfant est-il allé aux urgences ?",
                "Since the last contact, how many times has your child been to an emergency department?",
            ),
            Numeric(None, 0, 30),
            *FOLLOW_UPS,
        ),
        q(
            "rehospitalised",
            "rehospit",
            ("Réhospitalisation depuis le dernier contact", "Readmitted since last contact"),
            (
                "Depuis le dernier contact, votre enfant a-t-il été réhospitalisé ?",
                "Since the last contact, has your child been readmitted to hospital?",
            ),
            YES_NO,
            *FOLLOW_UPS,
        ),
        Routing(
            "if-rehospitalised",
            "rehospitalised",
            "rehospit == 1",
            B("Si l'enfant a été réhospitalisé", "If the child was readmitted"),
            then=(
                q(
                    "hospitalisations-count",
                    "nb_hospit",
                    ("Nombre d'hospitalisations", "Number of hospitalisations"),
                    (
                        "Combien de fois votre enfant a-t-il été hospitalisé depuis le dernier contact ?",
                        "How many times has your child been hospitalised since the last contact?",
                    ),
                    Numeric(None, 1, 20),
                    *FOLLOW_UPS,
                ),
                q(
                    "respiratory-readmission",
                    "rehospit_respiratoire",
                    ("Réhospitalisation pour motif respiratoire", "Readmission for a respiratory cause"),
                    (
                        "L'une de ces hospitalisations était-elle due à un problème respiratoire ?",
                        "Was any of these hospital stays due to a breathing problem?",
                    ),
                    YES_NO,
                    *CORRECTED,
                ),
                Repeat(
                    "each-hospitalisation",
                    "hospitalisations-count",
                    B("hospitalisation", "hospital stay"),
                    (
                        q(
                            "hospitalisation-reason",
                            "hospit_motif",
                            ("Motif de l'hospitalisation", "Reason for the hospital stay"),
                            (
                                "Pour quelle raison votre enfant a-t-il été hospitalisé cette fois-là ?",
                                "Why was your child admitted to hospital that time?",
                            ),
                            FreeText(200),
                            *FOLLOW_UPS,
                        ),
                        q(
                            "hospitalisation-days",
                            "hospit_duree_j",
                            ("Durée de l'hospitalisation (jours)", "Length of hospital stay (days)"),
                            (
                                "Combien de jours votre enfant est-il resté hospitalisé ?",
                                "How many days did your child stay in hospital?",
                            ),
                            Numeric("d", 1, 365),
                            *FOLLOW_UPS,
                        ),
                    ),
                    iterations=2,
                ),
            ),
            universe="hospitalised",
        ),
    ),
)

SCREENS = Topic(
    "screens",
    B("Temps d'écran", "Screen time"),
    B(
        "Exposition aux écrans : télévision, tablette, smartphone.",
        "Screen exposure: television, tablets, smartphones.",
    ),
    B(
        "Nous allons parler du temps que votre enfant passe devant les écrans.",
        "We will talk about the time your child spends in front of screens.",
    ),
    (
        q(
            "tv-hours",
            "tv_h_jour",
            ("Heures de télévision par jour", "Hours of television per day"),
            (
                "En moyenne, combien d'heures par jour votre enfant regarde-t-il la télévision ?",
                "On average, how many hours a day does your child watch television?",
            ),
            Numeric("h/d", 0, 24, 1),
            *TODDLER,
        ),
        q(
            "tablet-hours",
            "tablette_h_jour",
            ("Heures de tablette ou de smartphone par jour", "Hours on tablet or smartphone per day"),
            (
                "En moyenne, combien d'heures par jour votre enfant utilise-t-il une tablette ou un "
                "smartphone ?",
                "On average, how many hours a day does your child use a tablet or smartphone?",
            ),
            Numeric("h/d", 0, 24, 1),
            "5a5",
        ),
        q(
            "screen-before-bed",
            "ecran_coucher",
            ("Écran avant de dormir", "Screen before sleep"),
            (
                "Votre enfant regarde-t-il un écran dans l'heure qui précède le coucher ?",
                "Does your child look at a screen in the hour before bedtime?",
            ),
            FREQUENCY,
            "5a5",
        ),
    ),
)

SCHOOL = Topic(
    "childcare",
    B("Mode de garde et scolarisation", "Childcare and schooling"),
    B(
        "Mode de garde avant l'école, classe fréquentée, aides à la scolarité.",
        "Childcare before school, class attended, support at school.",
    ),
    B(
        "Les questions suivantes portent sur la garde de votre enfant et sur l'école.",
        "The following questions are about who looks after your child, and about school.",
    ),
    (
        q(
            "main-childcare",
            "garde_principale",
            ("Mode de garde principal", "Main childcare arrangement"),
            (
                "En semaine, qui garde principalement votre enfant pendant la journée ?",
                "On weekdays, who mainly looks after your child during the day?",
            ),
            Coded("childcare"),
            *CORRECTED,
        ),
        q(
            "in-school",
            "scolarise",
            ("Enfant scolarisé", "Child attends school"),
            ("Votre enfant va-t-il à l'école ?", "Does your child go to school?"),
            YES_NO,
            "5a5",
        ),
        q(
            "school-class",
            "classe",
            ("Classe fréquentée", "School class"),
            (
                "Dans quelle classe votre enfant est-il cette année ?",
                "Which class is your child in this year?",
            ),
            Coded("school-class"),
            "5a5",
        ),
        q(
            "school-support",
            "aide_scolaire",
            ("Accompagnement par une aide humaine à l'école", "Support from a teaching assistant"),
            (
                "Votre enfant bénéficie-t-il d'une aide humaine à l'école (accompagnant d'élève en "
                "situation de handicap) ?",
                "Does your child have a dedicated teaching assistant at school?",
            ),
            YES_NO,
            "5a5",
        ),
        q(
            "learning-difficulties",
            "difficultes_apprentissage",
            ("Difficultés d'apprentissage signalées", "Learning difficulties reported"),
            (
                "Êtes-vous d'accord : « mon enfant a des difficultés pour apprendre à l'école » ?",
                'Do you agree: "my child has difficulties learning at school"?',
            ),
            Coded("agreement"),
            "5a5",
            universe="parents",
        ),
    ),
)

FAMILY = Topic(
    "socioeconomic",
    B("Situation socio-économique de la famille", "Family socio-economic situation"),
    B(
        "Diplôme et emploi de la mère, vie en couple.",
        "Mother's education and employment, living as a couple.",
    ),
    B("Pour terminer, quelques questions sur votre famille.", "Finally, a few questions about your family."),
    (
        q(
            "mother-education",
            "diplome_mere",
            ("Diplôme le plus élevé de la mère", "Mother's highest qualification"),
            (
                "Quel est le diplôme le plus élevé que vous avez obtenu ?",
                "What is the highest qualification you hold?",
            ),
            Coded("diploma"),
            "neonat",
            universe="mothers",
        ),
        q(
            "mother-employment",
            "emploi_mere",
            ("Situation d'emploi de la mère", "Mother's employment status"),
            (
                "Quelle est actuellement votre situation vis-à-vis de l'emploi ?",
                "What is your current employment status?",
            ),
            Coded("employment"),
            *TODDLER,
            universe="mothers",
        ),
        q(
            "mother-health",
            "sante_mere",
            ("État de santé perçu de la mère", "Mother's self-rated health"),
            ("Comment est votre état de santé en général ?", "How is your health in general?"),
            Coded("health"),
            *FOLLOW_UPS,
            universe="mothers",
        ),
        q(
            "couple",
            "vie_couple",
            ("Vit en couple", "Living as a couple"),
            ("Vivez-vous actuellement en couple ?", "Are you currently living with a partner?"),
            YES_NO,
            *FOLLOW_UPS,
        ),
        q(
            "mother-smoking",
            "tabac_mere",
            ("Statut tabagique de la mère", "Mother's smoking status"),
            ("Actuellement, fumez-vous ?", "Do you currently smoke?"),
            Coded("smoking"),
            "neonat",
            "2a",
            universe="mothers",
        ),
    ),
    universe="parents",
)

GROWTH = Topic(
    "growth",
    B("Croissance", "Growth"),
    B(
        "Poids, taille et périmètre crânien de l'enfant au fil des suivis.",
        "The child's weight, height and head circumference across follow-ups.",
    ),
    B(
        "Nous allons relever les dernières mesures de votre enfant.",
        "We will note your child's latest measurements.",
    ),
    (
        q(
            "weight",
            "poids_kg",
            ("Poids de l'enfant (kg)", "Child's weight (kg)"),
            (
                "Dernier poids de votre enfant noté dans le carnet de santé (en kg)",
                "Your child's latest weight recorded in the health record (in kg)",
            ),
            Numeric("kg", 2, 35, 2),
            *FOLLOW_UPS,
        ),
        q(
            "height",
            "taille_cm",
            ("Taille de l'enfant (cm)", "Child's height (cm)"),
            (
                "Dernière taille de votre enfant notée dans le carnet de santé (en cm)",
                "Your child's latest height recorded in the health record (in cm)",
            ),
            Numeric("cm", 45, 135, 1),
            *FOLLOW_UPS,
        ),
        q(
            "head-circumference",
            "perimetre_cranien",
            ("Périmètre crânien (cm)", "Head circumference (cm)"),
            (
                "Dernier périmètre crânien noté dans le carnet de santé (en cm)",
                "Latest head circumference recorded in the health record (in cm)",
            ),
            Numeric("cm", 30, 60, 1),
            *CORRECTED,
        ),
    ),
    derived=(
        Derived(
            "bmi",
            "imc",
            B("Indice de masse corporelle (kg/m²)", "Body mass index (kg/m²)"),
            "poids_kg / (taille_cm / 100) ** 2",
            B(
                "IMC calculé à partir du poids et de la taille relevés, sans question propre.",
                "BMI computed from the recorded weight and height, with no question of its own.",
            ),
            Numeric("kg/m2", 8, 40, 1),
            TODDLER,
            variables=("weight", "height"),
        ),
        Derived(
            "corrected-age",
            "age_corrige_mois",
            B("Âge corrigé au moment du suivi (mois)", "Corrected age at follow-up (months)"),
            "age_civil_mois - (40 - age_gest_sa) / 4.35",
            B(
                "Âge corrigé calculé au remplissage, à partir de l'âge civil et de l'âge gestationnel.",
                "Corrected age computed at completion, from chronological age and gestational age.",
            ),
            Numeric("mo", 6, 30, 1),
            CORRECTED,
            computed_in_instrument=True,
        ),
    ),
)
