"""The YAML document layer: core-schema reading, refusals with positions, and edits rendered as insertions."""

from __future__ import annotations

import math
import textwrap
import time
from typing import Any

import pytest
import yaml

from apigw_cognito.basics.errors import InputError, Location, ToolError
from apigw_cognito.document import yaml_parse, yaml_values
from apigw_cognito.document.edits import Edit, apply_to_data
from apigw_cognito.document.load import load_document

POOL = [{"Pool": ["https://pets.example.com/purchase"]}]
SCHEME = {
    "type": "apiKey",
    "name": "Authorization",
    "in": "header",
    "x-amazon-apigateway-authtype": "cognito_user_pools",
    "x-amazon-apigateway-authorizer": {
        "type": "cognito_user_pools",
        "providerARNs": ["arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc"],
    },
}


def doc(text: str, name: str = "api.yaml") -> Any:
    return load_document(textwrap.dedent(text).encode(), name)


def data(text: str) -> Any:
    return doc(text).data


def render(text: str, *edits: Edit) -> str:
    document = doc(text)
    out: str = document.render(edits).decode()
    again = load_document(out.encode(), "api.yaml")
    assert again.data == apply_to_data(document.data, edits)
    assert again.render(edits).decode() == out  # a second run changes nothing
    return out


def security(path: str = "/pets", method: str = "get", value: Any = POOL) -> Edit:
    return Edit(("paths", path, method, "security"), value)


def refused(text: str | bytes, *edits: Edit) -> InputError:
    raw = text if isinstance(text, bytes) else textwrap.dedent(text).encode()
    with pytest.raises(InputError) as info:
        load_document(raw, "api.yaml").render(edits)
    return info.value


# --- reading -----------------------------------------------------------------------------------------


def test_plain_scalars_follow_the_yaml_1_2_core_schema() -> None:
    loaded = data(
        """\
        a: on
        b: 2020-01-01
        c: 012345678912345678
        d: 0o17
        e: 0x1F
        f: 1.5e3
        g: -.inf
        h: ~
        i: True
        j: yes
        k: '123'
        l: "true"
        m:
        n: .5
        o: 1_000
        p: +12
        q: 0.16001e0
        """
    )
    assert loaded == {
        "a": "on",
        "b": "2020-01-01",
        "c": 12345678912345678,
        "d": 15,
        "e": 31,
        "f": 1500.0,
        "g": -math.inf,
        "h": None,
        "i": True,
        "j": "yes",
        "k": "123",
        "l": "true",
        "m": None,
        "n": 0.5,
        "o": "1_000",
        "p": 12,
        "q": 0.16001,
    }
    assert isinstance(loaded["f"], float)
    assert isinstance(loaded["c"], int)


def test_nan_loads_and_compares_equal_to_itself() -> None:
    loaded = data("a: [.nan, .NaN]\n")
    assert math.isnan(loaded["a"][0])
    assert loaded == data("a: [.nan, .NaN]\n")


def test_keys_are_always_the_key_text() -> None:
    assert data("200: ok\n~: x\ntrue: y\n1.0: z\n") == {"200": "ok", "~": "x", "true": "y", "1.0": "z"}


def test_explicit_core_tags_are_honoured() -> None:
    loaded = data(
        """\
        a: !!str 12
        b: !!int "12"
        c: !!float 1
        d: !!bool "true"
        e: !!null ""
        f: !!binary aGVsbG8=
        g: !!timestamp 2020-01-01
        h: ! 12
        i: !!map {x: 1}
        j: !!seq [1]
        """
    )
    assert loaded == {
        "a": "12",
        "b": 12,
        "c": 1.0,
        "d": True,
        "e": None,
        "f": "aGVsbG8=",
        "g": "2020-01-01",
        "h": "12",
        "i": {"x": 1},
        "j": [1],
    }


