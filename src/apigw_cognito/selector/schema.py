"""The selector's JSON Schema (draft 2020-12), for editors and `apigw-cognito schema`.

It sees structure and patterns; the loader also checks what a schema cannot: declared authorizer names,
the environment, compiled regexes and YAML-level features. A test keeps the two in agreement.
"""

from __future__ import annotations

from typing import Any

from apigw_cognito.basics.intrinsics import POOL_FUNCTIONS
from apigw_cognito.basics.limits import MAX_AUTHORIZERS, MAX_RESULT_TTL_SECONDS
from apigw_cognito.selector.globs import PATH_GLOB_RE
from apigw_cognito.selector.model import DEFAULT_IDENTITY_SOURCE
from apigw_cognito.selector.stack_references import TEMPLATE_KEY
from apigw_cognito.selector.syntax import (
    API_KEY_CHOICES,
    APP_CLIENT_ID_RE,
    AUTHORIZER_TYPES,
    CORS_CHOICES,
    CORS_PREFLIGHT,
    HEADER_LIST_RE,
    IDENTITY_SOURCE_RE,
    JWT_IDENTITY_SOURCE_RE,
    METHOD_RE,
    METHODS,
    NAME_RE,
    ORIGIN_RE,
    POOL_RE,
    RESERVED_NAMES,
    SCOPE_RE,
    SELECT_RE,
    VARIABLE_RE,
)


