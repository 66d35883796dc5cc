"""The selector's ``authorizers`` section: names, user pools, identity source, app client regex, cache TTL."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import partial
from typing import Any

from apigw_cognito.basics.errors import Location
from apigw_cognito.basics.intrinsics import CDK_TOKEN_RE
from apigw_cognito.basics.limits import MAX_AUTHORIZERS, MAX_RESULT_TTL_SECONDS, POOL_ARN_RE, POOL_ID_RE
from apigw_cognito.selector.model import (
    DEFAULT_IDENTITY_SOURCE,
    JWT_IDENTITY_SOURCE,
    Authorizer,
    AuthorizerType,
    pool_kind,
)
from apigw_cognito.selector.reader import Reader, fail, kind_of, shown_value, whole_number
from apigw_cognito.selector.stack_references import read_reference
from apigw_cognito.selector.syntax import (
    APP_CLIENT_ID_RE,
    AUTHORIZER_KEYS,
    AUTHORIZER_TYPES,
    IDENTITY_SOURCE_RE,
    JWT_IDENTITY_SOURCE_RE,
    NAME_RE,
    POOL_NAME_RE,
    RESERVED_NAMES,
    TYPE_ONLY_KEYS,
)
from apigw_cognito.selector.variables import Text

_POOL_FORMS = (
    "a user pool is written as an ARN (arn:aws:cognito-idp:<region>:<account id>:userpool/<pool id>),"
    " a pool id (<region>_<suffix>, such as us-east-1_AbCdEfGhI) or name:<PoolName>, or as a deploy-time"
    " reference such as {Fn::GetAtt: [UserPool, Arn]}"
)
# The region prefix of every region outside the aws partition.
_PARTITION_PREFIX = {"aws-cn": "cn-", "aws-us-gov": "us-gov-"}


def read_authorizers(reader: Reader, data: Any) -> tuple[dict[str, Authorizer], tuple[str, ...] | None]:
    """The authorizers read without a mistake, and the names declared (None when the section cannot be
    read): rules check names against the declared ones, so a mistake inside an authorizer is not reported
    again at every rule that names it."""
    value = data["authorizers"]
    where = reader.value_at(data, "authorizers")
    mapping = reader.attempt(
        lambda: reader.mapping(value, where, "authorizers", "a mapping from authorizer names to their pools")
    )
    if mapping is None:
        return {}, None
    if not mapping:
        reader.note(
            "authorizers is empty: declare at least one",
            where,
            "authorizers: {MyPool: {user_pools: [arn:aws:cognito-idp:...]}}",
        )
    if len(mapping) > MAX_AUTHORIZERS:
        extra = list(mapping)[MAX_AUTHORIZERS]
        reader.note(
            f"{len(mapping)} authorizers are declared; API Gateway allows {MAX_AUTHORIZERS} per API",
            reader.key_at(mapping, extra),
            "share authorizers between rules: one authorizer may list several user pools",
        )
    result: dict[str, Authorizer] = {}
    for name, body in mapping.items():
        authorizer = reader.attempt(partial(_authorizer, reader, mapping, name, body))
        if authorizer is not None:
            result[name] = authorizer
    _one_type(reader, mapping)
    return result, tuple(str(name) for name in mapping)


def _one_type(reader: Reader, mapping: Mapping[Any, Any]) -> None:
    """A selector secures one kind of API: REST (Cognito authorizers) or HTTP (JWT authorizers). The
    first authorizer whose type differs from the first one's is refused at its `type` (or its name)."""
    first: tuple[Any, str] | None = None
    for name, body in mapping.items():
        kind = body.get("type", "cognito_user_pools") if isinstance(body, Mapping) else None
        if kind not in AUTHORIZER_TYPES:
            continue  # a wrong type is reported by the authorizer itself
        if first is None:
            first = (name, kind)
            continue
        if kind != first[1]:
            where = reader.value_at(body, "type") if "type" in body else reader.key_at(mapping, name)
            reader.note(
                f"authorizer '{name}' is of type {kind} but authorizer '{first[0]}' is of type {first[1]}:"
                " a selector secures either a REST API (cognito_user_pools) or an HTTP API (jwt)",
                where,
                "use one selector per API; every authorizer of an HTTP API has `type: jwt`",
            )
            return


