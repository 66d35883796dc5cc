"""The AWS adapter: boto3 clients built like the AWS CLI builds them, and AWS failures as one clear line.

Everything that touches boto3 or botocore goes through here, imported lazily so that commands which never
call AWS (`--help`, `apply`) do not pay for it. Callers wrap each call in `aws_call(...)`; any botocore or
network error leaves it as an `AwsError` whose message names the call and says what went wrong, without a
traceback and without credentials.
"""

from __future__ import annotations

import os
import random
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from apigw_cognito.basics.errors import AwsError, InputError

if TYPE_CHECKING:
    import boto3
    from mypy_boto3_apigateway.client import APIGatewayClient
    from mypy_boto3_cognito_idp.client import CognitoIdentityProviderClient
    from mypy_boto3_sts.client import STSClient

T = TypeVar("T")

THROTTLING_CODES = frozenset(
    {
        "TooManyRequestsException",
        "Throttling",
        "ThrottlingException",
        "RequestLimitExceeded",
        "TooManyRequests",
    }
)
ACCESS_CODES = frozenset(
    {"AccessDeniedException", "AccessDenied", "UnauthorizedOperation", "UnauthorizedException"}
)
EXPIRED_CODES = frozenset({"ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired"})
CREDENTIAL_CODES = frozenset(
    {
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "IncompleteSignature",
        "MissingAuthenticationTokenException",
        "MissingAuthenticationToken",
        "AuthFailure",
    }
)
NOT_FOUND_CODES = frozenset({"NotFoundException", "ResourceNotFoundException"})
BAD_REQUEST_CODES = frozenset({"BadRequestException", "ValidationException", "InvalidParameterException"})

# Keys that must never reach a message: access key ids (long-term AKIA, temporary ASIA) and anything
# written as a secret or session token assignment.
_SECRET_PATTERNS = (
    re.compile(r"\b(?:AKIA|ASIA|AIDA|AROA)[A-Z0-9]{12,}\b"),
    re.compile(r"(?i)((?:secret|session|security)[_ -]?(?:access[_ -]?)?(?:key|token)\s*[=:]\s*)\S+"),
    re.compile(r"(?i)(Credential=)[^,\s]+"),
    re.compile(r"(://)[^/@\s]+(?=@)"),  # user:password in an endpoint URL
)
MAX_MESSAGE = 300
MAX_PAGES = 1000  # a guard against a service that keeps handing back new page tokens


@dataclass(frozen=True)
class SessionOptions:
    """How to reach AWS, as the AWS CLI's `--region`, `--profile` and `--endpoint-url` say it.

    Unset values fall back to the usual environment (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL and the
    per-service AWS_ENDPOINT_URL_<SERVICE>) and the shared config files, as botocore resolves them.
    """

    region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None
    # botocore's own retries per call (5xx, resets, throttling); None: AWS_MAX_ATTEMPTS or botocore's 3
    max_attempts: int | None = None
    connect_timeout: float = 10.0
    read_timeout: float = 60.0


def scrub(text: str) -> str:
    """`text` on one line, shortened, with anything that looks like a credential masked."""
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + "***", text)
    text = " ".join(text.split())
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 3] + "..."


# What a refusal means, by the family of its error code, and what to do about it.
_CODE_ANSWERS: tuple[tuple[frozenset[str], str, str | None], ...] = (
    (
        CREDENTIAL_CODES,
        "AWS rejected the credentials ({code}){detail}",
        "check the profile or the AWS_* variables in use",
    ),
    (
        ACCESS_CODES,
        "access denied ({code}){detail}",
        "the credentials in use lack the IAM permission for this call",
    ),
    (
        THROTTLING_CODES,
        "still throttled by AWS after retrying ({code}){detail}",
        "another deployment may be running in this account; try again in a minute",
    ),
    (NOT_FOUND_CODES, "not found ({code}){detail}", None),
    (BAD_REQUEST_CODES, "rejected ({code}){detail}", None),
)


