"""Edits of a document and the data they give: what every format's renderer and self-check share.

An `Edit` sets one key of a mapping; `plan_changes` turns edits into the `Change`s a format renders as text
insertions, and `check_rendering` is the self-check that the re-parsed text holds the intended values.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from apigw_cognito.basics.errors import InputError, Location
from apigw_cognito.basics.openapi import type_name

Pointer = tuple[str | int, ...]


@dataclass(frozen=True)
class Edit:
    """Set mapping key ``pointer[-1]`` of the mapping at ``pointer[:-1]`` to ``value``.

    Missing mappings on the way are created (``components`` and ``securitySchemes`` for instance). When the
    key exists with an equal value the edit changes nothing, which is what makes a second run byte-identical.
    """

    pointer: tuple[str, ...]
    value: Any


def apply_to_data(
    data: Any, edits: Sequence[Edit], locate: Callable[[Pointer], Location | None] | None = None
) -> Any:
    """The data `edits` would give, built by copying only the mappings on each edit's path.

    With `locate`, a value on the way that is not a mapping is reported at its place in the file.
    """
    owned: dict[int, Any] = {}
    for edit in edits:
        if not isinstance(data, dict):
            raise InputError(
                f"cannot set {pointer_text(edit.pointer)}: the top level is not a mapping",
                locate(()) if locate else None,
            )
        data = _set_in(data, edit.pointer, edit.value, owned, locate)
    return data


@dataclass(frozen=True)
class Change:
    """What the format modules render: set `key` of the existing mapping at `parent` to `value`.

    `value` may nest mappings that do not exist yet (``components`` -> ``securitySchemes`` -> scheme).
    `replaces` is true when the mapping already holds `key` (with a different value, or null on the way).
    """

    parent: tuple[str, ...]
    key: str
    value: Any
    replaces: bool

    @property
    def pointer(self) -> tuple[str, ...]:
        return (*self.parent, self.key)


def plan_changes(
    data: Any, edits: Sequence[Edit], locate: Callable[[Pointer], Location | None]
) -> list[Change]:
    """The changes `edits` need, one per mapping key, in edit order; keys that keep their value are left out.

    Edits under a key that another edit creates or replaces are folded into that key's new value, so no two
    changes ever touch overlapping text. Missing or null mappings on the way become new mappings.
    """
    if edits and not isinstance(data, dict):
        raise InputError("cannot add keys: the top level is not a mapping", locate(()))
    plan = _Plan(data, locate)
    for edit in edits:
        plan.add(edit)
    return plan.changes()


class _Plan:
    """The new value of each (parent, key) slot that edits set so far, in edit order."""

    def __init__(self, data: dict[str, Any], locate: Callable[[Pointer], Location | None]) -> None:
        self.data = data
        self.locate = locate
        self.pending: dict[tuple[tuple[str, ...], str], Any] = {}
        # Every prefix of a pending parent: most edits skip the scan for changes they replace.
        self.under: set[tuple[str, ...]] = set()
        self.owned: dict[int, Any] = {}  # the mappings copied for pending values, by id (see `_set_in`)

    def add(self, edit: Edit) -> None:
        """Plan `edit`: the first key on its way that is missing, or pending already, takes its value."""
        pointer = edit.pointer
        if not pointer:
            raise ValueError("an edit needs a non-empty pointer")
        pending = self.pending
        node = self.data
        for i, key in enumerate(pointer):
            slot = (pointer[:i], key)
            rest = pointer[i + 1 :]
            if slot in pending:
                self._fold(pointer, i, edit.value)
                return
            if not rest:
                _drop_under(pending, self.under, pointer)
                pending[slot] = edit.value
                self.under.update(pointer[:j] for j in range(i + 1))
                return
            child = node.get(key)
            if child is None:
                pending[slot] = _set_in({}, rest, edit.value, self.owned)
                self.under.update(pointer[:j] for j in range(i + 1))
                return
            if not isinstance(child, dict):
                where = pointer_text(pointer[: i + 1])
                raise InputError(
                    f"cannot set {pointer_text(pointer)}: {where} is a {type_name(child)}, not a mapping",
                    self.locate(pointer[: i + 1]),
                )
            node = child

    def _fold(self, pointer: tuple[str, ...], i: int, value: Any) -> None:
        """An edit at or under ``pointer[i]``, a key an earlier edit sets: folded into its new value."""
        pending = self.pending
        slot, rest = (pointer[:i], pointer[i]), pointer[i + 1 :]
        if not rest:
            _drop_under(pending, self.under, pointer)
            pending[slot] = value
            return
        current = pending[slot]
        if current is None:
            current = {}
        elif not isinstance(current, dict):
            raise InputError(
                f"cannot set {pointer_text(pointer)}: {pointer_text(pointer[: i + 1])} is not a mapping"
            )
        pending[slot] = _set_in(current, rest, value, self.owned)

    def changes(self) -> list[Change]:
        """The planned changes, without those that would write a key's own value again."""
        changes = []
        for (parent, key), value in self.pending.items():
            mapping: dict[str, Any] = self.data
            for step in parent:
                mapping = mapping[step]
            if key in mapping and same_value(mapping[key], value):
                continue
            changes.append(Change(parent, key, value, key in mapping))
        return changes


