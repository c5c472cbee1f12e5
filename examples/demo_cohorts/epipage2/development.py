"""Epipage-2-like question bank, part 2: neurodevelopment, sleep, language, vision and hearing."""

from __future__ import annotations

from ..spec import Bilingual as B
from ..spec import Coded, Derived, Grid, Numeric, Routing, Topic
from ..spec import ask as q
from ..vocabulary import FREQUENCY, YES_NO
from .waves import CORRECTED, FOLLOW_UPS, TODDLER

NEURODEVELOPMENT = Topic(
    "neurodevelopment",
    B("Neurodéveloppement", "Neurodevelopment"),
    B(
        "Développement moteur et cognitif, scores au questionnaire de développement, paralysie cérébrale, "
        "comportement.",
        "Motor and cognitive development, developmental questionnaire scores, cerebral palsy, behaviour.",
    ),
    B(
        "Les questions suivantes portent sur le développement de votre enfant.",
        "The following questions are about your child's development.",
    ),
    (
        Grid(
            "asq",
            "asq_score",
            B(
                "Score au questionnaire de développement par domaine",
                "Developmental questionnaire score by domain",
            ),
            B(
                "Reportez le score obtenu par votre enfant dans chacun des domaines du questionnaire de "
                "développement.",
                "Report the score your child obtained in each domain of the developmental questionnaire.",
            ),
            "asq-domains",
            Numeric(None, 0, 60),
            CORRECTED,
        ),
        q(
            "sits-unaided",
            "tient_assis",
            ("Tient assis sans appui", "Sits without support"),
            ("Votre enfant tient-il assis sans appui ?", "Does your child sit without support?"),
            YES_NO,
            "1a",
        ),
        q(
            "walks-alone",
            "marche_seul",
            ("Marche seul", "Walks alone"),
            ("Votre enfant marche-t-il seul, sans aide ?", "Does your child walk alone, without help?"),
            YES_NO,
            *CORRECTED,
        ),
        q(
            "walking-age",
            "age_marche_mois",
            ("Âge à la marche (mois d'âge corrigé)", "Age at walking (months corrected age)"),
            (
                "À quel âge corrigé (en mois) votre enfant a-t-il marché seul ?",
                "At what corrected age (in months) did your child walk alone?",
            ),
            Numeric("mo", 8, 30),
            "2a",
        ),
        q(
            "cerebral-palsy",
            "paralysie_cerebrale",
            ("Paralysie cérébrale diagnostiquée", "Diagnosed cerebral palsy"),
            (
                "Un médecin a-t-il diagnostiqué une paralysie cérébrale chez l'enfant ?",
                "Has a doctor diagnosed cerebral palsy in the child?",
            ),
            Coded("yes-no"),
            *TODDLER,
        ),
        Routing(
            "if-cerebral-palsy",
            "cerebral-palsy",
            "paralysie_cerebrale == 1",
            B("Si une paralysie cérébrale a été diagnostiquée", "If cerebral palsy was diagnosed"),
            then=(
                q(
                    "gmfcs",
                    "gmfcs",
                    ("Niveau de fonction motrice (GMFCS)", "Gross motor function level (GMFCS)"),
                    (
                        "Niveau de la classification de la fonction motrice globale (GMFCS)",
                        "Level on the Gross Motor Function Classification System (GMFCS)",
                    ),
                    Coded("gmfcs"),
                    *TODDLER,
                ),
            ),
            universe="cerebral-palsy",
        ),
        q(
            "physiotherapy",
            "kinesitherapie",
            ("Suivi en kinésithérapie", "Physiotherapy follow-up"),
            (
                "Votre enfant est-il suivi par un kinésithérapeute ?",
                "Is your child seen by a physiotherapist?",
            ),
            YES_NO,
            *FOLLOW_UPS,
        ),
        q(
            "early-intervention",
            "suivi_camsp",
            ("Suivi en centre d'action médico-sociale précoce", "Early intervention centre follow-up"),
            (
                "Votre enfant est-il suivi dans un centre d'action médico-sociale précoce (CAMSP) ?",
                "Is your child followed in an early intervention centre (CAMSP)?",
            ),
            YES_NO,
            *FOLLOW_UPS,
        ),
        q(
            "full-scale-iq",
            "qi_total",
            ("Quotient intellectuel total", "Full-scale IQ"),
            (
                "Quotient intellectuel total au bilan psychométrique",
                "Full-scale IQ at the psychometric assessment",
            ),
            Numeric(None, 40, 160),
            "5a5",
        ),
        q(
            "sdq-total",
            "sdq_total",
            ("Score total de difficultés (comportement)", "Total difficulties score (behaviour)"),
            (
                "Score total de difficultés au questionnaire de comportement rempli par les parents",
                "Total difficulties score on the behaviour questionnaire filled in by the parents",
            ),
            Numeric(None, 0, 40),
            "5a5",
        ),
        q(
            "sdq-hyperactivity",
            "sdq_hyperactivite",
            ("Score d'hyperactivité et d'inattention", "Hyperactivity-inattention score"),
            (
                "Score à la sous-échelle hyperactivité et inattention",
                "Score on the hyperactivity-inattention subscale",
            ),
            Numeric(None, 0, 10),
            "5a5",
        ),
    ),
    derived=(
        Derived(
            "asq-total",
            "asq_total",
            B("Score total au questionnaire de développement", "Total developmental questionnaire score"),
            "somme des scores des cinq domaines",
            B(
                "Somme des scores des cinq domaines de la grille, sans question propre.",
                "Sum of the five domain scores of the grid, with no question of its own.",
            ),
            Numeric(None, 0, 300),
            CORRECTED,
            questions=("asq",),
        ),
    ),
)