# The variable that points one service at its own endpoint (botocore's AWS_ENDPOINT_URL_<SERVICE ID>), for
# the services this tool calls, and what else can be done when an endpoint does not serve one of them.
SERVICE_ENDPOINT_VARIABLES = {
    "apigateway": ("AWS_ENDPOINT_URL_API_GATEWAY", ""),
    "cognito-idp": (
        "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER",
        " or, for the scope check alone, skip it with --no-pool-check",
    ),
    "sts": ("AWS_ENDPOINT_URL_STS", " or give the user pools as ARNs (no account lookup then)"),
    "cloudformation": ("AWS_ENDPOINT_URL_CLOUDFORMATION", ""),
}
# How an endpoint says that it does not serve a service at all: LocalStack answers 501 with "not included
# in your current license plan" (community edition) or "is not enabled" (left out of SERVICES).
_SERVICE_MISSING = re.compile(
    r"not included in your current license|is not enabled|not yet (?:been )?(?:emulated|implemented)"
    r"|is not available in your current license",
    re.IGNORECASE,
)
_HTML = re.compile(r"<\s*(?:!doctype|html|head|body|title)\b", re.IGNORECASE)


def _service_missing(action: str, code: str, status: object, message: str) -> AwsError | None:
    """The error for an endpoint that does not serve the service of `action` at all, with what to do."""
    if not (status == 501 or _SERVICE_MISSING.search(message)):
        return None
    service = action.split(" ", 1)[0]
    variable, other = SERVICE_ENDPOINT_VARIABLES.get(
        service, (f"AWS_ENDPOINT_URL_{service.upper().replace('-', '_')}", "")
    )
    return AwsError(
        f"{action}: the endpoint does not serve {service} (HTTP {status}, {code})",
        hint=f"point {service} at an endpoint that serves it with {variable}=URL (as `make demo` points"
        f" Cognito and STS at moto while API Gateway goes to LocalStack){other}",
    )


def _client_error(exc: Any, action: str) -> AwsError:
    error = exc.response.get("Error", {}) if isinstance(getattr(exc, "response", None), dict) else {}
    code = str(error.get("Code") or "Unknown")
    message = str(error.get("Message") or error.get("message") or "")
    # An emulator's or a proxy's error page is no AWS answer: never print it.
    message = (
        "the endpoint answered with an HTML page, not an AWS error"
        if _HTML.search(message)
        else scrub(message)
    )
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") if exc.response else None
    detail = f": {message}" if message else ""
    missing = _service_missing(action, code, status, message)
    if missing is not None:
        return missing
    if code in EXPIRED_CODES or (code in CREDENTIAL_CODES and "expired" in message.lower()):
        return AwsError(
            f"{action}: the AWS credentials have expired ({code})",
            hint="refresh them (for example `aws sso login`, or new temporary credentials) and run again",
        )
    for family, text, hint in _CODE_ANSWERS:
        if code in family:
            return AwsError(f"{action}: " + text.format(code=code, detail=detail), hint=hint)
    if isinstance(status, int) and status >= 500:
        return AwsError(f"{action}: AWS service error (HTTP {status}, {code}){detail}")
    return AwsError(f"{action}: {code}{detail}")


def _transport_answers(bce: Any) -> tuple[tuple[type | tuple[type, ...], str, str | None], ...]:
    """What each botocore failure other than a refusal means: (exception types, message, hint).

    First match wins, so subclasses come before their bases (ConnectTimeoutError is an
    EndpointConnectionError). In messages, {to} is the endpoint (or AWS) and {detail} the scrubbed error.
    """
    return (
        (bce.ConnectTimeoutError, "timed out connecting to {to}", "check the network or --endpoint-url"),
        (bce.ReadTimeoutError, "timed out waiting for an answer from {to}", None),
        (bce.SSLError, "TLS failure talking to {to}: {detail}", None),
        (
            (bce.EndpointConnectionError, bce.ConnectionClosedError, bce.ProxyConnectionError),
            "cannot reach {to} (connection failed)",
            "check the network, --region or --endpoint-url",
        ),
        (
            (bce.NoCredentialsError, bce.PartialCredentialsError),
            "no AWS credentials found",
            "configure a profile (--profile, AWS_PROFILE) or AWS_ACCESS_KEY_ID and its secret",
        ),
        (
            (bce.TokenRetrievalError, bce.SSOTokenLoadError, bce.UnauthorizedSSOTokenError),
            "the AWS SSO session has expired or is missing",
            "run `aws sso login` for this profile",
        ),
        (bce.CredentialRetrievalError, "could not obtain AWS credentials: {detail}", None),
        (bce.ProfileNotFound, "{detail}", "list profiles with `aws configure list-profiles`"),
        (bce.NoRegionError, "no AWS region given", "use --region or set AWS_REGION"),
        (bce.ParamValidationError, "invalid request: {detail}", None),
        (bce.HTTPClientError, "network failure talking to {to}: {detail}", None),
        (bce.BotoCoreError, "{detail}", None),
    )


