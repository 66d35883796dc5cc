"""The selector file's vocabulary: its keys, method names and the regular expressions that the loader and
`schema.SCHEMA` share.

The expressions use only syntax that Python's `re` and ECMA-262 (which editors use for JSON Schema) read
alike. The loader applies them with `re.fullmatch`.
"""

from __future__ import annotations

from apigw_cognito.basics.limits import POOL_ARN_RE, POOL_ID_RE
from apigw_cognito.selector.globs import PATH_GLOB_BODY

# The method names a selector accepts (openapi.HTTP_METHODS), in the order error messages list them.
METHODS: tuple[str, ...] = ("GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "ANY")

NAME_RE = r"^[A-Za-z0-9._-]+$"  # an OpenAPI components key
_POOL_NAME = r"[\w+=,.@-](?:[\w\s+=,.@-]{0,126}[\w+=,.@-])?"  # Cognito's pool name characters, 1..128
POOL_NAME_RE = rf"^name:{_POOL_NAME}$"
POOL_RE = rf"^(?:{POOL_ARN_RE[1:-1]}|{POOL_ID_RE[1:-1]}|name:{_POOL_NAME})$"
# RFC 9110 token characters.
IDENTITY_SOURCE_RE = r"^method\.request\.header\.[!#$%&'*+.^_`|~0-9A-Za-z-]+$"
# An HTTP API's JWT authorizer reads its token from one header or query string parameter.
JWT_IDENTITY_SOURCE_RE = r"^\$request\.(?:header|querystring)\.[!#$%&'*+.^_`|~0-9A-Za-z-]+$"
# A Cognito app client id, as CreateUserPoolClient returns it (an HTTP API authorizer's audience).
APP_CLIENT_ID_RE = r"^[A-Za-z0-9_+]{1,128}$"
SCOPE_RE = r"^\S+$"
# A `${` that is not part of the escape `$${`, as `variables.expand` scans them (a property test compares).
VARIABLE_RE = r"(?:^|[^$])\$\{"
_METHOD_ALTERNATIVES = "|".join("".join(f"[{c}{c.lower()}]" for c in m) for m in METHODS)
METHOD_RE = rf"^(?:{_METHOD_ALTERNATIVES})$"
_METHOD_LIST = rf"(?:\*|(?:{_METHOD_ALTERNATIVES})(?:\s*,\s*(?:{_METHOD_ALTERNATIVES}))*)"
SELECT_RE = rf"^\s*(?:\*|{_METHOD_LIST}\s+{PATH_GLOB_BODY})\s*$"

RESERVED_NAMES = ("deny", "public")  # the other values of `default`
CORS_PREFLIGHT = ("public", "secured")
TOP_KEYS = ("version", "authorizers", "rules", "default", "cors_preflight", "gateway_responses")
AUTHORIZER_KEYS = (
    "user_pools",
    "identity_source",
    "app_client_id_regex",
    "result_ttl_seconds",
    "type",
    "audience",
)
# An authorizer's `type`: a REST API's Cognito authorizer (the default) or an HTTP API's JWT authorizer.
AUTHORIZER_TYPES = ("cognito_user_pools", "jwt")
# The keys only one type reads.
TYPE_ONLY_KEYS = {
    "app_client_id_regex": "cognito_user_pools",
    "result_ttl_seconds": "cognito_user_pools",
    "audience": "jwt",
}
RULE_KEYS = ("select", "authorizer", "scopes", "public", "optional", "api_key")
SELECT_KEYS = ("methods", "paths", "tags", "operation_ids")
API_KEY_CHOICES = ("required", "none")  # a rule's `api_key`; without it an existing requirement is kept
GATEWAY_RESPONSES_KEYS = ("cors",)
CORS_CHOICES = ("auto", "none")
CORS_KEYS = ("allow_origin", "allow_headers")
# What API Gateway's quoted literals can carry for these two headers: `*` or one origin (scheme, host and
# port, no path), and a comma list of header names (RFC 9110 tokens).
ORIGIN_RE = r"^(?:\*|[A-Za-z][A-Za-z0-9+.-]*://[A-Za-z0-9.-]+(?::[0-9]{1,5})?)$"
_TOKEN = r"[!#$%&*+.^_`|~0-9A-Za-z-]+"
HEADER_LIST_RE = rf"^{_TOKEN}(?: *, *{_TOKEN})*$"
