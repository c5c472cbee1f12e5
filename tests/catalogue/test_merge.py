"""Merging a data file's metadata into the questionnaire of its wave (catalogue/merge.py)."""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path

import pytest
from lxml import etree

from catalogue.ddi.reader import read_ddi
from catalogue.ddi.writer import ddi_bytes
from catalogue.merge import merge_data_file
from catalogue.model import (
    Category,
    Code,
    CodeList,
    DDIPackage,
    Item,
    QuestionItem,
    Ref,
    Representation,
    Variable,
    WaveInfo,
    content_hash,
)
from catalogue.versioning import assign_versions
from importers.registry import ImportOptions
from importers.statfiles import IMPORTER as STATFILES

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
AGENCY = "fr.ddicat.epipage2"
Q_AGENCY = "fr.ddicat.eveil"


@lru_cache(maxsize=1)
def _schema(path: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(path, etree.XMLParser(resolve_entities=False, no_network=True)))


def assert_valid(package: DDIPackage, schemas_dir: Path) -> None:
    xml = ddi_bytes(package)
    schema = _schema(str(schemas_dir / "3.3" / "instance.xsd"))
    assert schema.validate(etree.fromstring(xml)), [str(e) for e in schema.error_log][:5]


def variables(package: DDIPackage) -> dict[str, Variable]:
    return {v.name or "": v for v in package.items if isinstance(v, Variable)}


def find(package: DDIPackage, item_id: str) -> Item:
    return next(item for item in package.items if item.id == item_id)


# The demo wave: a DDI-L questionnaire and its SPSS file -----------------------------------------------------


@pytest.fixture(scope="module")
def demo() -> tuple[DDIPackage, DDIPackage]:
    questionnaire = EXAMPLES / "epipage2-8a-questionnaire.xml"
    data = EXAMPLES / "epipage2-8a-data.sav"
    if not (questionnaire.is_file() and data.is_file()):
        pytest.skip("run examples/build_spss_demo.py first")
    read = read_ddi(questionnaire.read_bytes(), file_name=questionnaire.name).package
    options = ImportOptions(agency=AGENCY, id_prefix="epipage2-8a-data")
    return read, STATFILES.read(data.name, data.read_bytes(), options).package


def test_demo_wave_report(demo: tuple[DDIPackage, DDIPackage], schemas_dir: Path) -> None:
    questionnaire, data_file = demo
    merged, report = merge_data_file(questionnaire, data_file)
    # Written into the demo on purpose (examples/build_spss_demo.py): 26 shared names (SANTE_GEN upper-cased
    # in the .sav), 3 derived or design variables only in the data file, 4 free answers only in the
    # questionnaire.
    assert len(report.matched) == 26 and "sante_gen" in report.matched
    assert report.data_file_only == ["imc", "age_mois", "pond_8a"]
    assert report.questionnaire_only == ["date_quest", "hospit_motif", "coucher", "commentaire"]
    assert report.summary() == (
        "26 variables matched the questionnaire, 3 are only in the data file, 4 only in the questionnaire"
    )
    assert len(variables(merged)) == 33
    assign_versions(merged, lambda pairs: {})
    assert_valid(merged, schemas_dir)


def test_matched_variable_keeps_the_questionnaire_identity(demo: tuple[DDIPackage, DDIPackage]) -> None:
    questionnaire, data_file = demo
    merged, _report = merge_data_file(questionnaire, data_file)
    sante = variables(merged)["sante_gen"]
    original = variables(questionnaire)["sante_gen"]
    assert (sante.agency, sante.id, sante.name) == (original.agency, original.id, "sante_gen")
    assert sante.questions == original.questions and sante.label == original.label
    assert sante.representation is not None
    assert sante.representation.code_list == original.representation.code_list  # type: ignore[union-attr]
    assert sante.representation.format == "F3.0"  # the storage format comes from the data file
    assert ("ddicat:dataSource", "data-file") in sante.user_attributes
    taille = variables(merged)["taille_cm"].representation
    assert taille is not None and (taille.unit, taille.minimum, taille.decimal_positions, taille.format) == (
        "cm",
        "90",
        1,
        "F8.1",
    )
    imc = variables(merged)["imc"]
    # The questionnaire document describes its wave: data-file variables join it.
    assert imc.questions == [] and merged.placement[imc.key] == "epipage2-8a-su"


