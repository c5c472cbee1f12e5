"""Elfe-like question bank, part 3: the family's situation, parents' health and childcare."""

from __future__ import annotations

from ..spec import Bilingual as B
from ..spec import Coded, Derived, FreeText, Numeric, Routing, Topic
from ..spec import ask as q
from ..vocabulary import FREQUENCY, SLEEP_HOURS, YES_NO
from .waves import FOLLOW_UPS, PRESCHOOL

SOCIOECONOMIC = Topic(
    "socioeconomic",
    B("Situation socio-économique de la famille", "Family socio-economic situation"),
    B(
        "Diplômes, emploi, revenus, logement et composition du foyer.",
        "Education, employment, income, housing and household composition.",
    ),
    B(
        "Pour terminer cette partie, quelques questions sur votre famille et votre situation.",
        "To end this part, a few questions about your family and your situation.",
    ),
    (
        q(
            "mother-age",
            "age_mere",
            ("Âge de la mère à la naissance (ans)", "Mother's age at the birth (years)"),
            (
                "Quel âge aviez-vous à la naissance de votre enfant ?",
                "How old were you when your child was born?",
            ),
            Numeric("a", 14, 55),
            "maternite",
            universe="mothers",
        ),
        q(
            "mother-education",
            "diplome_mere",
            ("Diplôme le plus élevé de la mère", "Mother's highest qualification"),
            (
                "Quel est le diplôme le plus élevé que vous avez obtenu ?",
                "What is the highest qualification you hold?",
            ),
            Coded("diploma"),
            "maternite",
            universe="mothers",
        ),
        q(
            "father-education",
            "diplome_pere",
            ("Diplôme le plus élevé du père", "Father's highest qualification"),
            (
                "Quel est le diplôme le plus élevé obtenu par le père de l'enfant ?",
                "What is the highest qualification held by the child's father?",
            ),
            Coded("diploma"),
            "maternite",
        ),
        q(
            "mother-occupation",
            "profession_mere",
            ("Profession de la mère", "Mother's occupation"),
            ("Quelle est votre profession (intitulé exact) ?", "What is your occupation (exact job title)?"),
            FreeText(150),
            "maternite",
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
            "maternite",
            "1a",
            "3a5",
            "5a5",
            universe="mothers",
        ),
        q(
            "father-employment",
            "emploi_pere",
            ("Situation d'emploi du père", "Father's employment status"),
            (
                "Quelle est actuellement la situation du père de l'enfant vis-à-vis de l'emploi ?",
                "What is the current employment status of the child's father?",
            ),
            Coded("employment"),
            "maternite",
            "1a",
            "3a5",
            "5a5",
        ),
        q(
            "couple",
            "vie_couple",
            ("Vit en couple", "Living as a couple"),
            ("Vivez-vous actuellement en couple ?", "Are you currently living with a partner?"),
            YES_NO,
            "maternite",
            "1a",
            "3a5",
            "5a5",
        ),
        q(
            "household-size",
            "nb_personnes_foyer",
            ("Nombre de personnes dans le foyer", "Number of people in the household"),
            (
                "Combien de personnes, vous compris, vivent habituellement dans votre logement ?",
                "How many people, including yourself, usually live in your home?",
            ),
            Numeric(None, 1, 20),
            "maternite",
            "1a",
            "3a5",
            "5a5",
        ),
        q(
            "siblings",
            "nb_freres_soeurs",
            ("Nombre de frères et sœurs", "Number of siblings"),
            (
                "Combien de frères et sœurs votre enfant a-t-il ?",
                "How many brothers and sisters does your child have?",
            ),
            Numeric(None, 0, 15),
            "maternite",
            "3a5",
        ),
        q(
            "income",
            "revenus_foyer",
            ("Revenus mensuels du foyer", "Household monthly income"),
            (
                "Quel est le montant mensuel net de l'ensemble des revenus de votre foyer ?",
                "What is your household's total net monthly income?",
            ),
            Coded("income"),
            "2m",
            "3a5",
            "5a5",
        ),
        q(
            "housing",
            "statut_logement",
            ("Statut d'occupation du logement", "Housing tenure"),
            ("Êtes-vous propriétaire ou locataire de votre logement ?", "Do you own or rent your home?"),
            Coded("housing"),
            "2m",
            "5a5",
        ),
        q(
            "finances",
            "situation_financiere",
            ("Situation financière ressentie", "Perceived financial situation"),
            (
                "Actuellement, comment vous en sortez-vous financièrement ?",
                "How are you managing financially these days?",
            ),
            Coded("finances"),
            "1a",
            "5a5",
        ),
    ),
    universe="parents",
)

