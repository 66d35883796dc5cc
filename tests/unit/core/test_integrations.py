"""The pure half of serve's integrations: claims as API Gateway hands them on, the backend request an http
integration sends, Lambda proxy replies."""

from __future__ import annotations

from apigw_cognito.core.gateway_errors import RequestFacts
from apigw_cognito.core.integrations import Call, backend_request, flat_claims, lambda_answer, mock_answer

FACTS = RequestFacts(
    "GET", "/pets/{petId}", {"Accept": "a/b", "Host": "client"}, {"q": "1"}, {"petId": "7"}, "r"
)
CALL = Call(FACTS, "/pets/7", b"", {"sub": "u-1", "email": "a@b.c"}, "dev", "127.0.0.1")


def test_claims_are_strings_as_api_gateway_writes_them() -> None:
    flat = flat_claims(
        {"exp": 1513495692, "email_verified": True, "cognito:groups": ["a", "b"], "auth_time": 1513495000}
    )
    assert flat == {
        "exp": "Sun Dec 17 07:28:12 UTC 2017",
        "email_verified": "true",
        "cognito:groups": "a,b",
        "auth_time": "1513495000",
    }


def test_an_http_proxy_request_maps_parameters_and_claims() -> None:
    integration = {
        "type": "http_proxy",
        "httpMethod": "ANY",
        "uri": "https://petstore.example.com/v1/pets/{id}",
        "requestParameters": {
            "integration.request.path.id": "method.request.path.petId",
            "integration.request.header.x-sub": "context.authorizer.claims.sub",
            "integration.request.querystring.source": "'serve'",
        },
    }
    target = backend_request(integration, CALL, "http://127.0.0.1:8080")
    assert target.method == "GET"
    assert target.url == "http://127.0.0.1:8080/v1/pets/7?q=1&source=serve"
    assert dict(target.headers) == {"accept": "a/b", "x-sub": "u-1"}, "Host is the backend's, not passed on"


def test_a_plain_http_request_sends_only_what_is_mapped() -> None:
    integration = {"type": "http", "httpMethod": "POST", "uri": "http://backend/{petId}"}
    target = backend_request(integration, CALL, None)
    assert (target.method, target.url, target.headers) == ("POST", "http://backend/7", ())


def test_lambda_replies() -> None:
    answer = lambda_answer(
        b'{"statusCode": 201, "headers": {"A": "1"}, "multiValueHeaders": {"B": ["2", "3"]}}'
    )
    assert not isinstance(answer, str)
    assert (answer.status, answer.headers, answer.body) == (201, (("A", "1"), ("B", "2"), ("B", "3")), b"")
    encoded = lambda_answer(b'{"body": "aGk=", "isBase64Encoded": true}')
    assert not isinstance(encoded, str)
    assert (encoded.status, encoded.body) == (200, b"hi")
    assert lambda_answer(b"[]") == "the function's reply is not a JSON object"
    assert lambda_answer(b'{"statusCode": "200"}') == "the function's statusCode is '200'"


def test_a_mock_without_a_matching_response_says_so() -> None:
    integration = {
        "type": "mock",
        "requestTemplates": {"application/json": '{"statusCode": 404}'},
        "responses": {"2\\d{2}": {"statusCode": "200"}},
    }
    assert mock_answer(integration, CALL) == "no integration response matches status 404"
