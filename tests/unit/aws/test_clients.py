"""The AWS adapter: error translation, credential scrubbing, throttling back-off, pagination, lazy imports.

Tests build botocore's exceptions directly; one connects to a port nobody listens on. Real HTTP failures
through the fault proxy in front of moto server are in tests/emulated/test_aws_faults.py.
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from botocore import exceptions as bce

from apigw_cognito.aws.clients import (
    MAX_PAGES,
    Clients,
    Pacing,
    SessionOptions,
    aws_call,
    backoff_delays,
    paginate,
    scrub,
    translate,
    with_throttle_retry,
)
from apigw_cognito.basics.errors import AwsError, ExitCode, InputError
from tests.support.emulators import manager


def client_error(
    code: str, message: str = "msg", status: int = 400, headers: dict[str, str] | None = None
) -> Any:
    return bce.ClientError(
        {
            "Error": {"Code": code, "Message": message},
            "ResponseMetadata": {"HTTPStatusCode": status, "HTTPHeaders": headers or {}},
        },
        "PutRestApi",
    )


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (
            client_error("BadRequestException", "Invalid OpenAPI input."),
            "rejected (BadRequestException): Invalid",
        ),
        (
            client_error("NotFoundException", "Invalid Rest API Id specified", 404),
            "not found (NotFoundException)",
        ),
        (client_error("AccessDeniedException", "User is not authorized", 403), "access denied"),
        (
            client_error(
                "ExpiredTokenException", "The security token included in the request is expired", 403
            ),
            "expired",
        ),
        (client_error("ExpiredToken", "expired", 403), "have expired"),
        (
            client_error(
                "UnrecognizedClientException", "The security token included in the request is expired"
            ),
            "expired",
        ),
        (
            client_error("UnrecognizedClientException", "The security token is invalid", 403),
            "rejected the credentials",
        ),
        (client_error("TooManyRequestsException", "Too Many Requests", 429), "still throttled"),
        (client_error("ServiceUnavailableException", "busy", 503), "AWS service error (HTTP 503"),
        (client_error("ConflictException", "conflict", 409), "ConflictException: conflict"),
        (bce.EndpointConnectionError(endpoint_url="http://127.0.0.1:9"), "cannot reach http://127.0.0.1:9"),
        (bce.ConnectTimeoutError(endpoint_url="http://10.255.255.1"), "timed out connecting"),
        (bce.ReadTimeoutError(endpoint_url="http://127.0.0.1:9"), "timed out waiting"),
        (bce.NoCredentialsError(), "no AWS credentials found"),
        (bce.ProfileNotFound(profile="nope"), "The config profile (nope) could not be found"),
        (bce.NoRegionError(), "no AWS region"),
        (bce.TokenRetrievalError(provider="sso", error_msg="expired"), "SSO session has expired"),
    ],
)
def test_each_failure_becomes_one_line(exc: BaseException, expected: str) -> None:
    error = translate(exc, "apigateway PutRestApi", "http://127.0.0.1:9")
    assert isinstance(error, AwsError)
    assert error.exit_code == ExitCode.AWS
    assert expected in error.message
    assert "\n" not in error.message
    assert error.message.startswith("apigateway PutRestApi: ") or "region" in error.message


@pytest.mark.parametrize(
    ("action", "status", "message", "variable", "other"),
    [
        (
            "cognito-idp ListResourceServers",
            501,
            "The API for service cognito-idp is either not included in your current license plan or has"
            " not yet been emulated by LocalStack.",
            "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER",
            "--no-pool-check",
        ),
        (
            "sts GetCallerIdentity",
            501,
            "Service 'sts' is not enabled. Please check your 'SERVICES' configuration variable.",
            "AWS_ENDPOINT_URL_STS",
            "as ARNs",
        ),
        (
            "cloudformation CreateStack",
            400,
            "Service 'cloudformation' is not enabled. Please check your 'SERVICES' configuration variable.",
            "AWS_ENDPOINT_URL_CLOUDFORMATION",
            "",
        ),
        ("apigateway GetRestApis", 501, "not implemented", "AWS_ENDPOINT_URL_API_GATEWAY", ""),
    ],
)
def test_an_endpoint_without_the_service_says_where_to_point_it(
    action: str, status: int, message: str, variable: str, other: str
) -> None:
    error = translate(client_error("InternalFailure", message, status), action)
    assert isinstance(error, AwsError)
    service = action.split(maxsplit=1)[0]
    assert error.message.startswith(f"{action}: the endpoint does not serve {service}")
    assert error.hint is not None
    assert f"{variable}=URL" in error.hint
    assert other in error.hint


def test_an_html_error_page_is_never_printed() -> None:
    page = "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>Internal</h1>"
    error = translate(client_error("500", page, 500), "cognito-idp ListResourceServers")
    assert isinstance(error, AwsError)
    assert "<" not in error.message
    assert "HTML page" in error.message


def test_other_exceptions_are_not_swallowed() -> None:
    assert translate(KeyError("x"), "call") is None
    with pytest.raises(KeyError), aws_call("call"):
        raise KeyError("a bug stays a bug")


def test_scrub_masks_credentials_and_keeps_one_line() -> None:
    text = "Credential=AKIAABCDEFGHIJKLMNOP/20260101/us-east-1 and\nsecret_access_key = wJalrXUtnFEMI/K7MDENG"
    cleaned = scrub(text)
    assert "AKIAABCDEFGHIJKLMNOP" not in cleaned
    assert "wJalrXUtnFEMI" not in cleaned
    assert "\n" not in cleaned
    assert len(scrub("x" * 1000)) <= 300
    assert scrub("cannot reach http://me:pw@proxy:8080/") == "cannot reach http://***@proxy:8080/"


def test_backoff_doubles_and_is_capped() -> None:
    delays = backoff_delays(1.0, 6, cap=10.0, rand=lambda: 0.0)
    assert delays == [1.0, 2.0, 4.0, 8.0, 10.0]
    assert all(1.0 <= d <= 1.2 for d in backoff_delays(1.0, 2, rand=lambda: 1.0))


def test_throttling_is_retried_with_paced_waits() -> None:
    calls: list[int] = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise client_error("TooManyRequestsException", status=429, headers={"retry-after": "7"})
        return "done"

    pacing = Pacing(sleep=lambda _: None)
    assert with_throttle_retry(flaky, base=5.0, pacing=pacing) == "done"
    assert len(calls) == 3
    # Retry-After (7 s) wins over the first back-off step; the second step (10 s+) over Retry-After.
    assert pacing.waits[0] == 7.0
    assert pacing.waits[1] >= 10.0


def test_throttling_gives_up_after_the_attempts() -> None:
    def always() -> None:
        raise client_error("TooManyRequestsException", status=429)

    pacing = Pacing(attempts=3, sleep=lambda _: None)
    with pytest.raises(AwsError, match="still throttled"), aws_call("apigateway PutRestApi"):
        with_throttle_retry(always, base=1.0, pacing=pacing)
    assert len(pacing.waits) == 2


def test_other_errors_are_not_retried() -> None:
    calls: list[int] = []

    def bad() -> None:
        calls.append(1)
        raise client_error("BadRequestException")

    with pytest.raises(bce.ClientError):
        with_throttle_retry(bad, base=1.0, pacing=Pacing(sleep=lambda _: None))
    assert calls == [1]


def test_bad_endpoint_url_is_bad_input(aws_env: None) -> None:
    with pytest.raises(InputError, match="endpoint"):
        Clients(SessionOptions(region="us-east-1", endpoint_url="not a url")).apigateway()


def test_missing_region_is_one_clear_error(aws_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_REGION")
    with pytest.raises(AwsError, match="no AWS region"):
        Clients(SessionOptions()).apigateway()


def test_unknown_profile_is_one_clear_error(aws_env: None) -> None:
    with pytest.raises(AwsError, match="could not be found"):
        Clients(SessionOptions(profile="no-such-profile")).apigateway()


def test_help_and_apply_import_nothing_from_aws() -> None:
    probe = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from apigw_cognito.cli.main import app\n"
        "CliRunner().invoke(app, ['--help'])\n"
        "import apigw_cognito.cli.aws_commands\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('boto3', 'botocore')))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- pagination ------------------------------------------------------------------------------------------


def _pages(*pages: dict[str, Any]) -> tuple[Any, list[dict[str, Any]]]:
    """A fake list call answering `pages` in turn, and the arguments of every call made."""
    calls: list[dict[str, Any]] = []

    def call(**kwargs: Any) -> dict[str, Any]:
        calls.append(kwargs)
        return pages[len(calls) - 1]

    return call, calls


def test_paginate_follows_the_token() -> None:
    call, calls = _pages({"items": [1, 2], "position": "p1"}, {"items": [3], "position": "p2"}, {"items": []})
    assert list(paginate(call, "items", "position", limit=2)) == [1, 2, 3]
    assert calls == [{"limit": 2}, {"limit": 2, "position": "p1"}, {"limit": 2, "position": "p2"}]


def test_paginate_stops_at_a_repeated_token() -> None:
    call, calls = _pages(
        {"UserPools": [1], "NextToken": "t1"},
        {"UserPools": [2], "NextToken": "t2"},
        {"UserPools": [3], "NextToken": "t1"},
    )
    assert list(paginate(call, "UserPools", "NextToken")) == [1, 2, 3]
    assert len(calls) == 3


def test_paginate_stops_after_max_pages() -> None:
    count = 0

    def endless(**_: Any) -> dict[str, Any]:
        nonlocal count
        count += 1
        return {"items": [count], "position": f"p{count}"}

    assert len(list(paginate(endless, "items", "position"))) == MAX_PAGES


# --- a real connection ------------------------------------------------------------------------------------


def _sts(url: str, **options: Any) -> Any:
    return Clients(SessionOptions(region="us-east-1", endpoint_url=url, max_attempts=1, **options)).sts()


def test_connection_refused(aws_env: None) -> None:
    """Nothing listens on the port: EndpointConnectionError becomes 'cannot reach'."""
    url = f"http://127.0.0.1:{manager.free_port()}"
    with (
        pytest.raises(AwsError, match=r"cannot reach http://127\.0\.0\.1:\d+"),
        aws_call("sts GetCallerIdentity"),
    ):
        _sts(url).get_caller_identity()
