"""The JSON document layer: strict reading with positions, and edits rendered in the document's own layout."""

from __future__ import annotations

import json
from typing import Any

import pytest

from apigw_cognito.basics.errors import InputError, Location
from apigw_cognito.document import json_source
from apigw_cognito.document.edits import Edit, apply_to_data
from apigw_cognito.document.load import load_document

POOL = [{"Pool": ["s"]}]


def render(text: str | bytes, *edits: Edit, name: str = "api.json") -> str:
    raw = text.encode() if isinstance(text, str) else text
    document = load_document(raw, name)
    out = document.render(edits)
    again = load_document(out, name)
    assert again.data == apply_to_data(document.data, edits)
    assert again.render(edits) == out  # a second run changes nothing
    return out.decode("utf-8-sig")


def security(path: str = "/pets", method: str = "get", value: Any = POOL) -> Edit:
    return Edit(("paths", path, method, "security"), value)


def refused(text: str | bytes, *edits: Edit) -> InputError:
    raw = text.encode() if isinstance(text, str) else text
    with pytest.raises(InputError) as info:
        load_document(raw, "api.json").render(edits)
    return info.value


PRETTY = """\
{
  "openapi": "3.0.0",
  "paths": {
    "/pets": {
      "get": {
        "summary": "List"
      },
      "post": {}
    }
  }
}
"""


def test_pretty_insertion_follows_indentation_and_changes_no_line() -> None:
    out = render(PRETTY, security(), security("/pets", "post", []))
    # New members go first in their object, so no existing line gains a comma.
    assert (
        out
        == json.dumps(
            {
                "openapi": "3.0.0",
                "paths": {"/pets": {"get": {"security": POOL, "summary": "List"}, "post": {"security": []}}},
            },
            indent=2,
        )
        + "\n"
    )
    lines = iter(out.splitlines())
    assert all(
        any(line == new for new in lines) for line in PRETTY.splitlines() if line.strip() != '"post": {}'
    )


def test_missing_components_are_created_first() -> None:
    out = render(
        PRETTY,
        Edit(("components", "securitySchemes", "A"), {"type": "apiKey"}),
        Edit(("components", "securitySchemes", "B"), {}),
    )
    assert out.startswith(
        '{\n  "components": {\n    "securitySchemes": {\n      "A": {\n        "type": "apiKey"\n'
        '      },\n      "B": {}\n    }\n  },\n  "openapi": "3.0.0",\n'
    )


def test_empty_components_object_is_filled() -> None:
    text = PRETTY.replace("  }\n}\n", '  },\n  "components": {}\n}\n')
    out = render(text, Edit(("components", "securitySchemes", "A"), {"type": "apiKey"}))
    assert out.endswith(
        '  "components": {\n    "securitySchemes": {\n      "A": {\n        "type": "apiKey"\n'
        "      }\n    }\n  }\n}\n"
    )


def test_minified_documents_stay_minified() -> None:
    text = '{"openapi":"3.0.0","paths":{"/pets":{"get":{"summary":"x"}}}}'
    out = render(text, security(), Edit(("components", "securitySchemes", "P"), {"in": "header"}))
    assert out == (
        '{"components":{"securitySchemes":{"P":{"in":"header"}}},'
        '"openapi":"3.0.0","paths":{"/pets":{"get":{"security":[{"Pool":["s"]}],"summary":"x"}}}}'
    )


def test_spaced_one_line_objects_keep_their_separators() -> None:
    text = '{"openapi": "3.0.0", "paths": {"/pets": {"get": {"summary": "x"}}}}\n'
    assert render(text, security()) == (
        '{"openapi": "3.0.0", "paths": {"/pets": {"get": {"security": [{"Pool": ["s"]}], "summary": "x"}}}}\n'
    )


def test_tabs_crlf_and_bom_are_kept() -> None:
    text = PRETTY.replace("  ", "\t").replace("\n", "\r\n")
    raw = b"\xef\xbb\xbf" + text.encode()
    document = load_document(raw, "api.json")
    assert document.bom
    assert document.newline == "\r\n"
    out = document.render([security()])
    assert out.startswith(b"\xef\xbb\xbf")
    assert b"\n" not in out.replace(b"\r\n", b"")
    assert '\t\t\t\t"security": [\r\n\t\t\t\t\t{\r\n\t\t\t\t\t\t"Pool": [' in out.decode("utf-8-sig")


def test_four_spaces_and_compact_colons() -> None:
    text = json.dumps({"paths": {"/pets": {"get": {"summary": "x"}}}}, indent=4, separators=(",", ":"))
    out = render(text, security())
    assert out == json.dumps(
        {"paths": {"/pets": {"get": {"security": POOL, "summary": "x"}}}}, indent=4, separators=(",", ":")
    )


def test_an_existing_different_security_is_replaced_in_place() -> None:
    text = PRETTY.replace('"summary": "List"', '"security": [],\n        "summary": "List"')
    out = render(text, security())
    assert '        "security": [\n          {\n            "Pool": [\n' in out
    assert out.replace(" ", "").replace("\n", "") == json.dumps(
        {"openapi": "3.0.0", "paths": {"/pets": {"get": {"security": POOL, "summary": "List"}, "post": {}}}},
        separators=(",", ":"),
    )


