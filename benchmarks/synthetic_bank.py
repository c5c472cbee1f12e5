"""What the synthetic cohort says: a bilingual vocabulary, and a question bank drawn from a seed.

Every draw is a pure function of (seed, question index), so the writer can ask for a question's words at
each wave where it is used without keeping them: only the wave span of each question is stored.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from typing import NamedTuple

WAVES = 10
REUSED_PERCENT = 70

# Topics: (key, label fr, label en, subjects), each subject a (fr, en) pair; French forms vary on purpose.
TOPICS: tuple[tuple[str, str, str, tuple[tuple[str, str], ...]], ...] = (
    (
        "allait",
        "Allaitement",
        "Breastfeeding",
        (
            ("l'allaitement", "breastfeeding"),
            ("l'enfant allaité", "the breastfed child"),
            ("la fille allaitée", "the breastfed girl"),
            ("la mère qui allaitait", "the mother who was breastfeeding"),
            ("les allaitements précédents", "previous breastfeeding"),
        ),
    ),
    (
        "hospit",
        "Hospitalisations",
        "Hospital stays",
        (
            ("l'hospitalisation", "the hospital stay"),
            ("l'enfant hospitalisé", "the hospitalised child"),
            ("la mère hospitalisée", "the hospitalised mother"),
            ("les hospitalisations", "hospital stays"),
            ("la réhospitalisation", "the readmission"),
        ),
    ),
    (
        "sommeil",
        "Sommeil",
        "Sleep",
        (
            ("le sommeil", "sleep"),
            ("l'enfant qui dort", "the child sleeping"),
            ("l'endormissement", "falling asleep"),
            ("les réveils nocturnes", "night wakings"),
            ("la sieste", "the nap"),
            ("l'enfant dormait", "the child slept"),
        ),
    ),
    (
        "langage",
        "Langage",
        "Language",
        (
            ("le langage", "language"),
            ("les premiers mots", "first words"),
            ("la parole", "speech"),
            ("les langues parlées", "languages spoken"),
            ("l'enfant parlait", "the child spoke"),
        ),
    ),
    (
        "vaccin",
        "Vaccinations",
        "Vaccinations",
        (
            ("la vaccination", "vaccination"),
            ("l'enfant vacciné", "the vaccinated child"),
            ("la fille vaccinée", "the vaccinated girl"),
            ("les vaccins", "vaccines"),
            ("les rappels", "boosters"),
        ),
    ),
    (
        "alim",
        "Alimentation",
        "Diet",
        (
            ("l'alimentation", "diet"),
            ("les repas", "meals"),
            ("l'enfant nourri", "the fed child"),
            ("les aliments consommés", "foods eaten"),
            ("les boissons sucrées", "sugary drinks"),
        ),
    ),
    (
        "tabac",
        "Tabagisme",
        "Smoking",
        (
            ("le tabagisme", "smoking"),
            ("la mère fumeuse", "the smoking mother"),
            ("les cigarettes fumées", "cigarettes smoked"),
            ("le père fumait", "the father smoked"),
            ("le tabagisme passif", "second-hand smoke"),
        ),
    ),
    (
        "ecran",
        "Écrans",
        "Screens",
        (
            ("le temps d'écran", "screen time"),
            ("la télévision", "television"),
            ("les tablettes", "tablets"),
            ("les jeux vidéo", "video games"),
            ("l'enfant regardait", "the child watched"),
        ),
    ),
    (
        "croiss",
        "Croissance",
        "Growth",
        (
            ("le poids", "weight"),
            ("la taille", "height"),
            ("la croissance", "growth"),
            ("la corpulence", "body size"),
            ("le périmètre crânien", "head circumference"),
        ),
    ),
    (
        "resp",
        "Santé respiratoire",
        "Respiratory health",
        (
            ("l'asthme", "asthma"),
            ("les sifflements", "wheezing"),
            ("l'enfant asthmatique", "the asthmatic child"),
            ("les bronchiolites", "bronchiolitis"),
            ("la toux nocturne", "night cough"),
        ),
    ),
    (
        "garde",
        "Mode de garde",
        "Childcare",
        (
            ("le mode de garde", "childcare"),
            ("la crèche", "the day nursery"),
            ("l'assistante maternelle", "the childminder"),
            ("l'enfant gardé", "the child looked after"),
            ("les grands-parents", "grandparents"),
        ),
    ),
    (
        "ecole",
        "Scolarité",
        "Schooling",
        (
            ("la scolarité", "schooling"),
            ("l'école maternelle", "nursery school"),
            ("l'enfant scolarisé", "the child at school"),
            ("les apprentissages", "learning"),
            ("le redoublement", "repeating a year"),
        ),
    ),
    (
        "moral",
        "Santé mentale",
        "Mental health",
        (
            ("la dépression", "depression"),
            ("la mère déprimée", "the depressed mother"),
            ("l'anxiété", "anxiety"),
            ("le moral des parents", "the parents' mood"),
            ("l'enfant anxieux", "the anxious child"),
        ),
    ),
    (
        "sport",
        "Activité physique",
        "Physical activity",
        (
            ("l'activité physique", "physical activity"),
            ("le sport", "sport"),
            ("l'enfant sportif", "the sporty child"),
            ("les jeux en plein air", "outdoor play"),
            ("la marche", "walking"),
        ),
    ),
    (
        "revenu",
        "Situation socio-économique",
        "Socio-economic situation",
        (
            ("les revenus du foyer", "household income"),
            ("l'emploi des parents", "the parents' employment"),
            ("le logement", "housing"),
            ("les difficultés financières", "financial difficulties"),
            ("le diplôme de la mère", "the mother's qualification"),
        ),
    ),
)
ASPECTS = (
    ("Fréquence", "Frequency"),
    ("Durée", "Duration"),
    ("Âge au début", "Age at onset"),
    ("Nombre", "Number"),
    ("Difficultés", "Difficulties"),
    ("Satisfaction", "Satisfaction"),
    ("Opinion", "Opinion"),
    ("Changements", "Changes"),
)
QUALIFIERS = (
    ("", ""),
    ("au cours des 12 derniers mois", "in the last 12 months"),
    ("depuis le dernier entretien", "since the last interview"),
    ("pendant la grossesse", "during pregnancy"),
    ("à la maison", "at home"),
    ("le week-end", "at weekends"),
    ("en semaine", "on weekdays"),
)
TEMPLATES = (
    ("Pouvez-vous préciser : {a}, {s} ?", "Could you tell us: {a}, {s}?"),
    ("Selon vous, {a} concernant {s} ?", "In your view, {a} regarding {s}?"),
    ("Pour votre enfant, indiquez {a} : {s}.", "For your child, give the {a}: {s}."),
)
CATEGORIES: dict[str, tuple[str, str, bool]] = {
    "yes": ("Oui", "Yes", False),
    "no": ("Non", "No", False),
    "never": ("Jamais", "Never", False),
    "rarely": ("Rarement", "Rarely", False),
    "sometimes": ("Parfois", "Sometimes", False),
    "often": ("Souvent", "Often", False),
    "always": ("Toujours", "Always", False),
    "agree": ("D'accord", "Agree", False),
    "neutral": ("Ni d'accord ni pas d'accord", "Neither agree nor disagree", False),
    "disagree": ("Pas d'accord", "Disagree", False),
    "good": ("Bon", "Good", False),
    "fair": ("Moyen", "Fair", False),
    "poor": ("Mauvais", "Poor", False),
    "dont-know": ("Ne sait pas", "Don't know", True),
    "refused": ("Refus", "Refused", True),
    "not-applicable": ("Non concerné", "Not applicable", True),
}
MISSING = (("-9", "dont-know"), ("-8", "refused"), ("99", "not-applicable"))
CODE_LISTS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("yes-no", (("1", "yes"), ("2", "no")) + MISSING[:2]),
    (
        "frequency",
        (("1", "never"), ("2", "rarely"), ("3", "sometimes"), ("4", "often"), ("5", "always")) + MISSING,
    ),
    ("agreement", (("1", "agree"), ("2", "neutral"), ("3", "disagree")) + MISSING[:2]),
    ("health", (("1", "good"), ("2", "fair"), ("3", "poor")) + MISSING),
)
NUMERIC_FORMATS = (
    ("h", "0", "24", 1),
    ("d", "0", "365", 0),
    ("wk", "0", "52", 0),
    ("mo", "0", "216", 0),
    ("kg", "0.5", "120", 2),
    ("cm", "30", "200", 1),
    (None, "0", "100", 0),
)
TEXT_LENGTHS = (100, 250)
DATE_TYPES = ("Date", "YearMonth")
# Response formats as (kind, index), weighted to about 41% code, 32% numeric, 16% text and 11% date.
FORMATS = (
    [("code", i) for i in range(len(CODE_LISTS))] * 9
    + [("numeric", i) for i in range(len(NUMERIC_FORMATS))] * 4
    + [("text", i) for i in range(len(TEXT_LENGTHS))] * 7
    + [("date", i) for i in range(len(DATE_TYPES))] * 5
)


def mix(seed: int, index: int, salt: int) -> int:
    """A 64-bit hash (splitmix64) of (seed, index, salt): each draw is a pure function, nothing is stored."""
    z = (
        seed * 0x9E3779B97F4A7C15 + index * 0xBF58476D1CE4E5B9 + salt * 0x94D049BB133111EB
    ) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return z ^ (z >> 31)


class Question(NamedTuple):
    """One synthetic question: its words and its response format, all drawn from the seed."""

    index: int
    topic: int
    subject: tuple[str, str]
    aspect: tuple[str, str]
    qualifier: tuple[str, str]
    template: tuple[str, str]
    format: tuple[str, int]


class Bank:
    """The question bank: which waves ask each question (compact arrays) and, on demand, its words."""

    def __init__(self, variables: int, seed: int) -> None:
        self.seed = seed
        self.first = array("B")
        self.span = array("B")
        total = 0
        while total < variables:
            index = len(self.first)
            reused = mix(seed, index, 1) % 100 < REUSED_PERCENT
            span = min(2 + mix(seed, index, 2) % 5 if reused else 1, variables - total)
            self.first.append(mix(seed, index, 3) % (WAVES - span + 1))
            self.span.append(span)
            total += span

    def __len__(self) -> int:
        return len(self.first)

    def asked_at(self, wave: int) -> Iterator[int]:
        """Indexes of the questions asked at `wave` (0-based), in bank order."""
        for index, (first, span) in enumerate(zip(self.first, self.span, strict=True)):
            if first <= wave < first + span:
                yield index

    def home(self, index: int) -> int | None:
        """The single wave a question belongs to, or None when several waves share it."""
        return self.first[index] if self.span[index] == 1 else None

    def question(self, index: int) -> Question:
        """The question's words and format, drawn afresh from the seed (nothing is kept per question)."""

        def draw(salt: int, choices: int) -> int:
            return mix(self.seed, index, salt) % choices

        topic = draw(4, len(TOPICS))
        subjects = TOPICS[topic][3]
        return Question(
            index,
            topic,
            subjects[draw(5, len(subjects))],
            ASPECTS[draw(6, len(ASPECTS))],
            QUALIFIERS[draw(7, len(QUALIFIERS))],
            TEMPLATES[draw(8, len(TEMPLATES))],
            FORMATS[draw(9, len(FORMATS))],
        )


def texts(q: Question) -> dict[str, str]:
    """The question's label and wording in both languages."""
    (afr, aen), template = q.aspect, q.template
    sfr, sen = (f"{s} {qualifier}".strip() for s, qualifier in zip(q.subject, q.qualifier, strict=True))
    return {
        "label_fr": f"{afr} : {sfr}",
        "label_en": f"{aen}: {sen}",
        "text_fr": template[0].format(a=afr.lower(), s=sfr),
        "text_en": template[1].format(a=aen.lower(), s=sen),
    }
