"""The study and its waves, from the document's Group, StudyUnits and DataCollections, and where each
item belongs: the one wave it is reachable from, or none when it is shared or unattached."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from catalogue.ddi.reader_context import ReadContext
from catalogue.ddi.reader_graph import DocumentGraph, Node
from catalogue.ddi.reader_identity import Identity
from catalogue.model import (
    ATTRIBUTE_PREFIX,
    WAVE_AGE_MAX_KEY,
    WAVE_AGE_MIN_KEY,
    WAVE_NAME_KEY,
    Item,
    ItemKey,
    LangText,
    Ref,
    StudyInfo,
    WaveInfo,
)

STUDY_ELEMENTS = frozenset({"Group", "StudyUnit", "DataCollection"})
_WAVE_KEYS = frozenset({WAVE_NAME_KEY, WAVE_AGE_MIN_KEY, WAVE_AGE_MAX_KEY})
_ABOVE_WAVES = frozenset({"ResourcePackage", "Group"})


@dataclass(slots=True)
class StudyElement:
    """A Group, StudyUnit, DataCollection (or the document root) as read: what studies are made of."""

    element: str
    line: int | None = None
    title: LangText = field(default_factory=dict)
    abstract: LangText = field(default_factory=dict)
    purpose: LangText = field(default_factory=dict)
    attributes: list[tuple[str, str]] = field(default_factory=list)
    dates: list[tuple[str | None, str | None]] = field(default_factory=list)  # r:Coverage
    collection_dates: list[tuple[str | None, str | None]] = field(default_factory=list)  # d:CollectionEvent

    def ddicat_attributes(self, *, exclude: frozenset[str] = frozenset()) -> dict[str, str]:
        found: dict[str, str] = {}
        for key, value in self.attributes:
            if key.startswith(ATTRIBUTE_PREFIX) and key not in exclude:
                found.setdefault(key, value)
        return found


def slug(text: str) -> str:
    """`Vague 2 (âge 11 ans)` → `vague-2-age-11-ans`: ASCII, lower case, hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


@dataclass(slots=True)
class StudyPlan:
    """What `assemble_study` found: the study, its waves and the StudyUnit each wave was read from."""

    study: StudyInfo | None
    waves: list[tuple[WaveInfo, Node]]


Identified = tuple[Identity, StudyElement]


def assemble_study(
    elements: list[Identified],
    root: StudyElement | None,
    graph: DocumentGraph,
    items: dict[Node, Item],
    ctx: ReadContext,
) -> StudyPlan:
    """The study (a Group, or a single StudyUnit) and one wave per StudyUnit belonging to it."""
    by_node = {identity.node: (identity, element) for identity, element in elements}
    groups = [pair for pair in by_node.values() if pair[1].element == "Group"]
    units = [pair for pair in by_node.values() if pair[1].element == "StudyUnit"]
    if groups:
        study, wave_units = _group_study(groups, units, by_node, root, graph, ctx)
    elif len(units) == 1:
        study, wave_units = _study_info(units[0], "StudyUnit", root), units
    else:
        study, wave_units = None, units
        if units:
            ctx.warn(
                f"{len(units)} StudyUnits and no Group: no study is described, each StudyUnit is a wave",
                line=units[0][1].line,
                element="StudyUnit",
                code="no-study",
            )
    # a one-wave study is its StudyUnit: both carry the same title (the DDIInstance's when it has none)
    fallback = study.title if study is not None and study.element == "StudyUnit" else {}
    waves = [(_wave_info(unit, by_node, graph, items, ctx, fallback), unit[0].node) for unit in wave_units]
    _unique_names([wave for wave, _ in waves])
    return StudyPlan(study, waves)


