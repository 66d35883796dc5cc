"""Path items behind `$ref`: every operation an importer would create, wherever it is written.

A path item may be a `$ref` to another place of the same file or to a relative file, with or without a
JSON pointer (`resources/invoices.yaml`, `shared.yaml#/x-items/invoice`). API Gateway and LocalStack follow
such references and create the methods they find, so the tool must see them too. `resolve` reads the
files the references name (through a `read` function: this module does no I/O of its own), follows chains,
and gives a `DocumentSet`: the root document's data with every referenced path item in its place, and for
any pointer into that data the file and pointer where it is written, so that edits become insertions in the
right file and findings point at the right line.

Remote references (http, https, any URI scheme) are never fetched, and references that leave the allowed
folder (by default the root document's) are refused: documents arrive in pull requests.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from apigw_cognito.basics.errors import InputError, Location
from apigw_cognito.basics.openapi import METHOD_KEYS, type_name
from apigw_cognito.document.edits import Edit, Pointer, pointer_text, same_value
from apigw_cognito.document.load import Document, load_document

Read = Callable[[str], bytes]

MAX_CHAIN = 64  # references followed from one path item before the chain is refused
_URI_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# `$ref` with a value that does not start with '#', in JSON or YAML (quoted or not, block or flow).
_REFERS_OUT = re.compile(rb"\$ref[\"']?\s*:\s*[\"']?(?!#)")
_BUNDLE_HINT = "bundle the document first (for example `redocly bundle`), or use a relative file"


@dataclass(frozen=True, order=True)
class Place:
    """A node of one file: the file's name as messages show it, and the pointer inside that file."""

    file: str
    pointer: Pointer


@dataclass(frozen=True)
class Origin:
    """Where a path item that the root reaches through `$ref` is written."""

    place: Place  # the referenced path item
    ref: Place  # the `$ref` that names it (in the root, or in the previous link of a chain)
    own_keys: frozenset[str] = frozenset()  # keys written beside the `$ref` (summary, parameters, ...)


@dataclass
class DocumentSet:
    """A root document and the files its path items reference, seen as the one document an importer reads."""

    root: Document
    allowed_root: str  # the folder no reference may leave (real path)
    allowed_shown: str = "."  # the same folder as the user named it, for messages
    files: dict[str, Document] = field(default_factory=dict)  # by name, the root included
    raws: dict[str, bytes] = field(default_factory=dict)  # each file's bytes as read, the root's too
    origins: dict[str, Origin] = field(default_factory=dict)  # by path, for path items behind `$ref`
    data: Any = None  # the root's data with every referenced path item in place
    resolver: _Resolver | None = field(default=None, repr=False)  # reads the files references name

    @property
    def split(self) -> bool:
        """Whether operations or anything else live in files other than the root."""
        return len(self.files) > 1

    def place(self, pointer: Sequence[str | int]) -> Place:
        """The file and pointer where `pointer` (into `data`) is written."""
        steps = tuple(pointer)
        if len(steps) >= 2 and steps[0] == "paths":
            origin = self.origins.get(str(steps[1]))
            if origin is not None and (len(steps) == 2 or steps[2] not in origin.own_keys):
                return Place(origin.place.file, origin.place.pointer + steps[2:])
        return Place(self.root.name, steps)

    def locate(self, pointer: Sequence[str | int]) -> Location | None:
        where = self.place(pointer)
        return self.files[where.file].locate(where.pointer)

    def refers_out(self, name: str) -> bool:
        """Whether file `name` may hold a `$ref` to another file (a quick look at its text: false positives
        cost only time)."""
        return _REFERS_OUT.search(self.raws[name]) is not None

    def locate_place(self, place: Place) -> Location | None:
        """Where `place` is written, or its nearest ancestor that is; the file when none is."""
        document = self.files.get(place.file)
        if document is None:
            return Location(place.file)
        steps = place.pointer
        while steps:
            found = document.locate(steps)
            if found is not None:
                return found
            steps = steps[:-1]
        return Location(place.file)

    def value_at(self, place: Place, ref_at: Place | None = None) -> Any:
        """The value at `place`; an `InputError` at the reference `ref_at` when there is none."""
        value: Any = self.files[place.file].data
        for step in place.pointer:
            if isinstance(value, Mapping) and step in value:
                value = value[step]
            elif isinstance(value, list) and str(step).isdigit() and int(step) < len(value):
                value = value[int(step)]
            else:
                raise InputError(
                    f"$ref names nothing: {place.file} has no #{pointer_text(place.pointer)}",
                    self.locate_place(ref_at) if ref_at is not None else Location(place.file),
                )
        return value

    def edits_by_file(self, edits: Sequence[Edit]) -> dict[str, list[Edit]]:
        """`edits` (pointers into `data`) as edits of each file; one edit per place.

        Two edits of one place with different values cannot both be written: `conflicts` finds them first.
        """
        out: dict[str, list[Edit]] = {}
        seen: dict[Place, Any] = {}
        for edit in edits:
            where = self.place(edit.pointer)
            if where in seen:
                continue
            seen[where] = edit.value
            out.setdefault(where.file, []).append(Edit(tuple(str(s) for s in where.pointer), edit.value))
        return out

    def conflicts(self, edits: Sequence[Edit]) -> list[tuple[Edit, Edit]]:
        """Pairs of edits that land on one place with different values (a shared path item decided twice)."""
        first: dict[Place, Edit] = {}
        found: list[tuple[Edit, Edit]] = []
        for edit in edits:
            where = self.place(edit.pointer)
            earlier = first.setdefault(where, edit)
            if earlier is not edit and not same_value(earlier.value, edit.value):
                found.append((earlier, edit))
        return found

    def render(self, edits: Sequence[Edit]) -> dict[str, bytes]:
        """Every file `edits` change, with the change inserted; files left as they are do not appear."""
        return {
            name: self.files[name].render(file_edits)
            for name, file_edits in self.edits_by_file(edits).items()
            if file_edits
        }