def test_untouched_items_keep_their_versions(demo: tuple[DDIPackage, DDIPackage]) -> None:
    questionnaire, data_file = demo
    before = copy.deepcopy(questionnaire)
    merged, _report = merge_data_file(questionnaire, data_file)
    assert [content_hash(i) for i in questionnaire.items] == [
        content_hash(i) for i in before.items
    ]  # inputs kept
    commentaire = variables(merged)["commentaire"]
    assert commentaire.version == "1"
    assert variables(merged)["taille_cm"].version is None  # changed: the catalogue gives the next version
    assert all(i.version == "1" for i in merged.items if isinstance(i, QuestionItem))


# Small packages for each rule -----------------------------------------------------------------------------


def category(
    agency: str,
    item_id: str,
    fr: str,
    en: str | None = None,
    *,
    missing: bool = False,
    version: str | None = "1",
) -> Category:
    label = {"fr": fr, "en": en} if en else {"und": fr}
    return Category(agency=agency, id=item_id, version=version, label=label, is_missing=missing)


def code_list(
    agency: str, item_id: str, cats: list[Category], values: list[str], version: str | None = "1"
) -> CodeList:
    codes = [
        Code(id=f"{item_id}-{v}", value=v, category=c.ref(), agency=agency)
        for c, v in zip(cats, values, strict=True)
    ]
    return CodeList(agency=agency, id=item_id, version=version, codes=codes)


def questionnaire_package() -> DDIPackage:
    oui = category(Q_AGENCY, "cat-oui", "Oui", "Yes")
    non = category(Q_AGENCY, "cat-non", "Non", "No")
    nsp = category(Q_AGENCY, "cat-nsp", "Ne sait pas", "Don't know")
    ouinon = code_list(Q_AGENCY, "cl-ouinon", [oui, non], ["1", "2"])
    ouinon_nsp = code_list(Q_AGENCY, "cl-ouinon-nsp", [oui, non, nsp], ["1", "2", "9"])
    question = QuestionItem(
        agency=Q_AGENCY,
        id="qi-allait",
        version="1",
        name="allait",
        text={"fr": "Allaitez-vous ?", "en": "Are you breastfeeding?"},
        responses=[Representation(kind="code", code_list=ouinon.ref())],
    )
    wave = WaveInfo(agency=Q_AGENCY, id="wave-2m", version="1", name="2m")
    items: list[Item] = [
        oui,
        non,
        nsp,
        ouinon,
        ouinon_nsp,
        question,
        Variable(
            agency=Q_AGENCY,
            id="v-allait",
            version="1",
            name="allait",
            label={"fr": "Allaitement"},
            questions=[question.ref()],
            representation=Representation(kind="code", code_list=ouinon.ref()),
        ),
        Variable(
            agency=Q_AGENCY,
            id="v-asthme",
            version="1",
            name="asthme",
            label={"fr": "Asthme"},
            representation=Representation(kind="code", code_list=ouinon_nsp.ref()),
        ),
        Variable(
            agency=Q_AGENCY,
            id="v-poids",
            version="1",
            name="poids",
            label={"fr": "Poids"},
            representation=Representation(kind="text", max_length=10),
        ),
        Variable(
            agency=Q_AGENCY,
            id="v-aliments___1",
            version="1",
            name="aliments___1",
            label={"fr": "Lait"},
            representation=Representation(kind="code", code_list=ouinon.ref()),
        ),
        Variable(
            agency=Q_AGENCY,
            id="v-taille",
            version="1",
            name="taille",
            label={"fr": "Taille"},
            representation=Representation(kind="numeric", unit="cm", minimum="40", maximum="200"),
        ),
    ]
    return DDIPackage(waves=[wave], items=items, placement={item.key: wave.id for item in items})


