"""Elfe-like question bank, part 2: health-care use, screens, nutrition, growth and respiratory health."""

from __future__ import annotations

from ..spec import Bilingual as B
from ..spec import Coded, Derived, FreeText, Grid, Numeric, Repeat, Routing, Topic, When
from ..spec import ask as q
from ..vocabulary import FREQUENCY, HOURS_A_DAY, VISITS, WEEKLY, YES_NO
from .waves import ALL, CHILDHOOD, FOLLOW_UPS, PRESCHOOL

HEALTH_CARE = Topic(
    "health-care",
    B("Recours aux soins", "Health-care use"),
    B(
        "Consultations médicales, urgences, hospitalisations, vaccinations et médicaments.",
        "Medical visits, emergency visits, hospitalisations, vaccinations and medicines.",
    ),
    B(
        "Les questions suivantes concernent les consultations, les hospitalisations et les vaccins de "
        "votre enfant.",
        "The following questions are about your child's medical visits, hospital stays and vaccines.",
    ),
    (
        q(
            "gp-visits",
            "nb_consult_mg",
            ("Nombre de consultations chez le médecin généraliste", "Number of GP visits"),
            (
                "Depuis la naissance ou depuis le dernier entretien, combien de fois votre enfant a-t-il "
                "été examiné par un médecin généraliste ?",
                "Since the birth or since the last interview, how many times has your child been seen by a "
                "general practitioner?",
            ),
            VISITS,
            *ALL,
        ),
        q(
            "paediatrician-visits",
            "nb_consult_pediatre",
            ("Nombre de consultations chez le pédiatre", "Number of paediatrician visits"),
            (
                "Depuis le dernier entretien, combien de fois votre enfant a-t-il consulté un pédiatre ?",
                "Since the last interview, how many times has your child seen a paediatrician?",
            ),
            VISITS,
            *FOLLOW_UPS,
        ),
        q(
            "emergency-visits",
            "nb_urgences",
            ("Nombre de passages aux urgences", "Number of emergency department visits"),
            (
                "Depuis le dernier entretien, combien de fois votre enfant a-t-il été emmené aux urgences ?",
                "Since the last interview, how many times has your child been taken to an emergency "
                "department?",
            ),
            Numeric(None, 0, 30),
            *FOLLOW_UPS,
        ),
        q(
            "hospitalised",
            "hospit",
            ("Enfant hospitalisé depuis le dernier entretien", "Child hospitalised since last interview"),
            (
                "Depuis le dernier entretien, votre enfant a-t-il été hospitalisé au moins une nuit ?",
                "Since the last interview, has your child been admitted to hospital for at least one night?",
            ),
            YES_NO,
            *FOLLOW_UPS,
        ),
        Routing(
            "if-hospitalised",
            "hospitalised",
            "hospit == 1",
            B("Si l'enfant a été hospitalisé", "If the child was hospitalised"),
            then=(
                q(
                    "hospitalisations-count",
                    "nb_hospit",
                    ("Nombre d'hospitalisations", "Number of hospitalisations"),
                    (
                        "Combien de fois votre enfant a-t-il été hospitalisé depuis le dernier entretien ?",
                        "How many times has your child been hospitalised since the last interview?",
                    ),
                    Numeric(None, 1, 20),
                    *FOLLOW_UPS,
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
                            *CHILDHOOD,
                        ),
                        q(
                            "hospitalisation-date",
                            "hospit_date",
                            ("Date d'entrée à l'hôpital", "Date of admission"),
                            (
                                "À quelle date votre enfant est-il entré à l'hôpital ?",
                                "On what date was your child admitted?",
                            ),
                            When("Date"),
                            *CHILDHOOD,
                        ),
                        q(
                            "hospitalisation-days",
                            "hospit_duree_j",
                            ("Durée de l'hospitalisation (jours)", "Length of hospital stay (days)"),
                            (
                                "Combien de jours a duré cette hospitalisation ?",
                                "How many days did this hospital stay last?",
                            ),
                            Numeric("d", 1, 365),
                            *CHILDHOOD,
                        ),
                    ),
                ),
            ),
            universe="hospitalised",
        ),
        q(
            "antibiotics",
            "antibiotiques",
            ("Traitement antibiotique", "Antibiotic treatment"),
            (
                "Depuis le dernier entretien, votre enfant a-t-il pris des antibiotiques ?",
                "Since the last interview, has your child taken antibiotics?",
            ),
            YES_NO,
            *FOLLOW_UPS,
        ),
        q(
            "health-record",
            "carnet_sante",
            ("Carnet de santé consulté pour répondre", "Health record used to answer"),
            (
                "Avez-vous le carnet de santé de votre enfant sous les yeux pour répondre ?",
                "Do you have your child's health record at hand to answer?",
            ),
            YES_NO,
            *CHILDHOOD,
        ),
        q(
            "vaccines-up-to-date",
            "vaccins_a_jour",
            ("Vaccinations à jour", "Vaccinations up to date"),
            (
                "D'après le carnet de santé, les vaccinations de votre enfant sont-elles à jour ?",
                "According to the health record, are your child's vaccinations up to date?",
            ),
            Coded("yes-no"),
            *CHILDHOOD,
        ),
        q(
            "mmr-vaccine",
            "vaccin_ror",
            ("Vacciné contre la rougeole, les oreillons et la rubéole", "MMR vaccinated"),
            (
                "Votre enfant a-t-il reçu le vaccin contre la rougeole, les oreillons et la rubéole (ROR) ?",
                "Has your child received the measles, mumps and rubella (MMR) vaccine?",
            ),
            YES_NO,
            "1a",
            "3a5",
        ),
        q(
            "vaccine-opinion",
            "opinion_vaccins",
            ("Opinion sur la sécurité des vaccins", "Opinion on vaccine safety"),
            (
                "Êtes-vous d'accord avec l'affirmation : « les vaccins sont sûrs pour les enfants » ?",
                'Do you agree with the statement: "vaccines are safe for children"?',
            ),
            Coded("agreement"),
            "2m",
            "5a5",
            universe="parents",
        ),
        q(
            "dentist",
            "dentiste",
            ("Consultation chez le dentiste", "Dental visit"),
            ("Votre enfant a-t-il déjà consulté un dentiste ?", "Has your child ever seen a dentist?"),
            YES_NO,
            *PRESCHOOL,
        ),
    ),
    derived=(
        Derived(
            "urgent-care",
            "recours_urgent",
            B("Recours aux soins urgents", "Urgent care use"),
            "hospit == 1 ou nb_urgences > 0",
            B(
                "Hospitalisation ou passage aux urgences depuis le dernier entretien, dérivé de deux "
                "questions.",
                "Hospital stay or emergency visit since the last interview, derived from two questions.",
            ),
            Coded("yes-no"),
            FOLLOW_UPS,
            questions=("hospitalised", "emergency-visits"),
        ),
    ),
)

