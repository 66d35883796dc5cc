"""Where a node of a YAML text stands: its span (an alias's `*name` where it is used), where its content
ends before trailing comments and blank lines, the column of a block mapping's keys, anchors in use.

The position tree gives every node once, where it is written; an alias has no node of its own, so its
place is found in the text from the one before it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from apigw_cognito.document.yaml_check import Splice
from apigw_cognito.document.yaml_data import SCALAR, Tree

ANCHOR = re.compile(r"(?:![^\s]*[ \t]+)?&([^\s,\[\]{}]+)")


class Spans:
    """Offsets in one text, read with its position tree."""

    def __init__(self, text: str, tree: Tree, name: str) -> None:
        self.text = text
        self.tree = tree
        self.name = name

    def aliases(self, anchor: str, after: int) -> Iterator[re.Match[str]]:
        return re.compile(r"\*" + re.escape(anchor) + r"(?![^\s,\[\]{}])").finditer(self.text, after)

    def key_column(self, key: int) -> int:
        """The column where a block mapping's keys stand: that of ``?`` for an explicit key."""
        start = self.tree.start[key]
        line_start = self.text.rfind("\n", 0, start) + 1
        prefix = self.text[line_start:start].rstrip(" ")
        if prefix.endswith("?") and (len(prefix) == 1 or prefix[-2] in " -"):
            return len(prefix) - 1
        return self.tree.col[key]

    def content_end(self, node: int, after: int) -> int:
        """Where the content of `node`, standing at or after `after`, ends (trailing comments excluded)."""
        tree = self.tree
        while True:
            start, end, alias = self.occurrence(node, after)
            if alias:
                return end
            if tree.kind[node] == SCALAR:
                return self._block_scalar_end(node) if tree.style[node] in ("|", ">") else end
            if tree.style[node] or not tree.count[node]:
                return end
            # Follow the last child; aliases among the children move where the text stands.
            at = start
            children = tree.children(node)
            for child in children[:-1]:
                at = self.occurrence(child, at)[1]
            after, node = at, children[-1]

    def occurrence(self, node: int, after: int) -> tuple[int, int, bool]:
        """(start, end, is_alias) of `node` where it stands at or after `after`.

        An alias refers to an anchor that always stands earlier, so a node starting before `after` is an
        alias there: its `*name` token is searched for from `after`.
        """
        start = self.tree.start[node]
        if start >= after:
            return start, self.tree.end[node], False
        anchor = ANCHOR.match(self.text, start)
        alias = next(self.aliases(anchor.group(1), after), None) if anchor is not None else None
        if alias is None:
            raise AssertionError(f"{self.name}: cannot find the alias standing at offset {after}")
        return alias.start(), alias.end(), True

    def anchor_used(self, node: int) -> bool:
        start = self.tree.start[node]
        anchor = ANCHOR.match(self.text, start)
        return anchor is not None and next(self.aliases(anchor.group(1), start), None) is not None

    def _block_scalar_end(self, node: int) -> int:
        """A literal/folded scalar owns its trailing blank lines only when it keeps them (``|+``, ``>+``)."""
        start, end = self.tree.start[node], self.tree.end[node]
        indicator = re.compile(r"[|>][-+0-9]*").search(self.text, start, end)
        if indicator is not None and "+" in indicator.group():
            # Its last line break is the end: the next line, where insertion starts, follows its blank lines.
            return end - 1 if end > start and self.text[end - 1] == "\n" else end
        return start + len(self.text[start:end].rstrip(" \t\r\n"))

    def line_end(self, at: int) -> int:
        """The start of the line after the one holding offset `at` (the text's end on the last line)."""
        found = self.text.find("\n", at)
        return len(self.text) if found < 0 else found + 1


def line_insert(text: str, at: int, lines: list[str], nl: str, depth: int) -> Splice:
    """Whole lines inserted at the line start `at` (or after a last line that has no line break)."""
    if at == len(text) and text and not text.endswith("\n"):
        return Splice(at, at, depth, "".join(nl + line for line in lines))
    return Splice(at, at, depth, "".join(line + nl for line in lines))
