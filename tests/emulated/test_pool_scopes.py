"""The selector's scopes checked against moto's Cognito: resource servers, app clients, pagination, faults.

moto implements CreateResourceServer/ListResourceServers and app clients with AllowedOAuthScopes and
AllowedOAuthFlowsUserPoolClient faithfully enough to prove the reading and the verdicts; the fault proxy in
front of it gives the throttling, AccessDenied and dropped connections moto never answers with. Each test
makes its own pools, so tests do not see each other's.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from apigw_cognito.aws.clients import Clients, SessionOptions
from apigw_cognito.aws.cognito_scopes import read_pool_scopes
from apigw_cognito.basics.errors import AwsError
from apigw_cognito.cli.main import app
from tests.support.cognito import RESOURCE_SERVER, cognito, make_pool
from tests.support.faults import Fault, fault_proxy
from tests.support.paths import ROOT

SPEC = str(ROOT / "specs" / "securepets.yaml")
PURCHASE = f"{RESOURCE_SERVER}/purchase"


def selector(tmp_path: Path, pool_arn: str, scope: str = PURCHASE, regex: str | None = None) -> str:
    extra = f"\n    app_client_id_regex: '{regex}'" if regex else ""
    path = tmp_path / "pets.selector.yaml"
    path.write_text(
        f"""version: 1
authorizers:
  SecurePetsPool:
    user_pools: [{pool_arn}]{extra}
rules:
  - select: GET /pets
    authorizer: SecurePetsPool
  - select: POST /purchase
    authorizer: SecurePetsPool
    scopes: [{scope}, openid]
  - select: '* /pets/**'
    public: true