@pytest.mark.parametrize(
    ("text", "message", "line", "column"),
    [
        ("a: !!python/object:os.system x\n", "unsupported YAML tag !!python/object:os.system", 1, 4),
        ("a:\n  b: !Ref Thing\n", "unsupported YAML tag !Ref", 2, 6),
        ("a: !!python/name:os.system\n", "unsupported YAML tag", 1, 4),
        ("!!set {a, b}\n", "unsupported YAML tag !!set", 1, 1),
        ("a: !!int abc\n", "'abc' is not a valid !!int value", 1, 4),
        ("a: !!str {x: 1}\n", "the tag !!str does not fit a mapping", 1, 4),
        ("a: !!map [1]\n", "does not fit a list", 1, 4),
    ],
)
def test_other_tags_are_refused_with_their_place(text: str, message: str, line: int, column: int) -> None:
    error = refused(text)
    assert message in error.message
    assert error.location == Location("api.yaml", line, column)


def test_merge_keys_own_keys_win_and_first_source_wins() -> None:
    loaded = data(
        """\
        a: &a {x: 1, y: 1}
        b: &b {y: 2, z: 2}
        c:
          <<: [*a, *b]
          x: 3
        d: {<<: *a}
        """
    )
    assert loaded["c"] == {"x": 3, "y": 1, "z": 2}
    assert loaded["d"] == {"x": 1, "y": 1}


def test_duplicate_keys_name_both_places() -> None:
    error = refused("a: 1\nb:\n  c: 1\n  d: 2\n  c: 3\n")
    assert "duplicate key 'c'" in error.message
    assert "first at line 3" in error.message
    assert error.location == Location("api.yaml", 5, 3)


def test_bad_utf8_names_line_and_column() -> None:
    error = refused(b"a: 1\nb: caf\xc3\xa9 \xff\n")
    assert "not valid UTF-8" in error.message
    assert "0xff" in error.message
    assert error.location == Location("api.yaml", 2, 9)


@pytest.mark.parametrize(
    ("text", "message", "location"),
    [
        ("", "empty", Location("api.yaml", 1, 1)),
        ("# only a comment\n", "empty", Location("api.yaml", 1, 1)),
        ("a: 1\n---\nb: 2\n", "more than one YAML document", Location("api.yaml", 2, 1)),
        ("just a string\n", "single value", Location("api.yaml", 1, 1)),
        ("a: [1, 2\nb: 3\n", "not valid YAML", Location("api.yaml", 2, 2)),
        ("a: b: c\n", "not valid YAML: mapping values are not allowed", Location("api.yaml", 1, 5)),
        ("a:\n\t- b\n", "not valid YAML", Location("api.yaml", 2, 1)),
        ("[1, 2]: x\n", "mapping keys must be plain values", Location("api.yaml", 1, 1)),
        ("a: 1\rb: 2\n", "lone carriage return", Location("api.yaml", 1, 5)),
        ("a: *nowhere\n", "not valid YAML", Location("api.yaml", 1, 4)),
        ("a: &x [*x]\n", "refers to its own anchor", Location("api.yaml", 1, 4)),
        ("a: " + "9" * 5000 + "\n", "integer too long", Location("api.yaml", 1, 4)),
        (
            "a: 1\nb: x\x07y\n",
            "control characters are not allowed (character U+0007)",
            Location("api.yaml", 2, 5),
        ),
        ("a: é😀\nb: x\x85\x9f\n", "not allowed (character U+009F)", Location("api.yaml", 2, 6)),
    ],
)
def test_malformed_documents_are_refused_with_a_place(text: str, message: str, location: Location) -> None:
    error = refused(text)
    assert message in error.message
    assert error.location == location


def test_billion_laughs_is_refused_quickly() -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    started = time.process_time()
    error = refused("\n".join(lines) + "\n")
    assert "aliases would expand the document" in error.message
    assert error.location is not None
    assert error.location.line == 9
    assert time.process_time() - started < 30  # generous: only catches an exponential expansion


@pytest.mark.parametrize(
    "text",
    [
        "a: " + "[" * 100_000 + "]" * 100_000 + "\n",
        "a: " + "{b: " * 100_000 + "1" + "}" * 100_000 + "\n",
        "".join(" " * i + "a:\n" for i in range(3000)),
        "- " * 5000 + "x\n",
    ],
    ids=["flow-lists", "flow-maps", "block-maps", "block-lists"],
)
def test_deep_nesting_is_refused_cleanly(text: str) -> None:
    error = refused(text)
    assert "nesting depth" in error.message or "nested more than" in error.message