SLEEP = Topic(
    "sleep",
    B("Sommeil", "Sleep"),
    B(
        "Durée du sommeil, réveils nocturnes, troubles du sommeil et position de couchage.",
        "Sleep duration, night wakings, sleep problems and sleeping position.",
    ),
    B(
        "Les questions suivantes portent sur le sommeil de votre enfant.",
        "The following questions are about your child's sleep.",
    ),
    (
        q(
            "sleep-position",
            "position_couchage",
            ("Position de couchage conseillée à la sortie", "Sleeping position advised at discharge"),
            (
                "À la sortie, dans quelle position vous a-t-on conseillé de coucher votre bébé ?",
                "At discharge, in what position were you advised to put your baby to sleep?",
            ),
            Coded("sleep-position"),
            "neonat",
        ),
        q(
            "sleep-hours",
            "sommeil_nuit_h",
            ("Heures de sommeil par nuit", "Hours of sleep per night"),
            (
                "Combien d'heures votre enfant dort-il habituellement la nuit ?",
                "How many hours does your child usually sleep at night?",
            ),
            Numeric("h", 0, 16, 1),
            *FOLLOW_UPS,
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
            *CORRECTED,
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
            *TODDLER,
        ),
        q(
            "snoring",
            "ronflement",
            ("Ronflement pendant le sommeil", "Snoring during sleep"),
            ("Quand il dort, votre enfant ronfle-t-il ?", "When asleep, does your child snore?"),
            FREQUENCY,
            *TODDLER,
        ),
    ),
)

LANGUAGE = Topic(
    "language",
    B("Langage", "Language"),
    B(
        "Premiers mots, vocabulaire, phrases et langues parlées à la maison.",
        "First words, vocabulary, sentences and languages spoken at home.",
    ),
    B("Parlons maintenant du langage de votre enfant.", "Let us now talk about your child's language."),
    (
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
            "words-count",
            "nb_mots",
            ("Nombre de mots prononcés (liste de 100 mots)", "Number of words spoken (100-word list)"),
            (
                "Parmi les 100 mots de la liste, combien votre enfant en dit-il ?",
                "Of the 100 words in the list, how many does your child say?",
            ),
            Numeric(None, 0, 100),
            "2a",
        ),
        q(
            "sentences",
            "phrases_2mots",
            ("Associe deux mots", "Combines two words"),
            (
                "Votre enfant associe-t-il deux mots, comme « encore gâteau » ?",
                'Does your child put two words together, such as "more cake"?',
            ),
            YES_NO,
            "2a",
        ),
        q(
            "home-languages",
            "langue_maison",
            ("Langues parlées à l'enfant à la maison", "Languages spoken to the child at home"),
            (
                "Quelles langues parle-t-on à votre enfant à la maison ? (plusieurs réponses possibles)",
                "Which languages are spoken to your child at home? (several answers possible)",
            ),
            Coded("languages", max_responses=7),
            "2a",
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
            *TODDLER,
            universe="parents",
        ),
        q(
            "speech-therapist",
            "orthophoniste",
            ("Suivi par un orthophoniste", "Seen by a speech therapist"),
            ("Votre enfant est-il suivi par un orthophoniste ?", "Is your child seen by a speech therapist?"),
            YES_NO,
            "5a5",
        ),
    ),
)

SENSES = Topic(
    "vision-hearing",
    B("Vision et audition", "Vision and hearing"),
    B(
        "Dépistage auditif, strabisme, port de lunettes, déficiences visuelles et auditives.",
        "Hearing screening, squint, wearing glasses, visual and hearing impairments.",
    ),
    B(
        "Ces questions portent sur la vue et l'audition de votre enfant.",
        "These questions are about your child's sight and hearing.",
    ),
    (
        q(
            "hearing-screening",
            "depistage_auditif",
            ("Dépistage auditif néonatal", "Newborn hearing screening"),
            ("Résultat du dépistage auditif néonatal", "Result of the newborn hearing screening"),
            Coded("hearing-screen"),
            "neonat",
        ),
        q(
            "squint",
            "strabisme",
            ("Strabisme", "Squint"),
            ("Votre enfant louche-t-il (strabisme) ?", "Does your child have a squint?"),
            YES_NO,
            *TODDLER,
        ),
        q(
            "glasses",
            "lunettes",
            ("Port de lunettes", "Wears glasses"),
            ("Votre enfant porte-t-il des lunettes ?", "Does your child wear glasses?"),
            YES_NO,
            *TODDLER,
        ),
        q(
            "visual-impairment",
            "deficience_visuelle",
            ("Déficience visuelle", "Visual impairment"),
            (
                "Niveau de déficience visuelle constaté à l'examen",
                "Level of visual impairment found at examination",
            ),
            Coded("impairment"),
            *TODDLER,
        ),
        q(
            "hearing-impairment",
            "deficience_auditive",
            ("Déficience auditive", "Hearing impairment"),
            (
                "Niveau de déficience auditive constaté à l'examen",
                "Level of hearing impairment found at examination",
            ),
            Coded("impairment"),
            *TODDLER,
        ),
        q(
            "hearing-aid",
            "appareil_auditif",
            ("Appareillage auditif", "Hearing aid"),
            (
                "Votre enfant porte-t-il un appareil auditif ou un implant ?",
                "Does your child wear a hearing aid or implant?",
            ),
            YES_NO,
            *TODDLER,
        ),
    ),
)