default: deny
"""
    )
    return str(path)


def apply(selector_path: str, url: str, out: Path) -> tuple[int, str]:
    """Exit code and output (with -o the report goes to standard output, errors to standard error)."""
    args = ["apply", SPEC, "-s", selector_path, "-o", str(out), "--resolve", "--endpoint-url", url]
    result = CliRunner().invoke(app, args)
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout + result.stderr


def test_scope_defined_and_requestable_passes(aws_env: None, moto_url: str, tmp_path: Path) -> None:
    pool = make_pool(moto_url, scopes=("purchase", "read"), oauth_scopes=(PURCHASE,))
    code, err = apply(selector(tmp_path, pool.arn), moto_url, tmp_path / "out.yaml")
    assert code == 0, err
    assert "AGC10" not in err
    assert "AGC210" not in err
    assert "AGC211" not in err
    assert (tmp_path / "out.yaml").is_file()


def test_misspelt_scope_is_an_error_listing_the_scopes_that_exist(
    aws_env: None, moto_url: str, tmp_path: Path
) -> None:
    pool = make_pool(moto_url, scopes=("purchase", "read"), oauth_scopes=(PURCHASE,))
    code, err = apply(
        selector(tmp_path, pool.arn, f"{RESOURCE_SERVER}/purchse"), moto_url, tmp_path / "o.yaml"
    )
    assert code == 1, err
    (line,) = [line for line in err.splitlines() if "AGC104" in line]
    assert f"rule 2: scope '{RESOURCE_SERVER}/purchse' is defined by no resource server" in line
    assert f"the scopes defined there: {RESOURCE_SERVER}/purchase, {RESOURCE_SERVER}/read" in line
    assert pool.id in line
    assert line.startswith(f"{tmp_path / 'pets.selector.yaml'}:8:5: error AGC104")
    assert "nothing was written" in err
    assert not (tmp_path / "o.yaml").exists()


def test_scope_in_a_pool_without_resource_servers(aws_env: None, moto_url: str, tmp_path: Path) -> None:
    pool = make_pool(moto_url)
    code, err = apply(selector(tmp_path, pool.arn), moto_url, tmp_path / "o.yaml")
    assert code == 1
    assert "none defines any scope" in err


def test_scope_no_client_may_request_is_a_warning(aws_env: None, moto_url: str, tmp_path: Path) -> None:
    pool = make_pool(moto_url, scopes=("purchase",), oauth_scopes=("openid",), client_name="mobile")
    code, err = apply(selector(tmp_path, pool.arn), moto_url, tmp_path / "o.yaml")
    assert code == 0, err
    (line,) = [line for line in err.splitlines() if "AGC210" in line]
    assert f"scope '{PURCHASE}' is defined, but no app client" in line
    assert f"mobile ({pool.client_id})" in line


def test_client_with_scope_but_oauth_flows_off_cannot_request_it(
    aws_env: None, moto_url: str, tmp_path: Path
) -> None:
    pool = make_pool(moto_url, scopes=("purchase",))
    cognito(moto_url).update_user_pool_client(
        UserPoolId=pool.id,
        ClientId=pool.client_id,
        AllowedOAuthScopes=[PURCHASE],
        AllowedOAuthFlowsUserPoolClient=False,
    )
    code, err = apply(selector(tmp_path, pool.arn), moto_url, tmp_path / "o.yaml")
    assert code == 0
    assert "AGC210" in err


def test_client_id_regex_matching_no_client(aws_env: None, moto_url: str, tmp_path: Path) -> None:
    pool = make_pool(moto_url, scopes=("purchase",), oauth_scopes=(PURCHASE,))
    path = selector(tmp_path, pool.arn, regex="^nomatch$")
    code, err = apply(path, moto_url, tmp_path / "o.yaml")
    assert code == 0, err
    (line,) = [line for line in err.splitlines() if "AGC211" in line]
    assert pool.client_id in line
    assert "nomatch" not in line, "the regex may come from the environment: never shown"
    code, err = apply(
        selector(tmp_path, pool.arn, regex=f"^{pool.client_id}$"), moto_url, tmp_path / "p.yaml"
    )
    assert "AGC211" not in err


def test_every_page_of_servers_and_clients_is_read(aws_env: None, moto_url: str) -> None:
    """More resource servers than a ListResourceServers page (50) and clients than a client page (60)."""
    pool = make_pool(moto_url)
    client = cognito(moto_url)
    for i in range(51):
        client.create_resource_server(
            UserPoolId=pool.id,
            Identifier=f"rs{i}",
            Name=f"rs{i}",
            Scopes=[{"ScopeName": "s", "ScopeDescription": "s"}],
        )
    for i in range(61):
        client.create_user_pool_client(UserPoolId=pool.id, ClientName=f"c{i}")
    with fault_proxy(moto_url) as proxy:
        found = read_pool_scopes(
            Clients(SessionOptions(region="us-east-1", endpoint_url=proxy.url)), pool.arn
        )
        assert proxy.count("ListResourceServers") >= 2
        assert proxy.count("ListUserPoolClients") >= 2
        assert proxy.count("DescribeUserPoolClient") == 62
    assert len(found.defined) == 51
    assert "rs50/s" in found.defined
    assert len(found.clients) == 62


def test_unknown_pool_is_one_clear_line(aws_env: None, moto_url: str) -> None:
    """Cognito answers ResourceNotFoundException for a pool that does not exist (moto's ListResourceServers
    fails with an HTML 500 instead, so the proxy gives AWS's answer)."""
    arn = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Nowhere000"
    with fault_proxy(moto_url) as proxy:
        proxy.add(Fault("ListResourceServers", status=400, code="ResourceNotFoundException", protocol="json"))
        clients = Clients(SessionOptions(region="us-east-1", endpoint_url=proxy.url, max_attempts=1))
        with pytest.raises(AwsError, match="user pool us-east-1_Nowhere000 not found in us-east-1"):
            read_pool_scopes(clients, arn)


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        (
            Fault(
                "ListResourceServers", status=400, code="TooManyRequestsException", times=9, protocol="json"
            ),
            "cognito-idp ListResourceServers: still throttled",
        ),
        (
            Fault("DescribeUserPoolClient", status=400, code="AccessDeniedException", protocol="json"),
            "cognito-idp DescribeUserPoolClient: access denied",
        ),
        (
            Fault("ListUserPoolClients", kind="close", times=9),
            "cognito-idp ListUserPoolClients: cannot reach",
        ),
    ],
)
def test_faults_exit_3_with_one_line(
    aws_env: None, moto_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fault: Fault, expected: str
) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")
    pool = make_pool(moto_url, scopes=("purchase",), oauth_scopes=(PURCHASE,))
    with fault_proxy(moto_url) as proxy:
        proxy.add(fault)
        code, err = apply(selector(tmp_path, pool.arn), proxy.url, tmp_path / "o.yaml")
    assert code == 3, err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, err
    assert expected in errors[0]
    assert not (tmp_path / "o.yaml").exists()


