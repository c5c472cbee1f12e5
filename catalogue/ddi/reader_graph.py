"""The document as a graph of identified elements: containment and references as edges, references
resolved by identity (the latest version present when the exact one is not), reachability from a wave.

Nodes are plain `(agency lower-cased, id, version)` tuples: a large document has hundreds of thousands of
them, and tuples hash and compare in C.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable

from catalogue.model import Ref, version_key

Node = tuple[str, str, str | None]


def ref_node(ref: Ref) -> Node:
    return (ref.agency.lower(), ref.id, ref.version)


class DocumentGraph:
    """Every identified element read or skipped (its type), and the edges that leave it."""

    def __init__(self) -> None:
        self.types: dict[Node, str] = {}
        self.items: set[Node] = set()
        self.edges: dict[Node, list[Node | Ref]] = {}
        self._versions: dict[tuple[str, str], list[Node]] = {}
        self._resolved: dict[Node, Node | None] = {}
        self._adjacency: dict[Node, list[Node]] | None = None
        self.skewed: list[Ref] = []

    def add_node(self, node: Node, type_name: str, *, item: bool = False) -> None:
        """Record an element; a catalogue item wins over a skipped element with the same identity."""
        if node not in self.types:
            self._versions.setdefault(node[:2], []).append(node)
            self.types[node] = type_name
        if item:
            self.items.add(node)
            self.types[node] = type_name

    def link(self, source: Node, targets: Iterable[Node | Ref]) -> None:
        found = self.edges.get(source)
        if found is None:
            self.edges[source] = list(targets)
        else:
            found.extend(targets)

    def resolve(self, ref: Ref) -> Node | None:
        """The element a reference points at: the exact version, else the latest one in the document."""
        wanted = ref_node(ref)
        if wanted in self.types:
            return wanted
        if wanted in self._resolved:
            return self._resolved[wanted]
        found: Node | None = None
        candidates = self._versions.get(wanted[:2])
        if candidates:
            found = max(candidates, key=lambda n: version_key(n[2]))
            if ref.version is not None:
                self.skewed.append(ref)
        self._resolved[wanted] = found
        return found

    def freeze(self) -> None:
        """Resolve every edge once, before walking the graph."""
        self._adjacency = {node: self._resolve_all(targets) for node, targets in self.edges.items()}

    def _resolve_all(self, targets: list[Node | Ref]) -> list[Node]:
        found: list[Node] = []
        for target in targets:
            resolved = target if isinstance(target, tuple) else self.resolve(target)
            if resolved is not None:
                found.append(resolved)
        return found

    def neighbours(self, node: Node) -> list[Node]:
        if self._adjacency is not None:
            return self._adjacency.get(node, [])
        return self._resolve_all(self.edges.get(node, []))

    def reach(self, starts: Iterable[Node], *, expand: Callable[[Node], bool] | None = None) -> list[Node]:
        """Every element reachable from `starts` (starts included), in breadth-first order; the
        neighbours of an element are followed only when `expand` (if given) says so."""
        order: list[Node] = []
        seen: set[Node] = set()
        queue = deque(starts)
        while queue:
            node = queue.popleft()
            if node in seen:
                continue
            seen.add(node)
            order.append(node)
            if expand is None or expand(node):
                queue.extend(self.neighbours(node))
        return order
