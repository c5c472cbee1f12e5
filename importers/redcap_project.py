"""REDCap project XML (CDISC ODM 1.3.1 with `redcap:` extensions): fields, events, repeats, missing codes.

The XML is read back into the data dictionary's terms (`RedcapField`) so that the CSV and the XML of one
project give the same questions and variables: checkbox ItemDefs (`gym___0`, `gym___1`...) are grouped on
`redcap:Variable` into one field, `select`/`textarea`/`int`/`float` are renamed, RangeChecks give the
validation min/max. On top of the dictionary the XML brings events and arms (waves, with the forms each
runs), repeating instruments and events (loops), and the project's missing-data codes. The form status
fields REDCap adds to every form (`<form>_complete`, "Form Status") are bookkeeping and are not imported.
"""

from __future__ import annotations

from lxml import etree

from catalogue.errors import InvalidInput, Location, Problem
from importers.odm_common import OdmDocument, parse_odm, sniff_odm
from importers.redcap_fields import RedcapField, field_type, parse_choices, slider_labels, validation_type
from importers.redcap_instruments import RedcapEvent, RedcapProject, build_package
from importers.registry import ImportOptions, ImportResult

FORM_STATUS_HEADER = "Form Status"


class RedcapProjectImporter:
    """The REDCap project XML export (metadata, events, arms; the ClinicalData it may hold is skipped)."""

    name = "redcap-xml"
    title = "REDCap project XML (CDISC ODM with redcap: extensions)"
    extensions = (".xml",)

    def sniff(self, file_name: str, data: bytes) -> bool:
        """An ODM root carrying the redcap namespace (or SourceSystem="REDCap")."""
        kind = sniff_odm(data)
        return kind is not None and kind.redcap

    def read(self, file_name: str, data: bytes, options: ImportOptions | None = None) -> ImportResult:
        """Build the package; InvalidInput (with located problems) on errors."""
        options = options or ImportOptions()
        document = parse_odm(file_name, data)
        project = read_project(document)
        result = build_package(project, options)
        if any(p.severity == "error" for p in result.problems):
            raise InvalidInput(result.problems)
        return result


def read_project(doc: OdmDocument) -> RedcapProject:
    """The project's fields, forms, events and settings, in dictionary terms."""
    study, mdv, problems = doc.metadata_version()
    project = RedcapProject(file_name=doc.file_name, fields=[], problems=problems)
    globals_ = doc.child(study, "GlobalVariables")
    if globals_ is not None:
        project.title = _text(doc.child(globals_, "StudyName"))
        project.description = _text(doc.child(globals_, "StudyDescription"))
        _read_settings(globals_, project)
    item_defs = {e.get("OID", ""): e for e in doc.children(mdv, "ItemDef")}
    code_lists = {e.get("OID", ""): e for e in doc.children(mdv, "CodeList")}
    groups = {e.get("OID", ""): e for e in doc.children(mdv, "ItemGroupDef")}
    forms: dict[str, str] = {}
    for form_def in doc.children(mdv, "FormDef"):
        form = doc.redcap(form_def, "FormName") or (form_def.get("OID") or "").removeprefix("Form.")
        forms[form_def.get("OID", "")] = form
        project.form_labels[form] = form_def.get("Name") or form
        item_refs = [
            ref
            for group_ref in doc.children(form_def, "ItemGroupRef")
            for group in [groups.get(group_ref.get("ItemGroupOID", ""))]
            if group is not None
            for ref in doc.children(group, "ItemRef")
        ]
        project.fields += _form_fields(doc, form, item_refs, item_defs, code_lists, project)
    project.events = _read_events(doc, mdv, forms)
    return project


def _read_settings(globals_: etree._Element, project: RedcapProject) -> None:
    """Missing-data codes and repeating instruments/events from GlobalVariables."""
    redcap = "{https://projectredcap.org}"
    codes = globals_.find(f"{redcap}MissingDataCodes")
    if codes is not None and _text(codes):
        where = Location(file=project.file_name, line=codes.sourceline, element="redcap:MissingDataCodes")
        parsed, found = parse_choices(_text(codes), where)
        project.missing_codes = parsed
        project.problems.extend(found)
    for node in globals_.iter(f"{redcap}RepeatingInstrument"):
        form = node.get(f"{redcap}RepeatInstrument", "")
        event = node.get(f"{redcap}UniqueEventName", "")
        if form:
            project.repeating_forms.setdefault(form, []).append(event)


