"""The OpenAPI verdicts of `apigw-cognito validate` and openapi-spec-validator, from what they print."""

from __future__ import annotations

import re

CODE = re.compile(r"\bAGC\d{3}\b")


def cli_verdict(returncode: int, output: str) -> str:
    """The OpenAPI verdict of `apigw-cognito validate`: AGC401 findings are OpenAPI errors.

    Exit 1 can also come from API Gateway's import limits (AGC305 over 6 MB, AGC306 over 300 resources),
    which openapi-spec-validator does not check, so those do not make the document invalid here.
    """
    if returncode not in (0, 1):
        return f"error (exit {returncode})"
    codes = set(CODE.findall(output))
    if "AGC401" in codes:
        return "invalid"
    if returncode == 1 and not codes:
        return "unknown (exit 1, no finding code)"
    return "valid"


def validator_verdict(returncode: int, output: str) -> str:
    first = output.strip().splitlines()[0] if output.strip() else ""
    if returncode == 0 and first == "valid":
        return "valid"
    if returncode == 1 and first.startswith("invalid"):
        return "invalid"
    return f"error (exit {returncode})"
