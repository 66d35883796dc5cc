"""`verify --stage` without AWS: the recorded digest, deployment order, and AWS's API summary."""

from __future__ import annotations

from datetime import UTC, datetime

from apigw_cognito.aws.stage_check import (
    DeploymentFacts,
    body_digest,
    check_stage,
    deployment_description,
    recorded_digest,
)
from apigw_cognito.aws.verify import Expected

DIGEST = body_digest(b"{}")
OTHER = body_digest(b"[]")
EXPECTED = [Expected("GET", "/pets", "Pool"), Expected("OPTIONS", "/pets", None)]


def _at(hour: int) -> datetime:
    return datetime(2026, 1, 1, hour, tzinfo=UTC)


def _d(id_: str, hour: int, digest: str | None, summary: dict | None = None) -> DeploymentFacts:
    return DeploymentFacts(id_, _at(hour), deployment_description(digest) if digest else "by hand", summary)


def test_the_description_round_trips() -> None:
    assert recorded_digest(deployment_description(DIGEST)) == DIGEST
    assert recorded_digest("deployed by hand") is None
    assert recorded_digest(None) is None


def test_serving_the_files() -> None:
    check = check_stage("prod", _d("d1", 1, DIGEST), [_d("d1", 1, DIGEST)], DIGEST, EXPECTED)
    assert check.ok
    assert "made by `import --stage` from these files" in check.notes[0]


def test_older_than_the_last_import() -> None:
    history = [_d("d1", 1, OTHER), _d("d2", 2, DIGEST)]
    check = check_stage("prod", history[0], history, DIGEST, EXPECTED)
    assert not check.ok
    assert "older than the last import of these files (deployment d2" in check.problems[0]


def test_made_in_the_same_second_as_the_last_import() -> None:
    """API Gateway's creation times count whole seconds: two deployments in one second still order."""
    history = [_d("d1", 1, OTHER), _d("d2", 1, DIGEST)]
    check = check_stage("prod", history[0], history, DIGEST, EXPECTED)
    assert not check.ok
    assert "older than the last import of these files (deployment d2" in check.problems[0]


def test_another_document_and_an_unknown_deployment() -> None:
    assert "another document" in check_stage("p", _d("d1", 1, OTHER), [], DIGEST, EXPECTED).problems[0]
    unknown = check_stage("p", _d("d1", 1, None), [], DIGEST, EXPECTED)
    assert "nothing tells what it serves" in unknown.problems[0]
    assert "does not exist" in check_stage("p", None, [], DIGEST, EXPECTED).problems[0]


def test_the_api_summary_where_aws_gives_one() -> None:
    matching = {
        "/pets": {
            "GET": {"authorizationType": "COGNITO_USER_POOLS"},
            "OPTIONS": {"authorizationType": "NONE"},
        }
    }
    assert check_stage("p", _d("d1", 1, None, matching), [], DIGEST, EXPECTED).ok
    opened = {"/pets": {"GET": {"authorizationType": "NONE"}}}
    problems = check_stage("p", _d("d1", 1, None, opened), [], DIGEST, EXPECTED).problems
    assert problems == (
        "the stage serves GET /pets with NONE, the files say COGNITO_USER_POOLS",
        "the stage does not serve OPTIONS /pets",
    )