SCREENS = Topic(
    "screens",
    B("Temps d'écran", "Screen time"),
    B(
        "Exposition aux écrans : télévision, tablette, smartphone, jeux vidéo, règles familiales.",
        "Screen exposure: television, tablets, smartphones, video games, family rules.",
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
            HOURS_A_DAY,
            *CHILDHOOD,
        ),
        q(
            "tv-hours-weekend",
            "tv_h_weekend",
            ("Heures de télévision par jour le week-end", "Hours of television per weekend day"),
            (
                "Le week-end, combien d'heures par jour votre enfant regarde-t-il la télévision ?",
                "At weekends, how many hours a day does your child watch television?",
            ),
            HOURS_A_DAY,
            *PRESCHOOL,
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
            HOURS_A_DAY,
            *PRESCHOOL,
        ),
        q(
            "screens-used",
            "ecrans_utilises",
            ("Écrans utilisés par l'enfant", "Screens used by the child"),
            (
                "Quels écrans votre enfant utilise-t-il ? (plusieurs réponses possibles)",
                "Which screens does your child use? (several answers possible)",
            ),
            Coded("screens", max_responses=5),
            *PRESCHOOL,
        ),
        q(
            "tv-at-meals",
            "tv_repas",
            ("Télévision allumée pendant les repas", "Television on during meals"),
            (
                "La télévision est-elle allumée pendant les repas de votre enfant ?",
                "Is the television on during your child's meals?",
            ),
            FREQUENCY,
            *CHILDHOOD,
        ),
        q(
            "screen-in-bedroom",
            "ecran_chambre",
            ("Écran dans la chambre de l'enfant", "Screen in the child's bedroom"),
            (
                "Y a-t-il un écran (télévision, ordinateur, console) dans la chambre de votre enfant ?",
                "Is there a screen (television, computer, games console) in your child's bedroom?",
            ),
            YES_NO,
            *PRESCHOOL,
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
            *PRESCHOOL,
        ),
        q(
            "video-games-hours",
            "jeux_video_h_jour",
            ("Heures de jeux vidéo par jour", "Hours of video games per day"),
            (
                "Combien de temps par jour votre enfant joue-t-il à des jeux vidéo ?",
                "How long a day does your child play video games?",
            ),
            HOURS_A_DAY,
            "5a5",
        ),
        q(
            "screen-rules",
            "regles_ecrans",
            ("Règles familiales sur les écrans", "Family rules on screen use"),
            (
                "Avez-vous fixé des règles sur le temps que votre enfant passe devant les écrans ?",
                "Have you set rules on the time your child spends in front of screens?",
            ),
            YES_NO,
            *PRESCHOOL,
            universe="parents",
        ),
    ),
    derived=(
        Derived(
            "screen-total",
            "ecrans_h_jour_total",
            B("Temps d'écran total par jour (heures)", "Total screen time per day (hours)"),
            "tv_h_jour + tablette_h_jour",
            B(
                "Somme des heures de télévision et de tablette ou smartphone.",
                "Sum of the hours of television and of tablet or smartphone.",
            ),
            Numeric("h/d", 0, 48, 1),
            PRESCHOOL,
            variables=("tv-hours", "tablet-hours"),
        ),
    ),
)

