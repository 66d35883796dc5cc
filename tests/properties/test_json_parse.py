"""The fast JSON reading (msgspec, with a colon count for duplicate keys) against the strict stdlib parse.

`parse_bytes` must give exactly what `parse` gives for the decoded text: the same data, value for value
(types included), or the same refusal with the same message and place. The texts are written by hand here
so that they can hold what a serializer never writes: keys written twice, escaped colons, huge integers,
lone surrogate escapes, NaN, odd whitespace.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apigw_cognito.basics.errors import InputError
from apigw_cognito.document.edits import same_value
from apigw_cognito.document.json_parse import parse, parse_bytes

# Few distinct keys, so objects often repeat one; colons and their escapes inside keys and strings.
_KEYS = st.sampled_from(["a", "b", "a:b", ":", "\\u003a", "\\u003A", "é", "\\ud800", "x\\\\"])
_STRINGS = st.sampled_from(["", ":", "a:b", "\\u003a", "🪲", "\\ud83d\\ude00", "\\udfff", "\\n", 'q\\"'])
_NUMBERS = st.sampled_from(
    ["0", "-0", "1.5", "1e400", "-1E-400", "18446744073709551616", "-9223372036854775809", "1" * 30, "2.0"]
)
_SCALARS = st.one_of(
    _NUMBERS,
    _STRINGS.map(lambda s: f'"{s}"'),
    st.sampled_from(["true", "false", "null", "NaN", "-Infinity"]),
)
_WS = st.sampled_from(["", " ", "\n  ", "\r\n", "\t"])


def _object(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    member = st.tuples(_KEYS, _WS, children).map(lambda m: f'"{m[0]}"{m[1]}:{m[1]}{m[2]}')
    return st.tuples(st.lists(member, max_size=4), _WS).map(lambda o: "{" + o[1] + ",".join(o[0]) + "}")


def _array(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(st.lists(children, max_size=3), _WS).map(lambda a: "[" + a[1].join(a[0]) + "]")


_VALUES = st.recursive(_SCALARS, lambda children: _object(children) | _array(children), max_leaves=12)
_DOCUMENTS = st.tuples(_WS, _object(_VALUES) | _array(_VALUES), _WS).map("".join)


def _outcome(read: Any) -> tuple[str, Any]:
    try:
        return "data", read()
    except InputError as exc:
        return "error", (str(exc), exc.location)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_DOCUMENTS)
def test_the_fast_reading_agrees_with_the_strict_parse(text: str) -> None:
    body = text.encode("utf-8", "surrogatepass")
    fast = _outcome(lambda: parse_bytes(body, "api.json"))
    strict = _outcome(lambda: parse(body.decode("utf-8"), "api.json"))
    assert fast[0] == strict[0], (fast, strict)
    if fast[0] == "data":
        assert same_value(fast[1], strict[1])
    else:
        assert fast == strict


def test_a_key_written_twice_is_refused_at_its_second_place() -> None:
    body = b'{"paths": {"/a": {}, "x": "a:b", "/a": {}}}'
    outcome = _outcome(lambda: parse_bytes(body, "api.json"))
    assert outcome[0] == "error"
    assert "duplicate key '/a'" in outcome[1][0]
    assert (outcome[1][1].line, outcome[1][1].column) == (1, 34)


def test_an_escaped_colon_takes_the_strict_parse() -> None:
    assert parse_bytes(b'{"a\\u003a": 1}', "api.json") == json.loads('{"a:": 1}')
