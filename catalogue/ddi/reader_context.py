"""What the DDI-L reader knows while it reads one document: its version, its mode and what it found wrong."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from catalogue.model import Item, Ref, Representation
from ddi_schemas.problems import Location, Problem

# Past this many warnings of one kind of deviation, the rest are only counted (a big file can hold thousands).
DEVIATION_REPORT_LIMIT = 100


@dataclass(slots=True)
class Deferred:
    """Links that can only be resolved once the whole document has been read."""

    managed_uses: list[tuple[Representation, Ref, bool]] = field(default_factory=list)  # (…, labelled)
    instruction_uses: list[tuple[Item, list[Ref]]] = field(default_factory=list)
    inferred_refs: set[Ref] = field(default_factory=set)


@dataclass(slots=True)
class ReadContext:
    """The document being read: DDI version (`3.1`, `3.2`, `3.3`), reading mode, problems so far."""

    version: str
    file_name: str | None = None
    lenient: bool = False
    problems: list[Problem] = field(default_factory=list)
    deferred: Deferred = field(default_factory=Deferred)
    agencies: list[str | None] = field(default_factory=list)
    deviation_counts: Counter[str] = field(default_factory=Counter)

    @property
    def inherited_agency(self) -> str | None:
        """3.1 names the agency only on maintainables: the nearest enclosing one applies."""
        return next((agency for agency in reversed(self.agencies) if agency), None)

    def location(self, line: int | None = None, element: str | None = None) -> Location:
        return Location(file=self.file_name, line=line, element=element)

    def warn(
        self, message: str, *, line: int | None = None, element: str | None = None, code: str = "ddi-reader"
    ) -> None:
        self.problems.append(Problem("warning", message, self.location(line, element), code))

    def deviation(self, kind: str, message: str, *, line: int | None, element: str | None) -> None:
        """A departure from the official schema read anyway: reported in lenient mode, with its line."""
        if not self.lenient:
            return
        self.deviation_counts[kind] += 1
        if self.deviation_counts[kind] <= DEVIATION_REPORT_LIMIT:
            self.warn(message, line=line, element=element, code="deviation")

    def close_deviations(self) -> None:
        """One closing line per kind of deviation that went past the reporting limit."""
        for kind, count in sorted(self.deviation_counts.items()):
            if count > DEVIATION_REPORT_LIMIT:
                self.warn(
                    f"{count - DEVIATION_REPORT_LIMIT} more deviations of the kind '{kind}' were read "
                    f"without a warning each ({count} in all)",
                    code="deviation",
                )
