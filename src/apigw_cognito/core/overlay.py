"""The change `apply` makes, as an OpenAPI Overlay 1.0 document for overlay tools in other pipelines.

Overlay's `update` merges objects and *appends* to arrays, so updating a `security` list that is already
there would duplicate its entries on every run. Each change therefore comes as a pair of actions: `remove`
the old value (a no-op when it is absent), then `update` its parent with the new one. Applying the overlay
to the input gives the data `apply` writes, and applying it again changes nothing.

Every scheme and every operation the selector decides is listed, not only those that differ from the
input, so the overlay states the selector's decisions whatever state the document it is applied to is in.
The CORS headers of `gateway_responses` are the exception: like `apply`, they are only inserted where the
input lacks them (an `update` merges them in), so they are listed as found missing in the input.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from apigw_cognito.basics.openapi import Version
from apigw_cognito.core.gateway_responses import GATEWAY_RESPONSES_KEY
from apigw_cognito.core.transform import Result

OVERLAY_VERSION = "1.0.0"


def _escape(name: str) -> str:
    """A member name as an RFC 9535 single-quoted string, escapes included."""
    out = []
    for ch in name:
        if ch == "\\":
            out.append("\\\\")
        elif ch == "'":
            out.append("\\'")
        elif ch in "\b\f\n\r\t":
            out.append({"\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}[ch])
        elif ord(ch) < 0x20:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "'" + "".join(out) + "'"


def jsonpath(pointer: Sequence[str | int]) -> str:
    """The RFC 9535 normalized path of `pointer`: ``$['paths']['/pets']['get']``."""
    return "$" + "".join(f"[{step}]" if isinstance(step, int) else f"[{_escape(step)}]" for step in pointer)


def _nest(pointer: Sequence[str], value: Any) -> dict[str, Any]:
    nested: Any = value
    for step in reversed(pointer):
        nested = {step: nested}
    assert isinstance(nested, dict)
    return nested


def build_overlay(
    result: Result,
    version: Version,
    *,
    title: str,
    extends: str | None = None,
) -> dict[str, Any]:
    """The Overlay 1.0 document (as data) that gives the same schemes and `security` as `result`."""
    actions: list[dict[str, Any]] = []
    for name in result.schemes:
        actions.append(
            {
                "target": jsonpath((*version.schemes_pointer, name)),
                "description": f"replace security scheme {name} (remove first: update appends to lists)",
                "remove": True,
            }
        )
    if result.schemes:
        actions.append(
            {
                "target": "$",
                "description": "Cognito user pool authorizers: " + ", ".join(result.schemes),
                "update": _nest(version.schemes_pointer, dict(result.schemes)),
            }
        )
    for decision in result.decisions:
        op = decision.operation
        what = (
            "public"
            if decision.authorizer is None
            else decision.authorizer + (f" [{', '.join(decision.scopes)}]" if decision.scopes else "")
        )
        actions.append(
            {
                "target": jsonpath((*op.pointer, "security")),
                "description": f"{op}: drop the previous security",
                "remove": True,
            }
        )
        actions.append(
            {
                "target": jsonpath(op.pointer),
                "description": f"{op}: {what} ({decision.reason})",
                "update": {"security": decision.security},
            }
        )
    for edit in result.edits:
        if edit.pointer[0] == GATEWAY_RESPONSES_KEY:  # insertions only: update merges them in
            actions.append(
                {
                    "target": jsonpath(edit.pointer[:-1]),
                    "description": "CORS headers for API Gateway's error responses (gateway_responses)",
                    "update": {edit.pointer[-1]: edit.value},
                }
            )
    overlay: dict[str, Any] = {
        "overlay": OVERLAY_VERSION,
        "info": {"title": title, "version": "1"},
    }
    if extends is not None:
        overlay["extends"] = extends
    overlay["actions"] = actions
    return overlay


HEADER = (
    "# OpenAPI Overlay 1.0 written by `apigw-cognito apply --emit-overlay`: the same authorizers and\n"
    "# operation security as `apply`. Each change removes the old value before updating, so applying it\n"
    "# twice changes nothing.\n"
)


def render_overlay(overlay: dict[str, Any], path: str) -> bytes:
    """JSON when `path` ends in .json, YAML otherwise."""
    if path.lower().endswith(".json"):
        try:
            return (json.dumps(overlay, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate from the document: only an escape can write it
            return (json.dumps(overlay, indent=2) + "\n").encode("ascii")
    import yaml  # noqa: PLC0415  (PyYAML is only needed when an overlay is written as YAML)

    text = yaml.safe_dump(overlay, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)
    return (HEADER + text).encode()
