"""scripts/emulators.py: start and stop by PID, a PID that is no longer ours left alone, the env lines."""

from __future__ import annotations

import json
import os
from pathlib import Path

import botocore.session
import pytest

from tests.support.emulators import manager


def test_stop_leaves_a_reused_pid_alone(tmp_path: Path) -> None:
    # Our own PID recorded with another command line: stop must not signal it.
    entry = {"pid": os.getpid(), "url": "http://127.0.0.1:1", "marker": "no-such-emulator-command"}
    (tmp_path / "state.json").write_text(json.dumps({"moto": entry}))
    manager.stop(tmp_path, ["moto"])
    assert not (tmp_path / "state.json").exists()


def test_env_lines_point_each_service_at_its_emulator() -> None:
    state = {"localstack": {"url": "http://127.0.0.1:1"}, "moto": {"url": "http://127.0.0.1:2"}}
    env = manager.env_vars(state)
    assert env["AWS_ENDPOINT_URL_API_GATEWAY"] == "http://127.0.0.1:1"
    assert env["AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"] == "http://127.0.0.1:2"
    assert env["AWS_ENDPOINT_URL_STS"] == "http://127.0.0.1:2"
    # HTTP APIs go to moto: LocalStack community has no API Gateway v2. botocore's name for the variable:
    assert botocore.session.get_session().get_service_model("apigatewayv2").service_id == "ApiGatewayV2"
    assert env["AWS_ENDPOINT_URL_APIGATEWAYV2"] == "http://127.0.0.1:2"


@pytest.mark.emulator
def test_moto_starts_and_stops_by_process_group(tmp_path: Path) -> None:
    try:
        state = manager.start(tmp_path, ["moto"])
    except manager.EmulatorError as exc:
        pytest.fail(str(exc))
    pid = state["moto"]["pid"]
    assert manager._alive(state["moto"])
    assert manager.read_state(tmp_path)["moto"]["pid"] == pid
    # A second start finds it running and starts nothing new.
    assert manager.start(tmp_path, ["moto"])["moto"]["pid"] == pid
    manager.stop(tmp_path, ["moto"])
    assert not manager._group_alive(pid)
    assert manager.read_state(tmp_path) == {}
    assert (tmp_path / "moto.log").exists()


@pytest.mark.emulator
def test_start_makes_the_example_pools_once_and_exports_them(tmp_path: Path) -> None:
    """`make -s emulators-up` leaves moto with the pools, resource servers and app clients the SecurePets and
    SecureNotes selectors need, and exports what their ${SECUREPETS_USER_POOL}, ${SECURENOTES_USER_POOL}
    (a jwt authorizer's pool id) and ${SECURENOTES_APP_CLIENT} (its audience) read."""
    import boto3

    try:
        manager.start(tmp_path, ["moto"])
        first = manager.add_example_pools(tmp_path)
        again = manager.add_example_pools(tmp_path)  # a second `emulators-up` finds them
        env = manager.env_vars(manager.read_state(tmp_path))
        cognito = boto3.client(
            "cognito-idp",
            region_name="us-east-1",
            endpoint_url=env["AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"],
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )
        pools = cognito.list_user_pools(MaxResults=60)["UserPools"]
        made = {}
        for key in ("securepets", "securenotes"):
            pool_id, client_id = first[key]["pool_id"], first[key]["client_id"]
            made[key] = (
                cognito.list_resource_servers(UserPoolId=pool_id, MaxResults=50)["ResourceServers"],
                cognito.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)["UserPoolClient"],
            )
    except manager.EmulatorError as exc:
        pytest.fail(str(exc))
    finally:
        manager.stop(tmp_path, ["moto"])
    assert (first["securepets"], first["securenotes"]) == (again["securepets"], again["securenotes"])
    assert sorted((p["Name"], p["Id"]) for p in pools) == sorted(
        [
            ("SecurePetsUsers", first["securepets"]["pool_id"]),
            ("SecureNotesUsers", first["securenotes"]["pool_id"]),
        ]
    )
    assert env["SECUREPETS_USER_POOL"] == first["securepets"]["pool_arn"]
    assert env["SECUREPETS_APP_CLIENT_ID"] == first["securepets"]["client_id"]
    assert env["SECURENOTES_USER_POOL"] == first["securenotes"]["pool_id"]
    assert env["SECURENOTES_APP_CLIENT"] == first["securenotes"]["client_id"]
    for key, identifier, scope in (
        ("securepets", "https://pets.example.com", "purchase"),
        ("securenotes", "notes", "write"),  # the SecureNotes selector's scope notes/write
    ):
        servers, client = made[key]
        assert [(s["Identifier"], [x["ScopeName"] for x in s["Scopes"]]) for s in servers] == [
            (identifier, [scope])
        ]
        assert f"{identifier}/{scope}" in client["AllowedOAuthScopes"]
