"""Properties of the whole transform over generated documents in every file style.

The documents (Swagger 2.0 and OpenAPI 3.0, every method) have API-keyed operations and gateway responses of
their own now and then, and the selectors overlapping rules, `api_key` on rules and `gateway_responses: cors`.
Every operation ends exactly as the independent model of the selector (tests/support/selector_model.py)
decides, read back as API Gateway imports it; nothing outside security and gateway responses changes, what a
document's gateway responses say stays, and a second run changes no byte.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from apigw_cognito.app.pipeline import Spec, parse_spec, run_apply
from apigw_cognito.core.gateway_responses import GATEWAY_RESPONSES_KEY, uncovered_rejections
from apigw_cognito.selector.loader import load_selector
from tests.support import selector_model as model
from tests.support.strategies import AUTHORIZERS, STYLES, openapi_documents, render, selectors

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def spec_of(raw: bytes, style: str) -> Spec:
    name = "api.json" if style.startswith("json") else "api.yaml"
    return parse_spec(raw, name)


def schemes_of(data: dict[str, Any]) -> dict[str, Any]:
    if "swagger" in data:
        return data.setdefault("securityDefinitions", {})  # type: ignore[no-any-return]
    return data.setdefault("components", {}).setdefault("securitySchemes", {})  # type: ignore[no-any-return]


def strip_security(data: dict[str, Any], added: dict[str, Any]) -> dict[str, Any]:
    """`data` without operation `security`, gateway responses and the schemes the selector adds."""
    out = copy.deepcopy(data)
    for item in out.get("paths", {}).values():
        for op in item.values():
            if isinstance(op, dict):
                op.pop("security", None)
    schemes = schemes_of(out)
    for name in added:
        schemes.pop(name, None)
    out.pop(GATEWAY_RESPONSES_KEY, None)
    return out


def kept(before: Any, after: Any) -> bool:
    """True when every value `before` holds is in `after` unchanged (mappings may have gained keys; a null
    may have become a mapping)."""
    if before is None:
        return True
    if isinstance(before, dict):
        return isinstance(after, dict) and all(k in after and kept(v, after[k]) for k, v in before.items())
    return bool(before == after)


# Always tried: a `*` rule and a preflight, a DELETE that two rules select (the first decides), Swagger 2.0.
PREFLIGHT_AND_DELETE = {
    "swagger": "2.0",
    "info": {"title": "Example", "version": "1"},
    "paths": {
        "/pets": {
            "options": {"responses": {"200": {"description": "cors"}}},
            "delete": {"operationId": "op1", "responses": {"204": {"description": "gone"}}},
        }
    },
    "securityDefinitions": {"Legacy": {"type": "apiKey", "name": "X-Legacy", "in": "header"}},
}
OVERLAPPING_RULES = {
    "version": 1,
    "authorizers": AUTHORIZERS,
    "rules": [
        {"select": "DELETE /pets", "authorizer": "Partners", "scopes": ["admin"]},
        {"select": "* /**", "authorizer": "Pool"},
    ],
    "default": "deny",
    "cors_preflight": "public",
}


@SETTINGS
@given(doc=openapi_documents(), sel=selectors(), style=st.sampled_from(STYLES))
@example(doc=PREFLIGHT_AND_DELETE, sel=OVERLAPPING_RULES, style="yaml2")
def test_apply_properties(doc: dict[str, Any], sel: dict[str, Any], style: str) -> None:
    raw = render(doc, style)
    selector = load_selector(json.dumps(sel).encode(), "selector.json", {})
    spec = spec_of(raw, style)
    applied = run_apply(spec, selector, validate=False)
    expected = model.expected_security(doc, sel)
    if model.refused(expected):  # default: deny with an operation no rule selects: nothing written
        assert applied.output is None
        assert {(o.path, o.method) for o in applied.result.unmatched} == {
            k for k, e in expected.items() if e.kind == "undecided"
        }
        return
    if applied.output is None:  # cors: auto meeting preflights with different origins
        assert any(f.code == "AGC105" for f in applied.result.errors)
        assert sel["gateway_responses"]["cors"] == "auto"
        return
    out = spec_of(applied.output, style)
    data = out.document.data
    # Every operation carries exactly the security the model decides, and imports as it decided.
    imported = model.imported_security(data)
    assert set(imported) == set(expected)
    for (path, method), wanted in expected.items():
        key = next(k for k, m in model.OPERATION_KEYS.items() if m == method)
        assert data["paths"][path][key]["security"] == wanted.security, (path, method, wanted)
        assert model.agrees(wanted, imported[(path, method)]), (
            path,
            method,
            wanted,
            imported[(path, method)],
        )
    # The authorizers' schemes (and a standard API key scheme where one was added) are as documented.
    added = model.expected_schemes(doc, sel)
    for name, scheme in added.items():
        assert schemes_of(data)[name] == scheme, name
    assert set(AUTHORIZERS) <= set(added)
    # Nothing outside security and gateway responses changed, and what the gateway responses held stays.
    assert strip_security(data, added) == strip_security(spec.document.data, added)
    before = spec.document.data.get(GATEWAY_RESPONSES_KEY)
    assert kept(before, out.document.data.get(GATEWAY_RESPONSES_KEY))
    if applied.result.cors_headers:  # every rejection now carries Access-Control-Allow-Origin
        assert not uncovered_rejections(out.document.data)
    # Idempotent: applying again changes no byte.
    again = run_apply(out, selector, validate=False)
    assert again.output == applied.output
    assert not again.result.edits
