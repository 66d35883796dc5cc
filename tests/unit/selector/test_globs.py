"""Path and operationId globs: examples, agreement with a plain recursive matcher, and bounded work."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from apigw_cognito.selector.globs import (
    PATH_GLOB_RE,
    Steps,
    match_name,
    match_path,
    path_glob_error,
    split_path,
)

# --- a reference: the definitions, written as directly as possible (exponential, fine when small) --------


def reference_name(pattern: str, name: str) -> bool:
    if not pattern:
        return not name
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        return reference_name(rest, name) or (bool(name) and reference_name(pattern, name[1:]))
    return bool(name) and head in ("?", name[0]) and reference_name(rest, name[1:])


def reference_segments(pattern: list[str], path: list[str]) -> bool:
    if not pattern:
        return not path
    head, rest = pattern[0], pattern[1:]
    if head == "**":
        return reference_segments(rest, path) or (bool(path) and reference_segments(pattern, path[1:]))
    return bool(path) and reference_name(head, path[0]) and reference_segments(rest, path[1:])


def reference_path(pattern: str, path: str) -> bool:
    def segments(text: str) -> list[str]:
        return [] if text in ("", "/") else text[1:].split("/") if text.startswith("/") else text.split("/")

    return reference_segments(segments(pattern), segments(path))


# --- examples ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "name", "expected"),
    [
        ("getPet", "getPet", True),
        ("getPet", "getpet", False),  # case-sensitive
        ("get*", "getPet", True),
        ("get*", "get", True),
        ("*Pet", "getPet", True),
        ("*Pet*", "listPets", True),
        ("get?et", "getPet", True),
        ("get?et", "getet", False),
        ("?", "", False),
        ("*", "", True),
        ("", "", True),
        ("a*b*c", "aXbYbZc", True),
        ("a*b*c", "aXbYbZ", False),
        ("[ab]", "a", False),  # brackets are plain characters
        ("[ab]", "[ab]", True),
    ],
)
def test_name_examples(pattern: str, name: str, expected: bool) -> None:
    assert match_name(pattern, name) is expected


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("/pets", "/pets", True),
        ("/pets", "/Pets", False),
        ("/pets", "/pets/{petId}", False),
        ("/pets/*", "/pets/{petId}", True),
        ("/pets/*", "/pets", False),  # `*` is exactly one segment
        ("/pets/*", "/pets/a/b", False),
        ("/pets/**", "/pets", True),  # `**` is any number of segments, none included
        ("/pets/**", "/pets/{petId}/photos", True),
        ("/pets/**", "/petshop", False),
        ("/**/photos", "/photos", True),
        ("/**/photos", "/pets/{petId}/photos", True),
        ("/**/photos", "/pets/{petId}/photos/x", False),
        ("/pets/{petId}", "/pets/{petId}", True),
        ("/pets/{petId}", "/pets/{id}", False),
        ("/pets/{*}", "/pets/{id}", True),  # any parameter segment
        ("/pets/{*}", "/pets/cats", False),
        ("/{*}", "/{proxy+}", True),
        ("/pet*", "/pets", True),
        ("/pet*", "/pets/x", False),
        ("/v?/pets", "/v1/pets", True),
        ("/", "/", True),
        ("/**", "/", True),
        ("/*", "/", False),
        ("/**", "/a/b/c", True),
        ("/*/*", "/a/b", True),
        ("/**/**/**/x", "/a/b/x", True),
    ],
)
def test_path_examples(pattern: str, path: str, expected: bool) -> None:
    assert path_glob_error(pattern) is None
    assert match_path(pattern, path) is expected
    assert reference_path(pattern, path) is expected


@pytest.mark.parametrize(
    ("pattern", "fragment"),
    [
        ("", "cannot be empty"),
        ("pets", "starts with '/'"),
        ("/pets/", "empty segment"),
        ("//pets", "empty segment"),
        ("/pets//x", "empty segment"),
        ("/pets**", "whole segment"),
        ("/**x/a", "whole segment"),
        ("/***", "whole segment"),
        ("/pe ts", "whitespace"),
        ("/pets\n", "whitespace"),
    ],
)
def test_invalid_path_globs(pattern: str, fragment: str) -> None:
    error = path_glob_error(pattern)
    assert error is not None
    assert fragment in error
    assert re.fullmatch(PATH_GLOB_RE, pattern) is None


def test_split_path() -> None:
    assert split_path("/") == ()
    assert split_path("") == ()
    assert split_path("/pets/{petId}") == ("pets", "{petId}")
    assert split_path("/pets/") == ("pets", "")


# --- properties -------------------------------------------------------------------------------------------

# Small alphabets, so that patterns and texts collide often.
name_patterns = st.text(alphabet="ab*?", max_size=8)
names = st.text(alphabet="ab", max_size=8)
glob_segments = st.sampled_from(["a", "b", "ab", "*", "**", "a*", "*b", "?", "{*}", "{a}"])
path_segments = st.sampled_from(["a", "b", "ab", "ba", "{a}", "{b}", ""])
path_globs = st.lists(glob_segments, max_size=6).map(lambda s: "/" + "/".join(s))
paths = st.lists(path_segments, max_size=6).map(lambda s: "/" + "/".join(s))


@given(name_patterns, names)
@example("*a*a*a*b", "aaaaaaaa")
def test_name_agrees_with_reference(pattern: str, name: str) -> None:
    assert match_name(pattern, name) is reference_name(pattern, name)


@given(path_globs, paths)
@example("/**/**/a", "/a/a/a")
@example("/**", "/")
def test_path_agrees_with_reference(pattern: str, path: str) -> None:
    if path_glob_error(pattern) is not None:  # `/` + nothing, or a `**` glued to text
        return
    assert match_path(pattern, path) is reference_path(pattern, path)


@given(st.text(alphabet="/ab*{}? \n", max_size=10))
@example("/")
@example("/a/")
@example("/**/")
def test_glob_regex_accepts_exactly_the_valid_globs(pattern: str) -> None:
    """The selector's JSON Schema checks paths with PATH_GLOB_RE: it must agree with the loader."""
    assert (re.fullmatch(PATH_GLOB_RE, pattern) is not None) is (path_glob_error(pattern) is None)


