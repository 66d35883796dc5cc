"""Gateway responses and API keys in the pure halves of verify and the import plan.

tests/emulated/test_gateway_responses.py does the same against LocalStack.
"""

from __future__ import annotations

from typing import Any

from apigw_cognito.aws.gateway_responses import (
    compare_responses,
    dropped_by_overwrite,
    missing_after_import,
    parse_responses,
)
from apigw_cognito.aws.import_plan import ImportOptions, Payload, plan_import
from apigw_cognito.aws.verify import Expected, LiveApi, LiveMethod, compare, with_gateway_responses
from apigw_cognito.reports.verify_table import render_table
from tests.support.apidocs import keyed_pets, secured, version

ORIGIN = "gatewayresponse.header.Access-Control-Allow-Origin"
DECLARED = {
    "UNAUTHORIZED": {"statusCode": "401", "responseParameters": {ORIGIN: "'*'"}},
    "DEFAULT_4XX": {"responseParameters": {ORIGIN: "'*'"}},
}


def items(*extra: dict[str, Any]) -> list[dict[str, Any]]:
    """GetGatewayResponses items: API Gateway's defaults, then `extra` replacing those of the same type."""
    defaults = {
        kind: {"responseType": kind, "defaultResponse": True, "responseTemplates": {"application/json": "{}"}}
        for kind in ("UNAUTHORIZED", "DEFAULT_4XX", "DEFAULT_5XX", "THROTTLED")
    }
    defaults["UNAUTHORIZED"]["statusCode"] = "401"
    defaults.update({item["responseType"]: item for item in extra})
    return list(defaults.values())


def configured(kind: str, **fields: Any) -> dict[str, Any]:
    return {"responseType": kind, "defaultResponse": False, **fields}


def test_declared_responses_that_match_are_ok_and_extra_ones_are_noted() -> None:
    live = parse_responses(
        items(
            configured("UNAUTHORIZED", statusCode="401", responseParameters={ORIGIN: "'*'"}),
            configured("DEFAULT_4XX", responseParameters={ORIGIN.lower(): "'*'"}),  # names ignore case
            configured("THROTTLED", statusCode="429"),
        )
    )
    checks, notes = compare_responses(DECLARED, live)
    assert [c.ok for c in checks] == [True, True]
    assert notes == (
        "1 live gateway response(s) are not in the document (THROTTLED): an overwrite import on AWS resets"
        " them to API Gateway's defaults",
    )
    assert missing_after_import(DECLARED, live) == []


def test_missing_and_different_responses_are_mismatches() -> None:
    live = parse_responses(
        items(configured("UNAUTHORIZED", statusCode="403", responseParameters={ORIGIN: "'x'"}))
    )
    checks, _ = compare_responses(DECLARED, live)
    problems = {c.kind: c.problems for c in checks}
    assert problems["UNAUTHORIZED"] == (
        "statusCode is 403, expected 401",
        f"responseParameters {ORIGIN} is \"'x'\", expected \"'*'\"",
    )
    assert problems["DEFAULT_4XX"] == ("not configured in the live API: API Gateway's default is served",)
    assert missing_after_import(DECLARED, live) == ["UNAUTHORIZED", "DEFAULT_4XX"]
    verification = with_gateway_responses(
        compare([], LiveApi()), {"x-amazon-apigateway-gateway-responses": DECLARED}, live
    )
    assert not verification.ok
    table = render_table(verification)
    assert "mismatch: gateway response DEFAULT_4XX: not configured" in table
    assert "0 methods, 2 gateway responses checked, 2 mismatches" in table


def test_api_key_required_is_compared() -> None:
    expected = [Expected("GET", "/pets", None, api_key=True), Expected("GET", "/a", None)]
    live = LiveApi(
        (),
        (LiveMethod("GET", "/pets", "NONE"), LiveMethod("GET", "/a", "NONE", api_key_required=True)),
        ("/", "/pets", "/a"),
    )
    result = compare(expected, live)
    problems = {(r.method, r.path): r.problems for r in result.mismatches}
    assert problems == {
        ("GET", "/pets"): ("apiKeyRequired is false, expected true",),
        ("GET", "/a"): ("apiKeyRequired is true, expected false",),
    }
    table = render_table(result)
    assert "API KEY" in table.splitlines()[0]
    assert result.rows[0].expected == "NONE + API key"


def test_the_table_shows_no_key_column_when_no_method_has_a_key() -> None:
    result = compare([Expected("GET", "/a", None)], LiveApi((), (LiveMethod("GET", "/a", "NONE"),), ("/a",)))
    assert "API KEY" not in render_table(result)


def test_overwrite_plan_names_dropped_responses_and_key_changes() -> None:
    data = keyed_pets()
    data["x-amazon-apigateway-gateway-responses"] = {"DEFAULT_4XX": {"statusCode": "400"}}
    payload = Payload.of(data, version("3.0"), {})
    live = LiveApi(
        (),
        (
            LiveMethod("GET", "/pets", "NONE", api_key_required=False),  # the document requires a key
            LiveMethod("POST", "/pets", "NONE", api_key_required=True),  # the document does not
            LiveMethod("GET", "/stats", "NONE", api_key_required=True),  # unchanged
        ),
        ("/", "/pets", "/stats"),
    )
    responses = parse_responses(items(configured("THROTTLED"), configured("DEFAULT_4XX")))
    assert dropped_by_overwrite(data, responses) == ("THROTTLED",)
    plan = plan_import(payload, ImportOptions(rest_api_id="x"), "x", live, {}, responses)
    assert plan.removed_responses == ("THROTTLED",)
    assert plan.key_changes == (
        "GET /pets (not required -> required)",
        "POST /pets (required -> not required)",
    )
    lines = "\n".join(plan.lines())
    assert "will reset 1 gateway response(s) the document does not declare" in lines
    assert "nothing in the live API disappears" not in lines
    merge = plan_import(payload, ImportOptions(rest_api_id="x", mode="merge"), "x", live, {}, responses)
    assert merge.removed_responses == ()  # a merge keeps them
    assert merge.key_changes == plan.key_changes


def test_a_plan_without_gateway_responses_or_keys_says_nothing_of_them() -> None:
    data, _ = secured("3.0")
    payload = Payload.of(data, version("3.0"), {})
    plan = plan_import(payload, ImportOptions(rest_api_id="x"), "x", LiveApi(), {})
    assert (plan.removed_responses, plan.key_changes) == ((), ())
