"""Epipage-2-like question bank, part 1: birth, neonatal care, dysplasia and breastfeeding at discharge."""

from __future__ import annotations

from ..spec import Bilingual as B
from ..spec import Coded, Derived, Numeric, Routing, Topic, When
from ..spec import ask as q
from ..vocabulary import DAYS, YES_NO
from .waves import CORRECTED, FOLLOW_UPS, TODDLER

BIRTH = Topic(
    "birth",
    B("Naissance et âge gestationnel", "Birth and gestational age"),
    B(
        "Âge gestationnel, poids de naissance, circonstances de l'accouchement et maternité de naissance.",
        "Gestational age, birth weight, circumstances of the delivery and maternity unit of birth.",
    ),
    B(
        "Cette partie décrit la naissance de l'enfant, d'après le dossier médical.",
        "This part describes the child's birth, from the medical record.",
    ),
    (
        q(
            "sex",
            "sexe",
            ("Sexe de l'enfant", "Child's sex"),
            ("Sexe de l'enfant", "Sex of the child"),
            Coded("sex"),
            "neonat",
        ),
        q(
            "gestational-age",
            "age_gest_sa",
            ("Âge gestationnel à la naissance (semaines)", "Gestational age at birth (weeks)"),
            (
                "Âge gestationnel à la naissance, en semaines d'aménorrhée révolues",
                "Gestational age at birth, in completed weeks of gestation",
            ),
            Numeric("wk", 22, 34),
            "neonat",
        ),
        q(
            "gestational-age-days",
            "age_gest_jours",
            ("Jours en plus des semaines révolues", "Days beyond completed weeks"),
            ("Nombre de jours en plus des semaines révolues", "Number of days beyond the completed weeks"),
            Numeric("d", 0, 6),
            "neonat",
        ),
        q(
            "birth-weight",
            "poids_naissance",
            ("Poids de naissance (grammes)", "Birth weight (grams)"),
            ("Poids de naissance de l'enfant (en grammes)", "Child's birth weight (in grams)"),
            Numeric("g", 300, 3500),
            "neonat",
        ),
        q(
            "multiple-birth",
            "grossesse_multiple",
            ("Naissance gémellaire ou multiple", "Twin or multiple birth"),
            ("S'agit-il d'une grossesse gémellaire ou multiple ?", "Was this a twin or multiple pregnancy?"),
            YES_NO,
            "neonat",
        ),
        q(
            "delivery-mode",
            "mode_accouchement",
            ("Mode d'accouchement", "Mode of delivery"),
            ("Mode d'accouchement", "Mode of delivery"),
            Coded("delivery"),
            "neonat",
        ),
        q(
            "antenatal-steroids",
            "corticoides_antenatals",
            ("Corticothérapie anténatale", "Antenatal corticosteroids"),
            (
                "La mère a-t-elle reçu une corticothérapie anténatale avant l'accouchement ?",
                "Did the mother receive antenatal corticosteroids before the delivery?",
            ),
            YES_NO,
            "neonat",
        ),
        q(
            "unit-level",
            "type_maternite",
            ("Type de la maternité de naissance", "Level of the birth maternity unit"),
            (
                "Dans quel type de maternité l'enfant est-il né ?",
                "In what level of maternity unit was the child born?",
            ),
            Coded("unit-level"),
            "neonat",
        ),
        q(
            "apgar",
            "apgar_5min",
            ("Score d'Apgar à 5 minutes", "Apgar score at 5 minutes"),
            ("Score d'Apgar à 5 minutes", "Apgar score at 5 minutes"),
            Numeric(None, 0, 10),
            "neonat",
        ),
        q(
            "mother-age",
            "age_mere",
            ("Âge de la mère à la naissance (ans)", "Mother's age at the birth (years)"),
            ("Âge de la mère à l'accouchement (en années)", "Mother's age at delivery (in years)"),
            Numeric("a", 14, 55),
            "neonat",
            universe="mothers",
        ),
    ),
)