@given(name_patterns, names)
def test_name_work_is_bounded_by_the_product(pattern: str, name: str) -> None:
    steps = Steps()
    match_name(pattern, name, steps)
    assert steps.count <= 2 * (len(pattern) + 1) * (len(name) + 1)


@given(path_globs, paths)
def test_path_work_is_bounded_by_the_product(pattern: str, path: str) -> None:
    if path_glob_error(pattern) is not None:
        return
    steps = Steps()
    match_path(pattern, path, steps)
    assert steps.count <= 4 * (len(pattern) + 1) * (len(path) + 1)


@pytest.mark.parametrize(
    "pattern",
    [
        "/**/**/**/**/x",
        "/**" * 16 + "/x",
        "/**/a" * 8 + "/x",  # every `**` could end anywhere: a backtracking matcher tries them all
        "/**" + "/a" * 12 + "/x",  # the greedy worst case: each retry rescans the literal run
        "/*" * 40 + "/**/x",
    ],
)
def test_pathological_paths_stay_within_the_bound(pattern: str) -> None:
    path = "/a" * 300  # no x: every way to split the path has to be ruled out
    steps = Steps()
    assert not match_path(pattern, path, steps)
    assert steps.count <= 4 * (len(pattern) + 1) * (len(path) + 1)


@pytest.mark.parametrize("pattern", ["*a*a*a*a*b", "*a" * 16 + "*b", "*" + "a" * 12 + "b", "?" * 40 + "*b"])
def test_pathological_names_stay_within_the_bound(pattern: str) -> None:
    name = "a" * 500
    steps = Steps()
    assert not match_name(pattern, name, steps)
    assert steps.count <= 2 * (len(pattern) + 1) * (len(name) + 1)


def test_work_grows_with_the_literal_run_not_exponentially() -> None:
    """With `/**` then k literal segments, each retry rescans at most k segments: about k * n steps."""
    path = "/a" * 200

    def work(run: int) -> int:
        steps = Steps()
        match_path("/**" + "/a" * run + "/x", path, steps)
        return steps.count

    assert work(8) > work(2)  # the case is not trivial for the algorithm
    for run in (2, 4, 8, 16):
        assert work(run) <= (run + 2) * (200 + 1) * 4


def test_messages_are_whole_sentences() -> None:
    assert path_glob_error("") == "a path glob cannot be empty"
    assert path_glob_error("/pe ts") == "a path glob cannot contain whitespace"


def test_steps_count_from_zero_for_names_and_paths() -> None:
    steps = Steps()
    assert steps.count == 0
    assert match_name("a", "a", steps)
    assert steps.count == 1  # one character compared
    assert match_path("/a", "/a", steps)
    assert steps.count == 3  # one segment, and its one character
    assert match_name("abc", "abc", steps)
    assert steps.count == 6  # one step a character


def test_each_star_left_when_the_text_ends_is_one_step() -> None:
    steps = Steps()
    assert match_name("a***", "a", steps)
    assert steps.count == 4  # the one character, then each of the three stars left over
    assert not match_name("a**b", "a", steps)
    assert steps.count == 4 + 3  # the character, then the two stars before the unmatched 'b'