def same_value(a: Any, b: Any) -> bool:
    """Equal as JSON values: ``1``, ``1.0`` and ``true`` differ; NaN equals NaN; key order does not count."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_value(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(map(same_value, a, b))
    return bool(a == b) or (isinstance(a, float) and math.isnan(a) and math.isnan(b))


def check_rendering(reparsed: Any, data: Any, changes: Sequence[Change], name: str) -> None:
    """Raise `AssertionError` unless the re-parsed new text holds exactly the data the changes mean."""
    expected = apply_to_data(data, [Edit(c.pointer, c.value) for c in changes])
    if reparsed != expected:
        raise AssertionError(f"{name}: the rendered text does not parse to the intended data")
    for change in changes:
        got, want = value_at(reparsed, change.pointer), value_at(expected, change.pointer)
        if not same_value(got, want):
            raise AssertionError(
                f"{name}: the rendered text gives {got!r} at {pointer_text(change.pointer)}, not {want!r}"
            )


def value_at(data: Any, pointer: tuple[str, ...]) -> Any:
    """The value at `pointer` (mapping keys only)."""
    for step in pointer:
        data = data[step]
    return data


def _set_in(
    root: dict[str, Any],
    path: tuple[str, ...],
    value: Any,
    owned: dict[int, Any],
    locate: Callable[[Pointer], Location | None] | None = None,
) -> dict[str, Any]:
    """`root` with `path` set to `value`, copying each mapping on the way unless this call made it already.

    `owned` maps the ids of the copies to the copies themselves, which keeps them alive so ids stay unique.
    """
    if id(root) not in owned:
        root = dict(root)
        owned[id(root)] = root
    node = root
    for i, step in enumerate(path[:-1]):
        child = node.get(step)
        if child is None:
            child = {}
        elif not isinstance(child, dict):
            raise InputError(
                f"cannot set {pointer_text(path)}: {pointer_text(path[: i + 1])} is a {type_name(child)},"
                " not a mapping",
                locate(path[: i + 1]) if locate else None,
            )
        elif id(child) not in owned:
            child = dict(child)
        owned[id(child)] = child
        node[step] = child
        node = child
    node[path[-1]] = value
    return root


def _drop_under(
    pending: dict[tuple[tuple[str, ...], str], Any], under: set[tuple[str, ...]], pointer: tuple[str, ...]
) -> None:
    """Forget planned changes inside `pointer`: a later edit replaces its whole value."""
    if pointer not in under:
        return
    n = len(pointer)
    for slot in [s for s in pending if len(s[0]) >= n and s[0][:n] == pointer]:
        del pending[slot]


def pointer_text(pointer: Sequence[str | int]) -> str:
    """`pointer` written as a JSON pointer (`/paths/~1pets/get`)."""
    return "/" + "/".join(str(step).replace("~", "~0").replace("/", "~1") for step in pointer)
