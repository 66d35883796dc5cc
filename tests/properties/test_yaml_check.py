"""The windowed YAML self-check never accepts what the whole re-parse refuses.

`yaml_check.windows_hold` confirms a rendering by reading a window around each splice (new keys at the end
of a block mapping, a key's new value); the reference is parsing the whole new text again. Renderings are
generated (the document property suite's cases, and texts written to trap a window: quoted scalars and
flow collections continued at column 0, kept block scalars, deeper comments, compact lists, explicit keys,
anchors, block `security` lists to replace), then mutated the ways a rendering bug would: new text changed
(a character, the indentation of a line, a line added: a comment, a key, a document marker, a directive,
an anchor or alias; the final line break dropped), a splice moved to another line start, its end moved (a
replaced span cut short or run on), its window's key moved, its closing column loosened. Whenever the
window check accepts, the whole re-parse must accept too. `make fuzz` runs ten times more.
"""

from __future__ import annotations

import os
import textwrap
from dataclasses import replace
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from apigw_cognito.basics.errors import InputError
from apigw_cognito.document.edits import Edit, plan_changes
from apigw_cognito.document.load import load_document
from apigw_cognito.document.yaml_check import Splice, whole_text_holds, windows_hold
from apigw_cognito.document.yaml_source import YamlSource
from tests.properties.test_document_properties import rendering_cases

POOL = [{"Pool": ["https://api.example.com/read"]}]
LONG = os.environ.get("HYPOTHESIS_PROFILE") == "long"  # `make fuzz`

# Each ends an operation or a mapping with something a misplaced run could land inside.
TRAPS = [
    'paths:\n  /a:\n    get:\n      summary: "one\ntwo"\n    post:\n      summary: x\n',
    "paths:\n  /a:\n    get:\n      summary: 'one\n two'\n  /b:\n    get: {}\n",
    "paths:\n  /a:\n    get:\n      tags: [a,\nb]\n      x-b: {k: 1,\n k2: 2}\n",
    "paths:\n  /a:\n    get:\n      description: |+\n        text\n\n\n    put:\n      summary: y\n",
    "paths:\n  /a:\n    get:\n      description: >-\n        one\n        # not a comment\n"
    "      # a comment\n    put:\n      summary: y\n",
    "paths:\n  /a:\n    get:\n      summary: plain\n        continued\n      # deeper comment\n"
    "        # deeper still\n  /b:\n    get:\n      x: 1\n",
    "paths:\n  /a:\n    get:\n      tags:\n      - a\n      - b\n    put:\n      tags:\n      - c\n",
    "paths:\n  /a:\n    get:\n      ? summary\n      : x\n      ? tags\n      : [a]\n",
    "paths:\n  /a:\n    get:\n      x-a: &one\n        k: 1\n    put:\n      x-a: *one\n",
    "paths:\n  /a:\n    get:\n      summary: &a x\n    put:\n      summary: *a\n",
    # `security` already there, in block style: its new value replaces several lines
    "paths:\n  /a:\n    get:\n      security:\n      - Old: []\n      - Other:\n        - x\n"
    "      summary: y\n",
    "paths:\n  /a:\n    get:\n      security:\n        - Old:\n            - x\n"
    "    put:\n      security: []\n",
    "paths:\n  /a:\n    get: {summary: x}\n    put:\n      summary: y\n      x-z: |\n        t\n",
    "paths:\n  /a:\n    get:\n      summary: x\n  # a comment at the paths' column\n  /b:\n"
    "    get:\n      summary: y\n# at the root\ncomponents:\n  schemas:\n    S: {type: string}\n",
    "paths:\n  /a:\n    get:\n      summary: x\t# after a tab\n\ncomponents:\n  schemas: {}\n",
]


@st.composite
def trap_cases(draw: st.DrawFn) -> tuple[YamlSource, list[Edit]]:
    text = draw(st.sampled_from(TRAPS))
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    document = load_document(text.encode(), "api.yaml")
    edits = []
    for path, item in document.data["paths"].items():
        for method in item:
            if draw(st.booleans()):
                edits.append(Edit(("paths", path, method, "security"), draw(st.sampled_from([POOL, []]))))
    if draw(st.booleans()):
        edits.append(Edit(("components", "securitySchemes", "Pool"), {"type": "apiKey", "in": "header"}))
    assert isinstance(document.source, YamlSource)
    return document.source, edits


# Lines a rendering bug could add: content, comments, indicators, anchors, document markers, directives.
_NEW_LINES = st.sampled_from(
    ["# c", "x: 1", "- a", "? k", "'q", "[", "|", "  ", "\t", "&a b: 1", "*a", "...", "---", "--- x", "%Y 1"]
)