def data_file_package() -> DDIPackage:
    a = "fr.ddicat.eveil"
    cats = [
        category(a, "d-cat-1", "Oui"),
        category(a, "d-cat-2", "Non"),
        category(a, "d-cat-m9", "Ne sait pas", missing=True, version=None),
    ]
    for c in cats:
        c.version = None
    with_missing = code_list(a, "d-cl-allait", cats, ["1", "2", "-9"], version=None)
    asthme_cats = [
        category(a, "d-cat-a1", "oui", version=None),
        category(a, "d-cat-a2", "non", version=None),
        category(a, "d-cat-a9", "NSP", missing=True, version=None),
    ]
    asthme_list = code_list(a, "d-cl-asthme", asthme_cats, ["1", "2", "9"], version=None)
    data = [("ddicat:dataSource", "data-file")]
    items: list[Item] = [
        *cats,
        with_missing,
        *asthme_cats,
        asthme_list,
        Variable(
            agency=a,
            id="d-v-allait",
            version=None,
            name="ALLAIT",
            label={"und": "allait"},
            user_attributes=data,
            representation=Representation(
                kind="code", code_list=with_missing.ref(), missing_values=["-9"], format="F8.0"
            ),
        ),
        Variable(
            agency=a,
            id="d-v-asthme",
            version=None,
            name="asthme",
            user_attributes=data,
            representation=Representation(kind="code", code_list=asthme_list.ref(), missing_values=["9"]),
        ),
        Variable(
            agency=a,
            id="d-v-poids",
            version=None,
            name="poids",
            user_attributes=data,
            representation=Representation(kind="numeric", decimal_positions=2, format="F8.2"),
        ),
        Variable(
            agency=a,
            id="d-v-aliments___1",
            version=None,
            name="aliments___1",
            user_attributes=data,
            representation=Representation(kind="numeric", format="F1.0", missing_values=["-8"]),
        ),
        Variable(
            agency=a,
            id="d-v-taille",
            version=None,
            name="taille",
            user_attributes=data,
            representation=Representation(kind="numeric", decimal_positions=1, format="F5.1"),
        ),
        Variable(
            agency=a,
            id="d-v-pond",
            version=None,
            name="pond",
            label={"und": "Poids de sondage"},
            user_attributes=data,
            representation=Representation(kind="numeric", format="F8.4"),
        ),
    ]
    return DDIPackage(items=items, placement={item.key: None for item in items})


def test_extra_data_file_codes_make_a_variable_code_list_of_its_own() -> None:
    merged, report = merge_data_file(questionnaire_package(), data_file_package())
    allait = variables(merged)["allait"]
    assert allait.id == "v-allait" and report.matched[0] == "allait"  # ALLAIT matched case-insensitively
    assert allait.representation is not None and allait.representation.code_list is not None
    own = find(merged, allait.representation.code_list.id)
    assert isinstance(own, CodeList) and [c.value for c in own.codes] == ["1", "2", "-9"]
    assert [c.category.id for c in own.codes[:2]] == [
        "cat-oui",
        "cat-non",
    ]  # the questionnaire's bilingual ones
    extra = find(merged, own.codes[2].category.id)  # type: ignore[union-attr]
    assert isinstance(extra, Category) and extra.is_missing
    question = find(merged, "qi-allait")
    assert question.responses[0].code_list.id == "cl-ouinon"  # type: ignore[attr-defined]  # the question keeps its list
    assert allait.representation.missing_values == ["-9"] and allait.representation.format == "F8.0"


