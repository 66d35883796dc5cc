"""Selector files from an untrusted pull request: what test_selector.py and test_globs.py do not cover.

- `app_client_id_regex` is compiled (never run) by this tool: a pattern Python's compiler cannot take
  (a huge repeat count, deep nesting) is a located error, not a crash.
- `${VAR}` cannot carry a credential-bearing URL into the document, and an expanded pool is not echoed.
- The regular expressions the loader runs on untrusted strings (and the selector schema, which editors run
  with backtracking engines) do not backtrack catastrophically: a small backtracking interpreter over
  Python's own parse of each pattern counts the steps, and the count must grow at most quadratically with
  the input on inputs built to make nested quantifiers try every split.
- Globs through a whole selector: the work of matching every rule against every operation stays within the
  per-call bound of `globs` summed over the calls.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from re import _constants as c  # type: ignore[attr-defined]
from re import _parser as parser  # type: ignore[attr-defined]
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from apigw_cognito.basics.errors import InputError, Location
from apigw_cognito.basics.limits import POOL_ARN_RE, POOL_ID_RE
from apigw_cognito.selector import globs
from apigw_cognito.selector.globs import PATH_GLOB_RE, Steps
from apigw_cognito.selector.loader import load_selector
from apigw_cognito.selector.syntax import (
    IDENTITY_SOURCE_RE,
    METHOD_RE,
    NAME_RE,
    POOL_NAME_RE,
    POOL_RE,
    SCOPE_RE,
    SELECT_RE,
    VARIABLE_RE,
)

ARN = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEfGhI"


def selector_with(authorizer_body: str) -> bytes:
    return (
        f"version: 1\nauthorizers:\n  A:\n    user_pools: [{ARN}]\n{authorizer_body}rules: []\ndefault: A\n"
    ).encode()


def refused(raw: bytes, environ: Mapping[str, str] | None = None) -> InputError:
    with pytest.raises(InputError) as caught:
        load_selector(raw, "s.yaml", environ or {})
    return caught.value


# --- app_client_id_regex: compiled, never run -------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "fragment"),
    [
        ("a{99999999999}", "the repetition number is too large"),
        ("a{4294967295}", "the repetition number is too large"),
        ("(" * 3000 + ")" * 3000, "nested too deeply"),
        ("(?:" * 3000 + ")" * 3000, "nested too deeply"),
    ],
    ids=["huge-repeat", "max-repeat", "deep-groups", "deep-non-capturing"],
)
def test_a_regex_python_cannot_compile_is_a_located_error(pattern: str, fragment: str) -> None:
    error = refused(selector_with(f"    app_client_id_regex: '{pattern}'\n"))
    assert "app_client_id_regex" in error.message
    assert fragment in error.message
    assert error.location == Location("s.yaml", 5, 26)


def test_an_uncompilable_regex_exits_2_through_the_cli(tmp_path: Any) -> None:
    from apigw_cognito.cli.main import app

    selector = tmp_path / "s.yaml"
    selector.write_bytes(selector_with("    app_client_id_regex: 'a{99999999999}'\n"))
    out = tmp_path / "out.yaml"
    result = CliRunner().invoke(app, ["apply", "specs/securepets.yaml", "-s", str(selector), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert f"{selector}:5:26:" in result.stderr
    assert "internal error" not in result.output
    assert not out.exists()


# --- ${VAR}: nothing secret reaches the document or a message ----------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "postgres://user:hunter2@db.internal/app",
        "https://hooks.example.com/T0/B0/hunter2",
        "deploy@host:hunter2",
    ],
)
def test_a_url_or_login_from_the_environment_is_not_copied_into_the_regex(value: str) -> None:
    raw = selector_with("    app_client_id_regex: '${DATABASE_URL}'\n")
    error = refused(raw, {"DATABASE_URL": value})
    assert "${DATABASE_URL} (from the environment)" in error.message
    assert "hunter2" not in str(error)
    assert error.location == Location("s.yaml", 5, 26)


def test_a_plain_client_id_pattern_from_the_environment_still_works() -> None:
    raw = selector_with("    app_client_id_regex: '^${CLIENT_ID}$'\n")
    loaded = load_selector(raw, "s.yaml", {"CLIENT_ID": "[0-9a-z]{26}"})
    assert loaded.authorizers["A"].app_client_id_regex == "^[0-9a-z]{26}$"


@pytest.mark.parametrize("variable", ["SMTP_PASS", "DOCKER_PASS", "PASSPHRASE_FILE"])
def test_pass_in_a_name_counts_as_a_credential(variable: str) -> None:
    raw = (
        "version: 1\nauthorizers:\n  A:\n    user_pools: ['name:${"
        + variable
        + "}']\nrules: []\ndefault: A\n"
    ).encode()
    error = refused(raw, {variable: "hunter2"})
    assert f"refusing to read ${{{variable}}}" in error.message


def test_a_pool_from_the_environment_is_not_echoed_when_it_needs_a_lookup() -> None:
    """Offline, a pool id or name must be resolved first; the message names the variable, not its value."""
    from apigw_cognito.selector.model import require_arns

    raw = "version: 1\nauthorizers:\n  A:\n    user_pools: ['name:${POOL_NAME}']\nrules: []\ndefault: A\n"
    selector = load_selector(raw.encode(), "s.yaml", {"POOL_NAME": "hunter2"})
    with pytest.raises(InputError) as caught:
        require_arns(selector)
    assert "hunter2" not in str(caught.value)
    assert "${POOL_NAME} (from the environment)" in caught.value.message
    assert caught.value.location == Location("s.yaml", 4, 18)


# --- regular expressions: a step-counting backtracking interpreter --------------------------------------


class Backtracker:
    """Matches like a backtracking engine (Python's `re`, ECMA-262 engines) and counts every step.

    It reads `re`'s own parse of the pattern, tries alternatives and repeat counts in the same order as
    those engines, and counts one step per pattern element tried at a text position. Only the syntax the
    selector's patterns use is supported; anything else raises NotImplementedError.
    """

    def __init__(self, pattern: str) -> None:
        self.tree = list(parser.parse(pattern))
        self.steps = 0
        self.text = ""

    def fullmatch(self, text: str) -> bool:
        self.text = text
        with _deep_recursion():
            return self._seq(self.tree, 0, 0, lambda i: i == len(text))

    def _seq(self, items: list[Any], index: int, i: int, then: Callable[[int], bool]) -> bool:
        if index == len(items):
            return then(i)
        op, arg = items[index]
        self.steps += 1
        text = self.text

        def rest(j: int) -> bool:
            return self._seq(items, index + 1, j, then)

        if op is c.LITERAL:
            return i < len(text) and ord(text[i]) == arg and rest(i + 1)
        if op is c.NOT_LITERAL:
            return i < len(text) and ord(text[i]) != arg and rest(i + 1)
        if op is c.ANY:
            return i < len(text) and text[i] != "\n" and rest(i + 1)
        if op is c.IN:
            return i < len(text) and self._in(arg, text[i]) and rest(i + 1)
        if op is c.AT:
            return self._at(arg, i) and rest(i)
        if op is c.SUBPATTERN:
            return self._seq(list(arg[3]), 0, i, rest)
        if op is c.BRANCH:
            return any(self._seq(list(alternative), 0, i, rest) for alternative in arg[1])
        if op in (c.MAX_REPEAT, c.MIN_REPEAT):
            low, high, sub = arg
            return self._repeat(list(sub), low, high, 0, i, rest, greedy=op is c.MAX_REPEAT)
        if op in (c.ASSERT, c.ASSERT_NOT):
            direction, sub = arg
            if direction != 1:
                raise NotImplementedError("look-behind")
            found = self._seq(list(sub), 0, i, lambda _: True)
            return (found if op is c.ASSERT else not found) and rest(i)
        raise NotImplementedError(str(op))

    def _repeat(
        self,
        sub: list[Any],
        low: int,
        high: int,
        count: int,
        i: int,
        then: Callable[[int], bool],
        greedy: bool,
    ) -> bool:
        def again(j: int) -> bool:
            return j != i and self._repeat(sub, low, high, count + 1, j, then, greedy)

        if greedy:
            if count < high and self._seq(sub, 0, i, again):
                return True
            return count >= low and then(i)
        if count >= low and then(i):
            return True
        return count < high and self._seq(sub, 0, i, again)

    def _at(self, code: Any, i: int) -> bool:
        text = self.text
        if code in (c.AT_BEGINNING, c.AT_BEGINNING_STRING):
            return i == 0
        if code is c.AT_END:
            return i == len(text) or (i == len(text) - 1 and text[i] == "\n")
        if code is c.AT_END_STRING:
            return i == len(text)
        raise NotImplementedError(str(code))

    def _in(self, items: list[Any], char: str) -> bool:
        negate = False
        found = False
        for op, arg in items:
            if op is c.NEGATE:
                negate = True
            elif op is c.LITERAL:
                found = found or ord(char) == arg
            elif op is c.RANGE:
                found = found or arg[0] <= ord(char) <= arg[1]
            elif op is c.CATEGORY:
                found = found or _CATEGORIES[arg](char)
            else:
                raise NotImplementedError(str(op))
        return found is not negate


_CATEGORIES: dict[Any, Callable[[str], bool]] = {
    c.CATEGORY_DIGIT: lambda ch: ch.isdecimal(),
    c.CATEGORY_NOT_DIGIT: lambda ch: not ch.isdecimal(),
    c.CATEGORY_SPACE: lambda ch: ch.isspace(),
    c.CATEGORY_NOT_SPACE: lambda ch: not ch.isspace(),
    c.CATEGORY_WORD: lambda ch: ch.isalnum() or ch == "_",
    c.CATEGORY_NOT_WORD: lambda ch: not (ch.isalnum() or ch == "_"),
}


@contextmanager
def _deep_recursion() -> Iterator[None]:
    """A few frames per character: inputs of some hundreds of characters need more than the default."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, 20_000))
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


def steps(pattern: str, text: str) -> int:
    """The steps a backtracking engine takes on `text`; its verdict must agree with Python's `re`."""
    machine = Backtracker(pattern)
    verdict = machine.fullmatch(text)
    assert verdict is (re.fullmatch(pattern, text) is not None), (pattern, text)
    return machine.steps


def test_the_meter_sees_catastrophic_backtracking() -> None:
    """A pattern known to be exponential makes the count explode: the growth checks below can fail."""
    evil = r"^(a+)+$"
    assert steps(evil, "a" * 14 + "!") > 100 * steps(evil, "a" * 7 + "!")
    nested = r"^(?:[a-z]+-?)+$"  # the shape a region pattern would have with an optional separator
    assert steps(nested, "ab" * 7 + "!") > 100 * steps(nested, "ab" * 3 + "!")


# Every pattern the loader or the selector schema runs on untrusted text, with pieces that pump its
# repeats: inputs are a valid-looking prefix, a piece repeated n times, and a tail that makes the match fail
# (or not), so that a backtracking engine has to try every way of splitting the repeated part.
PATTERNS: dict[str, tuple[str, list[str], list[str]]] = {
    "POOL_ARN_RE": (
        POOL_ARN_RE,
        ["arn:aws:cognito-idp:us", "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us"],
        ["-a", "-east", "a", "-1", "_"],
    ),
    "POOL_ID_RE": (POOL_ID_RE, ["us", "eu-west-1_"], ["-a", "-ab", "a", "-1", "1"]),
    "POOL_NAME_RE": (POOL_NAME_RE, ["name:", "name:a"], ["a", " ", "a ", "@", "-"]),
    "POOL_RE": (POOL_RE, ["", "arn:aws:cognito-idp:us", "name:", "us"], ["-a", "a", " ", "-1", "_1"]),
    "NAME_RE": (NAME_RE, ["", "A"], ["a", ".", "-_"]),
    "IDENTITY_SOURCE_RE": (IDENTITY_SOURCE_RE, ["method.request.header."], ["a", "-", "'"]),
    "SCOPE_RE": (SCOPE_RE, ["", "https://x"], ["a", "/"]),
    "METHOD_RE": (METHOD_RE, ["", "G"], ["GET", "e"]),
    "VARIABLE_RE": (VARIABLE_RE, ["", "$"], ["$", "${", "a"]),
    "PATH_GLOB_RE": (PATH_GLOB_RE, ["", "/"], ["/*", "*", "/**", "a", "/a*"]),
    "SELECT_RE": (
        SELECT_RE,
        ["", " ", "GET ", "GET,", "get , POST ", "* "],
        ["GET,", " ,", "/**", "/*", "*", "a", " ", "\t"],
    ),
}
TAILS = ["", "!", " ", "\n", "//", "*", "-", ":", "}"]


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(sorted(PATTERNS)),
    data=st.data(),
)
def test_regex_work_grows_at_most_quadratically(name: str, data: st.DataObject) -> None:
    pattern, prefixes, pieces = PATTERNS[name]
    prefix = data.draw(st.sampled_from(prefixes), label="prefix")
    piece = "".join(data.draw(st.lists(st.sampled_from(pieces), min_size=1, max_size=3), label="piece"))
    tail = data.draw(st.sampled_from(TAILS), label="tail")
    n = 24
    small = steps(pattern, prefix + piece * n + tail)
    large = steps(pattern, prefix + piece * (2 * n) + tail)
    # Quadratic work doubles twice when the input doubles; exponential work multiplies by far more.
    assert large <= 4 * small + 200, (name, prefix, piece, tail, small, large)


