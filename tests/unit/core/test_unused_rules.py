"""AGC102: a rule that decides nothing says why, naming the rule that decides what it selects."""

from __future__ import annotations

from typing import Any

from apigw_cognito.basics.openapi import VERSIONS
from apigw_cognito.core.transform import secure
from apigw_cognito.selector.loader import load_selector

ARN = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEfGhI"


def document(*operations: str) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for text in operations:
        method, path = text.split()
        paths.setdefault(path, {})[method.lower()] = {"responses": {"200": {"description": "ok"}}}
    return {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths}


def agc102(data: dict[str, Any], rules: str, cors: str = "public") -> list[str]:
    text = f"version: 1\nauthorizers:\n  A: {{user_pools: [{ARN}]}}\ncors_preflight: {cors}\nrules:\n{rules}"
    selector = load_selector(text.encode(), "s.yaml", {})
    result = secure(data, VERSIONS["3.0"], selector, lambda pointer: None)
    return [f.message for f in result.findings if f.code == "AGC102"]


def test_a_rule_shadowed_by_an_earlier_one_says_which() -> None:
    data = document("GET /books", "POST /books")
    rules = "  - {select: '* /books', authorizer: A}\n  - {select: POST /books, public: true}\n"
    (message,) = agc102(data, rules)
    assert message.startswith("rule 2 (POST /books) decides nothing: POST /books is decided by rule 1;")


def test_a_rule_that_selects_nothing_keeps_its_message() -> None:
    (message,) = agc102(
        document("GET /books"), "  - {select: GET /book, authorizer: A}\n  - {select: '*', public: true}\n"
    )
    assert message == (
        "rule 1 (GET /book) selects no operation; fix the selector or mark the rule `optional: true`"
    )


def test_many_shadowed_operations_are_counted() -> None:
    data = document("GET /a", "GET /b", "GET /c", "GET /d", "GET /e")
    rules = "  - {select: 'GET /*', authorizer: A}\n  - {select: 'GET /**', public: true}\n"
    (message,) = agc102(data, rules)
    assert (
        "GET /a is decided by rule 1, GET /b by rule 1, GET /c by rule 1 and 2 more by earlier rules;"
        in message
    )


def test_a_preflight_left_to_cors_preflight_is_named() -> None:
    """A secured rule that selects OPTIONS through '*' never decides a preflight: cors_preflight does."""
    data = document("OPTIONS /books", "GET /books")
    rules = "  - {select: '* /books', authorizer: A}\n  - {select: '* /books', authorizer: A, scopes: [s]}\n"
    (message,) = agc102(data, rules)
    assert "decides nothing: OPTIONS /books is decided by cors_preflight, GET /books by rule 1;" in message


def test_optional_rules_stay_quiet() -> None:
    data = document("GET /books")
    rules = "  - {select: '*', authorizer: A}\n  - {select: GET /books, public: true, optional: true}\n"
    assert agc102(data, rules) == []


def test_a_rule_that_selects_only_a_preflight_is_not_reported() -> None:
    """It selects the preflight (which cors_preflight then decides): "selects no operation" would be false."""
    data = document("OPTIONS /books", "GET /x")
    rules = "  - {select: '* /books', authorizer: A}\n  - {select: GET /x, authorizer: A}\n"
    assert agc102(data, rules) == []


def test_exactly_three_and_four_shadowed_operations() -> None:
    rules = "  - {select: 'GET /*', authorizer: A}\n  - {select: 'GET /**', public: true}\n"
    (three,) = agc102(document("GET /a", "GET /b", "GET /c"), rules)
    assert "GET /c by rule 1; the first rule" in three
    (four,) = agc102(document("GET /a", "GET /b", "GET /c", "GET /d"), rules)
    assert "GET /c by rule 1 and 1 more by earlier rules;" in four


def test_a_later_rule_naming_options_decides_a_preflight_an_earlier_star_rule_skips() -> None:
    data = document("OPTIONS /books", "GET /books")
    text = (
        f"version: 1\nauthorizers:\n  A: {{user_pools: [{ARN}]}}\nrules:\n"
        "  - {select: '* /books', authorizer: A}\n  - {select: OPTIONS /books, authorizer: A, scopes: [s]}\n"
    )
    result = secure(data, VERSIONS["3.0"], load_selector(text.encode(), "s.yaml", {}), lambda pointer: None)
    decided = {(d.operation.method, d.reason, d.kind, d.scopes) for d in result.decisions}
    assert decided == {("OPTIONS", "rule 2", "secured", ("s",)), ("GET", "rule 1", "secured", ())}
