"""YAML documents: loaded into a `YamlSource`, located and changed by splicing new text in.

`load` refuses what libyaml and YAML 1.2 readers would read differently, then parses with positions
(`yaml_parse` composes the nodes, `yaml_data` builds the data and the position tree). An alias has no node
of its own (it *is* the anchored node), so where an alias stands in the text is found from its neighbours.
`locate` gives a mapping step's key and a list step's item; through an alias or a merge key that is where
the anchored content is written.

Rendering never rewrites: a new key is inserted as new lines after the last content line of its block
mapping (or as ``, key: value`` in a flow mapping), and a changed value has exactly its own span replaced
(the text of new values comes from `yaml_values`). The new text must give exactly the intended data
(`yaml_check`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import replace

from apigw_cognito.basics.errors import InputError, Location
from apigw_cognito.basics.text import offset_location
from apigw_cognito.document.edits import Change, Edit, Pointer, plan_changes, value_at
from apigw_cognito.document.yaml_check import Splice, check
from apigw_cognito.document.yaml_data import MAPPING, SCALAR, SEQUENCE, Built, Tree, parse
from apigw_cognito.document.yaml_values import Style, block_lines, block_pair, block_value, flow

# Line breaks of YAML 1.1 that YAML 1.2 reads as text: name and double-quoted escape.
_YAML11_BREAKS = {
    "\x85": ("NEXT LINE", "\\N"),
    "\u2028": ("LINE SEPARATOR", "\\L"),
    "\u2029": ("PARAGRAPH SEPARATOR", "\\P"),
}
_YAML11_BREAK = re.compile("[\x85\u2028\u2029]")

_ANCHOR = re.compile(r"(?:![^\s]*[ \t]+)?&([^\s,\[\]{}]+)")


def load(text: str, name: str, newline: str) -> YamlSource:
    """Parse `text` (without BOM) into a source; malformed or unsupported input raises `InputError`."""
    if "\r" in text and text.count("\r") != text.count("\r\n"):
        raise InputError(
            "line breaks must be LF or CRLF: a lone carriage return was found",
            offset_location(text, _lone_cr(text), name),
        )
    if text.startswith("\ufeff"):
        # libyaml skips it without counting it, so every position it reports would be one character off.
        raise InputError(
            "the file starts with a second byte-order mark (U+FEFF)",
            Location(name, 1, 1),
            hint="save the file as UTF-8 with at most one byte-order mark",
        )
    odd = _YAML11_BREAK.search(text)
    if odd is None:
        return YamlSource(text, name, newline, parse(text, name, positions=True))
    # libyaml reads NEL, U+2028 and U+2029 as line breaks (YAML 1.1), YAML 1.2 readers as text: a plain
    # scalar holding one is cut in two, and libyaml's line numbers run ahead of the editor's. Characters
    # libyaml refuses outright are still reported first, at their place.
    try:
        parse(text, name, positions=False)
    except InputError as error:
        if "(character U+" in error.message:
            raise
    char = odd.group()
    raise InputError(
        f"the character U+{ord(char):04X} ({_YAML11_BREAKS[char][0]}) is a line break to YAML 1.1 readers"
        " such as libyaml and text to YAML 1.2 readers: they would read this file differently",
        offset_location(text, odd.start(), name),
        hint=f"write it as the escape {_YAML11_BREAKS[char][1]} inside a double-quoted string, or remove it",
    )


def _lone_cr(text: str) -> int:
    return next((m.start() for m in re.finditer("\r(?!\n)", text)), 0)


# An entry of a mapping: (key id, value id, the mapping it was merged in from, or -1 for an own key).
_Entry = tuple[int, int, int]


class YamlSource:
    """A parsed YAML text; `locate` and `render` use the kept position tree, never a second parse."""

    def __init__(self, text: str, name: str, newline: str, built: Built) -> None:
        assert built.tree is not None
        self.text = text
        self.name = name
        self.newline = newline
        self.data = built.data
        self.tree = built.tree
        self._shared = built.shared
        self._entries: dict[int, dict[str, _Entry]] = {}
        self._style: Style | None = None

    # Locating. For a mapping step the location is the key's; for a list step, the item's.

    def locate(self, pointer: Pointer) -> Location | None:
        found = self._resolve(pointer)
        if found is None:
            return None
        node, key, _ = found
        return self.tree.where(key if key >= 0 else node, self.name)

    def _resolve(self, pointer: Pointer) -> tuple[int, int, list[int]] | None:
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

    def entries(self, node: int) -> dict[str, _Entry]:
        """Key text -> entry for a mapping, merged keys included (own keys win); built once per mapping."""
        cached = self._entries.get(node)
        if cached is not None:
            return cached
        tree = self.tree
        own: dict[str, _Entry] = {}
        sources: list[int] = []
        children = tree.children(node)
        for i in range(0, len(children), 2):
            key, value = children[i], children[i + 1]
            if tree.is_merge_key(key):
                sources = [value] if tree.kind[value] == MAPPING else tree.children(value)
            else:
                own.setdefault(str(tree.text[key]), (key, value, -1))
        if sources:
            merged: dict[str, _Entry] = {}
            for source in reversed(sources):
                for name, (k, v, inner) in self.entries(source).items():
                    merged[name] = (k, v, inner if inner >= 0 else source)
            merged.update(own)
            own = merged
        self._entries[node] = own
        return own

    # Rendering.

    def render(self, edits: Sequence[Edit]) -> str:
        changes = plan_changes(self.data, edits, self.locate)
        if not changes:
            return self.text
        splices = sorted(self._splices(changes), key=lambda s: (s.start, -s.depth))
        parts: list[str] = []
        at = 0
        for splice in splices:
            if splice.start < at:
                raise AssertionError(f"{self.name}: overlapping text changes at offset {splice.start}")
            parts.append(self.text[at : splice.start])
            parts.append(splice.text)
            at = splice.end
        parts.append(self.text[at:])
        rendered = "".join(parts)
        check(self.text, rendered, splices, bool(self._shared), self.data, changes, self.name)
        return rendered

    def _splices(self, changes: list[Change]) -> Iterator[Splice]:
        """One splice per replaced value, one per mapping that gains keys."""
        inserts: dict[int, list[Change]] = {}
        for change in changes:
            mapping = self._target(change)
            entry = self.entries(mapping).get(change.key)
            if change.replaces and entry is not None and entry[2] < 0:
                yield self._replace(mapping, entry[0], entry[1], change)
            else:
                inserts.setdefault(mapping, []).append(change)
        for mapping, group in inserts.items():
            yield self._insert(mapping, group)

    def _target(self, change: Change) -> int:
        """The mapping a change goes into; refused when it is shared with another place."""
        found = self._resolve(change.parent)
        if found is None or self.tree.kind[found[0]] != MAPPING:
            raise AssertionError(f"{self.name}: no mapping at {change.parent!r}")
        node, _, path = found
        chain = [*path, node]
        for depth, container in enumerate(chain):
            if container in self._shared:
                raise self._shared_error(change, container)
            source = self.entries(chain[depth - 1])[change.parent[depth - 1]][2] if depth else -1
            if source >= 0:  # reached through a merge key: it lives in the merged-in mapping
                raise self._shared_error(change, source)
        return node

    def _shared_error(self, change: Change, node: int) -> InputError:
        where = self.locate(change.parent) or Location(self.name)
        anchor = _ANCHOR.match(self.text, self.tree.start[node])
        defined = self.tree.where(node, self.name)
        if anchor is None:
            return InputError(
                f"cannot add {change.key!r} here: this mapping is shared through a YAML anchor (defined at "
                f"{defined}); changing it would change the other places too",
                where,
            )
        uses = [
            str(offset_location(self.text, m.start(), self.name)) for m in self._aliases(anchor.group(1), 0)
        ]
        return InputError(
            f"cannot add {change.key!r} here: the mapping is anchored as &{anchor.group(1)} at {defined} "
            f"and also used at {', '.join(uses[:3]) or 'a merge key'}; changing it would change every place "
            "that uses it",
            where,
            hint="give this place its own copy of the mapping, or edit the anchor by hand",
        )

    def _aliases(self, anchor: str, after: int) -> Iterator[re.Match[str]]:
        return re.compile(r"\*" + re.escape(anchor) + r"(?![^\s,\[\]{}])").finditer(self.text, after)

    def _replace(self, mapping: int, key: int, value_node: int, change: Change) -> Splice:
        splice = self._replacement(mapping, key, value_node, change)
        tree = self.tree
        if tree.style[mapping] or self._occurrence(value_node, tree.end[key])[2]:
            return splice  # in a flow mapping, or an alias: the whole re-parse checks it
        # The window `yaml_check` reads alone: this key's entry with its new value.
        return replace(splice, key_start=tree.start[key], expect=((change.key, change.value),))

    def _replacement(self, mapping: int, key: int, value_node: int, change: Change) -> Splice:
        tree = self.tree
        start, end, alias = self._occurrence(value_node, tree.end[key])
        depth = len(change.pointer)
        if not alias and (value_node in self._shared or self._anchor_used(value_node)):
            raise InputError(
                f"cannot change {change.key!r}: its value is a YAML anchor used elsewhere",
                tree.where(key, self.name),
                hint="edit the anchor by hand, or give this place its own value",
            )
        style = self._detect_style(mapping)
        nl = self.newline
        value = change.value
        blockable = isinstance(value, dict | list) and bool(value)
        kind, key_col = tree.kind[value_node], tree.col[key]
        if not alias and kind == SCALAR and start == end:
            # An empty value (`key:` alone): a block value goes on new lines under the key.
            if blockable and not tree.style[mapping]:
                lines = block_value(value, key_col, style)
                return _line_insert(self.text, self._line_end(end), lines, nl, depth)
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
            return Splice(start, self._content_end(value_node, start), depth, text)
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
                colon, self._content_end(value_node, start), depth, "".join(nl + line for line in lines)
            )
        text = flow(value, False)
        if not alias:  # a block value's end mark lies past its trailing comments and blank lines
            end = self._content_end(value_node, start)
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
                after = self._occurrence(child, after)[1]
            return Splice(after, after, depth, "".join(sep + item for item in items))
        style = self._detect_style(mapping)
        own_keys = [
            children[i] for i in range(0, len(children), 2) if tree.start[children[i]] >= tree.start[mapping]
        ]
        column = self._key_column(own_keys[0]) if own_keys else tree.col[mapping]
        lines = [line for c in changes for line in block_pair(c.key, c.value, column, style)]
        at = self._line_end(self._content_end(mapping, tree.start[mapping]))
        if at == len(self.text) and not self.text.endswith("\n") and own_keys:
            # The last line has no line break: adding one would change that line and, after a literal or
            # folded block, its value. Before the first key instead, when that key starts its line.
            first = tree.start[own_keys[0]]
            line_start = self.text.rfind("\n", 0, first) + 1
            if not self.text[line_start:first].strip(" "):
                return _line_insert(self.text, line_start, lines, self.newline, depth)
        splice = _line_insert(self.text, at, lines, self.newline, depth)
        # The window `yaml_check` reads alone: the mapping's last own key (its input value), the new keys.
        last = own_keys[-1] if own_keys else -1
        siblings = value_at(self.data, changes[0].parent)
        if last < 0 or not isinstance(siblings, dict) or tree.text[last] not in siblings:
            return splice  # a merge key last, say: the whole re-parse checks it
        key = str(tree.text[last])
        expect = ((key, siblings[key]), *((c.key, c.value) for c in changes))
        return replace(splice, key_start=tree.start[last], ends_mapping=True, expect=expect)

    # Where things stand in the text.

    def _key_column(self, key: int) -> int:
        """The column where a block mapping's keys stand: that of ``?`` for an explicit key."""
        start = self.tree.start[key]
        line_start = self.text.rfind("\n", 0, start) + 1
        prefix = self.text[line_start:start].rstrip(" ")
        if prefix.endswith("?") and (len(prefix) == 1 or prefix[-2] in " -"):
            return len(prefix) - 1
        return self.tree.col[key]

    def _content_end(self, node: int, after: int) -> int:
        """Where the content of `node`, standing at or after `after`, ends (trailing comments excluded)."""
        tree = self.tree
        while True:
            start, end, alias = self._occurrence(node, after)
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
                at = self._occurrence(child, at)[1]
            after, node = at, children[-1]

    def _occurrence(self, node: int, after: int) -> tuple[int, int, bool]:
        """(start, end, is_alias) of `node` where it stands at or after `after`.

        An alias refers to an anchor that always stands earlier, so a node starting before `after` is an
        alias there: its `*name` token is searched for from `after`.
        """
        start = self.tree.start[node]
        if start >= after:
            return start, self.tree.end[node], False
        anchor = _ANCHOR.match(self.text, start)
        alias = next(self._aliases(anchor.group(1), after), None) if anchor is not None else None
        if alias is None:
            raise AssertionError(f"{self.name}: cannot find the alias standing at offset {after}")
        return alias.start(), alias.end(), True

    def _anchor_used(self, node: int) -> bool:
        start = self.tree.start[node]
        anchor = _ANCHOR.match(self.text, start)
        return anchor is not None and next(self._aliases(anchor.group(1), start), None) is not None

    def _block_scalar_end(self, node: int) -> int:
        """A literal/folded scalar owns its trailing blank lines only when it keeps them (``|+``, ``>+``)."""
        start, end = self.tree.start[node], self.tree.end[node]
        indicator = re.compile(r"[|>][-+0-9]*").search(self.text, start, end)
        if indicator is not None and "+" in indicator.group():
            # Its last line break is the end: the next line, where insertion starts, follows its blank lines.
            return end - 1 if end > start and self.text[end - 1] == "\n" else end
        return start + len(self.text[start:end].rstrip(" \t\r\n"))

    def _line_end(self, at: int) -> int:
        """The start of the line after the one holding offset `at` (the text's end on the last line)."""
        found = self.text.find("\n", at)
        return len(self.text) if found < 0 else found + 1

    def _detect_style(self, mapping: int) -> Style:
        """The indentation around `mapping` where it shows, else the document's first, else 2 and indented."""
        step, lists = _style_in(self.tree, mapping)
        if self._style is None:
            self._style = self._global_style()
        return Style(step or self._style.step, self._style.indent_lists if lists is None else lists)

    def _global_style(self) -> Style:
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


def _line_insert(text: str, at: int, lines: list[str], nl: str, depth: int) -> Splice:
    """Whole lines inserted at the line start `at` (or after a last line that has no line break)."""
    if at == len(text) and text and not text.endswith("\n"):
        return Splice(at, at, depth, "".join(nl + line for line in lines))
    return Splice(at, at, depth, "".join(line + nl for line in lines))
