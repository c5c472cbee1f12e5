"""Giving each imported item its DDI version.

An item keeps the version its source gave it when the catalogue has no other content under that
agency:id:version. Items built from sources without versions (REDCap, SPSS...) reuse the latest stored
version when their content is unchanged and take the next one otherwise, so that a corrected file yields
new versions of what changed only. A DDI-L item that reuses a stored version with different content is
refused (a DDI version never changes meaning); in lenient mode it gets the next free version instead,
with a warning. References follow every version move, and items referring to a moved item are compared
again, so changes travel up the graph (code list → question → variable).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from catalogue.model import (
    DDIPackage,
    Item,
    ItemKey,
    Ref,
    content_record,
    next_version,
    replace_refs,
    version_key,
)
from ddi_schemas.problems import Location, Problem

# (agency_key, id) → [(version, content_hash)] of every stored version.
StoredVersions = Callable[[Iterable[tuple[str, str]]], dict[tuple[str, str], list[tuple[str, str]]]]


@dataclass(slots=True)
class VersionOutcome:
    """What happened to each item: reused (unchanged), new, or moved to another version."""

    reused: set[ItemKey] = field(default_factory=set)
    new: set[ItemKey] = field(default_factory=set)
    moved: dict[ItemKey, str] = field(default_factory=dict)
    hashes: dict[ItemKey, str] = field(default_factory=dict)
    # the JSON text the store keeps for each item, serialised once with its hash
    contents: dict[ItemKey, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def assign_versions(package: DDIPackage, stored: StoredVersions, *, lenient: bool = False) -> VersionOutcome:
    """Resolve every item's version in place (items, placement and references) and report the outcome."""
    outcome = VersionOutcome()
    ids = {(item.agency.lower(), item.id) for item in package.items}
    for item in package.items:
        for _role, ref in item.references():
            ids.add((ref.agency.lower(), ref.id))
    catalogue = stored(ids)

    in_package: dict[tuple[str, str], list[Item]] = {}
    for item in package.items:
        in_package.setdefault((item.agency.lower(), item.id), []).append(item)

    mapping: dict[ItemKey, Ref] = {}
    for item in _dependencies_first(package.items):
        _resolve_latest_refs(item, in_package, catalogue, mapping)
        if mapping:
            replace_refs(item, mapping)
        old_key = item.key
        content, digest = content_record(item)
        versions = catalogue.get((old_key.agency, old_key.id), [])
        if item.version is None:
            latest = max(versions, key=lambda vh: version_key(vh[0]), default=None)
            if latest is not None and latest[1] == digest:
                item.version = latest[0]
                outcome.reused.add(item.key)
            else:
                item.version = next_version(latest[0]) if latest else "1"
                outcome.new.add(item.key)
            mapping[old_key] = item.ref()
        else:
            same = next((h for v, h in versions if v == item.version), None)
            if same is None:
                outcome.new.add(item.key)
            elif same == digest:
                outcome.reused.add(item.key)
            elif lenient:
                taken = [v for v, _ in versions] + [i.version for i in in_package[(old_key.agency, old_key.id)]]
                new_version = next_version(max(taken, key=version_key))
                outcome.problems.append(Problem(
                    "warning",
                    f"{item.TYPE} {item.urn} is already in the catalogue with different content; "
                    f"stored as version {new_version}",
                    Location(element=item.TYPE), "version-moved",
                ))
                item.version = new_version
                outcome.moved[old_key] = new_version
                outcome.new.add(item.key)
                mapping[old_key] = item.ref()
            else:
                outcome.problems.append(Problem(
                    "error",
                    f"{item.TYPE} {item.urn} is already in the catalogue with different content: "
                    "a DDI version cannot change; give the changed item a new version (or import with --lenient)",
                    Location(element=item.TYPE), "version-conflict",
                ))
        outcome.hashes[item.key] = digest
        outcome.contents[item.key] = content

    if mapping:
        placement = dict(package.placement)
        package.placement = {mapping[k].key if k in mapping else k: wave for k, wave in placement.items()}
    return outcome


def _resolve_latest_refs(
    item: Item,
    in_package: dict[tuple[str, str], list[Item]],
    catalogue: dict[tuple[str, str], list[tuple[str, str]]],
    mapping: dict[ItemKey, Ref],
) -> None:
    """Late-bound references (no version) point at the latest version, in the package or else stored."""
    for _role, ref in item.references():
        if ref.version is not None or ref.key in mapping:
            continue
        pair = (ref.agency.lower(), ref.id)
        candidates = [i.version for i in in_package.get(pair, []) if i.version is not None]
        if not candidates and not in_package.get(pair):
            candidates = [v for v, _ in catalogue.get(pair, [])]
        if candidates:
            mapping[ref.key] = Ref(ref.agency, ref.id, max(candidates, key=version_key), ref.type)


def _dependencies_first(items: list[Item]) -> list[Item]:
    """Items ordered so that each comes after the items it refers to (cycles are broken where met)."""
    by_pair: dict[tuple[str, str], list[Item]] = {}
    for item in items:
        by_pair.setdefault((item.agency.lower(), item.id), []).append(item)
    order: list[Item] = []
    visited: set[int] = set()
    for root in items:
        if id(root) in visited:
            continue
        visited.add(id(root))
        stack: list[tuple[Item, Iterator[Item]]] = [(root, _targets(root, by_pair))]
        while stack:
            node, targets = stack[-1]
            pending = next((t for t in targets if id(t) not in visited), None)
            if pending is None:
                stack.pop()
                order.append(node)
            else:
                visited.add(id(pending))
                stack.append((pending, _targets(pending, by_pair)))
    return order


def _targets(item: Item, by_pair: dict[tuple[str, str], list[Item]]) -> Iterator[Item]:
    for _role, ref in item.references():
        for target in by_pair.get((ref.agency.lower(), ref.id), []):
            if target is not item and (ref.version is None or target.version in (None, ref.version)):
                yield target
