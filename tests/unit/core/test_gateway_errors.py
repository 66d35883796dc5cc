"""Gateway responses rendered as API Gateway renders them: declared types, DEFAULT_4XX/5XX fallbacks, header
values from literals and the request, templates with `$context.error.*`."""

from __future__ import annotations

import json

from apigw_cognito.core.gateway_errors import RequestFacts, gateway_answer

REQUEST = RequestFacts("GET", "/pets", {"origin": "https://app.example.com"}, {"q": "1"}, {}, "req-1")


def test_without_gateway_responses_the_defaults() -> None:
    answer = gateway_answer(None, "UNAUTHORIZED", REQUEST)
    assert (answer.status, answer.body) == (401, b'{"message":"Unauthorized"}')
    assert ("x-amzn-ErrorType", "UnauthorizedException") in answer.headers
    assert gateway_answer({}, "MISSING_AUTHENTICATION_TOKEN", REQUEST).status == 403
    assert gateway_answer({}, "INVALID_API_KEY", REQUEST).body == b'{"message":"Forbidden"}'
    assert gateway_answer({}, "AUTHORIZER_CONFIGURATION_ERROR", REQUEST).status == 500


def test_a_declared_type_does_not_inherit_the_default() -> None:
    responses = {
        "UNAUTHORIZED": {
            "statusCode": "419",
            "responseParameters": {"gatewayresponse.header.X-Origin": "method.request.header.Origin"},
            "responseTemplates": {
                "application/json": '{"m": $context.error.messageString,'
                ' "t": "${context.error.responseType}"}'
            },
        },
        "DEFAULT_4XX": {"responseParameters": {"gatewayresponse.header.X-Default": "'yes'"}},
    }
    answer = gateway_answer(responses, "UNAUTHORIZED", REQUEST, "The incoming token has expired")
    assert answer.status == 419
    assert json.loads(answer.body) == {"m": "The incoming token has expired", "t": "UNAUTHORIZED"}
    assert ("X-Origin", "https://app.example.com") in answer.headers
    assert not any(name == "X-Default" for name, _ in answer.headers)


def test_an_undeclared_type_takes_default_4xx_or_5xx() -> None:
    responses = {
        "DEFAULT_4XX": {"statusCode": "400", "responseParameters": {"gatewayresponse.header.A": "'4'"}},
        "DEFAULT_5XX": {"responseParameters": {"gatewayresponse.header.A": "'5'"}},
    }
    four = gateway_answer(responses, "INVALID_API_KEY", REQUEST)
    assert four.status == 400, "DEFAULT_4XX's status override applies to the types that fall back to it"
    assert ("A", "4") in four.headers
    five = gateway_answer(responses, "INTEGRATION_TIMEOUT", REQUEST)
    assert (five.status, five.body) == (504, b'{"message":"Endpoint request timed out"}')
    assert ("A", "5") in five.headers
