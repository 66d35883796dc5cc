"""Properties of the document layer over generated documents and edits, and a run over the real corpus.

For any document and edits: the rendered text parses to exactly `apply_to_data`, rendering again is
byte-identical, and the original text survives in order (only what was added, or the span of a replaced
value, differs).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apigw_cognito.basics.errors import InputError
from apigw_cognito.basics.openapi import MISSING, iter_operations
from apigw_cognito.document.edits import Edit, apply_to_data
from apigw_cognito.document.load import Document, load_document
from apigw_cognito.document.yaml_paths import Paths
from apigw_cognito.document.yaml_spans import Spans
from tests.support.ci import cannot_run
from tests.support.paths import CORPUS

# Small alphabets so that generated keys and values collide and hit the quoting rules.
_TEXT = st.text(alphabet="aZ0:#- '\"{}[],&*!|>%@`é😀\t\n", max_size=6)
_WORDS = st.sampled_from(
    ["on", "yes", "null", "~", "012", "0x1F", "1e3", ".inf", "2020-01-01", "a: b", "<<", ""]
)
_SCALARS = st.one_of(
    _TEXT,
    _WORDS,
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.none(),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_TEXT, inner, max_size=3)),
    max_leaves=6,
)
_METHODS = st.sampled_from(["get", "post", "put", "delete", "options"])
_SECURITY = st.lists(
    st.dictionaries(
        st.one_of(_TEXT, st.sampled_from(["Pool", "api_key"])), st.lists(_TEXT, max_size=2), max_size=2
    ),
    max_size=2,
)
_OPERATION = st.dictionaries(
    st.sampled_from(["summary", "tags", "security", "x-a", "responses"]),
    st.one_of(_VALUES, _SECURITY),
    max_size=3,
)
_DOCUMENTS = st.fixed_dictionaries(
    {
        "openapi": st.just("3.0.0"),
        "paths": st.dictionaries(
            st.one_of(st.sampled_from(["/pets", "/pets/{id}", "/a b"]), _TEXT.map(lambda t: "/" + t)),
            st.dictionaries(_METHODS, _OPERATION, min_size=1, max_size=3),
            min_size=1,
            max_size=3,
        ),
    },
    optional={
        "components": st.one_of(
            st.none(),
            st.dictionaries(
                st.sampled_from(["schemas", "securitySchemes"]),
                st.one_of(st.none(), st.dictionaries(_TEXT, _VALUES, max_size=2)),
                max_size=2,
            ),
        ),
        "x-end": _VALUES,
    },
)


class _IndentedDumper(yaml.SafeDumper):
    """Writes block lists indented under their key (`key:\\n  - a`) instead of PyYAML's flush default."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


class _LiteralDumper(_IndentedDumper):
    """Writes multi-line strings as literal block scalars (`|`, `|-`, `|+`), whose ends are subtle."""


