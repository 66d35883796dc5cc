"""Target runs without AWS: which APIs have a target, and two targets on one REST API refused."""

from __future__ import annotations

import pytest

from apigw_cognito.app.config import parse_config
from apigw_cognito.app.targets import refuse_shared, target_runs
from apigw_cognito.basics.errors import InputError

CONFIG = """
[[apis]]
name = "a"
spec = "a.yaml"
selector = "a.sel.yaml"
[apis.targets.prod]
rest_api_id = "x1"
[apis.targets.dev]
api_name = "A"

[[apis]]
name = "b"
spec = "b.yaml"
selector = "b.sel.yaml"
[apis.targets.prod]
api_name = "B"
region = "eu-west-1"
[apis.targets.dev]
api_name = "A"
region = "eu-west-1"

[[apis]]
name = "c"
spec = "c.yaml"
selector = "c.sel.yaml"
"""


def test_only_apis_with_the_target_run() -> None:
    config = parse_config(CONFIG, "apigw-cognito.toml")
    assert [r.api.name for r in target_runs(config, "prod")] == ["a", "b"]
    with pytest.raises(InputError, match="no configured API has the target 'qa'") as caught:
        target_runs(config, "qa")
    assert caught.value.hint == "configured targets: dev, prod"


def test_same_name_in_other_regions_is_not_shared_but_a_resolved_id_is() -> None:
    config = parse_config(CONFIG, "apigw-cognito.toml")
    refuse_shared(target_runs(config, "dev"))  # "A" in the default region and in eu-west-1
    runs = target_runs(config, "prod")
    refuse_shared(runs, {1: "x2"})
    shared = parse_config(
        CONFIG.replace('api_name = "B"\nregion = "eu-west-1"', 'rest_api_id = "x1"'), "c.toml"
    )
    with pytest.raises(InputError, match="APIs 'a' and 'b' both import into x1 with target 'prod'"):
        refuse_shared(target_runs(shared, "prod"))
