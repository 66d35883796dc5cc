"""The report model: what a command found, one row per operation plus findings and notes.

Renderers (one module per format) read it; nothing here formats text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from apigw_cognito.basics.errors import Finding, Location

REPORT_VERSION = 1


@dataclass(frozen=True)
class Row:
    """One operation in a report table."""

    method: str
    path: str
    operation_id: str | None
    decision: str  # secured | public | OPEN | lambda | iam | api_key | unmatched
    authorizer: str | None = None
    scopes: tuple[str, ...] = ()
    rule: str | None = None
    changed: bool | None = None
    location: Location | None = None
    api_key: bool = False  # an API key is required too (apiKeyRequired)

    @property
    def auth_label(self) -> str:
        key = " + API key" if self.api_key else ""
        if self.decision == "secured":
            scopes = f" [{', '.join(self.scopes)}]" if self.scopes else ""
            return f"{self.authorizer}{scopes}{key}"
        if self.decision in ("lambda", "iam"):
            return f"{self.decision}: {self.authorizer}{key}"
        if self.decision == "api_key":
            return self.decision
        return self.decision + key


@dataclass(frozen=True)
class RuleLine:
    """What decided operations in an `apply` run: a selector rule, or `cors_preflight` and `default`."""

    label: str  # as rows name it in `Row.rule`: "rule 3", "cors_preflight", "default"
    selects: str  # the rule's `select` as written, or what the fallback takes
    authorization: str  # what it gives: "public", or the authorizer with its scopes


@dataclass
class Report:
    command: str
    document: str | None = None
    openapi: str | None = None
    rows: list[Row] = field(default_factory=list)
    schemes: list[tuple[str, bool]] = field(default_factory=list)  # (name, changed)
    findings: list[Finding] = field(default_factory=list)
    output: str | None = None  # where the result went, or None for standard output
    wrote: bool = False
    notes: list[str] = field(default_factory=list)
    rules: list[RuleLine] = field(default_factory=list)  # apply: the rules, for the text report's summary
    # apply: what became of the output ("written", "up to date", "would change", "nothing written")
    delivery: str | None = None

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "warning"]

    def summary(self) -> dict[str, int]:
        counts = {
            "operations": len(self.rows),
            "secured": 0,
            "public": 0,
            "open": 0,
            "undecided": 0,
            "changed": 0,
        }
        for row in self.rows:
            if row.decision == "secured":
                counts["secured"] += 1
            elif row.decision == "public":
                counts["public"] += 1
            elif row.decision == "OPEN":
                counts["open"] += 1
            elif row.decision == "unmatched":
                counts["undecided"] += 1
            if row.changed:
                counts["changed"] += 1
        counts["errors"] = len(self.errors)
        counts["warnings"] = len(self.warnings)
        return counts


@dataclass(frozen=True)
class Failure:
    """An API that could not be checked: bad input, an AWS failure or an internal error."""

    name: str  # what the user calls it: the document path or the configured name
    message: str
    exit_code: int


@dataclass
class ApiOutcome:
    """One configured API in a run over the project: its report, or why it could not be checked."""

    name: str
    exit_code: int
    status: str  # one or two words for the summary: "up to date", "would change", "OPEN operations", ...
    report: Report | None = None
    error: str | None = None  # when the API could not be checked at all
    diff: str = ""
    wrote: bool = False
    notes: list[str] = field(default_factory=list)
    # apply: what became of the output ("written", "up to date", "would change", "nothing written")
    delivery: str | None = None

    @property
    def ok(self) -> bool:
        return self.exit_code == 0