def test_locate_gives_key_positions_and_list_items() -> None:
    document = doc(
        """\
        openapi: 3.0.0
        base: &base
          summary: shared
        paths:
          /pets:
            get:
              <<: *base
              tags:
                - a
                - b
        """
    )
    assert document.locate(()) == Location("api.yaml", 1, 1)
    assert document.locate(("paths", "/pets", "get")) == Location("api.yaml", 6, 5)
    assert document.locate(("paths", "/pets", "get", "tags", 1)) == Location("api.yaml", 10, 11)
    assert document.locate(("paths", "/pets", "get", "summary")) == Location("api.yaml", 3, 3)
    assert document.locate(("paths", "/nope")) is None
    assert document.locate(("paths", "/pets", "get", "tags", 2)) is None
    assert document.locate(("openapi", "x")) is None


# --- rendering ---------------------------------------------------------------------------------------

OPERATION = """\
openapi: 3.0.0
info:
  title: Pets
paths:
  /pets:
    get:
      summary: List pets
      responses:
        '200':
          description: ok
    # The next operation creates one.
    post:
      summary: Create
"""


def test_block_insertion_goes_after_the_last_content_line_before_the_next_key_comment() -> None:
    out = render(OPERATION, security())
    assert out == OPERATION.replace(
        "          description: ok\n",
        "          description: ok\n"
        "      security:\n"
        "        - Pool:\n"
        "            - https://pets.example.com/purchase\n",
    )


def test_empty_lists_are_written_inline() -> None:
    out = render(OPERATION, security("/pets", "post", [{"Pool": []}]), security("/pets", "get", []))
    assert "      security: []\n    # The next" in out
    assert out.endswith("      summary: Create\n      security:\n        - Pool: []\n")


def test_missing_components_go_at_the_end_and_schemes_are_grouped() -> None:
    out = render(
        OPERATION + "# trailing comment\n",
        Edit(("components", "securitySchemes", "Pool"), {"type": "apiKey", "in": "header"}),
        Edit(("components", "securitySchemes", "Other"), {"type": "apiKey"}),
    )
    assert out.endswith(
        "      summary: Create\n"
        "components:\n"
        "  securitySchemes:\n"
        "    Pool:\n"
        "      type: apiKey\n"
        "      in: header\n"
        "    Other:\n"
        "      type: apiKey\n"
        "# trailing comment\n"
    )


def test_schemes_join_an_existing_components_mapping() -> None:
    text = OPERATION + "components:\n  schemas:\n    Pet: {type: object}\n"
    out = render(text, Edit(("components", "securitySchemes", "Pool"), SCHEME))
    assert out.startswith(text)
    assert out[len(text) :].startswith("  securitySchemes:\n    Pool:\n      type: apiKey\n")
    assert "      x-amazon-apigateway-authorizer:\n        type: cognito_user_pools\n" in out
    assert "        providerARNs:\n          - arn:aws:cognito-idp:" in out


def test_empty_components_value_gets_its_mapping_on_new_lines() -> None:
    text = OPERATION + "components:   # to fill\n"
    out = render(text, Edit(("components", "securitySchemes", "Pool"), {"type": "apiKey"}))
    assert out == text + "  securitySchemes:\n    Pool:\n      type: apiKey\n"


def test_null_written_out_is_replaced_in_flow_style() -> None:
    out = render("openapi: 3.0.0\ncomponents: null\n", Edit(("components", "securitySchemes", "P"), {}))
    assert out == "openapi: 3.0.0\ncomponents: {securitySchemes: {P: {}}}\n"


def test_flush_lists_and_four_space_steps_are_followed() -> None:
    text = textwrap.dedent(
        """\
        paths:
            /pets:
                get:
                    tags:
                    - pets
                    summary: x
        """
    )
    out = render(text, security())
    assert (
        out
        == text
        + "            security:\n            - Pool:\n              - https://pets.example.com/purchase\n"
    )


