"""Problems found in input, with their location, and the project's one base error.

This module sits at the bottom of the house (it imports nothing of the project) so that every room,
`ddi_schemas` included, raises errors from the same base and reports problems the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Location:
    """Where a problem is: a file, and inside it a line, an element, a sheet, a row or a column."""

    file: str | None = None
    line: int | None = None
    element: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        parts = [self.file or "<input>"]
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        if self.element:
            parts.append(f"element {self.element}")
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class Problem:
    """One error or warning about an input, in words a cohort team can act on."""

    severity: Severity
    message: str
    location: Location = field(default_factory=Location)
    code: str = "invalid"

    def __str__(self) -> str:
        return f"{self.location}: {self.severity}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        loc = {k: v for k, v in (
            ("file", self.location.file), ("line", self.location.line), ("element", self.location.element),
            ("sheet", self.location.sheet), ("row", self.location.row), ("column", self.location.column),
        ) if v is not None}
        return {"severity": self.severity, "code": self.code, "message": self.message, "location": loc}


class DdicatError(Exception):
    """Base of every error ddicat reports to a user: a message that reads well on one line.

    `status` is the HTTP status the API edge uses, `kind` the last part of the problem type URI.
    """

    status: int = 400
    kind: str = "error"
    title: str = "Error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(DdicatError):
    """An input refused, with every problem found (errors first), each with its location."""

    status = 422
    kind = "invalid-input"
    title = "Invalid input"

    def __init__(self, problems: list[Problem], message: str | None = None) -> None:
        errors = [p for p in problems if p.severity == "error"]
        self.problems = errors + [p for p in problems if p.severity != "error"]
        first = errors[0] if errors else (self.problems[0] if self.problems else None)
        if message is None:
            message = str(first) if first else "invalid input"
            if len(errors) > 1:
                message += f" (and {len(errors) - 1} more error{'s' if len(errors) > 2 else ''})"
        super().__init__(message)


class SchemasUnavailable(DdicatError):
    """The official DDI-L XSDs are not where the configuration says; the message says how to get them."""

    status = 503
    kind = "schemas-unavailable"
    title = "DDI-L schemas unavailable"
