"""Read what each user pool offers tokens: its resource servers' scopes and its app clients' OAuth scopes.

ListResourceServers and ListUserPoolClients page by page, then DescribeUserPoolClient for each client (the
list carries no scopes). Each pool is called in the region of its ARN. Failures are one `AwsError` line
naming the call (exit 3), like every Cognito call; `core.pool_scopes` compares the answers with the
selector.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from apigw_cognito.aws.clients import Clients, aws_call, error_code, paginate
from apigw_cognito.basics.errors import AwsError
from apigw_cognito.core.pool_scopes import AppClient, PoolScopes, pool_id

SERVERS_PAGE = 50  # ListResourceServers: MaxResults 1..50
CLIENTS_PAGE = 60  # ListUserPoolClients: MaxResults 1..60


def read_pool_scopes(clients: Clients, arn: str, shown: str | None = None) -> PoolScopes:
    """What the pool `arn` offers; `AwsError` when it cannot be read, naming the pool as `shown` (a pool
    from the environment is named by its variable, never by its value)."""
    region = arn.split(":")[3]
    identifier = pool_id(arn)
    cognito = clients.cognito(region)
    endpoint = clients.options.endpoint_url
    with aws_call("cognito-idp ListResourceServers", endpoint), _pool_found(clients, arn, shown):
        servers = list(
            paginate(
                cognito.list_resource_servers,
                "ResourceServers",
                "NextToken",
                UserPoolId=identifier,
                MaxResults=SERVERS_PAGE,
            )
        )
    defined = frozenset(
        f"{server['Identifier']}/{scope['ScopeName']}"
        for server in servers
        for scope in server.get("Scopes") or []
    )
    with aws_call("cognito-idp ListUserPoolClients", endpoint), _pool_found(clients, arn, shown):
        listed = [
            str(c["ClientId"])
            for c in paginate(
                cognito.list_user_pool_clients,
                "UserPoolClients",
                "NextToken",
                UserPoolId=identifier,
                MaxResults=CLIENTS_PAGE,
            )
        ]
    app_clients = []
    for client_id in listed:
        with aws_call("cognito-idp DescribeUserPoolClient", endpoint):
            described = cognito.describe_user_pool_client(UserPoolId=identifier, ClientId=client_id)
        app_clients.append(_app_client(described["UserPoolClient"]))
    return PoolScopes(arn, defined, tuple(app_clients))


def read_all(clients: Clients, pools: Mapping[str, str]) -> dict[str, PoolScopes]:
    """Each pool of `pools` (ARN to how messages show it), read once."""
    return {arn: read_pool_scopes(clients, arn, shown) for arn, shown in pools.items()}


def _app_client(described: Mapping[str, Any]) -> AppClient:
    oauth = bool(described.get("AllowedOAuthFlowsUserPoolClient"))
    scopes = described.get("AllowedOAuthScopes") or []
    return AppClient(
        id=str(described.get("ClientId", "")),
        name=str(described.get("ClientName", "")),
        oauth_scopes=frozenset(str(s) for s in scopes) if oauth and isinstance(scopes, list) else frozenset(),
    )


@contextmanager
def _pool_found(clients: Clients, arn: str, shown: str | None) -> Iterator[None]:
    """A pool that does not exist is named plainly, whatever the failed call answered.

    AWS answers ResourceNotFoundException; stand-ins may answer anything (moto crashes with an HTML page
    for a pool it does not have), so on any other failure DescribeUserPool asks whether the pool exists
    before the call's own error is shown.
    """
    region, identifier = arn.split(":")[3], pool_id(arn)
    try:
        yield
    except Exception as exc:
        if error_code(exc) == "ResourceNotFoundException" or (
            error_code(exc) is not None and not _exists(clients, region, identifier)
        ):
            raise AwsError(
                f"user pool {shown or identifier} not found in {region}",
                hint="check the pool ARN and the account of the credentials in use (against the emulators,"
                " `make -s emulators-up` creates the SecurePets pool and prints its ARN)",
            ) from None
        raise


def _exists(clients: Clients, region: str, identifier: str) -> bool:
    """False only when Cognito says the pool does not exist; any other answer leaves the question open."""
    try:
        clients.cognito(region).describe_user_pool(UserPoolId=identifier)
    except Exception as exc:
        return error_code(exc) != "ResourceNotFoundException"
    return True
