"""The user pools' signing keys for `serve`: fetched as `explain` fetches them, once per pool, and kept.

The URL is `explain`'s (`--jwks-url`, else the issuer's, or moto's under `--endpoint-url` /
AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER); `--jwks-file` works offline with a key set on disk. Only an
issuer that is one of an authorizer's pools is ever fetched (the caller checks), so a token never chooses
where the server connects. A fetch that fails is not kept: the next request tries again.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from typing import Any

import aiohttp

from apigw_cognito.app.explaining import KeySource, key_set_url

MAX_JWKS_BYTES = 1024 * 1024


class KeysUnavailable(Exception):
    """The keys of a pool cannot be had: API Gateway's AUTHORIZER_CONFIGURATION_ERROR."""


class SigningKeys:
    def __init__(self, source: KeySource, fixed: Mapping[str, Any] | None = None) -> None:
        self.source = source
        self.fixed = fixed  # --jwks-file: one key set for every pool
        self._sets: dict[str, Mapping[str, Any]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def get(self, issuer: str, session: aiohttp.ClientSession) -> Mapping[str, Any]:
        if self.fixed is not None:
            return self.fixed
        found = self._sets.get(issuer)
        if found is not None:
            return found
        lock = self._locks.setdefault(issuer, asyncio.Lock())
        async with lock:  # many requests with a new pool's tokens: one fetch
            found = self._sets.get(issuer)
            if found is None:
                found = self._sets[issuer] = await self._fetch(key_set_url(issuer, self.source), session)
        return found

    async def _fetch(self, url: str, session: aiohttp.ClientSession) -> Mapping[str, Any]:
        try:
            timeout = aiohttp.ClientTimeout(total=self.source.timeout)
            async with session.get(url, timeout=timeout) as answer:
                if answer.status != 200:
                    raise KeysUnavailable(f"fetching the pool's keys from {url}: HTTP {answer.status}")
                body = await answer.content.read(MAX_JWKS_BYTES + 1)
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise KeysUnavailable(
                f"fetching the pool's keys from {url}: cannot reach it ({type(exc).__name__})"
            ) from None
        try:
            keys = json.loads(body)
        except ValueError:
            keys = None
        if not isinstance(keys, dict) or not isinstance(keys.get("keys"), list):
            raise KeysUnavailable(
                f"fetching the pool's keys from {url}: the answer is not a JSON Web Key Set"
            )
        return keys

    def forget(self) -> None:
        """Drop the keys kept (a reload may name other pools or another endpoint)."""
        self._sets.clear()