def _literal(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` for a string where ``${`` is refused (anything but user_pools and app_client_id_regex)."""
    return {**schema, "not": {"pattern": VARIABLE_RE}}


def _list_of(item: dict[str, Any], description: str) -> dict[str, Any]:
    return {"type": "array", "minItems": 1, "items": item, "description": description}


# A deploy-time reference (`stack_references`): one key, a CloudFormation function or template_variable.
_DEPLOY_TIME_POOL: dict[str, Any] = {
    "type": "object",
    "minProperties": 1,
    "maxProperties": 1,
    "propertyNames": {"enum": [*POOL_FUNCTIONS, TEMPLATE_KEY]},
    "properties": {
        TEMPLATE_KEY: {
            "type": "string",
            "pattern": "^[A-Za-z_][A-Za-z0-9_-]*$",
            "description": "A Terraform templatefile() variable that holds the pool's ARN"
            " (apply --templatefile).",
        }
    },
}

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "apigw-cognito selector, version 1",
    "description": (
        "Which API Gateway operations get which Amazon Cognito user pool authorizer, and which stay"
        " public. Rules apply top-down; the first rule that selects an operation decides it."
    ),
    "type": "object",
    "additionalProperties": False,
    "required": ["version", "authorizers", "rules"],
    "properties": {
        "version": {"const": 1, "description": "The selector format version: 1."},
        "authorizers": {
            "type": "object",
            "description": (
                f"Cognito user pool authorizers, 1 to {MAX_AUTHORIZERS} (API Gateway's limit per API). Each"
                " name becomes the security scheme's name in the document."
            ),
            "minProperties": 1,
            "maxProperties": MAX_AUTHORIZERS,
            "propertyNames": {"pattern": NAME_RE, "not": {"enum": list(RESERVED_NAMES)}},
            "additionalProperties": {"$ref": "#/$defs/authorizer"},
        },
        "rules": {
            "type": "array",
            "description": "Rules in order; the first one whose select matches an operation decides it.",
            "items": {"$ref": "#/$defs/rule"},
        },
        "default": {
            "type": "string",
            "description": (
                "What happens to operations no rule selects: deny (report them as errors), public"
                " (leave them open) or the name of an authorizer that secures them."
            ),
            "default": "deny",
            "anyOf": [{"enum": list(RESERVED_NAMES)}, {"pattern": NAME_RE}],
        },
        "cors_preflight": {
            "enum": list(CORS_PREFLIGHT),
            "default": "public",
            "description": (
                "public: OPTIONS methods stay open, since browsers send CORS preflights without"
                " credentials. secured: only rules that name OPTIONS explicitly may secure them."
            ),
        },
        "gateway_responses": {
            "type": "object",
            "additionalProperties": False,
            "required": ["cors"],
            "description": "What API Gateway's own error responses (401, 403, 4XX, 5XX) carry.",
            "properties": {
                "cors": {
                    "description": (
                        "CORS headers on the error responses, so that browsers can read a rejection: auto"
                        " (from the document's preflights), none, or the values."
                    ),
                    "anyOf": [{"enum": list(CORS_CHOICES)}, {"$ref": "#/$defs/cors"}],
                }
            },
        },
    },
    "$defs": {
        "name": {
            "type": "string",
            "pattern": NAME_RE,
            "description": "An authorizer name declared under authorizers.",
        },
        "authorizer": {
            "type": "object",
            "additionalProperties": False,
            "required": ["user_pools"],
            "properties": {
                "user_pools": {
                    **_list_of(
                        {
                            "anyOf": [
                                {"type": "string", "anyOf": [{"pattern": POOL_RE}, {"pattern": VARIABLE_RE}]},
                                _DEPLOY_TIME_POOL,
                            ],
                            "description": (
                                "arn:aws:cognito-idp:<region>:<account id>:userpool/<pool id>, a pool id"
                                " (<region>_<suffix>, resolved with AWS) or name:<PoolName> (resolved"
                                " with AWS). ${VAR} and ${VAR:-default} are read from the environment."
                                " Or a deploy-time reference: a CloudFormation function in its long form"
                                " ({Fn::GetAtt: [UserPool, Arn]}) or {template_variable: NAME} for"
                                " Terraform's templatefile()."
                            ),
                        },
                        "The user pools whose tokens the authorizer accepts (its providerARNs).",
                    ),
                    "uniqueItems": True,
                },
                "identity_source": {
                    "type": "string",
                    "anyOf": [{"pattern": IDENTITY_SOURCE_RE}, {"pattern": JWT_IDENTITY_SOURCE_RE}],
                    "default": DEFAULT_IDENTITY_SOURCE,
                    "description": (
                        "The header that carries the token: method.request.header.<Name> (type"
                        " cognito_user_pools); $request.header.<Name> or $request.querystring.<Name>"
                        " (type jwt, default $request.header.Authorization)."
                    ),
                },
                "type": {
                    "enum": list(AUTHORIZER_TYPES),
                    "default": "cognito_user_pools",
                    "description": (
                        "cognito_user_pools: a REST API's Cognito authorizer; jwt: an HTTP API's JWT"
                        " authorizer (one user pool, and audience). Every authorizer of a selector has"
                        " the same type."
                    ),
                },
                "audience": {
                    **_list_of(
                        {
                            "type": "string",
                            "anyOf": [{"pattern": APP_CLIENT_ID_RE}, {"pattern": VARIABLE_RE}],
                            "description": "An app client id. ${VAR} is read from the environment.",
                        },
                        "Type jwt only: the app client ids whose tokens the authorizer accepts (aud, or"
                        " client_id for access tokens).",
                    ),
                    "uniqueItems": True,
                },
                "app_client_id_regex": {
                    "type": "string",
                    "minLength": 1,
                    "description": (
                        "A regular expression app client ids must match (identityValidationExpression);"
                        " API Gateway matches it against the ID token's aud. ${VAR} is read from the"
                        " environment."
                    ),
                },
                "result_ttl_seconds": {
                    "type": "integer",
                    "minimum": 0,
                    "maximum": MAX_RESULT_TTL_SECONDS,
                    "description": (
                        "How long API Gateway caches the authorizer's result"
                        " (authorizerResultTtlInSeconds); 0 disables the cache, API Gateway's default is 300."
                    ),
                },
            },
        },
        "rule": {
            "type": "object",
            "additionalProperties": False,
            "required": ["select"],
            "anyOf": [{"required": ["authorizer"]}, {"required": ["public"]}],
            "dependentSchemas": {
                "public": {"not": {"anyOf": [{"required": ["authorizer"]}, {"required": ["scopes"]}]}},
                "scopes": {"required": ["authorizer"]},
            },
            "properties": {
                "select": {
                    "$ref": "#/$defs/select",
                    "description": "The operations this rule decides, unless an earlier rule selected them.",
                },
                "authorizer": {
                    "$ref": "#/$defs/name",
                    "description": "Secure the selected operations with this authorizer.",
                },
                "scopes": _list_of(
                    _literal({"type": "string", "pattern": SCOPE_RE}),
                    (
                        "OAuth scopes (authorizationScopes): the method then takes access tokens carrying"
                        " any one of them. Without scopes it takes ID tokens."
                    ),
                ),
                "public": {"const": True, "description": "Leave the selected operations open."},
                "optional": {
                    "type": "boolean",
                    "default": False,
                    "description": "true: selecting no operation is not an error for this rule.",
                },
                "api_key": {
                    "enum": list(API_KEY_CHOICES),
                    "description": (
                        "required: the operations also require an API key (apiKeyRequired). none: an API key"
                        " they required is dropped. Omitted: an API key requirement is kept."
                    ),
                },
            },
        },
        "cors": {
            "type": "object",
            "additionalProperties": False,
            "required": ["allow_origin"],
            "properties": {
                "allow_origin": {
                    "type": "string",
                    "pattern": ORIGIN_RE,
                    "description": "Access-Control-Allow-Origin: '*' or one origin: https://app.example.com.",
                },
                "allow_headers": {
                    "type": "string",
                    "pattern": HEADER_LIST_RE,
                    "description": "Access-Control-Allow-Headers: header names: Content-Type,X-Api-Key.",
                },
            },
        },
        "select": {
            "description": (
                "Which operations the rule selects: '<METHODS> <PATH>' (such as 'GET /pets/*',"
                " 'GET,POST /pets/**', '* /admin/**', or '*' for every operation) or a mapping."
            ),
            "anyOf": [
                _literal({"type": "string", "pattern": SELECT_RE}),
                {"$ref": "#/$defs/selectMapping"},
            ],
        },
        "selectMapping": {
            "type": "object",
            "additionalProperties": False,
            "minProperties": 1,
            "description": "Every key given must match, and any item within a key.",
            "properties": {
                "methods": _list_of(
                    {"type": "string", "anyOf": [{"enum": list(METHODS)}, {"pattern": METHOD_RE}]},
                    "HTTP methods, in any case; ANY is x-amazon-apigateway-any-method. Omit for all.",
                ),
                "paths": _list_of(
                    _literal({"type": "string", "pattern": PATH_GLOB_RE}),
                    (
                        "Path globs: '*' within a segment matches any text, '?' one character, a '**'"
                        " segment any number of segments; {petId} matches {petId}, {*} any parameter."
                    ),
                ),
                "tags": _list_of(
                    _literal({"type": "string", "minLength": 1}), "Operation tags, matched exactly."
                ),
                "operation_ids": _list_of(
                    _literal({"type": "string", "minLength": 1}),
                    "operationId globs: '*' any text, '?' one character.",
                ),
            },
        },
    },
}
