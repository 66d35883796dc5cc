"""`init --from-api` without AWS: the selector written for a live API, and its round trip through the
selector loader and the transform."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from apigw_cognito.basics.errors import InputError, Location
from apigw_cognito.basics.openapi import VERSIONS, Operation
from apigw_cognito.core.adopt import adopt, shape
from apigw_cognito.core.live_methods import COGNITO, NONE, LiveSnapshot, snapshot_of
from apigw_cognito.core.transform import secure
from apigw_cognito.selector.loader import load_selector
from tests.support.strategies import ARN, live_api_items

AUTHORIZERS = [
    {
        "id": "abc123",
        "name": "PetsPool",
        "type": "COGNITO_USER_POOLS",
        "providerARNs": [ARN],
        "identitySource": "method.request.header.Authorization",
        "identityValidationExpression": "^[0-9a-z]{26}$",
        "authorizerResultTtlInSeconds": 60,
    },
    {"id": "lam1", "name": "Legacy", "type": "TOKEN"},
]
RESOURCES = [
    {"path": "/", "resourceMethods": {}},
    {
        "path": "/pets",
        "resourceMethods": {
            "GET": {"authorizationType": COGNITO, "authorizerId": "abc123"},
            "OPTIONS": {"authorizationType": NONE},
        },
    },
    {
        "path": "/pets/{petId}",
        "resourceMethods": {"GET": {"authorizationType": NONE, "apiKeyRequired": True}},
    },
    {
        "path": "/purchase",
        "resourceMethods": {
            "POST": {
                "authorizationType": COGNITO,
                "authorizerId": "abc123",
                "authorizationScopes": ["shop/buy"],
            },
            "PUT": {"authorizationType": "CUSTOM", "authorizerId": "lam1"},
        },
    },
]

EXPECTED = """\
# Selector adopted from REST API r1 ('Pets') in eu-west-1 by `apigw-cognito init --from-api`.
# It reproduces the authorization the API has now (GetAuthorizers, GetResources), one rule per
# method. Check it against the API with
#   apigw-cognito verify SPEC -s THIS_FILE --rest-api-id r1
version: 1

authorizers:
  PetsPool:  # authorizer abc123
    user_pools:
      - arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEfGhI
    app_client_id_regex: '^[0-9a-z]{26}$'
    result_ttl_seconds: 60

rules:
  - select: 'GET /pets'  # authorizer abc123
    authorizer: PetsPool
  - select: 'OPTIONS /pets'  # CORS preflight, public in the API
    public: true
  - select: 'GET /pets/{petId}'  # public in the API (NONE)
    public: true
    # the method also requires an API key (apiKeyRequired)
  - select: 'POST /purchase'  # authorizer abc123
    authorizer: PetsPool
    scopes: [shop/buy]
  # PUT /purchase: CUSTOM with authorizer 'Legacy', which no rule can express (default: deny stops apply)