def _group_study(
    groups: list[Identified],
    units: list[Identified],
    by_node: dict[Node, Identified],
    root: StudyElement | None,
    graph: DocumentGraph,
    ctx: ReadContext,
) -> tuple[StudyInfo, list[Identified]]:
    """The top Group is the study; its waves are the StudyUnits it holds or refers to, through sub-groups."""
    inner = {k for g, _ in groups for k in graph.neighbours(g.node) if graph.types.get(k) == "Group"}
    tops = [pair for pair in groups if pair[0].node not in inner] or groups[:1]
    top_identity, top = tops[0]
    if len(tops) > 1:
        ctx.warn(
            f"{len(tops)} Groups stand at the top of the document: Group {top_identity.id} is read as the "
            "study, the others only for their content",
            line=top.line,
            element="Group",
            code="several-studies",
        )
    in_groups = graph.reach([top_identity.node], expand=lambda k: graph.types.get(k) == "Group")
    wave_nodes = [k for k in in_groups if graph.types.get(k) == "StudyUnit"]
    waves = set(wave_nodes)
    for identity, unit in units:
        if identity.node not in waves:
            ctx.warn(
                f"StudyUnit {identity.id} is not part of the study Group {top_identity.id}: not a wave",
                line=unit.line,
                element="StudyUnit",
                code="stray-study-unit",
            )
    absent = [
        target
        for node in in_groups
        if graph.types.get(node) == "Group"
        for target in graph.edges.get(node, [])
        if isinstance(target, Ref) and target.type == "StudyUnit" and graph.resolve(target) is None
    ]
    if absent:
        ctx.warn(
            f"the study Group refers to {len(absent)} StudyUnit(s) that are not in the document "
            f"(e.g. {absent[0].urn})",
            line=top.line,
            element="Group",
            code="missing-study-unit",
        )
    return _study_info((top_identity, top), "Group", root), [by_node[k] for k in wave_nodes if k in by_node]


def _study_info(source: Identified, element: str, root: StudyElement | None) -> StudyInfo:
    identity, study = source
    title = dict(study.title) or (dict(root.title) if root is not None else {})
    return StudyInfo(
        agency=identity.agency,
        id=identity.id,
        version=identity.version,
        element="Group" if element == "Group" else "StudyUnit",
        title=title,
        abstract=dict(study.abstract),
        purpose=dict(study.purpose),
        attributes=study.ddicat_attributes(exclude=_WAVE_KEYS),
    )


def _wave_info(
    source: Identified,
    by_node: dict[Node, Identified],
    graph: DocumentGraph,
    items: dict[Node, Item],
    ctx: ReadContext,
    fallback_title: LangText,
) -> WaveInfo:
    identity, unit = source
    title = dict(unit.title) or dict(fallback_title)
    attributes = dict(unit.attributes[::-1])  # first value wins
    name = attributes.get(WAVE_NAME_KEY) or slug(next(iter(title.values()), "")) or identity.id
    collections = [k for k in graph.neighbours(identity.node) if graph.types.get(k) == "DataCollection"]
    dates = unit.dates or [d for k in collections if k in by_node for d in by_node[k][1].collection_dates]
    starts = [start for start, _ in dates if start]
    ends = [end for _, end in dates if end]
    instruments = [
        k
        for k in graph.reach(collections, expand=lambda k: k not in graph.items)
        if graph.types.get(k) == "Instrument" and k in items
    ]
    return WaveInfo(
        agency=identity.agency,
        id=identity.id,
        version=identity.version,
        name=name,
        title=title,
        abstract=dict(unit.abstract),
        start_date=min(starts) if starts else None,
        end_date=max(ends) if ends else None,
        age_min_months=_months(attributes.get(WAVE_AGE_MIN_KEY), unit, ctx),
        age_max_months=_months(attributes.get(WAVE_AGE_MAX_KEY), unit, ctx),
        attributes=unit.ddicat_attributes(exclude=_WAVE_KEYS),
        instruments=[items[k].ref() for k in instruments],
    )


def _months(value: str | None, unit: StudyElement, ctx: ReadContext) -> float | None:
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        ctx.warn(
            f"participants' age '{value}' is not a number of months: ignored",
            line=unit.line,
            element="StudyUnit",
            code="unreadable-value",
        )
        return None


def _unique_names(waves: list[WaveInfo]) -> None:
    seen: defaultdict[str, int] = defaultdict(int)
    for wave in waves:
        seen[wave.name] += 1
        if seen[wave.name] > 1:
            wave.name = f"{wave.name}-{seen[wave.name]}"


def placement(
    waves: list[tuple[WaveInfo, Node]], graph: DocumentGraph, items: dict[Node, Item]
) -> dict[ItemKey, str | None]:
    """Each item's wave: the only wave it can be reached from, by containment or by references (not
    through a ResourcePackage or a Group as a whole)."""
    reached: dict[Node, str | None] = {}
    for wave, start in waves:
        # a ResourcePackage is shared by definition: what a wave requires from it is reached item by item
        for node in graph.reach([start], expand=lambda n: graph.types.get(n) not in _ABOVE_WAVES):
            reached[node] = wave.id if reached.get(node, wave.id) == wave.id else None
    return {ItemKey(*node): reached.get(node) for node in items}
