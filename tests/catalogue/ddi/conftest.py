"""Shared by the DDI-L tests: validation against the official 3.3 XSD with readable failures, a cohort."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import pytest
from lxml import etree

from catalogue.model import (
    Category,
    Code,
    CodeList,
    Command,
    ComputationItem,
    Concept,
    DDIPackage,
    GridDimension,
    IfThenElse,
    Instrument,
    Item,
    Loop,
    QuestionConstruct,
    QuestionGrid,
    QuestionItem,
    Ref,
    Representation,
    Sequence,
    StatementItem,
    StudyInfo,
    Universe,
    Variable,
    WaveInfo,
)

# How many XSD errors a failing assertion shows (libxml2 reports at most one per element anyway).
SHOWN_ERRORS = 8


@lru_cache(maxsize=4)
def ddi33_schema(schemas_dir: Path) -> etree.XMLSchema:
    """The official 3.3 XSD, compiled once per session from its real path (its imports are relative)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.XMLSchema(etree.parse(str(schemas_dir / "3.3" / "instance.xsd"), parser))


def xsd_errors(xml_bytes: bytes, schemas_dir: Path) -> list[str]:
    """The XSD errors of a document as `line N: message` (the parse error when it is not even XML)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    try:
        document = etree.fromstring(xml_bytes, parser)
    except etree.XMLSyntaxError as error:
        return [f"not well-formed XML: {error}"]
    schema = ddi33_schema(schemas_dir)
    if schema.validate(document):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


def assert_valid_ddi33(xml_bytes: bytes, schemas_dir: Path) -> None:
    """Fail with the first XSD errors, each with its line number and text, unless the document is valid."""
    errors = xsd_errors(xml_bytes, schemas_dir)
    if not errors:
        return
    lines = xml_bytes.decode("utf-8", "replace").splitlines()
    shown = []
    for error in errors[:SHOWN_ERRORS]:
        shown.append(error)
        number = error.split(":", 1)[0].removeprefix("line ")
        if number.isdigit() and 0 < int(number) <= len(lines):
            shown.append(f"    > {lines[int(number) - 1].strip()[:200]}")
    more = f"\n... and {len(errors) - SHOWN_ERRORS} more" if len(errors) > SHOWN_ERRORS else ""
    pytest.fail(f"not valid DDI-L 3.3 ({len(errors)} XSD errors):\n" + "\n".join(shown) + more, pytrace=False)


@pytest.fixture(name="assert_valid_ddi33")
def assert_valid_ddi33_fixture() -> Callable[[bytes, Path], None]:
    """`assert_valid_ddi33(xml_bytes, schemas_dir)`, as a fixture (tests do not import conftest modules)."""
    return assert_valid_ddi33


# A small bilingual cohort covering every item type and every representation kind -------------------------

AGENCY = "fr.ddicat.eveil"


def _ref(item_id: str, type_: str, version: str | None = "1") -> Ref:
    return Ref(AGENCY, item_id, version, type_)


def eveil_package() -> DDIPackage:
    """The fictional two-wave birth cohort "Cohorte Éveil": shared concepts, code lists and a reused question
    in the ResourcePackage; each wave with its questions, flow, instrument and variables."""
    sante = Concept(
        agency=AGENCY, id="con-sante", version="1", label={"fr": "Santé de l'enfant", "en": "Child health"}
    )
    allait = Concept(
        agency=AGENCY,
        id="con-allaitement",
        version="1",
        name="allaitement",
        label={"fr": "Allaitement", "en": "Breastfeeding"},
        description={
            "fr": "Alimentation au sein, exclusive ou partielle",
            "en": "Breastfeeding, exclusive or partial",
        },
        parents=[sante.ref()],
    )
    meres = Universe(
        agency=AGENCY,
        id="univ-meres",
        version="1",
        label={"fr": "Mères ayant accouché", "en": "Mothers who gave birth"},
    )
    oui = Category(agency=AGENCY, id="cat-oui", version="1", name="oui", label={"fr": "Oui", "en": "Yes"})
    non = Category(agency=AGENCY, id="cat-non", version="1", label={"fr": "Non", "en": "No"})
    nsp = Category(
        agency=AGENCY,
        id="cat-nsp",
        version="1",
        is_missing=True,
        label={"fr": "Ne sait pas", "en": "Don't know"},
    )
    matin = Category(agency=AGENCY, id="cat-matin", version="1", label={"fr": "Matin", "en": "Morning"})
    soir = Category(agency=AGENCY, id="cat-soir", version="1", label={"fr": "Soir", "en": "Evening"})
    ouinon = CodeList(
        agency=AGENCY,
        id="cl-ouinon",
        version="1",
        name="oui_non",
        label={"fr": "Oui / non", "en": "Yes / no"},
        codes=[
            Code("code-oui", "1", oui.ref()),
            Code("code-non", "2", non.ref()),
            Code("code-nsp", "-9", nsp.ref(), agency=AGENCY, version="1"),
        ],
    )
    moments = CodeList(
        agency=AGENCY,
        id="cl-moments",
        version="1",
        name="moments",
        codes=[Code("code-matin", "M", matin.ref()), Code("code-soir", "S", soir.ref())],
    )
    poids = QuestionItem(
        agency=AGENCY,
        id="qi-poids",
        version="1",
        name="POIDS",
        text={
            "fr": "Quel est le poids de l'enfant (en grammes) ?",
            "en": "What is the child's weight (grams)?",
        },
        responses=[
            Representation(
                "numeric",
                numeric_type="Integer",
                minimum="300",
                maximum="25000",
                unit="g",
                missing_values=["-9", "-8"],
            )
        ],
    )
    shared: list[Item] = [sante, allait, meres, oui, non, nsp, matin, soir, ouinon, moments, poids]

    # Wave 1, at the maternity ward.
    q_allait = QuestionItem(
        agency=AGENCY,
        id="qi-allait",
        version="1",
        name="ALLAIT",
        label={"fr": "Allaitement à la maternité", "en": "Breastfeeding at the maternity ward"},
        text={"fr": "Allaitez-vous votre enfant ?", "en": "Are you breastfeeding your child?"},
        responses=[
            Representation(
                "code",
                code_list=ouinon.ref(),
                min_responses=1,
                max_responses=1,
                missing_values=["-9"],
                label={"fr": "Réponse", "en": "Answer"},
            )
        ],
        concepts=[allait.ref()],
        instruction={"fr": "Lire les modalités à voix haute.", "en": "Read the answers aloud."},
    )
    q_naissance = QuestionItem(
        agency=AGENCY,
        id="qi-poids-naissance",
        version="2",
        name="POIDSNAIS",
        text={"fr": "Poids à la naissance (kg) ?", "en": "Birth weight (kg)?"},
        responses=[
            Representation(
                "numeric",
                numeric_type="Decimal",
                minimum="0.3",
                maximum="6.5",
                decimal_positions=2,
                unit="kg",
                format="99.99",
            )
        ],
    )
    q_prenom = QuestionItem(
        agency=AGENCY,
        id="qi-prenom",
        version="1",
        name="PRENOM",
        text={"fr": "Prénom d'usage de l'enfant ?", "en": "Child's first name in use?"},
        responses=[Representation("text", min_length=1, max_length=40, regex="[A-Za-zÀ-ÿ' -]+")],
    )
    q_date = QuestionItem(
        agency=AGENCY,
        id="qi-date-sortie",
        version="1",
        name="DATESORTIE",
        text={"fr": "Date de sortie de la maternité ?", "en": "Date of discharge from the maternity ward?"},
        responses=[
            Representation(
                "datetime",
                date_type="Date",
                format="YYYY-MM-DD",
                minimum="2011-04-01",
                maximum="2012-01-01",
                maximum_inclusive=False,
            )
        ],
    )
    q_contact = QuestionItem(
        agency=AGENCY,
        id="qi-contact",
        version="1",
        name="CONTACT",
        text={
            "fr": "Comment vous joindre (courriel, puis nombre d'appels acceptés) ?",
            "en": "How can we reach you (e-mail, then number of calls you accept)?",
        },
        responses=[
            Representation("text", max_length=120, label={"fr": "Courriel", "en": "E-mail"}),
            Representation("numeric", minimum="0", maximum="10", label={"fr": "Appels", "en": "Calls"}),
        ],
    )
    q_lieu = QuestionItem(
        agency=AGENCY,
        id="qi-lieu",
        version="1",
        name="LIEU",
        text={"fr": "Lieu de naissance (code INSEE) ?", "en": "Place of birth (INSEE code)?"},
        responses=[Representation("other", regex="[0-9AB]{5}")],
    )
    g_sommeil = QuestionGrid(
        agency=AGENCY,
        id="qg-sommeil",
        version="1",
        name="SOMMEIL",
        text={
            "fr": "Pour chaque jour et moment, l'enfant a-t-il dormi, et combien d'heures ?",
            "en": "For each day and time, did the child sleep, and for how many hours?",
        },
        dimensions=[
            GridDimension(1, moments.ref(), label={"fr": "Moment", "en": "Time of day"}),
            GridDimension(2, None, roster_size=7, label={"fr": "Jour", "en": "Day"}),
        ],
        responses=[
            Representation("code", code_list=ouinon.ref()),
            Representation("numeric", minimum="0", maximum="12", decimal_positions=1, unit="h"),
        ],
        concepts=[_ref("con-sante", "Concept")],
        instruction={"fr": "Une ligne par moment de la journée."},
    )
    g_repas = QuestionGrid(
        agency=AGENCY,
        id="qg-repas",
        version="1",
        name="REPAS",
        text={"fr": "Nombre de repas par moment ?", "en": "Number of meals per time of day?"},
        dimensions=[GridDimension(1, moments.ref())],
        responses=[Representation("numeric", minimum="0", maximum="8")],
    )
    intro = StatementItem(
        agency=AGENCY,
        id="st-intro",
        version="1",
        name="INTRO",
        text={
            "fr": "Nous allons parler de l'alimentation de votre bébé.",
            "en": "We will talk about feeding your baby.",
        },
    )
    qc_allait = QuestionConstruct(
        agency=AGENCY,
        id="qc-allait",
        version="1",
        name="QC_ALLAIT",
        question=q_allait.ref(),
        universes=[meres.ref()],
    )
    qc_sommeil = QuestionConstruct(agency=AGENCY, id="qc-sommeil", version="1", question=g_sommeil.ref())
    qc_poids = QuestionConstruct(agency=AGENCY, id="qc-poids", version="1", question=poids.ref())
    detail = Sequence(
        agency=AGENCY,
        id="seq-allait-detail",
        version="1",
        label={"fr": "Détail", "en": "Details"},
        children=[qc_sommeil.ref()],
    )
    enfant = Sequence(agency=AGENCY, id="seq-enfant", version="1", children=[qc_poids.ref()])
    routage = IfThenElse(
        agency=AGENCY,
        id="ite-allait",
        version="1",
        name="SI_ALLAIT",
        condition=Command(
            "VTL", "ALLAIT = 1", {"fr": "Si la mère allaite", "en": "If the mother breastfeeds"}
        ),
        then=detail.ref(),
        else_=qc_poids.ref(),
    )
    boucle = Loop(
        agency=AGENCY,
        id="loop-enfants",
        version="1",
        name="BOUCLE_ENFANTS",
        initial_value=Command("VTL", "1"),
        loop_while=Command("VTL", "i <= NB_ENFANTS"),
        step_value=Command(None, "i + 1"),
        body=enfant.ref(),
    )
    imc = ComputationItem(
        agency=AGENCY,
        id="comp-imc",
        version="1",
        name="CALC_IMC",
        description={"fr": "Indice de masse corporelle", "en": "Body mass index"},
        command=Command("SPSS", "IMC = POIDS / (TAILLE * TAILLE)"),
    )
    main = Sequence(
        agency=AGENCY,
        id="seq-maternite",
        version="1",
        name="MATERNITE",
        children=[intro.ref(), qc_allait.ref(), routage.ref(), boucle.ref(), imc.ref()],
    )
    instrument = Instrument(
        agency=AGENCY,
        id="instr-maternite",
        version="1",
        name="QUEST_MATERNITE",
        label={"fr": "Questionnaire maternité", "en": "Maternity questionnaire"},
        instrument_type="CAPI",
        root=main.ref(),
    )
    v_allait = Variable(
        agency=AGENCY,
        id="var-m-allait",
        version="3",
        name="m_allait",
        version_date="2024-03-05T10:15:00Z",
        is_universally_unique=False,
        user_ids=[("ddicat:source", "allait")],
        user_attributes=[("ddicat:note", "recodée après contrôle")],
        label={"fr": "Allaitement à la maternité", "en": "Breastfeeding at the maternity ward"},
        description={"fr": "Déclaré par la mère", "en": "Reported by the mother"},
        representation=Representation("code", code_list=ouinon.ref(), missing_values=["-9"]),
        questions=[q_allait.ref()],
        concept=allait.ref(),
        universes=[meres.ref()],
        analysis_unit="Individual",
    )
    v_naissance = Variable(
        agency=AGENCY,
        id="var-m-poids",
        version="1",
        name="m_poids_nais",
        label={"fr": "Poids de naissance", "en": "Birth weight"},
        representation=Representation(
            "numeric",
            numeric_type="Decimal",
            minimum="0",
            minimum_inclusive=False,
            maximum="6.5",
            decimal_positions=2,
            unit="kg",
        ),
        questions=[q_naissance.ref()],
    )
    v_prenom = Variable(
        agency=AGENCY,
        id="var-m-prenom",
        version="1",
        name="m_prenom",
        label={"fr": "Prénom", "en": "First name"},
        representation=Representation("text", max_length=40),
        questions=[q_prenom.ref()],
    )
    v_date = Variable(
        agency=AGENCY,
        id="var-m-sortie",
        version="1",
        name="m_date_sortie",
        label={"fr": "Date de sortie", "en": "Discharge date"},
        representation=Representation("datetime", date_type="Date", format="YYYY-MM-DD"),
        questions=[q_date.ref()],
    )
    v_lieu = Variable(
        agency=AGENCY,
        id="var-m-lieu",
        version="1",
        name="m_lieu",
        label={"fr": "Lieu de naissance", "en": "Place of birth"},
        representation=Representation("other"),
        questions=[q_lieu.ref()],
    )
    v_imc = Variable(
        agency=AGENCY,
        id="var-m-imc",
        version="1",
        name="m_imc",
        label={"fr": "IMC de la mère", "en": "Mother's BMI"},
        representation=Representation("numeric", minimum="1e1", maximum="8.5E1"),
        source_variables=[v_naissance.ref()],
    )
    wave1: list[Item] = [
        q_allait,
        q_naissance,
        q_prenom,
        q_date,
        q_contact,
        q_lieu,
        g_sommeil,
        g_repas,
        intro,
        qc_allait,
        qc_sommeil,
        qc_poids,
        detail,
        enfant,
        routage,
        boucle,
        imc,
        main,
        instrument,
        v_allait,
        v_naissance,
        v_prenom,
        v_date,
        v_lieu,
        v_imc,
    ]

    # Wave 2, at two months: reuses the shared weight question and the maternity questionnaire.
    v2_poids = Variable(
        agency=AGENCY,
        id="var-2m-poids",
        version="1",
        name="d2m_poids",
        label={"fr": "Poids à deux mois", "en": "Weight at two months"},
        representation=Representation("numeric", minimum="1000", maximum="9000", unit="g"),
        questions=[poids.ref()],
    )
    v2_allait = Variable(
        agency=AGENCY,
        id="var-2m-allait",
        version="1",
        name="d2m_allait",
        label={"fr": "Allaitement à deux mois", "en": "Breastfeeding at two months"},
        representation=Representation("code", code_list=_ref("cl-ouinon", "CodeList", None)),
        concept=allait.ref(),
    )
    wave2: list[Item] = [v2_poids, v2_allait]

    study = StudyInfo(
        AGENCY,
        "eveil",
        "1",
        title={
            "fr": "Cohorte Éveil : santé et développement de l'enfant",
            "en": "Éveil cohort: child health and development",
        },
        abstract={
            "fr": "Suivi de 4 000 enfants nés en 2011, de la maternité à l'âge de 5 ans.",
            "en": "Follow-up of 4,000 children born in 2011, from the maternity ward to age 5.",
        },
        purpose={
            "fr": "Décrire l'allaitement et le sommeil des nourrissons.",
            "en": "Describe infants' breastfeeding and sleep.",
        },
        attributes={
            "ddicat:dataSource": "questionnaire",
            "ddicat:startYear": "2011",
            "ddicat:participants": "4000",
            "ddicat:country": "FR",
        },
    )
    maternite = WaveInfo(
        AGENCY,
        "eveil-maternite",
        "1",
        "maternite",
        title={"fr": "Maternité", "en": "Maternity ward"},
        abstract={"fr": "Entretien en face à face à la maternité.", "en": "Face-to-face interview."},
        start_date="2011-04-01",
        end_date="2011-12-31",
        age_min_months=0,
        age_max_months=0.5,
        attributes={"ddicat:mode": "CAPI"},
        instruments=[instrument.ref()],
    )
    deux_mois = WaveInfo(
        AGENCY,
        "eveil-2m",
        "1",
        "2m",
        title={"fr": "Deux mois", "en": "Two months"},
        start_date="2011-06",
        age_min_months=2,
        age_max_months=3,
        instruments=[instrument.ref()],
    )
    placement = {item.key: None for item in shared}
    placement |= {item.key: maternite.id for item in wave1}
    placement |= {item.key: deux_mois.id for item in wave2}
    return DDIPackage(
        study=study,
        waves=[maternite, deux_mois],
        items=shared + wave1 + wave2,
        placement=placement,
        source_name="eveil.test",
    )


@pytest.fixture
def cohort_package() -> DDIPackage:
    """A fresh "Cohorte Éveil" package (tests may change it)."""
    return eveil_package()
