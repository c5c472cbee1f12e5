"""Importers of the source formats cohort teams hold, registered through one interface.

DDI-L itself is not an importer: it is read by `catalogue.ddi.reader` after the XSD gate. Every other
format (REDCap, SPSS, Opal codebooks...) is an `Importer` that turns a file into a `DDIPackage`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from catalogue.errors import InvalidInput, Location, Problem
from catalogue.model import DDIPackage

DDI_FORMAT = "ddi-l"


@dataclass(slots=True)
class ImportOptions:
    """What the user said about the import, beyond the file.

    `agency` is the DDI agency of the items built; `id_prefix` starts every generated ID (the study handle,
    so that two studies importing the same REDCap template get distinct items); `split_languages` asks to
    split "Texte / Text" strings into (first, second) languages; `column_mapping` maps the catalogue's
    codebook fields to the user's column names.
    """

    agency: str = "fr.ddicat"
    id_prefix: str = "ddicat"
    wave: str | None = None
    split_languages: tuple[str, str] | None = None
    default_language: str = "und"
    column_mapping: dict[str, str] | None = None
    preset: str | None = None


@dataclass(slots=True)
class ImportResult:
    """The package an importer built and the problems it met.

    `data_file` marks metadata read from a data file (SPSS, Stata, SAS...): it has no question text, so the
    catalogue merges it by variable name with the questionnaire already imported for the same wave.
    """

    package: DDIPackage
    problems: list[Problem] = field(default_factory=list)
    data_file: bool = False


class Importer(Protocol):
    """One source format: how to recognise it by content, and how to read it into the model."""

    name: str
    title: str
    extensions: tuple[str, ...]

    def sniff(self, file_name: str, data: bytes) -> bool:
        """True when the bytes are this format (by content; the extension only breaks ties)."""
        ...

    def read(self, file_name: str, data: bytes, options: ImportOptions) -> ImportResult:
        """Build the package; collect every problem with its location; raise InvalidInput on errors."""
        ...


# The built-in importers, most specific first: detection asks each in turn and the loosest (codebook) last.
BUILTIN: tuple[str, ...] = (
    "importers.redcap_project:IMPORTER",
    "importers.odm:IMPORTER",
    "importers.ddi_codebook:IMPORTER",
    "importers.limesurvey:IMPORTER",
    "importers.qualtrics:IMPORTER",
    "importers.statfiles:IMPORTER",
    "importers.xlsform:IMPORTER",
    "importers.table_schema:IMPORTER",
    "importers.redcap_dictionary:IMPORTER",
    "importers.limesurvey_tsv:IMPORTER",
    "importers.codebook:IMPORTER",
)
ENTRY_POINT_GROUP = "ddicat.importers"

_loaded: list[Importer] | None = None


def importers() -> list[Importer]:
    """Every importer: the built-ins, then those other packages declare under the `ddicat.importers`
    entry point group (a third party registers exactly as the built-ins do)."""
    global _loaded
    if _loaded is None:
        from importlib import import_module
        from importlib.metadata import entry_points

        found: list[Importer] = []
        for spec in BUILTIN:
            module_name, attribute = spec.split(":")
            try:
                module = import_module(module_name)
            except ModuleNotFoundError as error:
                if error.name == module_name:
                    continue
                raise
            found.append(getattr(module, attribute))
        for entry in entry_points(group=ENTRY_POINT_GROUP):
            found.append(entry.load())
        _loaded = found
    return _loaded


def detect_importer(file_name: str, data: bytes, *, requested: str | None = None) -> Importer | None:
    """The importer for this file, or None when it is DDI-L (or unknown: the DDI-L gate then says why)."""
    if requested and requested != DDI_FORMAT:
        for importer in importers():
            if importer.name == requested:
                return importer
        names = ", ".join([DDI_FORMAT] + [i.name for i in importers()])
        raise InvalidInput([Problem("error", f"unknown format {requested!r}; known formats: {names}",
                                    Location(file=file_name), "unknown-format")])
    if requested == DDI_FORMAT:
        return None
    for importer in importers():
        if importer.sniff(file_name, data):
            return importer
    return None