def resolve(root: Document, raw: bytes, read: Read, allowed_root: str | None = None) -> DocumentSet:
    """The document set of `root`: path-item references followed, files read with `read` and parsed.

    `allowed_root` is the folder references may not leave (default: the root document's folder); absolute
    paths are refused unless it is given. Every problem is an `InputError` at the `$ref` that causes it.
    """
    base = os.path.dirname(root.name) if root.name != "<stdin>" else ""
    folder = os.path.realpath(allowed_root if allowed_root is not None else (base or "."))
    shown = allowed_root if allowed_root is not None else (base or ".")
    documents = DocumentSet(
        root=root, allowed_root=folder, allowed_shown=shown, files={root.name: root}, raws={root.name: raw}
    )
    documents.resolver = _Resolver(documents, read, explicit_root=allowed_root is not None)
    documents.data = documents.resolver.effective(root.data)
    return documents


def resolve_ref(documents: DocumentSet, ref: str, ref_at: Place) -> Place | None:
    """The place `ref` (written at `ref_at`) names, its file read when new; None for a remote reference."""
    if documents.resolver is None:
        raise ValueError("a document set made by resolve() is needed")
    file_part = ref.partition("#")[0]
    if _URI_SCHEME.match(file_part) or file_part.startswith("//"):
        return None
    return documents.resolver.target(ref, ref_at)


