"""DDI-Codebook 2.5 / 1.2.2 import: ddi-toolkit samples, bilingual two-wave fixtures, streaming, bad input."""

from __future__ import annotations

import re
import resource
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from catalogue.errors import InvalidInput
from catalogue.model import (
    Concept,
    DDIPackage,
    Instrument,
    QuestionItem,
    Sequence,
    Universe,
    Variable,
)
from importers.ddi_codebook import IMPORTER
from importers.registry import ImportOptions
from tests.importers.packages import categories_of, named, of_type, sample_file, written_valid

OPTIONS = ImportOptions(agency="fr.ddicat.test", id_prefix="dc")
FIXTURE = "ddi_codebook/eveil_2vagues_fr_en_ddi25.xml"
LATIN1 = "ddi_codebook/barometre_2018_nada122_latin1.xml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
PROJECT = Path(__file__).resolve().parents[2]


def independent_counts(path: Path) -> dict[str, int]:
    """Variables, code lists and categories by the documented rule, with the standard library's parser.

    A var gets a code list when one of its catgry is not missing (missing="Y" or listed in invalrng), or
    when it is a character variable with categories; identical lists (values, labels, missing flags) are one.
    """

    def local(tag: str) -> str:
        return tag.rsplit("}", 1)[-1]

    root = ElementTree.parse(path).getroot()
    variables = [e for e in root.iter() if local(e.tag) == "var"]
    lists = set()
    for var in variables:
        invalid = {
            i.get("VALUE") for r in var if local(r.tag) == "invalrng" for i in r if local(i.tag) == "item"
        }
        categories, seen = [], set()
        for catgry in (c for c in var.iter() if local(c.tag) == "catgry"):
            value = next((x.text.strip() for x in catgry if local(x.tag) == "catValu" and x.text), None)
            if value is None or value in seen:
                continue
            seen.add(value)
            label = tuple(
                (x.get(XML_LANG) or x.get("xml-lang"), " ".join("".join(x.itertext()).split()))
                for x in catgry
                if local(x.tag) == "labl"
            )
            categories.append((value, label, catgry.get("missing") == "Y" or value in invalid))
        fmt = next((x for x in var if local(x.tag) == "varFormat"), None)
        character = fmt is not None and fmt.get("type") == "character"
        if categories and (any(not missing for _, _, missing in categories) or character):
            lists.add(tuple(categories))
    return {"Variable": len(variables), "CodeList": len(lists), "Category": sum(len(c) for c in lists)}


# The public samples -----------------------------------------------------------------------------------------


def test_ess10_codebook(samples_dir: Path, schemas_dir: Path) -> None:
    path = sample_file(samples_dir, "ddi_codebook", "ess10_from_sav_ddi25_missingY.xml")
    data = path.read_bytes()
    package = IMPORTER.read(path.name, data, OPTIONS).package
    counts = package.counts()
    # 618 var elements (also counted with a regex), 559 of them coded, 234 distinct category sets, 8464
    # categories
    # (computed with xml.etree by independent_counts).
    assert len(re.findall(rb"<ddi:var ", data)) == 618
    expected = independent_counts(path)
    assert expected == {"Variable": 618, "CodeList": 234, "Category": 8464}
    assert {k: counts[k] for k in expected} == expected
    assert "QuestionItem" not in counts and "Instrument" not in counts  # no qstn in this codebook
    variables = named(package, Variable)
    assert variables["cntry"].label == {"en": "Country"}
    assert categories_of(package, variables["cntry"].representation.code_list.id)["FR"].label == {
        "en": "France"
    }
    # netustm: minutes (numeric) whose only categories are the missing codes 6666/7777/8888/9999.
    minutes = variables["netustm"].representation
    assert (minutes.kind, minutes.missing_values) == ("numeric", ["6666", "7777", "8888", "9999"])
    assert ("ddicat:missingValueLabel", "8888 Don't know") in variables["netustm"].user_attributes
    internet = variables["netusoft"].representation
    assert internet.kind == "code" and internet.missing_values == ["7", "8", "9"]
    assert categories_of(package, internet.code_list.id)["8"].is_missing
    assert not categories_of(package, internet.code_list.id)["1"].is_missing
    assert (
        variables["name"].representation.kind == "text" and variables["name"].representation.max_length == 10
    )
    assert ("ddicat:dataFile", "ESS10.sav") in variables["idno"].user_attributes
    assert package.study is not None and package.study.title == {"und": "ESS10.sav"}
    assert package.waves == []
    written_valid(package, schemas_dir)


