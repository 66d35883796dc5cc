"""The JSON splices' check never accepts what reading the whole new body back refuses.

`JsonSource._splices_hold` confirms a rendering by reading each splice alone in its place; the reference
is `_check`, which walks the whole new body. Renderings come from the document property suite's cases in
every JSON layout (pretty, tabs, minified), then are mutated the ways a rendering bug would: a character
of the new text changed, dropped or added (a comma, a brace, a quote, a digit, a key), the trailing comma
or separator lost, a splice moved by a few bytes, a new value moved to another member, a new member given
a key the object has. Whenever the splices' check accepts, the whole check must accept too.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from apigw_cognito.basics.errors import InputError
from apigw_cognito.document.edits import Edit, plan_changes
from apigw_cognito.document.json_source import JsonSource
from apigw_cognito.document.load import load_document
from tests.properties.test_document_properties import rendering_cases

LONG = os.environ.get("HYPOTHESIS_PROFILE") == "long"  # `make fuzz`
_CHARS = st.sampled_from([",", "}", "{", "]", '"', ":", " ", "\n", "1", "x", "\\", "true"])


@st.composite
def mutated(draw: st.DrawFn, splice: Any, source: JsonSource) -> Any:
    how = draw(st.sampled_from(["add", "drop", "comma", "shift", "member", "key"]))
    event(f"mutation: {how}")
    text = splice.text
    if how == "add":
        at = draw(st.integers(0, len(text)))
        return replace(splice, text=text[:at] + draw(_CHARS) + text[at:])
    if how == "drop" and text:
        at = draw(st.integers(0, len(text) - 1))
        return replace(splice, text=text[:at] + text[at + 1 :])
    if how == "comma":
        return replace(splice, text=text.rstrip(" \t\r\n").rstrip(","))
    if how == "shift":
        delta = draw(st.sampled_from([-3, -2, -1, 1, 2, 3]))
        start = min(max(0, splice.start + delta), len(source.body))
        end = start if splice.start == splice.end else max(start, min(splice.end + delta, len(source.body)))
        return replace(splice, start=start, end=end)
    if how == "member" and splice.key is not None and len(splice.obj.members) > 1:
        other = draw(st.sampled_from([k for k in splice.obj.members if k != splice.key]))
        member = splice.obj.members[other]
        return replace(splice, start=member.vstart, end=member.vend)
    if how == "key" and splice.key is None and splice.obj.members and isinstance(splice.value, dict):
        taken = next(iter(splice.obj.members))
        return replace(splice, value={**splice.value, taken: 0}, text=f'"{taken}": 0, ' + text)
    return splice


def _verdicts(source: JsonSource, edits: list[Edit], data: st.DataObject) -> None:
    try:
        changes = plan_changes(source.data, edits, source.locate)
    except InputError:
        return
    if not changes:
        return
    splices = sorted(source._splices(changes), key=lambda s: s.start)
    if data.draw(st.booleans()):
        i = data.draw(st.integers(0, len(splices) - 1))
        splices[i] = data.draw(mutated(splices[i], source))
        splices.sort(key=lambda s: s.start)
    parts, at = [], 0
    for splice in splices:
        if splice.start < at:
            return  # a mutation made two splices overlap: the renderer refuses that itself
        parts += [source.body[at : splice.start], splice.text.encode("utf-8", "surrogatepass")]
        at = splice.end
    rendered = b"".join(parts) + source.body[at:]
    alone = source._splices_hold(splices)
    try:
        source._check(rendered, changes)
        whole = True
    except (AssertionError, InputError):
        whole = False
    event(f"splices {'accept' if alone else 'defer'}, whole check {'accepts' if whole else 'refuses'}")
    assert whole or not alone, f"the splices' check accepted what the whole check refuses:\n{rendered!r}"


@settings(max_examples=3000 if LONG else 300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rendering_cases(), st.data())
def test_splices_accept_nothing_the_whole_check_refuses(
    case: tuple[Any, str, list[Edit]], data: st.DataObject
) -> None:
    document, _, edits = case
    if isinstance(document.source, JsonSource):
        _verdicts(document.source, edits, data)


@pytest.mark.parametrize(
    "text",
    [
        '{"paths": {"/a": {"get": {"summary": "x"}, "put": {"security": [], "summary": "y"}}}}',
        json.dumps({"paths": {"/a": {"get": {"summary": "x"}, "put": {}}}}, indent=2),
        json.dumps({"paths": {"/a": {"get": {"security": [{"Old": []}]}}}}, indent="\t"),
    ],
)
def test_operations_gaining_or_changing_security_are_checked_by_their_splices_alone(text: str) -> None:
    source = load_document(text.encode(), "api.json").source
    assert isinstance(source, JsonSource)
    edits = [
        Edit(("paths", "/a", method, "security"), [{"Pool": ["https://api.example.com/read"]}])
        for method in source.data["paths"]["/a"]
    ]
    edits.append(Edit(("components", "securitySchemes", "Pool"), {"type": "apiKey"}))
    splices = source._splices(plan_changes(source.data, edits, source.locate))
    assert source._splices_hold(splices)
    # A new value one byte off its place is not accepted (the whole check then decides).
    moved = [replace(splices[0], start=splices[0].start + 1, end=splices[0].end + 1), *splices[1:]]
    assert not source._splices_hold(moved)
