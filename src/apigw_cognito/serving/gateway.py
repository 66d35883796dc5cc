"""One request through the served API, in API Gateway's order: route, Cognito authorizer (its decision
cached per token), API key, then the integration, or the gateway response of the first check that fails.

The decisions are the core's (`core.routes`, `core.request_checks`, `core.gateway_errors`,
`core.integrations`); this module does the I/O around them with aiohttp: reading the request, fetching
keys, calling backends and Lambda, and one log line per request (never the token).
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web
from multidict import CIMultiDict

from apigw_cognito.basics.openapi import HTTP_DEFAULT_ROUTE
from apigw_cognito.core.explain import Requirement
from apigw_cognito.core.gateway_errors import Answer, RequestFacts, gateway_answer
from apigw_cognito.core.http_gateway import (
    is_preflight,
    missing_token,
    not_found,
    preflight,
    refused,
    with_cors,
)
from apigw_cognito.core.http_lambda import jwt_claims, lambda_answer_v2, lambda_event_v2
from apigw_cognito.core.integrations import (
    INTEGRATION_KEY,
    SUPPORTED,
    Call,
    backend_answer,
    backend_request,
    flat_claims,
    lambda_answer,
    lambda_event,
    mock_answer,
)
from apigw_cognito.core.request_checks import Refusal, authorize, check_api_key, needs_keys, read_token
from apigw_cognito.core.routes import Match
from apigw_cognito.core.tokens import Verdict
from apigw_cognito.serving.served_api import ServedApi, ttl_of
from apigw_cognito.serving.signing_keys import KeysUnavailable, SigningKeys

MAX_BODY = 10 * 1024 * 1024  # API Gateway's payload limit
INTEGRATION_TIMEOUT = 29.0  # API Gateway's default (and, for REST APIs, usual) integration timeout
MAX_CACHED = 10_000  # decisions kept at most: memory stays flat under any number of tokens
LAMBDA_PATH = "/2015-03-31/functions/function/invocations"  # the Runtime Interface Emulator's invoke API

Log = Callable[[str], None]


@dataclass(frozen=True)
class Options:
    api_keys: tuple[str, ...] = ()
    upstream: str | None = None  # replaces the scheme, host and port of http integrations' URIs
    lambda_url: str | None = None  # where aws_proxy integrations are invoked
    stage: str = "local"
    integration_timeout: float = INTEGRATION_TIMEOUT


@dataclass
class _Cached:
    until: float
    refusal: Refusal | None
    claims: Mapping[str, str]


@dataclass
class _Outcome:
    answer: Answer
    rule: str  # what decided: the route's rule and authorizer, or the step that refused
    reasons: Sequence[str] = ()
    cached: bool = False


@dataclass
class Gateway:
    api: ServedApi
    keys: SigningKeys
    options: Options
    log: Log
    clock: Callable[[], float] = time.time  # tests judge tokens at a later time
    _cache: dict[tuple[str, int], _Cached] = field(default_factory=dict)
    _session: aiohttp.ClientSession | None = None
    _ids: Any = field(default_factory=lambda: itertools.count(1))
    _boot: str = field(default_factory=lambda: os.urandom(4).hex())

    def swap(self, api: ServedApi) -> None:
        """Serve a newly built API; decisions and keys of the old one are forgotten."""
        self.api = api
        self._cache.clear()
        self.keys.forget()

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(auto_decompress=False)
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def handle(self, request: web.BaseRequest) -> web.StreamResponse:
        path = request.raw_path.split("?", 1)[0]
        try:
            outcome = await self._outcome(request, path)
        except Exception as exc:  # a bug must cost one request, not the server
            facts = RequestFacts(request.method, path, request.headers, request.query, {}, "internal")
            problem = f"internal error ({type(exc).__name__}: {exc}); please report it"
            outcome = _Outcome(
                gateway_answer(self.api.gateway_responses, "DEFAULT_5XX", facts), "serve", (problem,)
            )
        answer = outcome.answer
        reasons = f": {'; '.join(outcome.reasons)}" if outcome.reasons else ""
        cached = ", decision cached" if outcome.cached else ""
        self.log(f"{request.method} {path} {answer.status} {outcome.rule}{cached}{reasons}")
        return web.Response(status=answer.status, headers=_headers(answer.headers), body=answer.body)

    async def _outcome(self, request: web.BaseRequest, path: str) -> _Outcome:
        api = self.api
        if api.http_api:
            outcome = await self._http_api_outcome(request, path)
            outcome.answer = with_cors(outcome.answer, api.cors, request.headers.get("origin"))
            return outcome
        request_id = f"{self._boot}-{next(self._ids):08x}"
        match = api.routes.match(request.method, path)
        length = request.content_length
        facts = RequestFacts(
            method=request.method,
            resource_path=match.resource.path if match else path,
            headers=request.headers,  # case-insensitive
            query=request.query,
            path_parameters=match.parameters if match else {},
            request_id=request_id,
        )
        if length is not None and length > MAX_BODY:  # refused at the door, before any route
            return self._too_large(api, facts, "size")
        if match is None:
            reason = f"the document has no method {request.method} {path}"
            return self._refused(api, Refusal("MISSING_AUTHENTICATION_TOKEN", (reason,)), facts, "no route")
        requirement = api.requirement(match.method, match.resource.path)
        rule = _rule(requirement)
        refusal: Refusal | None = None
        claims: Mapping[str, str] = {}
        cached = False
        if requirement.kind == "secured" and requirement.authorizer is not None:
            value = request.headers.get(requirement.authorizer.header)
            try:
                refusal, claims, cached = await self._authorize(requirement, value)
            except KeysUnavailable as exc:
                refusal = Refusal("AUTHORIZER_CONFIGURATION_ERROR", (str(exc),))
        refusal = refusal or check_api_key(
            requirement, request.headers.get("x-api-key"), self.options.api_keys
        )
        if refusal is not None:
            outcome = self._refused(api, refusal, facts, rule)
            outcome.cached = cached
            return outcome
        body = await _read_body(request)
        if body is None:
            return self._too_large(api, facts, rule)
        call = Call(facts, path, body, claims, self.options.stage, request.remote or "127.0.0.1")
        answer, problem = await self._integrate(api, match, call)
        return _Outcome(answer, rule, (problem,) if problem else (), cached)

    async def _http_api_outcome(self, request: web.BaseRequest, path: str) -> _Outcome:
        """An HTTP API: routes (404 when none; a CORS preflight no route takes is answered from the CORS
        configuration), the JWT authorizer (no decision cache: it has none), then the integration."""
        api = self.api
        # The $default route (path /$default) takes every request no other route matches.
        match = api.routes.match(request.method, path) or api.routes.match(request.method, HTTP_DEFAULT_ROUTE)
        if match is None:
            if api.cors is not None and is_preflight(request.method, request.headers):
                return _Outcome(
                    preflight(api.cors, request.headers), "CORS preflight (x-amazon-apigateway-cors)"
                )
            return _Outcome(not_found(), "no route", (f"the document has no route {request.method} {path}",))
        requirement = api.requirement(match.method, match.resource.path)
        rule = _rule(requirement)
        claims: Mapping[str, str] = {}
        if requirement.kind == "secured" and requirement.authorizer is not None:
            refusal = await self._jwt(requirement, request)
            if isinstance(refusal, _Outcome):
                refusal.rule = f"{rule} {refusal.rule}"
                return refusal
            claims = refusal
        facts = _facts(request, match, path)
        body = await _read_body(request)
        if body is None:
            return self._too_large(api, facts, rule)
        call = Call(facts, path, body, claims, self.options.stage, request.remote or "127.0.0.1")
        integration = match.operation.get(INTEGRATION_KEY)
        if (
            isinstance(integration, Mapping)
            and str(integration.get("type", "")).lower() == "aws_proxy"
            and str(integration.get("payloadFormatVersion")) == "2.0"
        ):
            key = (
                "$default"
                if match.resource.path == HTTP_DEFAULT_ROUTE
                else f"{match.method} {match.resource.path}"
            )
            scopes = claims.get("scope", "").split() if requirement.scopes and claims else None
            event = lambda_event_v2(call, key, scopes, request.query_string)
            answer, problem = await self._lambda(api, call, event, lambda_answer_v2)
        else:
            answer, problem = await self._integrate(api, match, call)
        return _Outcome(answer, rule, (problem,) if problem else ())

    async def _jwt(self, requirement: Requirement, request: web.BaseRequest) -> Mapping[str, str] | _Outcome:
        """The JWT authorizer: the token's claims for the integration, or the refusal."""
        assert requirement.authorizer is not None
        source = requirement.authorizer.identity_source
        values = request.query if ".querystring." in source else request.headers
        value = values.get(requirement.authorizer.header)
        if value is None or not value.strip():
            return _Outcome(missing_token(), "UNAUTHORIZED", (f"no token in {source}",))
        token = read_token(requirement, value)
        if isinstance(token, Refusal):
            return _Outcome(refused(Verdict(False, token.reasons)), "UNAUTHORIZED", token.reasons)
        issuer = needs_keys(requirement, token)
        try:
            key_set = await self.keys.get(issuer, self.session) if issuer else None
        except KeysUnavailable as exc:
            return _Outcome(_message_500(), "AUTHORIZER_CONFIGURATION_ERROR", (str(exc),))
        verdict, refusal = authorize(requirement, token, self.clock(), key_set)
        if refusal is not None:
            kind = "FORBIDDEN (no scope of the route)" if verdict.scope_missing else "UNAUTHORIZED"
            return _Outcome(refused(verdict), kind, verdict.reasons)
        return jwt_claims(token.claims)

    async def _authorize(
        self, requirement: Requirement, value: str | None
    ) -> tuple[Refusal | None, Mapping[str, str], bool]:
        """The authorizer's decision on the header's `value`, reused for its TTL (per token and method
        checks; API Gateway does not document its cache key)."""
        now = self.clock()
        key = (value or "", id(requirement))
        entry = self._cache.get(key)
        if entry is not None and entry.until > now:
            return entry.refusal, entry.claims, True
        token = read_token(requirement, value)
        if isinstance(token, Refusal):
            return token, {}, False
        issuer = needs_keys(requirement, token)
        key_set = await self.keys.get(issuer, self.session) if issuer else None
        verdict, refusal = authorize(requirement, token, now, key_set)
        claims = flat_claims(token.claims) if verdict.accepted else {}
        ttl = ttl_of(requirement)
        if ttl > 0:
            expires = token.claims.get("exp")
            until = now + ttl
            if verdict.accepted and isinstance(expires, int | float):
                until = min(until, float(expires))  # an accepted token is judged again once it expires
            if len(self._cache) >= MAX_CACHED:
                self._cache.pop(next(iter(self._cache)))
            self._cache[key] = _Cached(until, refusal, claims)
        return refusal, claims, False

    def _refused(self, api: ServedApi, refusal: Refusal, facts: RequestFacts, rule: str) -> _Outcome:
        answer = gateway_answer(api.gateway_responses, refusal.kind, facts, refusal.message)
        return _Outcome(answer, f"{rule} {refusal.kind}", refusal.reasons)

    def _too_large(self, api: ServedApi, facts: RequestFacts, rule: str) -> _Outcome:
        refusal = Refusal("REQUEST_TOO_LARGE", (f"the body is larger than {MAX_BODY} bytes",))
        return self._refused(api, refusal, facts, rule)

    async def _integrate(self, api: ServedApi, match: Match, call: Call) -> tuple[Answer, str | None]:
        integration = match.operation.get(INTEGRATION_KEY)
        kind = str(integration.get("type", "")).lower() if isinstance(integration, Mapping) else None
        if not isinstance(integration, Mapping) or kind not in SUPPORTED:
            problem = (
                "the method has no x-amazon-apigateway-integration (API Gateway refuses to deploy it)"
                if kind is None
                else f"serve does not run {kind!r} integrations (it runs {', '.join(SUPPORTED)})"
            )
            return self._failure(api, call, "API_CONFIGURATION_ERROR", problem)
        if kind == "mock":
            answer = mock_answer(integration, call)
            if isinstance(answer, str):
                return self._failure(api, call, "API_CONFIGURATION_ERROR", f"mock integration: {answer}")
            return answer, None
        if kind == "aws_proxy":
            return await self._lambda(api, call)
        return await self._http(api, integration, call)

    def _failure(
        self, api: ServedApi, call: Call, kind: str, problem: str, status: int | None = None
    ) -> tuple[Answer, str]:
        answer = gateway_answer(api.gateway_responses, kind, call.facts)
        if status is not None:
            answer = Answer(status, answer.headers, answer.body)
        return answer, f"{kind}: {problem}"

    async def _http(
        self, api: ServedApi, integration: Mapping[str, Any], call: Call
    ) -> tuple[Answer, str | None]:
        target = backend_request(integration, call, self.options.upstream)
        timeout = aiohttp.ClientTimeout(total=self.options.integration_timeout)
        try:
            async with self.session.request(
                target.method, target.url, headers=target.headers, data=call.body or None, timeout=timeout
            ) as reply:
                body = await reply.read()
                headers = {k.lower(): v for k, v in reply.headers.items() if k.lower() not in _HOP_BY_HOP}
                return backend_answer(integration, call, reply.status, headers, body), None
        except TimeoutError:
            return self._failure(api, call, "INTEGRATION_TIMEOUT", f"{target.url} did not answer in time")
        except (aiohttp.ClientError, OSError) as exc:
            problem = f"{target.url} cannot be reached ({type(exc).__name__}); --upstream points elsewhere"
            return self._failure(api, call, "INTEGRATION_FAILURE", problem)

    async def _lambda(
        self,
        api: ServedApi,
        call: Call,
        event: Mapping[str, Any] | None = None,
        parse: Callable[[bytes], Answer | str] = lambda_answer,
    ) -> tuple[Answer, str | None]:
        """Invoke the function with `event` (default: payload 1.0's), its reply read by `parse`."""
        if self.options.lambda_url is None:
            problem = "a Lambda proxy integration needs --lambda URL (the Runtime Interface Emulator's)"
            return self._failure(api, call, "DEFAULT_5XX", problem, status=502)
        url = self.options.lambda_url.rstrip("/")
        url = url if url.endswith(LAMBDA_PATH) else url + LAMBDA_PATH
        timeout = aiohttp.ClientTimeout(total=self.options.integration_timeout)
        try:
            async with self.session.post(url, json=event or lambda_event(call), timeout=timeout) as reply:
                payload = await reply.read()
        except TimeoutError:
            return self._failure(api, call, "INTEGRATION_TIMEOUT", f"{url} did not answer in time")
        except (aiohttp.ClientError, OSError) as exc:
            return self._failure(
                api, call, "DEFAULT_5XX", f"{url} cannot be reached ({type(exc).__name__})", 502
            )
        answer = parse(payload)
        if isinstance(answer, str):
            return self._failure(api, call, "DEFAULT_5XX", f"malformed Lambda proxy response: {answer}", 502)
        return answer, None