def test_indentation_is_learnt_from_elsewhere_in_the_document() -> None:
    text = (
        "info:\n   title: x\n   tags:\n   - a\n"
        "paths:\n   /pets:\n      get: {}\n   /cats:\n      get:\n         x: 1\n"
    )
    out = render(text, security("/cats"))
    assert (
        out == text + "         security:\n         - Pool:\n           - https://pets.example.com/purchase\n"
    )


def test_flow_mappings_get_a_flow_member() -> None:
    assert render("paths:\n  /pets:\n    get: {summary: x}  # c\n", security()) == (
        "paths:\n  /pets:\n"
        "    get: {summary: x, security: [{Pool: [https://pets.example.com/purchase]}]}  # c\n"
    )
    assert (
        render("paths:\n  /pets:\n    get: {}\n", security(value=[]))
        == "paths:\n  /pets:\n    get: {security: []}\n"
    )
    multi = "paths:\n  /pets:\n    get: {\n      summary: x,  # c\n    }\n"
    assert (
        render(multi, security(value=[]))
        == "paths:\n  /pets:\n    get: {\n      summary: x,\n      security: [],  # c\n    }\n"
    )


def test_json_style_flow_mappings_keep_quoted_keys() -> None:
    out = render('{"openapi": "3.0.0", "paths": {"/pets": {"get": {"summary": "x"}}}}\n', security(value=[]))
    assert out == '{"openapi": "3.0.0", "paths": {"/pets": {"get": {"summary": "x", "security": []}}}}\n'


def test_an_existing_different_security_is_replaced_in_place() -> None:
    text = OPERATION.replace(
        "      summary: List pets\n",
        "      security:   # old\n        - Old: []\n        - api_key: []\n      summary: List pets\n",
    )
    out = render(text, security())
    assert out == OPERATION.replace(
        "      summary: List pets\n",
        "      security:   # old\n        - Pool:\n            - https://pets.example.com/purchase\n"
        "      summary: List pets\n",
    )
    flow = OPERATION.replace(
        "      summary: List pets\n", "      security: []  # public\n      summary: List pets\n"
    )
    assert "      security: [{Pool: [https://pets.example.com/purchase]}]  # public\n" in render(
        flow, security()
    )


def test_an_equal_value_changes_nothing() -> None:
    text = "paths:\n  /pets:\n    get:\n      security: [{Pool: ['https://pets.example.com/purchase']}]\n"
    assert render(text, security()) == text


def test_crlf_and_bom_are_kept() -> None:
    raw = b"\xef\xbb\xbf" + OPERATION.replace("\n", "\r\n").encode()
    document = load_document(raw, "api.yaml")
    assert document.bom
    assert document.newline == "\r\n"
    out = document.render([security()])
    assert out.startswith(b"\xef\xbb\xbf")
    assert b"\n" not in out.replace(b"\r\n", b"")
    assert b"      security:\r\n        - Pool:\r\n" in out
    assert load_document(out, "api.yaml").data == apply_to_data(document.data, [security()])


def test_no_final_newline() -> None:
    assert render("paths:\n  /pets:\n    get:\n      summary: x", security(value=[])) == (
        "paths:\n  /pets:\n    get:\n      security: []\n      summary: x"
    )


def test_keep_chomping_scalar_owns_its_trailing_blank_lines() -> None:
    text = "paths:\n  /pets:\n    get:\n      description: |+\n        text\n\n\n  /cats: {}\n"
    out = render(text, security(value=[]))
    assert (
        out == "paths:\n  /pets:\n    get:\n      description: |+\n        text\n\n\n"
        "      security: []\n  /cats: {}\n"
    )


def test_clipped_scalar_leaves_its_blank_lines_to_the_next_key() -> None:
    text = "paths:\n  /pets:\n    get:\n      description: |\n        text\n\n  # cats\n  /cats: {}\n"
    out = render(text, security(value=[]))
    assert (
        out == "paths:\n  /pets:\n    get:\n      description: |\n        text\n"
        "      security: []\n\n  # cats\n  /cats: {}\n"
    )