def _authorizer(reader: Reader, parent: Any, name: Any, body: Any) -> Authorizer | None:
    """One authorizer; None when a part of it had a mistake (kept by `reader`)."""
    key_at = reader.key_at(parent, name)
    if not isinstance(name, str) or not re.fullmatch(NAME_RE, name):
        shown = f"'{name}'" if isinstance(name, str) else f"the {kind_of(name)} {name}"
        reader.note(
            f"authorizer name {shown} is not a valid security scheme name",
            key_at,
            "use letters, digits, '.', '-' and '_' only (an OpenAPI components key)",
        )
    elif name in RESERVED_NAMES:
        reader.note(
            f"'{name}' cannot name an authorizer: `default: {name}` already means something else",
            key_at,
            "pick another name, such as CognitoPool",
        )
    what = f"authorizer '{name}'"
    body = reader.mapping(body, reader.value_at(parent, name), what, "a mapping with user_pools")
    before = len(reader.mistakes)
    reader.keys(body, AUTHORIZER_KEYS, f"in {what}", ("user_pools",), reader.node_at(body, key_at))

    kind = reader.attempt(lambda: _type(reader, body, what))
    if kind is None:
        return None
    _type_only_keys(reader, body, what, kind)
    pools = reader.attempt(lambda: _user_pools(reader, body, what)) if "user_pools" in body else None
    if pools is not None and kind == "jwt" and len(pools[0]) > 1:
        reader.note(
            f"{what}: a jwt authorizer has one issuer, so one user pool; {len(pools[0])} are listed",
            pools[1][1] or reader.value_at(body, "user_pools"),
            "declare one jwt authorizer per pool and pick one per rule",
        )
    if pools is not None and kind == "jwt":
        _no_template_variable(reader, pools[0], pools[1], what)
    identity_source = reader.attempt(lambda: _identity_source(reader, body, what, kind))
    regex = reader.attempt(lambda: _client_id_regex(reader, body, what))
    ttl = reader.attempt(lambda: _result_ttl(reader, body, what))
    audience = reader.attempt(lambda: _audience(reader, body, what, key_at)) if kind == "jwt" else ()
    if pools is None or identity_source is None or audience is None or len(reader.mistakes) > before:
        return None
    return Authorizer(
        name=name,
        user_pools=pools[0],
        identity_source=identity_source,
        app_client_id_regex=regex,
        result_ttl_seconds=ttl,
        location=key_at,
        pool_locations=pools[1],
        pool_variables=pools[2],
        type=kind,
        audience=audience,
    )


def _no_template_variable(
    reader: Reader, pools: tuple[str, ...], locations: tuple[Location | None, ...], what: str
) -> None:
    """A jwt authorizer's issuer is built from its pool; a Terraform template variable only stands for a
    whole value, and `apply --templatefile` writes no Terraform expression that would build it."""
    for pool, where in zip(pools, locations, strict=True):
        if pool_kind(pool) == "template":
            reader.note(
                f"{what}: a jwt authorizer's issuer is built from its pool, and a Terraform template"
                " variable cannot build it (apply --templatefile only puts the variable's value in place)",
                where or Location("selector"),
                "give the pool's id or ARN, as ${VAR} from the environment (such as `terraform output`"
                " of the stack that made the pool), and apply without --templatefile; or use a"
                " CloudFormation, SAM or CDK stack, whose reference to the pool is supported",
            )


def _type(reader: Reader, body: Any, what: str) -> AuthorizerType:
    if "type" not in body:
        return "cognito_user_pools"
    value = body["type"]
    if value == "jwt":
        return "jwt"
    if value == "cognito_user_pools":
        return "cognito_user_pools"
    fail(
        f"{what}: type must be cognito_user_pools or jwt, got {shown_value(value)}",
        reader.value_at(body, "type"),
        "cognito_user_pools (the default) secures a REST API; jwt an HTTP API (API Gateway v2)",
    )


def _type_only_keys(reader: Reader, body: Any, what: str, kind: str) -> None:
    for key, only in TYPE_ONLY_KEYS.items():
        if key in body and only != kind:
            hint = (
                "a jwt authorizer accepts the app clients listed in `audience` and has no result cache"
                if kind == "jwt"
                else "`audience` is for type jwt (an HTTP API); a REST API's Cognito authorizer can check"
                " ID tokens' app client with app_client_id_regex"
            )
            reader.note(
                f"{what}: {key} is only for authorizers of type {only}", reader.key_at(body, key), hint
            )