def translate(exc: BaseException, action: str, endpoint: str | None = None) -> AwsError | None:
    """The `AwsError` for a botocore or network failure of `action`; None for anything else (a bug)."""
    from botocore import exceptions as bce  # noqa: PLC0415  (boto3/botocore: only AWS commands pay for them)

    if isinstance(exc, bce.ClientError):
        return _client_error(exc, action)
    url = getattr(exc, "kwargs", {}).get("endpoint_url") or endpoint
    for types, text, hint in _transport_answers(bce):
        if isinstance(exc, types):
            return AwsError(f"{action}: " + text.format(to=url or "AWS", detail=scrub(str(exc))), hint=hint)
    return None


@contextmanager
def aws_call(action: str, endpoint: str | None = None) -> Iterator[None]:
    """Turn any botocore or network failure inside the block into one `AwsError` naming `action`."""
    try:
        yield
    except AwsError:
        raise
    except Exception as exc:
        mapped = translate(exc, action, endpoint)
        if mapped is None:
            raise
        raise mapped from None


@contextmanager
def aws_lookup(
    action: str,
    what: str,
    region: str | None,
    *,
    code: str = "NotFoundException",
    hint: str | None = None,
    endpoint: str | None = None,
) -> Iterator[None]:
    """`aws_call` for a Get of one resource: the error `code` AWS answers for a missing one says "`what`
    not found in `region`"."""
    with aws_call(action, endpoint):
        try:
            yield
        except Exception as exc:
            if error_code(exc) == code:
                raise AwsError(f"{what} not found in {region}", hint=hint) from None
            raise


def one_named(
    ids: list[str], what: str, name: str, region: str, id_option: str, *, create: bool
) -> str | None:
    """The id of the one `what` (an API kind) named `name` among `ids`; None when there is none and
    `create` says it is to be made."""
    if len(ids) > 1:
        raise AwsError(
            f"{len(ids)} {what}s are named {name!r}: {', '.join(sorted(ids))}",
            hint=f"pick one with {id_option}",
        )
    if not ids:
        if create:
            return None
        raise AwsError(
            f"no {what} named {name!r} in {region}", hint="add --create to create it, or check --region"
        )
    return ids[0]


def error_code(exc: BaseException) -> str | None:
    """The AWS error code of a botocore ClientError, None for anything else."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        code = response.get("Error", {}).get("Code")
        return str(code) if code else None
    return None


def is_throttling(exc: BaseException) -> bool:
    return error_code(exc) in THROTTLING_CODES


def backoff_delays(
    base: float, attempts: int, cap: float = 60.0, rand: Callable[[], float] = random.random
) -> list[float]:
    """Waits between `attempts` tries: `base`, doubling, capped, with up to 20% jitter so pipelines spread."""
    return [min(cap, base * 2**k) * (1 + 0.2 * rand()) for k in range(max(0, attempts - 1))]


@dataclass
class Pacing:
    """Retry policy for AWS's per-account rate limits (PutRestApi 1/s, CreateDeployment 1 per 5 s)."""

    attempts: int = 6
    sleep: Callable[[float], None] = time.sleep
    waits: list[float] = field(default_factory=list)  # what was waited, for the report and tests


def with_throttle_retry(
    fn: Callable[[], T], *, base: float, pacing: Pacing, on_retry: Callable[[float], None] | None = None
) -> T:
    """Call `fn`, waiting and calling again while AWS answers with throttling; other errors pass through."""
    delays = backoff_delays(base, pacing.attempts)
    for attempt in range(pacing.attempts):
        try:
            return fn()
        except Exception as exc:
            if not is_throttling(exc) or attempt == len(delays):
                raise
            delay = max(delays[attempt], _retry_after(exc))
            if on_retry is not None:
                on_retry(delay)
            pacing.waits.append(delay)
            pacing.sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover


