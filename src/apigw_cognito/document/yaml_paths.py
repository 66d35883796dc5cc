"""A YAML document's position tree walked by pointer: each mapping's keys, merged keys included.

`entries` is what a mapping holds once merge keys (`<<: *base`) are followed, own keys winning; `resolve`
follows a pointer through it. For a mapping step the location is the key's; for a list step, the item's.
"""

from __future__ import annotations

from apigw_cognito.basics.errors import Location
from apigw_cognito.document.edits import Pointer
from apigw_cognito.document.yaml_data import MAPPING, SEQUENCE, Tree

# An entry of a mapping: (key id, value id, the mapping it was merged in from, or -1 for an own key).
Entry = tuple[int, int, int]


class Paths:
    """Pointers resolved over one position tree; each mapping's entries are built once, when first asked."""

    def __init__(self, tree: Tree, name: str) -> None:
        self.tree = tree
        self.name = name
        self._entries: dict[int, dict[str, Entry]] = {}

    def locate(self, pointer: Pointer) -> Location | None:
        found = self.resolve(pointer)
        if found is None:
            return None
        node, key, _ = found
        return self.tree.where(key if key >= 0 else node, self.name)

    def resolve(self, pointer: Pointer) -> tuple[int, int, list[int]] | None:
        """The node at `pointer`, the key of its last step (-1: none), and the containers on the way."""
        tree = self.tree
        node, key = 0, -1
        path: list[int] = []
        for step in pointer:
            path.append(node)
            if tree.kind[node] == MAPPING and isinstance(step, str):
                entry = self.entries(node).get(step)
                if entry is None:
                    return None
                key, node, _ = entry
            elif tree.kind[node] == SEQUENCE and isinstance(step, int) and 0 <= step < tree.count[node]:
                key, node = -1, tree.kids[tree.first[node] + step]
            else:
                return None
        return node, key, path

    def entries(self, node: int) -> dict[str, Entry]:
        """Key text -> entry for a mapping, merged keys included (own keys win); built once per mapping."""
        cached = self._entries.get(node)
        if cached is not None:
            return cached
        tree = self.tree
        own: dict[str, Entry] = {}
        sources: list[int] = []
        children = tree.children(node)
        for i in range(0, len(children), 2):
            key, value = children[i], children[i + 1]
            if tree.is_merge_key(key):
                sources = [value] if tree.kind[value] == MAPPING else tree.children(value)
            else:
                own.setdefault(str(tree.text[key]), (key, value, -1))
        if sources:
            merged: dict[str, Entry] = {}
            for source in reversed(sources):
                for name, (k, v, inner) in self.entries(source).items():
                    merged[name] = (k, v, inner if inner >= 0 else source)
            merged.update(own)
            own = merged
        self._entries[node] = own
        return own