PARENTS_HEALTH = Topic(
    "parents-health",
    B("Santé des parents et tabagisme", "Parental health and smoking"),
    B(
        "Tabac et alcool pendant la grossesse, tabagisme des parents, santé et sommeil de la mère, "
        "dépression postnatale.",
        "Smoking and alcohol during pregnancy, parents' smoking, the mother's health and sleep, postnatal "
        "depression.",
    ),
    B(
        "Nous allons maintenant parler de votre santé et de celle de l'autre parent.",
        "We will now talk about your health and that of the other parent.",
    ),
    (
        q(
            "mother-hospitalised-pregnancy",
            "mere_hospit_grossesse",
            ("Mère hospitalisée pendant la grossesse", "Mother hospitalised during pregnancy"),
            (
                "Avez-vous été hospitalisée pendant votre grossesse ?",
                "Were you admitted to hospital during your pregnancy?",
            ),
            YES_NO,
            "maternite",
            universe="mothers",
        ),
        q(
            "smoking-pregnancy",
            "tabac_grossesse",
            ("Tabagisme pendant la grossesse", "Smoking during pregnancy"),
            (
                "Avez-vous fumé, même occasionnellement, pendant votre grossesse ?",
                "Did you smoke, even occasionally, during your pregnancy?",
            ),
            YES_NO,
            "maternite",
            universe="mothers",
        ),
        Routing(
            "if-smoked-pregnancy",
            "smoking-pregnancy",
            "tabac_grossesse == 1",
            B("Si la mère a fumé pendant la grossesse", "If the mother smoked during pregnancy"),
            then=(
                q(
                    "cigarettes-pregnancy",
                    "cig_jour_t3",
                    ("Cigarettes par jour au 3e trimestre", "Cigarettes a day in the third trimester"),
                    (
                        "Combien de cigarettes fumiez-vous par jour au troisième trimestre de la grossesse ?",
                        "How many cigarettes a day did you smoke in the third trimester of pregnancy?",
                    ),
                    Numeric(None, 0, 60),
                    "maternite",
                ),
            ),
            universe="smoked-in-pregnancy",
        ),
        q(
            "alcohol-pregnancy",
            "alcool_grossesse",
            ("Consommation d'alcool pendant la grossesse", "Alcohol during pregnancy"),
            (
                "Pendant la grossesse, vous est-il arrivé de boire de l'alcool ?",
                "During pregnancy, did you ever drink alcohol?",
            ),
            FREQUENCY,
            "maternite",
            universe="mothers",
        ),
        q(
            "mother-weight-before",
            "poids_mere_avant",
            ("Poids de la mère avant la grossesse (kg)", "Mother's weight before pregnancy (kg)"),
            (
                "Combien pesiez-vous avant le début de la grossesse (en kg) ?",
                "How much did you weigh before the pregnancy (in kg)?",
            ),
            Numeric("kg", 35, 180, 1),
            "maternite",
            universe="mothers",
        ),
        q(
            "mother-height",
            "taille_mere",
            ("Taille de la mère (cm)", "Mother's height (cm)"),
            ("Combien mesurez-vous (en cm) ?", "How tall are you (in cm)?"),
            Numeric("cm", 130, 200),
            "maternite",
            universe="mothers",
        ),
        q(
            "mother-smoking",
            "tabac_mere",
            ("Statut tabagique de la mère", "Mother's smoking status"),
            ("Actuellement, fumez-vous ?", "Do you currently smoke?"),
            Coded("smoking"),
            "maternite",
            "1a",
            "3a5",
            "5a5",
            universe="mothers",
        ),
        q(
            "father-smoking",
            "tabac_pere",
            ("Statut tabagique du père", "Father's smoking status"),
            ("Actuellement, le père de l'enfant fume-t-il ?", "Does the child's father currently smoke?"),
            Coded("smoking"),
            "maternite",
            "1a",
            "3a5",
            "5a5",
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
            "father-health",
            "sante_pere",
            ("État de santé perçu du père", "Father's self-rated health"),
            (
                "Comment est l'état de santé du père de l'enfant en général ?",
                "How is the child's father's health in general?",
            ),
            Coded("health"),
            "1a",
            "5a5",
        ),
        q(
            "epds",
            "score_epds",
            ("Score de dépression postnatale (EPDS)", "Postnatal depression score (EPDS)"),
            (
                "Score total à l'échelle de dépression postnatale d'Édimbourg, calculé à partir des dix "
                "items.",
                "Total score on the Edinburgh Postnatal Depression Scale, computed from its ten items.",
            ),
            Numeric(None, 0, 30),
            "2m",
            universe="mothers",
        ),
        q(
            "mother-sleep-hours",
            "sommeil_mere_h",
            ("Heures de sommeil de la mère par nuit", "Mother's hours of sleep per night"),
            (
                "En moyenne, combien d'heures dormez-vous par nuit ?",
                "On average, how many hours do you sleep per night?",
            ),
            SLEEP_HOURS,
            "2m",
            "1a",
            universe="mothers",
        ),
        q(
            "mother-chronic-disease",
            "maladie_chronique_mere",
            ("Maladie chronique de la mère", "Mother's chronic illness"),
            (
                "Avez-vous une maladie chronique (diabète, asthme, hypertension…) ?",
                "Do you have a chronic illness (diabetes, asthma, high blood pressure…)?",
            ),
            YES_NO,
            "maternite",
            "5a5",
            universe="mothers",
        ),
    ),
    derived=(
        Derived(
            "mother-bmi",
            "imc_mere_avant",
            B("IMC de la mère avant la grossesse (kg/m²)", "Mother's pre-pregnancy BMI (kg/m²)"),
            "poids_mere_avant / (taille_mere / 100) ** 2",
            B(
                "IMC calculé pendant l'entretien à partir du poids et de la taille déclarés.",
                "BMI computed during the interview from the reported weight and height.",
            ),
            Numeric("kg/m2", 12, 70, 1),
            ("maternite",),
            variables=("mother-weight-before", "mother-height"),
            computed_in_instrument=True,
        ),
    ),
    universe="parents",
)

