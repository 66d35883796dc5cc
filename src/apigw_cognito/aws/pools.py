"""Turn the user pools a selector names (ARNs, pool ids, `name:<PoolName>`) into pool ARNs.

A pool id is looked up with DescribeUserPool in the region its id starts with (the answer carries the ARN
and proves the pool exists). A name is looked up with ListUserPools, page by page, in the session's region;
names are not unique in Cognito, so zero or several matches are errors. The ARN of a pool found by name is
built from the account STS reports, once per run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from apigw_cognito.aws.clients import Clients, SessionOptions, aws_call, aws_lookup, paginate
from apigw_cognito.basics.errors import AwsError, InputError
from apigw_cognito.selector.model import DEPLOY_TIME, Selector, pool_kind

NAME_PREFIX = "name:"
PAGE_SIZE = 60  # ListUserPools refuses more than 60 per page


@dataclass(frozen=True)
class PoolRef:
    kind: Literal["arn", "id", "name"]
    value: str  # the ARN, the pool id, or the pool name
    region: str | None = None  # for ids: the region the id names

    def __str__(self) -> str:
        return f"{NAME_PREFIX}{self.value}" if self.kind == "name" else self.value


def classify(text: str) -> PoolRef:
    """What a selector's `user_pools` entry is, by the selector's rules; anything else is an `InputError`."""
    try:
        kind = pool_kind(text)
    except ValueError as exc:
        raise InputError(
            str(exc), hint="write a pool ARN, a pool id (us-east-1_AbCdEfGhI) or name:<PoolName>"
        ) from None
    if kind == "name":
        return PoolRef("name", text[len(NAME_PREFIX) :])
    if kind == "id":
        return PoolRef("id", text, region=text.split("_", 1)[0])
    return PoolRef("arn", text)


def pool_arn(partition: str, region: str, account: str, pool_id: str) -> str:
    return f"arn:{partition}:cognito-idp:{region}:{account}:userpool/{pool_id}"


def needs_resolution(selector: Selector) -> bool:
    return any(pool_kind(p) in ("id", "name") for a in selector.authorizers.values() for p in a.user_pools)


class Resolver:
    """Resolves pool references against Cognito, each distinct reference once."""

    def __init__(self, clients: Clients, note: Callable[[str], None] | None = None) -> None:
        self.clients = clients
        self.note = note
        self._cache: dict[PoolRef, str] = {}
        self._account: str | None = None

    def account(self) -> str:
        if self._account is None:
            with aws_call("sts GetCallerIdentity", self.clients.options.endpoint_url):
                self._account = self.clients.sts().get_caller_identity()["Account"]
        return self._account

    def by_id(self, ref: PoolRef) -> str:
        with aws_lookup(
            "cognito-idp DescribeUserPool",
            f"user pool {ref.value}",
            ref.region,
            code="ResourceNotFoundException",
            hint="check the id and the account of the credentials in use",
            endpoint=self.clients.options.endpoint_url,
        ):
            pool = self.clients.cognito(ref.region).describe_user_pool(UserPoolId=ref.value)["UserPool"]
        arn = pool.get("Arn")
        if not arn:
            # Some stand-ins leave the ARN out; the id, region and account make it all the same.
            arn = pool_arn(
                self.clients.partition(ref.region),
                ref.region or self.clients.region,
                self.account(),
                ref.value,
            )
        return arn

    def by_name(self, ref: PoolRef) -> str:
        region = self.clients.region
        with aws_call("cognito-idp ListUserPools", self.clients.options.endpoint_url):
            pools = paginate(
                self.clients.cognito().list_user_pools, "UserPools", "NextToken", MaxResults=PAGE_SIZE
            )
            matches = [p["Id"] for p in pools if p.get("Name") == ref.value and "Id" in p]
        if not matches:
            raise AwsError(
                f"no user pool named {ref.value!r} in {region}",
                hint="check the name (it is case-sensitive), --region and the account in use",
            )
        if len(matches) > 1:
            raise AwsError(
                f"{len(matches)} user pools are named {ref.value!r} in {region}: "
                + ", ".join(sorted(matches)),
                hint="pool names are not unique: give the pool id or ARN instead",
            )
        return pool_arn(self.clients.partition(region), region, self.account(), matches[0])

    def resolve(self, text: str) -> str:
        ref = classify(text)
        if ref.kind == "arn":
            return ref.value
        if ref not in self._cache:
            arn = self.by_id(ref) if ref.kind == "id" else self.by_name(ref)
            self._cache[ref] = arn
            if self.note is not None:
                self.note(f"user pool {ref} -> {arn}")
        return self._cache[ref]


def resolve_pools(
    selector: Selector,
    session_options: SessionOptions,
    *,
    clients: Clients | None = None,
    note: Callable[[str], None] | None = None,
) -> Selector:
    """`selector` with every pool id and `name:<PoolName>` replaced by the pool's ARN.

    A selector that names ARNs only is returned as is, without any AWS call.
    """
    if not needs_resolution(selector):
        return selector
    resolver = Resolver(clients or Clients(session_options), note)
    mapping: dict[str, str] = {}
    for authorizer in selector.authorizers.values():
        for index, pool in enumerate(authorizer.user_pools):
            if pool in mapping or pool_kind(pool) in DEPLOY_TIME:
                continue  # a deploy-time reference is the deployment's to resolve
            try:
                mapping[pool] = resolver.resolve(pool)
            except AwsError as exc:
                shown = authorizer.pool_shown(index)
                if shown.startswith("'"):
                    raise
                # A value from the environment that names no pool may be anything: name the variable.
                raise AwsError(
                    f"authorizer '{authorizer.name}': user pool {shown} could not be resolved"
                    f" ({_without(exc.message, pool)})",
                    authorizer.pool_locations[index] if index < len(authorizer.pool_locations) else None,
                    hint=exc.hint,
                ) from None
    return selector.with_pools(mapping)


def _without(message: str, value: str) -> str:
    """`message` with the pool reference `value` masked where the resolver's messages show it."""
    name = value.removeprefix(NAME_PREFIX)
    for form in (value, repr(name)):
        message = message.replace(form, "***")
    return message