class _Resolver:
    def __init__(self, documents: DocumentSet, read: Read, *, explicit_root: bool) -> None:
        self.documents = documents
        self.read = read
        self.explicit_root = explicit_root
        self.by_real_path: dict[str, Document] = {}
        self.targets: dict[tuple[str, str], Place] = {}  # (reference, file it is written in) -> target

    def effective(self, data: Any) -> Any:
        paths = data.get("paths") if isinstance(data, Mapping) else None
        if not isinstance(paths, Mapping) or not any(_is_ref(item) for item in paths.values()):
            return data
        items: dict[Any, Any] = {}
        for path, item in paths.items():
            if not _is_ref(item):
                items[path] = item
                continue
            at = Place(self.documents.root.name, ("paths", str(path)))
            target, origin = self._follow(item, at)
            siblings = {k: v for k, v in item.items() if k != "$ref"}
            self._check_siblings(siblings, at)
            self.documents.origins[str(path)] = Origin(origin.place, origin.ref, frozenset(siblings))
            items[path] = {**target, **siblings} if siblings else target
        return {**data, "paths": items}

    def _check_siblings(self, siblings: Mapping[str, Any], at: Place) -> None:
        beside = [k for k in siblings if k in METHOD_KEYS]
        if beside:
            raise InputError(
                f"path item {at.pointer[-1]} has operations ({', '.join(beside)}) beside its $ref;"
                " API Gateway's handling of that is undefined",
                self._locate(at),
                hint="move the operations into the referenced path item, or drop the $ref",
            )

    def _follow(self, item: Mapping[str, Any], at: Place) -> tuple[Mapping[str, Any], Origin]:
        """The path item a chain of references starting at `item` (written at `at`) ends on."""
        chain: list[Place] = []
        first_ref = Place(at.file, (*at.pointer, "$ref"))
        ref_at = first_ref
        value: Any = item
        place = at
        while _is_ref(value):
            if len(chain) >= MAX_CHAIN:
                raise InputError(
                    f"a chain of more than {MAX_CHAIN} path item references starts here",
                    self._locate(first_ref),
                    hint="reference the path item itself instead of a reference to it",
                )
            place = self.target(value["$ref"], ref_at)
            if place in chain or place == at:
                shown = " -> ".join(_show(p) for p in (at, *chain, place))
                raise InputError(f"the path item references form a cycle: {shown}", self._locate(first_ref))
            chain.append(place)
            value = self._value_at(place, ref_at)
            if _is_ref(value):
                ref_at = Place(place.file, (*place.pointer, "$ref"))
        if not isinstance(value, Mapping):
            raise InputError(
                f"$ref {item['$ref']!r} names a {type_name(value)}, not a path item (a mapping)",
                self._locate(first_ref),
            )
        if not self._through_mappings(place):
            raise InputError(
                f"$ref {item['$ref']!r} names a path item inside a list, which cannot be edited in place",
                self._locate(first_ref),
                hint="keep shared path items in a mapping, for example under x-path-items",
            )
        return value, Origin(place, ref_at)

    def _through_mappings(self, place: Place) -> bool:
        value: Any = self.documents.files[place.file].data
        for step in place.pointer:
            if not isinstance(value, Mapping):
                return False
            value = value[step]
        return True

    def target(self, ref: Any, ref_at: Place) -> Place:
        """The place a `$ref` value written at `ref_at` names; the file it names is read and parsed."""
        known = self.targets.get((ref, ref_at.file)) if isinstance(ref, str) else None
        if known is not None:
            return known
        place = self._target(ref, ref_at)
        self.targets[(ref, ref_at.file)] = place
        return place

    def _target(self, ref: Any, ref_at: Place) -> Place:
        if not isinstance(ref, str):
            raise InputError(f"$ref must be a string, got a {type_name(ref)}", self._locate(ref_at))
        file_part, _, fragment = ref.partition("#")
        if _URI_SCHEME.match(file_part) or file_part.startswith("//"):
            raise InputError(
                f"$ref {ref!r} is remote: references are never fetched",
                self._locate(ref_at),
                hint=_BUNDLE_HINT,
            )
        pointer = _pointer(fragment, ref, self._locate(ref_at))
        if not file_part:
            return Place(ref_at.file, pointer)
        return Place(self._file(unquote(file_part), ref, ref_at).name, pointer)

    def _file(self, relative: str, ref: str, ref_at: Place) -> Document:
        if os.path.isabs(relative) and not self.explicit_root:
            raise InputError(f"$ref {ref!r} is an absolute path", self._locate(ref_at), hint=_ALLOW_ROOT_HINT)
        referring = ref_at.file if ref_at.file != "<stdin>" else ""
        name = os.path.normpath(os.path.join(os.path.dirname(referring), relative))
        real = os.path.realpath(name)
        if os.path.commonpath([real, self.documents.allowed_root]) != self.documents.allowed_root:
            raise InputError(
                f"$ref {ref!r} leaves "
                + (
                    f"the allowed root {self.documents.allowed_shown}"
                    if self.explicit_root
                    else f"the document's folder ({self.documents.allowed_shown})"
                ),
                self._locate(ref_at),
                hint=_ALLOW_ROOT_HINT,
            )
        known = self.by_real_path.get(real)
        if known is not None:
            return known
        if real == os.path.realpath(self.documents.root.name):
            self.by_real_path[real] = self.documents.root
            return self.documents.root
        try:
            raw = self.read(name)
        except InputError as exc:
            raise InputError(
                f"$ref {ref!r}: {name}: {exc.message}", self._locate(ref_at), hint=exc.hint
            ) from None
        document = load_document(raw, name)
        self.by_real_path[real] = document
        self.documents.files[name] = document
        self.documents.raws[name] = raw
        return document

    def _value_at(self, place: Place, ref_at: Place) -> Any:
        return self.documents.value_at(place, ref_at)

    def _locate(self, place: Place) -> Location | None:
        return self.documents.locate_place(place)


_ALLOW_ROOT_HINT = (
    "keep referenced files inside the document's folder, or name an allowed root with --allow-root"
)


def _is_ref(value: Any) -> bool:
    return isinstance(value, Mapping) and "$ref" in value


def _pointer(fragment: str, ref: str, where: Location | None) -> Pointer:
    """A URI fragment as JSON pointer steps (`/paths/~1pets` -> ("paths", "/pets"))."""
    text = unquote(fragment)
    if not text:
        return ()
    if not text.startswith("/"):
        raise InputError(
            f"$ref {ref!r}: the part after '#' must be a JSON pointer starting with '/'",
            where,
            hint="for example shared.yaml#/x-path-items/invoice",
        )
    return tuple(step.replace("~1", "/").replace("~0", "~") for step in text[1:].split("/"))


def _show(place: Place) -> str:
    return f"{place.file}#{pointer_text(place.pointer)}"
