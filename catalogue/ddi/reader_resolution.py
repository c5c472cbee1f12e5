"""Settling the items once the whole document is read: repeated fragments kept once, managed
representations and instruction texts copied in, reference types checked against their targets."""

from __future__ import annotations

from collections import Counter

from catalogue.ddi.reader_context import ReadContext
from catalogue.ddi.reader_graph import DocumentGraph, Node
from catalogue.ddi.reader_representation import fill_from_managed
from catalogue.ddi.reader_text import add_text
from catalogue.model import (
    Item,
    ItemKey,
    LangText,
    Ref,
    Representation,
    Variable,
    content_hash,
    replace_refs,
)


def unique_items(entries: list[tuple[Item, Node, int | None]], ctx: ReadContext) -> dict[Node, Item]:
    """Items by identity, in document order; an identical repeat (same type, identity and content) is kept
    once, a different item under an identity already used is dropped with a warning."""
    first: dict[Node, Item] = {}
    repeats = 0
    for item, key, line in entries:
        earlier = first.get(key)
        if earlier is None:
            first[key] = item
        elif earlier.TYPE == item.TYPE and content_hash(earlier) == content_hash(item):
            repeats += 1
        else:
            ctx.warn(
                f"{item.TYPE} {item.urn} has the identity of an earlier {earlier.TYPE} with other content: "
                "the first one is kept",
                line=line,
                element=item.TYPE,
                code="identity-collision",
            )
    if repeats:
        ctx.warn(f"{repeats} identical repeated fragment(s) kept once", code="repeated-fragments")
    return first


def fill_managed_representations(
    uses: list[tuple[Representation, Ref, bool]],
    managed: dict[Node, Representation],
    graph: DocumentGraph,
    ctx: ReadContext,
) -> None:
    """Response domains and variable representations that point at a managed representation."""
    outside = 0
    for placeholder, ref, labelled in uses:
        key = graph.resolve(ref)
        found = managed.get(key) if key is not None else None
        if found is None:
            outside += 1
        else:
            fill_from_managed(placeholder, found, labelled=labelled)
    if outside:
        ctx.warn(
            f"{outside} reference(s) to managed representations point outside the document: "
            "kept as representations of kind 'other'",
            code="external-representation",
        )


def drop_unknown_variable_representations(items: list[Item], ctx: ReadContext) -> None:
    """A variable's representation the model cannot describe (geographic, scale, a managed representation
    outside the document) is left out rather than kept as an empty `other`: DDI-L has nothing to write
    it back as, and a second import of the catalogue's own export must find the variable unchanged."""
    dropped = 0
    for item in items:
        if (
            isinstance(item, Variable)
            and item.representation is not None
            and item.representation.kind == "other"
        ):
            item.representation = None
            dropped += 1
    if dropped:
        ctx.warn(
            f"{dropped} variable representation(s) of a kind the catalogue does not describe (geographic, "
            "scale, a managed representation outside the document) were left out",
            code="unknown-representation",
        )


def fill_instructions(
    uses: list[tuple[Item, list[Ref]]], instructions: dict[Node, LangText], graph: DocumentGraph
) -> None:
    """Questions get the text of the interviewer instructions they point at, one per line."""
    for item, refs in uses:
        text: LangText = {}
        for ref in refs:
            key = graph.resolve(ref)
            for lang, value in instructions.get(key, {}).items() if key is not None else ():
                add_text(text, lang, value, joiner="\n")
        item.instruction = text  # type: ignore[attr-defined]


def settle_reference_types(
    items: dict[Node, Item],
    references: dict[Node, list[Ref]],
    graph: DocumentGraph,
    inferred: set[Ref],
    ctx: ReadContext,
) -> None:
    """A reference takes the type of its target in the document: silently when its type was a guess from
    the element name, with a warning when a stated TypeOfObject was wrong."""
    mapping: dict[ItemKey, Ref] = {}
    changed: set[Node] = set()
    wrong: Counter[tuple[str, str]] = Counter()
    for source, refs in references.items():
        for ref in refs:
            target = graph.resolve(ref)
            if target is None:
                continue
            if mapping and ref.key in mapping:
                changed.add(source)
                continue
            actual = graph.types[target]
            if actual == ref.type:
                continue
            if not (inferred and ref in inferred):
                if target not in graph.items:
                    continue
                wrong[(ref.type, actual)] += 1
            mapping[ref.key] = Ref(ref.agency, ref.id, ref.version, actual)
            changed.add(source)
    for key in changed:
        replace_refs(items[key], mapping)
    for (stated, actual), count in sorted(wrong.items()):
        ctx.warn(
            f"{count} reference(s) typed {stated} point at a {actual} in the document: typed {actual}",
            code="reference-type",
        )


def report_skipped(skipped: Counter[str], first_line: int | None, ctx: ReadContext) -> None:
    """One warning for every identified element the catalogue does not keep, counted by type."""
    if not skipped:
        return
    total = sum(skipped.values())
    listing = ", ".join(
        f"{name} ×{count}" for name, count in sorted(skipped.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    ctx.warn(
        f"{total} identified element(s) are not kept in the catalogue (instructions and managed "
        f"representations are copied into the items that use them): {listing}",
        line=first_line,
        code="skipped-elements",
    )


def report_version_skew(graph: DocumentGraph, ctx: ReadContext) -> None:
    if graph.skewed:
        example = graph.skewed[0]
        ctx.warn(
            f"{len(graph.skewed)} reference(s) point at a version that is not in the document (e.g. "
            f"{example.type} {example.urn}): the latest version present stands in for placement and "
            "types, the references are kept as written",
            code="version-skew",
        )
