"""Elfe-like question bank, part 1: birth, breastfeeding, sleep and language."""

from __future__ import annotations

from ..spec import Bilingual as B
from ..spec import Coded, Derived, FreeText, Numeric, Routing, Topic, When
from ..spec import ask as q
from ..vocabulary import FREQUENCY, SLEEP_HOURS, WEEKLY, YES_NO
from .waves import CHILDHOOD, PRESCHOOL

BIRTH = Topic(
    "birth",
    B("Naissance", "Birth"),
    B(
        "Circonstances de la naissance, terme et mensurations à la naissance.",
        "Circumstances of the birth, gestational age and measurements at birth.",
    ),
    B(
        "Pour commencer, quelques questions sur la naissance de votre enfant.",
        "To begin with, a few questions about your child's birth.",
    ),
    (
        q(
            "sex",
            "sexe",
            ("Sexe de l'enfant", "Child's sex"),
            ("Votre bébé est-il un garçon ou une fille ?", "Is your baby a boy or a girl?"),
            Coded("sex"),
            "maternite",
        ),
        q(
            "birth-date",
            "date_naissance",
            ("Date de naissance de l'enfant", "Child's date of birth"),
            ("Quelle est la date de naissance de votre enfant ?", "What is your child's date of birth?"),
            When("Date"),
            "maternite",
        ),
        q(
            "gestational-age",
            "age_gest_sa",
            ("Âge gestationnel à la naissance (semaines)", "Gestational age at birth (weeks)"),
            (
                "À combien de semaines d'aménorrhée votre enfant est-il né ?",
                "At how many weeks of gestation was your child born?",
            ),
            Numeric("wk", 22, 44),
            "maternite",
        ),
        q(
            "birth-weight",
            "poids_naissance",
            ("Poids de naissance (grammes)", "Birth weight (grams)"),
            (
                "Combien votre bébé pesait-il à la naissance (en grammes) ?",
                "How much did your baby weigh at birth (in grams)?",
            ),
            Numeric("g", 300, 6000),
            "maternite",
        ),
        q(
            "birth-length",
            "taille_naissance",
            ("Taille de naissance (cm)", "Length at birth (cm)"),
            (
                "Quelle était la taille de votre bébé à la naissance (en cm) ?",
                "How long was your baby at birth (in cm)?",
            ),
            Numeric("cm", 30, 65, 1),
            "maternite",
        ),
        q(
            "delivery-mode",
            "mode_accouchement",
            ("Mode d'accouchement", "Mode of delivery"),
            ("Comment s'est déroulé l'accouchement ?", "How was the baby delivered?"),
            Coded("delivery"),
            "maternite",
        ),
        q(
            "apgar",
            "apgar_5min",
            ("Score d'Apgar à 5 minutes", "Apgar score at 5 minutes"),
            (
                "Score d'Apgar à 5 minutes relevé dans le dossier obstétrical.",
                "Apgar score at 5 minutes, taken from the obstetric record.",
            ),
            Numeric(None, 0, 10),
            "maternite",
        ),
        q(
            "multiple-birth",
            "grossesse_multiple",
            ("Naissance gémellaire ou multiple", "Twin or multiple birth"),
            ("S'agit-il d'une naissance gémellaire ou multiple ?", "Was this a twin or multiple birth?"),
            YES_NO,
            "maternite",
        ),
        q(
            "birth-rank",
            "rang_naissance",
            ("Rang de naissance dans la fratrie", "Birth order among siblings"),
            (
                "Combien d'enfants avez-vous eus avant celui-ci ?",
                "How many children did you have before this one?",
            ),
            Numeric(None, 0, 15),
            "maternite",
        ),
    ),
)

