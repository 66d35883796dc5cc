"""Hypothesis strategies for OpenAPI documents and selectors: small alphabets so that cases collide."""

from __future__ import annotations

import json
from typing import Any

import yaml
from hypothesis import strategies as st

SEGMENTS = ["pets", "orders", "{id}", "items", "v1"]
METHODS = ["get", "put", "post", "delete", "options", "patch", "x-amazon-apigateway-any-method"]
TAGS = ["pets", "admin", "health"]
ARN = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEfGhI"
ARN2 = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Zz9"

paths = st.lists(st.sampled_from(SEGMENTS), min_size=1, max_size=3).map(lambda s: "/" + "/".join(s))


@st.composite
def operation(draw: st.DrawFn, op_id: str, path: str) -> dict[str, Any]:
    op: dict[str, Any] = {"operationId": op_id}
    if draw(st.booleans()):
        op["tags"] = draw(st.lists(st.sampled_from(TAGS), max_size=2, unique=True))
    if "{id}" in path:
        op["parameters"] = [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}]
    op["responses"] = {
        "200": {"description": draw(st.sampled_from(["ok", "on", "2020-01-01", "a: b", "#x"]))}
    }
    existing = draw(st.sampled_from([None, [], [{"Legacy": []}], [{"Pool": ["old"]}]]))
    if existing is not None:
        op["security"] = existing
    if draw(st.booleans()):
        op["x-amazon-apigateway-integration"] = {"type": "mock"}
    return op


@st.composite
def openapi_documents(draw: st.DrawFn) -> dict[str, Any]:
    doc: dict[str, Any] = {"openapi": "3.0.3", "info": {"title": "Generated", "version": "1"}, "paths": {}}
    counter = 0
    for path in draw(st.lists(paths, min_size=1, max_size=5, unique=True)):
        item: dict[str, Any] = {}
        for method in draw(st.lists(st.sampled_from(METHODS), min_size=1, max_size=3, unique=True)):
            counter += 1
            item[method] = draw(operation(f"op{counter}", path))
        doc["paths"][path] = item
    schemes: dict[str, Any] = {"Legacy": {"type": "apiKey", "name": "X-Legacy", "in": "header"}}
    if draw(st.booleans()):
        schemes["Pool"] = {"type": "apiKey", "name": "Authorization", "in": "header"}
    doc["components"] = {"securitySchemes": schemes}
    return doc


def render(doc: dict[str, Any], style: str) -> bytes:
    """The document as a file in one of several styles users write."""
    if style == "json2":
        return (json.dumps(doc, indent=2) + "\n").encode()
    if style == "json-min":
        return json.dumps(doc, separators=(",", ":")).encode()
    if style == "yaml-flow":
        return yaml.safe_dump(doc, sort_keys=False, default_flow_style=True, width=80).encode()
    indent = 4 if style == "yaml4" else 2
    text = yaml.safe_dump(doc, sort_keys=False, default_flow_style=False, indent=indent)
    # Comments before keys, as hand-written documents have them.
    lines = []
    for i, line in enumerate(text.splitlines()):
        if i % 7 == 3 and line.strip() and not line.lstrip().startswith("-"):
            lines.append(" " * (len(line) - len(line.lstrip())) + "# a comment")
        lines.append(line)
    out = "\n".join(lines) + "\n"
    if style == "yaml-crlf":
        out = out.replace("\n", "\r\n")
    return out.encode()


STYLES = ["json2", "json-min", "yaml2", "yaml4", "yaml-flow", "yaml-crlf"]

select_strings = st.one_of(
    st.builds(
        lambda m, p: f"{m} {p}",
        st.sampled_from(["*", "GET", "POST,PUT", "OPTIONS", "ANY", "get,delete"]),
        st.sampled_from(["/**", "/pets/**", "/*", "/pets", "/orders/{id}", "/*/{id}", "/**/items"]),
    ),
    st.builds(lambda t: {"tags": [t]}, st.sampled_from(TAGS)),
)


@st.composite
def selectors(draw: st.DrawFn) -> dict[str, Any]:
    rules = []
    for _ in range(draw(st.integers(0, 4))):
        rule: dict[str, Any] = {"select": draw(select_strings), "optional": True}
        if draw(st.booleans()):
            rule["public"] = True
        else:
            rule["authorizer"] = draw(st.sampled_from(["Pool", "Other"]))
            scopes = draw(st.lists(st.sampled_from(["read", "write", "https://x.example/a"]), max_size=2))
            if scopes:
                rule["scopes"] = scopes
        rules.append(rule)
    return {
        "version": 1,
        "authorizers": {"Pool": {"user_pools": [ARN]}, "Other": {"user_pools": [ARN, ARN2]}},
        "rules": rules,
        "default": draw(st.sampled_from(["deny", "public", "Pool"])),
        "cors_preflight": draw(st.sampled_from(["public", "secured"])),
    }