def test_document_markers_are_kept() -> None:
    text = "%YAML 1.2\n---\npaths:\n  /pets:\n    get:\n      summary: x\n...\n"
    assert render(text, security(value=[])) == text.replace("x\n...", "x\n      security: []\n...")


def test_alias_to_a_shared_operation_is_refused_naming_both_places() -> None:
    text = "x-common: &op\n  summary: x\npaths:\n  /pets:\n    get: *op\n"
    error = refused(text, security())
    assert "&op" in error.message
    assert "api.yaml:1:11" in error.message
    assert "api.yaml:5:10" in error.message


def test_a_key_only_merged_in_gets_an_own_key() -> None:
    text = "x-base: &base\n  security: []\npaths:\n  /pets:\n    get:\n      <<: *base\n      summary: x\n"
    out = render(text, security())
    assert out == text + "      security:\n        - Pool:\n            - https://pets.example.com/purchase\n"
    assert render(text, security(value=[])) == text  # already [] through the merge


def test_an_operation_reached_through_a_merge_is_refused() -> None:
    text = "x-base: &base\n  get:\n    summary: x\npaths:\n  /pets:\n    <<: *base\n"
    assert "anchored as &base" in refused(text, security()).message


def test_an_alias_as_the_last_value_is_stepped_over() -> None:
    text = (
        "x-r: &r\n  '200': {description: ok}\npaths:\n  /pets:\n    get:\n      responses: *r\n  /cats: {}\n"
    )
    out = render(text, security(value=[]))
    assert out == text.replace("*r\n", "*r\n      security: []\n")
    replaced = "x-s: &s []\npaths:\n  /pets:\n    get:\n      security: *s\n"
    assert render(replaced, security(value=[{"P": []}])) == replaced.replace("*s\n", "[{P: []}]\n")


def test_an_anchored_value_used_elsewhere_is_not_replaced() -> None:
    text = "paths:\n  /pets:\n    get:\n      security: &s []\n    post:\n      security: *s\n"
    assert "anchor used elsewhere" in refused(text, security()).message


def test_paths_that_are_not_mappings_are_refused() -> None:
    error = refused("paths: [1]\n", security())
    assert "is a list, not a mapping" in error.message
    assert error.location == Location("api.yaml", 1, 1)


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("on", '"on"'),
        ("2020-01-01", '"2020-01-01"'),
        ("yes", '"yes"'),
        ("#x", '"#x"'),
        ("a: b", '"a: b"'),
        ("a #b", '"a #b"'),
        ("ünïcödé 😀", "ünïcödé 😀"),
        ("", '""'),
        (" x", '" x"'),
        ("-x", '"-x"'),
        ("null", '"null"'),
        ("1e3", '"1e3"'),
        ("0x1F", '"0x1F"'),
        ("012", '"012"'),
        (".inf", '".inf"'),
        ("a\tb\nc", '"a\\tb\\nc"'),
        ("x\u2028y\x85z\x07", '"x\\Ly\\Nz\\a"'),
        ('say "hi" \\', 'say "hi" \\'),
        ('"q"', '"\\"q\\""'),
        ("{x}", '"{x}"'),
        ("arn:aws:cognito-idp:us-east-1:1:userpool/x", "arn:aws:cognito-idp:us-east-1:1:userpool/x"),
        ("https://pets.example.com/a b", "https://pets.example.com/a b"),
        ("\U0001f600", "\U0001f600"),
        ("\ufeffx", '"\\ufeffx"'),
    ],
)
def test_scalars_are_quoted_only_when_a_reader_could_misread_them(value: str, written: str) -> None:
    out = render("paths:\n  /pets:\n    get:\n      summary: x\n", security(value=[{value: [value]}]))
    assert f"      security:\n        - {written}:\n            - {written}\n" in out