def _literal(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_LiteralDumper.add_representer(str, _literal)


def _as_text(data: Any, style: str, comments: bool) -> str:
    if style.startswith("json"):
        indent = {"json-2": 2, "json-4": 4, "json-tab": "\t", "json-min": None}[style]
        separators = (",", ":") if style == "json-min" else None
        return json.dumps(data, indent=indent, separators=separators, ensure_ascii=False) + "\n"
    dumper = {"yaml-indented": _IndentedDumper, "yaml-literal": _LiteralDumper}.get(style, yaml.SafeDumper)
    text = yaml.dump(
        data,
        Dumper=dumper,
        default_flow_style=style == "yaml-flow",
        allow_unicode=True,
        width=10**6,
        sort_keys=False,
        indent=4 if style == "yaml-4" else 2,
    )
    if comments and style not in ("yaml-flow", "yaml-literal"):
        # Full-line comments and blank lines between block lines, and comments after values.
        lines = text.splitlines()
        text = "".join(
            line + "  # c\n" + ("  # note\n\n" if i % 3 == 1 else "") for i, line in enumerate(lines)
        )
    return text


_STYLES = st.sampled_from(
    [
        "json-2",
        "json-4",
        "json-tab",
        "json-min",
        "yaml",
        "yaml-indented",
        "yaml-4",
        "yaml-flow",
        "yaml-literal",
    ]
)


@st.composite
def rendering_cases(draw: st.DrawFn) -> tuple[Document, str, list[Edit]]:
    style = draw(_STYLES)
    data = draw(_DOCUMENTS)
    operations = [op for item in data["paths"].values() for op in item.values()]
    sharing = draw(st.sampled_from(["none", "value", "operation"]))
    if sharing == "value":  # one object under several operations: YAML writes an anchor and aliases
        shared = draw(st.dictionaries(_TEXT, _VALUES, min_size=1, max_size=2))
        for op in operations:
            op[draw(st.sampled_from(["responses", "x-a"]))] = shared
    elif sharing == "operation" and len(operations) > 1:
        first = next(iter(data["paths"].values()))
        first[draw(_METHODS)] = operations[-1]
    if style == "yaml-literal":  # every operation ends with a literal block: clipped, stripped or kept
        for op in operations:
            op["description"] = draw(st.sampled_from(["a\nb", "a\n", "a\n\n", "a\n\n\n", " a\nb\n"]))
    text = _as_text(data, style, draw(st.booleans()))
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    name = "api.json" if style.startswith("json") else "api.yaml"
    raw = (b"\xef\xbb\xbf" if draw(st.booleans()) else b"") + text.encode()
    document = load_document(raw, name)
    edits: list[Edit] = []
    for operation in iter_operations(document.data, document.locate):
        if draw(st.booleans()):
            edits.append(Edit((*operation.pointer, "security"), draw(_SECURITY)))
    for scheme in draw(st.lists(st.sampled_from(["Pool", "Other", "a: b"]), max_size=2)):
        edits.append(
            Edit(("components", "securitySchemes", scheme), draw(st.dictionaries(_TEXT, _VALUES, max_size=3)))
        )
    return document, text, edits


def _replaced(document: Document, edits: list[Edit]) -> list[tuple[str, ...]]:
    """Pointers of edits that change the value of a key the document already has."""
    out = []
    for edit in edits:
        node = document.data
        for i, step in enumerate(edit.pointer):
            if step not in node:
                break
            if node[step] is None or i == len(edit.pointer) - 1:  # a null on the way is replaced too
                if node[step] != edit.value:
                    out.append(edit.pointer[: i + 1])
                break
            node = node[step]
    return out


def _render(document: Document, edits: list[Edit]) -> bytes | None:
    """The rendered bytes, or None when the edits are refused because they touch an anchored mapping."""
    try:
        return document.render(edits)
    except InputError as error:  # an operation shared through an anchor is refused, nothing else is
        if "anchor" not in error.message:
            raise
        return None


def _is_subsequence(small: list[str] | str, big: list[str] | str) -> bool:
    it = iter(big)
    return all(any(item == other for other in it) for item in small)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rendering_cases())
def test_rendering_means_what_apply_to_data_says_and_is_idempotent(
    case: tuple[Document, str, list[Edit]],
) -> None:
    document, _, edits = case
    out = _render(document, edits)
    if out is None:
        return
    again = load_document(out, document.name)
    assert again.data == apply_to_data(document.data, edits)
    assert again.render(edits) == out
    if not edits:
        assert out == (b"\xef\xbb\xbf" if document.bom else b"") + document.source.render([]).encode()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rendering_cases())
def test_locate_points_at_each_operations_key(case: tuple[Document, str, list[Edit]]) -> None:
    document, text, _ = case
    lines = text.splitlines()
    for op in iter_operations(document.data, document.locate):
        where = document.locate(op.pointer)
        assert where is not None
        assert where.line is not None
        assert where.column is not None
        written = lines[where.line - 1][where.column - 1 :]
        assert written.startswith((op.key, f'"{op.key}"', f"'{op.key}'")) or "*" in written or "<<" in written


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rendering_cases())
def test_the_original_text_survives(case: tuple[Document, str, list[Edit]]) -> None:
    document, text, edits = case
    rendered = _render(document, edits)
    if rendered is None:
        return
    new = rendered.decode("utf-8-sig")
    if _replaced(document, edits):
        return  # covered by the replacement property below
    assert _is_subsequence(text, new)  # only additions
    if document.format == "yaml" and not text.lstrip().startswith("{"):
        # Block YAML: whole lines are added; a line changes only when a flow mapping on it gains a member.
        old_lines = iter(text.splitlines())
        pending = next(old_lines, None)
        for line in new.splitlines():
            if pending is not None and (
                line == pending or ("{" in pending and line != pending and _is_subsequence(pending, line))
            ):
                pending = next(old_lines, None)
        assert pending is None, f"the original line {pending!r} is missing or changed"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rendering_cases(), _SECURITY)