# Anything no rule decides stops `apply` with an error, so nothing goes live unsecured.
default: deny
cors_preflight: public
"""


def _snapshot() -> LiveSnapshot:
    return snapshot_of("r1", "Pets", "eu-west-1", AUTHORIZERS, RESOURCES)


def test_the_whole_selector() -> None:
    adopted = adopt(_snapshot())
    assert adopted.text == EXPECTED
    assert adopted.rules == 4
    assert adopted.gaps == (
        "PUT /purchase uses CUSTOM with authorizer 'Legacy', which a selector cannot express:"
        " decide it by hand",
    )


def test_matched_to_a_document_with_other_parameter_names() -> None:
    ops = [
        Operation("/pets", "get", None, (), True, None),
        Operation("/pets", "options", None, (), True, None),
        Operation("/pets/{id}", "get", None, (), True, None),
        Operation("/purchase", "post", None, (), True, None),
        Operation("/health", "get", None, (), True, None),
    ]
    adopted = adopt(snapshot_of("r1", "Pets", "eu-west-1", AUTHORIZERS, RESOURCES), ops, "pets.yaml")
    assert "  - select: 'GET /pets/{id}'  # live: GET /pets/{petId}; public in the API (NONE)" in adopted.text
    assert "  # GET /health: in pets.yaml, not live; no rule" in adopted.text
    assert "GET /health is in pets.yaml but not live: decide it" in adopted.gaps
    assert "PUT /purchase is live but not in pets.yaml" in adopted.gaps
    assert shape("/a/{x}/b/{proxy+}") == "/a/{}/b/{}"


def test_the_authorizer_the_methods_use_keeps_its_name_and_unused_twins_are_left_out() -> None:
    auths = [
        {"id": "1", "name": "Pool", "type": COGNITO, "providerARNs": [ARN]},
        {"id": "2", "name": "Pool", "type": COGNITO, "providerARNs": [ARN]},
        {"id": "3", "name": "my pool!", "type": COGNITO, "providerARNs": [ARN]},
    ]
    resources = [
        {"path": "/x", "resourceMethods": {"GET": {"authorizationType": COGNITO, "authorizerId": "2"}}}
    ]
    adopted = adopt(snapshot_of("r", "n", "us-east-1", auths, resources))
    assert "  Pool:  # authorizer 2\n" in adopted.text
    assert "authorizer 1" not in adopted.text
    assert "Pool_2" not in adopted.text
    assert "  my_pool_:  # authorizer 3, named 'my pool!' in the API" in adopted.text
    assert "    authorizer: Pool\n" in adopted.text
    assert adopted.notes == (
        "authorizer 'my pool!' (3) is written as 'my_pool_'",
        "authorizer 'Pool' (1) is used by no method and has the name of another: left out of the selector"
        " (an import that overwrites the API removes it)",
    )


def test_twins_the_methods_both_use_are_numbered() -> None:
    auths = [{"id": i, "name": "Pool", "type": COGNITO, "providerARNs": [ARN]} for i in ("1", "2")]
    resources = [
        {
            "path": "/x",
            "resourceMethods": {
                "GET": {"authorizationType": COGNITO, "authorizerId": "1"},
                "PUT": {"authorizationType": COGNITO, "authorizerId": "2"},
            },
        }
    ]
    adopted = adopt(snapshot_of("r", "n", "us-east-1", auths, resources))
    assert "  Pool:  # authorizer 1\n" in adopted.text
    assert "  Pool_2:  # authorizer 2, named 'Pool' in the API" in adopted.text


def test_an_api_without_cognito_authorizers_is_refused() -> None:
    with pytest.raises(InputError, match="no Cognito user pool authorizer"):
        adopt(snapshot_of("r", "n", "us-east-1", [], RESOURCES))


@settings(max_examples=60, deadline=None)
@given(live_api_items())
def test_the_adopted_selector_decides_every_method_as_the_api_does(items: tuple[list, list]) -> None:
    """Loaded and applied to a document of the live paths, the selector secures each method with the
    authorizer (pools, identity source, regex, TTL) and scopes the API has, makes each NONE public, and
    leaves only what it cannot express undecided."""
    authorizers, resources = items
    snapshot = snapshot_of("r", "api", "us-east-1", authorizers, resources)
    adopted = adopt(snapshot)
    selector = load_selector(adopted.text.encode(), "adopted.yaml", {})
    paths: dict = {}
    for m in snapshot.methods:
        paths.setdefault(m.path, {})[m.operation().key] = {"responses": {}}
    result = secure({"openapi": "3.0.1", "paths": paths}, VERSIONS["3.0"], selector, lambda _: Location("x"))
    decided = {(d.operation.method, d.operation.path): d for d in result.decisions}
    names = {}
    for line in adopted.text.splitlines():
        if "# authorizer " in line and line.startswith("  ") and not line.startswith("  -"):
            names[line.split("# authorizer ")[1].split(",")[0]] = line.strip().split(":")[0]
    for m in snapshot.methods:
        d = decided.get((m.method, m.path))
        if m.authorization_type == NONE:
            assert d is not None, m
            assert d.kind == "public", m
        elif m.authorization_type == COGNITO:
            assert d is not None, m
            assert d.kind == "secured", m
            live = snapshot.authorizer(m.authorizer_id)
            assert live is not None
            assert d.authorizer == names[live.id]
            assert set(d.scopes) == set(m.scopes)
            extension = result.schemes[d.authorizer]["x-amazon-apigateway-authorizer"]
            assert extension["providerARNs"] == list(live.provider_arns)
            assert extension.get("identityValidationExpression") == live.client_id_regex
            assert extension.get("authorizerResultTtlInSeconds", 300) == (
                live.ttl if live.ttl is not None else 300
            )
            assert result.schemes[d.authorizer]["name"] == (live.identity_source or "").rsplit(".", 1)[-1]
        else:
            assert d is None, m
    assert not [f for f in result.findings if f.code == "AGC102"]
