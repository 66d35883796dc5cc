"""One self-contained document from a split one: what `import` sends and what validation reads.

References within the root stay as they are. A reference into another file is brought in: its target is
copied under the root's components (`definitions`, `parameters` or `responses` in Swagger 2.0) with a name
taken from the reference, made unique when another value already has it, and the reference now points
there. The same target always gets the same name, so a reference cycle between files ends in a cycle of
local references, which validators and API Gateway read. A path item referenced from `paths` is already in
place in `DocumentSet.data`; one referenced anywhere else (a callback) is copied where it is used.

No library fits: the Python bundlers either inline every reference (a recursive schema never ends, and
local references are lost) or need the files from disk with no positions; this one works on the documents
already read with positions, so a problem inside a referenced file is reported at its own line.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from apigw_cognito.basics.errors import InputError
from apigw_cognito.basics.openapi import Version, get_in
from apigw_cognito.document.edits import Pointer, pointer_text, same_value
from apigw_cognito.document.references import DocumentSet, Place, resolve_ref

# Where components of each kind live in the root, by OpenAPI version family.
_SECTIONS_3 = {
    "schemas": ("components", "schemas"),
    "parameters": ("components", "parameters"),
    "responses": ("components", "responses"),
    "requestBodies": ("components", "requestBodies"),
    "headers": ("components", "headers"),
    "examples": ("components", "examples"),
    "links": ("components", "links"),
    "callbacks": ("components", "callbacks"),
    "securitySchemes": ("components", "securitySchemes"),
}
_SECTIONS_2 = {
    "schemas": ("definitions",),
    "parameters": ("parameters",),
    "responses": ("responses",),
    "securitySchemes": ("securityDefinitions",),
}
# The kind of a target named by its place in its own file (`#/components/schemas/Pet`, `#/definitions/Pet`).
_KIND_OF_SECTION = {
    "schemas": "schemas",
    "definitions": "schemas",
    "parameters": "parameters",
    "responses": "responses",
    "requestBodies": "requestBodies",
    "headers": "headers",
    "examples": "examples",
    "links": "links",
    "callbacks": "callbacks",
    "securitySchemes": "securitySchemes",
    "securityDefinitions": "securitySchemes",
}
_NAME_PART = re.compile(r"[A-Za-z0-9]+")


@dataclass
class Bundle:
    """The self-contained data, and for each component brought in, where it is written."""

    data: Any
    origins: dict[Pointer, Place] = field(default_factory=dict)


def bundle(documents: DocumentSet, data: Any, version: Version) -> Bundle:
    """`data` (pointers as in `documents.data`) with every reference into another file brought in."""
    if not documents.split:
        return Bundle(data)
    bundler = _Bundler(documents, data, version)
    root = documents.root.name
    if documents.refers_out(root) or not isinstance(data, Mapping):
        out = bundler.walk(data, (), root, ())
    else:  # the root's own references are all local: only what comes from other files needs a look
        out = dict(data)
        paths = data.get("paths")
        if isinstance(paths, Mapping):
            out["paths"] = {
                path: bundler.walk(item, ("paths", path), root, ("paths", path))
                if path in documents.origins and documents.origins[path].place.file != root
                else item
                for path, item in paths.items()
            }
    if bundler.added:
        out = dict(out)
        for kind, members in bundler.added.items():
            pointer = bundler.sections[kind]
            out = _set_members(out, pointer, members)
    return Bundle(out, bundler.origins)


class _Bundler:
    def __init__(self, documents: DocumentSet, data: Any, version: Version) -> None:
        self.documents = documents
        self.data = data
        self.sections = _SECTIONS_2 if version.family == "2.0" else _SECTIONS_3
        self.names: dict[Place, str] = {}  # a target brought in, and its new local reference
        self.added: dict[str, dict[str, Any]] = {}  # kind -> name -> value
        self.origins: dict[Pointer, Place] = {}

    def walk(self, node: Any, where: Pointer, file: str, in_file: Pointer) -> Any:
        """`node` (written in `file` at `in_file`, standing at `where` in the bundle) with its references
        made local; a node with nothing to change is returned as it is."""
        if isinstance(node, Mapping):
            if where[:1] == ("paths",) and len(where) in (2, 3):
                # A path item (and each of its keys) is written where the document set says.
                place = self.documents.place(where)
                file, in_file = place.file, place.pointer
            ref = node.get("$ref")
            changed: dict[str, Any] = {}
            if isinstance(ref, str):
                local = self._local(ref, file, in_file, where)
                if local != ref:
                    changed["$ref"] = local
            for key, value in node.items():
                if key == "$ref":
                    continue
                new = self.walk(value, (*where, key), file, (*in_file, key))
                if new is not value:
                    changed[key] = new
            return {**node, **changed} if changed else node
        if isinstance(node, list):
            items = [self.walk(v, (*where, i), file, (*in_file, i)) for i, v in enumerate(node)]
            return items if any(a is not b for a, b in zip(items, node, strict=True)) else node
        return node

    def _local(self, ref: str, file: str, in_file: Pointer, where: Pointer) -> str:
        """The reference, as it must read in the bundle."""
        if file == self.documents.root.name and ref.startswith("#"):
            return ref
        target = resolve_ref(self.documents, ref, Place(file, (*in_file, "$ref")))
        if target is None:  # remote: left for the validator to report, as for a single file
            return ref
        if target.file == self.documents.root.name:
            return "#" + pointer_text(target.pointer)
        known = self.names.get(target)
        if known is not None:
            return known
        kind = _kind(target.pointer, where)
        if kind not in self.sections:
            raise InputError(
                f"$ref {ref!r} names a {kind} in another file, which this OpenAPI version has no place for",
                self.documents.locate_place(Place(file, (*in_file, "$ref"))),
                hint="bundle the document first (for example `redocly bundle`)",
            )
        value = self.documents.value_at(target, Place(file, (*in_file, "$ref")))
        name = self._name(kind, target, value)
        pointer = (*self.sections[kind], name)
        local = "#" + pointer_text(pointer)
        self.names[target] = local
        self.origins[pointer] = target
        self.added.setdefault(kind, {})[name] = None  # reserved before the walk: cycles end here
        self.added[kind][name] = self.walk(value, pointer, target.file, target.pointer)
        return local

    def _name(self, kind: str, target: Place, value: Any) -> str:
        raw = next((str(s) for s in reversed(target.pointer) if not str(s).isdigit()), "")
        if not raw:
            raw = os.path.splitext(os.path.basename(target.file))[0]
        parts = _NAME_PART.findall(raw)
        base = "".join(p[:1].upper() + p[1:] for p in parts) or "Shared"
        existing = get_in(self.data, self.sections[kind])
        taken = existing if isinstance(existing, Mapping) else {}
        name, n = base, 1
        while True:
            if name in self.added.get(kind, {}):
                pass
            elif name in taken:
                if same_value(taken[name], value):
                    return name
            else:
                return name
            n += 1
            name = f"{base}{n}"


def _kind(target: Pointer, where: Pointer) -> str:
    """What a target is: from its own place when that says it, else from where the reference stands."""
    if len(target) >= 2 and str(target[-2]) in _KIND_OF_SECTION:
        return _KIND_OF_SECTION[str(target[-2])]
    parent = str(where[-2]) if len(where) >= 2 else ""
    last = where[-1] if where else ""
    if parent == "parameters" or last == "parameters":
        return "parameters"
    if last == "requestBody":
        return "requestBodies"
    for section in ("responses", "headers", "examples", "links", "callbacks"):
        if parent == section:
            return section
    return "schemas"


def _set_members(data: dict[str, Any], pointer: Pointer, members: dict[str, Any]) -> dict[str, Any]:
    """`data` with `members` added to the mapping at `pointer`, created when missing."""
    head, *rest = pointer
    current = data.get(str(head))
    if not rest:
        merged = dict(current) if isinstance(current, Mapping) else {}
        merged.update(members)
        return {**data, str(head): merged}
    inner = dict(current) if isinstance(current, Mapping) else {}
    return {**data, str(head): _set_members(inner, tuple(rest), members)}


def render_data(data: Any, fmt: str) -> bytes:
    """A document written anew from its data (a bundle, a cleaned export): JSON for `fmt` "json", block
    YAML otherwise; unlike edited files, nothing of an earlier text is kept."""
    if fmt == "json":
        try:
            return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate from the document: only an escape can write it
            return (json.dumps(data, indent=2) + "\n").encode("ascii")
    import yaml  # noqa: PLC0415  (PyYAML takes 20 ms to import: only YAML bundles need it)

    try:
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=False, width=100).encode("ascii")
