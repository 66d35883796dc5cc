"""The request side of the serve properties' independent model: API Gateway's resource matching, written
from its documentation, shared by the REST and HTTP API properties (HTTP APIs route alike: the most
specific route wins, a greedy `{proxy+}` last)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def concrete(path: str) -> str:
    return path.replace("{id}", "7").replace("{proxy+}", "x/y")


def model_route(paths: Mapping[str, Any], method: str, path: str) -> Mapping[str, Any] | None:
    """API Gateway's resource matching: for each segment a literal beats `{param}`, which beats a greedy
    `{proxy+}`; ANY covers every method unless the resource has the method itself; when the best resource
    lacks the method, the next one that has it answers."""
    parts = [p for p in path.split("/") if p]
    candidates = []
    for template, item in paths.items():
        segments = [s for s in template.split("/") if s]
        rank: list[int] = []
        ok = True
        for index, segment in enumerate(segments):
            if segment.endswith("+}"):
                ok = index < len(parts)
                rank.append(2)
                break
            if index >= len(parts):
                ok = False
                break
            if segment.startswith("{"):
                rank.append(1)
            elif segment != parts[index]:
                ok = False
                break
            else:
                rank.append(0)
        else:
            ok = ok and len(segments) == len(parts)
        if ok:
            candidates.append((rank, item))
    for _, item in sorted(candidates, key=lambda c: c[0]):
        if method.lower() in item:
            return item[method.lower()]
        if "x-amazon-apigateway-any-method" in item:
            return item["x-amazon-apigateway-any-method"]
    return None
