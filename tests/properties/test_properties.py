"""Properties of the whole transform over generated documents in every file style.

The documents have API-keyed operations and gateway responses of their own now and then, and the selectors
`api_key` on rules and `gateway_responses: cors`: nothing outside security and gateway responses changes,
what a document's gateway responses say stays, an API key requirement never disappears unless the rule
deciding the operation says `api_key: none`, and a second run changes no byte.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apigw_cognito.app.pipeline import Spec, parse_spec, run_apply
from apigw_cognito.core.access import document_access
from apigw_cognito.core.api_keys import STANDARD_SCHEME, api_key_names, is_api_key_scheme
from apigw_cognito.core.gateway_responses import GATEWAY_RESPONSES_KEY, uncovered_rejections
from apigw_cognito.selector.loader import load_selector
from tests.support.strategies import STYLES, openapi_documents, render, selectors

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def spec_of(raw: bytes, style: str) -> Spec:
    name = "api.json" if style.startswith("json") else "api.yaml"
    return parse_spec(raw, name)


def strip_security(data: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(data)
    for item in out.get("paths", {}).values():
        for op in item.values():
            if isinstance(op, dict):
                op.pop("security", None)
    schemes = out.get("components", {}).get("securitySchemes", {})
    for name in ("Pool", "Other", "api_key", "api_key_1"):  # the authorizers, a standard API key scheme
        if name not in ("api_key", "api_key_1") or schemes.get(name) == STANDARD_SCHEME:
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


def rule_api_key(sel: dict[str, Any], reason: str) -> str:
    """The `api_key` of the rule behind a decision's reason ("rule 2"), "keep" for default and preflights."""
    if not reason.startswith("rule "):
        return "keep"
    return str(sel["rules"][int(reason.split()[1]) - 1].get("api_key", "keep"))


@SETTINGS
@given(doc=openapi_documents(), sel=selectors(), style=st.sampled_from(STYLES))
def test_apply_properties(doc: dict[str, Any], sel: dict[str, Any], style: str) -> None:
    raw = render(doc, style)
    selector = load_selector(json.dumps(sel).encode(), "selector.json", {})
    spec = spec_of(raw, style)
    applied = run_apply(spec, selector, validate=False)
    if applied.result.unmatched or any(f.code == "AGC105" for f in applied.result.errors):
        # default: deny with an operation no rule selects, or cors: auto meeting preflights with different
        # origins: an error, and nothing to write.
        assert applied.output is None
        assert sel["default"] == "deny" or sel["gateway_responses"]["cors"] == "auto"
        return
    assert applied.output is not None
    out = spec_of(applied.output, style)
    schemes = spec.document.data["components"]["securitySchemes"]
    # Every decided operation carries exactly the decided security.
    for decision in applied.result.decisions:
        op = out.document.data["paths"][decision.operation.path][decision.operation.key]
        assert op["security"] == decision.security
        if decision.kind == "public":
            assert op["security"] == ([{k: [] for k in decision.api_keys}] if decision.api_keys else [])
        if decision.operation.method == "OPTIONS" and sel["cors_preflight"] == "public":
            assert decision.kind == "public" or decision.reason.startswith("rule")
        # An API key requirement never disappears unless the deciding rule says api_key: none.
        had = api_key_names(decision.operation.security, schemes)
        if rule_api_key(sel, decision.reason) != "none":
            assert set(had) <= set(op["security"][0] if op["security"] else ()), (had, op["security"])
        if rule_api_key(sel, decision.reason) == "required":
            assert len(op["security"]) == 1
            assert any(is_api_key_scheme(out_scheme(out, name)) for name in op["security"][0])
    # Nothing outside security and gateway responses changed, and what the gateway responses held stays.
    assert strip_security(out.document.data) == strip_security(spec.document.data)
    before = spec.document.data.get(GATEWAY_RESPONSES_KEY)
    assert kept(before, out.document.data.get(GATEWAY_RESPONSES_KEY))
    if applied.result.cors_headers:  # every rejection now carries Access-Control-Allow-Origin
        assert not uncovered_rejections(out.document.data)
    # Idempotent: applying again changes no byte.
    again = run_apply(out, selector, validate=False)
    assert again.output == applied.output
    assert not again.result.edits
    # The audit of the output agrees with the decisions.
    access = {
        (a.operation.path, a.operation.key): a
        for a in document_access(out.document.data, out.version, out.locate)
    }
    for decision in applied.result.decisions:
        a = access[(decision.operation.path, decision.operation.key)]
        if decision.kind == "secured":
            assert (a.kind, a.authorizer, a.api_key) == (
                "cognito",
                decision.authorizer,
                bool(decision.api_keys),
            )
        else:  # public, but an API key it requires stays required
            assert a.kind == ("api_key" if decision.api_keys else "public")
    assert not any(a.kind == "open" for a in access.values())


def out_scheme(out: Spec, name: str) -> Any:
    return out.document.data["components"]["securitySchemes"].get(name)