CHILDCARE = Topic(
    "childcare",
    B("Mode de garde et scolarisation", "Childcare and schooling"),
    B(
        "Mode de garde principal, heures de garde, entrée à l'école et classe fréquentée.",
        "Main childcare arrangement, hours of childcare, school entry and class attended.",
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
            "2m",
            "1a",
            "3a5",
        ),
        Routing(
            "if-other-childcare",
            "main-childcare",
            "garde_principale == 8",
            B("Si un autre mode de garde est déclaré", "If another childcare arrangement is reported"),
            then=(
                q(
                    "childcare-other",
                    "garde_autre_precision",
                    ("Autre mode de garde (précision)", "Other childcare (specify)"),
                    (
                        "Si « autre », précisez le mode de garde :",
                        'If "other", please describe the arrangement:',
                    ),
                    FreeText(100),
                    "2m",
                    "1a",
                    "3a5",
                ),
            ),
        ),
        q(
            "childcare-hours",
            "garde_h_semaine",
            ("Heures de garde par semaine", "Hours of childcare per week"),
            (
                "Combien d'heures par semaine votre enfant est-il gardé par une autre personne que ses "
                "parents ?",
                "How many hours a week is your child looked after by someone other than the parents?",
            ),
            Numeric("h/wk", 0, 60),
            "2m",
            "1a",
            "3a5",
        ),
        q(
            "childcare-start-age",
            "garde_debut_age_mois",
            ("Âge au début de la garde (mois)", "Age when childcare started (months)"),
            (
                "À quel âge (en mois) votre enfant a-t-il commencé à être gardé ?",
                "At what age (in months) did your child start being looked after by others?",
            ),
            Numeric("mo", 0, 24),
            "1a",
        ),
        q(
            "childcare-satisfaction",
            "garde_satisfaction",
            ("Satisfaction à l'égard du mode de garde", "Satisfaction with childcare"),
            (
                "Êtes-vous d'accord : « le mode de garde actuel de mon enfant me convient » ?",
                'Do you agree: "my child\'s current childcare arrangement suits me"?',
            ),
            Coded("agreement"),
            "1a",
            "3a5",
            universe="parents",
        ),
        q(
            "grandparents-help",
            "aide_grands_parents",
            ("Aide des grands-parents", "Help from grandparents"),
            (
                "Les grands-parents vous aident-ils à garder votre enfant ?",
                "Do the grandparents help you look after your child?",
            ),
            FREQUENCY,
            *FOLLOW_UPS,
            universe="parents",
        ),
        q(
            "in-school",
            "scolarise",
            ("Enfant scolarisé", "Child attends school"),
            ("Votre enfant va-t-il à l'école ?", "Does your child go to school?"),
            YES_NO,
            *PRESCHOOL,
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
    ),
)