def test_prefixed_nes1948_and_the_minimal_codebook(samples_dir: Path, schemas_dir: Path) -> None:
    path = sample_file(samples_dir, "ddi_codebook", "icpsr_NES1948_ddi25_prefixed.xml")
    package = IMPORTER.read(path.name, path.read_bytes(), OPTIONS).package
    expected = independent_counts(path)
    assert expected == {"Variable": 67, "CodeList": 45, "Category": 454}
    assert {k: package.counts()[k] for k in expected} == expected
    assert package.study.title == {"und": "ANES 1948 Time Series Study"}
    assert package.study.abstract["und"].startswith("This study is part of a time-series")
    calls = named(package, Variable)["V480005"]
    assert categories_of(package, calls.representation.code_list.id)["3"].label == {"en": "3. THREE CALLS"}
    written_valid(package, schemas_dir)

    simple = samples_dir / "ddi_codebook" / "simple_yndk_ddi25.xml"
    package = IMPORTER.read(simple.name, simple.read_bytes(), OPTIONS).package
    assert independent_counts(simple) == {"Variable": 1, "CodeList": 1, "Category": 3}
    variable = named(package, Variable)["yesnodk"]
    answers = categories_of(package, variable.representation.code_list.id)
    assert [c.is_missing for c in answers.values()] == [False, False, True]
    assert answers["9"].label == {"en": "Don't know"}
    written_valid(package, schemas_dir)


# Bilingual fixtures -----------------------------------------------------------------------------------------


@pytest.fixture
def codebook(fixtures_dir: Path) -> DDIPackage:
    path = fixtures_dir / FIXTURE
    return IMPORTER.read(path.name, path.read_bytes(), OPTIONS).package


def test_questions_languages_and_instructions(codebook: DDIPackage) -> None:
    question = named(codebook, QuestionItem)["allait"]
    assert question.text == {
        "fr": "À propos de l'alimentation de votre bébé. Allaitez-vous votre enfant ?",
        "en": "Are you breastfeeding your child?",
    }
    # ivuInstr, then the forward (routing) text an interviewer reads.
    assert question.instruction == {
        "fr": "Lire les modalités à voix haute. Si non, passer à la question sur le sevrage.",
        "en": "Read the answers aloud.",
    }
    variable = named(codebook, Variable)["allait"]
    assert variable.questions == [question.ref()]
    assert variable.label == {"fr": "Allaitement à la maternité", "en": "Breastfeeding at the maternity ward"}
    assert codebook.study.title == {
        "fr": "Cohorte Éveil : santé de l'enfant",
        "en": "Éveil cohort: child health",
    }
    # No question text, no question.
    assert named(codebook, Variable)["ecran_tv"].questions == []


def test_missing_categories_invalid_ranges_and_representations(codebook: DDIPackage) -> None:
    variables = named(codebook, Variable)
    breastfeeding = variables["allait"].representation
    assert breastfeeding.missing_values == ["-9", "-8"]
    answers = categories_of(codebook, breastfeeding.code_list.id)
    assert answers["-9"].is_missing and answers["-8"].is_missing and not answers["1"].is_missing
    assert answers["-8"].label == {"fr": "Refus", "en": "Refused"}
    weight = variables["poids_nais"].representation
    assert (weight.kind, weight.minimum, weight.maximum, weight.decimal_positions, weight.numeric_type) == (
        "numeric",
        "0.3",
        "6.5",
        2,
        "Decimal",
    )
    assert weight.missing_values == ["-9"]
    assert ("ddicat:missingValueLabel", "-9 Non renseigné") in variables["poids_nais"].user_attributes
    town = variables["commune"].representation
    assert (town.kind, town.max_length) == ("text", 40)
    date = variables["date_entretien"].representation
    assert (date.kind, date.date_type, date.format) == ("datetime", "Date", "DATE11")
    # The three screen dummies and the two frequency items share one code list each.
    assert (
        len(
            {
                variables[n].representation.code_list.id
                for n in ("ecran_tv", "ecran_tablette", "ecran_telephone")
            }
        )
        == 1
    )
    frequency = categories_of(codebook, variables["freq_fruits"].representation.code_list.id)
    assert frequency["99"].is_missing and frequency["99"].label == {"fr": "NSP"}