BREASTFEEDING = Topic(
    "breastfeeding",
    B("Allaitement", "Breastfeeding"),
    B(
        "Allaitement maternel : initiation, exclusivité, durée et sevrage ; lait infantile.",
        "Breastfeeding: initiation, exclusivity, duration and weaning; infant formula.",
    ),
    B(
        "Nous allons maintenant parler de l'alimentation lactée de votre bébé et de l'allaitement.",
        "We will now talk about your baby's milk feeding and breastfeeding.",
    ),
    (
        q(
            "bf-intention",
            "allait_intention",
            ("Intention d'allaiter pendant la grossesse", "Intention to breastfeed during pregnancy"),
            (
                "Pendant la grossesse, aviez-vous l'intention d'allaiter votre enfant ?",
                "During pregnancy, did you intend to breastfeed your child?",
            ),
            YES_NO,
            "maternite",
            universe="mothers",
        ),
        q(
            "mother-breastfed",
            "mere_allaitee",
            ("Mère allaitée elle-même dans l'enfance", "Mother herself breastfed as a child"),
            (
                "Vous-même, avez-vous été allaitée lorsque vous étiez bébé ?",
                "Were you yourself breastfed as a baby?",
            ),
            Coded("yes-no"),
            "maternite",
            universe="mothers",
        ),
        q(
            "bf-ever",
            "allait",
            ("Enfant allaité au sein", "Child ever breastfed"),
            (
                "Votre enfant a-t-il été allaité au sein, même une seule fois ?",
                "Has your child ever been breastfed, even once?",
            ),
            YES_NO,
            "maternite",
            "2m",
            "1a",
        ),
        Routing(
            "if-breastfed",
            "bf-ever",
            "allait == 1",
            B("Si l'enfant a été allaité", "If the child was ever breastfed"),
            then=(
                q(
                    "bf-first-hour",
                    "allait_1h",
                    ("Mise au sein dans l'heure suivant la naissance", "Breastfed within an hour of birth"),
                    (
                        "Votre bébé a-t-il été mis au sein dans l'heure qui a suivi sa naissance ?",
                        "Was your baby put to the breast within an hour of birth?",
                    ),
                    YES_NO,
                    "maternite",
                ),
                q(
                    "bf-support",
                    "allait_soutien",
                    ("Aide d'un professionnel pour l'allaitement", "Professional breastfeeding support"),
                    (
                        "À la maternité, avez-vous reçu l'aide d'une sage-femme ou d'une puéricultrice "
                        "pour allaiter ?",
                        "At the maternity unit, did a midwife or nurse help you to breastfeed?",
                    ),
                    YES_NO,
                    "maternite",
                ),
                q(
                    "bf-current",
                    "allait_actuel",
                    ("Allaitement en cours", "Currently breastfed"),
                    (
                        "Actuellement, votre enfant est-il nourri au sein, même partiellement ?",
                        "Is your child currently breastfed, even partially?",
                    ),
                    YES_NO,
                    "2m",
                    "1a",
                ),
                q(
                    "bf-exclusive-weeks",
                    "allait_excl_sem",
                    (
                        "Durée de l'allaitement exclusif (semaines)",
                        "Duration of exclusive breastfeeding (weeks)",
                    ),
                    (
                        "Pendant combien de semaines votre enfant a-t-il été allaité exclusivement, sans "
                        "autre lait ni aliment ?",
                        "For how many weeks was your child exclusively breastfed, with no other milk or "
                        "food?",
                    ),
                    Numeric("wk", 0, 52),
                    "2m",
                    "1a",
                ),
                q(
                    "bf-difficulties",
                    "allait_difficultes",
                    ("Difficultés d'allaitement", "Breastfeeding difficulties"),
                    (
                        "Avez-vous rencontré des difficultés pour allaiter (crevasses, douleurs, manque de "
                        "lait) ?",
                        "Did you have difficulties breastfeeding (cracked nipples, pain, not enough milk)?",
                    ),
                    FREQUENCY,
                    "2m",
                ),
                q(
                    "bf-stop-reason",
                    "allait_arret_motif",
                    ("Motif d'arrêt de l'allaitement", "Reason for stopping breastfeeding"),
                    (
                        "Pour quelle raison principale avez-vous arrêté d'allaiter ?",
                        "What was the main reason you stopped breastfeeding?",
                    ),
                    Coded("bf-stop"),
                    "2m",
                    "1a",
                ),
                q(
                    "bf-at-6-months",
                    "allait_6m",
                    ("Allaitement encore en cours à 6 mois", "Still breastfed at 6 months"),
                    (
                        "Lorsque l'enfant avait 6 mois, sa mère l'allaitait-elle encore ?",
                        "When the child was 6 months old, was the mother still breastfeeding?",
                    ),
                    YES_NO,
                    "1a",
                ),
            ),
            otherwise=(
                q(
                    "no-bf-reason",
                    "non_allait_motif",
                    ("Motif de non-allaitement", "Reason for not breastfeeding"),
                    (
                        "Pour quelle raison principale n'avez-vous pas souhaité allaiter ?",
                        "What was the main reason you did not breastfeed?",
                    ),
                    Coded("no-bf-reason"),
                    "maternite",
                    universe="not-breastfed",
                ),
            ),
            universe="breastfed",
        ),
        q(
            "weaning-age",
            "sevrage_age_mois",
            ("Âge au sevrage (mois)", "Age at weaning (months)"),
            (
                "À quel âge (en mois) votre enfant a-t-il été complètement sevré du sein ?",
                "At what age (in months) was your child completely weaned from the breast?",
            ),
            Numeric("mo", 0, 36),
            "1a",
            "3a5",
        ),
        q(
            "milk-type",
            "lait_type",
            ("Type de lait principal", "Main type of milk"),
            (
                "Quel type de lait votre enfant boit-il principalement en ce moment ?",
                "What type of milk does your child mainly drink at the moment?",
            ),
            Coded("milk"),
            "2m",
            "1a",
        ),
    ),
    derived=(
        Derived(
            "bf-total-weeks",
            "allait_duree_sem",
            B("Durée totale d'allaitement (semaines)", "Total breastfeeding duration (weeks)"),
            "si allait == 1 alors sevrage_age_mois * 4.35 sinon 0",
            B(
                "Durée de tout allaitement, dérivée de l'allaitement déclaré et de l'âge au sevrage.",
                "Duration of any breastfeeding, derived from ever breastfed and age at weaning.",
            ),
            Numeric("wk", 0, 160, 1),
            ("1a",),
            questions=("bf-ever", "weaning-age"),
        ),
    ),
)