# --- globs through a whole selector -------------------------------------------------------------------


def test_hostile_globs_in_a_selector_stay_within_the_glob_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every rule of a selector full of pathological globs against many deep paths: the total work is the
    sum of the per-call bounds, so no rule can make the run explode."""
    from apigw_cognito.basics.openapi import MISSING, Operation

    counter = Steps()
    bound = 0
    real_path, real_name = globs.match_path, globs.match_name

    def path(pattern: str, text: str, steps: Steps | None = None) -> bool:
        nonlocal bound
        bound += 4 * (len(pattern) + 1) * (len(text) + 1)
        return real_path(pattern, text, counter)

    def name(pattern: str, text: str, steps: Steps | None = None) -> bool:
        nonlocal bound
        bound += 2 * (len(pattern) + 1) * (len(text) + 1)
        return real_name(pattern, text, counter)

    import apigw_cognito.selector.model as selector_module

    monkeypatch.setattr(selector_module, "match_path", path)
    monkeypatch.setattr(selector_module, "match_name", name)
    hostile_paths = ["/**" * 12 + "/x", "/**/a" * 6 + "/x", "/*" * 30 + "/**/x"]
    hostile_ids = ["*a" * 20 + "*b", "?" * 40 + "*b"]
    rules = "".join(
        f"  - select: {{paths: ['{p}'], operation_ids: ['{i}']}}\n    public: true\n    optional: true\n"
        for p in hostile_paths
        for i in hostile_ids
    )
    raw = f"version: 1\nauthorizers:\n  A:\n    user_pools: [{ARN}]\nrules:\n{rules}default: A\n"
    loaded = load_selector(raw.encode(), "s.yaml", {})
    operations = [
        Operation("/a" * depth + end, "get", "a" * (10 * depth), (), True, MISSING)
        for depth in range(1, 40)
        for end in ("", "/x")
    ]
    for op in operations:
        for rule in loaded.rules:
            rule.select.matches(op)
    assert counter.count > 0
    assert counter.count <= bound


def test_a_pool_name_from_the_environment_is_not_echoed_when_resolving_fails(
    aws_env: None, moto_url: str
) -> None:
    from apigw_cognito.aws.clients import SessionOptions
    from apigw_cognito.aws.pools import resolve_pools
    from apigw_cognito.basics.errors import AwsError

    raw = "version: 1\nauthorizers:\n  A:\n    user_pools: ['name:${POOL_NAME}']\nrules: []\ndefault: A\n"
    selector = load_selector(raw.encode(), "s.yaml", {"POOL_NAME": "hunter2 secret"})
    options = SessionOptions(region="us-east-1", endpoint_url=moto_url, max_attempts=1)
    with pytest.raises(AwsError) as caught:
        resolve_pools(selector, options)
    assert "hunter2" not in str(caught.value)
    assert (
        "${POOL_NAME} (from the environment) could not be resolved (no user pool named *** in us-east-1)"
        in (caught.value.message)
    )
    assert caught.value.location == Location("s.yaml", 4, 18)