NUTRITION = Topic(
    "nutrition",
    B("Alimentation", "Nutrition and diet"),
    B(
        "Diversification alimentaire, consommation de fruits, légumes, poisson et boissons sucrées, "
        "allergies alimentaires.",
        "Introduction of solid food, consumption of fruit, vegetables, fish and sugary drinks, food "
        "allergies.",
    ),
    B(
        "Parlons maintenant de ce que mange et boit votre enfant.",
        "Let us now talk about what your child eats and drinks.",
    ),
    (
        q(
            "vitamin-d",
            "vitamine_d",
            ("Supplémentation en vitamine D", "Vitamin D supplementation"),
            ("Votre enfant reçoit-il des gouttes de vitamine D ?", "Is your child given vitamin D drops?"),
            YES_NO,
            "2m",
            "1a",
        ),
        q(
            "solid-food-age",
            "diversification_age_mois",
            ("Âge au début de la diversification (mois)", "Age at introduction of solid food (months)"),
            (
                "À quel âge (en mois) votre enfant a-t-il commencé à manger autre chose que du lait ?",
                "At what age (in months) did your child start eating something other than milk?",
            ),
            Numeric("mo", 0, 24),
            "1a",
        ),
        q(
            "fruit",
            "fruits_freq",
            ("Consommation de fruits", "Fruit consumption"),
            (
                "À quelle fréquence votre enfant mange-t-il des fruits ?",
                "How often does your child eat fruit?",
            ),
            WEEKLY,
            *CHILDHOOD,
        ),
        q(
            "vegetables",
            "legumes_freq",
            ("Consommation de légumes", "Vegetable consumption"),
            (
                "À quelle fréquence votre enfant mange-t-il des légumes ?",
                "How often does your child eat vegetables?",
            ),
            WEEKLY,
            *CHILDHOOD,
        ),
        q(
            "fish",
            "poisson_freq",
            ("Consommation de poisson", "Fish consumption"),
            (
                "À quelle fréquence votre enfant mange-t-il du poisson ?",
                "How often does your child eat fish?",
            ),
            WEEKLY,
            *CHILDHOOD,
        ),
        q(
            "sugary-drinks",
            "boissons_sucrees",
            ("Boissons sucrées", "Sugary drinks"),
            (
                "À quelle fréquence votre enfant boit-il des boissons sucrées (sodas, jus de fruits, "
                "sirops) ?",
                "How often does your child drink sugary drinks (soft drinks, fruit juice, cordials)?",
            ),
            WEEKLY,
            *CHILDHOOD,
        ),
        q(
            "breakfast",
            "petit_dejeuner",
            ("Prend un petit-déjeuner", "Eats breakfast"),
            (
                "Votre enfant prend-il un petit-déjeuner le matin ?",
                "Does your child eat breakfast in the morning?",
            ),
            FREQUENCY,
            *PRESCHOOL,
        ),
        q(
            "family-dinner",
            "repas_famille",
            ("Dîner pris en famille", "Family dinner"),
            (
                "Votre enfant dîne-t-il avec ses parents le soir ?",
                "Does your child have dinner with the parents?",
            ),
            FREQUENCY,
            *PRESCHOOL,
        ),
        q(
            "school-canteen",
            "cantine",
            ("Repas à la cantine", "Meals at the school canteen"),
            (
                "Combien de fois par semaine votre enfant déjeune-t-il à la cantine ?",
                "How many times a week does your child have lunch at the school canteen?",
            ),
            WEEKLY,
            "5a5",
        ),
        q(
            "organic-food",
            "produits_bio",
            ("Achat de produits biologiques", "Organic food purchases"),
            (
                "Achetez-vous des produits issus de l'agriculture biologique pour votre enfant ?",
                "Do you buy organic food for your child?",
            ),
            FREQUENCY,
            "1a",
            "5a5",
            universe="parents",
        ),
        q(
            "food-allergy",
            "allergie_alim",
            ("Allergie alimentaire diagnostiquée", "Diagnosed food allergy"),
            (
                "Un médecin a-t-il diagnostiqué une allergie alimentaire chez votre enfant ?",
                "Has a doctor diagnosed a food allergy in your child?",
            ),
            YES_NO,
            *CHILDHOOD,
        ),
        Routing(
            "if-food-allergy",
            "food-allergy",
            "allergie_alim == 1",
            B("Si une allergie alimentaire a été diagnostiquée", "If a food allergy was diagnosed"),
            then=(
                q(
                    "food-allergy-which",
                    "allergie_alim_aliment",
                    ("Aliment responsable de l'allergie", "Food causing the allergy"),
                    (
                        "À quel(s) aliment(s) votre enfant est-il allergique ?",
                        "Which food(s) is your child allergic to?",
                    ),
                    FreeText(200),
                    *CHILDHOOD,
                ),
            ),
        ),
    ),
)