SLEEP = Topic(
    "sleep",
    B("Sommeil", "Sleep"),
    B(
        "Durée et qualité du sommeil, réveils nocturnes, position et lieu de couchage.",
        "Sleep duration and quality, night wakings, sleeping position and place.",
    ),
    B(
        "Les questions suivantes portent sur le sommeil de votre enfant.",
        "The following questions are about your child's sleep.",
    ),
    (
        q(
            "sleep-position",
            "position_couchage",
            ("Position de couchage", "Sleeping position"),
            (
                "Dans quelle position couchez-vous habituellement votre bébé pour dormir ?",
                "In what position do you usually put your baby down to sleep?",
            ),
            Coded("sleep-position"),
            "maternite",
            "2m",
        ),
        q(
            "sleep-hours",
            "sommeil_nuit_h",
            ("Heures de sommeil par nuit", "Hours of sleep per night"),
            (
                "Combien d'heures votre enfant dort-il habituellement la nuit ?",
                "How many hours does your child usually sleep at night?",
            ),
            SLEEP_HOURS,
            "2m",
            "1a",
            "3a5",
            "5a5",
        ),
        q(
            "nap-hours",
            "sieste_h",
            ("Durée de la sieste (heures)", "Length of daytime nap (hours)"),
            (
                "En journée, combien de temps dure habituellement la sieste de votre enfant (en heures) ?",
                "During the day, how long does your child's nap usually last (in hours)?",
            ),
            Numeric("h", 0, 6, 1),
            *CHILDHOOD,
        ),
        q(
            "night-wakings",
            "reveils_nuit",
            ("Nombre de réveils par nuit", "Number of night wakings"),
            (
                "Combien de fois votre enfant se réveille-t-il habituellement par nuit ?",
                "How many times does your child usually wake up during the night?",
            ),
            Numeric(None, 0, 20),
            "2m",
            "1a",
            "3a5",
        ),
        q(
            "sleeps-parents-room",
            "dort_chambre_parents",
            ("Dort dans la chambre des parents", "Sleeps in the parents' room"),
            (
                "Votre enfant dort-il dans la chambre de ses parents ?",
                "Does your child sleep in the parents' bedroom?",
            ),
            YES_NO,
            "2m",
            "1a",
            "3a5",
        ),
        q(
            "bed-sharing",
            "dort_lit_parents",
            ("Partage du lit parental", "Bed-sharing with parents"),
            (
                "Votre enfant dort-il dans le lit de ses parents ?",
                "Does your child sleep in the parents' bed?",
            ),
            FREQUENCY,
            "2m",
            "1a",
        ),
        q(
            "bedtime",
            "heure_coucher",
            ("Heure habituelle du coucher", "Usual bedtime"),
            (
                "À quelle heure votre enfant se couche-t-il habituellement le soir ?",
                "At what time does your child usually go to bed in the evening?",
            ),
            When("Time"),
            *PRESCHOOL,
        ),
        q(
            "sleep-problems",
            "troubles_sommeil",
            ("Troubles du sommeil", "Sleep problems"),
            (
                "Votre enfant a-t-il du mal à s'endormir ou se réveille-t-il en pleurant ?",
                "Does your child have trouble falling asleep or wake up crying?",
            ),
            FREQUENCY,
            *CHILDHOOD,
        ),
        q(
            "falls-asleep-alone",
            "endormissement_seul",
            ("S'endort seul", "Falls asleep alone"),
            (
                "Votre enfant s'endort-il seul, sans la présence d'un adulte ?",
                "Does your child fall asleep alone, without an adult present?",
            ),
            FREQUENCY,
            *CHILDHOOD,
        ),
        q(
            "snoring",
            "ronflement",
            ("Ronflement pendant le sommeil", "Snoring during sleep"),
            ("Quand il dort, votre enfant ronfle-t-il ?", "When asleep, does your child snore?"),
            FREQUENCY,
            *PRESCHOOL,
        ),
    ),
)

