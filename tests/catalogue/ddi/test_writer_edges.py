"""The writer's edges: escaping, forbidden characters, empty texts, languages, values DDI-L cannot carry."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from catalogue.ddi.writer import ddi_bytes, write_ddi
from catalogue.ddi.writer_xml import NAMESPACES
from catalogue.errors import InvalidInput
from catalogue.model import (
    Category,
    Code,
    CodeList,
    Command,
    DDIPackage,
    GridDimension,
    IfThenElse,
    Item,
    Loop,
    QuestionGrid,
    QuestionItem,
    Ref,
    Representation,
    Variable,
)

NS = NAMESPACES
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
AGENCY = "fr.ddicat.eveil"


def parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))


def shared(*items: Item) -> DDIPackage:
    return DDIPackage(items=list(items), placement={i.key: None for i in items}, source_name="bord.test")


def variable(**fields: object) -> Variable:
    values: dict[str, object] = {"agency": AGENCY, "id": "var-test", "version": "1", "name": "test"} | fields
    return Variable(**values)  # type: ignore[arg-type]


def refused(package: DDIPackage, **options: object) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        ddi_bytes(package, **options)  # type: ignore[arg-type]
    return caught.value


def the(root: etree._Element, path: str) -> etree._Element:
    found = root.xpath(path, namespaces=NS)
    assert len(found) == 1, f"{path}: {len(found)}"
    return found[0]


# Texts -----------------------------------------------------------------------------------------------------


def test_markup_characters_are_escaped_and_read_back_unchanged(schemas_dir, assert_valid_ddi33):
    label = 'Poids < 2 500 g & "prématuré" ]]> <b>gras</b>'
    data = ddi_bytes(shared(variable(label={"fr": label}, name="poids<&>")))
    assert_valid_ddi33(data, schemas_dir)
    root = parse(data)
    assert the(root, "//l:Variable/r:Label/r:Content").text == label
    assert the(root, "//l:VariableName/r:String").text == "poids<&>"


def test_characters_xml_forbids_are_stripped(schemas_dir, assert_valid_ddi33):
    item = variable(
        label={"fr": "Âge\x00 de la\x0b mère\x1f\ufffe", "en": "\x01\x02"},
        description={"en": "Tab\tand newline\nstay"},
    )
    data = ddi_bytes(shared(item))
    assert_valid_ddi33(data, schemas_dir)
    root = parse(data)
    assert [c.text for c in root.xpath("//r:Label/r:Content", namespaces=NS)] == ["Âge de la mère"]
    assert the(root, "//r:Description/r:Content").text == "Tab\tand newline\nstay"


def test_blank_texts_are_skipped_rather_than_written_empty(schemas_dir, assert_valid_ddi33):
    question = QuestionItem(
        agency=AGENCY,
        id="qi-vide",
        version="1",
        name="  ",
        label={"fr": "", "en": "   "},
        text={"fr": "Question ?", "en": ""},
        instruction={"fr": " \x07 "},
        responses=[Representation("code", label={"fr": ""})],
    )
    data = ddi_bytes(shared(question))
    assert_valid_ddi33(data, schemas_dir)
    root = parse(data)
    element = the(root, "//d:QuestionItem")
    names = [etree.QName(c).localname for c in element]
    assert names == ["URN", "Agency", "ID", "Version", "QuestionText", "CodeDomain"]
    assert not root.xpath("//d:InterviewerInstructionScheme | //d:Instruction", namespaces=NS)


def test_a_study_without_title_gets_no_citation(cohort_package, schemas_dir, assert_valid_ddi33):
    cohort_package.study.title = {"fr": ""}
    cohort_package.waves[0].title = {}
    data = ddi_bytes(cohort_package)
    assert_valid_ddi33(data, schemas_dir)
    root = parse(data)
    assert root.find("r:Citation", NS) is None and root.find("g:Group/r:Citation", NS) is None
    maternite, deux_mois = root.findall("g:Group/s:StudyUnit", NS)
    assert maternite.find("r:Citation", NS) is None and deux_mois.find("r:Citation", NS) is not None


@pytest.mark.parametrize(
    ("stored", "written"), [("und", "und"), ("", "und"), ("fr_FR", "fr-FR"), ("en-CA", "en-CA")]
)
def test_language_keys_become_xml_lang(stored, written, schemas_dir, assert_valid_ddi33):
    data = ddi_bytes(shared(variable(label={stored: "Âge"})))
    assert_valid_ddi33(data, schemas_dir)
    assert the(parse(data), "//r:Label/r:Content").get(XML_LANG) == written


def test_a_language_key_xml_lang_cannot_carry_is_refused():
    error = refused(shared(variable(label={"français (France)": "Âge"})))
    assert "Variable fr.ddicat.eveil:var-test:1" in str(error)
    assert "'français (France)'" in str(error)


def test_code_values_keep_meaningful_spaces(schemas_dir, assert_valid_ddi33):
    cat = Category(agency=AGENCY, id="cat-blanc", version="1", label={"fr": "Blanc"})
    codes = CodeList(agency=AGENCY, id="cl-blanc", version="1", codes=[Code("c1", " A ", cat.ref())])
    data = ddi_bytes(shared(cat, codes))
    assert_valid_ddi33(data, schemas_dir)
    value = the(parse(data), "//l:Code/r:Value")
    assert value.text == " A " and value.get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"


# Identities ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad_id", ["qi 1", "qi/1", "", "été"])
def test_an_id_ddi_refuses_is_named_in_the_error(bad_id):
    error = refused(shared(variable(id=bad_id)))
    assert f"ID {bad_id!r}" in str(error)
    assert error.problems[0].location.element == f"Variable {AGENCY}:{bad_id}:1"
    assert error.problems[0].location.file == "bord.test"


def test_an_id_with_an_upper_case_suffix_is_valid(schemas_dir, assert_valid_ddi33):
    assert_valid_ddi33(ddi_bytes(shared(variable(id="var-test.V2"))), schemas_dir)


def test_an_id_the_id_element_refuses_is_identified_by_urn_alone(schemas_dir, assert_valid_ddi33):
    # The 3.3 XSD's r:ID suffix class has a typo (A-Zz-z) that refuses lower-case letters after the dot,
    # while the URN accepts them (the DDI Alliance's QuestionExample uses such IDs).
    data = ddi_bytes(shared(variable(id="qi.v2")))
    assert_valid_ddi33(data, schemas_dir)
    assert b"<r:URN>urn:ddi:" in data and b"<r:ID>qi.v2</r:ID>" not in data


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("agency", "fr ddicat", "agency 'fr ddicat'"),
        ("agency", "fr." + "a" * 64, "is not a DDI agency"),
        ("version", "1.a", "version '1.a'"),
        ("version", None, "has no version"),
        ("version_date", "05/03/2024", "versionDate '05/03/2024'"),
        ("version_date", "2024-02-30", "versionDate '2024-02-30'"),
    ],
)
def test_identity_values_ddi_refuses_are_reported(field, value, message):
    assert message in str(refused(shared(variable(**{field: value}))))


@pytest.mark.parametrize(
    "date", ["2024", "2024-03", "2024-03-05", "2024-03-05T10:15:00", "2024-03-05T10:15:00.5+01:00", "P1Y2M"]
)
def test_every_iso_date_form_ddi_accepts_is_written(date, schemas_dir, assert_valid_ddi33):
    data = ddi_bytes(shared(variable(version_date=date)))
    assert_valid_ddi33(data, schemas_dir)
    assert the(parse(data), "//l:Variable").get("versionDate") == date


def test_a_reference_type_outside_the_ddi_list_is_refused():
    error = refused(shared(variable(concept=Ref(AGENCY, "con-x", "1", "Conceptt"))))
    assert "'Conceptt' is not a DDI-L 3.3 TypeOfObject" in str(error)


def test_a_code_without_category_is_refused():
    codes = CodeList(agency=AGENCY, id="cl-sans", version="1", codes=[Code("c1", "1")])
    error = refused(shared(codes))
    assert error.problems[0].location.element == f"CodeList {AGENCY}:cl-sans:1, Code c1"
    assert "points at no Category" in str(error)


def test_every_problem_is_reported_and_no_file_is_left_behind(tmp_path: Path):
    package = shared(
        variable(id="a b"),
        variable(id="var-ok", version="x"),
        variable(id="var-ok2", representation=Representation("numeric", minimum="zéro")),
    )
    target = tmp_path / "out.xml"
    with pytest.raises(InvalidInput) as caught:
        write_ddi(package, target)
    assert len(caught.value.problems) == 3
    assert "numeric minimum 'zéro' is not a number" in str(caught.value.problems[2])
    assert list(tmp_path.iterdir()) == []


def test_an_empty_package_is_refused():
    assert "nothing to write" in str(refused(DDIPackage()))


def test_an_item_type_the_writer_does_not_know_is_refused():
    error = refused(shared(Item(agency=AGENCY, id="x", version="1")))
    assert "no DDI-L 3.3 element for the item type 'Item'" in str(error)


def test_an_unknown_form_is_a_programming_error(cohort_package):
    with pytest.raises(ValueError):
        ddi_bytes(cohort_package, form="ddi-c")  # type: ignore[arg-type]


# Representations -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("missing", [["-9 -8"], ["N/A"], ["-9", "(refus)"]])
def test_a_missing_value_missingValue_cannot_list_is_refused(missing):
    rep = Representation("code", missing_values=missing)
    assert "cannot be listed in missingValue" in str(refused(shared(variable(representation=rep))))


def test_blank_missing_values_are_skipped_and_tokens_trimmed(schemas_dir, assert_valid_ddi33):
    rep = Representation("numeric", missing_values=[" ", "-9 ", ".a", "99"])
    data = ddi_bytes(shared(variable(representation=rep)))
    assert_valid_ddi33(data, schemas_dir)
    assert the(parse(data), "//r:NumericRepresentation").get("missingValue") == "-9 .a 99"


@pytest.mark.parametrize(
    ("minimum", "element"), [("-12.50", "Low"), ("1e-3", "LowDouble"), ("-INF", "LowDouble")]
)
def test_numeric_bounds_choose_decimal_or_double(minimum, element, schemas_dir, assert_valid_ddi33):
    data = ddi_bytes(shared(variable(representation=Representation("numeric", minimum=minimum))))
    assert_valid_ddi33(data, schemas_dir)
    bound = the(parse(data), "//r:NumberRange/*")
    assert (etree.QName(bound).localname, bound.text) == (element, minimum)


def test_a_representation_kind_the_model_does_not_define_is_refused():
    rep = Representation("boolean")  # type: ignore[arg-type]
    assert "representation kind 'boolean'" in str(refused(shared(variable(representation=rep))))


@pytest.mark.parametrize("field", ["max_length", "min_responses"])
def test_negative_counts_are_refused(field):
    rep = Representation("text", **{field: -1})
    question = QuestionItem(agency=AGENCY, id="qi-neg", version="1", responses=[rep])
    assert "must be a whole number, 0 or more" in str(refused(shared(question)))


def test_bare_representations_of_every_kind_are_valid(schemas_dir, assert_valid_ddi33):
    kinds = ["code", "numeric", "text", "datetime", "other"]
    question = QuestionItem(
        agency=AGENCY, id="qi-nu", version="1", responses=[Representation(kind) for kind in kinds]
    )  # type: ignore[arg-type]
    variables = [variable(id=f"var-{kind}", representation=Representation(kind)) for kind in kinds]  # type: ignore
    data = ddi_bytes(shared(question, *variables))
    assert_valid_ddi33(data, schemas_dir)
    root = parse(data)
    assert the(root, "//d:DateTimeDomain/r:DateTypeCode").text == "DateTime"
    assert len(root.xpath("//d:ResponseDomainInMixed", namespaces=NS)) == 5


def test_a_question_without_response_and_a_grid_without_dimension_are_valid(schemas_dir, assert_valid_ddi33):
    question = QuestionItem(agency=AGENCY, id="qi-rien", version="1", text={"fr": "Merci !"})
    grid = QuestionGrid(
        agency=AGENCY,
        id="qg-rien",
        version="1",
        dimensions=[GridDimension(1), GridDimension(2, label={"en": "Rows"})],
    )
    data = ddi_bytes(shared(question, grid))
    assert_valid_ddi33(data, schemas_dir)
    assert len(parse(data).xpath("//d:Roster", namespaces=NS)) == 2


def test_flow_constructs_with_nothing_in_them_are_valid(schemas_dir, assert_valid_ddi33):
    condition = IfThenElse(agency=AGENCY, id="ite-vide", version="1")
    described = IfThenElse(
        agency=AGENCY,
        id="ite-decrit",
        version="1",
        condition=Command(description={"fr": "Si l'enfant est gardé"}),
    )
    loop = Loop(agency=AGENCY, id="loop-vide", version="1", loop_while=Command("VTL", ""))
    data = ddi_bytes(shared(condition, described, loop))
    assert_valid_ddi33(data, schemas_dir)
    root = parse(data)
    assert not root.xpath("//d:IfThenElse[r:ID='ite-vide']/d:IfCondition", namespaces=NS)
    assert not root.xpath("//d:IfThenElse[r:ID='ite-decrit']/d:IfCondition/r:Command", namespaces=NS)
    assert the(root, "//d:Loop/d:LoopWhile/r:Command/r:ProgramLanguage").text == "VTL"


# Layout edges ----------------------------------------------------------------------------------------------


def test_an_item_placed_in_an_unknown_wave_goes_to_the_resource_package(cohort_package):
    item = cohort_package.items[-1]
    cohort_package.placement[item.key] = "vague-inconnue"
    root = parse(ddi_bytes(cohort_package))
    assert root.xpath("//g:ResourcePackage//l:Variable[r:ID=$id]", namespaces=NS, id=item.id)


def test_a_one_unit_study_with_several_waves_is_written_as_a_group(
    cohort_package, schemas_dir, assert_valid_ddi33
):
    cohort_package.study.element = "StudyUnit"
    data = ddi_bytes(cohort_package)
    assert_valid_ddi33(data, schemas_dir)
    assert len(parse(data).findall("g:Group/s:StudyUnit", NS)) == 2


def test_a_study_unit_without_waves_holds_no_module(cohort_package, schemas_dir, assert_valid_ddi33):
    cohort_package.study.element = "StudyUnit"
    cohort_package.waves = []
    data = ddi_bytes(cohort_package)
    assert_valid_ddi33(data, schemas_dir)
    root = parse(data)
    assert root.find("s:StudyUnit/d:DataCollection", NS) is None
    assert len(root.xpath("//g:ResourcePackage//l:Variable", namespaces=NS)) == 8


def test_empty_dates_are_left_out(cohort_package, schemas_dir, assert_valid_ddi33):
    cohort_package.waves[0].start_date = ""
    cohort_package.waves[1].start_date = ""
    cohort_package.items[0].version_date = ""
    data = ddi_bytes(cohort_package)
    assert_valid_ddi33(data, schemas_dir)
    root = parse(data)
    assert [d.tag.split("}")[1] for d in root.xpath("//r:ReferenceDate/*", namespaces=NS)] == ["EndDate"]
    assert [e.findtext("r:ID", namespaces=NS) for e in root.xpath("//*[@versionDate]")] == ["var-m-allait"]


def test_wave_dates_ddi_refuses_are_reported(cohort_package):
    cohort_package.waves[1].end_date = "fin 2012"
    error = refused(cohort_package)
    assert "end date 'fin 2012'" in str(error)
    assert "wave 2m" in error.problems[0].location.element


def test_an_invalid_instance_id_or_top_level_reference_is_refused(cohort_package):
    from catalogue.model import ItemKey

    assert "ID 'export 1'" in str(refused(cohort_package, instance_id=ItemKey("fr.ddicat", "export 1", None)))
    bad_top = Ref(AGENCY, "var-m-allait", "3", "Varible")
    assert "'Varible'" in str(refused(cohort_package, form="fragment", top_level=[bad_top]))