def test_an_equal_value_changes_nothing_even_if_written_differently() -> None:
    text = PRETTY.replace('"summary": "List"', '"security": [ { "Pool" : [ "s" ] } ]')
    assert render(text, security()) == text
    assert render(PRETTY.replace('"openapi": "3.0.0"', '"openapi": 1'), Edit(("openapi",), 1)) is not None


def test_type_differences_count_as_changes() -> None:
    text = '{"paths": {}, "x": 1}'
    assert render(text, Edit(("x",), True)) == '{"paths": {}, "x": true}'
    assert render(text, Edit(("x",), 1.0)) == '{"paths": {}, "x": 1.0}'


def test_unicode_is_written_as_is_and_columns_count_characters() -> None:
    text = '{"paths": {"/café": {"get": {"summary": "😀😀"}}}}'
    document = load_document(text.encode(), "api.json")
    assert document.locate(("paths", "/café", "get", "summary")) == Location("api.json", 1, 30)
    out = render(text, security("/café", value=[{"Pööl": ["😀"]}]))
    assert out == '{"paths": {"/café": {"get": {"security": [{"Pööl": ["😀"]}], "summary": "😀😀"}}}}'


def test_escaped_keys_are_matched_by_their_value() -> None:
    text = '{"paths": {"/caf\\u00e9": {"get": {}}}}'
    assert (
        render(text, security("/café", value=[])) == '{"paths": {"/caf\\u00e9": {"get": {"security": []}}}}'
    )


def test_lone_surrogates_in_values_are_escaped() -> None:
    out = render('{"paths": {"/p": {"get": {}}}}', security("/p", value=[{"\ud800": []}]))
    assert out == '{"paths": {"/p": {"get": {"security": [{"\\ud800": []}]}}}}'


def test_locate() -> None:
    document = load_document(PRETTY.encode(), "api.json")
    assert document.locate(()) == Location("api.json", 1, 1)
    assert document.locate(("paths", "/pets", "get")) == Location("api.json", 5, 7)
    assert document.locate(("paths", "/pets", "get", "summary")) == Location("api.json", 6, 9)
    assert document.locate(("paths", "/pets", "nope")) is None
    assert document.locate(("openapi", 0)) is None
    listed = load_document(b'{"a": {"b": [1, {"c": [true, null]}]}}', "api.json")
    assert listed.locate(("a", "b", 1, "c", 1)) == Location("api.json", 1, 30)
    assert listed.locate(("a", "b", 5)) is None


@pytest.mark.parametrize(
    ("text", "message", "location"),
    [
        ("", "empty", Location("api.json", 1, 1)),
        ("  \n", "empty", Location("api.json", 1, 1)),
        ('{"a": 1,}', "not valid JSON", Location("api.json", 1, 9)),
        ('{"a": 1}\n{"b": 2}', "not valid JSON: Extra data", Location("api.json", 2, 1)),
        (
            '{\n  "a": {"b": 1, "b": 2}\n}',
            "duplicate key 'b' in one object (first at line 2)",
            Location("api.json", 2, 17),
        ),
        ('{"a": 1,\n "a": 2}', "duplicate key 'a'", Location("api.json", 2, 2)),
        ('{"a": [1, NaN]}', "NaN is not a JSON number", Location("api.json", 1, 11)),
        ('{"a": -Infinity}', "-Infinity is not a JSON number", Location("api.json", 1, 7)),
        ('{"a": ' + "9" * 5000 + "}", "integer too long", Location("api.json", 1, 7)),
        (
            '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}",
            "nested 100001 levels deep, too deep",
            Location("api.json", 1, 100006),
        ),
        ('"just a string"', "single value", Location("api.json")),
        ('{"a": "tab\there"}', "Invalid control character", Location("api.json", 1, 11)),
    ],
)
def test_malformed_documents_are_refused_with_a_place(
    text: str, message: str, location: Location | None
) -> None:
    error = refused(text)
    assert message in error.message
    if location is not None:
        assert error.location == location


def test_bad_utf8_names_line_and_column() -> None:
    error = refused(b'{\n  "a": "\xc3\xa9\xc3"\n}')
    assert "not valid UTF-8" in error.message
    assert error.location == Location("api.json", 2, 10)


def test_non_objects_on_the_way_are_refused() -> None:
    error = refused('{"paths": {"/pets": []}}', security())
    assert "is a list, not a mapping" in error.message
    assert error.location == Location("api.json", 1, 12)
    assert "top level is not a mapping" in refused("[1, 2]", security()).message


def test_a_top_level_list_loads() -> None:
    document = load_document(b'[1, {"a": 2}]', "api.json")
    assert document.data == [1, {"a": 2}]
    assert document.locate((1, "a")) == Location("api.json", 1, 6)


def test_yaml_named_file_with_json_content_is_read_as_yaml_when_asked() -> None:
    document = load_document(b'{"paths": {"/p": {"get": {}}}}', "api", fmt=None)
    assert document.format == "json"


def test_the_self_check_catches_a_rendering_that_means_something_else(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    document = load_document(PRETTY.encode(), "api.json")
    real = json_source._dumps
    monkeypatch.setattr(
        json_source, "_dumps", lambda value, **options: real(value, **options).replace("true", "1")
    )
    with pytest.raises(AssertionError, match=r"api\.json"):
        document.render([Edit(("paths", "/pets", "get", "x-flag"), True)])
    monkeypatch.setattr(json_source, "_dumps", lambda value, **options: real(value, **options) + ", ")
    with pytest.raises(AssertionError, match="malformed"):
        document.render([security()])