def _form_fields(
    doc: OdmDocument,
    form: str,
    item_refs: list[etree._Element],
    item_defs: dict[str, etree._Element],
    code_lists: dict[str, etree._Element],
    project: RedcapProject,
) -> list[RedcapField]:
    fields: list[RedcapField] = []
    by_name: dict[str, RedcapField] = {}
    for ref in item_refs:
        item = item_defs.get(ref.get("ItemOID", ""))
        if item is None:
            project.problems.append(
                Problem(
                    "warning",
                    f"ItemRef to unknown ItemDef {ref.get('ItemOID')!r}",
                    doc.location(ref),
                    "odm-reference",
                )
            )
            continue
        name = doc.redcap(item, "Variable") or item.get("Name", "")
        kind = field_type(doc.redcap(item, "FieldType"))
        if name == f"{form}_complete" and doc.redcap(item, "SectionHeader") == FORM_STATUS_HEADER:
            continue
        code_list = code_lists.get(_code_list_oid(doc, item))
        if kind == "checkbox" and name in by_name:
            continue
        rf = RedcapField(
            name=name,
            form=form,
            field_type=kind,
            location=doc.location(item),
            label=_question(doc, item),
            section_header=doc.redcap(item, "SectionHeader"),
            note=doc.redcap(item, "FieldNote"),
            branching=doc.redcap(item, "BranchingLogic"),
            identifier=doc.redcap(item, "Identifier").lower() == "y",
            required=doc.redcap(item, "RequiredField").lower() == "y",
            matrix_group=doc.redcap(item, "MatrixGroupName"),
            annotation=doc.redcap(item, "FieldAnnotation"),
            calculation=doc.redcap(item, "Calculation"),
            slider_labels=slider_labels(doc.redcap(item, "SliderLabels")),
        )
        if kind in ("text", "calc"):
            rf.validation = validation_type(doc.redcap(item, "TextValidationType"))
        rf.minimum, rf.maximum = _range(doc, item)
        if kind == "checkbox":
            raw = doc.redcap(code_list, "CheckboxChoices") if code_list is not None else ""
            rf.choices, found = parse_choices(raw, rf.location)
            project.problems.extend(found)
        elif kind in ("radio", "dropdown") and code_list is not None:
            rf.choices = [
                (entry.get("CodedValue", ""), _first_translation(doc, doc.child(entry, "Decode")))
                for entry in doc.children(code_list, "CodeListItem")
            ]
        by_name[name] = rf
        fields.append(rf)
    return fields


def _read_events(doc: OdmDocument, mdv: etree._Element, forms: dict[str, str]) -> list[RedcapEvent]:
    """StudyEventDefs in Protocol order, each with the forms it runs."""
    definitions = {e.get("OID", ""): e for e in doc.children(mdv, "StudyEventDef")}
    protocol = doc.child(mdv, "Protocol")
    order = (
        [ref.get("StudyEventOID", "") for ref in doc.children(protocol, "StudyEventRef")]
        if protocol is not None
        else []
    )
    order += [oid for oid in definitions if oid not in order]
    events = []
    for oid in order:
        definition = definitions.get(oid)
        if definition is None:
            continue
        unique = doc.redcap(definition, "UniqueEventName") or oid.removeprefix("Event.")
        events.append(
            RedcapEvent(
                unique_name=unique,
                title=definition.get("Name") or doc.redcap(definition, "EventName") or unique,
                forms=[
                    doc.redcap(ref, "FormName") or forms.get(ref.get("FormOID", ""), "")
                    for ref in doc.children(definition, "FormRef")
                ],
                arm_num=doc.redcap(definition, "ArmNum") or None,
                arm_name=doc.redcap(definition, "ArmName") or None,
                day_offset=doc.redcap(definition, "DayOffset") or None,
                offset_min=doc.redcap(definition, "OffsetMin") or None,
                offset_max=doc.redcap(definition, "OffsetMax") or None,
                repeating=(definition.get("Repeating") or "").lower() == "yes",
            )
        )
    return events


def _question(doc: OdmDocument, item: etree._Element) -> str:
    """The raw text of an ItemDef's Question (the REDCap XML has one TranslatedText, without a language)."""
    return _first_translation(doc, doc.child(item, "Question"))


def _first_translation(doc: OdmDocument, element: etree._Element | None) -> str:
    node = doc.child(element, "TranslatedText") if element is not None else None
    return "".join(node.itertext()) if node is not None else ""


def _code_list_oid(doc: OdmDocument, item: etree._Element) -> str:
    ref = doc.child(item, "CodeListRef")
    return ref.get("CodeListOID", "") if ref is not None else ""


def _range(doc: OdmDocument, item: etree._Element) -> tuple[str, str]:
    """Text Validation Min/Max back from the soft RangeChecks (GE/GT → min, LE/LT → max)."""
    minimum = maximum = ""
    for check in doc.children(item, "RangeCheck"):
        value = _text(doc.child(check, "CheckValue"))
        comparator = (check.get("Comparator") or "").upper()
        if comparator in ("GE", "GT"):
            minimum = value
        elif comparator in ("LE", "LT"):
            maximum = value
    return minimum, maximum


def _text(element: etree._Element | None) -> str:
    return "".join(element.itertext()).strip() if element is not None else ""


IMPORTER = RedcapProjectImporter()