def test_universe_concept_groups_and_instrument(codebook: DDIPackage) -> None:
    universes = of_type(codebook, Universe)
    assert len(universes) == 1  # the same text on two variables is one universe
    assert universes[0].label == {"fr": "Mères ayant accouché", "en": "Mothers who gave birth"}
    variables = named(codebook, Variable)
    assert variables["sevrage"].universes == [universes[0].ref()]
    concept = of_type(codebook, Concept)[0]
    assert variables["allait"].concept == concept.ref()
    assert ("ddicat:vocabulary", "ELSST") in concept.user_attributes
    assert ("ddicat:variableGroup", "Écrans regardés") in variables["ecran_telephone"].user_attributes
    sequences = named(codebook, Sequence)
    assert sequences["G1"].label == {"fr": "Allaitement", "en": "Breastfeeding"}
    assert len(sequences["G1"].children) == 3 and len(sequences["G3"].children) == 2
    instrument = of_type(codebook, Instrument)[0]
    assert instrument.root == sequences["EVEIL"].ref()


def test_one_wave_per_data_file(codebook: DDIPackage, schemas_dir: Path) -> None:
    assert [w.name for w in codebook.waves] == ["eveil_maternite", "eveil_2ans"]
    maternite, deux_ans = codebook.waves
    variables = named(codebook, Variable)
    assert codebook.placement[variables["allait"].key] == maternite.id
    assert codebook.placement[named(codebook, QuestionItem)["allait"].key] == maternite.id
    assert codebook.placement[variables["freq_fruits"].key] == deux_ans.id
    assert codebook.placement[variables["commune"].key] is None  # in both files: shared
    # A code list used from one wave only goes with that wave, its categories too.
    code_list = variables["allait"].representation.code_list
    assert codebook.placement[code_list.key] == maternite.id
    first_category = next(c for c in codebook.items if c.id == code_list.id).codes[0].category
    assert codebook.placement[first_category.key] == maternite.id
    assert codebook.placement[of_type(codebook, Universe)[0].key] is None
    assert codebook.study.element == "Group"
    written_valid(codebook, schemas_dir)


def test_nada_122_namespace_in_latin1(fixtures_dir: Path, schemas_dir: Path) -> None:
    path = fixtures_dir / LATIN1
    assert "Baromètre".encode("latin-1") in path.read_bytes()
    package = IMPORTER.read(path.name, path.read_bytes(), OPTIONS).package
    variables = named(package, Variable)
    assert variables["age"].label == {"fr": "Âge révolu"}
    assert (variables["age"].representation.minimum, variables["age"].representation.maximum) == ("15", "85")
    smoker = categories_of(package, variables["fumeur"].representation.code_list.id)
    assert smoker["1"].label == {"fr": "Oui, régulièrement"}
    assert smoker["9"].is_missing  # "(NSP)"
    assert package.study.title == {"fr": "Baromètre santé 2018"}
    written_valid(package, schemas_dir)


def test_namespace_free_codebook_with_bom_and_reimport_ids(fixtures_dir: Path) -> None:
    text = (fixtures_dir / FIXTURE).read_text("utf-8").replace(' xmlns="ddi:codebook:2_5"', "")
    data = b"\xef\xbb\xbf" + text.encode("utf-8")
    first = IMPORTER.read("sans-ns.xml", data, OPTIONS).package
    again = IMPORTER.read("sans-ns.xml", data, OPTIONS).package
    assert first.counts()["Variable"] == 10
    assert [i.id for i in first.items] == [i.id for i in again.items]
    assert all(item.version is None for item in first.items)


# Size and bad inputs ----------------------------------------------------------------------------------------