def test_other_scalar_types_are_written_to_read_back_the_same() -> None:
    value = [{"a": [1, -2.5, True, False, None, 10**20, 1e300]}]
    out = render("paths:\n  /pets:\n    get:\n      summary: x\n", security(value=value))
    assert "- 1\n" in out
    assert "- -2.5\n" in out
    assert "- true\n" in out
    assert "- null\n" in out


def test_without_libyamls_bound_deep_nesting_is_refused_before_composing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    yaml_parse.compose("a: 1\n", "api.yaml")  # fills the parser cache
    monkeypatch.setitem(yaml_parse._PARSER, "bounded", False)
    error = refused("a: " + "[" * 1200 + "]" * 1200 + "\n")
    assert "nest" in error.message
    assert error.location is not None
    # Many brackets that do not nest are read as usual.
    assert data("a: [" + ", ".join(["[1]"] * 1500) + "]\n")["a"][-1] == [1]


def test_without_libyaml_the_error_says_how_to_fix_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yaml, "__with_libyaml__", False)
    monkeypatch.setattr(yaml_parse, "_PARSER", {})
    with pytest.raises(ToolError, match="libyaml"):
        load_document(b"a: 1\n", "api.yaml")


def test_data_nested_nearly_as_deep_as_libyaml_allows_is_refused_cleanly() -> None:
    text = "paths:\n  /pets:\n    get:\n      x: " + "[" * 990 + "]" * 990 + "\n"
    document = doc(text)
    outcome: Any
    try:
        outcome = load_document(document.render([security()]), "api.yaml").data["paths"]["/pets"]["get"][
            "security"
        ]
    except InputError as error:  # where Python cannot compare data this deep
        outcome = error.message
    assert outcome in (POOL, "the document is nested too deeply to check the change")


def test_a_flush_list_replaced_by_a_mapping_moves_in_by_one_step() -> None:
    text = "x-a:\n  y:\n  - 1\n  - 2\n  z: 1\n"
    out = render(text, Edit(("x-a", "y"), {"k": [1]}))
    assert out == "x-a:\n  y:\n    k:\n    - 1\n  z: 1\n"
    out = render(text, Edit(("x-a", "y"), ["a"]))
    assert out == "x-a:\n  y:\n  - a\n  z: 1\n"


def test_a_new_top_level_key_that_looks_like_a_marker_is_quoted() -> None:
    out = render("openapi: 3.0.0\n", Edit(("...",), 1), Edit(("---",), 2))
    assert out == 'openapi: 3.0.0\n"...": 1\n"---": 2\n'


def test_the_self_check_catches_a_rendering_that_means_something_else(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    document = doc(OPERATION)
    monkeypatch.setattr(yaml_values, "_plain_ok", lambda value: True)
    with pytest.raises(AssertionError, match=r"does not parse to the intended data|gives"):
        document.render([security(value=[{"Pool": ["on", "123"]}])])
    with pytest.raises(AssertionError, match="the rendered text does not parse"):
        document.render([security(value=[{"Pool": ["[x"]}])])


def test_a_literal_block_replaced_by_a_list_becomes_block_lines() -> None:
    text = "paths:\n  /pets:\n    get:\n      security: |\n        none\n\n      summary: x\n"
    out = render(text, security(value=[{"P": ["s"]}]))
    assert (
        out
        == "paths:\n  /pets:\n    get:\n      security:\n        - P:\n            - s\n\n      summary: x\n"
    )
    assert render(text, security(value=[])) == text.replace("|\n        none\n", "[]\n")


def test_a_last_line_without_line_break_stays_as_it_is() -> None:
    # After a literal block at the end of a file with no final line break, appending would add a line
    # break to the block's value; the new key goes before the mapping's first key instead.
    text = "paths:\n  /orders:\n    get:\n      operationId: list\n      description: |\n        L"
    document = load_document(text.encode(), "api.yaml")
    out = document.render([Edit(("paths", "/orders", "get", "security"), [])]).decode()
    assert out == (
        "paths:\n  /orders:\n    get:\n      security: []\n      operationId: list\n"
        "      description: |\n        L"
    )
    assert load_document(out.encode(), "api.yaml").data["paths"]["/orders"]["get"]["description"] == "L"