def _audience(reader: Reader, body: Any, what: str, key_at: Location) -> tuple[str, ...]:
    """The app client ids a JWT authorizer accepts as `aud` (ID tokens) or `client_id` (access tokens)."""
    if "audience" not in body:
        fail(
            f"{what}: a jwt authorizer needs an audience: the app client ids whose tokens it accepts",
            key_at,
            "add audience: [<app client id>, ...] (Cognito console: App integration, App clients)",
        )
    where = reader.value_at(body, "audience")
    value = body["audience"]
    if isinstance(value, str):
        fail(f"{what}: audience must be a list, even for one app client", where, f"write audience: [{value}]")
    items = reader.sequence(value, where, f"{what}: audience", "app client ids")
    if not items:
        fail(
            f"{what}: audience is empty", where, "list the app client ids whose tokens the authorizer accepts"
        )
    out: list[str] = []
    for index, item in enumerate(items):
        item_at = reader.item_at(items, index)
        text = reader.string(item, item_at, f"{what}: audience item {index + 1}", expand_variables=True)
        if not re.fullmatch(APP_CLIENT_ID_RE, text.value):
            reader.note(
                f"{what}: audience item {index + 1} {text.shown()} is not an app client id",
                item_at,
                "an app client id is letters, digits, '_' and '+' (CreateUserPoolClient's ClientId)",
            )
        elif text.value in out:
            reader.note(
                f"{what}: audience item {index + 1} repeats an earlier one", item_at, "list each once"
            )
        else:
            out.append(text.value)
    return tuple(out)


def _user_pools(
    reader: Reader, body: Any, what: str
) -> tuple[tuple[str, ...], tuple[Location | None, ...], tuple[tuple[str, ...], ...]]:
    value = body["user_pools"]
    where = reader.value_at(body, "user_pools")
    if isinstance(value, str):
        fail(
            f"{what}: user_pools must be a list, even for one pool",
            where,
            f"write it as a list: user_pools: [{value}]",
        )
    items = reader.sequence(value, where, f"{what}: user_pools", "pool ARNs, ids or names")
    if not items:
        fail(
            f"{what}: user_pools is empty",
            where,
            "list the pools whose tokens the authorizer accepts, as ARNs, pool ids or name:<PoolName>",
        )
    pools: list[str] = []
    numbers: list[int] = []  # each pool's place in the list, 1-based
    locations: list[Location | None] = []
    variables: list[tuple[str, ...]] = []
    for index, item in enumerate(items):
        item_at = reader.item_at(items, index)
        pool = reader.attempt(partial(_pool, reader, item, item_at, f"{what}: user_pools item {index + 1}"))
        if pool is None:
            continue
        if pool.value in pools:
            reader.note(
                f"{what}: user pool {index + 1} repeats user pool {numbers[pools.index(pool.value)]}",
                item_at,
                "list each pool once",
            )
            continue
        pools.append(pool.value)
        numbers.append(index + 1)
        locations.append(item_at)
        variables.append(pool.variables)
    return tuple(pools), tuple(locations), tuple(variables)


def _pool(reader: Reader, value: Any, where: Location, what: str) -> Text:
    if isinstance(value, Mapping) and len(value) == 1 and "name" in value:
        fail(
            f"{what} is a mapping; 'name: X' with a space after the colon is YAML for a mapping",
            where,
            f"write name:{value['name']} without the space, or quote it: 'name:{value['name']}'",
        )
    if isinstance(value, Mapping):
        return read_reference(reader, value, where, what)
    text = reader.string(value, where, what, expand_variables=True)
    match = re.fullmatch(POOL_ARN_RE, text.value)
    if match is None:
        if re.fullmatch(POOL_ID_RE, text.value) or re.fullmatch(POOL_NAME_RE, text.value):
            return text
        if text.variables and re.fullmatch(CDK_TOKEN_RE, text.value):
            return text  # a CDK token given through `environ` (secure_document in a CDK app)
        fail(f"{what}: {text.shown()} is not a user pool ARN, pool id or name", where, _POOL_FORMS)
    _check_arn(match, text, where, what)
    return text


