"""The asset tree in memory, pure: which nodes sit below which, and which devices and virtual
meters a node's energy is made of (its own and those of every node below it)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class TreeNode:
    id: int
    parent_id: int | None
    name: str
    kind: str
    path: str
    position: int = 0
    production_unit: str | None = None

    @property
    def depth(self) -> int:
        return path_depth(self.path)

    @property
    def ancestor_ids(self) -> list[int]:
        """Root first, this node last."""
        return path_ids(self.path)


def path_ids(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]


def path_depth(path: str) -> int:
    return len(path_ids(path))


def child_path(parent_path: str | None, node_id: int) -> str:
    return f"{parent_path or '/'}{node_id}/"


class Tree:
    def __init__(self, nodes: Iterable[TreeNode], device_nodes: Mapping[int, int],
                 meter_nodes: Mapping[int, int | None]) -> None:
        self.nodes = {n.id: n for n in nodes}
        self.device_nodes = dict(device_nodes)     # device id → node id
        self.meter_nodes = dict(meter_nodes)       # virtual meter id → node id or None
        self._children: dict[int | None, list[TreeNode]] = {}
        for node in sorted(self.nodes.values(), key=lambda n: (n.position, n.name, n.id)):
            self._children.setdefault(node.parent_id, []).append(node)

    def children(self, node_id: int | None) -> list[TreeNode]:
        return self._children.get(node_id, [])

    @property
    def roots(self) -> list[TreeNode]:
        return self.children(None)

    def subtree_ids(self, node_id: int) -> set[int]:
        found, stack = set(), [node_id]
        while stack:
            current = stack.pop()
            found.add(current)
            stack.extend(child.id for child in self.children(current))
        return found

    def height(self, node_id: int) -> int:
        """Levels from this node down to its deepest descendant, itself counted."""
        return 1 + max((self.height(c.id) for c in self.children(node_id)), default=0)

    def devices_of(self, node_id: int) -> list[int]:
        return sorted(d for d, n in self.device_nodes.items() if n == node_id)

    def meters_of(self, node_id: int) -> list[int]:
        return sorted(m for m, n in self.meter_nodes.items() if n == node_id)

    def devices_under(self, node_id: int) -> list[int]:
        inside = self.subtree_ids(node_id)
        return sorted(d for d, n in self.device_nodes.items() if n in inside)

    def meters_under(self, node_id: int) -> list[int]:
        inside = self.subtree_ids(node_id)
        return sorted(m for m, n in self.meter_nodes.items() if n in inside)

    def label(self, node_id: int) -> str:
        """"Site / Line 1 / Press": the node's name with its ancestors'."""
        return " / ".join(self.nodes[i].name for i in self.nodes[node_id].ancestor_ids
                          if i in self.nodes)
