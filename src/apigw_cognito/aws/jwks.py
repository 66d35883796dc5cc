"""Fetch a user pool's signing keys (its JWKS), published at `<issuer>/.well-known/jwks.json`.

The URL is built from the pool the token claims to come from, and only when that pool is one of the
authorizer's: a token never chooses where the tool connects. With an endpoint (`--endpoint-url`, or the
AWS_ENDPOINT_URL variables, as for moto) the keys are read at `<endpoint>/<pool id>/.well-known/jwks.json`,
where moto serves them. Failures are one `AwsError` line (exit 3).
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from typing import Any

from apigw_cognito.aws.clients import scrub
from apigw_cognito.basics.errors import AwsError, InputError

MAX_JWKS_BYTES = 1024 * 1024  # a key set holds a few keys: a few KB


def cognito_endpoint(endpoint_url: str | None) -> str | None:
    """Where Cognito calls go instead of AWS, as botocore picks it: the option, then the variables."""
    return (
        endpoint_url
        or os.environ.get("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER")
        or os.environ.get("AWS_ENDPOINT_URL")
        or None
    )


def jwks_url(issuer: str, endpoint_url: str | None) -> str:
    """The key set of the pool whose tokens carry `issuer`."""
    endpoint = cognito_endpoint(endpoint_url)
    if endpoint:
        return f"{endpoint.rstrip('/')}/{issuer.rsplit('/', 1)[-1]}/.well-known/jwks.json"
    return f"{issuer}/.well-known/jwks.json"


def fetch_jwks(url: str, timeout: float = 10.0) -> dict[str, Any]:
    """The key set at `url`; `AwsError` when it cannot be fetched or is not a key set."""
    if not url.startswith(("https://", "http://")):
        raise InputError(f"--jwks-url must be an http(s) URL, not {url!r}")
    shown = scrub(url)
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            body = answer.read(MAX_JWKS_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise AwsError(f"fetching the pool's keys from {shown}: HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise AwsError(
            f"fetching the pool's keys from {shown}: cannot reach it ({scrub(str(reason))})",
            hint="check the network or --endpoint-url; --offline skips the signature check",
        ) from None
    if len(body) > MAX_JWKS_BYTES:
        raise AwsError(f"fetching the pool's keys from {shown}: the answer is larger than a key set")
    try:
        keys = json.loads(body)
    except ValueError:
        keys = None
    if not isinstance(keys, dict) or not isinstance(keys.get("keys"), list):
        raise AwsError(f"fetching the pool's keys from {shown}: the answer is not a JSON Web Key Set")
    return keys
