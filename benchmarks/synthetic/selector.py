"""The worst-case selector every benchmarked document is secured with."""

from __future__ import annotations

POOL_ARN = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEfGhI"
SCOPE = "https://api.example.com/read"

# The worst case: every operation secured with one authorizer and a scope, preflights public.
SELECTOR = f"""\
version: 1
authorizers:
  Pool:
    user_pools: [{POOL_ARN}]
rules:
  - select: "* /**"
    authorizer: Pool
    scopes: [{SCOPE}]
default: deny
cors_preflight: public
"""