def test_hundred_megabytes_stream_in_bounded_memory(tmp_path: Path) -> None:
    """Handled: a 100 MB codebook (per-category statistics, as NADA exports carry) streams var by var."""
    path = tmp_path / "gros.xml"
    statistics = "".join(f"<catStat type='freq' wgtd='wgtd'>{i}</catStat>" for i in range(2000))
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<codeBook xmlns="ddi:codebook:2_5"><dataDscr>')
        index = 0
        while out.tell() < 100 * 1024 * 1024:
            out.write(
                f'<var ID="V{index}" name="v{index}"><labl>Variable {index}</labl>'
                f"<catgry><catValu>1</catValu><labl>Oui</labl>{statistics}</catgry>"
                f"<catgry><catValu>2</catValu><labl>Non</labl></catgry></var>"
            )
            index += 1
        out.write("</dataDscr></codeBook>")
    script = textwrap.dedent(f"""
        import resource, sys
        from importers.ddi_codebook import IMPORTER
        data = open({str(path)!r}, "rb").read()
        package = IMPORTER.read("gros.xml", data).package
        # VmHWM: this process's own peak (ru_maxrss of a forked child counts the parent's pages too).
        peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))
        print(package.counts()["Variable"], len(data), peak)
    """)
    run = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT, capture_output=True, text=True, check=True
    )
    variables, size, peak_kb = (int(x) for x in run.stdout.split())
    assert variables == index and size >= 100 * 1024 * 1024
    # The bytes themselves are in memory once; a whole lxml tree of them takes about 800 MB more (measured
    # on the XSD gate's whole-tree mode), so 400 MB of slack still tells streaming from not streaming.
    assert peak_kb * 1024 < size + 400 * 1024 * 1024, f"peak {peak_kb // 1024} MB"
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss > 0


@pytest.mark.parametrize(
    "name, data, code",
    [
        ("vide.xml", b"  \n", "empty"),
        ("image.xml", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "xml-syntax"),
        ("dictionnaire.xml", "variable;modalité;libellé\nage;;Âge\n".encode("cp1252"), "xml-syntax"),
        ("ddi-l.xml", b'<DDIInstance xmlns="ddi:instance:3_3"/>', "not-ddi-codebook"),
    ],
)
def test_empty_and_wrong_format_files_are_refused(name: str, data: bytes, code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        IMPORTER.read(name, data, OPTIONS)
    assert caught.value.problems[0].code == code


def test_truncated_file_is_refused_at_its_line(fixtures_dir: Path) -> None:
    data = (fixtures_dir / FIXTURE).read_bytes()
    cut = data[: data.index(b'<var ID="V7"') + 40]
    with pytest.raises(InvalidInput) as caught:
        IMPORTER.read("coupe.xml", cut, OPTIONS)
    problem = caught.value.problems[0]
    assert problem.code == "xml-syntax" and problem.location.line == cut.count(b"\n") + 1


def test_entities_are_not_expanded() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE codeBook [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">'
        b'<!ENTITY c SYSTEM "file:///etc/passwd">]><codeBook xmlns="ddi:codebook:2_5"><dataDscr>'
        b'<var name="x"><labl>&b;&c;</labl></var></dataDscr></codeBook>'
    )
    package = IMPORTER.read("entites.xml", bomb, OPTIONS).package
    label = named(package, Variable)["x"].label
    assert "root:" not in "".join(label.values()) and "aaaaaaaaaa" not in "".join(label.values())


def test_var_without_name_is_reported() -> None:
    data = (
        b'<codeBook xmlns="ddi:codebook:2_5"><dataDscr>\n<var ID="V1"><labl>Sans nom</labl></var>\n'
        b'<var ID="V2" name="ok"/></dataDscr></codeBook>'
    )
    with pytest.raises(InvalidInput) as caught:
        IMPORTER.read("sans-nom.xml", data, OPTIONS)
    problem = caught.value.problems[0]
    assert (problem.code, problem.location.line, problem.location.element) == ("ddic-var", 2, "var")


# Sniffing ---------------------------------------------------------------------------------------------------


def test_sniff_by_content_whatever_the_extension(fixtures_dir: Path, samples_dir: Path) -> None:
    for path in [
        fixtures_dir / FIXTURE,
        fixtures_dir / LATIN1,
        *(samples_dir / "ddi_codebook").glob("*.xml"),
    ]:
        assert IMPORTER.sniff("codebook.txt", path.read_bytes()), path.name


def _is_codebook(path: Path) -> bool:
    """Whether a file is DDI-Codebook after all (the DDI-L tests keep one, to check the reader refuses it)."""
    try:
        return ElementTree.parse(path).getroot().tag.rsplit("}", 1)[-1] == "codeBook"
    except (ElementTree.ParseError, UnicodeDecodeError, ValueError):
        return False


def test_other_formats_are_not_claimed(samples_dir: Path, fixtures_dir: Path) -> None:
    others = [p for p in samples_dir.rglob("*") if p.is_file() and "ddi_codebook" not in p.parts]
    others += [p for p in fixtures_dir.rglob("*") if p.is_file() and "ddi_codebook" not in p.parts]
    claimed = [p for p in others if IMPORTER.sniff(p.name, p.read_bytes())]
    assert [p.name for p in claimed if not _is_codebook(p)] == []