NEONATAL_CARE = Topic(
    "neonatal-care",
    B("Soins néonatals", "Neonatal care"),
    B(
        "Ventilation, surfactant, séjour en réanimation néonatale, complications de la prématurité.",
        "Ventilation, surfactant, stay in neonatal intensive care, complications of preterm birth.",
    ),
    B(
        "Les questions suivantes portent sur l'hospitalisation de l'enfant en néonatologie.",
        "The following questions are about the child's stay in the neonatal unit.",
    ),
    (
        q(
            "invasive-ventilation",
            "ventilation_invasive",
            ("Ventilation invasive", "Invasive ventilation"),
            ("L'enfant a-t-il été intubé et ventilé ?", "Was the child intubated and ventilated?"),
            YES_NO,
            "neonat",
        ),
        Routing(
            "if-ventilated",
            "invasive-ventilation",
            "ventilation_invasive == 1",
            B("Si l'enfant a été ventilé", "If the child was ventilated"),
            then=(
                q(
                    "ventilation-days",
                    "ventilation_duree_j",
                    ("Durée de ventilation invasive (jours)", "Days of invasive ventilation"),
                    (
                        "Pendant combien de jours l'enfant a-t-il été ventilé ?",
                        "For how many days was the child ventilated?",
                    ),
                    Numeric("d", 0, 200),
                    "neonat",
                ),
            ),
            universe="ventilated",
        ),
        q(
            "cpap",
            "ppc_nasale",
            ("Pression positive continue nasale", "Nasal CPAP"),
            (
                "L'enfant a-t-il reçu une ventilation non invasive (pression positive continue nasale) ?",
                "Did the child receive non-invasive ventilation (nasal CPAP)?",
            ),
            YES_NO,
            "neonat",
        ),
        q(
            "surfactant",
            "surfactant",
            ("Administration de surfactant", "Surfactant given"),
            ("L'enfant a-t-il reçu du surfactant ?", "Was the child given surfactant?"),
            YES_NO,
            "neonat",
        ),
        Routing(
            "if-surfactant",
            "surfactant",
            "surfactant == 1",
            B("Si l'enfant a reçu du surfactant", "If surfactant was given"),
            then=(
                q(
                    "surfactant-doses",
                    "surfactant_doses",
                    ("Nombre de doses de surfactant", "Number of surfactant doses"),
                    (
                        "Combien de doses de surfactant l'enfant a-t-il reçues ?",
                        "How many doses of surfactant were given?",
                    ),
                    Numeric(None, 1, 5),
                    "neonat",
                ),
            ),
            universe="surfactant",
        ),
        q(
            "nicu-days",
            "duree_rea_j",
            ("Durée du séjour en réanimation néonatale (jours)", "Days in neonatal intensive care"),
            (
                "Combien de jours l'enfant a-t-il passés en réanimation néonatale ?",
                "How many days did the child spend in neonatal intensive care?",
            ),
            DAYS,
            "neonat",
        ),
        q(
            "neonatal-stay-days",
            "duree_hospit_neonat_j",
            ("Durée totale de l'hospitalisation néonatale (jours)", "Total neonatal hospital stay (days)"),
            (
                "Durée totale de l'hospitalisation néonatale, de la naissance à la sortie (en jours)",
                "Total length of the neonatal hospital stay, from birth to discharge (in days)",
            ),
            DAYS,
            "neonat",
        ),
        q(
            "discharge-date",
            "date_sortie",
            ("Date de sortie du service", "Date of discharge"),
            ("Date de sortie du service de néonatologie", "Date of discharge from the neonatal unit"),
            When("Date"),
            "neonat",
        ),
        q(
            "discharge-pma",
            "age_sortie_sa",
            ("Âge post-menstruel à la sortie (semaines)", "Postmenstrual age at discharge (weeks)"),
            (
                "Âge post-menstruel de l'enfant à la sortie (en semaines)",
                "Child's postmenstrual age at discharge (in weeks)",
            ),
            Numeric("wk", 30, 60),
            "neonat",
        ),
        q(
            "discharge-weight",
            "poids_sortie",
            ("Poids à la sortie (grammes)", "Weight at discharge (grams)"),
            ("Poids de l'enfant à la sortie (en grammes)", "Child's weight at discharge (in grams)"),
            Numeric("g", 1000, 6000),
            "neonat",
        ),
        q(
            "late-infection",
            "infection_tardive",
            ("Infection néonatale tardive", "Late-onset neonatal infection"),
            (
                "L'enfant a-t-il eu une infection néonatale tardive confirmée ?",
                "Did the child have a confirmed late-onset infection?",
            ),
            YES_NO,
            "neonat",
        ),
        q(
            "nec",
            "enterocolite",
            ("Entérocolite ulcéro-nécrosante", "Necrotising enterocolitis"),
            (
                "L'enfant a-t-il eu une entérocolite ulcéro-nécrosante ?",
                "Did the child have necrotising enterocolitis?",
            ),
            YES_NO,
            "neonat",
        ),
        q(
            "ivh",
            "hiv_grade",
            ("Hémorragie intraventriculaire (grade maximal)", "Intraventricular haemorrhage (worst grade)"),
            (
                "Grade maximal d'hémorragie intraventriculaire à l'échographie transfontanellaire",
                "Worst grade of intraventricular haemorrhage on cranial ultrasound",
            ),
            Coded("ivh"),
            "neonat",
        ),
        q(
            "pvl",
            "leucomalacie",
            ("Leucomalacie périventriculaire cavitaire", "Cystic periventricular leukomalacia"),
            (
                "Une leucomalacie périventriculaire cavitaire a-t-elle été observée ?",
                "Was cystic periventricular leukomalacia observed?",
            ),
            YES_NO,
            "neonat",
        ),
        q(
            "rop",
            "rop_stade",
            ("Rétinopathie du prématuré (stade maximal)", "Retinopathy of prematurity (worst stage)"),
            (
                "Stade maximal de rétinopathie du prématuré au fond d'œil",
                "Worst stage of retinopathy of prematurity on eye examination",
            ),
            Coded("rop"),
            "neonat",
        ),
    ),
)

