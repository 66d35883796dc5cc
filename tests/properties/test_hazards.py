"""YAML and JSON hazards not covered by test_document_yaml.py / test_document_json.py / test_selector.py.

Already covered there: alias bombs, merge-key semantics, tag refusals with their place, deep nesting
(library level), BOM and CRLF kept, tab indentation refused, duplicate keys in both formats, C1 controls
refused by YAML. Here: tags never construct anything (side effects checked), deep nesting in a real
process (a C stack overflow would be a signal), lone surrogates in JSON, the version field's place, C1
controls in JSON against YAML, line breaks YAML 1.1 knows and YAML 1.2 does not, very long lines, tabs as
separators, and a merge-key explosion.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from apigw_cognito.app.pipeline import load_spec
from apigw_cognito.basics.errors import InputError, Location
from apigw_cognito.checks.rules import json_body
from apigw_cognito.cli.main import app
from apigw_cognito.document.edits import Edit
from apigw_cognito.document.load import load_document
from tests.support.paths import ROOT

ARN = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEfGhI"
PUBLIC_SELECTOR = f"version: 1\nauthorizers:\n  P:\n    user_pools: [{ARN}]\nrules: []\ndefault: P\n"
SECURITY = Edit(("paths", "/p", "get", "security"), [{"P": []}])


def apply(tmp_path: Path, name: str, raw: bytes, *extra: str) -> tuple[int, str, str, Path]:
    spec = tmp_path / name
    spec.write_bytes(raw)
    selector = tmp_path / "s.yaml"
    selector.write_text(PUBLIC_SELECTOR)
    out = tmp_path / ("out-" + name)
    result = CliRunner().invoke(app, ["apply", str(spec), "-s", str(selector), "-o", str(out), *extra])
    assert spec.read_bytes() == raw
    return result.exit_code, result.stdout, result.stderr, out


def minimal(extra: str = "", description: str = "ok") -> dict[str, object]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "T", "version": "1", "description": description + extra},
        "paths": {"/p": {"get": {"responses": {"200": {"description": "ok"}}}}},
    }


# --- tags never construct objects ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object/apply:os.system ['touch {marker}']",
        "!!python/object/apply:subprocess.call [['touch', '{marker}']]",
        "!!python/object/new:pathlib.Path ['{marker}']",
        "!!python/name:os.system",
        "!!python/module:os",
    ],
)
@pytest.mark.parametrize("where", ["document", "selector"])
def test_python_tags_construct_nothing(tmp_path: Path, tag: str, where: str) -> None:
    marker = tmp_path / "constructed"
    tagged = tag.format(marker=marker)
    document = (ROOT / "specs" / "securepets.yaml").read_bytes()
    selector = PUBLIC_SELECTOR
    if where == "document":
        document += f"x-tagged: {tagged}\n".encode()
    else:
        selector += f"cors_preflight: {tagged}\n"
    spec = tmp_path / "api.yaml"
    spec.write_bytes(document)
    (tmp_path / "s.yaml").write_text(selector)
    out = tmp_path / "out.yaml"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "apigw_cognito",
            "apply",
            str(spec),
            "-s",
            str(tmp_path / "s.yaml"),
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    assert done.returncode == 2, done.stderr
    assert "tag" in done.stderr
    assert ":" in done.stderr.split("error: ", 1)[1].split(" ", 1)[0]  # file:line:column
    assert not marker.exists()
    assert not out.exists()


# --- nesting past every recursion limit, in a real process -------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "fragment"),
    [
        ("deep.json", '{"openapi": "3.0.3", "x": ' + "[" * 200_000 + "]" * 200_000 + "}", "too deep to read"),
        ("deep.yaml", "openapi: 3.0.3\nx: " + "[" * 200_000 + "]" * 200_000 + "\n", "nest"),
        ("deep-map.yaml", "openapi: 3.0.3\nx: " + "{a: " * 50_000 + "1" + "}" * 50_000 + "\n", "nest"),
        ("deep-block.yaml", "openapi: 3.0.3\n" + "".join(" " * i + "a:\n" for i in range(3000)), "nest"),
    ],
)
def test_deep_nesting_is_exit_2_in_a_real_process(
    tmp_path: Path, name: str, text: str, fragment: str
) -> None:
    spec = tmp_path / name
    spec.write_text(text)
    done = subprocess.run(
        [sys.executable, "-m", "apigw_cognito", "audit", str(spec)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    assert done.returncode == 2, done.stderr[-500:]
    assert fragment in done.stderr
    assert f"{spec}:" in done.stderr
    assert "Traceback" not in done.stderr


# --- lone surrogates, the version field -------------------------------------------------------------------


def test_a_lone_surrogate_escape_in_json_is_kept_and_imported_as_an_escape(tmp_path: Path) -> None:
    """JSON may hold \\ud800 as an escape; UTF-8 cannot: apply keeps the escape, import sends ASCII."""
    raw = json.dumps(minimal(description="x\ud800"), indent=2).encode()
    assert b"\\ud800" in raw
    code, _, stderr, out = apply(tmp_path, "api.json", raw)
    assert code == 0, stderr
    assert b"\\ud800" in out.read_bytes()
    spec = load_spec(str(out))
    assert json.loads(json_body(spec.document.data))["info"]["description"] == "x\ud800"


@pytest.mark.parametrize(
    ("name", "raw", "location"),
    [
        ("api.yaml", b"# a comment\nopenapi: 3.0\npaths: {}\n", Location("api.yaml", 2, 1)),
        ("api.yaml", b"openapi: null\npaths: {}\n", Location("api.yaml", 1, 1)),
        ("api.json", b'{\n  "paths": {},\n  "swagger": 2.0\n}', Location("api.json", 3, 3)),
    ],
)
def test_a_version_field_of_the_wrong_type_is_located(
    tmp_path: Path, name: str, raw: bytes, location: Location
) -> None:
    path = tmp_path / name
    path.write_bytes(raw)
    with pytest.raises(InputError) as caught:
        load_spec(str(path))
    assert "must be a string" in caught.value.message
    assert caught.value.location == Location(str(path), location.line, location.column)


# --- C1 controls and the line breaks of YAML 1.1 ----------------------------------------------------------


def test_c1_controls_are_text_in_json_and_kept_byte_for_byte(tmp_path: Path) -> None:
    raw = json.dumps(minimal(description="a\x85b\x9fc\u2028d"), ensure_ascii=False).encode()
    assert b"\xc2\x85" in raw
    code, _, stderr, out = apply(tmp_path, "api.json", raw)
    assert code == 0, stderr
    written = out.read_bytes()
    assert b'"description": "a\xc2\x85b\xc2\x9fc\xe2\x80\xa8d"' in written  # the bytes are untouched
    assert json.loads(written)["info"]["description"] == "a\x85b\x9fc\u2028d"


def test_c1_controls_other_than_nel_are_refused_by_yaml_at_their_place(tmp_path: Path) -> None:
    code, _, stderr, out = apply(
        tmp_path, "api.yaml", b"openapi: 3.0.3\ninfo: {title: a\xc2\x9fb}\npaths: {}\n"
    )
    assert code == 2
    assert f"{tmp_path / 'api.yaml'}:2:16: " in stderr
    assert "U+009F" in stderr
    assert not out.exists()


@pytest.mark.parametrize(("char", "escape"), [("\x85", "\\N"), ("\u2028", "\\L"), ("\u2029", "\\P")])
def test_yaml_1_1_line_breaks_are_refused_at_their_place(char: str, escape: str) -> None:
    """libyaml reads NEL, U+2028 and U+2029 as line breaks (YAML 1.1), YAML 1.2 readers as text: a plain
    scalar holding one would be cut in two and a quoted one folded, with every later line number off by
    one. The file is refused at the character, with the escape that says the same in every reader."""
    for raw, column in ((f"a: x{char}y\nb: 1\n", 5), (f'a: "x{char}y"\nb: 1\n', 6), (f"# {char}\na: 1\n", 3)):
        outcome = _read(raw.encode())
        assert isinstance(outcome, InputError), raw
        assert outcome.location == Location("api.yaml", 1, column), raw
        assert f"U+{ord(char):04X}" in outcome.message
        assert outcome.hint is not None
        assert escape in outcome.hint
    # The escapes themselves are read as the characters.
    assert _read(f'a: "x{escape}y"\n'.encode()) == {"a": f"x{char}y"}


def _read(raw: bytes) -> object:
    try:
        return load_document(raw, "api.yaml").data
    except InputError as error:
        return error


# --- very long lines, tabs ------------------------------------------------------------------------------


def test_a_one_line_megabyte_json_document(tmp_path: Path) -> None:
    doc = minimal()
    doc["x-big"] = ["v" * 1000 for _ in range(1000)]
    raw = json.dumps(doc, separators=(",", ":")).encode()
    assert raw.count(b"\n") == 0
    assert len(raw) > 1_000_000
    code, _, stderr, out = apply(tmp_path, "api.json", raw)
    assert code == 0, stderr
    written = out.read_bytes()
    assert written.count(b"\n") == 0
    assert json.loads(written)["paths"]["/p"]["get"]["security"] == [{"P": []}]


def test_a_problem_after_a_long_line_is_placed_in_characters(tmp_path: Path) -> None:
    long = "\u00e9" * 300_000
    raw = f'{{"openapi": "3.0.3", "info": {{"title": "{long}", "version": "1"}}, "paths": {{}}, "paths": 1}}'
    code, _, stderr, _ = apply(tmp_path, "api.json", raw.encode())
    assert code == 2
    assert f"api.json:1:{raw.rindex('paths')} " in stderr or f"api.json:1:{raw.rindex('paths')}:" in stderr


def test_a_long_yaml_scalar_line_and_a_long_comment_are_kept(tmp_path: Path) -> None:
    long = "w" * 500_000
    raw = (
        f"openapi: 3.0.3\n# {long}\ninfo:\n  title: T\n  version: '1'\n  description: {long}\n"
        "paths:\n  /p:\n    get:\n      responses:\n        '200': {description: ok}\n"
    ).encode()
    code, _, stderr, out = apply(tmp_path, "api.yaml", raw)
    assert code == 0, stderr
    written = out.read_bytes()
    assert written.startswith(raw[: raw.index(b"paths:")])
    assert load_document(written, "out.yaml").data["paths"]["/p"]["get"]["security"] == [{"P": []}]


def test_tabs_as_separators_are_kept(tmp_path: Path) -> None:
    raw = (
        b"openapi:\t3.0.3\ninfo: {title:\tT, version: '1'}\npaths:\n  /p:\n"
        b"    get:\t# tab before a comment\n      responses: {'200': {description: ok}}\n"
    )
    code, _, stderr, out = apply(tmp_path, "api.yaml", raw)
    assert code == 0, stderr
    written = out.read_bytes()
    assert written.count(b"\t") == raw.count(b"\t")
    assert written.startswith(raw)


# --- merge keys as an amplifier ---------------------------------------------------------------------------


def test_merge_keys_cannot_amplify_the_document(tmp_path: Path) -> None:
    keys = ", ".join(f"k{i}: {i}" for i in range(1000))
    text = (
        "openapi: 3.0.3\nx-base: &base {"
        + keys
        + "}\n"
        + "".join(f"x-m{i}: {{<<: *base}}\n" for i in range(2000))
    )
    code, _, stderr, _ = apply(tmp_path, "api.yaml", (text + "paths: {}\n").encode())
    assert code == 2
    assert "expand" in stderr or "merge keys would build" in stderr
    assert f"{tmp_path / 'api.yaml'}:" in stderr


def test_init_places_a_malformed_path_item(tmp_path: Path) -> None:
    spec = tmp_path / "api.json"
    spec.write_text('{"openapi": "3.0.3",\n "paths": {"/a": 1e308}}')
    result = CliRunner().invoke(app, ["init", str(spec)])
    assert result.exit_code == 2
    assert f"error: {spec}:2:12: path item '/a' must be a mapping" in result.stderr


SURROGATE_DOCUMENT = (
    '{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},\n'
    ' "paths": {"/p\\ud800": {"get": {"operationId": "x\\udfff",'
    ' "responses": {"200": {"description": "ok"}}}}}}'
)


@pytest.mark.parametrize(
    "args",
    [
        ["audit", "{spec}"],
        ["audit", "{spec}", "--report", "json"],
        ["audit", "{spec}", "-s", "{selector}", "--report", "markdown"],
        ["validate", "{spec}", "--report", "sarif"],
        ["validate", "{spec}", "--report", "junit"],
        ["init", "{spec}"],
        ["init", "{spec}", "-o", "{folder}/starter.yaml"],
        ["apply", "{spec}", "-s", "{selector}", "--no-validate"],
        [
            "apply",
            "{spec}",
            "-s",
            "{selector}",
            "--no-validate",
            "-o",
            "{folder}/o.json",
            "--emit-overlay",
            "{folder}/o.json.overlay.json",
        ],
        [
            "apply",
            "{spec}",
            "-s",
            "{selector}",
            "--no-validate",
            "-o",
            "{folder}/o.json",
            "--emit-overlay",
            "{folder}/ov.yaml",
        ],
    ],
)
def test_lone_surrogates_from_a_document_reach_every_output_as_escapes(
    tmp_path: Path, args: list[str]
) -> None:
    spec = tmp_path / "api.json"
    spec.write_text(SURROGATE_DOCUMENT)
    selector = tmp_path / "s.yaml"
    selector.write_text(PUBLIC_SELECTOR)
    filled = [a.format(spec=spec, selector=selector, folder=tmp_path) for a in args]
    result = CliRunner().invoke(app, filled)
    assert result.exit_code in (0, 1), result.output
    assert "internal error" not in result.output
    # Only the outputs count: the input document holds the text looked for.
    outputs = [p for p in tmp_path.iterdir() if p not in (spec, selector)]
    assert "\\ud800" in result.stdout or any(
        "\\ud800" in p.read_text("utf-8", "backslashreplace") for p in outputs
    )


@pytest.mark.parametrize(
    ("rules", "where"),
    [
        ('[{"select": "GET /pets\\ud800", "authorizer": "P"}]', "rule 1: select"),
        ('[{"select": "GET /pets", "authorizer": "P", "scopes": ["a\\udfff"]}]', "rule 1: scope 1"),
        ('[{"select": {"tags": ["\\ud800"]}, "public": true}]', "rule 1: select tags item 1"),
    ],
)
def test_lone_surrogates_in_a_selector_are_refused_at_their_place(
    tmp_path: Path, rules: str, where: str
) -> None:
    from apigw_cognito.selector.loader import load_selector

    raw = (
        '{"version": 1, "authorizers": {"P": {"user_pools": ["'
        + ARN
        + '"]}},\n "rules": '
        + rules
        + ', "default": "P"}'
    )
    with pytest.raises(InputError) as caught:
        load_selector(raw.encode(), "s.json", {})
    assert caught.value.message.startswith(where)
    assert "lone surrogate" in caught.value.message
    assert caught.value.location is not None
    assert caught.value.location.line == 2


def test_a_second_byte_order_mark_is_refused_in_yaml_and_json(tmp_path: Path) -> None:
    """libyaml skips a BOM without counting it: every position after it would be one character off."""
    text = b"a: &x {k: 1}\nb: *x\nopenapi: 3.0.3\npaths: {}\n"
    code, _, stderr, out = apply(tmp_path, "api.yaml", b"\xef\xbb\xbf\xef\xbb\xbf" + text)
    assert code == 2
    assert f"{tmp_path / 'api.yaml'}:1:1: the file starts with a second byte-order mark" in stderr
    assert not out.exists()
    code, _, stderr, out = apply(
        tmp_path, "api.json", b"\xef\xbb\xbf\xef\xbb\xbf" + json.dumps(minimal()).encode()
    )
    assert code == 2
    assert f"{tmp_path / 'api.json'}:1:1: " in stderr
    assert not out.exists()


@pytest.mark.parametrize(
    ("name", "raw", "where"),
    [
        ("api.json", b'{"openapi": "3.0.3",\n "components": 7,\n "paths": {"/p": {"get": {}}}}', "2:2"),
        ("api.yaml", b"openapi: 3.0.3\ncomponents: [1]\npaths:\n  /p:\n    get: {}\n", "2:1"),
    ],
)
def test_a_container_of_the_wrong_type_on_the_way_is_located(
    tmp_path: Path, name: str, raw: bytes, where: str
) -> None:
    code, _, stderr, out = apply(tmp_path, name, raw)
    assert code == 2
    assert f"{tmp_path / name}:{where}: cannot set /components/securitySchemes/P: /components is a" in stderr
    assert not out.exists()


@pytest.mark.parametrize(
    "tail",
    ['"unterminated', "]" * 30, "]" * 10 + "}" * 5, '"a": 1}'],
    ids=["unterminated-string", "extra-closers", "extra-brace", "extra-member"],
)
def test_json_nested_too_deep_and_malformed_after_is_still_the_nesting_error(
    tmp_path: Path, tail: str
) -> None:
    """The parser stops at the nesting; what is wrong after that point must not derail the report."""
    text = '{"openapi": "3.0.3", "x": ' + "[" * 5000 + "]" * 4990 + tail
    code, _, stderr, _ = apply(tmp_path, "api.json", text.encode())
    assert code == 2, stderr
    assert f"{tmp_path / 'api.json'}:1:" in stderr
    assert "too deep to read" in stderr
