"""The pure transform: a document's data and a selector in, edits and a report of decisions out.

No I/O here. The document layer turns the edits into text; the shell validates and writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from .document import Edit
from .errors import Finding
from .openapi import Operation

Kind = Literal["secured", "public"]


@dataclass(frozen=True)
class Decision:
    """What the selector decided for one operation, and why."""

    operation: Operation
    kind: Kind
    authorizer: str | None  # the scheme name when secured
    scopes: tuple[str, ...]
    reason: str  # "rule 2", "default", "cors_preflight"
    changed: bool  # whether the operation's `security` differs from what the document had

    @property
    def security(self) -> list[dict[str, list[str]]]:
        """The operation-level `security` value this decision writes."""
        if self.authorizer is None:
            return []
        return [{self.authorizer: list(self.scopes)}]


@dataclass(frozen=True)
class Result:
    decisions: tuple[Decision, ...]
    schemes: dict[str, dict[str, Any]]  # scheme name -> the security scheme object written
    changed_schemes: tuple[str, ...]
    edits: tuple[Edit, ...]
    findings: tuple[Finding, ...]