@st.composite
def mutated(draw: st.DrawFn, splice: Splice, text: str) -> Splice:
    how = draw(st.sampled_from(["char", "indent", "line", "newline", "place", "end", "key", "next"]))
    event(f"mutation: {how}")
    new = splice.text
    if how == "char" and new:
        at = draw(st.integers(0, len(new) - 1))
        char = draw(st.sampled_from([":", "#", "-", " ", "\n", '"', "'", "[", "{", "|", "x"]))
        new = new[:at] + char + new[at:]
    elif how == "indent":
        lines = new.split("\n")
        i = draw(st.integers(0, len(lines) - 1))
        lines[i] = lines[i][1:] if draw(st.booleans()) and lines[i].startswith(" ") else " " + lines[i]
        new = "\n".join(lines)
    elif how == "line":
        column = draw(st.integers(0, 12))
        line = " " * draw(st.sampled_from([0, column])) + draw(_NEW_LINES) + "\n"
        new = line + new if draw(st.booleans()) else new + line
    elif how == "newline":
        new = new.rstrip("\r\n")
    elif how == "place":
        starts = [0] + [i + 1 for i, char in enumerate(text) if char == "\n" and i + 1 < len(text)]
        at = draw(st.sampled_from(starts))
        return replace(splice, start=at, end=at)
    elif how == "end":  # a replaced span cut short, or run on: the old value's rest left, or eaten
        end = splice.end + draw(st.sampled_from([-8, -3, -1, 1, 3, 8]))
        return replace(splice, end=min(max(splice.start, end), len(text)))
    elif how == "key":
        return replace(splice, key_start=draw(st.integers(0, max(0, splice.start))))
    elif how == "next":
        return replace(splice, ends_mapping=False)
    return replace(splice, text=new)


def _verdicts(source: YamlSource, edits: list[Edit], data: st.DataObject) -> None:
    try:
        changes = plan_changes(source.data, edits, source.locate)
        splices = sorted(source._splices(changes), key=lambda s: (s.start, -s.depth))
    except InputError:  # an anchored mapping: refused before any text is written
        return
    if not changes:
        return
    if splices and data.draw(st.booleans()):
        i = data.draw(st.integers(0, len(splices) - 1))
        splices[i] = data.draw(mutated(splices[i], source.text))
        splices.sort(key=lambda s: (s.start, -s.depth))
    parts, at = [], 0
    for splice in splices:
        if splice.start < at:
            return  # a mutation made two splices overlap: the renderer refuses that itself
        parts += [source.text[at : splice.start], splice.text]
        at = splice.end
    rendered = "".join(parts) + source.text[at:]
    windowed = not source._shared and windows_hold(source.text, splices, source.name)
    try:
        whole_text_holds(rendered, source.data, changes, source.name)
        whole = True
    except AssertionError:
        whole = False
    except InputError:  # nested too deeply to compare: the window check must not accept either
        whole = False
    event(f"window {'accepts' if windowed else 'defers'}, whole re-parse {'accepts' if whole else 'refuses'}")
    assert whole or not windowed, f"the window check accepted what the whole re-parse refuses:\n{rendered}"


@settings(max_examples=3000 if LONG else 300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trap_cases(), st.data())
def test_windows_accept_nothing_the_whole_reparse_refuses_on_traps(
    case: tuple[YamlSource, list[Edit]], data: st.DataObject
) -> None:
    source, edits = case
    _verdicts(source, edits, data)


@settings(max_examples=2000 if LONG else 200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rendering_cases(), st.data())
def test_windows_accept_nothing_the_whole_reparse_refuses_on_generated_documents(
    case: tuple[Any, str, list[Edit]], data: st.DataObject
) -> None:
    document, _, edits = case
    if isinstance(document.source, YamlSource):
        _verdicts(document.source, edits, data)


def test_operations_gaining_or_changing_security_are_checked_by_their_windows_alone() -> None:
    text = textwrap.dedent(
        """\
        openapi: 3.0.0
        paths:
          /pets:
            get:
              summary: list   # trailing comment
              responses: {'200': {description: ok}}
            post:
              description: |
                text
              # a comment
          /pets/{id}:
            get:
              tags:
              - pets
            delete:
              security: [{Old: []}]  # replaced
              summary: gone
            put:
              security:
              - Old: []
        components:
          schemas: {}
          headers:
            H: {schema: {type: string}}
        """
    )
    source = load_document(text.encode(), "api.yaml").source
    assert isinstance(source, YamlSource)
    edits = [
        Edit(("paths", "/pets", "get", "security"), POOL),
        Edit(("paths", "/pets", "post", "security"), []),
        Edit(("paths", "/pets/{id}", "get", "security"), POOL),
        Edit(("paths", "/pets/{id}", "delete", "security"), POOL),
        Edit(("paths", "/pets/{id}", "put", "security"), []),
        Edit(("components", "securitySchemes", "Pool"), {"type": "apiKey"}),
    ]
    changes = plan_changes(source.data, edits, source.locate)
    splices = list(source._splices(changes))
    assert len(splices) == 6
    assert all(splice.key_start >= 0 for splice in splices)
    assert windows_hold(source.text, splices, source.name)
    # A splice one column off is not accepted by its window (the whole re-parse then decides).
    i = next(i for i, splice in enumerate(splices) if splice.text.endswith("\n"))  # new lines
    shifted = [*splices[:i], replace(splices[i], text=" " + splices[i].text), *splices[i + 1 :]]
    assert not windows_hold(source.text, shifted, source.name)
