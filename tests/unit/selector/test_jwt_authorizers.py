"""`type: jwt` authorizers (HTTP APIs): what they read, and every mistake refused at its line."""

from __future__ import annotations

import pytest

from apigw_cognito.basics.errors import InputError, InputErrors
from apigw_cognito.selector.loader import load_selector
from apigw_cognito.selector.model import require_arns

ARN = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEfGhI"


def load(text: str, environ: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return load_selector(text.encode(), "s.yaml", environ or {})


def mistakes(text: str, environ: dict[str, str] | None = None) -> list[tuple[str, int | None]]:
    with pytest.raises(InputError) as caught:
        load(text, environ)
    errors = caught.value.errors if isinstance(caught.value, InputErrors) else (caught.value,)
    return [(e.message, e.location.line if e.location else None) for e in errors]


def test_a_jwt_authorizer_reads_pool_audience_and_identity_source() -> None:
    selector = load(
        """version: 1
authorizers:
  Users:
    type: jwt
    user_pools: [us-east-1_AbCdEfGhI]
    audience: ['${CLIENT_ID}', 7abc]
    identity_source: $request.querystring.token
rules:
  - select: GET /pets
    authorizer: Users
    scopes: [pets/read]
""",
        {"CLIENT_ID": "4r5t6y7u8i9o0p1a2s3d4f5g6h"},
    )
    users = selector.authorizers["Users"]
    assert users.is_jwt
    assert selector.http_api
    assert users.audience == ("4r5t6y7u8i9o0p1a2s3d4f5g6h", "7abc")
    assert users.identity_source == "$request.querystring.token"
    assert users.header == "token"
    require_arns(selector)  # a pool id is enough: the issuer is made from it


def test_the_default_identity_source_of_a_jwt_authorizer_is_the_authorization_header() -> None:
    selector = load(f"""version: 1
authorizers: {{A: {{type: jwt, user_pools: [{ARN}], audience: [abc]}}}}
rules: [{{select: "*", authorizer: A}}]
""")
    assert selector.authorizers["A"].identity_source == "$request.header.Authorization"
    assert not load(f"""version: 1
authorizers: {{A: {{user_pools: [{ARN}]}}}}
rules: [{{select: "*", authorizer: A}}]
""").http_api


def test_mixing_types_is_refused_at_the_line_of_the_odd_one() -> None:
    assert mistakes(f"""version: 1
authorizers:
  A:
    type: jwt
    user_pools: [{ARN}]
    audience: [abc]
  B:
    user_pools: [{ARN}]
rules: [{{select: "*", authorizer: A}}]
""") == [
        (
            "authorizer 'B' is of type cognito_user_pools but authorizer 'A' is of type jwt: a selector"
            " secures either a REST API (cognito_user_pools) or an HTTP API (jwt)",
            7,
        )
    ]


def test_keys_of_the_other_type_and_jwt_mistakes_are_each_refused_at_their_line() -> None:
    assert mistakes(f"""version: 1
authorizers:
  A:
    type: jwt
    user_pools: [{ARN}, us-east-1_Other]
    app_client_id_regex: '^abc$'
    result_ttl_seconds: 0
    identity_source: method.request.header.Authorization
    audience: [abc, 'not an id', abc]
  B:
    audience: [abc]
    user_pools: [{ARN}]
  C:
    type: oauth
    user_pools: [{ARN}]
rules: [{{select: "*", authorizer: A}}]
gateway_responses: {{cors: auto}}
""") == [
        ("authorizer 'A': app_client_id_regex is only for authorizers of type cognito_user_pools", 6),
        ("authorizer 'A': result_ttl_seconds is only for authorizers of type cognito_user_pools", 7),
        ("authorizer 'A': a jwt authorizer has one issuer, so one user pool; 2 are listed", 5),
        (
            "authorizer 'A': identity_source 'method.request.header.Authorization' is not a request header"
            " or query string parameter",
            8,
        ),
        ("authorizer 'A': audience item 2 'not an id' is not an app client id", 9),
        ("authorizer 'A': audience item 3 repeats an earlier one", 9),
        ("authorizer 'B': audience is only for authorizers of type jwt", 11),
        ("authorizer 'C': type must be cognito_user_pools or jwt, got 'oauth'", 14),
        (
            "authorizer 'B' is of type cognito_user_pools but authorizer 'A' is of type jwt: a selector"
            " secures either a REST API (cognito_user_pools) or an HTTP API (jwt)",
            10,
        ),
        ("gateway_responses is for REST APIs; this selector's authorizers are jwt (an HTTP API)", 17),
    ]


def test_a_jwt_authorizer_needs_a_non_empty_audience_and_no_api_keys() -> None:
    found = mistakes(f"""version: 1
authorizers:
  A: {{type: jwt, user_pools: [{ARN}]}}
  B: {{type: jwt, user_pools: [{ARN}], audience: []}}
  C: {{type: jwt, user_pools: [{ARN}], audience: abc}}
rules:
  - select: GET /pets
    authorizer: A
    api_key: required
""")
    assert [line for _, line in found] == [3, 4, 5, 9]
    assert found[0][0].startswith("authorizer 'A': a jwt authorizer needs an audience")
    assert found[1][0] == "authorizer 'B': audience is empty"
    assert found[2][0] == "authorizer 'C': audience must be a list, even for one app client"
    assert found[3][0] == "api_key is for REST APIs; HTTP APIs have no API keys"
