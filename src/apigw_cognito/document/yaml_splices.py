"""How changes to a YAML document become splices of its text: a replaced value's own span, or new lines
after the last content line of a block mapping (`, key: value` in a flow mapping).

Nothing reached through an anchor is changed: a mapping or value shared with another place is refused with
where the anchor and its uses stand. Each splice that can be checked alone carries its window
(`yaml_check`); the others are checked by reading the whole new text again.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from apigw_cognito.basics.errors import InputError, Location
from apigw_cognito.basics.text import offset_location
from apigw_cognito.document.edits import Change, value_at
from apigw_cognito.document.yaml_check import Splice
from apigw_cognito.document.yaml_data import MAPPING, SCALAR, Tree
from apigw_cognito.document.yaml_paths import Paths
from apigw_cognito.document.yaml_spans import ANCHOR, Spans, line_insert
from apigw_cognito.document.yaml_style import Styles
from apigw_cognito.document.yaml_values import block_lines, block_pair, block_value, flow


class Splicer:
    """The splices of one parsed text: its data, position tree and the containers shared through aliases."""

    def __init__(
        self, text: str, name: str, newline: str, data: Any, tree: Tree, shared: set[int], paths: Paths
    ) -> None:
        self.text = text
        self.name = name
        self.newline = newline
        self.data = data
        self.tree = tree
        self.shared = shared
        self.paths = paths
        self.spans = Spans(text, tree, name)
        self.styles = Styles(tree)

    def splices(self, changes: list[Change]) -> Iterator[Splice]:
        """One splice per replaced value, one per mapping that gains keys."""
        inserts: dict[int, list[Change]] = {}
        for change in changes:
            mapping = self._target(change)
            entry = self.paths.entries(mapping).get(change.key)
            if change.replaces and entry is not None and entry[2] < 0:
                yield self._replace(mapping, entry[0], entry[1], change)
            else:
                inserts.setdefault(mapping, []).append(change)
        for mapping, group in inserts.items():
            yield self._insert(mapping, group)

    def _target(self, change: Change) -> int:
        """The mapping a change goes into; refused when it is shared with another place."""
        found = self.paths.resolve(change.parent)
        if found is None or self.tree.kind[found[0]] != MAPPING:
            raise AssertionError(f"{self.name}: no mapping at {change.parent!r}")
        node, _, path = found
        chain = [*path, node]
        for depth, container in enumerate(chain):
            if container in self.shared:
                raise self._shared_error(change, container)
            source = self.paths.entries(chain[depth - 1])[change.parent[depth - 1]][2] if depth else -1
            if source >= 0:  # reached through a merge key: it lives in the merged-in mapping
                raise self._shared_error(change, source)
        return node

    def _shared_error(self, change: Change, node: int) -> InputError:
        where = self.paths.locate(change.parent) or Location(self.name)
        anchor = ANCHOR.match(self.text, self.tree.start[node])
        defined = self.tree.where(node, self.name)
        if anchor is None:
            return InputError(
                f"cannot add {change.key!r} here: this mapping is shared through a YAML anchor (defined at "
                f"{defined}); changing it would change the other places too",
                where,
            )
        aliases = self.spans.aliases(anchor.group(1), 0)
        uses = [str(offset_location(self.text, m.start(), self.name)) for m in aliases]
        return InputError(
            f"cannot add {change.key!r} here: the mapping is anchored as &{anchor.group(1)} at {defined} "
            f"and also used at {', '.join(uses[:3]) or 'a merge key'}; changing it would change every place "
            "that uses it",
            where,
            hint="give this place its own copy of the mapping, or edit the anchor by hand",
        )

    def _replace(self, mapping: int, key: int, value_node: int, change: Change) -> Splice:
        splice = self._replacement(mapping, key, value_node, change)
        tree = self.tree
        if tree.style[mapping] or self.spans.occurrence(value_node, tree.end[key])[2]:
            return splice  # in a flow mapping, or an alias: the whole re-parse checks it
        # The window `yaml_check` reads alone: this key's entry with its new value.
        return replace(splice, key_start=tree.start[key], expect=((change.key, change.value),))

    def _replacement(self, mapping: int, key: int, value_node: int, change: Change) -> Splice:
        tree = self.tree
        start, end, alias = self.spans.occurrence(value_node, tree.end[key])
        depth = len(change.pointer)
        if not alias and (value_node in self.shared or self.spans.anchor_used(value_node)):
            raise InputError(
                f"cannot change {change.key!r}: its value is a YAML anchor used elsewhere",
                tree.where(key, self.name),
                hint="edit the anchor by hand, or give this place its own value",
            )
        style = self.styles.around(mapping)
        nl = self.newline
        value = change.value
        blockable = isinstance(value, dict | list) and bool(value)
        kind, key_col = tree.kind[value_node], tree.col[key]
        if not alias and kind == SCALAR and start == end:
            # An empty value (`key:` alone): a block value goes on new lines under the key.
            if blockable and not tree.style[mapping]:
                lines = block_value(value, key_col, style)
                return line_insert(self.text, self.spans.line_end(end), lines, nl, depth)
            space = "" if self.text[start - 1 : start] in (" ", "\t") else " "
            return Splice(start, end, depth, space + flow(value, False))
        below = tree.line[value_node] > tree.line[key]
        if not alias and blockable and tree.is_block(value_node) and below:
            # Same place, same column; a mapping never sits at its key's column (a flush list may).
            column = value_col = tree.col[value_node]
            if isinstance(value, dict) and column <= key_col:
                column = key_col + style.step
            lines = block_lines(value, column, style)
            # The line already holds `value_col` columns of indentation before `start`.
            text = lines[0][value_col:] + "".join(nl + line for line in lines[1:])
            return Splice(start, self.spans.content_end(value_node, start), depth, text)
        gap = self.text[tree.end[key] : start]
        if (
            not alias
            and blockable
            and not tree.style[mapping]
            and kind == SCALAR
            and tree.style[value_node] in ("|", ">")
            and gap.strip(" \t") == ":"
        ):
            # A literal or folded block becoming a mapping or list: block lines under the key.
            lines = block_value(value, key_col, style)
            colon = tree.end[key] + gap.index(":") + 1
            return Splice(
                colon, self.spans.content_end(value_node, start), depth, "".join(nl + line for line in lines)
            )
        text = flow(value, False)
        if not alias:  # a block value's end mark lies past its trailing comments and blank lines
            end = self.spans.content_end(value_node, start)
            if tree.is_block(value_node) and gap.strip(" \t\r\n") == ":":
                # A block value becoming a flow one moves up next to its key (nothing but space between).
                start, text = tree.end[key] + gap.index(":") + 1, " " + text
            elif tree.is_block(value_node) and tree.col[value_node] <= key_col:
                text = " " * style.step + text  # a flush list's place: a flow value must sit deeper
        return Splice(start, end, depth, text)

    def _insert(self, mapping: int, changes: list[Change]) -> Splice:
        tree = self.tree
        depth = len(changes[0].parent)
        children = tree.children(mapping)
        if tree.style[mapping]:  # a flow mapping: `, key: value` after the last value
            json_like = bool(children) and tree.style[children[-2]] == '"'
            items = [f"{flow(c.key, json_like)}: {flow(c.value, json_like)}" for c in changes]
            if not children:
                brace = self.text.index("{", tree.start[mapping]) + 1
                return Splice(brace, brace, depth, ", ".join(items))
            last_key = children[-2]
            if tree.line[last_key] != tree.line[mapping]:
                sep = "," + self.newline + " " * tree.col[last_key]
            else:
                sep = ", "
            after = tree.start[mapping]
            for child in children:  # the end of the last value, aliases included
                after = self.spans.occurrence(child, after)[1]
            return Splice(after, after, depth, "".join(sep + item for item in items))
        style = self.styles.around(mapping)
        own_keys = [
            children[i] for i in range(0, len(children), 2) if tree.start[children[i]] >= tree.start[mapping]
        ]
        column = self.spans.key_column(own_keys[0]) if own_keys else tree.col[mapping]
        lines = [line for c in changes for line in block_pair(c.key, c.value, column, style)]
        at = self.spans.line_end(self.spans.content_end(mapping, tree.start[mapping]))
        if at == len(self.text) and not self.text.endswith("\n") and own_keys:
            # The last line has no line break: adding one would change that line and, after a literal or
            # folded block, its value. Before the first key instead, when that key starts its line.
            first = tree.start[own_keys[0]]
            line_start = self.text.rfind("\n", 0, first) + 1
            if not self.text[line_start:first].strip(" "):
                return line_insert(self.text, line_start, lines, self.newline, depth)
        splice = line_insert(self.text, at, lines, self.newline, depth)
        # The window `yaml_check` reads alone: the mapping's last own key (its input value), the new keys.
        last = own_keys[-1] if own_keys else -1
        siblings = value_at(self.data, changes[0].parent)
        if last < 0 or not isinstance(siblings, dict) or tree.text[last] not in siblings:
            return splice  # a merge key last, say: the whole re-parse checks it
        key = str(tree.text[last])
        expect = ((key, siblings[key]), *((c.key, c.value) for c in changes))
        return replace(splice, key_start=tree.start[last], ends_mapping=True, expect=expect)