GROWTH = Topic(
    "growth",
    B("Croissance", "Growth"),
    B(
        "Poids, taille, périmètre crânien et corpulence de l'enfant au fil des vagues.",
        "The child's weight, height, head circumference and body size across waves.",
    ),
    B(
        "Pour suivre la croissance de votre enfant, nous allons relever ses dernières mesures.",
        "To follow your child's growth, we will note their latest measurements.",
    ),
    (
        q(
            "weight",
            "poids_kg",
            ("Poids de l'enfant (kg)", "Child's weight (kg)"),
            (
                "Quel est le dernier poids de votre enfant noté dans le carnet de santé (en kg) ?",
                "What is your child's latest weight recorded in the health record (in kg)?",
            ),
            Numeric("kg", 1, 40, 2),
            *FOLLOW_UPS,
        ),
        q(
            "height",
            "taille_cm",
            ("Taille de l'enfant (cm)", "Child's height (cm)"),
            (
                "Quelle est la dernière taille de votre enfant notée dans le carnet de santé (en cm) ?",
                "What is your child's latest height recorded in the health record (in cm)?",
            ),
            Numeric("cm", 40, 140, 1),
            *FOLLOW_UPS,
        ),
        q(
            "head-circumference",
            "perimetre_cranien",
            ("Périmètre crânien (cm)", "Head circumference (cm)"),
            (
                "Quel est le dernier périmètre crânien noté dans le carnet de santé (en cm) ?",
                "What is the latest head circumference recorded in the health record (in cm)?",
            ),
            Numeric("cm", 25, 60, 1),
            "maternite",
            "2m",
            "1a",
        ),
        q(
            "measure-date",
            "date_mesures",
            ("Date des mesures", "Date of the measurements"),
            (
                "À quelle date ces mesures ont-elles été relevées ?",
                "On what date were these measurements taken?",
            ),
            When("Date"),
            *FOLLOW_UPS,
        ),
        q(
            "weight-perception",
            "perception_corpulence",
            ("Corpulence perçue par les parents", "Body size as perceived by the parents"),
            ("Trouvez-vous que votre enfant est… ?", "Do you think your child is…?"),
            Coded("weight-perception"),
            *PRESCHOOL,
            universe="parents",
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
            CHILDHOOD,
            variables=("weight", "height"),
        ),
    ),
)

