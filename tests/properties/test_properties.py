"""Properties of the whole transform over generated documents in every file style."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apigw_cognito.app.pipeline import Spec, parse_spec, run_apply
from apigw_cognito.core.access import document_access
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
    for name in ("Pool", "Other"):
        schemes.pop(name, None)
    return out


@SETTINGS
@given(doc=openapi_documents(), sel=selectors(), style=st.sampled_from(STYLES))
def test_apply_properties(doc: dict[str, Any], sel: dict[str, Any], style: str) -> None:
    raw = render(doc, style)
    selector = load_selector(json.dumps(sel).encode(), "selector.json", {})
    spec = spec_of(raw, style)
    applied = run_apply(spec, selector, validate=False)
    if applied.result.unmatched:
        # default: deny with an operation no rule selects: an error, and nothing to write.
        assert applied.output is None
        assert sel["default"] == "deny"
        return
    assert applied.output is not None
    out = spec_of(applied.output, style)
    # Every decided operation carries exactly the decided security.
    for decision in applied.result.decisions:
        op = out.document.data["paths"][decision.operation.path][decision.operation.key]
        assert op["security"] == decision.security
        if decision.kind == "public":
            assert op["security"] == []
        if decision.operation.method == "OPTIONS" and sel["cors_preflight"] == "public":
            assert decision.kind == "public" or decision.reason.startswith("rule")
    # Nothing outside security changed.
    assert strip_security(out.document.data) == strip_security(spec.document.data)
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
        assert a.kind == ("cognito" if decision.kind == "secured" else "public")
        assert a.authorizer == decision.authorizer
    assert not any(a.kind == "open" for a in access.values())
