"""API Gateway's limits on a REST API import, and the form of the Cognito user pool ARN it accepts.

Each fact is written here once; the selector, the document checks and the importer read it from here.
The patterns are strings that Python's `re` and ECMA-262 (JSON Schema's regexes) read alike; apply them
with `re.fullmatch`, since in Python `$` also matches before a trailing newline.
"""

from __future__ import annotations

import re

MAX_BODY_BYTES = 6 * 1024 * 1024  # the largest ImportRestApi / PutRestApi body
MAX_RESOURCES = 300  # resources per REST API, the root included (a default quota that can be raised)
MAX_AUTHORIZERS = 10  # authorizers per REST API (a default quota)
MAX_RESULT_TTL_SECONDS = 3600  # the longest authorizerResultTtlInSeconds

# An AWS region name: us-east-1, eu-central-2, us-gov-west-1, cn-north-1, il-central-1.
_REGION = r"[a-z]{2}(?:-[a-z]+)+-[0-9]+"
# A pool id is its region, '_' and a suffix of letters and digits whose length AWS does not promise
# (emulators make longer ones than AWS). Group: the region.
POOL_ID_RE = rf"^({_REGION})_[0-9A-Za-z]+$"
# Groups: partition, region, account, pool id, the pool id's region. The two regions may differ here:
# the selector loader refuses that with its own message.
POOL_ARN_RE = (
    rf"^arn:(aws|aws-cn|aws-us-gov):cognito-idp:({_REGION}):([0-9]{{12}}):userpool/({POOL_ID_RE[1:-1]})$"
)

# A pool ARN or pool id; groups: the pool id, its region.
_POOL_REF = re.compile(rf"(?:arn:[^:]+:cognito-idp:[^:]+:[^:]*:userpool/)?({POOL_ID_RE[1:-1]})")


def pool_issuer(pool: str) -> str | None:
    """The `iss` of the tokens a pool (its ARN or id) issues, with no trailing slash: what a JWT
    authorizer's issuer must be, character for character. None for a pool given by name."""
    match = _POOL_REF.fullmatch(pool)
    if match is None:
        return None
    pool_id, region = match.groups()
    suffix = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    return f"https://cognito-idp.{region}.{suffix}/{pool_id}"


_ISSUER = re.compile(rf"https://cognito-idp\.({_REGION})\.amazonaws\.com(?:\.cn)?/(\1_[0-9A-Za-z]+)")


def issuer_pool(issuer: str) -> str | None:
    """The pool id of a Cognito issuer URL (`pool_issuer` reversed); None for any other issuer."""
    match = _ISSUER.fullmatch(issuer)
    return match.group(2) if match else None