BPD = Topic(
    "bpd",
    B(
        "Dysplasie bronchopulmonaire et santé respiratoire",
        "Bronchopulmonary dysplasia and respiratory health",
    ),
    B(
        "Oxygénodépendance, dysplasie bronchopulmonaire, sifflements et asthme après la sortie.",
        "Oxygen dependency, bronchopulmonary dysplasia, wheezing and asthma after discharge.",
    ),
    B(
        "Ces questions portent sur la respiration de l'enfant.",
        "These questions are about the child's breathing.",
    ),
    (
        q(
            "oxygen-36-weeks",
            "oxygene_36sa",
            ("Oxygène à 36 semaines d'âge post-menstruel", "Oxygen at 36 weeks postmenstrual age"),
            (
                "L'enfant recevait-il de l'oxygène à 36 semaines d'âge post-menstruel ?",
                "Was the child receiving oxygen at 36 weeks postmenstrual age?",
            ),
            YES_NO,
            "neonat",
        ),
        q(
            "home-oxygen",
            "oxygene_domicile",
            ("Oxygène à domicile", "Home oxygen"),
            ("L'enfant est-il sous oxygène à la maison ?", "Is the child on oxygen at home?"),
            YES_NO,
            "neonat",
            *CORRECTED,
        ),
        q(
            "wheezing",
            "sifflements",
            ("Sifflements dans la poitrine", "Wheezing"),
            (
                "Depuis le dernier contact, votre enfant a-t-il eu des sifflements dans la poitrine ?",
                "Since the last contact, has your child had wheezing in the chest?",
            ),
            YES_NO,
            *FOLLOW_UPS,
        ),
        q(
            "bronchiolitis",
            "bronchiolite",
            ("Bronchiolite", "Bronchiolitis"),
            (
                "Depuis la sortie, votre enfant a-t-il eu une bronchiolite ?",
                "Since discharge, has your child had bronchiolitis?",
            ),
            YES_NO,
            "1a",
        ),
        q(
            "asthma",
            "asthme_diag",
            ("Asthme diagnostiqué par un médecin", "Doctor-diagnosed asthma"),
            (
                "Un médecin a-t-il déjà dit que votre enfant avait de l'asthme ?",
                "Has a doctor ever said that your child has asthma?",
            ),
            YES_NO,
            *TODDLER,
        ),
        q(
            "inhaled-treatment",
            "traitement_inhale",
            ("Traitement inhalé", "Inhaled treatment"),
            (
                "Votre enfant prend-il un traitement inhalé (bronchodilatateur ou corticoïde) ?",
                "Does your child take an inhaled treatment (bronchodilator or corticosteroid)?",
            ),
            YES_NO,
            *FOLLOW_UPS,
        ),
    ),
    derived=(
        Derived(
            "bpd-severity",
            "dysplasie_bp",
            B("Dysplasie bronchopulmonaire", "Bronchopulmonary dysplasia"),
            "si oxygene_36sa == 1 et ventilation_invasive == 1 alors sévère ; si oxygene_36sa == 1 alors "
            "modérée",
            B(
                "Sévérité de la dysplasie dérivée de l'oxygène à 36 semaines et de la ventilation invasive.",
                "Severity of dysplasia derived from oxygen at 36 weeks and invasive ventilation.",
            ),
            Coded("bpd"),
            ("neonat",),
            questions=("oxygen-36-weeks", "invasive-ventilation"),
        ),
    ),
)

