"""XSD validation and the profile in one streaming pass, since both must read the whole document."""

from __future__ import annotations

from dataclasses import dataclass

from ddi_schemas.compiled import SchemaSet
from ddi_schemas.document import DocumentInfo, open_document
from ddi_schemas.problems import InvalidInput, Problem
from ddi_schemas.profile import Known, ProfileChecker, ProfileReport, settled_report
from ddi_schemas.stream import Source, stream
from ddi_schemas.validate import ValidationReport, xsd_problem


@dataclass(slots=True)
class CheckReport:
    """Both verdicts on one document: the XSD's and the catalogue profile's."""

    validation: ValidationReport
    profile: ProfileReport

    @property
    def document(self) -> DocumentInfo:
        return self.validation.document

    @property
    def problems(self) -> list[Problem]:
        """Every problem, errors first, each list in document order."""
        every = self.validation.problems + self.profile.problems
        return [p for p in every if p.severity == "error"] + [p for p in every if p.severity != "error"]

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity != "error"]

    @property
    def version(self) -> str:
        return self.validation.document.version

    @property
    def valid(self) -> bool:
        return self.validation.valid and self.profile.valid

    def raise_for_errors(self) -> None:
        """Refuse the document, with every problem found, when the XSD or the profile found an error."""
        if not self.valid:
            raise InvalidInput(self.problems)


def check(
    source: Source,
    schemas: SchemaSet,
    *,
    known: Known | None = None,
    strict: bool = False,
    file_name: str | None = None,
    max_errors: int | None = 100,
) -> CheckReport:
    """Validate against the document's own DDI-L XSD and apply the profile, reading the document once.

    Reading stops after `max_errors` XSD errors (the profile's findings up to there are kept, and
    `validation.complete` says so); None reads on whatever the number of errors.
    """
    document, prolog = open_document(source, file_name=file_name)
    schema = schemas.validator(document.version)
    checker = ProfileChecker(document, schemas.vocabulary(document.version), known=known, strict=strict)
    outcome = stream(
        source,
        file=document.file_name,
        prolog=prolog,
        schema=schema,
        walker=checker,
        max_errors=max_errors,
        root_tag=document.tag,
    )
    problems = [xsd_problem(error.message, error.line, document.file_name) for error in outcome.schema_errors]
    profile = settled_report(checker, source, prolog, outcome)
    return CheckReport(ValidationReport(document, problems, outcome.complete), profile)


def check_document(
    source: Source,
    schemas: SchemaSet,
    *,
    file_name: str | None = None,
    known: Known | None = None,
    strict: bool = False,
    collect_all: bool = False,
) -> CheckReport:
    """The import gate: `check`, stopping after 100 XSD errors unless `collect_all` (lenient imports).

    With `collect_all`, every XSD error libxml2 reports is listed, still in one streaming pass.
    """
    return check(
        source,
        schemas,
        known=known,
        strict=strict,
        file_name=file_name,
        max_errors=None if collect_all else 100,
    )