def test_offline_apply_says_the_check_was_skipped(tmp_path: Path) -> None:
    arn = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEfGhI"
    result = CliRunner().invoke(
        app, ["apply", SPEC, "-s", selector(tmp_path, arn), "-o", str(tmp_path / "o")]
    )
    assert result.exit_code == 0
    assert "scopes not checked against the user pools" in result.stdout


def test_import_refuses_a_scope_nobody_defines_before_any_api_gateway_call(
    aws_env: None, moto_url: str, tmp_path: Path
) -> None:
    pool = make_pool(moto_url, scopes=("read",))
    with fault_proxy(moto_url) as proxy:
        args = ["import", SPEC, "-s", selector(tmp_path, pool.arn), "--api-name", "x", "--create"]
        result = CliRunner().invoke(app, [*args, "--endpoint-url", proxy.url])
        assert proxy.count("GetRestApis") == 0
        assert proxy.count("ImportRestApi") == 0
    assert result.exit_code == 1, result.output
    assert "error AGC104" in result.stderr
    assert "nothing was sent to API Gateway" in result.stderr


def one_error(result: object) -> str:
    err = result.stderr  # type: ignore[attr-defined]
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, err
    assert "<" not in err, err  # never an HTML page
    return err


@pytest.mark.parametrize("command", ["import", "verify"])
def test_a_pool_the_endpoint_does_not_have_is_one_line_whatever_it_answers(
    aws_env: None, moto_url: str, tmp_path: Path, command: str
) -> None:
    """moto answers ListResourceServers for a pool it does not have with an HTML 500 page: the pool is
    still named as not found, exit 3."""
    arn = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Nowhere000"
    args = [
        command,
        SPEC,
        "-s",
        selector(tmp_path, arn),
        "--api-name",
        "SecurePets",
        "--endpoint-url",
        moto_url,
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 3, result.output
    err = one_error(result)
    assert "error: user pool us-east-1_Nowhere000 not found in us-east-1" in err
    assert "emulators-up" in err


def test_an_endpoint_without_cognito_says_where_to_point_it(
    aws_env: None, moto_url: str, tmp_path: Path
) -> None:
    """LocalStack community answers every cognito-idp call with 501: say what to do instead."""
    pool = make_pool(moto_url, scopes=("purchase",), oauth_scopes=(PURCHASE,))
    license_text = (
        "The API for service cognito-idp is either not included in your current license plan or has not"
        " yet been emulated by LocalStack."
    )
    with fault_proxy(moto_url) as proxy:
        proxy.add(Fault("ListResourceServers", status=501, message=license_text, times=9, protocol="json"))
        args = ["import", SPEC, "-s", selector(tmp_path, pool.arn), "--api-name", "x", "--dry-run"]
        result = CliRunner().invoke(app, [*args, "--endpoint-url", proxy.url])
    assert result.exit_code == 3, result.output
    err = one_error(result)
    assert "cognito-idp ListResourceServers: the endpoint does not serve cognito-idp (HTTP 501" in err
    assert "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER" in err
    assert "--no-pool-check" in err


def test_localstack_community_without_cognito_says_where_to_point_it(
    aws_env: None, localstack_url: str, tmp_path: Path
) -> None:
    """The same with LocalStack itself as the only endpoint: it answers cognito-idp with 501."""
    arn = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEfGhI"
    args = ["import", SPEC, "-s", selector(tmp_path, arn), "--api-name", "x", "--dry-run"]
    result = CliRunner().invoke(app, [*args, "--endpoint-url", localstack_url])
    assert result.exit_code == 3, result.output
    err = one_error(result)
    assert "the endpoint does not serve cognito-idp (HTTP 501" in err
    assert "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER=URL" in err
    assert "--no-pool-check" in err