_HOP_BY_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "content-length", "server", "date"})


def _facts(request: web.BaseRequest, match: Match, path: str) -> RequestFacts:
    return RequestFacts(
        method=request.method,
        resource_path=match.resource.path,
        headers=request.headers,
        query=request.query,
        path_parameters=match.parameters,
        request_id=f"{os.getpid():x}-{time.time_ns():x}",
    )


def _message_500() -> Answer:
    return Answer(500, (("content-type", "application/json"),), b'{"message":"Internal Server Error"}')


def _rule(requirement: Requirement) -> str:
    if requirement.kind == "secured" and requirement.authorizer is not None:
        return f"{requirement.decided_by} (authorizer {requirement.authorizer.name})"
    return f"{requirement.decided_by} ({requirement.kind})"


def _headers(pairs: Sequence[tuple[str, str]]) -> CIMultiDict[str]:
    return CIMultiDict(pairs)  # repeated headers (Lambda's multiValueHeaders) stay repeated


async def _read_body(request: web.BaseRequest) -> bytes | None:
    """The body, or None past API Gateway's 10 MB (also for a chunked body with no length)."""
    if not request.body_exists:
        return b""
    chunks, size = [], 0
    async for chunk in request.content.iter_chunked(64 * 1024):
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
    return b"".join(chunks)