def test_missing_declared_by_the_data_file_flags_the_questionnaire_category() -> None:
    merged, _report = merge_data_file(questionnaire_package(), data_file_package())
    asthme = variables(merged)["asthme"]
    assert asthme.representation.code_list.id == "cl-ouinon-nsp"  # type: ignore[union-attr]  # same codes
    nsp = find(merged, "cat-nsp")
    assert isinstance(nsp, Category) and nsp.is_missing and nsp.version is None
    lists = find(merged, "cl-ouinon-nsp")
    assert lists.version is None  # it refers to a changed category: it changes too
    assert find(merged, "cat-oui").version == "1"
    assert asthme.representation.missing_values == ["9"]  # type: ignore[union-attr]


def test_other_representation_rules() -> None:
    merged, report = merge_data_file(questionnaire_package(), data_file_package())
    poids = variables(merged)["poids"].representation  # text asked, number stored: the data file wins, warned
    assert poids is not None and (poids.kind, poids.decimal_positions) == ("numeric", 2)
    # asthme's code 9 reads "NSP" in the data file and "Ne sait pas" in the questionnaire: kept, and said
    assert [p.code for p in report.problems] == ["label-differs", "representation-kind"]
    assert "'NSP'" in report.problems[0].message
    checkbox = variables(merged)["aliments___1"].representation  # REDCap name matched as it is
    assert checkbox is not None and checkbox.code_list.id == "cl-ouinon" and checkbox.missing_values == ["-8"]  # type: ignore[union-attr]
    taille = variables(merged)["taille"].representation  # same kind: completed with storage details
    assert taille is not None and (taille.unit, taille.maximum, taille.decimal_positions, taille.format) == (
        "cm",
        "200",
        1,
        "F5.1",
    )


def test_unmatched_variables_are_added_in_the_wave_and_others_stay() -> None:
    merged, report = merge_data_file(questionnaire_package(), data_file_package())
    assert report.data_file_only == ["pond"] and report.questionnaire_only == []
    pond = variables(merged)["pond"]
    assert pond.id == "d-v-pond" and merged.placement[pond.key] == "wave-2m"
    assert not any(isinstance(i, Category) and i.id.startswith("d-cat-a") for i in merged.items)  # not needed


def test_data_file_ids_colliding_with_the_questionnaire_are_renamed() -> None:
    questionnaire = questionnaire_package()
    data_file = data_file_package()
    clash = next(i for i in data_file.items if i.id == "d-cl-allait")
    clash.id = "cl-ouinon"  # same ID as the questionnaire's list, other content
    for item in data_file.items:
        if isinstance(item, Variable) and item.representation and item.representation.code_list:
            if item.representation.code_list.id == "d-cl-allait":
                item.representation.code_list = Ref(clash.agency, "cl-ouinon", None, "CodeList")
    extra = Variable(
        agency=clash.agency,
        id="d-v-nouveau",
        version=None,
        name="nouveau",
        representation=Representation(
            kind="code", code_list=Ref(clash.agency, "cl-ouinon", None, "CodeList")
        ),
    )
    data_file.items.append(extra)
    merged, _report = merge_data_file(questionnaire, data_file)
    nouveau = variables(merged)["nouveau"]
    assert nouveau.representation.code_list.id == "cl-ouinon-data"  # type: ignore[union-attr]
    assert [c.value for c in find(merged, "cl-ouinon-data").codes] == ["1", "2", "-9"]  # type: ignore[attr-defined]
    assert [c.value for c in find(merged, "cl-ouinon").codes] == ["1", "2"]  # type: ignore[attr-defined]


def test_merged_small_package_writes_valid_ddi(schemas_dir: Path) -> None:
    merged, _report = merge_data_file(questionnaire_package(), data_file_package())
    merged.study = None
    merged.waves = []
    merged.placement = {item.key: None for item in merged.items}
    assign_versions(merged, lambda pairs: {})
    assert_valid(merged, schemas_dir)