BREASTFEEDING = Topic(
    "breastfeeding",
    B("Allaitement", "Breastfeeding"),
    B(
        "Lait maternel pendant l'hospitalisation, allaitement à la sortie et durée de l'allaitement.",
        "Breast milk during the hospital stay, breastfeeding at discharge and breastfeeding duration.",
    ),
    B(
        "Nous allons parler de l'alimentation de l'enfant au lait maternel et de l'allaitement.",
        "We will talk about feeding the child with breast milk and about breastfeeding.",
    ),
    (
        q(
            "breast-milk-discharge",
            "lait_maternel_sortie",
            ("Lait maternel à la sortie", "Breast milk at discharge"),
            (
                "À la sortie du service, l'enfant recevait-il du lait maternel (au sein ou au biberon) ?",
                "At discharge, was the child receiving breast milk (at the breast or by bottle)?",
            ),
            YES_NO,
            "neonat",
        ),
        q(
            "bf-at-discharge",
            "allait_sortie",
            ("Allaitement au sein à la sortie", "Breastfeeding at discharge"),
            (
                "À la sortie, la mère allaitait-elle son enfant au sein ?",
                "At discharge, was the mother breastfeeding her child at the breast?",
            ),
            YES_NO,
            "neonat",
        ),
        q(
            "bf-exclusive-discharge",
            "allait_excl_sortie",
            ("Allaitement exclusif à la sortie", "Exclusive breastfeeding at discharge"),
            (
                "À la sortie, l'enfant était-il allaité exclusivement, sans lait infantile ?",
                "At discharge, was the child exclusively breastfed, with no formula?",
            ),
            YES_NO,
            "neonat",
        ),
        q(
            "donor-milk",
            "lait_lactarium",
            ("Lait de lactarium", "Donor milk"),
            (
                "Pendant l'hospitalisation, l'enfant a-t-il reçu du lait de lactarium (don de lait) ?",
                "During the hospital stay, did the child receive donor milk?",
            ),
            YES_NO,
            "neonat",
        ),
        q(
            "bf-current",
            "allait_actuel",
            ("Allaitement en cours", "Currently breastfed"),
            (
                "Actuellement, votre enfant est-il encore allaité, même partiellement ?",
                "Is your child still breastfed, even partially?",
            ),
            YES_NO,
            "1a",
        ),
        q(
            "weaning-age",
            "sevrage_age_mois",
            ("Âge au sevrage (mois d'âge corrigé)", "Age at weaning (months corrected age)"),
            (
                "À quel âge corrigé (en mois) votre enfant a-t-il été complètement sevré du sein ?",
                "At what corrected age (in months) was your child completely weaned from the breast?",
            ),
            Numeric("mo", 0, 24),
            *CORRECTED,
        ),
        q(
            "bf-stop-reason",
            "allait_arret_motif",
            ("Motif d'arrêt de l'allaitement", "Reason for stopping breastfeeding"),
            (
                "Pour quelle raison principale l'allaitement a-t-il été arrêté ?",
                "What was the main reason breastfeeding stopped?",
            ),
            Coded("bf-stop"),
            "1a",
        ),
    ),
)
