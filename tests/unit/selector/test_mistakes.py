"""Every mistake in a selector in one run, each at its place, without echoes of one mistake in others.

Single mistakes keep their exact message (tests/data/selectors/invalid pins each); these tests are about
files with several, and about what must not be reported twice.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from apigw_cognito.basics.errors import InputError, InputErrors, Location
from apigw_cognito.cli.main import app
from apigw_cognito.selector.loader import load_selector
from tests.support.paths import ROOT

ARN = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEfGhI"


def mistakes(text: str, environ: dict[str, str] | None = None) -> list[tuple[str, int | None]]:
    """(message, line) of every mistake `text` has, in the order reported."""
    with pytest.raises(InputError) as caught:
        load_selector(text.encode(), "s.yaml", environ or {})
    errors = caught.value.errors if isinstance(caught.value, InputErrors) else (caught.value,)
    return [(e.message, e.location.line if e.location else None) for e in errors]


def test_one_mistake_per_part_all_reported() -> None:
    text = f"""version: 1
authorizers:
  A:
    user_pools: [{ARN}, us-east-1_Bad!, {ARN}]
    result_ttl_seconds: 9999
rules:
  - select: GETT /pets
    authorizer: A
  - select: {{methods: [FETCH], paths: [pets]}}
    authorizer: A
    scopes: [ok, "two words"]
  - select: GET /x
  - select: GET /y
    public: true
    optional: maybe
cors_preflight: off
"""
    assert mistakes(text) == [
        ("authorizer 'A': user_pools item 2: 'us-east-1_Bad!' is not a user pool ARN, pool id or name", 4),
        ("authorizer 'A': user pool 3 repeats user pool 1", 4),
        ("authorizer 'A': result_ttl_seconds must be a whole number from 0 to 3600, got 9999", 5),
        ("rule 1: GETT is not an HTTP method", 7),
        ("rule 2: FETCH is not an HTTP method", 9),
        ("rule 2: a path glob starts with '/', as document paths do: 'pets' does not", 9),
        ("rule 2: scope 'two words' is empty or contains whitespace", 11),
        ("rule 3 needs an authorizer or public: true", 12),
        ("rule 4: optional must be true or false, got 'maybe'", 15),
        ("cors_preflight must be public or secured, got 'off'", 16),
    ]


def test_a_broken_authorizer_is_not_reported_again_by_the_rules_that_name_it() -> None:
    text = f"""version: 1
authorizers:
  A:
    user_pools: [{ARN}]
    identity_source: querystring
rules:
  - select: GET /pets
    authorizer: A
default: A
"""
    assert [line for _, line in mistakes(text)] == [5]


def test_rules_are_still_checked_when_the_authorizers_section_cannot_be_read() -> None:
    text = "version: 1\nauthorizers: [A]\nrules:\n  - {select: GETT /pets, authorizer: A}\n"
    assert mistakes(text) == [
        ("authorizers must be a mapping from authorizer names to their pools, but it is a list", 2),
        ("rule 1: GETT is not an HTTP method", 4),
    ]


def test_a_misspelt_required_key_is_one_mistake_not_two() -> None:
    """'did you mean user_pools?' already says user_pools is missing."""
    text = f"version: 1\nauthorizers:\n  A: {{providerARNs: [{ARN}]}}\nrules: []\n"
    assert [message for message, _ in mistakes(text)] == ["unknown key 'providerARNs' in authorizer 'A'"]


def test_every_missing_key_and_unknown_key_at_the_top() -> None:
    assert mistakes("version: 1\nrule: []\nextra: 1\n") == [
        ("unknown key 'rule' at the top level", 2),  # its hint suggests rules, so rules is not missing too
        ("unknown key 'extra' at the top level", 3),
        ("missing key 'authorizers' at the top level", 1),
    ]


def test_every_yaml_feature_refused_in_one_run() -> None:
    text = f"""version: 1
authorizers:
  A: {{user_pools: &p [{ARN}]}}
  B: {{user_pools: *p}}
rules: []
rules: !!seq []
"""
    assert [line for _, line in mistakes(text)] == [3, 4, 6, 6]


def test_several_mistakes_print_one_error_line_each() -> None:
    selector = ROOT / "tests" / "golden" / "selector-many-mistakes" / "selector.yaml"
    result = CliRunner().invoke(
        app, ["apply", str(ROOT / "specs" / "securepets.yaml"), "-s", str(selector)], catch_exceptions=False
    )
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(lines) == 6
    assert all(f"{selector}:" in line for line in lines)
    assert result.stdout == ""


def test_the_combined_error_carries_the_first_mistake() -> None:
    first = InputError("one", Location("s.yaml", 1, 1), hint="h")
    combined = InputErrors([first, InputError("two", Location("s.yaml", 2, 1))])
    assert (combined.message, combined.location, combined.hint) == ("one", first.location, "h")
    assert str(combined) == "s.yaml:1:1: one\n  hint: h\nerror: s.yaml:2:1: two"


def test_variable_in_a_flow_list_gets_a_hint_to_quote_it() -> None:
    text = "version: 1\nauthorizers:\n  A:\n    user_pools: [${POOL_ARN:-x}, b]\nrules: []\n"
    with pytest.raises(InputError) as caught:
        load_selector(text.encode(), "s.yaml", {})
    assert caught.value.location == Location("s.yaml", 4, 19)
    assert caught.value.hint is not None
    assert "quote it, as in ['${POOL_ARN:-x}']" in caught.value.hint


def test_braces_in_a_flow_list_without_a_variable_keep_the_parser_hint() -> None:
    text = "version: 1\nauthorizers:\n  A:\n    user_pools: [a {b}]\nrules: []\n"
    with pytest.raises(InputError) as caught:
        load_selector(text.encode(), "s.yaml", {})
    assert caught.value.hint is not None
    assert "quote" not in caught.value.hint
