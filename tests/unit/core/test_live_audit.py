"""`audit --live` without AWS: verdicts per live method, allowances, and the located AGC502 findings."""

from __future__ import annotations

from apigw_cognito.basics.errors import Location
from apigw_cognito.core.live_audit import Allowances, audit_live
from apigw_cognito.core.live_methods import COGNITO, NONE, snapshot_of
from apigw_cognito.selector.loader import load_selector
from apigw_cognito.selector.rules import select_from_text
from tests.support.strategies import ARN

SNAPSHOT = snapshot_of(
    "r1",
    "Pets",
    "eu-west-1",
    [{"id": "a1", "name": "Pool", "type": COGNITO, "providerARNs": [ARN]}],
    [
        {
            "path": "/pets",
            "resourceMethods": {
                "GET": {"authorizationType": COGNITO, "authorizerId": "a1", "authorizationScopes": ["r"]},
                "OPTIONS": {"authorizationType": NONE},
            },
        },
        {
            "path": "/pets/{petId}",
            "resourceMethods": {"ANY": {"authorizationType": NONE, "apiKeyRequired": True}},
        },
        {
            "path": "/health",
            "resourceMethods": {"GET": {"authorizationType": NONE}, "POST": {"authorizationType": "AWS_IAM"}},
        },
    ],
)


def _verdicts(allowances: Allowances | None = None) -> dict[str, str]:
    return {
        f"{v.method.method} {v.method.path}": v.verdict
        for v in audit_live(SNAPSHOT, allowances or Allowances()).verdicts
    }


def test_without_allowances_every_none_but_preflights_is_open() -> None:
    audit = audit_live(SNAPSHOT)
    assert _verdicts() == {
        "GET /health": "OPEN",
        "POST /health": "iam",
        "GET /pets": "secured",
        "OPTIONS /pets": "public",
        "ANY /pets/{petId}": "OPEN",
    }
    locations = [f.location for f in audit.findings]
    assert locations == [
        Location("apigateway://eu-west-1/r1/GET/health"),
        Location("apigateway://eu-west-1/r1/ANY/pets/{petId}"),
    ]
    assert {f.code for f in audit.findings} == {"AGC502"}
    assert "a key authorizes nobody" in audit.findings[1].message


def test_allow_uses_selector_globs() -> None:
    allow = tuple(select_from_text(t, Location("--allow"), "--allow") for t in ("GET /health", "* /pets/**"))
    assert _verdicts(Allowances(allow))["GET /health"] == "public"
    assert _verdicts(Allowances(allow))["ANY /pets/{petId}"] == "public"
    assert not audit_live(SNAPSHOT, Allowances(allow)).findings


def test_a_selector_file_allows_what_it_makes_public_and_flags_what_it_secures() -> None:
    selector = load_selector(
        (
            f"version: 1\nauthorizers:\n  P:\n    user_pools: [{ARN}]\n"
            "rules:\n  - select: GET /health\n    public: true\n  - select: '* /pets/**'\n    authorizer: P\n"
            "default: deny\ncors_preflight: secured\n"
        ).encode(),
        "allow.yaml",
        {},
    )
    audit = audit_live(SNAPSHOT, Allowances(selector=selector))
    verdicts = {f"{v.method.method} {v.method.path}": v for v in audit.verdicts}
    assert verdicts["GET /health"].verdict == "public"
    assert verdicts["GET /health"].reason == "allow.yaml: rule 1"
    assert verdicts["ANY /pets/{petId}"].verdict == "OPEN"
    assert verdicts["OPTIONS /pets"].verdict == "OPEN"  # cors_preflight: secured, and rule 2 secures it
    assert any("secures it with P" in f.message for f in audit.findings)