def paginate(call: Callable[..., Any], items: str, token: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
    """Every item under `items` of every page `call(**kwargs)` answers, asking for the next page with the
    `token` the last one handed back (API Gateway's `position`, Cognito's `NextToken`).

    Wrap the reading in `aws_call`. It stops at a token seen before and after `MAX_PAGES` pages: a service
    that keeps handing back tokens must not keep a run going for ever.
    """
    seen: set[str] = set()
    next_token: str | None = None
    for _ in range(MAX_PAGES):
        page = call(**kwargs, **{token: next_token}) if next_token else call(**kwargs)
        yield from page.get(items) or []
        next_token = page.get(token)
        if not next_token or next_token in seen:
            return
        seen.add(next_token)


def _retry_after(exc: BaseException) -> float:
    response = getattr(exc, "response", None) or {}
    value = response.get("ResponseMetadata", {}).get("HTTPHeaders", {}).get("retry-after")
    try:
        return min(60.0, float(value)) if value is not None else 0.0
    except ValueError:
        return 0.0


class Clients:
    """Lazily built boto3 clients sharing one session, one botocore Config and the same options."""

    def __init__(self, options: SessionOptions) -> None:
        self.options = options
        self._session: boto3.session.Session | None = None
        self._cache: dict[tuple[str, str | None, bool], Any] = {}

    @property
    def session(self) -> boto3.session.Session:
        if self._session is None:
            import boto3  # noqa: PLC0415  (about 0.3 s: commands that never call AWS do not pay for it)

            with aws_call("AWS session"):
                # AWS_REGION is the AWS CLI v2's variable and wins over AWS_DEFAULT_REGION, which
                # is all botocore reads by itself.
                region = self.options.region or os.environ.get("AWS_REGION") or None
                self._session = boto3.session.Session(profile_name=self.options.profile, region_name=region)
        return self._session

    @property
    def region(self) -> str:
        region = self.session.region_name
        if not region:
            raise AwsError(
                "no AWS region given", hint="use --region or set AWS_REGION (or a profile's region)"
            )
        return region

    def partition(self, region: str | None = None) -> str:
        try:
            return self.session.get_partition_for_region(region or self.region)
        except Exception:  # an unknown region: the standard partition is the best guess
            return "aws"

    def _client(self, service: str, region: str | None = None, single_attempt: bool = False) -> Any:
        key = (service, region, single_attempt)
        if key not in self._cache:
            from botocore.config import Config  # noqa: PLC0415  (lazy, like boto3 above)

            retries: dict[str, Any] = {"mode": "standard"}
            if single_attempt:
                retries["total_max_attempts"] = 1
            elif self.options.max_attempts is not None:
                retries["total_max_attempts"] = max(1, self.options.max_attempts)
            config = Config(
                retries=retries,  # type: ignore[arg-type]
                connect_timeout=self.options.connect_timeout,
                read_timeout=self.options.read_timeout,
                user_agent_extra="apigw-cognito",
            )
            with aws_call(f"{service} client", self.options.endpoint_url):
                try:
                    self._cache[key] = self.session.client(
                        service,  # type: ignore[call-overload]
                        region_name=region or self.region,
                        endpoint_url=self.options.endpoint_url,
                        config=config,
                    )
                except ValueError as exc:  # botocore: "Invalid endpoint: ..."
                    raise InputError(f"--endpoint-url: {scrub(str(exc))}") from None
        return self._cache[key]

    def apigateway(self, *, single_attempt: bool = False) -> APIGatewayClient:
        """The API Gateway client; `single_attempt` for calls that are not safe to repeat (a create whose
        answer is lost may have created something: botocore must not send it again)."""
        client: APIGatewayClient = self._client("apigateway", single_attempt=single_attempt)
        return client

    def apigatewayv2(self) -> Any:
        """The API Gateway v2 client (HTTP APIs); untyped, as no stubs for it are installed."""
        return self._client("apigatewayv2")

    def cognito(self, region: str | None = None) -> CognitoIdentityProviderClient:
        client: CognitoIdentityProviderClient = self._client("cognito-idp", region)
        return client

    def sts(self) -> STSClient:
        client: STSClient = self._client("sts")
        return client

    def cloudformation(self) -> Any:
        return self._client("cloudformation")

    def endpoint(self, service: str) -> str | None:
        """The URL a client talks to, for messages (never holds credentials)."""
        client = self._cache.get((service, None, False))
        return str(client.meta.endpoint_url) if client is not None else self.options.endpoint_url