def test_a_replaced_value_changes_only_its_own_span(
    case: tuple[Document, str, list[Edit]], value: Any
) -> None:
    document, text, _ = case
    targets = [
        (*op.pointer, "security")
        for op in iter_operations(document.data, document.locate)
        if "security" in document.data["paths"][op.path][op.key]
        and document.data["paths"][op.path][op.key]["security"] != value
    ]
    if not targets:
        return
    pointer = targets[0]
    rendered = _render(document, [Edit(pointer, value)])
    if rendered is None:
        return
    new = rendered.decode("utf-8-sig")
    key = document.locate(pointer)
    assert key is not None
    assert key.line is not None
    lines = text.splitlines(keepends=True)
    start = sum(len(line) for line in lines[: key.line - 1]) + (key.column or 1) - 1
    # Everything before the key is untouched; what follows the old value follows the new one.
    assert new[:start] == text[:start]
    end = _value_end(document, pointer, text)
    assert new.endswith(text[end:])


def _value_end(document: Document, pointer: tuple[str, ...], text: str) -> int:
    """Where the old value at `pointer` ends, in characters of `text`."""
    source: Any = document.source
    if document.format == "json":
        _, _, end_byte = source._find(pointer)
        return len(source.body[:end_byte].decode("utf-8"))
    found = Paths(source.tree, source.name).resolve(pointer)
    assert found is not None
    node, key, _ = found
    spans = Spans(source.text, source.tree, source.name)
    start, end, alias = spans.occurrence(node, source.tree.end[key])
    return end if alias else max(end, spans.content_end(node, start))


# --- the corpus ----------------------------------------------------------------------------------------


def _corpus() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.iterdir() if p.suffix in {".json", ".yaml", ".yml"})


@pytest.mark.corpus
@pytest.mark.parametrize("path", _corpus() or [None])
def test_corpus_documents_only_gain_lines(path: Path | None) -> None:
    if path is None:
        cannot_run(f"no corpus at {CORPUS}")
    raw = path.read_bytes()
    document = load_document(raw, path.name)
    # Operations that already say who may call them keep their value (an equal edit changes nothing).
    edits = [
        Edit(
            (*op.pointer, "security"),
            [{"CorpusPool": ["https://example.com/scope"]}] if op.security is MISSING else op.security,
        )
        for op in iter_operations(document.data, document.locate)
    ]
    schemes = ("securityDefinitions",) if "swagger" in document.data else ("components", "securitySchemes")
    edits.append(Edit((*schemes, "CorpusPool"), {"type": "apiKey", "name": "Authorization", "in": "header"}))
    out = document.render(edits)  # includes the self-check
    old, new = raw.decode("utf-8-sig").splitlines(), out.decode("utf-8-sig").splitlines()
    i = changed = 0
    for line in new:
        if i < len(old) and line == old[i]:
            i += 1
        elif i < len(old) and document.format == "json" and line == old[i] + ",":
            i += 1  # a JSON member gained a follower: its line gains the comma
            changed += 1
    assert i == len(old), f"line {i + 1} of the original is missing or changed"
    assert changed <= len(edits)
    assert len(new) > len(old)


def test_apply_to_data_copies_only_the_mappings_on_each_path() -> None:
    data = {"info": {"title": "x"}, "paths": {"/a": {"get": {"summary": "s"}}, "/b": {"get": {}}}}
    before = json.dumps(data)
    edits = [
        Edit(("paths", "/a", "get", "security"), []),
        Edit(("paths", "/a", "get", "security"), [{"P": []}]),
        Edit(("components", "securitySchemes", "P"), {"type": "apiKey"}),
    ]
    result = apply_to_data(data, edits)
    assert json.dumps(data) == before
    assert result["info"] is data["info"]
    assert result["paths"]["/b"] is data["paths"]["/b"]
    assert result["paths"]["/a"]["get"] == {"summary": "s", "security": [{"P": []}]}
    assert result["components"] == {"securitySchemes": {"P": {"type": "apiKey"}}}
    assert apply_to_data(data, []) is data
