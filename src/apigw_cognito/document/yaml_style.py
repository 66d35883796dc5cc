"""The indentation a YAML document shows: the step of its block mappings and where its lists stand.

New lines follow the style around the mapping they go into where it shows, else the document's first
(found once), else 2 columns with lists indented under their key.
"""

from __future__ import annotations

from apigw_cognito.document.yaml_data import MAPPING, SEQUENCE, Tree
from apigw_cognito.document.yaml_values import Style


class Styles:
    """The style around each mapping of one position tree; the document's own is read once."""

    def __init__(self, tree: Tree) -> None:
        self.tree = tree
        self._document: Style | None = None

    def around(self, mapping: int) -> Style:
        """The indentation around `mapping` where it shows, else the document's first, else 2 and indented."""
        step, lists = _style_in(self.tree, mapping)
        if self._document is None:
            self._document = self._first_shown()
        return Style(step or self._document.step, self._document.indent_lists if lists is None else lists)

    def _first_shown(self) -> Style:
        tree = self.tree
        step, lists = 0, None
        stack = [0]
        seen = 0
        while stack and seen < 20_000 and not (step and lists is not None):
            node = stack.pop()
            seen += 1
            if not tree.is_block(node):
                continue
            if tree.kind[node] == MAPPING:
                found_step, found_lists = _style_in(tree, node)
                step = step or found_step
                lists = found_lists if lists is None else lists
            stack.extend(reversed(tree.children(node)))
        return Style(step or 2, True if lists is None else lists)


def _style_in(tree: Tree, mapping: int) -> tuple[int, bool | None]:
    """The indentation step (0: not shown) and list placement (None: not shown) of one block mapping."""
    step, lists = 0, None
    children = tree.children(mapping)
    for i in range(0, len(children), 2):
        key, value = children[i], children[i + 1]
        if not tree.is_block(value) or tree.start[value] < tree.end[key]:
            continue  # nothing to learn, or an alias (its node stands elsewhere)
        if tree.kind[value] == MAPPING and not step:
            first = tree.kids[tree.first[value]]
            if tree.line[first] > tree.line[key]:
                step = max(0, tree.col[first] - tree.col[key])
        elif tree.kind[value] == SEQUENCE and lists is None and tree.line[value] > tree.line[key]:
            lists = tree.col[value] > tree.col[key]
    return step, lists