def _check_arn(match: re.Match[str], text: Text, where: Location, what: str) -> None:
    """The ARN's region must be its pool id's, and belong to its partition."""
    partition, region, _account, _pool_id, pool_region = match.groups()
    if region != pool_region:
        fail(
            f"{what}: the ARN {text.shown()} names region {region}, but its pool id belongs to {pool_region}",
            where,
            "a pool id starts with its pool's region: copy the ARN from the Cognito console or"
            " `aws cognito-idp describe-user-pool`",
        )
    in_partition = _PARTITION_PREFIX.get(partition)
    if (in_partition is None and region.startswith(("cn-", "us-gov-"))) or (
        in_partition is not None and not region.startswith(in_partition)
    ):
        fail(
            f"{what}: the ARN {text.shown()} puts region {region} in partition {partition}",
            where,
            "China regions (cn-*) use arn:aws-cn, GovCloud regions (us-gov-*) arn:aws-us-gov,"
            " all others arn:aws",
        )


def _identity_source(reader: Reader, body: Any, what: str, kind: str) -> str:
    jwt = kind == "jwt"
    if "identity_source" not in body:
        return JWT_IDENTITY_SOURCE if jwt else DEFAULT_IDENTITY_SOURCE
    where = reader.value_at(body, "identity_source")
    text = reader.string(body["identity_source"], where, f"{what}: identity_source")
    if jwt and not re.fullmatch(JWT_IDENTITY_SOURCE_RE, text.value):
        fail(
            f"{what}: identity_source {text.shown()} is not a request header or query string parameter",
            where,
            f"an HTTP API's JWT authorizer reads the token from $request.header.<Name> or"
            f" $request.querystring.<Name>, for instance {JWT_IDENTITY_SOURCE} (the default)",
        )
    if not jwt and not re.fullmatch(IDENTITY_SOURCE_RE, text.value):
        fail(
            f"{what}: identity_source {text.shown()} is not a request header",
            where,
            f"Cognito authorizers read a token from a header: write method.request.header.<Name>,"
            f" for instance {DEFAULT_IDENTITY_SOURCE} (the default)",
        )
    return text.value


def _client_id_regex(reader: Reader, body: Any, what: str) -> str | None:
    """The regex, compiled once to check it: API Gateway runs it, this tool never does."""
    if "app_client_id_regex" not in body:
        return None
    where = reader.value_at(body, "app_client_id_regex")
    text = reader.string(
        body["app_client_id_regex"], where, f"{what}: app_client_id_regex", expand_variables=True
    )
    if not text.value:
        fail(f"{what}: app_client_id_regex is empty", where, "omit it to accept every app client")
    if text.variables and ("@" in text.value or "://" in text.value):
        fail(
            f"{what}: app_client_id_regex {text.shown()} holds '@' or '://', like a URL or a login;"
            " an app client id pattern never does, and the document it goes into may be published",
            where,
            "keep app client ids in a plainly named variable that holds only the id or its pattern",
        )
    problem = _regex_problem(text.value)
    if problem is not None:
        fail(
            f"{what}: app_client_id_regex {text.shown()} is not a valid regular expression: {problem}",
            where,
            "write a regular expression for app client ids, such as '^[0-9a-z]{26}$'",
        )
    return text.value


def _regex_problem(pattern: str) -> str | None:
    """Why Python cannot compile `pattern`, or None when it can."""
    try:
        re.compile(pattern)
    except re.error as exc:
        return exc.msg + (f" at position {exc.pos}" if exc.pos is not None else "")
    except OverflowError as exc:  # a repeat count such as {99999999999}
        return str(exc)
    except RecursionError:
        return "it is nested too deeply to compile"
    return None


def _result_ttl(reader: Reader, body: Any, what: str) -> int | None:
    if "result_ttl_seconds" not in body:
        return None
    value = body["result_ttl_seconds"]
    ttl = whole_number(value)
    if ttl is None or not 0 <= ttl <= MAX_RESULT_TTL_SECONDS:
        fail(
            f"{what}: result_ttl_seconds must be a whole number from 0 to"
            f" {MAX_RESULT_TTL_SECONDS}, got {shown_value(value)}",
            reader.value_at(body, "result_ttl_seconds"),
            "0 turns the authorizer cache off; API Gateway's default is 300",
        )
    return ttl