RESPIRATORY = Topic(
    "respiratory",
    B("Santé respiratoire", "Respiratory health"),
    B(
        "Sifflements, asthme, bronchiolite, otites, symptômes allergiques et environnement du logement.",
        "Wheezing, asthma, bronchiolitis, ear infections, allergic symptoms and the home environment.",
    ),
    B(
        "Les questions suivantes portent sur la respiration de votre enfant et sur votre logement.",
        "The following questions are about your child's breathing and your home.",
    ),
    (
        q(
            "wheezing",
            "sifflements",
            ("Sifflements dans la poitrine", "Wheezing"),
            (
                "Depuis le dernier entretien, votre enfant a-t-il eu des sifflements dans la poitrine ?",
                "Since the last interview, has your child had wheezing in the chest?",
            ),
            YES_NO,
            *FOLLOW_UPS,
        ),
        q(
            "bronchiolitis",
            "bronchiolite",
            ("Bronchiolite", "Bronchiolitis"),
            (
                "Depuis le dernier entretien, votre enfant a-t-il eu une bronchiolite ?",
                "Since the last interview, has your child had bronchiolitis?",
            ),
            YES_NO,
            "2m",
            "1a",
        ),
        q(
            "ear-infections",
            "nb_otites",
            ("Nombre d'otites", "Number of ear infections"),
            (
                "Combien d'otites votre enfant a-t-il eues depuis le dernier entretien ?",
                "How many ear infections has your child had since the last interview?",
            ),
            Numeric(None, 0, 30),
            "1a",
            "3a5",
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
            *CHILDHOOD,
        ),
        Routing(
            "if-asthma",
            "asthma",
            "asthme_diag == 1",
            B("Si un asthme a été diagnostiqué", "If asthma was diagnosed"),
            then=(
                q(
                    "asthma-treatment",
                    "asthme_traitement",
                    ("Traitement de fond de l'asthme", "Asthma controller treatment"),
                    (
                        "Votre enfant prend-il un traitement de fond contre l'asthme ?",
                        "Does your child take a daily controller treatment for asthma?",
                    ),
                    YES_NO,
                    *PRESCHOOL,
                ),
            ),
        ),
        Grid(
            "respiratory-symptoms",
            "symptomes_resp",
            B("Symptômes respiratoires et allergiques", "Respiratory and allergic symptoms"),
            B(
                "Au cours des 12 derniers mois, à quelle fréquence votre enfant a-t-il présenté chacun des "
                "symptômes suivants ?",
                "In the last 12 months, how often has your child had each of the following symptoms?",
            ),
            "respiratory-symptoms",
            FREQUENCY,
            CHILDHOOD,
        ),
        q(
            "smoking-indoors",
            "tabac_logement",
            ("Tabagisme à l'intérieur du logement", "Smoking inside the home"),
            (
                "Arrive-t-il que quelqu'un fume à l'intérieur du logement ?",
                "Does anyone ever smoke inside the home?",
            ),
            FREQUENCY,
            *FOLLOW_UPS,
            universe="parents",
        ),
        q(
            "mould",
            "moisissures",
            ("Moisissures dans le logement", "Mould in the home"),
            (
                "Y a-t-il des taches d'humidité ou des moisissures visibles dans votre logement ?",
                "Are there visible damp patches or mould in your home?",
            ),
            YES_NO,
            "1a",
            "5a5",
            universe="parents",
        ),
    ),
)
