"""User pools in moto's Cognito with resource servers, app clients and users, and the real tokens moto issues.

moto signs ID and access tokens (RS256) from AdminInitiateAuth (ADMIN_USER_PASSWORD_AUTH) and serves the
keys at `/<pool id>/.well-known/jwks.json`. Access tokens carry only `aws.cognito.signin.user.admin`:
custom scopes come from the OAuth2 token endpoint, which moto does not serve.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

import boto3

from tests.support.apidocs import unique

REGION = "us-east-1"
PASSWORD = "Passw0rd!Passw0rd"
RESOURCE_SERVER = "https://pets.example.com"


def cognito(url: str) -> Any:
    return boto3.client(
        "cognito-idp",
        region_name=REGION,
        endpoint_url=url,
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


@dataclass(frozen=True)
class Pool:
    id: str
    arn: str
    client_id: str  # an app client allowed ADMIN_USER_PASSWORD_AUTH and, with `oauth_scopes`, OAuth
    url: str

    def tokens(self, username: str | None = None) -> dict[str, str]:
        """A new user's ID and access tokens, as moto issues them."""
        client = cognito(self.url)
        username = username or unique("user")
        client.admin_create_user(UserPoolId=self.id, Username=username, TemporaryPassword=PASSWORD)
        client.admin_set_user_password(
            UserPoolId=self.id, Username=username, Password=PASSWORD, Permanent=True
        )
        answer = client.admin_initiate_auth(
            UserPoolId=self.id,
            ClientId=self.client_id,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD},
        )["AuthenticationResult"]
        return {"id": answer["IdToken"], "access": answer["AccessToken"]}


def make_pool(
    url: str,
    name: str | None = None,
    scopes: tuple[str, ...] = (),
    oauth_scopes: tuple[str, ...] = (),
    client_name: str = "web",
) -> Pool:
    """A pool whose resource server `RESOURCE_SERVER` defines `scopes` (none: no resource server), with one
    app client allowed to request `oauth_scopes` (none: OAuth off)."""
    client = cognito(url)
    pool = client.create_user_pool(PoolName=name or unique("pool"))["UserPool"]
    if scopes:
        client.create_resource_server(
            UserPoolId=pool["Id"],
            Identifier=RESOURCE_SERVER,
            Name="pets",
            Scopes=[{"ScopeName": s, "ScopeDescription": s} for s in scopes],
        )
    oauth: dict[str, Any] = {}
    if oauth_scopes:
        oauth = {
            "AllowedOAuthFlows": ["code"],
            "AllowedOAuthFlowsUserPoolClient": True,
            "AllowedOAuthScopes": list(oauth_scopes),
            "CallbackURLs": ["https://pets.example.com/callback"],
        }
    app_client = client.create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName=client_name,
        ExplicitAuthFlows=["ADMIN_USER_PASSWORD_AUTH"],
        **oauth,
    )["UserPoolClient"]
    return Pool(pool["Id"], pool["Arn"], app_client["ClientId"], url)


def claims_of(token: str) -> dict[str, Any]:
    """A JWT's payload, read without checking anything."""
    body = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))))


def token_kinds(mine: Pool, other: Pool, forged: dict[str, Any]) -> dict[str, str]:
    """A token of each kind a gateway must tell apart: `mine`'s ID and access tokens, `other`'s ID token,
    garbage, and `mine`'s ID token with `forged` claims put in and its signature kept."""
    issued = mine.tokens()
    head, _, signature = issued["id"].split(".")
    payload = claims_of(issued["id"]) | forged
    body = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")
    return {
        "garbage": "not-a-token",
        "id": issued["id"],
        "access": issued["access"],
        "other": other.tokens()["id"],
        "tampered": f"{head}.{body}.{signature}",
    }
