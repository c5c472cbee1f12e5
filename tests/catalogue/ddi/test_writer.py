"""The DDI-L 3.3 writer on a bilingual two-wave cohort: both forms validate, every field lands in place."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from lxml import etree

from catalogue.ddi.writer import ddi_bytes, write_ddi
from catalogue.ddi.writer_xml import NAMESPACES
from catalogue.model import CodeList, DDIPackage, Item, ItemKey, Ref, Variable

NS = NAMESPACES
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
AGENCY = "fr.ddicat.eveil"


def parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))


def local(element: etree._Element) -> str:
    return etree.QName(element).localname


def child_names(element: etree._Element) -> list[str]:
    return [local(child) for child in element if isinstance(child.tag, str)]


def element_of(root: etree._Element, item_id: str, version: str = "1") -> etree._Element:
    """The one element identified as `item_id` (references carry no URN, so they never match)."""
    found = root.xpath("//*[r:URN=$urn]", namespaces=NS, urn=f"urn:ddi:{AGENCY}:{item_id}:{version}")
    assert len(found) == 1, f"{item_id}: {len(found)} elements"
    return found[0]


def strings(element: etree._Element, path: str) -> dict[str, str]:
    return {node.get(XML_LANG): node.text for node in element.xpath(path, namespaces=NS)}


def attribute_pairs(element: etree._Element) -> dict[str, str]:
    return {
        pair.findtext("r:AttributeKey", namespaces=NS): pair.findtext("r:AttributeValue", namespaces=NS)
        for pair in element.findall("r:UserAttributePair", NS)
    }


def item(package: DDIPackage, item_id: str) -> Item:
    return next(i for i in package.items if i.id == item_id)


@pytest.fixture
def document(cohort_package: DDIPackage) -> etree._Element:
    return parse(ddi_bytes(cohort_package))


@pytest.mark.parametrize("form", ["ddi-l", "fragment"])
def test_the_cohort_validates_against_the_official_xsd(cohort_package, form, schemas_dir, assert_valid_ddi33):
    assert_valid_ddi33(ddi_bytes(cohort_package, form=form), schemas_dir)


# DDIInstance layout -----------------------------------------------------------------------------------------


def test_the_instance_is_named_after_the_study_and_cites_its_title(document):
    assert local(document) == "DDIInstance"
    assert child_names(document) == ["URN", "Agency", "ID", "Version", "Citation", "Group", "ResourcePackage"]
    assert document.findtext("r:URN", namespaces=NS) == f"urn:ddi:{AGENCY}:eveil-instance:1"
    assert strings(document, "r:Citation/r:Title/r:String") == {
        "fr": "Cohorte Éveil : santé et développement de l'enfant",
        "en": "Éveil cohort: child health and development",
    }


def test_a_given_instance_id_names_the_instance(cohort_package):
    root = parse(ddi_bytes(cohort_package, instance_id=ItemKey("fr.ddicat", "export-42", None)))
    assert [root.findtext(f"r:{n}", namespaces=NS) for n in ("URN", "Agency", "ID", "Version")] == [
        "urn:ddi:fr.ddicat:export-42:1",
        "fr.ddicat",
        "export-42",
        "1",
    ]


def test_the_study_is_a_group_of_one_study_unit_per_wave(document):
    group = document.find("g:Group", NS)
    assert child_names(group) == [
        "URN",
        "Agency",
        "ID",
        "Version",
        *["UserAttributePair"] * 4,
        "Citation",
        "Abstract",
        "Purpose",
        "RequiredResourcePackages",
        "StudyUnit",
        "StudyUnit",
    ]
    assert group.findtext("r:ID", namespaces=NS) == "eveil"
    assert attribute_pairs(group) == {
        "ddicat:dataSource": "questionnaire",
        "ddicat:startYear": "2011",
        "ddicat:participants": "4000",
        "ddicat:country": "FR",
    }
    assert strings(group, "r:Abstract/r:Content")["fr"].startswith("Suivi de 4 000 enfants")
    assert strings(group, "r:Purpose/r:Content")["en"] == "Describe infants' breastfeeding and sleep."
    assert [u.findtext("r:ID", namespaces=NS) for u in group.findall("s:StudyUnit", NS)] == [
        "eveil-maternite",
        "eveil-2m",
    ]
    assert group.findtext("r:RequiredResourcePackages/r:ResourcePackageReference/r:ID", namespaces=NS) == (
        "eveil-resources"
    )


def test_a_wave_carries_its_name_ages_titles_and_dates(document):
    maternite, deux_mois = document.findall("g:Group/s:StudyUnit", NS)
    assert attribute_pairs(maternite) == {
        "ddicat:waveName": "maternite",
        "ddicat:participantAgeMinMonths": "0",
        "ddicat:participantAgeMaxMonths": "0.5",
        "ddicat:mode": "CAPI",
    }
    assert strings(maternite, "r:Citation/r:Title/r:String") == {"fr": "Maternité", "en": "Maternity ward"}
    assert strings(maternite, "r:Abstract/r:Content")["fr"] == "Entretien en face à face à la maternité."
    coverage = maternite.find("r:Coverage/r:TemporalCoverage", NS)
    assert coverage.findtext("r:ID", namespaces=NS) == "eveil-maternite-TemporalCoverage"
    assert coverage.findtext("r:ReferenceDate/r:StartDate", namespaces=NS) == "2011-04-01"
    assert coverage.findtext("r:ReferenceDate/r:EndDate", namespaces=NS) == "2011-12-31"
    assert child_names(maternite)[-5:] == [
        "Citation",
        "Abstract",
        "Coverage",
        "DataCollection",
        "LogicalProduct",
    ]
    assert child_names(deux_mois)[-4:] == ["Citation", "Coverage", "DataCollection", "LogicalProduct"]
    assert (
        deux_mois.findtext("r:Coverage/r:TemporalCoverage/r:ReferenceDate/r:StartDate", namespaces=NS)
        == "2011-06"
    )
    assert deux_mois.find("r:Coverage/r:TemporalCoverage/r:ReferenceDate/r:EndDate", NS) is None
    assert attribute_pairs(deux_mois)["ddicat:waveName"] == "2m"


def test_items_sit_in_their_wave_or_in_the_resource_package(cohort_package, document):
    schemes = {
        "Concept": ("c", "ConceptScheme"),
        "Universe": ("c", "UniverseScheme"),
        "Category": ("l", "CategoryScheme"),
        "CodeList": ("l", "CodeListScheme"),
        "Variable": ("l", "VariableScheme"),
        "QuestionItem": ("d", "QuestionScheme"),
        "QuestionGrid": ("d", "QuestionScheme"),
        "Instrument": ("d", "InstrumentScheme"),
    }
    modules = {"c": "ConceptualComponent", "d": "DataCollection", "l": "LogicalProduct"}
    for thing in cohort_package.items:
        element = element_of(document, thing.id, thing.version or "")
        assert local(element) == thing.TYPE
        prefix, scheme = schemes.get(thing.TYPE, ("d", "ControlConstructScheme"))
        parent = element.getparent()
        assert parent.tag == f"{{{NS[prefix]}}}{scheme}"
        wave = cohort_package.placement[thing.key]
        if wave is None:
            assert local(parent.getparent()) == "ResourcePackage"
            assert parent.findtext("r:ID", namespaces=NS) == f"eveil-resources-{scheme}"
        else:
            module = parent.getparent()
            assert local(module) == modules[prefix]
            assert module.findtext("r:ID", namespaces=NS) == f"{wave}-{modules[prefix]}"
            assert parent.findtext("r:ID", namespaces=NS) == f"{wave}-{scheme}"
            assert module.getparent().findtext("r:ID", namespaces=NS) == wave


def test_schemes_and_modules_appear_in_xsd_order_and_only_when_not_empty(document):
    maternite, deux_mois = document.findall("g:Group/s:StudyUnit", NS)
    assert child_names(maternite.find("d:DataCollection", NS))[4:] == [
        "QuestionScheme",
        "ControlConstructScheme",
        "InterviewerInstructionScheme",
        "InstrumentScheme",
    ]
    assert maternite.find("c:ConceptualComponent", NS) is None
    assert child_names(deux_mois.find("l:LogicalProduct", NS))[4:] == ["VariableScheme"]
    package = document.find("g:ResourcePackage", NS)
    assert child_names(package)[4:] == [
        "ConceptScheme",
        "UniverseScheme",
        "QuestionScheme",
        "CategoryScheme",
        "CodeListScheme",
    ]
    questions = maternite.find("d:DataCollection/d:QuestionScheme", NS)
    names = child_names(questions)[4:]
    assert names == ["QuestionItem"] * 6 + ["QuestionGrid"] * 2


def test_every_item_keeps_its_agency_id_and_version(cohort_package, document):
    for thing in cohort_package.items:
        element = element_of(document, thing.id, thing.version or "")
        assert child_names(element)[:4] == ["URN", "Agency", "ID", "Version"]
        assert [c.text for c in element[:4]] == [thing.urn, thing.agency, thing.id, thing.version]


def test_version_date_unique_ids_user_ids_and_attribute_pairs_are_kept(cohort_package):
    variable = item(cohort_package, "var-m-allait")
    variable.is_universally_unique = True
    element = element_of(parse(ddi_bytes(cohort_package)), "var-m-allait", "3")
    assert element.get("versionDate") == "2024-03-05T10:15:00Z"
    assert element.get("isUniversallyUnique") == "true"
    assert child_names(element)[4:7] == ["UserID", "UserAttributePair", "VariableName"]
    user_id = element.find("r:UserID", NS)
    assert (user_id.get("typeOfUserID"), user_id.text) == ("ddicat:source", "allait")
    assert attribute_pairs(element) == {"ddicat:note": "recodée après contrôle"}


def test_codes_take_their_code_list_agency_and_version_when_they_have_none(cohort_package):
    cohort_package.items[cohort_package.items.index(item(cohort_package, "cl-ouinon"))].version = "4"
    codes = element_of(parse(ddi_bytes(cohort_package)), "cl-ouinon", "4").findall("l:Code", NS)
    assert [c.findtext("r:URN", namespaces=NS) for c in codes] == [
        f"urn:ddi:{AGENCY}:code-oui:4",
        f"urn:ddi:{AGENCY}:code-non:4",
        f"urn:ddi:{AGENCY}:code-nsp:1",
    ]
    assert [c.findtext("r:Value", namespaces=NS) for c in codes] == ["1", "2", "-9"]
    assert codes[0].findtext("r:CategoryReference/r:ID", namespaces=NS) == "cat-oui"


@pytest.mark.parametrize("form", ["ddi-l", "fragment"])
def test_every_text_carries_xml_lang_and_names_say_und(cohort_package, form):
    root = parse(ddi_bytes(cohort_package, form=form))
    texts = root.xpath("//r:String | //r:Content | //d:Text", namespaces=NS)
    assert texts and all(node.get(XML_LANG) for node in texts)
    names = root.xpath(
        "//*[substring(local-name(), string-length(local-name()) - 3) = 'Name']/r:String", namespaces=NS
    )
    assert len(names) > 20 and {n.get(XML_LANG) for n in names} == {"und"}
    assert {n.get(XML_LANG) for n in root.xpath("//r:Label/r:Content", namespaces=NS)} == {"fr", "en"}


# References -------------------------------------------------------------------------------------------------


def test_a_reference_without_version_takes_the_latest_in_the_package(
    cohort_package, schemas_dir, assert_valid_ddi33
):
    original = item(cohort_package, "cl-ouinon")
    assert isinstance(original, CodeList)
    for version in ("2", "10", "9"):
        cohort_package.items.append(
            CodeList(agency=AGENCY.upper(), id="cl-ouinon", version=version, codes=original.codes)
        )
    data = ddi_bytes(cohort_package)
    assert_valid_ddi33(data, schemas_dir)
    ref = element_of(parse(data), "var-2m-allait").find(".//r:CodeListReference", NS)
    assert ref.findtext("r:Version", namespaces=NS) == "10"
    assert ref.get("lateBound") is None


def test_a_reference_to_an_absent_target_is_written_late_bound(
    cohort_package, schemas_dir, assert_valid_ddi33
):
    variable = item(cohort_package, "var-2m-poids")
    assert isinstance(variable, Variable)
    variable.concept = Ref(AGENCY, "con-croissance", None, "Concept")
    data = ddi_bytes(cohort_package)
    assert_valid_ddi33(data, schemas_dir)
    ref = element_of(parse(data), "var-2m-poids").find("r:ConceptReference", NS)
    assert ref.get("lateBound") == "true"
    assert child_names(ref) == ["Agency", "ID", "Version", "TypeOfObject"]
    assert ref.findtext("r:Version", namespaces=NS) == "0"


def test_references_name_their_target_type(document):
    construct = element_of(document, "qc-sommeil")
    assert construct.findtext("r:QuestionReference/r:TypeOfObject", namespaces=NS) == "QuestionGrid"
    concept = element_of(document, "con-allaitement")
    assert concept.findtext("c:SubclassOfReference/r:ID", namespaces=NS) == "con-sante"


# Response domains and representations ---------------------------------------------------------------------


def test_code_domain(document):
    domain = element_of(document, "qi-allait").find("d:CodeDomain", NS)
    assert domain.get("missingValue") == "-9"
    assert child_names(domain) == ["CodeListReference", "Label", "ResponseCardinality"]
    assert domain.findtext("r:CodeListReference/r:ID", namespaces=NS) == "cl-ouinon"
    assert strings(domain, "r:Label/r:Content") == {"fr": "Réponse", "en": "Answer"}
    cardinality = domain.find("r:ResponseCardinality", NS)
    assert (cardinality.get("minimumResponses"), cardinality.get("maximumResponses")) == ("1", "1")


def test_numeric_domain(document):
    domain = element_of(document, "qi-poids-naissance", "2").find("d:NumericDomain", NS)
    assert (domain.get("decimalPositions"), domain.get("format")) == ("2", "99.99")
    assert child_names(domain) == ["MeasurementUnit", "NumberRange", "NumericTypeCode"]
    assert domain.findtext("r:MeasurementUnit", namespaces=NS) == "kg"
    assert domain.findtext("r:NumberRange/r:Low", namespaces=NS) == "0.3"
    assert domain.findtext("r:NumberRange/r:High", namespaces=NS) == "6.5"
    assert domain.findtext("r:NumericTypeCode", namespaces=NS) == "Decimal"
    shared = element_of(document, "qi-poids").find("d:NumericDomain", NS)
    assert shared.get("missingValue") == "-9 -8"


def test_text_date_and_other_domains(document):
    text = element_of(document, "qi-prenom").find("d:TextDomain", NS)
    assert (text.get("minLength"), text.get("maxLength"), text.get("regExp")) == (
        "1",
        "40",
        "[A-Za-zÀ-ÿ' -]+",
    )
    date = element_of(document, "qi-date-sortie").find("d:DateTimeDomain", NS)
    assert child_names(date) == ["DateFieldFormat", "DateTypeCode", "Range"]
    assert (
        date.findtext("r:DateFieldFormat", namespaces=NS),
        date.findtext("r:DateTypeCode", namespaces=NS),
    ) == ("YYYY-MM-DD", "Date")
    minimum, maximum = date.findall("r:Range/*", NS)
    assert (minimum.text, minimum.get("included")) == ("2011-04-01", "true")
    assert (maximum.text, maximum.get("included")) == ("2012-01-01", "false")
    other = element_of(document, "qi-lieu").find("d:NominalDomain", NS)
    assert other.get("regExp") == "[0-9AB]{5}"


def test_several_responses_make_a_structured_mixed_domain(document):
    question = element_of(document, "qi-contact")
    parts = question.findall("d:StructuredMixedResponseDomain/d:ResponseDomainInMixed", NS)
    assert [child_names(p) for p in parts] == [["TextDomain"], ["NumericDomain"]]
    assert strings(parts[1], "*/r:Label/r:Content") == {"fr": "Appels", "en": "Calls"}


def test_question_grid_dimensions_and_cell_domains(document):
    grid = element_of(document, "qg-sommeil")
    assert child_names(grid)[4:] == [
        "QuestionGridName",
        "QuestionText",
        "QuestionText",
        "GridDimension",
        "GridDimension",
        "StructuredMixedGridResponseDomain",
        "ConceptReference",
        "InterviewerInstructionReference",
    ]
    rows, days = grid.findall("d:GridDimension", NS)
    assert rows.get("rank") == "1" and rows.findtext(
        "d:CodeDomain/r:CodeListReference/r:ID", namespaces=NS
    ) == ("cl-moments")
    assert strings(rows, "d:CodeDomain/r:Label/r:Content") == {"fr": "Moment", "en": "Time of day"}
    assert days.get("rank") == "2" and days.find("d:Roster", NS).get("maximumAllowed") == "7"
    cells = grid.findall("d:StructuredMixedGridResponseDomain/d:GridResponseDomainInMixed", NS)
    assert [child_names(c) for c in cells] == [["CodeDomain"], ["NumericDomain"]]
    single = element_of(document, "qg-repas")
    assert "NumericDomain" in child_names(single) and "StructuredMixedGridResponseDomain" not in child_names(
        single
    )


def test_variable_children_follow_the_xsd_order(document):
    variable = element_of(document, "var-m-allait", "3")
    assert child_names(variable) == [
        "URN",
        "Agency",
        "ID",
        "Version",
        "UserID",
        "UserAttributePair",
        "VariableName",
        "Label",
        "Description",
        "UniverseReference",
        "ConceptReference",
        "QuestionReference",
        "AnalysisUnit",
        "VariableRepresentation",
    ]
    assert variable.findtext("r:AnalysisUnit", namespaces=NS) == "Individual"
    derived = element_of(document, "var-m-imc")
    assert derived.findtext("r:SourceVariableReference/r:ID", namespaces=NS) == "var-m-poids"


def test_variable_representations_of_every_kind(document):
    def representation(item_id: str) -> etree._Element:
        return element_of(document, item_id).find("l:VariableRepresentation", NS)

    code = element_of(document, "var-m-allait", "3").find("l:VariableRepresentation/r:CodeRepresentation", NS)
    assert code.get("missingValue") == "-9" and code.findtext("r:CodeListReference/r:ID", namespaces=NS) == (
        "cl-ouinon"
    )
    numeric = representation("var-m-poids").find("r:NumericRepresentation", NS)
    low, high = numeric.findall("r:NumberRange/*", NS)
    assert (low.text, low.get("isInclusive"), high.text, high.get("isInclusive")) == (
        "0",
        "false",
        "6.5",
        None,
    )
    assert (
        numeric.get("decimalPositions") == "2"
        and numeric.findtext("r:NumberRange/r:High", namespaces=NS) == "6.5"
    )
    assert representation("var-m-prenom").find("r:TextRepresentation", NS).get("maxLength") == "40"
    assert (
        representation("var-m-sortie").findtext("r:DateTimeRepresentation/r:DateTypeCode", namespaces=NS)
        == "Date"
    )
    assert child_names(representation("var-m-lieu")) == []
    doubles = representation("var-m-imc").find("r:NumericRepresentation/r:NumberRange", NS)
    assert child_names(doubles) == ["LowDouble", "HighDouble"]


def test_routing_loops_and_computations_keep_their_commands(document):
    condition = element_of(document, "ite-allait")
    assert condition.findtext("d:IfCondition/r:Command/r:ProgramLanguage", namespaces=NS) == "VTL"
    assert condition.findtext("d:IfCondition/r:Command/r:CommandContent", namespaces=NS) == "ALLAIT = 1"
    assert strings(condition, "d:IfCondition/r:Description/r:Content")["fr"] == "Si la mère allaite"
    assert condition.findtext("d:ThenConstructReference/r:ID", namespaces=NS) == "seq-allait-detail"
    assert condition.findtext("d:ElseConstructReference/r:ID", namespaces=NS) == "qc-poids"
    loop = element_of(document, "loop-enfants")
    assert child_names(loop)[4:] == [
        "ConstructName",
        "InitialValue",
        "LoopWhile",
        "StepValue",
        "ControlConstructReference",
    ]
    assert loop.findtext("d:LoopWhile/r:Command/r:CommandContent", namespaces=NS) == "i <= NB_ENFANTS"
    assert loop.find("d:StepValue/r:Command/r:ProgramLanguage", NS).text is None
    computation = element_of(document, "comp-imc")
    assert computation.findtext("r:CommandCode/r:Command/r:CommandContent", namespaces=NS) == (
        "IMC = POIDS / (TAILLE * TAILLE)"
    )


def test_instrument_sequence_statement_and_category(document):
    instrument = element_of(document, "instr-maternite")
    assert instrument.findtext("d:TypeOfInstrument", namespaces=NS) == "CAPI"
    assert instrument.findtext("d:ControlConstructReference/r:ID", namespaces=NS) == "seq-maternite"
    sequence = element_of(document, "seq-maternite")
    assert [
        r.findtext("r:ID", namespaces=NS) for r in sequence.findall("d:ControlConstructReference", NS)
    ] == ["st-intro", "qc-allait", "ite-allait", "loop-enfants", "comp-imc"]
    statement = element_of(document, "st-intro")
    assert strings(statement, "d:DisplayText/d:LiteralText/d:Text")["fr"].startswith("Nous allons parler")
    assert element_of(document, "cat-nsp").get("isMissing") == "true"
    assert element_of(document, "cat-oui").get("isMissing") is None


def test_an_instruction_becomes_an_interviewer_instruction_the_question_refers_to(document):
    question = element_of(document, "qi-allait")
    ref = question.find("d:InterviewerInstructionReference", NS)
    assert ref.findtext("r:ID", namespaces=NS) == "qi-allait-Instruction"
    instruction = element_of(document, "qi-allait-Instruction")
    assert local(instruction.getparent()) == "InterviewerInstructionScheme"
    assert strings(instruction, "d:InstructionText/d:LiteralText/d:Text") == {
        "fr": "Lire les modalités à voix haute.",
        "en": "Read the answers aloud.",
    }


def test_a_wave_refers_to_the_instrument_it_shares(document):
    deux_mois = document.findall("g:Group/s:StudyUnit", NS)[1]
    collection = deux_mois.find("d:DataCollection", NS)
    assert child_names(collection)[4:] == ["InstrumentReference"]
    assert collection.findtext("d:InstrumentReference/r:ID", namespaces=NS) == "instr-maternite"


# Other shapes ----------------------------------------------------------------------------------------------


def one_wave(package: DDIPackage) -> DDIPackage:
    assert package.study is not None
    package.study.element = "StudyUnit"
    dropped = {k for k, wave in package.placement.items() if wave == "eveil-2m"}
    package.items = [i for i in package.items if i.key not in dropped]
    package.waves = package.waves[:1]
    return package


@pytest.mark.parametrize("form", ["ddi-l", "fragment"])
def test_a_one_wave_study_is_a_single_study_unit(cohort_package, form, schemas_dir, assert_valid_ddi33):
    data = ddi_bytes(one_wave(cohort_package), form=form)
    assert_valid_ddi33(data, schemas_dir)
    root = parse(data)
    if form == "fragment":
        assert root.findtext("ddi:TopLevelReference/r:TypeOfObject", namespaces=NS) == "StudyUnit"
        return
    assert child_names(root) == ["URN", "Agency", "ID", "Version", "Citation", "ResourcePackage", "StudyUnit"]
    unit = root.find("s:StudyUnit", NS)
    assert unit.findtext("r:ID", namespaces=NS) == "eveil"
    pairs = attribute_pairs(unit)
    assert pairs["ddicat:startYear"] == "2011" and pairs["ddicat:waveName"] == "maternite"
    assert strings(unit, "r:Citation/r:Title/r:String")["en"] == "Éveil cohort: child health and development"
    assert child_names(unit)[-6:] == [
        "Abstract",
        "Purpose",
        "Coverage",
        "RequiredResourcePackages",
        "DataCollection",
        "LogicalProduct",
    ]
    assert unit.findtext("d:DataCollection/r:ID", namespaces=NS) == "eveil-DataCollection"


def test_without_a_study_only_a_resource_package_is_written(cohort_package, schemas_dir, assert_valid_ddi33):
    package = DDIPackage(items=cohort_package.items[:11])
    data = ddi_bytes(package)
    assert_valid_ddi33(data, schemas_dir)
    root = parse(data)
    assert child_names(root) == ["URN", "Agency", "ID", "Version", "ResourcePackage"]
    assert root.findtext("r:ID", namespaces=NS) == "con-sante-instance"
    assert root.findtext("g:ResourcePackage/r:ID", namespaces=NS) == "con-sante-instance-resources"


# FragmentInstance ------------------------------------------------------------------------------------------


@pytest.fixture
def fragments(cohort_package: DDIPackage) -> etree._Element:
    return parse(ddi_bytes(cohort_package, form="fragment"))


def test_fragments_start_from_the_study(fragments):
    assert local(fragments) == "FragmentInstance"
    tops = fragments.findall("ddi:TopLevelReference", NS)
    assert [
        (t.findtext("r:ID", namespaces=NS), t.findtext("r:TypeOfObject", namespaces=NS)) for t in tops
    ] == [("eveil", "Group")]


def test_one_fragment_per_item_each_holding_one_element(cohort_package, fragments):
    for fragment in fragments.findall("ddi:Fragment", NS):
        assert len([c for c in fragment if isinstance(c.tag, str)]) == 1
    for thing in cohort_package.items:
        assert local(element_of(fragments, thing.id, thing.version or "").getparent()) == "Fragment"
    assert local(element_of(fragments, "qi-allait-Instruction").getparent()) == "Fragment"


def test_fragments_contain_by_reference(fragments):
    group = fragments.find("ddi:Fragment/g:Group", NS)
    assert [r.findtext("r:ID", namespaces=NS) for r in group.findall("r:StudyUnitReference", NS)] == [
        "eveil-maternite",
        "eveil-2m",
    ]
    unit = element_of(fragments, "eveil-maternite")
    assert child_names(unit)[-2:] == ["DataCollectionReference", "LogicalProductReference"]
    collection = element_of(fragments, "eveil-maternite-DataCollection")
    assert (
        collection.findtext("r:QuestionSchemeReference/r:ID", namespaces=NS)
        == "eveil-maternite-QuestionScheme"
    )
    questions = element_of(fragments, "eveil-maternite-QuestionScheme")
    members = [child_names(questions)[4:], [r.findtext("r:ID", namespaces=NS) for r in questions[4:]]]
    assert members[0] == ["QuestionItemReference"] * 6 + ["QuestionGridReference"] * 2
    assert "qg-sommeil" in members[1]
    constructs = element_of(fragments, "eveil-maternite-ControlConstructScheme")
    assert set(child_names(constructs)[4:]) == {"ControlConstructReference"}
    shared = element_of(fragments, "eveil-resources")
    assert "CodeListSchemeReference" in child_names(shared)


def test_one_item_with_its_dependencies_as_fragments(cohort_package, schemas_dir, assert_valid_ddi33):
    wanted = {
        "var-m-allait",
        "qi-allait",
        "cl-ouinon",
        "cat-oui",
        "cat-non",
        "cat-nsp",
        "con-allaitement",
        "con-sante",
        "univ-meres",
    }
    items = [i for i in cohort_package.items if i.id in wanted]
    package = DDIPackage(items=items, placement={i.key: None for i in items})
    top = item(package, "var-m-allait")
    data = ddi_bytes(package, form="fragment", top_level=[top.ref()])
    assert_valid_ddi33(data, schemas_dir)
    root = parse(data)
    tops = root.findall("ddi:TopLevelReference", NS)
    assert [t.findtext("r:ID", namespaces=NS) for t in tops] == ["var-m-allait"]
    assert len(root.findall("ddi:Fragment", NS)) == len(items) + 1  # and the question's instruction
    assert not root.xpath("//*[contains(local-name(), 'Scheme')]")


def test_without_study_every_item_is_a_top_level_reference(cohort_package):
    package = DDIPackage(items=cohort_package.items[:5])
    root = parse(ddi_bytes(package, form="fragment"))
    assert [t.findtext("r:ID", namespaces=NS) for t in root.findall("ddi:TopLevelReference", NS)] == [
        i.id for i in package.items
    ]


# Targets ---------------------------------------------------------------------------------------------------


def test_a_path_and_a_stream_receive_the_same_document(cohort_package, tmp_path: Path):
    expected = ddi_bytes(cohort_package)
    path = tmp_path / "eveil.xml"
    write_ddi(cohort_package, path)
    stream = io.BytesIO()
    write_ddi(cohort_package, stream)
    assert path.read_bytes() == expected == stream.getvalue()
    assert [p.name for p in tmp_path.iterdir()] == ["eveil.xml"]
    assert expected.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