LANGUAGE = Topic(
    "language",
    B("Langage", "Language"),
    B(
        "Premiers mots, vocabulaire, langues parlées à la maison, lecture partagée.",
        "First words, vocabulary, languages spoken at home, shared reading.",
    ),
    B(
        "Parlons maintenant du langage de votre enfant et des langues parlées à la maison.",
        "Let us now talk about your child's language and the languages spoken at home.",
    ),
    (
        q(
            "home-languages",
            "langue_maison",
            ("Langues parlées à l'enfant à la maison", "Languages spoken to the child at home"),
            (
                "Quelles langues parle-t-on à votre enfant à la maison ? (plusieurs réponses possibles)",
                "Which languages are spoken to your child at home? (several answers possible)",
            ),
            Coded("languages", max_responses=7),
            "2m",
            "3a5",
        ),
        Routing(
            "if-other-language",
            "home-languages",
            "langue_maison_7 == 1",
            B("Si une autre langue est parlée à la maison", "If another language is spoken at home"),
            then=(
                q(
                    "home-language-other",
                    "langue_maison_autre",
                    ("Autre langue parlée à la maison (précision)", "Other home language (specify)"),
                    (
                        "Si une autre langue est parlée à la maison, laquelle ?",
                        "If another language is spoken at home, which one?",
                    ),
                    FreeText(100),
                    "2m",
                    "3a5",
                ),
            ),
        ),
        q(
            "first-words",
            "premiers_mots",
            ("Dit ses premiers mots", "Says first words"),
            (
                "Votre enfant dit-il déjà quelques mots, comme « papa » ou « maman » ?",
                'Does your child already say a few words, such as "daddy" or "mummy"?',
            ),
            YES_NO,
            "1a",
        ),
        q(
            "understands-instructions",
            "comprend_consigne",
            ("Comprend une consigne simple", "Understands a simple instruction"),
            (
                "Votre enfant comprend-il une consigne simple comme « donne-moi le ballon » ?",
                'Does your child understand a simple instruction such as "give me the ball"?',
            ),
            YES_NO,
            "1a",
        ),
        q(
            "words-count",
            "nb_mots",
            ("Nombre de mots prononcés", "Number of words spoken"),
            (
                "Environ combien de mots différents votre enfant prononce-t-il ?",
                "About how many different words does your child say?",
            ),
            Numeric(None, 0, 500),
            "1a",
            "3a5",
        ),
        q(
            "sentences",
            "phrases_3mots",
            ("Fait des phrases de trois mots", "Makes three-word sentences"),
            (
                "Votre enfant fait-il des phrases d'au moins trois mots ?",
                "Does your child make sentences of at least three words?",
            ),
            YES_NO,
            "3a5",
        ),
        q(
            "speech-understood",
            "parole_comprise",
            ("Parole comprise par les personnes extérieures", "Speech understood by outsiders"),
            (
                "Les personnes extérieures à la famille comprennent-elles ce que dit votre enfant ?",
                "Do people outside the family understand what your child says?",
            ),
            FREQUENCY,
            *PRESCHOOL,
        ),
        q(
            "reading-stories",
            "lecture_histoires",
            ("Lecture d'histoires à l'enfant", "Reading stories to the child"),
            (
                "À quelle fréquence vous ou l'autre parent lisez-vous des histoires à votre enfant ?",
                "How often do you or the other parent read stories to your child?",
            ),
            WEEKLY,
            *CHILDHOOD,
        ),
        q(
            "language-concern",
            "inquietude_langage",
            ("Inquiétude au sujet du langage", "Concern about language development"),
            (
                "Êtes-vous inquiet ou inquiète au sujet du langage de votre enfant ?",
                "Are you worried about your child's language development?",
            ),
            YES_NO,
            *PRESCHOOL,
        ),
        q(
            "speech-therapist",
            "orthophoniste",
            ("Consultation d'un orthophoniste", "Seen by a speech therapist"),
            (
                "Votre enfant a-t-il déjà consulté un orthophoniste ?",
                "Has your child ever seen a speech therapist?",
            ),
            YES_NO,
            *PRESCHOOL,
        ),
    ),
)
