"""What a stage serves, compared with what the files describe (`verify --stage`), without a call.

A stage serves a deployment, a snapshot taken when it was created; the API's methods may have changed
since (an import without `--stage`, a console change never deployed). Neither emulator says what a
deployment holds, and AWS says it only as an API summary (authorization type and API key per method, no
authorizer or scopes). So `import --stage` records provenance itself: the SHA-256 of the exact body it
imported goes into the description of the deployment it creates, and `verify --stage` compares that digest
with the one the files give now. When the deployment carries no digest, AWS's API summary is compared
where there is one; otherwise nothing can tell what the stage serves, and that is reported too.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from apigw_cognito.aws.verify import COGNITO, NONE, Expected

MARKER = "apigw-cognito sha256="
_RECORDED = re.compile(r"apigw-cognito sha256=([0-9a-f]{64})")


def body_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def deployment_description(digest: str) -> str:
    """The description `import --stage` gives its deployments (API Gateway keeps descriptions verbatim)."""
    return f"{MARKER}{digest}"


def recorded_digest(description: str | None) -> str | None:
    match = _RECORDED.search(description or "")
    return match.group(1) if match else None


@dataclass(frozen=True)
class DeploymentFacts:
    id: str
    created: datetime | None
    description: str | None
    api_summary: Mapping[str, Mapping[str, Any]] | None = None  # AWS only: path -> method -> snapshot

    @property
    def when(self) -> str:
        return self.created.isoformat(timespec="seconds") if self.created else "at an unknown time"


@dataclass(frozen=True)
class StageCheck:
    stage: str
    problems: tuple[str, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.problems


def _summary_problems(summary: Mapping[str, Mapping[str, Any]], expected: Sequence[Expected]) -> list[str]:
    problems: list[str] = []
    for e in expected:
        served = (summary.get(e.path) or {}).get(e.method)
        want = NONE if e.authorizer is None else COGNITO
        if not isinstance(served, Mapping):
            problems.append(f"the stage does not serve {e.method} {e.path}")
        elif served.get("authorizationType", NONE) != want:
            problems.append(
                f"the stage serves {e.method} {e.path} with {served.get('authorizationType', NONE)},"
                f" the files say {want}"
            )
    return problems


def _latest(deployments: Sequence[DeploymentFacts]) -> DeploymentFacts | None:
    dated = [d for d in deployments if d.created is not None]
    return max(dated, key=lambda d: d.created or datetime.min) if dated else None


def check_stage(
    stage: str,
    served: DeploymentFacts | None,
    deployments: Sequence[DeploymentFacts],
    digest: str,
    expected: Sequence[Expected],
) -> StageCheck:
    """Whether `served` (the stage's deployment; None: no such stage) holds the document of `digest`."""
    if served is None:
        return StageCheck(stage, (f"stage {stage!r} does not exist: it serves nothing",))
    short = digest[:12]
    recorded = recorded_digest(served.description)
    head = f"stage {stage!r} serves deployment {served.id} (created {served.when})"
    notes: list[str] = []
    problems: list[str] = []
    if recorded == digest:
        notes.append(f"{head}, made by `import --stage` from these files (sha256 {short}...)")
    else:
        ours = _latest([d for d in deployments if recorded_digest(d.description) == digest])
        if ours is not None:
            problems.append(
                f"{head}, older than the last import of these files (deployment {ours.id},"
                f" created {ours.when}); deploy it again"
                if served.created and ours.created and served.created <= ours.created
                else f"{head}, not the deployment of these files (deployment {ours.id}, created {ours.when})"
            )
        elif recorded is not None:
            problems.append(
                f"{head}, made by `import --stage` from another document (sha256 {recorded[:12]}...,"
                f" these files give {short}...)"
            )
        elif served.api_summary is None:
            problems.append(
                f"{head}, which `import --stage` did not make, and API Gateway gives no summary of it here:"
                " nothing tells what it serves; deploy these files with `import --stage`"
            )
        else:
            notes.append(
                f"{head}, which `import --stage` did not make; its API summary was compared (authorization"
                " types only: a summary names no authorizer or scopes)"
            )
    if served.api_summary is not None:
        problems += _summary_problems(served.api_summary, expected)
    return StageCheck(stage, tuple(problems), tuple(notes))
