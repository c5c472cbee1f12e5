"""Categories, code lists and universes only a preterm cohort needs (dysplasia, haemorrhage grades...)."""

from __future__ import annotations

from ..spec import Bilingual as B
from ..spec import CategorySpec, CodeListSpec

PRETERM_CATEGORIES: dict[str, CategorySpec] = {
    key: CategorySpec(B(fr, en))
    for key, (fr, en) in {
        "bpd-none": ("Pas de dysplasie bronchopulmonaire", "No bronchopulmonary dysplasia"),
        "bpd-mild": ("Dysplasie légère", "Mild dysplasia"),
        "bpd-moderate": ("Dysplasie modérée", "Moderate dysplasia"),
        "bpd-severe": ("Dysplasie sévère", "Severe dysplasia"),
        "ivh-none": ("Pas d'hémorragie intraventriculaire", "No intraventricular haemorrhage"),
        "ivh-1": ("Hémorragie de grade I", "Grade I haemorrhage"),
        "ivh-2": ("Hémorragie de grade II", "Grade II haemorrhage"),
        "ivh-3": ("Hémorragie de grade III", "Grade III haemorrhage"),
        "ivh-4": ("Hémorragie de grade IV (parenchymateuse)", "Grade IV (parenchymal) haemorrhage"),
        "rop-none": ("Pas de rétinopathie", "No retinopathy"),
        "rop-1-2": ("Rétinopathie stade 1 ou 2", "Retinopathy stage 1 or 2"),
        "rop-3-plus": ("Rétinopathie stade 3 ou plus", "Retinopathy stage 3 or more"),
        "unit-type-1": ("Maternité de type 1", "Level 1 maternity unit"),
        "unit-type-2": ("Maternité de type 2", "Level 2 maternity unit"),
        "unit-type-3": (
            "Maternité de type 3 (réanimation néonatale)",
            "Level 3 maternity unit (neonatal intensive care)",
        ),
        "gmfcs-1": ("GMFCS niveau I", "GMFCS level I"),
        "gmfcs-2": ("GMFCS niveau II", "GMFCS level II"),
        "gmfcs-3": ("GMFCS niveau III", "GMFCS level III"),
        "gmfcs-4": ("GMFCS niveau IV", "GMFCS level IV"),
        "gmfcs-5": ("GMFCS niveau V", "GMFCS level V"),
        "impairment-none": ("Aucune déficience", "No impairment"),
        "impairment-moderate": ("Déficience modérée", "Moderate impairment"),
        "impairment-severe": ("Déficience sévère", "Severe impairment"),
        "impairment-profound": ("Cécité ou surdité profonde", "Blindness or profound deafness"),
        "screen-normal": ("Dépistage normal", "Normal screening"),
        "screen-recheck": ("Dépistage anormal, à recontrôler", "Abnormal screening, to be repeated"),
        "screen-not-done": ("Dépistage non réalisé", "Screening not done"),
        "asq-communication": ("Communication", "Communication"),
        "asq-gross-motor": ("Motricité globale", "Gross motor"),
        "asq-fine-motor": ("Motricité fine", "Fine motor"),
        "asq-problem-solving": ("Résolution de problèmes", "Problem solving"),
        "asq-personal-social": ("Aptitudes individuelles et sociales", "Personal-social"),
    }.items()
}

PRETERM_LISTS: tuple[CodeListSpec, ...] = (
    CodeListSpec(
        "bpd",
        "dysplasie_bp",
        B("Sévérité de la dysplasie bronchopulmonaire", "Severity of bronchopulmonary dysplasia"),
        (
            ("0", "bpd-none"),
            ("1", "bpd-mild"),
            ("2", "bpd-moderate"),
            ("3", "bpd-severe"),
            ("-9", "dont-know"),
        ),
    ),
    CodeListSpec(
        "ivh",
        "hiv_grade",
        B("Grade de l'hémorragie intraventriculaire", "Intraventricular haemorrhage grade"),
        (
            ("0", "ivh-none"),
            ("1", "ivh-1"),
            ("2", "ivh-2"),
            ("3", "ivh-3"),
            ("4", "ivh-4"),
            ("-9", "dont-know"),
        ),
    ),
    CodeListSpec(
        "rop",
        "rop_stade",
        B("Stade de rétinopathie du prématuré", "Retinopathy of prematurity stage"),
        (
            ("0", "rop-none"),
            ("1", "rop-1-2"),
            ("3", "rop-3-plus"),
            ("-9", "dont-know"),
            ("99", "not-applicable"),
        ),
    ),
    CodeListSpec(
        "unit-level",
        "type_maternite",
        B("Type de maternité de naissance", "Level of the birth maternity unit"),
        (("1", "unit-type-1"), ("2", "unit-type-2"), ("3", "unit-type-3")),
    ),
    CodeListSpec(
        "gmfcs",
        "gmfcs",
        B("Niveau de fonction motrice globale (GMFCS)", "Gross motor function level (GMFCS)"),
        (
            ("1", "gmfcs-1"),
            ("2", "gmfcs-2"),
            ("3", "gmfcs-3"),
            ("4", "gmfcs-4"),
            ("5", "gmfcs-5"),
            ("-9", "dont-know"),
        ),
    ),
    CodeListSpec(
        "impairment",
        "deficience",
        B("Niveau de déficience sensorielle", "Level of sensory impairment"),
        (
            ("0", "impairment-none"),
            ("1", "impairment-moderate"),
            ("2", "impairment-severe"),
            ("3", "impairment-profound"),
            ("-9", "dont-know"),
        ),
    ),
    CodeListSpec(
        "hearing-screen",
        "depistage_auditif",
        B("Résultat du dépistage auditif", "Hearing screening result"),
        (("1", "screen-normal"), ("2", "screen-recheck"), ("3", "screen-not-done"), ("-9", "dont-know")),
    ),
    CodeListSpec(
        "asq-domains",
        "asq_domaines",
        B("Domaines du questionnaire de développement", "Developmental questionnaire domains"),
        (
            ("1", "asq-communication"),
            ("2", "asq-gross-motor"),
            ("3", "asq-fine-motor"),
            ("4", "asq-problem-solving"),
            ("5", "asq-personal-social"),
        ),
    ),
)

PRETERM_UNIVERSES: dict[str, B] = {
    "ventilated": B("Enfants ayant reçu une ventilation invasive", "Children given invasive ventilation"),
    "surfactant": B("Enfants ayant reçu du surfactant", "Children given surfactant"),
    "cerebral-palsy": B("Enfants avec paralysie cérébrale", "Children with cerebral palsy"),
}
