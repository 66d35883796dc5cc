"""Which method of the served document a request reaches, as API Gateway (REST) matches it.

Pure: the document's `paths` in, a route table out; a method and a raw path in, a route and its path
parameters out (or None: API Gateway's MISSING_AUTHENTICATION_TOKEN). The rules, as API Gateway and
LocalStack's AWS-validated router apply them:
- a literal segment wins over `{param}`, which wins over a greedy `{proxy+}` (the rest of the path, one
  segment or more), compared segment by segment from the left;
- `x-amazon-apigateway-any-method` (ANY) covers every method, and the resource's own method wins over it;
- when the best resource for the path lacks the method, a less specific one that has it answers (a greedy
  sibling, for example);
- trailing and repeated slashes are ignored; path parameters stay percent-encoded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from apigw_cognito.basics.openapi import METHOD_KEYS

ANY = "ANY"
LITERAL, PARAMETER, GREEDY = 0, 1, 2


@dataclass(frozen=True)
class Segment:
    kind: int  # LITERAL, PARAMETER or GREEDY
    text: str  # the literal, or the parameter's name


@dataclass(frozen=True)
class Resource:
    path: str  # as the document writes it: /pets/{petId}
    segments: tuple[Segment, ...]
    methods: Mapping[str, Mapping[str, Any]]  # GET, POST, ..., ANY -> the operation object


@dataclass(frozen=True)
class Match:
    resource: Resource
    method: str  # the method of the document that answers: the request's, or ANY
    parameters: Mapping[str, str] = field(default_factory=dict)

    @property
    def operation(self) -> Mapping[str, Any]:
        return self.resource.methods[self.method]


def _segments(path: str) -> tuple[Segment, ...]:
    parts = []
    for part in path.split("/"):
        if not part:
            continue
        if part.startswith("{") and part.endswith("+}"):
            parts.append(Segment(GREEDY, part[1:-2]))
        elif part.startswith("{") and part.endswith("}"):
            parts.append(Segment(PARAMETER, part[1:-1]))
        else:
            parts.append(Segment(LITERAL, part))
    return tuple(parts)


def _match(segments: tuple[Segment, ...], parts: list[str]) -> dict[str, str] | None:
    parameters: dict[str, str] = {}
    for index, segment in enumerate(segments):
        if segment.kind == GREEDY:
            if index >= len(parts):
                return None
            parameters[segment.text] = "/".join(parts[index:])
            return parameters
        if index >= len(parts):
            return None
        if segment.kind == LITERAL:
            if parts[index] != segment.text:
                return None
        else:
            parameters[segment.text] = parts[index]
    return parameters if len(segments) == len(parts) else None


class RouteTable:
    """The resources of a document's `paths`, most specific first."""

    def __init__(self, paths: Mapping[str, Any]) -> None:
        resources = []
        for path, item in paths.items():
            if not isinstance(item, Mapping):
                continue
            methods = {
                METHOD_KEYS[key]: operation
                for key, operation in item.items()
                if key in METHOD_KEYS and isinstance(operation, Mapping)
            }
            if methods:
                resources.append(Resource(str(path), _segments(str(path)), methods))
        # Most specific first: the segments' kinds compared from the left (literal < parameter < greedy).
        resources.sort(key=lambda r: tuple(s.kind for s in r.segments))
        self.resources = tuple(resources)
        # Paths without parameters, found by a dictionary look-up (the common case).
        self._literal = {
            tuple(s.text for s in r.segments): r
            for r in self.resources
            if all(s.kind == LITERAL for s in r.segments)
        }

    def match(self, method: str, raw_path: str) -> Match | None:
        """The method answering `method raw_path` (the path without its query string), or None."""
        method = method.upper()
        parts = [p for p in raw_path.split("/") if p]
        exact = self._literal.get(tuple(parts))
        if exact is not None and (found := _method(exact, method)) is not None:
            return Match(exact, found)
        for resource in self.resources:
            parameters = _match(resource.segments, parts)
            if parameters is None:
                continue
            found = _method(resource, method)
            if found is not None:
                return Match(resource, found, parameters)
        return None


def _method(resource: Resource, method: str) -> str | None:
    if method in resource.methods:
        return method
    return ANY if ANY in resource.methods else None
