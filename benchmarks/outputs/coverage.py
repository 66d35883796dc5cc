"""The operations of a document's data and what their `security` says after an apply."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

YAML_COVERAGE_MAX_BYTES = 30_000_000  # libyaml takes minutes and gigabytes beyond


METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
ANY_METHOD = "x-amazon-apigateway-any-method"


def operations_of(data: Any) -> list[tuple[str, str, Any]]:
    """(path, method key, operation) of every operation of an OpenAPI document's data."""
    paths = data.get("paths") if isinstance(data, Mapping) else None
    if not isinstance(paths, Mapping):
        return []
    return [
        (str(path), key, op)
        for path, item in paths.items()
        if isinstance(item, Mapping)
        for key, op in item.items()
        if key in METHODS or key == ANY_METHOD
    ]


@dataclass(frozen=True)
class Coverage:
    """What an apply output says about its operations' `security`."""

    operations: int
    preflights: int
    secured: int  # non-OPTIONS operations with a non-empty `security`
    public_preflights: int  # OPTIONS operations with `security: []` or none

    @property
    def complete(self) -> bool:
        """The worst-case selector's promise: every non-OPTIONS operation secured, every OPTIONS public."""
        return self.secured == self.operations - self.preflights and self.public_preflights == self.preflights


def coverage(data: Any) -> Coverage:
    ops = operations_of(data)
    preflights = [op for _, key, op in ops if key == "options"]
    others = [op for _, key, op in ops if key != "options"]
    return Coverage(
        operations=len(ops),
        preflights=len(preflights),
        secured=sum(1 for op in others if isinstance(op, Mapping) and op.get("security")),
        public_preflights=sum(1 for op in preflights if isinstance(op, Mapping) and not op.get("security")),
    )


def load_data(path: Path, fmt: str) -> Any:
    raw = path.read_bytes()
    if fmt == "json":
        return json.loads(raw)
    return yaml.load(raw, Loader=yaml.CSafeLoader)
