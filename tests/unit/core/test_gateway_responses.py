"""`gateway_responses: cors`: what is inserted, what is kept, the findings, and the AGC209 warning."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from apigw_cognito.app.pipeline import Spec, parse_spec, run_apply, run_audit
from apigw_cognito.basics.errors import InputError
from apigw_cognito.core.gateway_responses import GATEWAY_RESPONSES_KEY, WRITTEN_TYPES, uncovered_rejections
from apigw_cognito.selector.loader import load_selector
from tests.support.apidocs import POOL_ARN, keyed_pets, preflight
from tests.support.paths import ROOT

ORIGIN = "gatewayresponse.header.Access-Control-Allow-Origin"
HEADERS = "gatewayresponse.header.Access-Control-Allow-Headers"


def selector(cors: str | None = "auto") -> Any:
    text = (
        f"version: 1\nauthorizers: {{Pool: {{user_pools: [{POOL_ARN}]}}}}\n"
        "rules:\n  - {select: 'GET /pets', authorizer: Pool}\ndefault: public\n"
    )
    if cors is not None:
        text += f"gateway_responses:\n  cors: {cors}\n"
    return load_selector(text.encode(), "s.yaml", {})


def spec(data: dict[str, Any], name: str = "api.yaml") -> Spec:
    raw = (
        json.dumps(data, indent=2) if name.endswith(".json") else yaml.safe_dump(data, sort_keys=False)
    ).encode()
    return parse_spec(raw, name)


def responses_of(output: bytes | None, name: str = "api.yaml") -> Any:
    assert output is not None
    return parse_spec(output, name).document.data.get(GATEWAY_RESPONSES_KEY)


@pytest.mark.parametrize("name", ["securepets.yaml", "securepets-swagger2.json"])
def test_auto_copies_the_preflight_headers_into_every_rejection(name: str) -> None:
    applied = run_apply(parse_spec((ROOT / "specs" / name).read_bytes(), name), selector(), validate=True)
    written = responses_of(applied.output, name)
    assert list(written) == list(WRITTEN_TYPES)
    for entry in written.values():
        assert entry == {"responseParameters": {ORIGIN: "'*'", HEADERS: "'Content-Type,Authorization'"}}
    assert not applied.report.warnings
    again = run_apply(parse_spec(applied.output or b"", name), selector(), validate=True)
    assert again.output == applied.output  # idempotent, byte for byte
    assert not again.result.edits


def test_explicit_values_are_written_as_quoted_literals() -> None:
    cors = "{allow_origin: 'https://app.example.com', allow_headers: 'Content-Type, X-Api-Key'}"
    applied = run_apply(spec(keyed_pets()), selector(cors), validate=True)
    written = responses_of(applied.output)
    assert written["UNAUTHORIZED"]["responseParameters"] == {
        ORIGIN: "'https://app.example.com'",
        HEADERS: "'Content-Type,X-Api-Key'",
    }


def test_existing_entries_are_kept_and_a_differing_header_is_a_finding() -> None:
    data = keyed_pets()
    data[GATEWAY_RESPONSES_KEY] = {
        "UNAUTHORIZED": {"statusCode": 401, "responseTemplates": {"application/json": '{"m":"sign in"}'}},
        "DEFAULT_4XX": {
            "responseParameters": {"gatewayresponse.header.access-control-allow-origin": "'https://x'"}
        },
        "ACCESS_DENIED": {"responseParameters": {"gatewayresponse.header.X-Trace": "'1'"}},
        "THROTTLED": {"statusCode": "429"},
    }
    original = spec(data)
    applied = run_apply(original, selector(), validate=False)
    written = responses_of(applied.output)
    assert written["UNAUTHORIZED"]["statusCode"] == 401
    assert written["UNAUTHORIZED"]["responseTemplates"] == {"application/json": '{"m":"sign in"}'}
    assert written["UNAUTHORIZED"]["responseParameters"][ORIGIN] == "'*'"
    assert written["DEFAULT_4XX"]["responseParameters"] == {
        "gatewayresponse.header.access-control-allow-origin": "'https://x'",  # never changed
        HEADERS: "'Content-Type,Authorization'",
    }
    assert written["ACCESS_DENIED"]["responseParameters"]["gatewayresponse.header.X-Trace"] == "'1'"
    assert written["THROTTLED"]["responseParameters"][ORIGIN] == "'*'"  # declared entries get it too
    (finding,) = [f for f in applied.report.findings if f.code == "AGC208"]
    assert "DEFAULT_4XX" in finding.message
    assert "kept as written" in finding.message
    assert finding.location is not None
    assert finding.location.line is not None
    # Only insertions: every line of the input's gateway responses is still there, in order.
    before = original.raw.decode().split(GATEWAY_RESPONSES_KEY)[1].splitlines()
    after = (applied.output or b"").decode().split(GATEWAY_RESPONSES_KEY)[1].splitlines()
    position = 0
    for line in before:
        position = after.index(line, position) + 1


def test_different_origins_in_the_preflights_are_an_error_asking_for_values() -> None:
    data = keyed_pets()
    data["paths"]["/stats"]["options"] = preflight("'https://other.example.com'")
    applied = run_apply(spec(data), selector(), validate=False)
    assert applied.output is None
    (error,) = applied.report.errors
    assert error.code == "AGC105"
    assert "'*'" in error.message
    assert "'https://other.example.com'" in error.message
    assert error.location is not None


def test_auto_without_preflight_headers_writes_nothing_and_says_so() -> None:
    data = keyed_pets()
    del data["paths"]["/pets"]["options"]
    applied = run_apply(spec(data), selector(), validate=False)
    assert responses_of(applied.output) is None
    assert any("no preflight" in note for note in applied.report.notes)
    assert not any(f.code == "AGC209" for f in applied.report.findings)  # no preflight: no browser client


@pytest.mark.parametrize("cors", [None, "none"])
def test_without_cors_nothing_is_written_and_the_warning_names_the_header(cors: str | None) -> None:
    applied = run_apply(spec(keyed_pets()), selector(cors), validate=False)
    assert responses_of(applied.output) is None
    (warning,) = [f for f in applied.report.findings if f.code == "AGC209"]
    assert warning.level == "warning"
    assert "Access-Control-Allow-Origin" in warning.message
    assert "UNAUTHORIZED" in warning.message
    assert warning.location is not None
    assert warning.pointer[-1] == "method.response.header.Access-Control-Allow-Origin"


def test_audit_warns_too_with_and_without_a_selector() -> None:
    data = keyed_pets()
    data["paths"]["/pets"]["get"]["security"] = [{"Pool": []}]
    data["components"]["securitySchemes"]["Pool"] = {
        "type": "apiKey",
        "name": "Authorization",
        "in": "header",
        "x-amazon-apigateway-authorizer": {"type": "cognito_user_pools", "providerARNs": [POOL_ARN]},
    }
    assert [f.code for f in run_audit(spec(data), None).findings if f.code == "AGC209"] == ["AGC209"]
    assert [f.code for f in run_audit(spec(data), selector(None)).findings if f.code == "AGC209"] == [
        "AGC209"
    ]
    assert not [f for f in run_audit(spec(data), selector()).findings if f.code == "AGC209"]


def test_a_declared_rejection_does_not_inherit_default_4xx() -> None:
    data: dict[str, Any] = {
        GATEWAY_RESPONSES_KEY: {
            "DEFAULT_4XX": {"responseParameters": {ORIGIN: "'*'"}},
            "UNAUTHORIZED": {"statusCode": "401"},
        }
    }
    assert uncovered_rejections(data) == ["UNAUTHORIZED"]
    assert (
        uncovered_rejections(
            {GATEWAY_RESPONSES_KEY: {"DEFAULT_4XX": {"responseParameters": {ORIGIN: "'*'"}}}}
        )
        == []
    )
    assert uncovered_rejections({}) == ["UNAUTHORIZED", "ACCESS_DENIED", "EXPIRED_TOKEN"]


def test_a_malformed_extension_is_refused_with_its_place() -> None:
    data = keyed_pets()
    data[GATEWAY_RESPONSES_KEY] = ["UNAUTHORIZED"]
    with pytest.raises(InputError) as caught:
        run_apply(spec(data), selector(), validate=False)
    assert "not a mapping" in caught.value.message
    assert caught.value.location is not None
    assert caught.value.location.line is not None
